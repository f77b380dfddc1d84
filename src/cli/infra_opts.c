/*
 * infra_opts.c - option helpers of the infrastructure commands.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "infra_opts.h"

const char infra_probe_help[] =
	"Probe options:\n"
	"  --port N                TCP port (default 25; 465 implies --mode smtps,\n"
	"                          587 implies --mode submission)\n"
	"  --mode mx|submission|smtps\n"
	"                          what to expect: MTA-to-MTA with opportunistic STARTTLS,\n"
	"                          submission (STARTTLS then AUTH), or implicit TLS\n"
	"  --helo NAME             name sent with EHLO (default: this host's FQDN or\n"
	"                          its address literal)\n"
	"  --ca-file FILE          also trust the CA certificates in FILE (PEM)\n"
	"  --rcpt ADDRESS          also ask MAIL FROM/RCPT TO (never DATA)\n"
	"  --mail-from ADDRESS     reverse path for --rcpt (default: <>)\n"
	"  --no-starttls           do not try STARTTLS\n"
	"  --ptr                   also check each probed address's reverse DNS\n"
	"  --max-addrs N           addresses probed per host (default 2)\n"
	"  --phase-timeout SEC     timeout of each probe phase (default: --timeout,\n"
	"                          else 10)\n";

int infra_uint(const cli_opts *o, const char *opt, const char *v, unsigned lo, unsigned hi,
               unsigned *out)
{
	unsigned long x = 0;
	const char *p = v;

	if (*p == '\0')
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		x = x * 10 + (unsigned long)(*p - '0');
		if (x > hi)
			goto bad;
	}
	if (x < lo)
		goto bad;
	*out = (unsigned)x;
	return 0;
bad:
	cli_error(o, "%s %s: give a number from %u to %u", opt, v, lo, hi);
	return -1;
}

int infra_seconds(const cli_opts *o, const char *opt, const char *v, double *out)
{
	char *end;
	double t;

	errno = 0;
	t = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !(t > 0) || t > 3600) {
		cli_error(o, "%s %s: give a number of seconds between 0 and 3600", opt, v);
		return -1;
	}
	*out = t;
	return 0;
}

int infra_probe_option(const cli_opts *o, int argc, char **argv, int *i, md_smtp_opts *so)
{
	const char *v;
	unsigned u;
	int r;

	if (strcmp(argv[*i], "--no-starttls") == 0) {
		so->no_starttls = true;
		return 1;
	}
	if (strcmp(argv[*i], "--ptr") == 0) {
		so->ptr = true;
		return 1;
	}
	if ((r = cli_option_value(o, argc, argv, i, "--port", &v)) != 0) {
		if (r < 0 || infra_uint(o, "--port", v, 1, 65535, &u) < 0)
			return -1;
		so->port = (uint16_t)u;
		return 1;
	}
	if ((r = cli_option_value(o, argc, argv, i, "--mode", &v)) != 0) {
		if (r < 0)
			return -1;
		if (md_smtp_mode_parse(v, &so->mode) != MD_OK) {
			cli_error(o, "--mode %s: use mx, submission or smtps", v);
			return -1;
		}
		return 1;
	}
	if ((r = cli_option_value(o, argc, argv, i, "--helo", &v)) != 0) {
		if (r < 0)
			return -1;
		so->helo = v;
		return 1;
	}
	if ((r = cli_option_value(o, argc, argv, i, "--ca-file", &v)) != 0) {
		if (r < 0)
			return -1;
		so->ca_file = v;
		return 1;
	}
	if ((r = cli_option_value(o, argc, argv, i, "--rcpt", &v)) != 0) {
		if (r < 0)
			return -1;
		so->rcpt = v;
		return 1;
	}
	if ((r = cli_option_value(o, argc, argv, i, "--mail-from", &v)) != 0) {
		if (r < 0)
			return -1;
		so->mail_from = v;
		return 1;
	}
	if ((r = cli_option_value(o, argc, argv, i, "--max-addrs", &v)) != 0) {
		if (r < 0 || infra_uint(o, "--max-addrs", v, 1, 16, &u) < 0)
			return -1;
		so->max_addrs = u;
		return 1;
	}
	if ((r = cli_option_value(o, argc, argv, i, "--phase-timeout", &v)) != 0) {
		if (r < 0 || infra_seconds(o, "--phase-timeout", v, &so->timeout) < 0)
			return -1;
		return 1;
	}
	return 0;
}

int infra_fetch_option(const cli_opts *o, int argc, char **argv, int *i, md_fetch_opts *fo)
{
	int c;

	if ((c = cli_option_value(o, argc, argv, i, "--connect-to", &fo->connect_to)) != 0)
		return c;
	return cli_option_value(o, argc, argv, i, "--https-ca-file", &fo->ca_file);
}
