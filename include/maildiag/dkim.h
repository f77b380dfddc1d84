/*
 * maildiag/dkim.h - DKIM keys checked and messages verified.
 *
 * Two jobs:
 *  - md_check_dkim(): the key records of a domain's selectors (RFC 6376
 *    section 3.6.1) parsed and linted, with selector discovery when none is
 *    given (signatures in messages, DMARC aggregate reports, a table of
 *    common provider selectors, and the RFC 8020 empty-non-terminal probe
 *    of _domainkey.DOMAIN);
 *  - md_dkim_verify(): every DKIM-Signature of a message verified (RFC 6376,
 *    RFC 8463 ed25519-sha256, RFC 8301 rules on rsa-sha1 and key sizes), with
 *    the evidence a person needs when one fails: the body hash expected and
 *    computed, the canonicalised header block that was hashed, and the
 *    likely cause.
 */
#ifndef MAILDIAG_DKIM_H
#define MAILDIAG_DKIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <maildiag/dns.h>
#include <maildiag/report.h>
#include <maildiag/status.h>
#include <maildiag/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 8601 section 2.7.1 results of one signature. */
typedef enum md_dkim_verdict {
	MD_DKIM_NONE = 0,
	MD_DKIM_PASS = 1,
	MD_DKIM_FAIL = 2,
	MD_DKIM_POLICY = 3,
	MD_DKIM_NEUTRAL = 4,
	MD_DKIM_TEMPERROR = 5,
	MD_DKIM_PERMERROR = 6
} md_dkim_verdict;

/* "none", "pass", "fail", "policy", "neutral", "temperror", "permerror" */
MD_API const char *md_dkim_verdict_name(md_dkim_verdict v);

/* What made a failing signature fail, when maildiag can tell. */
typedef enum md_dkim_cause {
	MD_DKIM_CAUSE_NONE = 0,
	MD_DKIM_CAUSE_BODY_APPENDED = 1,   /* text added after the signed body
	                                      (mailing-list footer, disclaimer) */
	MD_DKIM_CAUSE_BODY_WHITESPACE = 2, /* only whitespace changed (simple c=) */
	MD_DKIM_CAUSE_BODY_CHANGED = 3,    /* the body changed otherwise */
	MD_DKIM_CAUSE_HEADER_CHANGED = 4,  /* body intact, signed header(s) changed
	                                      or the key was rotated */
	MD_DKIM_CAUSE_KEY = 5,             /* the key record is the problem */
	MD_DKIM_CAUSE_SIGNATURE = 6        /* the signature itself is unusable */
} md_dkim_cause;

MD_API const char *md_dkim_cause_name(md_dkim_cause c);

/*
 * One signature's outcome. Strings are owned by the md_dkim_result and
 * valid until md_dkim_result_free(); absent values are NULL, absent
 * numbers -1.
 */
typedef struct md_dkim_sig_info {
	md_dkim_verdict verdict;
	const char *reason_id;          /* stable id: "dkim.pass", "dkim.body_hash_mismatch" */
	const char *reason;             /* one sentence */
	const char *detail;             /* more precise text, or NULL */
	const char *ref;                /* RFC section */
	const char *domain;             /* d= */
	const char *selector;           /* s= */
	const char *identity;           /* i= (or "@" d= when absent) */
	const char *algorithm;          /* a= as written */
	const char *canonicalization;   /* "relaxed/simple" */
	const char *signed_headers;     /* h= as written (whitespace removed) */
	long long signed_at;            /* t= */
	long long expires_at;           /* x= */
	long long body_length;          /* l= */
	const char *body_hash_expected; /* bh= */
	const char *body_hash_computed; /* base64 of our hash, NULL if not computed */
	const char *header_block;       /* the canonicalised header data hashed */
	const char *key_name;           /* SELECTOR._domainkey.DOMAIN */
	const char *key_record;         /* the TXT record as found */
	const char *key_type;           /* "rsa", "ed25519" */
	unsigned key_bits;              /* 0 when unknown */
	bool key_testing;               /* t=y on the key */
	md_dkim_cause cause;
	const char *cause_text;    /* the likely cause, for a person */
	long long appended_bytes;  /* bytes appended after signing, or -1 */
	const char *appended_text; /* start of the appended text, or NULL */
	const char *raw;           /* the DKIM-Signature field as in the message */
	/* Warnings that do not change the verdict, e.g. "l= lets anyone
	 * append content". One per line. NULL when none. */
	const char *warnings;
	bool from_oversigned;        /* h= names From more times than it occurs */
	long long body_canon_length; /* canonical body length now, or -1 */
} md_dkim_sig_info;

