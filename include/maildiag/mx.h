/*
 * maildiag/mx.h - the MX check: where mail for a domain is delivered.
 *
 * Looks up the MX set (RFC 5321 section 5.1), sorted by preference; a null
 * MX (RFC 7505); no MX with the implicit A/AAAA fallback; MX targets that
 * are CNAMEs or IP literals; hosts with no address; addresses in private,
 * loopback or documentation ranges. Every question is put in flight at
 * once through the resolver.
 */
#ifndef MAILDIAG_MX_H
#define MAILDIAG_MX_H

#include <maildiag/dns.h>
#include <maildiag/report.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Check DOMAIN's MX set and append findings, a "mx_hosts" table and JSON
 * members "mx" (array of hosts with preference, addresses and problems)
 * and "implicit_mx" to REPORT. Returns MD_OK even when the domain is
 * broken (that is a finding); MD_EINVAL for a name that is not a domain,
 * MD_ENOMEM.
 */
MD_API md_status md_check_mx(md_resolver *res, const char *domain, md_report *report);

#ifdef __cplusplus
}
#endif
#endif
