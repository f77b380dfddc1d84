/*
 * maildiag/auth.h - the verdicts a receiver reaches for one message: SPF
 * (RFC 7208, for the client IP, HELO and MAIL FROM), DKIM (RFC 6376),
 * ARC (RFC 8617) and DMARC (RFC 7489 / RFC 9989) with alignment, written
 * as an RFC 8601 Authentication-Results header field and as a report
 * with each verdict's evidence.
 */
#ifndef MAILDIAG_AUTH_H
#define MAILDIAG_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <maildiag/arc.h>
#include <maildiag/dkim.h>
#include <maildiag/dmarc.h>
#include <maildiag/dns.h>
#include <maildiag/report.h>
#include <maildiag/status.h>
#include <maildiag/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct md_auth_opts {
	/* The SMTP client's IP address. Required unless trust_received. */
	const char *ip;
	/* The HELO/EHLO name; NULL: from the top Received field when
	 * trust_received, else unknown. */
	const char *helo;
	/* The MAIL FROM address without angle brackets ("" for the null
	 * sender); NULL: the top Return-Path field of the message. */
	const char *mail_from;
	/* Take the client IP and HELO from the top Received field (the one
	 * your own MX added). */
	bool trust_received;
	/* The authserv-id of the Authentication-Results field; NULL: "maildiag". */
	const char *authserv_id;
	md_dmarc_reading reading;
	/* Time for DKIM t=/x=; 0: now. */
	int64_t now;
	/* An SPF result the caller already has (e.g. from the receiver's
	 * Received-SPF): when set, SPF is not evaluated again. RFC 8601
	 * result word and the domain it is for. */
	const char *spf_result;
	const char *spf_domain;
} md_auth_opts;

typedef struct md_auth_result md_auth_result;

/*
 * Verify MSG/LEN: SPF for the client, every DKIM signature, the ARC chain
 * and DMARC, asking DNS through RES. *OUT gets a result freed with
 * md_auth_result_free(). Returns MD_OK (failures are verdicts); MD_EINVAL
 * for a NULL argument, an IP that does not parse, or no IP given without
 * trust_received, with a one-line reason in ERR (ERRLEN bytes, may be
 * NULL); MD_ENOMEM.
 */
MD_API md_status md_auth_check(md_resolver *res, const char *msg, size_t len,
                               const md_auth_opts *opts, md_auth_result **out, char *err,
                               size_t errlen);
MD_API void md_auth_result_free(md_auth_result *r);

/*
 * The RFC 8601 Authentication-Results field, "Authentication-Results: "
 * included, folded with CRLF+TAB and ending in CRLF, ready to prepend to
 * the message.
 */
MD_API const char *md_auth_result_header(const md_auth_result *r);

/* The parts, owned by R. */
MD_API const char *md_auth_result_spf(const md_auth_result *r); /* RFC 8601 word */
MD_API const md_dkim_result *md_auth_result_dkim(const md_auth_result *r);
MD_API const md_arc_result *md_auth_result_arc(const md_auth_result *r);
MD_API const md_dmarc_result *md_auth_result_dmarc(const md_auth_result *r);

/*
 * Describe R in REPORT: the SPF, DKIM, ARC and DMARC findings with their
 * evidence, the tables and trace of each, JSON members "client" (ip,
 * helo, mail_from, source), "spf", "dkim", "arc", "dmarc" and
 * "authentication_results" (the header field's text).
 */
MD_API md_status md_auth_result_report(md_report *report, const md_auth_result *r);

#ifdef __cplusplus
}
#endif
#endif
