/*
 * cmd_dns.c - maildiag dns NAME [TYPE]: one question through the same
 * resolver layer every check uses, printed like dig's answer section.
 */
#include "cli.h"

const char cmd_dns_usage[] =
	"usage: maildiag dns NAME [TYPE] [options]\n"
	"\n"
	"Ask one DNS question (TYPE defaults to A) through maildiag's resolver and\n"
	"show the outcome (answer, nxdomain, nodata, servfail, timeout, error), the\n"
	"DNSSEC status and the records. Useful to see what the checks see.\n";

int cmd_dns(cli_opts *o, int argc, char **argv)
{
	const char *name = NULL, *type_s = "A";
	const md_dns_result *res;
	md_resolver *r;
	md_report *rep;
	uint16_t type;
	md_status st;
	int i, npos = 0, code;

	for (i = 1; i < argc; i++) {
		int c = cli_common_option(o, argc, argv, &i);

		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		if (cli_unknown_option(o, argv[i]))
			return EXIT_USAGE;
		if (npos == 0)
			name = argv[i];
		else if (npos == 1)
			type_s = argv[i];
		else {
			cli_error(o, "%s: unexpected argument (usage: maildiag dns NAME [TYPE])", argv[i]);
			return EXIT_USAGE;
		}
		npos++;
	}
	if (name == NULL) {
		cli_error(o, "missing NAME (usage: maildiag dns NAME [TYPE])");
		return EXIT_USAGE;
	}
	type = md_dns_type_parse(type_s);
	if (type == 0) {
		cli_error(o, "%s: unknown record type", type_s);
		return EXIT_USAGE;
	}
	cli_opts_finish(o);
	r = cli_resolver(o);
	if (r == NULL)
		return EXIT_USAGE;
	st = md_dns_query(r, name, type, &res);
	if (st != MD_OK) {
		if (st == MD_EINVAL)
			cli_error(o, "%s: not a valid domain name", name);
		else
			cli_error(o, "%s: %s", name, md_status_str(st));
		md_resolver_free(r);
		return st == MD_EINVAL ? EXIT_USAGE : EXIT_INCOMPLETE;
	}
	rep = md_report_new("dns", name);
	if (rep == NULL || md_dns_report(rep, res) != MD_OK) {
		cli_error(o, "out of memory");
		md_report_free(rep);
		md_resolver_free(r);
		return EXIT_INCOMPLETE;
	}
	code = cli_render(o, rep);
	md_report_free(rep);
	md_resolver_free(r);
	return code;
}
