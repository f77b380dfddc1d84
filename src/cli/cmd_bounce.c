/*
 * cmd_bounce.c - maildiag bounce FILE...|-: read bounces, feedback
 * reports and auto-replies from files, mboxes, Maildirs and stdin, and
 * classify every failed recipient.
 *
 * One unreadable input never stops the run: it is reported on stderr as
 * one line naming the file and message index, the others are processed,
 * and the exit code is 2 at the end.
 *
 * --format ndjson streams: each record is written to stdout as soon as
 * its message is read (md_bounce_batch_set_sink), so memory does not grow
 * with the mailbox; the findings still decide the exit code.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* --our-ips / --our-domains values kept (comma lists, repeatable). */
#define BOUNCE_MAX_OURS 256

const char cmd_bounce_usage[] =
	"usage: maildiag bounce [options] FILE...|-\n"
	"\n"
	"Read bounce messages (RFC 3464 DSNs and the formats of Postfix, Exim,\n"
	"Sendmail, qmail, Exchange, Gmail, Yahoo, Amazon SES and others), ARF\n"
	"feedback reports and auto-replies, and classify each failed recipient:\n"
	"reason, hard or soft bounce, who must act, what to do. FILE may be a\n"
	"message, an mbox, a directory or Maildir, or - for stdin.\n"
	"\n"
	"Options:\n"
	"  --rules FILE           classification rules (default: the built-in\n"
	"                         data/bounce-rules.tsv)\n"
	"  --our-ips LIST         your sending IPs/CIDRs, comma-separated: a bounce\n"
	"                         of mail not sent from them is flagged as backscatter\n"
	"  --our-domains LIST     your sending domains, comma-separated (the same)\n"
	"  --sent-log FILE        Message-IDs you sent (a log or a list): a bounce\n"
	"                         about any other Message-ID is backscatter\n"
	"  --jobs N               threads that parse (default: one per CPU, at\n"
	"                         most 8; 1: none); the output is the same\n";

/* The NDJSON stream's sink: stdout, as cli_render() writes. */
static int stdout_sink(void *ud, const char *data, size_t len)
{
	return fwrite(data, 1, len, ud) == len ? 0 : -1;
}

/* After streaming: what cli_render() decides, without printing the report
 * again (its records are already out). */
static int streamed_exit_code(const cli_opts *o, const md_report *r)
{
	if (md_report_status(r) != MD_OK) {
		cli_error(o, "%s", md_status_str(md_report_status(r)));
		return EXIT_INCOMPLETE;
	}
	if (fflush(stdout) != 0) {
		cli_error(o, "cannot write output: %s", md_status_str(MD_EIO));
		return EXIT_INCOMPLETE;
	}
	return md_report_exit_code(r);
}

/* md_bounce_scan's error callback: one line per input, as read. */
static void scan_error(void *ud, const char *file, size_t index, const char *error)
{
	cli_error(ud, "%s#%zu: %s", file, index, error);
}

/* Split a comma list into LIST (pointers into a strdup'd copy). */
static int add_list(const cli_opts *o, const char *v, const char **list, size_t *n,
                    char **keep, size_t *nkeep, const char *name)
{
	char *copy = strdup(v), *p, *save = NULL;

	if (copy == NULL) {
		cli_error(o, "out of memory");
		return -1;
	}
	keep[(*nkeep)++] = copy;
	for (p = copy; p != NULL; p = save) {
		save = strchr(p, ',');
		if (save != NULL)
			*save++ = '\0';
		if (*p == '\0')
			continue;
		if (*n >= BOUNCE_MAX_OURS) {
			cli_error(o, "%s: more than %d values", name, BOUNCE_MAX_OURS);
			return -1;
		}
		list[(*n)++] = p;
	}
	return 0;
}

