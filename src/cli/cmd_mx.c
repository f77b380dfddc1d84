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

int cmd_mx(cli_opts *o, int argc, char **argv)
{
	const char *domain = NULL;
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
		if (cli_unknown_option(o, argv[i]))
			return EXIT_USAGE;
		if (domain != NULL) {
			cli_error(o, "%s: unexpected argument (usage: maildiag mx DOMAIN)", argv[i]);
			return EXIT_USAGE;
		}
		domain = argv[i];
	}
	if (domain == NULL) {
		cli_error(o, "missing DOMAIN (usage: maildiag mx DOMAIN)");
		return EXIT_USAGE;
	}
	cli_opts_finish(o);
	r = cli_resolver(o);
	if (r == NULL)
		return EXIT_USAGE;
	rep = md_report_new("mx", domain);
	if (rep == NULL) {
		cli_error(o, "out of memory");
		md_resolver_free(r);
		return EXIT_INCOMPLETE;
	}
	st = md_check_mx(r, domain, rep);
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
