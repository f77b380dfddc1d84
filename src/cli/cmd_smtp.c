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

int cmd_smtp(cli_opts *o, int argc, char **argv)
{
	md_smtp_opts so = {0};
	const char *target = NULL;
	bool mx = false;
	md_resolver *r;
	md_report *rep;
	md_status st;
	int i, code;

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
		if (target != NULL) {
			cli_error(o, "%s: unexpected argument (usage: maildiag smtp HOST)", argv[i]);
			return EXIT_USAGE;
		}
		target = argv[i];
	}
	if (target == NULL) {
		cli_error(o, "missing HOST (usage: maildiag smtp HOST [--port N] | --mx DOMAIN)");
		return EXIT_USAGE;
	}
	if (so.timeout <= 0 && o->timeout > 0)
		so.timeout = o->timeout;
	cli_opts_finish(o);
	r = cli_resolver(o);
	if (r == NULL)
		return EXIT_USAGE;
	rep = md_report_new("smtp", target);
	if (rep == NULL) {
		cli_error(o, "out of memory");
		md_resolver_free(r);
		return EXIT_INCOMPLETE;
	}
	if (mx) {
		st = md_check_mx(r, target, rep);
		if (st == MD_OK)
			st = md_check_smtp_mx(r, target, &so, rep);
	} else {
		st = md_check_smtp(r, target, &so, rep);
	}
	if (st != MD_OK) {
		if (st == MD_EINVAL)
			cli_error(o, "%s: not a valid host name or address%s", target,
			          so.ca_file ? " (or --ca-file could not be read)" : "");
		else
			cli_error(o, "%s: %s", target, md_status_str(st));
		md_report_free(rep);
		md_resolver_free(r);
		return st == MD_EINVAL ? EXIT_USAGE : EXIT_INCOMPLETE;
	}
	code = cli_render(o, rep);
	md_report_free(rep);
	md_resolver_free(r);
	return code;
}
