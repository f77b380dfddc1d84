/*
 * cmd_mx.c - maildiag mx DOMAIN: the MX set of a domain and its hosts.
 */
#include "cli.h"

const char cmd_mx_usage[] =
	"usage: maildiag mx DOMAIN [options]\n"
	"\n"
	"Look up where mail for DOMAIN is delivered: MX records sorted by preference,\n"
	"null MX (RFC 7505), the implicit MX when there is none, MX targets that are\n"
	"aliases or IP literals, hosts without addresses and addresses in private,\n"
	"loopback or documentation ranges. All lookups are made at once.\n"
	"\n"
	"Example:\n"
	"  maildiag mx example.com --dns-fixture examples/zones\n";

static md_status run_mx(md_resolver *res, const char *domain, void *ctx, md_report *rep)
{
	(void)ctx;
	return md_check_mx(res, domain, rep);
}

int cmd_mx(cli_opts *o, int argc, char **argv)
{
	const char *domain = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		int c = cli_common_option(o, argc, argv, &i);

		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		if (cli_unknown_option(o, argv[i]))
			return EXIT_USAGE;
		if (cli_positional(o, argv[i], &domain, "maildiag mx DOMAIN") < 0)
			return EXIT_USAGE;
	}
	if (domain == NULL) {
		cli_error(o, "missing DOMAIN (usage: maildiag mx DOMAIN)");
		return EXIT_USAGE;
	}
	return cli_run_check(o, domain, run_mx, NULL, "not a valid domain name");
}
