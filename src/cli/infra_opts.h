/*
 * infra_opts.h - option helpers shared by the infrastructure commands
 * (smtp, mta-sts, tlsrpt, dane, bimi): "--name VALUE" / "--name=VALUE",
 * numbers with bounds, and the probe options they have in common.
 */
#ifndef MD_CLI_INFRA_OPTS_H
#define MD_CLI_INFRA_OPTS_H

#include "cli.h"

/* Parse an unsigned decimal between LO and HI; reports and returns -1 on error. */
int infra_uint(const cli_opts *o, const char *opt, const char *v, unsigned lo, unsigned hi,
               unsigned *out);
/* Parse seconds (0 < t <= 3600); reports and returns -1 on error. */
int infra_seconds(const cli_opts *o, const char *opt, const char *v, double *out);

/*
 * The SMTP probe options (--port, --mode, --helo, --ca-file, --rcpt,
 * --mail-from, --no-starttls, --max-addrs, --phase-timeout) into SO.
 * Returns 1 consumed, 0 not a probe option, -1 usage error (reported).
 */
int infra_probe_option(const cli_opts *o, int argc, char **argv, int *i, md_smtp_opts *so);
extern const char infra_probe_help[];

/*
 * The HTTPS fetch options of mta-sts and bimi (--connect-to HOST:PORT:TO:PORT
 * as curl has it, --https-ca-file FILE) into FO. Returns 1 consumed, 0 not
 * a fetch option, -1 usage error (reported).
 */
int infra_fetch_option(const cli_opts *o, int argc, char **argv, int *i, md_fetch_opts *fo);

#endif
