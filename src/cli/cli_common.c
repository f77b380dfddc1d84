/*
 * cli_common.c - options every subcommand accepts, resolver set-up and
 * output.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char cli_common_help[] =
	"Common options:\n"
	"  --format text|json|ndjson|csv   output format (default text)\n"
	"  --color auto|always|never       colour in text output (default auto)\n"
	"  --resolver ADDR[@PORT]          forward DNS questions to this resolver\n"
	"                                  (default: the system's resolvers)\n"
	"  --recursive                     resolve from the root servers instead\n"
	"  --dnssec                        validate DNSSEC with the system root anchor\n"
	"  --trust-anchor FILE             validate DNSSEC with this anchor file\n"
	"  --dns-fixture DIR               answer DNS from the zone files in DIR, offline\n"
	"  --timeout SEC                   per-question timeout (default 5)\n"
	"  -v, --verbose                   explanations, references and more detail\n"
	"  -h, --help                      this help\n"
	"\n"
	"Exit codes: 0 nothing at error level or above; 1 problems found;\n"
	"2 usage error or unreadable input; 3 could not finish (DNS or network).\n";

void cli_error(const cli_opts *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "maildiag%s%s: ", o->command ? " " : "", o->command ? o->command : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_option_value(const cli_opts *o, int argc, char **argv, int *i, const char *name,
                     const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		cli_error(o, "option %s needs a value", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

const char *cli_option_str(const cli_opts *o, int argc, char **argv, int *i, const char *name,
                           int *err)
{
	const char *v = NULL;
	int c = cli_option_value(o, argc, argv, i, name, &v);

	if (c < 0)
		*err = 1;
	return c > 0 ? v : NULL;
}

int cli_positional(const cli_opts *o, const char *arg, const char **slot, const char *usage)
{
	if (*slot != NULL) {
		cli_error(o, "%s: unexpected argument (usage: %s)", arg, usage);
		return -1;
	}
	*slot = arg;
	return 0;
}

int cli_run_check(cli_opts *o, const char *subject, cli_check_fn check, void *ctx,
                  const char *einval_what)
{
	md_resolver *r;
	md_report *rep;
	md_status st;
	int code;

	cli_opts_finish(o);
	r = cli_resolver(o);
	if (r == NULL)
		return EXIT_USAGE;
	rep = md_report_new(o->command, subject);
	if (rep == NULL) {
		cli_error(o, "out of memory");
		md_resolver_free(r);
		return EXIT_INCOMPLETE;
	}
	st = check(r, subject, ctx, rep);
	if (st == MD_EINVAL) {
		cli_error(o, "%s: %s", subject, einval_what);
		code = EXIT_USAGE;
	} else if (st != MD_OK) {
		cli_error(o, "%s: %s", subject, md_status_str(st));
		code = EXIT_INCOMPLETE;
	} else {
		code = cli_render(o, rep);
	}
	md_report_free(rep);
	md_resolver_free(r);
	return code;
}

int cli_common_option(cli_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v;
	int err = 0;

	if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
		o->verbose++;
		return 1;
	}
	if (strcmp(a, "--recursive") == 0) {
		o->recursive = true;
		return 1;
	}
	if (strcmp(a, "--dnssec") == 0) {
		o->dnssec = true;
		return 1;
	}
	if ((v = cli_option_str(o, argc, argv, i, "--format", &err)) != NULL) {
		if (md_format_parse(v, &o->format) != MD_OK) {
			cli_error(o, "--format %s: unknown format (use text, json, ndjson or csv)", v);
			return -1;
		}
		return 1;
	}
	if (err)
		return -1;
	if ((v = cli_option_str(o, argc, argv, i, "--color", &err)) != NULL ||
	    (v = cli_option_str(o, argc, argv, i, "--colour", &err)) != NULL) {
		if (strcmp(v, "auto") != 0 && strcmp(v, "always") != 0 && strcmp(v, "never") != 0) {
			cli_error(o, "--color %s: use auto, always or never", v);
			return -1;
		}
		o->color = v;
		return 1;
	}
	if (err)
		return -1;
	if ((v = cli_option_str(o, argc, argv, i, "--resolver", &err)) != NULL) {
		o->resolver = v;
		return 1;
	}
	if (err)
		return -1;
	if ((v = cli_option_str(o, argc, argv, i, "--dns-fixture", &err)) != NULL) {
		o->fixture = v;
		return 1;
	}
	if (err)
		return -1;
	if ((v = cli_option_str(o, argc, argv, i, "--trust-anchor", &err)) != NULL) {
		o->trust_anchor = v;
		return 1;
	}
	if (err)
		return -1;
	if ((v = cli_option_str(o, argc, argv, i, "--timeout", &err)) != NULL) {
		char *end;
		double t;

		errno = 0;
		t = strtod(v, &end);
		if (errno != 0 || end == v || *end != '\0' || !(t > 0) || t > 3600) {
			cli_error(o, "--timeout %s: give a number of seconds between 0 and 3600", v);
			return -1;
		}
		o->timeout = t;
		return 1;
	}
	if (err)
		return -1;
	return 0;
}

int cli_unknown_option(const cli_opts *o, const char *arg)
{
	if (arg[0] == '-' && arg[1] != '\0') {
		cli_error(o, "%s: unknown option (see maildiag %s --help)", arg, o->command);
		return 1;
	}
	return 0;
}

void cli_opts_finish(cli_opts *o)
{
	if (o->color == NULL || strcmp(o->color, "auto") == 0) {
		const char *nc = getenv("NO_COLOR");

		o->use_color = isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0') &&
		               o->format == MD_FORMAT_TEXT;
	} else {
		o->use_color = strcmp(o->color, "always") == 0;
	}
}

md_resolver *cli_resolver(const cli_opts *o)
{
	char err[512] = "";
	md_resolver *r;

	if (o->fixture != NULL) {
		md_status st;

		r = md_resolver_fixture_new();
		if (r == NULL) {
			cli_error(o, "out of memory");
			return NULL;
		}
		st = md_resolver_fixture_load_dir(r, o->fixture, err, sizeof(err));
		if (st != MD_OK) {
			cli_error(o, "--dns-fixture %s: %s", o->fixture, err[0] ? err : md_status_str(st));
			md_resolver_free(r);
			return NULL;
		}
		return r;
	}
	{
		md_unbound_opts uo = {
			.forward = o->resolver,
			.recursive = o->recursive,
			.timeout = o->timeout,
			.trust_anchor_file = o->trust_anchor,
			.dnssec = o->dnssec,
		};

		r = md_resolver_unbound_new(&uo, err, sizeof(err));
		if (r == NULL) {
			if (o->resolver != NULL)
				cli_error(o, "--resolver %s: %s", o->resolver, err);
			else
				cli_error(o, "cannot set up the DNS resolver: %s", err);
		}
		return r;
	}
}

static int stdout_sink(void *ud, const char *data, size_t len)
{
	return fwrite(data, 1, len, ud) == len ? 0 : -1;
}

int cli_render(const cli_opts *o, const md_report *r)
{
	md_render_opts ro = {.format = o->format, .color = o->use_color, .verbose = o->verbose};
	md_status st;

	if (md_report_status(r) != MD_OK) {
		cli_error(o, "%s", md_status_str(md_report_status(r)));
		return EXIT_INCOMPLETE;
	}
	st = md_render(r, &ro, stdout_sink, stdout);
	if (st != MD_OK || fflush(stdout) != 0) {
		cli_error(o, "cannot write output: %s", md_status_str(st != MD_OK ? st : MD_EIO));
		return EXIT_INCOMPLETE;
	}
	return md_report_exit_code(r);
}
