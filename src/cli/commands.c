/*
 * commands.c - the table of maildiag subcommands, in the order help shows.
 */
#include "cli.h"
#include "commands.h"

const cli_command cli_commands[] = {
	{"mx", "MX records of a domain, their hosts and addresses", cmd_mx, cmd_mx_usage},
	{"bounce", "parse and classify bounces, feedback reports and auto-replies", cmd_bounce, cmd_bounce_usage},
	{"dns", "ask one DNS question through maildiag's resolver (like dig)", cmd_dns, cmd_dns_usage},
	{NULL, NULL, NULL, NULL},
};
