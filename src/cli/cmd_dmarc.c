/*
 * cmd_dmarc.c - maildiag dmarc DOMAIN: which DMARC record applies to a
 * domain, under RFC 9989 and RFC 7489, and what is wrong with it.
 */
#include <string.h>

#include "cli.h"

const char cmd_dmarc_usage[] =
    "usage: maildiag dmarc DOMAIN [--reading 9989|7489] [options]\n"
    "\n"
    "Check the DMARC record that applies to DOMAIN: found at the domain or\n"
    "inherited from its organisational domain (RFC 9989 DNS tree walk, and the\n"
    "public suffix list for RFC 7489 receivers; both are named when they\n"
    "differ); p, sp, np, psd, t, adkim, aspf, rua, ruf, fo parsed; pct, rf and\n"
    "ri flagged as removed by RFC 9989; several records; syntax errors with\n"
    "their position; external report destinations checked for their\n"
    "DOMAIN._report._dmarc.DEST authorisation. A domain still at p=none gets\n"
    "the safe path to quarantine and reject as its fix.\n"
    "\n"
    "  --reading 9989|7489   which DMARC to judge by (default 9989, DMARCbis)\n"
    "\n"
    "Example:\n"
    "  maildiag dmarc auth-example.net --dns-fixture examples/zones\n";

int cmd_dmarc(cli_opts *o, int argc, char **argv)
{
	const char *domain = NULL;
	md_dmarc_check_opts co = {.reading = MD_DMARC_RFC9989};
	md_resolver *r;
	md_report *rep;
	md_status st;
	int i, code;

	for (i = 1; i < argc; i++) {
		int c = cli_common_option(o, argc, argv, &i);

		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		if (strcmp(argv[i], "--reading") == 0 || strncmp(argv[i], "--reading=", 10) == 0) {
			const char *v =
			    argv[i][9] == '=' ? argv[i] + 10 : (i + 1 < argc ? argv[++i] : NULL);

			if (v == NULL || md_dmarc_reading_parse(v, &co.reading) != MD_OK) {
				cli_error(o, "--reading %s: use 9989 or 7489", v ? v : "");
				return EXIT_USAGE;
			}
			continue;
		}
		if (strcmp(argv[i], "--rfc7489") == 0) {
			co.reading = MD_DMARC_RFC7489;
			continue;
		}
		if (cli_unknown_option(o, argv[i]))
			return EXIT_USAGE;
		if (domain != NULL) {
			cli_error(o, "%s: unexpected argument (usage: maildiag dmarc DOMAIN)",
			          argv[i]);
			return EXIT_USAGE;
		}
		domain = argv[i];
	}
	if (domain == NULL) {
		cli_error(o, "missing DOMAIN (usage: maildiag dmarc DOMAIN)");
		return EXIT_USAGE;
	}
	cli_opts_finish(o);
	r = cli_resolver(o);
	if (r == NULL)
		return EXIT_USAGE;
	rep = md_report_new("dmarc", domain);
	if (rep == NULL) {
		cli_error(o, "out of memory");
		md_resolver_free(r);
		return EXIT_INCOMPLETE;
	}
	st = md_check_dmarc(r, domain, &co, rep);
	if (st == MD_EINVAL) {
		cli_error(o, "%s: not a valid domain name", domain);
		code = EXIT_USAGE;
	} else if (st != MD_OK) {
		cli_error(o, "%s: %s", domain, md_status_str(st));
		code = EXIT_INCOMPLETE;
	} else {
		code = cli_render(o, rep);
	}
	md_report_free(rep);
	md_resolver_free(r);
	return code;
}
