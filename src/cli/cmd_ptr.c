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

static md_status run_ptr(md_resolver *res, const char *ip, void *helo, md_report *rep)
{
	return md_check_ptr(res, ip, helo, rep);
}

int cmd_ptr(cli_opts *o, int argc, char **argv)
{
	const char *ip = NULL, *helo = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		int c = cli_common_option(o, argc, argv, &i);

		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		c = cli_option_value(o, argc, argv, &i, "--helo", &helo);
		if (c < 0)
			return EXIT_USAGE;
		if (c > 0) {
			if (helo[0] == '\0') {
				cli_error(o, "--helo: give the name the server announces");
				return EXIT_USAGE;
			}
			continue;
		}
		if (cli_unknown_option(o, argv[i]))
			return EXIT_USAGE;
		if (cli_positional(o, argv[i], &ip, "maildiag ptr IP [--helo NAME]") < 0)
			return EXIT_USAGE;
	}
	if (ip == NULL) {
		cli_error(o, "missing IP (usage: maildiag ptr IP [--helo NAME])");
		return EXIT_USAGE;
	}
	return cli_run_check(o, ip, run_ptr, (void *)helo, "not an IPv4 or IPv6 address");
}
