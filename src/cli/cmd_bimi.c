/*
 * cmd_bimi.c - maildiag bimi DOMAIN: the BIMI record, DMARC enforcement,
 * and the logo and VMC locations fetched over HTTPS.
 */
#include <string.h>

#include "cli.h"
#include "infra_opts.h"

const char cmd_bimi_usage[] =
	"usage: maildiag bimi DOMAIN [--selector S] [--no-fetch] [options]\n"
	"\n"
	"Check DOMAIN's BIMI record (S._bimi.DOMAIN, default selector \"default\"),\n"
	"that DMARC is at enforcement (p=quarantine or reject, pct=100), and that\n"
	"the logo (l=, SVG Tiny PS) and evidence document (a=, VMC) can be fetched.\n"
	"\n"
	"  --selector S            BIMI selector (default: default)\n"
	"  --no-fetch              check the records only\n"
	"  --connect-to H:P:H2:P2  fetch HTTPS from H2:P2 instead (tests)\n"
	"  --https-ca-file FILE    also trust these CAs for HTTPS (tests)\n"
	"\n";

static md_status run_bimi(md_resolver *res, const char *domain, void *bo, md_report *rep)
{
	return md_check_bimi(res, domain, bo, rep);
}

int cmd_bimi(cli_opts *o, int argc, char **argv)
{
	md_bimi_opts bo;
	const char *domain = NULL, *v;
	int i, c;

	memset(&bo, 0, sizeof(bo));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-fetch") == 0) {
			bo.no_fetch = true;
			continue;
		}
		if ((c = cli_option_value(o, argc, argv, &i, "--selector", &v)) != 0) {
			if (c < 0)
				return EXIT_USAGE;
			bo.selector = v;
			continue;
		}
		c = infra_fetch_option(o, argc, argv, &i, &bo.fetch);
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
		if (cli_positional(o, argv[i], &domain, "maildiag bimi DOMAIN") < 0)
			return EXIT_USAGE;
	}
	if (domain == NULL) {
		cli_error(o, "missing DOMAIN (usage: maildiag bimi DOMAIN)");
		return EXIT_USAGE;
	}
	if (o->timeout > 0)
		bo.fetch.timeout = o->timeout;
	return cli_run_check(o, domain, run_bimi, &bo, "not a valid domain name or selector");
}
