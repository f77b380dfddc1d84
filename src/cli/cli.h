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

/* Subcommands: each returns a process exit code. */
typedef struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(cli_opts *o, int argc, char **argv);
	const char *usage;
} cli_command;

int cmd_dns(cli_opts *o, int argc, char **argv);
int cmd_mx(cli_opts *o, int argc, char **argv);
int cmd_bounce(cli_opts *o, int argc, char **argv);

extern const char cmd_dns_usage[];
extern const char cmd_mx_usage[];
extern const char cmd_bounce_usage[];

#endif
