/*
 * cmd_auth.c - maildiag auth MESSAGE --ip IP: the SPF, DKIM, ARC and DMARC
 * verdicts a receiver reaches for a message, as an RFC 8601
 * Authentication-Results field (--format header) or a report with each
 * verdict's evidence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_auth_usage[] =
    "usage: maildiag auth MESSAGE (--ip IP | --trust-received) [--helo NAME]\n"
    "                     [--mail-from ADDR] [--reading 9989|7489]\n"
    "                     [--authserv-id ID] [--spf RESULT] [--now EPOCH]\n"
    "                     [--format header|text|json|ndjson|csv] [options]\n"
    "\n"
    "Authenticate MESSAGE (a file, or - for stdin) as a receiver would: SPF for\n"
    "the client IP, HELO and MAIL FROM (default: the top Return-Path field),\n"
    "every DKIM signature (with the body hashes and the likely cause when one\n"
    "fails), the ARC chain (RFC 8617) and DMARC alignment and policy (RFC 9989,\n"
    "or RFC 7489 with --reading 7489).\n"
    "\n"
    "  --ip IP            the SMTP client's address\n"
    "  --trust-received   take the client IP and HELO from the top Received field\n"
    "  --helo NAME        the EHLO/HELO name\n"
    "  --mail-from ADDR   the MAIL FROM address (\"\" for the null sender)\n"
    "  --spf RESULT       use this SPF result (pass, fail, ...) instead of checking\n"
    "  --authserv-id ID   the authserv-id of the header field (default maildiag)\n"
    "  --now EPOCH        the time for DKIM t= and x= (default now)\n"
    "  --format header    print only the Authentication-Results field, ready to\n"
    "                     prepend to the message\n"
    "\n"
    "Example:\n"
    "  maildiag auth examples/messages/list-footer.eml --ip 192.0.2.25 \\\n"
    "      --dns-fixture examples/zones\n";

int cmd_auth(cli_opts *o, int argc, char **argv)
{
	const char *path = NULL;
	md_auth_opts ao;
	bool header = false;
	md_resolver *r = NULL;
	md_report *rep = NULL;
	md_auth_result *res = NULL;
	md_source *src = NULL;
	md_source_item it;
	char err[256] = "";
	md_status st;
	int i, code = EXIT_USAGE;

	memset(&ao, 0, sizeof(ao));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int c;

		/* --format header is this command's own */
		if ((strcmp(a, "--format") == 0 && i + 1 < argc &&
		     strcmp(argv[i + 1], "header") == 0) ||
		    strcmp(a, "--format=header") == 0) {
			header = true;
			if (a[8] == '\0')
				i++;
			continue;
		}
		c = cli_common_option(o, argc, argv, &i);
		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		if (strcmp(a, "--trust-received") == 0) {
			ao.trust_received = true;
			continue;
		}
		if (strcmp(a, "--ip") == 0 || strcmp(a, "--helo") == 0 ||
		    strcmp(a, "--mail-from") == 0 || strcmp(a, "--reading") == 0 ||
		    strcmp(a, "--authserv-id") == 0 || strcmp(a, "--spf") == 0 ||
		    strcmp(a, "--now") == 0) {
			const char *v;

			if (i + 1 >= argc) {
				cli_error(o, "option %s needs a value", a);
				return EXIT_USAGE;
			}
			v = argv[++i];
			if (strcmp(a, "--ip") == 0) {
				ao.ip = v;
			} else if (strcmp(a, "--helo") == 0) {
				ao.helo = v;
			} else if (strcmp(a, "--mail-from") == 0) {
				size_t n = strlen(v);

				/* accept "<addr>" as written in SMTP */
				if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
					static char buf[1024];

					snprintf(buf, sizeof(buf), "%.*s", (int)(n - 2), v + 1);
					v = buf;
				}
				ao.mail_from = v;
			} else if (strcmp(a, "--reading") == 0) {
				if (md_dmarc_reading_parse(v, &ao.reading) != MD_OK) {
					cli_error(o, "--reading %s: use 9989 or 7489", v);
					return EXIT_USAGE;
				}
			} else if (strcmp(a, "--authserv-id") == 0) {
				ao.authserv_id = v;
			} else if (strcmp(a, "--spf") == 0) {
				static const char *const ok[] = {
				    "none",     "neutral",   "pass",     "fail",
				    "softfail", "temperror", "permerror"};
				size_t k;

				for (k = 0; k < 7 && strcmp(ok[k], v) != 0; k++)
					;
				if (k == 7) {
					cli_error(
					    o,
					    "--spf %s: use none, neutral, pass, fail, softfail, "
					    "temperror or permerror",
					    v);
					return EXIT_USAGE;
				}
				ao.spf_result = v;
			} else {
				char *end;
				long long t = strtoll(v, &end, 10);

				if (end == v || *end != '\0' || t < 0) {
					cli_error(o, "--now %s: give seconds since the epoch", v);
					return EXIT_USAGE;
				}
				ao.now = t;
			}
			continue;
		}
		if (cli_unknown_option(o, a))
			return EXIT_USAGE;
		if (path != NULL) {
			cli_error(
			    o, "%s: unexpected argument (usage: maildiag auth MESSAGE --ip IP)", a);
			return EXIT_USAGE;
		}
		path = a;
	}
	if (path == NULL) {
		cli_error(o, "missing MESSAGE (usage: maildiag auth MESSAGE --ip IP)");
		return EXIT_USAGE;
	}
	if (ao.ip == NULL && !ao.trust_received && ao.spf_result == NULL) {
		cli_error(o, "give the client's address with --ip IP, or --trust-received");
		return EXIT_USAGE;
	}
	cli_opts_finish(o);
	src = md_source_new(NULL);
	if (src == NULL || md_source_add(src, path) != MD_OK) {
		cli_error(o, "out of memory");
		md_source_free(src);
		return EXIT_INCOMPLETE;
	}
	if (!md_source_next(src, &it) || it.status != MD_OK) {
		cli_error(o, "%s: %s", path,
		          it.status != MD_OK && it.error ? it.error : "cannot read the message");
		md_source_free(src);
		return EXIT_USAGE;
	}
	r = cli_resolver(o);
	if (r == NULL)
		goto out;
	st = md_auth_check(r, it.data, it.len, &ao, &res, err, sizeof(err));
	if (st == MD_EINVAL) {
		cli_error(o, "%s: %s", path, err[0] ? err : "invalid input");
		goto out;
	}
	if (st != MD_OK) {
		cli_error(o, "%s: %s", path, md_status_str(st));
		code = EXIT_INCOMPLETE;
		goto out;
	}
	rep = md_report_new("auth", path);
	if (rep == NULL || md_auth_result_report(rep, res) != MD_OK) {
		cli_error(o, "out of memory");
		code = EXIT_INCOMPLETE;
		goto out;
	}
	if (header) {
		const char *h = md_auth_result_header(res);

		if (h == NULL || fputs(h, stdout) == EOF || fflush(stdout) != 0) {
			cli_error(o, "cannot write the header field");
			code = EXIT_INCOMPLETE;
		} else {
			code = md_report_exit_code(rep);
		}
	} else {
		code = cli_render(o, rep);
	}
out:
	md_report_free(rep);
	md_auth_result_free(res);
	md_resolver_free(r);
	md_source_free(src);
	return code;
}
