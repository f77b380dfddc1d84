/*
 * cmd_spf.c - maildiag spf DOMAIN [--ip IP] [--sender ADDR] [--helo NAME]:
 * without --ip, lint DOMAIN's SPF (findings, the include tree with the
 * lookup count, the flattening aid); with --ip, evaluate check_host() and
 * show the result, the deciding term and the trace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_spf_usage[] =
	"usage: maildiag spf DOMAIN [--ip IP] [--sender ADDR] [--helo NAME] [options]\n"
	"\n"
	"Without --ip: check DOMAIN's SPF record and every include below it, count\n"
	"the DNS lookups as receivers do (limit 10), name the include that breaks\n"
	"the limit, and propose a flattened record that fits.\n"
	"\n"
	"With --ip: evaluate RFC 7208 check_host() for a message from IP and show\n"
	"the result (pass, fail, softfail, neutral, none, permerror, temperror),\n"
	"the term that decided it and the whole evaluation.\n"
	"\n"
	"  --ip IP          the connecting client's address (IPv4 or IPv6)\n"
	"  --sender ADDR    the MAIL FROM address (default postmaster@DOMAIN)\n"
	"  --helo NAME      the HELO/EHLO name (for the %{h} macro)\n";

static const char *take_value(cli_opts *o, int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (strcmp(argv[*i], name) != 0)
		return NULL;
	if (*i + 1 >= argc) {
		cli_error(o, "%s needs a value", name);
		return "";
	}
	return argv[++*i];
}

int cmd_spf(cli_opts *o, int argc, char **argv)
{
	const char *domain = NULL, *ip = NULL, *sender = NULL, *helo = NULL, *v;
	md_resolver *res;
	md_report *rep;
	md_status st;
	int i, code;

	for (i = 1; i < argc; i++) {
		int c = cli_common_option(o, argc, argv, &i);

		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		if ((v = take_value(o, argc, argv, &i, "--ip")) != NULL) {
			if (*v == '\0')
				return EXIT_USAGE;
			ip = v;
			continue;
		}
		if ((v = take_value(o, argc, argv, &i, "--sender")) != NULL) {
			sender = v;
			continue;
		}
		if ((v = take_value(o, argc, argv, &i, "--helo")) != NULL) {
			if (*v == '\0')
				return EXIT_USAGE;
			helo = v;
			continue;
		}
		if (cli_unknown_option(o, argv[i]))
			return EXIT_USAGE;
		if (cli_positional(o, argv[i], &domain, "maildiag spf DOMAIN [--ip IP]") < 0)
			return EXIT_USAGE;
	}
	if (domain == NULL) {
		cli_error(o, "missing DOMAIN (usage: maildiag spf DOMAIN [--ip IP] [--sender ADDR] [--helo NAME])");
		return EXIT_USAGE;
	}
	if (ip == NULL && (sender != NULL || helo != NULL)) {
		cli_error(o, "--sender and --helo need --ip (the client address to evaluate)");
		return EXIT_USAGE;
	}
	cli_opts_finish(o);
	res = cli_resolver(o);
	if (res == NULL)
		return EXIT_USAGE;
	rep = md_report_new("spf", domain);
	if (rep == NULL) {
		cli_error(o, "out of memory");
		md_resolver_free(res);
		return EXIT_INCOMPLETE;
	}
	if (ip == NULL) {
		st = md_check_spf(res, domain, NULL, rep);
	} else {
		md_spf_verdict *verdict = NULL;
		char *postmaster = NULL;

		if (sender == NULL) {
			size_t n = strlen(domain) + sizeof("postmaster@");

			postmaster = malloc(n);
			if (postmaster != NULL)
				snprintf(postmaster, n, "postmaster@%s", domain);
			sender = postmaster;
		}
		st = sender ? md_spf_check_host(res, ip, domain, sender, helo ? helo : domain, NULL, &verdict)
		            : MD_ENOMEM;
		if (st == MD_EINVAL) {
			cli_error(o, "--ip %s: not an IPv4 or IPv6 address", ip);
			free(postmaster);
			md_report_free(rep);
			md_resolver_free(res);
			return EXIT_USAGE;
		}
		if (st == MD_OK)
			st = md_spf_verdict_report(verdict, rep);
		md_spf_verdict_free(verdict);
		free(postmaster);
	}
	if (st != MD_OK) {
		if (st == MD_EINVAL)
			cli_error(o, "%s: not a valid domain name", domain);
		else
			cli_error(o, "%s: %s", domain, md_status_str(st));
		md_report_free(rep);
		md_resolver_free(res);
		return st == MD_EINVAL ? EXIT_USAGE : EXIT_INCOMPLETE;
	}
	code = cli_render(o, rep);
	md_report_free(rep);
	md_resolver_free(res);
	return code;
}
