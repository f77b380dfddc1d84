/*
 * cmd_ptr.c - maildiag ptr IP [--helo NAME]: reverse DNS of a sending
 * address, forward confirmation, pool-style names and the HELO name.
 */
#include <string.h>

#include "cli.h"

const char cmd_ptr_usage[] =
	"usage: maildiag ptr IP [--helo NAME] [options]\n"
	"\n"
	"Check the reverse DNS of a sending address (IPv4 or IPv6): its PTR names,\n"
	"whether they resolve back to it (forward-confirmed reverse DNS, which Gmail\n"
	"requires of every sender), whether they look like a dynamic or generic\n"
	"address pool, and, with --helo, whether the HELO/EHLO name the server\n"
	"announces is a proper name that fits. Each finding says who rejects on it.\n"
	"\n"
	"Options:\n"
	"  --helo NAME      the name the sending server gives in HELO/EHLO\n"
	"\n"
	"Example:\n"
	"  maildiag ptr 93.184.215.40 --helo mta1.out.example.com --dns-fixture examples/zones\n";

int cmd_ptr(cli_opts *o, int argc, char **argv)
{
	const char *ip = NULL, *helo = NULL;
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
		if (strcmp(argv[i], "--helo") == 0 || strncmp(argv[i], "--helo=", 7) == 0) {
			if (argv[i][6] == '=') {
				helo = argv[i] + 7;
			} else if (i + 1 < argc) {
				helo = argv[++i];
			} else {
				cli_error(o, "option --helo needs a value");
				return EXIT_USAGE;
			}
			if (helo[0] == '\0') {
				cli_error(o, "--helo: give the name the server announces");
				return EXIT_USAGE;
			}
			continue;
		}
		if (cli_unknown_option(o, argv[i]))
			return EXIT_USAGE;
		if (ip != NULL) {
			cli_error(o, "%s: unexpected argument (usage: maildiag ptr IP [--helo NAME])",
			          argv[i]);
			return EXIT_USAGE;
		}
		ip = argv[i];
	}
	if (ip == NULL) {
		cli_error(o, "missing IP (usage: maildiag ptr IP [--helo NAME])");
		return EXIT_USAGE;
	}
	cli_opts_finish(o);
	r = cli_resolver(o);
	if (r == NULL)
		return EXIT_USAGE;
	rep = md_report_new("ptr", ip);
	if (rep == NULL) {
		cli_error(o, "out of memory");
		md_resolver_free(r);
		return EXIT_INCOMPLETE;
	}
	st = md_check_ptr(r, ip, helo, rep);
	if (st == MD_EINVAL) {
		cli_error(o, "%s: not an IPv4 or IPv6 address", ip);
		code = EXIT_USAGE;
	} else if (st != MD_OK) {
		cli_error(o, "%s: %s", ip, md_status_str(st));
		code = EXIT_INCOMPLETE;
	} else {
		code = cli_render(o, rep);
	}
	md_report_free(rep);
	md_resolver_free(r);
	return code;
}
