/*
 * maildiag/bimi.h - BIMI (draft-brand-indicators-for-message-identification):
 * the SELECTOR._bimi.DOMAIN record, the DMARC enforcement BIMI requires,
 * and the logo (SVG Tiny PS) and evidence document (VMC/CMC, PEM)
 * locations fetched over HTTPS.
 */
#ifndef MAILDIAG_BIMI_H
#define MAILDIAG_BIMI_H

#include <stdbool.h>
#include <maildiag/dns.h>
#include <maildiag/mtasts.h>
#include <maildiag/report.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct md_bimi_opts {
	const char *selector; /* NULL: "default" */
	md_fetch_opts fetch;  /* HTTPS for l= and a= */
	bool no_fetch;        /* check the record only */
} md_bimi_opts;

/*
 * Check DOMAIN's BIMI record: findings "bimi.*" and the JSON member "bimi"
 * (record, logo and evidence fetch results). MD_EINVAL for a name that is
 * not a domain or a bad selector, MD_ENOMEM.
 */
MD_API md_status md_check_bimi(md_resolver *res, const char *domain,
                               const md_bimi_opts *opts, md_report *report);

#ifdef __cplusplus
}
#endif
#endif
