/*
 * cli.h - what every maildiag subcommand shares: common options, the
 * resolver they ask for, output, and the exit codes of DESIGN.md.
 *
 * The CLI uses only the public API (<maildiag/maildiag.h>).
 */
#ifndef MD_CLI_H
#define MD_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <maildiag/maildiag.h>

enum {
	EXIT_CLEAN = 0,      /* nothing at error level or above */
	EXIT_PROBLEMS = 1,   /* problems found (or gate says stop) */
	EXIT_USAGE = 2,      /* usage error or unreadable input */
	EXIT_INCOMPLETE = 3  /* could not finish: DNS or network trouble */
};

typedef struct cli_opts {
	md_format format;
	const char *color;     /* auto, always, never */
	bool use_color;
	int verbose;
	const char *resolver;  /* ADDR[@PORT] */
	const char *fixture;   /* --dns-fixture DIR */
	bool recursive;
	bool dnssec;
	const char *trust_anchor;
	double timeout;
	const char *argv0;
	const char *command;
} cli_opts;

/* One line on stderr: "maildiag COMMAND: message". */
void cli_error(const cli_opts *o, const char *fmt, ...) MD_PRINTF(2, 3);

/*
 * Try to consume a common option at argv[*i] (and its value). Returns 1
 * when consumed, 0 when it is not a common option, -1 on a usage error
 * (already reported).
 */
int cli_common_option(cli_opts *o, int argc, char **argv, int *i);
/* Help text for the common options. */
extern const char cli_common_help[];

/* Finish option processing (colour decision). */
void cli_opts_finish(cli_opts *o);

/* The resolver the options ask for; NULL after reporting the error. */
md_resolver *cli_resolver(const cli_opts *o);

/* Render a report to stdout; returns the report's exit code (or 3/2 on
 * output failure). */
int cli_render(const cli_opts *o, const md_report *r);

/* True when ARG looks like an option the command does not know. */
int cli_unknown_option(const cli_opts *o, const char *arg);

/*
 * If argv[*i] is option NAME ("--name VALUE" or "--name=VALUE"), store the
 * value in *VAL (advancing *i past a separate value) and return 1; return
 * 0 when it is another argument, -1 when the value is missing (reported).
 */
int cli_option_value(const cli_opts *o, int argc, char **argv, int *i, const char *name,
                     const char **val);
/* The same as a value: the value of option NAME at argv[*i], or NULL when
 * argv[*i] is another argument (with *ERR set when the value is missing). */
const char *cli_option_str(const cli_opts *o, int argc, char **argv, int *i, const char *name,
                           int *err);

/* Store positional ARG in *SLOT; when *SLOT is already set, report
 * "ARG: unexpected argument (usage: USAGE)" and return -1. */
int cli_positional(const cli_opts *o, const char *arg, const char **slot, const char *usage);

/* A check run by cli_run_check(): fills REP about SUBJECT. */
typedef md_status (*cli_check_fn)(md_resolver *res, const char *subject, void *ctx,
                                  md_report *rep);

/*
 * What every check command does once its options are read: decide colour,
 * set up the resolver, make the report, run CHECK, print the report and
 * free everything. An MD_EINVAL from CHECK is reported as
 * "SUBJECT: EINVAL_WHAT" with exit code 2; another failure as could not
 * finish (3). Returns the process exit code.
 */
int cli_run_check(cli_opts *o, const char *subject, cli_check_fn check, void *ctx,
                  const char *einval_what);

/* Subcommands: each returns a process exit code. */
typedef struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(cli_opts *o, int argc, char **argv);
	const char *usage;
} cli_command;

int cmd_dns(cli_opts *o, int argc, char **argv);
int cmd_mx(cli_opts *o, int argc, char **argv);
int cmd_ptr(cli_opts *o, int argc, char **argv);
int cmd_dnsbl(cli_opts *o, int argc, char **argv);
int cmd_spf(cli_opts *o, int argc, char **argv);
int cmd_dkim(cli_opts *o, int argc, char **argv);
int cmd_dmarc(cli_opts *o, int argc, char **argv);
int cmd_auth(cli_opts *o, int argc, char **argv);
int cmd_bounce(cli_opts *o, int argc, char **argv);

extern const char cmd_dns_usage[];

/* infrastructure commands (issue 6) */
int cmd_smtp(cli_opts *o, int argc, char **argv);
int cmd_mtasts(cli_opts *o, int argc, char **argv);
int cmd_tlsrpt(cli_opts *o, int argc, char **argv);
int cmd_dane(cli_opts *o, int argc, char **argv);
int cmd_bimi(cli_opts *o, int argc, char **argv);
extern const char cmd_smtp_usage[];
extern const char cmd_mtasts_usage[];
extern const char cmd_tlsrpt_usage[];
extern const char cmd_dane_usage[];
extern const char cmd_bimi_usage[];
extern const char cmd_mx_usage[];
extern const char cmd_ptr_usage[];
extern const char cmd_dnsbl_usage[];
extern const char cmd_spf_usage[];
extern const char cmd_dkim_usage[];
extern const char cmd_dmarc_usage[];
extern const char cmd_auth_usage[];
extern const char cmd_bounce_usage[];

#endif
