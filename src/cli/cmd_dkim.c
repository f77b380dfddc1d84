/*
 * cmd_dkim.c - maildiag dkim DOMAIN: the DKIM key records of a domain's
 * selectors, linted, with selector discovery; or maildiag dkim --verify
 * MESSAGE: every DKIM-Signature of a message verified, with the evidence.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_dkim_usage[] =
    "usage: maildiag dkim DOMAIN [--selector S]... [--from-message FILE]...\n"
    "                     [--from-report FILE]... [--no-common] [options]\n"
    "       maildiag dkim --verify MESSAGE [--now EPOCH] [options]\n"
    "\n"
    "Check the DKIM keys of DOMAIN: each selector's record at\n"
    "SELECTOR._domainkey.DOMAIN parsed and linted (missing or revoked key, key\n"
    "type, RSA size, t=y testing, h=/s= restrictions, syntax errors with their\n"
    "position, a CNAME to a provider that does not resolve).\n"
    "\n"
    "Without --selector the selectors are discovered: from the DKIM-Signature\n"
    "fields of messages or bounces you sent (--from-message), from DMARC\n"
    "aggregate reports (--from-report, XML or gzip/zip), from a list of the\n"
    "selectors common providers use (unless --no-common), and the RFC 8020 probe\n"
    "of _domainkey.DOMAIN tells \"has keys\" from \"has none\".\n"
    "\n"
    "With --verify, every DKIM-Signature of MESSAGE (a file, an mbox, a directory\n"
    "of messages, or - for stdin) is\n"
    "verified (RFC 6376, RFC 8463 ed25519; rsa-sha1 is refused per RFC 8301);\n"
    "a failure shows the body hash expected and computed, the canonicalised\n"
    "header block and the likely cause. --now sets the time for t= and x=.\n"
    "\n"
    "Examples:\n"
    "  maildiag dkim example.org --selector rsa2048 --dns-fixture examples/zones\n"
    "  maildiag dkim --verify examples/messages/list-footer.eml --dns-fixture examples/zones\n";

/* Read every message of PATH (a file, mbox or "-") into the arrays. */
static int read_inputs(cli_opts *o, const char *path, char ***bufs, size_t **lens, size_t *n)
{
	md_source *s = md_source_new(NULL);
	md_source_item it;
	int rc = 0;

	if (s == NULL || md_source_add(s, path) != MD_OK) {
		md_source_free(s);
		cli_error(o, "out of memory");
		return -1;
	}
	while (md_source_next(s, &it)) {
		char **nb;
		size_t *nl;

		if (it.status != MD_OK) {
			cli_error(o, "%s: %s", it.file,
			          it.error ? it.error : md_status_str(it.status));
			rc = -1;
			break;
		}
		nb = realloc(*bufs, (*n + 1) * sizeof(**bufs));
		nl = realloc(*lens, (*n + 1) * sizeof(**lens));
		if (nb != NULL)
			*bufs = nb;
		if (nl != NULL)
			*lens = nl;
		if (nb == NULL || nl == NULL ||
		    ((*bufs)[*n] = malloc(it.len ? it.len : 1)) == NULL) {
			cli_error(o, "out of memory");
			rc = -1;
			break;
		}
		memcpy((*bufs)[*n], it.data, it.len);
		(*lens)[*n] = it.len;
		(*n)++;
	}
	md_source_free(s);
	return rc;
}

static void free_inputs(char **bufs, size_t *lens, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(bufs[i]);
	free(bufs);
	free(lens);
}

static int parse_epoch(cli_opts *o, const char *v, long long *out)
{
	char *end;

	*out = strtoll(v, &end, 10);
	if (end == v || *end != '\0' || *out < 0) {
		cli_error(o, "--now %s: give seconds since the epoch", v);
		return -1;
	}
	return 0;
}

/* Verify every message of PATH (a file, an mbox, a directory or "-"):
 * one message gives the full evidence; several give a row each. */
