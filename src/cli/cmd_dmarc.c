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

static md_status run_dmarc(md_resolver *res, const char *domain, void *co, md_report *rep)
{
	return md_check_dmarc(res, domain, co, rep);
}

int cmd_dmarc(cli_opts *o, int argc, char **argv)
{
	const char *domain = NULL, *v;
	md_dmarc_check_opts co = {.reading = MD_DMARC_RFC9989};
	int i;

	for (i = 1; i < argc; i++) {
		int c = cli_common_option(o, argc, argv, &i);

		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		c = cli_option_value(o, argc, argv, &i, "--reading", &v);
		if (c < 0)
			return EXIT_USAGE;
		if (c > 0) {
			if (md_dmarc_reading_parse(v, &co.reading) != MD_OK) {
				cli_error(o, "--reading %s: use 9989 or 7489", v);
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
		if (cli_positional(o, argv[i], &domain, "maildiag dmarc DOMAIN") < 0)
			return EXIT_USAGE;
	}
	if (domain == NULL) {
		cli_error(o, "missing DOMAIN (usage: maildiag dmarc DOMAIN)");
		return EXIT_USAGE;
	}
	return cli_run_check(o, domain, run_dmarc, &co, "not a valid domain name");
}
