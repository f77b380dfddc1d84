/*
 * cmd_mtasts.c - maildiag mta-sts DOMAIN and maildiag tlsrpt DOMAIN: the
 * MTA-STS record, policy (fetched over HTTPS) and MX set, optionally the
 * MX certificates; the TLS-RPT record.
 */
#include <string.h>

#include "cli.h"
#include "infra_opts.h"

const char cmd_mtasts_usage[] =
	"usage: maildiag mta-sts DOMAIN [--probe] [options]\n"
	"\n"
	"Check DOMAIN's MTA-STS (RFC 8461): the _mta-sts TXT record, the policy at\n"
	"https://mta-sts.DOMAIN/.well-known/mta-sts.txt (status, media type, no\n"
	"redirects, certificate, syntax), every MX host against the policy's mx\n"
	"patterns, and with --probe each MX host's STARTTLS certificate (trusted\n"
	"chain, host name) as a sender under the policy requires. Also checks the\n"
	"TLS-RPT record (RFC 8460) unless --no-tlsrpt.\n"
	"\n"
	"  --probe                 probe each MX host (SMTP, port 25 or --port)\n"
	"  --no-tlsrpt             skip the TLS-RPT record\n"
	"  --connect-to H:P:H2:P2  fetch HTTPS from H2:P2 instead of H:P (as curl's\n"
	"                          --connect-to; for tests on loopback)\n"
	"  --https-ca-file FILE    also trust these CAs for HTTPS (tests)\n"
	"\n";

const char cmd_tlsrpt_usage[] =
	"usage: maildiag tlsrpt DOMAIN [options]\n"
	"\n"
	"Check DOMAIN's SMTP TLS Reporting record (_smtp._tls, RFC 8460): one\n"
	"record starting with v=TLSRPTv1, rua= with mailto: or https: URIs.\n"
	"\n";

static md_status run_mtasts(md_resolver *res, const char *domain, void *mo, md_report *rep)
{
	return md_check_mtasts(res, domain, mo, rep);
}

static md_status run_tlsrpt(md_resolver *res, const char *domain, void *ctx, md_report *rep)
{
	(void)ctx;
	return md_check_tlsrpt(res, domain, rep);
}

int cmd_mtasts(cli_opts *o, int argc, char **argv)
{
	md_mtasts_opts mo;
	const char *domain = NULL;
	int i, c;

	memset(&mo, 0, sizeof(mo));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--probe") == 0) {
			mo.probe = true;
			continue;
		}
		if (strcmp(argv[i], "--no-tlsrpt") == 0) {
			mo.no_tlsrpt = true;
			continue;
		}
		c = infra_fetch_option(o, argc, argv, &i, &mo.fetch);
		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		c = infra_probe_option(o, argc, argv, &i, &mo.smtp);
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
		if (cli_positional(o, argv[i], &domain, "maildiag mta-sts DOMAIN") < 0)
			return EXIT_USAGE;
	}
	if (domain == NULL) {
		cli_error(o, "missing DOMAIN (usage: maildiag mta-sts DOMAIN)");
		return EXIT_USAGE;
	}
	if (o->timeout > 0) {
		mo.fetch.timeout = o->timeout;
		if (mo.smtp.timeout <= 0)
			mo.smtp.timeout = o->timeout;
	}
	return cli_run_check(o, domain, run_mtasts, &mo,
	                     "not a valid domain name (or a CA file could not be read)");
}

int cmd_tlsrpt(cli_opts *o, int argc, char **argv)
{
	const char *domain = NULL;
	int i, c;

	for (i = 1; i < argc; i++) {
		c = cli_common_option(o, argc, argv, &i);
		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		if (cli_unknown_option(o, argv[i]))
			return EXIT_USAGE;
		if (cli_positional(o, argv[i], &domain, "maildiag tlsrpt DOMAIN") < 0)
			return EXIT_USAGE;
	}
	if (domain == NULL) {
		cli_error(o, "missing DOMAIN (usage: maildiag tlsrpt DOMAIN)");
		return EXIT_USAGE;
	}
	return cli_run_check(o, domain, run_tlsrpt, NULL, "not a valid domain name");
}