static int verify(cli_opts *o, const char *path, long long now)
{
	md_dkim_verify_opts vo = {.now = now};
	md_source *src = md_source_new(NULL);
	md_source_item it;
	md_resolver *r = NULL;
	md_report *rep = NULL;
	md_dkim_verifier *ver = NULL;
	size_t n = 0, counts[7] = {0}, k;
	int code = EXIT_USAGE;
	char *first = NULL, name[1200];
	size_t first_len = 0;

	if (src == NULL || md_source_add(src, path) != MD_OK) {
		cli_error(o, "out of memory");
		md_source_free(src);
		return EXIT_INCOMPLETE;
	}
	r = cli_resolver(o);
	rep = md_report_new("dkim", path);
	ver = r ? md_dkim_verifier_new(r, &vo) : NULL;
	if (r == NULL || rep == NULL || ver == NULL)
		goto out;
	while (md_source_next(src, &it)) {
		md_dkim_result *res = NULL;
		md_status st;

		if (it.status != MD_OK) {
			cli_error(o, "%s: %s", it.file,
			          it.error ? it.error : md_status_str(it.status));
			goto out;
		}
		if (n == 0) {
			/* keep the first: with one message it gets the full report */
			first = malloc(it.len ? it.len : 1);
			if (first == NULL)
				goto nomem;
			memcpy(first, it.data, it.len);
			first_len = it.len;
			if (it.index > 1)
				snprintf(name, sizeof(name), "%s#%zu", it.file, it.index);
			else
				snprintf(name, sizeof(name), "%s", it.file);
		}
		n++;
		if (n == 1)
			continue;
		if (n == 2) {
			/* the first one, now that there are several */
			st = md_dkim_verifier_run(ver, first, first_len, &res);
			if (st != MD_OK)
				goto fail;
			counts[md_dkim_result_verdict(res)]++;
			st = md_dkim_result_report_bulk(rep, name, res);
			md_dkim_result_free(res);
			res = NULL;
			if (st != MD_OK)
				goto fail;
		}
		if (it.index > 1)
			snprintf(name, sizeof(name), "%s#%zu", it.file, it.index);
		else
			snprintf(name, sizeof(name), "%s", it.file);
		st = md_dkim_verifier_run(ver, it.data, it.len, &res);
		if (st == MD_OK) {
			counts[md_dkim_result_verdict(res)]++;
			st = md_dkim_result_report_bulk(rep, name, res);
		}
		md_dkim_result_free(res);
		if (st != MD_OK) {
		fail:
			cli_error(o, "%s: %s", name, md_status_str(st));
			code = EXIT_INCOMPLETE;
			goto out;
		}
	}
	if (n == 0) {
		cli_error(o, "%s: no message found", path);
		goto out;
	}
	if (n == 1) {
		md_dkim_result *res = NULL;
		md_status st = md_dkim_verifier_run(ver, first, first_len, &res);

		if (st == MD_OK)
			st = md_dkim_result_report(rep, res);
		md_dkim_result_free(res);
		if (st != MD_OK) {
			cli_error(o, "%s: %s", path, md_status_str(st));
			code = EXIT_INCOMPLETE;
			goto out;
		}
	} else {
		char line[256];
		size_t len = 0;

		for (k = 0; k < 7; k++)
			if (counts[k])
				len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%zu %s",
				                        len ? ", " : "", counts[k],
				                        md_dkim_verdict_name((md_dkim_verdict)k));
		md_report_summary(rep, "messages", "%zu (%s)", n, line);
	}
	code = cli_render(o, rep);
	goto out;
nomem:
	cli_error(o, "out of memory");
	code = EXIT_INCOMPLETE;
out:
	free(first);
	md_dkim_verifier_free(ver);
	md_report_free(rep);
	md_resolver_free(r);
	md_source_free(src);
	return code;
}