typedef struct md_dkim_verify_opts {
	/* Time to check t= and x= against; 0 means now. */
	int64_t now;
	/* Keep the canonical header block in the result (evidence); the
	 * benchmark turns it off. */
	bool no_evidence;
	/* Allowed clock skew for t= in the future, seconds (0: 300). */
	unsigned skew;
} md_dkim_verify_opts;

typedef struct md_dkim_result md_dkim_result;

/*
 * Verify every DKIM-Signature of the message MSG/LEN (RFC 5322 bytes; CRLF
 * or bare LF line ends). Keys are asked through RES, all at once. *OUT gets
 * a result the caller frees with md_dkim_result_free(). Returns MD_OK even
 * when signatures fail (that is the verdict); MD_EINVAL for a NULL
 * argument, MD_ENOMEM.
 */
MD_API md_status md_dkim_verify(md_resolver *res, const char *msg, size_t len,
                                const md_dkim_verify_opts *opts, md_dkim_result **out);
MD_API void md_dkim_result_free(md_dkim_result *r);

/*
 * A verifier for many messages: the same as md_dkim_verify() for each,
 * but parsed public keys are remembered between messages (64 at most),
 * which matters with OpenSSL 3 where parsing a key costs more than
 * verifying with it. RES must outlive the verifier. NULL when out of
 * memory or RES is NULL.
 */
typedef struct md_dkim_verifier md_dkim_verifier;
MD_API md_dkim_verifier *md_dkim_verifier_new(md_resolver *res, const md_dkim_verify_opts *opts);
MD_API md_status md_dkim_verifier_run(md_dkim_verifier *v, const char *msg, size_t len,
                                      md_dkim_result **out);
/* Accepts NULL. */
MD_API void md_dkim_verifier_free(md_dkim_verifier *v);
/* Number of DKIM-Signature fields examined, top-down order. */
MD_API size_t md_dkim_result_count(const md_dkim_result *r);
MD_API const md_dkim_sig_info *md_dkim_result_sig(const md_dkim_result *r, size_t i);
/* The overall verdict: pass if any signature passes, none when unsigned,
 * else the first signature's verdict. */
MD_API md_dkim_verdict md_dkim_result_verdict(const md_dkim_result *r);
/* The RFC5322.From domain (lower case) or NULL when there is not exactly
 * one From address. */
MD_API const char *md_dkim_result_from_domain(const md_dkim_result *r);

/*
 * Describe R in REPORT: one finding per signature (ids from the reason
 * table: dkim.pass, dkim.body_hash_mismatch, dkim.key_not_found, ...), a
 * "dkim_signatures" table, JSON member "dkim" (array, one object per
 * signature with its evidence), and trace lines.
 */
MD_API md_status md_dkim_result_report(md_report *report, const md_dkim_result *r);

/*
 * Bulk verification: add the outcome for one message NAME ("file#3") to
 * REPORT: a row of the "dkim_messages" table, an element of the JSON
 * member "messages" (NDJSON output streams one per line), a "dkim.bulk"
 * summary line, and one finding per signature that does not pass. Call
 * once per message on the same report.
 */
MD_API md_status md_dkim_result_report_bulk(md_report *report, const char *name,
                                            const md_dkim_result *r);

/* --- key records of a domain --- */

typedef struct md_dkim_check_opts {
	const char *const *selectors; /* selectors to check; NULL/0 = discover */
	size_t nselectors;
	/* Messages (or bounces) whose DKIM-Signature fields name selectors. */
	const char *const *messages;
	const size_t *message_lens;
	size_t nmessages;
	/* DMARC aggregate reports (XML) whose <dkim><selector> name selectors. */
	const char *const *reports;
	const size_t *report_lens;
	size_t nreports;
	/* Do not probe the shipped list of common provider selectors. */
	bool no_common;
} md_dkim_check_opts;

/*
 * Check the DKIM keys of DOMAIN: for every selector given or discovered,
 * the key record at SELECTOR._domainkey.DOMAIN parsed and linted (missing,
 * revoked, key type, RSA size, t=y testing, h=/s= restrictions, syntax
 * errors with position, CNAME to a provider that does not resolve).
 * Findings go to REPORT with a "dkim_keys" table and JSON members
 * "selectors" (array of objects) and "discovery". Returns MD_OK when the
 * check ran (problems are findings), MD_EINVAL for a bad domain, MD_ENOMEM.
 */
MD_API md_status md_check_dkim(md_resolver *res, const char *domain, const md_dkim_check_opts *opts,
                               md_report *report);

/*
 * The table of selectors common providers use (Google "google", Microsoft
 * "selector1"/"selector2", ...): *N gets the count; each entry is
 * "selector" and the provider's name.
 */
typedef struct md_dkim_known_selector {
	const char *selector;
	const char *provider;
} md_dkim_known_selector;
MD_API const md_dkim_known_selector *md_dkim_known_selectors(size_t *n);

#ifdef __cplusplus
}
#endif
#endif
