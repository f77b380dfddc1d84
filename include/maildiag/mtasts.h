/*
 * maildiag/mtasts.h - MTA-STS (RFC 8461) and TLS-RPT (RFC 8460).
 *
 * MTA-STS: the _mta-sts TXT record, the policy fetched over HTTPS from
 * https://mta-sts.DOMAIN/.well-known/mta-sts.txt (no redirects, text/plain,
 * a certificate valid for mta-sts.DOMAIN), the policy's syntax, the MX set
 * checked against the policy's mx patterns, and, when asked, each MX host
 * probed for STARTTLS with a certificate that verifies and matches its
 * name (what a sender under the policy requires, RFC 8461 section 4).
 * TLS-RPT: the _smtp._tls TXT record and its rua URIs.
 *
 * HTTPS goes through libcurl; host names are resolved through the injected
 * resolver and handed to curl, so fixture zones and test servers answer.
 */
#ifndef MAILDIAG_MTASTS_H
#define MAILDIAG_MTASTS_H

#include <stdbool.h>
#include <maildiag/dns.h>
#include <maildiag/report.h>
#include <maildiag/smtp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How HTTPS fetches (MTA-STS policies, BIMI assets) are made. */
typedef struct md_fetch_opts {
	const char *ca_file;    /* extra PEM trust anchors (tests, private CAs) */
	/* "HOST:PORT:CONNECT-HOST:CONNECT-PORT" as curl's --connect-to: connect
	 * there instead (HOST or PORT empty: any); for tests on loopback */
	const char *connect_to;
	double timeout;         /* seconds for a whole fetch; <= 0 means 10 */
} md_fetch_opts;

typedef struct md_mtasts_opts {
	md_fetch_opts fetch;
	bool probe;             /* probe each MX host's STARTTLS certificate */
	md_smtp_opts smtp;      /* options of those probes */
	bool no_tlsrpt;         /* do not also check the TLS-RPT record */
} md_mtasts_opts;

/*
 * Check DOMAIN's MTA-STS record and policy (and its TLS-RPT record unless
 * opts->no_tlsrpt). Appends findings "mtasts.*" (and "tlsrpt.*"), a
 * "mta_sts_mx" table and JSON members "mta_sts" (record, fetch, policy,
 * mx hosts) and "tls_rpt". Returns MD_OK whatever was found; MD_EINVAL
 * for a name that is not a domain, MD_ENOMEM.
 */
MD_API md_status md_check_mtasts(md_resolver *res, const char *domain,
                                 const md_mtasts_opts *opts, md_report *report);

/*
 * Check DOMAIN's TLS-RPT record (_smtp._tls.DOMAIN): findings "tlsrpt.*"
 * and the JSON member "tls_rpt" (record, rua list, valid).
 */
MD_API md_status md_check_tlsrpt(md_resolver *res, const char *domain, md_report *report);

#ifdef __cplusplus
}
#endif
#endif
