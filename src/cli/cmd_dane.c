/*
 * cmd_dane.c - maildiag dane DOMAIN [--probe]: TLSA records of each MX
 * host (RFC 7672), trusted only when DNSSEC-validated, optionally matched
 * against the certificates the hosts present.
 */
#include <string.h>

#include "cli.h"
#include "infra_opts.h"

const char cmd_dane_usage[] =
	"usage: maildiag dane DOMAIN [--probe] [options]\n"
	"\n"
	"Look up the TLSA records (_25._tcp.HOST, or --port) of every MX host of\n"
	"DOMAIN and check them for SMTP (RFC 7672: DANE-TA/DANE-EE usages, digest\n"
	"lengths). They count only when DNSSEC-validated: use --dnssec or\n"
	"--trust-anchor FILE. With --probe, connect to each host and match its\n"
	"certificate chain against the records.\n"
	"\n"
	"  --probe                 probe each MX host and match the certificates\n"
	"\n";

static md_status run_dane(md_resolver *res, const char *domain, void *d, md_report *rep)
{
	return md_check_dane(res, domain, d, rep);
}

int cmd_dane(cli_opts *o, int argc, char **argv)
{
	md_dane_opts d;
	const char *domain = NULL;
	int i, c;

	memset(&d, 0, sizeof(d));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--probe") == 0) {
			d.probe = true;
			continue;
		}
		c = infra_probe_option(o, argc, argv, &i, &d.smtp);
		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		c = cli_common_option(o, argc, argv, &i);
		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		if (cli_unknown_option(o, argv[i]))
			return EXIT_USAGE;
		if (cli_positional(o, argv[i], &domain, "maildiag dane DOMAIN") < 0)
			return EXIT_USAGE;
	}
	if (domain == NULL) {
		cli_error(o, "missing DOMAIN (usage: maildiag dane DOMAIN)");
		return EXIT_USAGE;
	}
	if (d.smtp.timeout <= 0 && o->timeout > 0)
		d.smtp.timeout = o->timeout;
	return cli_run_check(o, domain, run_dane, &d,
	                     "not a valid domain name (or --ca-file unreadable)");
}
