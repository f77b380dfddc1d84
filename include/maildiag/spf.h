/*
 * maildiag/spf.h - SPF (RFC 7208): check_host() with a trace a person can
 * follow, and a linter that explains every problem and its fix.
 *
 * md_spf_check_host() evaluates a domain's policy for a client IP exactly
 * as RFC 7208 sections 4 to 7 say: left to right, first match wins, with
 * the 10 DNS-querying terms, the 2 void lookups, 10 names per mx and ptr,
 * include/redirect recursion and loops, macros and exp= explanations. The
 * verdict carries the result, the explanation, the term that decided and
 * the whole evaluation as a tree (md_spf_verdict_report()).
 *
 * md_check_spf() lints a domain's SPF without a client IP: it resolves the
 * whole include tree (breadth first, every level's questions in flight at
 * once), counts lookups the way an evaluation that matches nothing would,
 * and appends findings ("spf.too_many_lookups", ...) with the fix, plus a
 * flattening aid: every range the policy authorises and an equivalent
 * record within the limits.
 */
#ifndef MAILDIAG_SPF_H
#define MAILDIAG_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include <maildiag/dns.h>
#include <maildiag/report.h>
#include <maildiag/status.h>
#include <maildiag/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The seven results of RFC 7208 section 2.6. */
typedef enum md_spf_result {
	MD_SPF_NONE = 0,
	MD_SPF_NEUTRAL = 1,
	MD_SPF_PASS = 2,
	MD_SPF_FAIL = 3,
	MD_SPF_SOFTFAIL = 4,
	MD_SPF_TEMPERROR = 5,
	MD_SPF_PERMERROR = 6
} md_spf_result;

/* "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror" */
MD_API const char *md_spf_result_name(md_spf_result r);

/*
 * Options; zero-initialise and set what you need (designated initialisers:
 * fields are only ever appended).
 */
typedef struct md_spf_opts {
	/* %{r}: the domain of the receiving host (RFC 7208 section 7.2);
	 * NULL means "unknown". */
	const char *receiver;
	/* Explanation for "fail" when the record has no usable exp=: a
	 * macro-string expanded like exp text. NULL: a built-in text. */
	const char *default_explanation;
	/* %{t}: seconds since the epoch; 0 means now. */
	long long now;
	/* DNS-querying terms allowed; 0 means 10 (RFC 7208 section 4.6.4).
	 * A diagnostic may raise it to see what lies past the limit; the
	 * verdict still says the limit was passed (over_limit). */
	unsigned max_lookups;
	/* Void lookups allowed; 0 means 2 (RFC 7208 section 4.6.4). */
	unsigned max_void_lookups;
	/* Skip building the trace tree (faster for bulk evaluation). */
	bool no_trace;
} md_spf_opts;

/*
 * The verdict of one check_host() evaluation. Allocated by the library
 * (never allocate it yourself); strings live until md_spf_verdict_free().
 * Fields are only ever appended.
 */
typedef struct md_spf_verdict {
	md_spf_result result;
	/* For "fail": the exp= text of the deciding record, or the default
	 * explanation; NULL for every other result. */
	const char *explanation;
	/* The domain check_host() was called with (lower case, no trailing dot). */
	const char *domain;
	/* The client IP as text. */
	const char *ip;
	/* The term that decided, as written ("-all", "include:_spf.example.com"),
	 * and the domain whose record holds it; both NULL when nothing matched
	 * (default neutral) or the evaluation stopped on an error. */
	const char *term;
	const char *term_domain;
	/* One line saying why: "matched ip4:192.0.2.0/24 in example.com",
	 * "more than 10 DNS-querying terms (11th: include:x.example.net)". */
	const char *reason;
	/* DNS-querying terms evaluated (RFC limit 10) and void lookups. */
	unsigned lookups;
	unsigned void_lookups;
	/* The SPF record of DOMAIN, or NULL when there is none. */
	const char *record;
	/* True when the result is an error because a named limit was passed
	 * (lookups, void lookups, MX names, recursion). */
	bool over_limit;
} md_spf_verdict;