int cmd_bounce(cli_opts *o, int argc, char **argv)
{
	const char *rules_path = NULL, *sent_path = NULL;
	const char *ips[BOUNCE_MAX_OURS], *doms[BOUNCE_MAX_OURS];
	char *keep[2 * BOUNCE_MAX_OURS];
	size_t nips = 0, ndoms = 0, nkeep = 0, npaths = 0, bad = 0, i;
	const char *first_path = NULL;
	md_bounce_rules *rules = NULL;
	md_sent_log *sent = NULL;
	md_source *src = NULL;
	md_report *rep = NULL;
	md_bounce_batch *batch = NULL;
	md_bounce_opts bo = {0};
	md_mime_opts mo = {.no_copy = true};
	md_bounce_scan_opts so = {0};
	bool dashdash = false, stream;
	int code = EXIT_USAGE, k;
	md_status st;
	char err[512];

	src = md_source_new(NULL);
	if (src == NULL) {
		cli_error(o, "out of memory");
		return EXIT_INCOMPLETE;
	}
	for (k = 1; k < argc; k++) {
		const char *v;
		int e = 0;

		if (!dashdash && strcmp(argv[k], "--") == 0) {
			dashdash = true;
			continue;
		}
		if (!dashdash) {
			int c = cli_common_option(o, argc, argv, &k);

			if (c < 0)
				goto out;
			if (c > 0)
				continue;
			if ((v = cli_option_str(o, argc, argv, &k, "--rules", &e)) != NULL) {
				rules_path = v;
				continue;
			}
			if ((v = cli_option_str(o, argc, argv, &k, "--sent-log", &e)) != NULL) {
				sent_path = v;
				continue;
			}
			if ((v = cli_option_str(o, argc, argv, &k, "--jobs", &e)) != NULL) {
				char *end;
				unsigned long n = strtoul(v, &end, 10);

				if (*v < '0' || *v > '9' || *end != '\0' || n < 1 || n > 64) {
					cli_error(o, "--jobs %s: not a number from 1 to 64", v);
					goto out;
				}
				so.jobs = (unsigned)n;
				continue;
			}
			if ((v = cli_option_str(o, argc, argv, &k, "--our-ips", &e)) != NULL) {
				if (add_list(o, v, ips, &nips, keep, &nkeep, "--our-ips") < 0)
					goto out;
				continue;
			}
			if ((v = cli_option_str(o, argc, argv, &k, "--our-domains", &e)) != NULL) {
				if (add_list(o, v, doms, &ndoms, keep, &nkeep, "--our-domains") < 0)
					goto out;
				continue;
			}
			if (e)
				goto out;
			if (cli_unknown_option(o, argv[k]))
				goto out;
		}
		if (md_source_add(src, argv[k]) != MD_OK) {
			cli_error(o, "out of memory");
			code = EXIT_INCOMPLETE;
			goto out;
		}
		if (npaths++ == 0)
			first_path = argv[k];
	}
	if (npaths == 0) {
		cli_error(o, "missing FILE (usage: maildiag bounce FILE...|-)");
		goto out;
	}
	cli_opts_finish(o);
	if (rules_path != NULL) {
		st = md_bounce_rules_load(rules_path, &rules, err, sizeof(err));
		if (st != MD_OK) {
			cli_error(o, "--rules %s", err[0] ? err : md_status_str(st));
			goto out;
		}
	} else if (md_bounce_rules_builtin(&rules) != MD_OK) {
		cli_error(o, "out of memory");
		code = EXIT_INCOMPLETE;
		goto out;
	}
	if (sent_path != NULL) {
		st = md_sent_log_load(sent_path, &sent);
		if (st != MD_OK) {
			cli_error(o, "--sent-log %s: %s", sent_path, md_status_str(st));
			goto out;
		}
	}
	mo.charsets = md_charsets_new();
	if (mo.charsets == NULL) {
		cli_error(o, "out of memory");
		code = EXIT_INCOMPLETE;
		goto out;
	}
	bo.rules = rules;
	bo.our_ips = ips;
	bo.n_our_ips = nips;
	bo.our_domains = doms;
	bo.n_our_domains = ndoms;
	bo.sent_log = sent;
	rep = md_report_new("bounce", npaths == 1 ? first_path : "inputs");
	batch = rep ? md_bounce_batch_new(rep) : NULL;
	if (batch == NULL) {
		cli_error(o, "out of memory");
		code = EXIT_INCOMPLETE;
		goto out;
	}
	md_bounce_batch_set_wide(batch, o->format == MD_FORMAT_CSV);
	stream = o->format == MD_FORMAT_NDJSON;
	if (stream)
		md_bounce_batch_set_sink(batch, stdout_sink, stdout);
	/* Each message's memory is freed and the next one's taken at once:
	 * giving it back to the kernel in between (glibc trims a thread's
	 * heap with madvise, a TLB flush on every CPU) cost a tenth of a
	 * mailbox run. Keep up to 64 MiB; allocations under 4 MiB come from
	 * the heap, not from their own mmap. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	so.bounce = &bo;
	so.mime = &mo;
	so.on_error = scan_error;
	so.ud = o;
	st = md_bounce_scan(src, &so, batch, &bad);
	if (st == MD_EIO && stream) {
		cli_error(o, "cannot write output: %s", md_status_str(st));
		code = EXIT_INCOMPLETE;
		goto out;
	}
	if (st != MD_OK) {
		cli_error(o, "%s", md_status_str(st));
		code = EXIT_INCOMPLETE;
		goto out;
	}
	st = md_bounce_batch_finish(batch);
	if (st == MD_EIO && stream) {
		cli_error(o, "cannot write output: %s", md_status_str(st));
		code = EXIT_INCOMPLETE;
		goto out;
	}
	if (st != MD_OK) {
		cli_error(o, "out of memory");
		code = EXIT_INCOMPLETE;
		goto out;
	}
	code = stream ? streamed_exit_code(o, rep) : cli_render(o, rep);
	if ((md_source_errors(src) > 0 || bad > 0) && code != EXIT_INCOMPLETE)
		code = EXIT_USAGE;
out:
	md_bounce_batch_free(batch);
	md_report_free(rep);
	md_source_free(src);
	md_sent_log_free(sent);
	md_bounce_rules_free(rules);
	md_charsets_free(mo.charsets);
	for (i = 0; i < nkeep; i++)
		free(keep[i]);
	return code;
}
