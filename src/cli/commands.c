/*
 * commands.c - the table of maildiag subcommands, in the order help shows.
 */
#include "cli.h"
#include "commands.h"

const cli_command cli_commands[] = {
	/* evidence first */
	{"bounce", "parse and classify bounces, feedback reports and auto-replies", cmd_bounce, cmd_bounce_usage},
	/* the trust layer, in the order receivers apply it (SPF, DKIM, DMARC,
	 * blocklists), then infrastructure, then tools */
	{"spf", "SPF: lint a domain's record, or evaluate check_host() for an IP", cmd_spf, cmd_spf_usage},
	{"dkim", "DKIM keys of a domain (with selector discovery), or verify a message's signatures", cmd_dkim, cmd_dkim_usage},
	{"dmarc", "the DMARC record that applies to a domain, linted (RFC 9989 and RFC 7489)", cmd_dmarc, cmd_dmarc_usage},
	{"auth", "SPF, DKIM, ARC and DMARC verdicts for a message (Authentication-Results)", cmd_auth, cmd_auth_usage},
	{"dnsbl", "is an IP or domain on DNS blocklists, what each answer means", cmd_dnsbl, cmd_dnsbl_usage},
	{"mx", "MX records of a domain, their hosts and addresses", cmd_mx, cmd_mx_usage},
	{"ptr", "reverse DNS of a sending IP: PTR, forward confirmation, pool names, HELO", cmd_ptr, cmd_ptr_usage},
	{"smtp", "probe SMTP servers: banner, EHLO, STARTTLS/TLS, certificate, AUTH", cmd_smtp, cmd_smtp_usage},
	{"mta-sts", "MTA-STS record, policy (HTTPS) and MX set; TLS-RPT", cmd_mtasts, cmd_mtasts_usage},
	{"tlsrpt", "SMTP TLS Reporting record (_smtp._tls)", cmd_tlsrpt, cmd_tlsrpt_usage},
	{"dane", "DANE TLSA records of the MX hosts, optionally matched", cmd_dane, cmd_dane_usage},
	{"bimi", "BIMI record, logo and VMC locations", cmd_bimi, cmd_bimi_usage},
	{"dns", "ask one DNS question through maildiag's resolver (like dig)", cmd_dns, cmd_dns_usage},
	{NULL, NULL, NULL, NULL},
};