/*
 * check_host(IP, DOMAIN, SENDER) of RFC 7208 section 4, with HELO for the
 * %{h} macro. IP is IPv4 or IPv6 text (an IPv4-mapped IPv6 address is
 * evaluated as IPv4). SENDER is the MAIL FROM address or, for the HELO
 * identity, "postmaster@" HELO; a sender without a local-part gets
 * "postmaster" (section 4.3). OPTS may be NULL.
 *
 * On MD_OK *OUT is a verdict to free with md_spf_verdict_free(). Every SPF
 * outcome, including temperror (DNS timeout or SERVFAIL) and permerror, is
 * MD_OK with the result in the verdict. Returns MD_EINVAL when IP does not
 * parse or DOMAIN/SENDER is NULL, MD_ENOMEM.
 */
MD_API md_status md_spf_check_host(md_resolver *res, const char *ip,
                                   const char *domain, const char *sender,
                                   const char *helo, const md_spf_opts *opts,
                                   md_spf_verdict **out);

/*
 * The MAIL FROM identity (RFC 7208 section 2.4): MAILFROM is the reverse
 * path without angle brackets; when it is empty (a bounce) the HELO
 * identity postmaster@HELO is checked instead. Same contract as above.
 */
MD_API md_status md_spf_check_mailfrom(md_resolver *res, const char *ip,
                                       const char *mailfrom, const char *helo,
                                       const md_spf_opts *opts,
                                       md_spf_verdict **out);

/* The HELO identity (RFC 7208 section 2.3): check_host(IP, HELO,
 * "postmaster@" HELO). A HELO that is an address literal or not a
 * multi-label domain gives "none". */
MD_API md_status md_spf_check_helo(md_resolver *res, const char *ip,
                                   const char *helo, const md_spf_opts *opts,
                                   md_spf_verdict **out);

/* Free a verdict. Accepts NULL. */
MD_API void md_spf_verdict_free(md_spf_verdict *v);

/*
 * Describe V in REPORT: summary lines (result, deciding term, lookups),
 * the evaluation as trace lines, a finding "spf.result.RESULT" (ok for
 * pass, error for fail and permerror, could-not-check for temperror, ...),
 * and the JSON members "result", "explanation", "domain", "ip", "term",
 * "term_domain", "reason", "lookups", "void_lookups", "record" and "tree"
 * (the evaluation as nested nodes). The trace is empty when the verdict
 * was made with no_trace. Returns MD_OK or MD_ENOMEM.
 */
MD_API md_status md_spf_verdict_report(const md_spf_verdict *v, md_report *report);

/*
 * Lint DOMAIN's SPF: fetch the record (TXT, and the obsolete type 99),
 * resolve every include/redirect target and a/mx name (each level of the
 * tree at once), and append findings (see docs/spf.md for the ids), trace
 * lines showing the tree with the cumulative lookup count, a "lookups"
 * table, and the JSON members "record", "lookups", "void_lookups",
 * "tree", "over_limit" and "flatten" (every authorised range, a proposed
 * record within the limits, and what would go stale). OPTS may be NULL.
 * Returns MD_OK even when the domain is broken (that is a finding);
 * MD_EINVAL for a name that is not a domain, MD_ENOMEM.
 */
MD_API md_status md_check_spf(md_resolver *res, const char *domain,
                              const md_spf_opts *opts, md_report *report);

/*
 * Syntax check of one SPF record (RFC 7208 section 12 grammar). Returns
 * true when RECORD (LEN bytes) is a valid "v=spf1" record; otherwise
 * false with the byte offset of the first error in *ERR_OFF and a static
 * English reason in *WHY (either may be NULL).
 */
MD_API bool md_spf_record_valid(const char *record, size_t len,
                                size_t *err_off, const char **why);

#ifdef __cplusplus
}
#endif
#endif
