/*
 * maildiag/dane.h - DANE for SMTP (RFC 7672): TLSA records of each MX host.
 *
 * For every MX host (the implicit MX when there is none) the TLSA RRset
 * at _PORT._tcp.HOST is looked up; it is trusted only when the answer is
 * DNSSEC-validated (md_dns_result.dnssec == MD_DNSSEC_SECURE), which needs
 * a validating resolver (--dnssec or --trust-anchor). Records are checked
 * (usage DANE-TA(2) / DANE-EE(3), selector, matching type, digest length)
 * and, when asked, the host is probed and its certificate chain matched
 * against the records.
 */
#ifndef MAILDIAG_DANE_H
#define MAILDIAG_DANE_H

#include <stdbool.h>
#include <maildiag/dns.h>
#include <maildiag/report.h>
#include <maildiag/smtp.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct md_dane_opts {
	bool probe;        /* connect and match the certificates */
	md_smtp_opts smtp; /* port (TLSA name and probe), timeouts, ... */
} md_dane_opts;

/*
 * Check DANE for DOMAIN's MX hosts: findings "dane.*", a "dane_tlsa" table
 * and the JSON member "dane" (MX DNSSEC status; per host the TLSA name,
 * DNSSEC status, records and, with a probe, which record matched).
 * MD_EINVAL for a name that is not a domain, MD_ENOMEM.
 */
MD_API md_status md_check_dane(md_resolver *res, const char *domain,
                               const md_dane_opts *opts, md_report *report);

#ifdef __cplusplus
}
#endif
#endif
