/*
 * commands.c - the table of maildiag subcommands, in the order help shows.
 */
#include "cli.h"
#include "commands.h"

const cli_command cli_commands[] = {
	{"spf", "SPF: lint a domain's record, or evaluate check_host() for an IP", cmd_spf, cmd_spf_usage},
	{"mx", "MX records of a domain, their hosts and addresses", cmd_mx, cmd_mx_usage},
	{"ptr", "reverse DNS of a sending IP: PTR, forward confirmation, pool names, HELO", cmd_ptr, cmd_ptr_usage},
	{"dnsbl", "is an IP or domain on DNS blocklists, what each answer means", cmd_dnsbl, cmd_dnsbl_usage},
	{"dns", "ask one DNS question through maildiag's resolver (like dig)", cmd_dns, cmd_dns_usage},
	{NULL, NULL, NULL, NULL},
};
