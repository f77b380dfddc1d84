/*
 * cmd_smtp.c - maildiag smtp HOST | --mx DOMAIN: probe SMTP servers phase
 * by phase (connect, banner, EHLO, STARTTLS or implicit TLS, certificate,
 * AUTH, optional RCPT) and say where a probe stopped.
 */
#include <string.h>

#include "cli.h"
#include "infra_opts.h"

const char cmd_smtp_usage[] =
	"usage: maildiag smtp HOST [--port 25|465|587] [options]\n"
	"       maildiag smtp --mx DOMAIN [options]\n"
	"\n"
	"Connect to HOST (or to every MX host of DOMAIN with --mx, after the MX\n"
	"check) and report each phase: connect, banner, EHLO and its extensions,\n"
	"STARTTLS (implicit TLS on 465), the TLS version and cipher, the\n"
	"certificate (chain against the system trust store, host name, days to\n"
	"expiry), and on submission ports the AUTH mechanisms and whether AUTH is\n"
	"offered before TLS. DATA is never sent; MAIL/RCPT only with --rcpt.\n"
	"\n";

static md_status run_smtp(md_resolver *res, const char *host, void *so, md_report *rep)
{
	return md_check_smtp(res, host, so, rep);
}

static md_status run_smtp_mx(md_resolver *res, const char *domain, void *so, md_report *rep)
{
	md_status st = md_check_mx(res, domain, rep);

	return st == MD_OK ? md_check_smtp_mx(res, domain, so, rep) : st;
}

int cmd_smtp(cli_opts *o, int argc, char **argv)
{
	md_smtp_opts so = {0};
	const char *target = NULL;
	bool mx = false;
	int i;

	for (i = 1; i < argc; i++) {
		int c;

		if (strcmp(argv[i], "--mx") == 0) {
			mx = true;
			continue;
		}
		c = infra_probe_option(o, argc, argv, &i, &so);
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
		if (cli_positional(o, argv[i], &target, "maildiag smtp HOST") < 0)
			return EXIT_USAGE;
	}
	if (target == NULL) {
		cli_error(o, "missing HOST (usage: maildiag smtp HOST [--port N] | --mx DOMAIN)");
		return EXIT_USAGE;
	}
	if (so.timeout <= 0 && o->timeout > 0)
		so.timeout = o->timeout;
	return cli_run_check(o, target, mx ? run_smtp_mx : run_smtp, &so,
	                     so.ca_file ? "not a valid host name or address (or --ca-file could not "
	                                  "be read)"
	                                : "not a valid host name or address");
}