int cmd_dkim(cli_opts *o, int argc, char **argv)
{
	const char *domain = NULL, *verify_path = NULL;
	const char **sels = NULL;
	size_t nsels = 0;
	char **msgs = NULL, **reps = NULL;
	size_t *mlens = NULL, *rlens = NULL, nmsgs = 0, nreps = 0;
	bool no_common = false;
	long long now = 0;
	md_dkim_check_opts co;
	md_resolver *r = NULL;
	md_report *rep = NULL;
	md_status st;
	int i, code = EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		int c = cli_common_option(o, argc, argv, &i);
		const char *a = argv[i];

		if (c < 0)
			goto out;
		if (c > 0)
			continue;
		if ((strcmp(a, "--selector") == 0 || strcmp(a, "-s") == 0 ||
		     strcmp(a, "--from-message") == 0 || strcmp(a, "--from-report") == 0 ||
		     strcmp(a, "--verify") == 0 || strcmp(a, "--now") == 0)) {
			const char *v;

			if (i + 1 >= argc) {
				cli_error(o, "option %s needs a value", a);
				goto out;
			}
			v = argv[++i];
			if (strcmp(a, "--selector") == 0 || strcmp(a, "-s") == 0) {
				const char **ns = realloc(sels, (nsels + 1) * sizeof(*sels));

				if (ns == NULL)
					goto nomem;
				sels = ns;
				sels[nsels++] = v;
			} else if (strcmp(a, "--from-message") == 0) {
				if (read_inputs(o, v, &msgs, &mlens, &nmsgs) != 0)
					goto out;
			} else if (strcmp(a, "--from-report") == 0) {
				if (read_inputs(o, v, &reps, &rlens, &nreps) != 0)
					goto out;
			} else if (strcmp(a, "--verify") == 0) {
				verify_path = v;
			} else if (parse_epoch(o, v, &now) != 0) {
				goto out;
			}
			continue;
		}
		if (strcmp(a, "--no-common") == 0) {
			no_common = true;
			continue;
		}
		if (cli_unknown_option(o, a))
			goto out;
		if (domain != NULL) {
			cli_error(o, "%s: unexpected argument (usage: maildiag dkim DOMAIN)", a);
			goto out;
		}
		domain = a;
	}
	cli_opts_finish(o);
	if (verify_path != NULL) {
		if (domain != NULL) {
			cli_error(o, "%s: give either DOMAIN or --verify MESSAGE", domain);
			goto out;
		}
		code = verify(o, verify_path, now);
		goto out;
	}
	if (domain == NULL) {
		cli_error(o, "missing DOMAIN (usage: maildiag dkim DOMAIN [--selector S])");
		goto out;
	}
	r = cli_resolver(o);
	if (r == NULL)
		goto out;
	rep = md_report_new("dkim", domain);
	if (rep == NULL)
		goto nomem;
	memset(&co, 0, sizeof(co));
	co.selectors = sels;
	co.nselectors = nsels;
	co.messages = (const char *const *)msgs;
	co.message_lens = mlens;
	co.nmessages = nmsgs;
	co.reports = (const char *const *)reps;
	co.report_lens = rlens;
	co.nreports = nreps;
	co.no_common = no_common;
	st = md_check_dkim(r, domain, &co, rep);
	if (st == MD_EINVAL) {
		cli_error(o, "%s: not a valid domain name", domain);
		code = EXIT_USAGE;
	} else if (st != MD_OK) {
		cli_error(o, "%s: %s", domain, md_status_str(st));
		code = EXIT_INCOMPLETE;
	} else {
		code = cli_render(o, rep);
	}
	goto out;
nomem:
	cli_error(o, "out of memory");
	code = EXIT_INCOMPLETE;
out:
	md_report_free(rep);
	md_resolver_free(r);
	free(sels);
	free_inputs(msgs, mlens, nmsgs);
	free_inputs(reps, rlens, nreps);
	return code;
}
