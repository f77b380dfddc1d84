/*
 * cmd_dnsbl.c - maildiag dnsbl IP|DOMAIN [--lists FILE]: ask DNS
 * blocklists about an address or a domain, all at once.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char cmd_dnsbl_usage[] =
	"usage: maildiag dnsbl IP|DOMAIN [--lists FILE] [options]\n"
	"       maildiag dnsbl --print-lists\n"
	"\n"
	"Ask the DNS blocklists whether an IP address (IP lists) or a domain (domain\n"
	"lists) is listed, all lists at once, and say what each answer means: the\n"
	"list's documented meaning of the return code, how widely receivers use the\n"
	"list, the TXT reason and the delisting page. Answers that are not listings\n"
	"are never counted as listings: 127.255.255.x (the list refused your resolver,\n"
	"e.g. a public resolver), answers outside 127.0.0.0/8 or 127.0.0.1 (unknown),\n"
	"timeouts (could not check). Each list's RFC 5782 test entries are asked too.\n"
	"\n"
	"Options:\n"
	"  --lists FILE     use the lists in FILE instead of the built-in ones\n"
	"                   (format: docs/dnsbl.md)\n"
	"  --print-lists    print the built-in list file (a start for your own)\n"
	"\n"
	"Example:\n"
	"  maildiag dnsbl 93.184.215.66 --lists examples/dnsbl-demo.conf \\\n"
	"      --dns-fixture examples/zones\n";

static md_status run_dnsbl(md_resolver *res, const char *target, void *lists, md_report *rep)
{
	return md_check_dnsbl(res, lists, target, rep);
}

int cmd_dnsbl(cli_opts *o, int argc, char **argv)
{
	const char *target = NULL, *lists_file = NULL;
	md_dnsbl_lists *lists = NULL;
	md_status st;
	int i, code;

	for (i = 1; i < argc; i++) {
		int c = cli_common_option(o, argc, argv, &i);

		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		if (strcmp(argv[i], "--print-lists") == 0) {
			const char *t = md_dnsbl_default_text();

			if (fwrite(t, 1, strlen(t), stdout) != strlen(t) || fflush(stdout) != 0) {
				cli_error(o, "cannot write output");
				return EXIT_INCOMPLETE;
			}
			return EXIT_CLEAN;
		}
		c = cli_option_value(o, argc, argv, &i, "--lists", &lists_file);
		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		if (cli_unknown_option(o, argv[i]))
			return EXIT_USAGE;
		if (cli_positional(o, argv[i], &target, "maildiag dnsbl IP|DOMAIN") < 0)
			return EXIT_USAGE;
	}
	if (target == NULL) {
		cli_error(o, "missing IP or DOMAIN (usage: maildiag dnsbl IP|DOMAIN)");
		return EXIT_USAGE;
	}
	if (lists_file != NULL) {
		char err[512] = "";

		st = md_dnsbl_lists_load(lists_file, &lists, err, sizeof(err));
		if (st != MD_OK) {
			cli_error(o, "--lists %s", err[0] ? err : md_status_str(st));
			return st == MD_ENOMEM ? EXIT_INCOMPLETE : EXIT_USAGE;
		}
	}
	code = cli_run_check(o, target, run_dnsbl, lists, "not an IP address or a domain name");
	md_dnsbl_lists_free(lists);
	return code;
}
