/*
 * maildiag/dns.h - the one resolver interface every check uses.
 *
 * Two backends share it: libunbound (live DNS: forwarding to the system's
 * or a given resolver, or full recursion; DNSSEC validation) and zone-file
 * fixtures (answers from RFC 1035 master files in memory, fully offline).
 * A check asks questions with md_dns_submit(), which may answer at once
 * from the cache, and md_dns_wait() drives every question in flight to
 * completion, so independent questions are asked at the same time.
 *
 * Answers are cached for the life of the resolver and owned by it: a
 * const md_dns_result * stays valid until md_resolver_free().
 *
 * A result always says what happened: answer, NXDOMAIN, NODATA, SERVFAIL,
 * timeout or another error. "Could not check" (SERVFAIL, timeout, error)
 * stays apart from "does not exist" (NXDOMAIN, NODATA).
 */
#ifndef MAILDIAG_DNS_H
#define MAILDIAG_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <maildiag/report.h>
#include <maildiag/status.h>
#include <maildiag/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RR types (IANA numbers) the checks use. Any other number works too. */
enum {
	MD_DNS_A = 1,
	MD_DNS_NS = 2,
	MD_DNS_CNAME = 5,
	MD_DNS_SOA = 6,
	MD_DNS_PTR = 12,
	MD_DNS_MX = 15,
	MD_DNS_TXT = 16,
	MD_DNS_AAAA = 28,
	MD_DNS_SRV = 33,
	MD_DNS_DNAME = 39,
	MD_DNS_DS = 43,
	MD_DNS_RRSIG = 46,
	MD_DNS_DNSKEY = 48,
	MD_DNS_TLSA = 52,
	MD_DNS_SPF = 99,
	MD_DNS_CAA = 257
};

typedef enum md_dns_outcome {
	MD_DNS_ANSWER = 0,   /* at least one record of the asked type */
	MD_DNS_NXDOMAIN = 1, /* the name does not exist */
	MD_DNS_NODATA = 2,   /* the name exists, no record of that type */
	MD_DNS_SERVFAIL = 3, /* the server failed (also REFUSED, bogus DNSSEC) */
	MD_DNS_TIMEOUT = 4,  /* no answer in time */
	MD_DNS_ERROR = 5     /* other error: malformed reply, bad name, ... */
} md_dns_outcome;

typedef enum md_dnssec {
	MD_DNSSEC_INSECURE = 0, /* not validated (or no validation configured) */
	MD_DNSSEC_SECURE = 1,   /* validated against a trust anchor */
	MD_DNSSEC_BOGUS = 2     /* validation failed */
} md_dnssec;

/* One resource record of the answer, decoded for the common types. */
typedef struct md_dns_rr {
	const char *owner;    /* owner name, lower case, no trailing dot */
	uint16_t type;
	uint32_t ttl;
	const uint8_t *rdata; /* wire-format rdata (names uncompressed) */
	uint16_t rdlen;
	/* Decoded views; which are set depends on type: */
	uint8_t addr[16];     /* A: 4 bytes, AAAA: 16 bytes */
	const char *name;     /* MX exchange, CNAME/PTR/NS target, SRV target,
	                         SOA mname; lower case, no trailing dot;
	                         "" for the root (null MX) */
	uint16_t pref;        /* MX preference, SRV priority */
	/* TXT and SPF: the character-strings, binary-safe (may hold NULs) */
	size_t ntxt;
	const uint8_t *const *txt;
	const uint8_t *txtlen; /* length of each string (0..255) */
	/* Appended fields: */
	uint16_t weight;      /* SRV weight */
	uint16_t port;        /* SRV port */
} md_dns_rr;

typedef struct md_dns_result {
	const char *qname;      /* the name asked, lower case, no trailing dot */
	uint16_t qtype;
	md_dns_outcome outcome;
	md_dnssec dnssec;
	const char *canonical;  /* name after following CNAMEs (== qname if none) */
	size_t ncname;          /* CNAME hops followed */
	size_t nrr;             /* records of type qtype (ANSWER only) */
	const md_dns_rr *rr;
	const char *why;        /* error or why_bogus text, or NULL */
	int rcode;              /* DNS RCODE seen, or -1 when none */
} md_dns_result;

typedef struct md_resolver md_resolver;

/* Called when a submitted question has its answer. */
typedef void (*md_dns_cb)(void *ud, const md_dns_result *res);

typedef struct md_unbound_opts {
	/* "ADDR" or "ADDR@PORT" to forward to; NULL: the system's resolvers
	 * from /etc/resolv.conf (or full recursion when recursive is set). */
	const char *forward;
	bool recursive;       /* resolve from the root, ignore forward */
	double timeout;       /* seconds per question; <= 0 means 5 */
	const char *trust_anchor_file; /* DNSSEC anchor file, or NULL */
	bool dnssec;          /* validate with the root anchor (auto-trust-anchor
	                         file from the system) when no file is given */
} md_unbound_opts;

/*
 * Live DNS through libunbound. On failure returns NULL and, when ERR is
 * not NULL, writes a one-line reason into ERR (at most ERRLEN bytes).
 */
MD_API md_resolver *md_resolver_unbound_new(const md_unbound_opts *opts,
                                            char *err, size_t errlen);

/*
 * Offline answers from zone files. md_resolver_fixture_new() makes an
 * empty fixture; load master files into it with the calls below (load
 * everything before asking: answers are cached). The fixture answers as
 * a recursive resolver would (docs/dns.md has the details):
 *  - a name with records answers them (ANSWER) or NODATA;
 *  - a name without records but with names below it is an empty
 *    non-terminal: NODATA (RFC 8020) when it is at or below a zone apex
 *    (a SOA owner), or has two labels or more (records added with
 *    md_resolver_fixture_add and no SOA); otherwise NXDOMAIN;
 *  - else the closest encloser's "*." wildcard answers with QNAME as the
 *    owner (RFC 4592); else NXDOMAIN;
 *  - CNAMEs are followed (not when TYPE is CNAME) up to 12 hops; a loop
 *    or a longer chain is SERVFAIL with why "CNAME loop" or "CNAME chain
 *    too long"; canonical and ncname say where the chain ended;
 *  - zone cuts are not modelled: every loaded record answers;
 *  - results have rcode 0 (answer, nodata), 3 (nxdomain), 2 (servfail)
 *    or -1, and dnssec insecure.
 */
MD_API md_resolver *md_resolver_fixture_new(void);
/*
 * Load every file in DIR that is an RFC 1035 master file (any name not
 * starting with '.'; files ending in .conf, .md or .key are skipped).
 * On a syntax error returns MD_EPARSE with "FILE:LINE: problem" in ERR.
 */
MD_API md_status md_resolver_fixture_load_dir(md_resolver *r, const char *dir,
                                             char *err, size_t errlen);
MD_API md_status md_resolver_fixture_load_file(md_resolver *r, const char *path,
                                              char *err, size_t errlen);
/* Load master-file TEXT (LEN bytes) with ORIGIN as the initial $ORIGIN
 * (NULL for the root). NAME is used in error messages. */
MD_API md_status md_resolver_fixture_load_text(md_resolver *r, const char *name,
                                              const char *text, size_t len,
                                              const char *origin,
                                              char *err, size_t errlen);
/* Add one record with wire-format rdata (binary-safe: TXT strings may
 * hold NULs, a TXT may have zero strings; OWNER in presentation form as
 * for md_dns_submit, so "with space" and "%{i}" work). The rdata of the
 * decoded types (A AAAA NS CNAME PTR DNAME MX SOA TXT SPF SRV TLSA CAA DS
 * DNSKEY) must be well-formed with uncompressed names: MD_EINVAL
 * otherwise. Identical records are kept once. Unlike a zone file, a CNAME
 * may sit beside other data (the CNAME wins). MD_ELIMIT past one million
 * records. */
MD_API md_status md_resolver_fixture_add(md_resolver *r, const char *owner,
                                        uint16_t type, uint32_t ttl,
                                        const uint8_t *rdata, size_t rdlen);
/*
 * Make questions for OWNER of TYPE (0: every type) end with OUTCOME
 * (MD_DNS_SERVFAIL, MD_DNS_TIMEOUT or MD_DNS_ERROR) instead of an answer.
 * The fault also applies when a CNAME chain passes through OWNER.
 * Zone files say the same with a comment line NSD ignores:
 *     ;! servfail NAME [TYPE]
 *     ;! timeout NAME [TYPE]
 *     ;! error NAME [TYPE]
 * where NAME is read like an owner (relative to $ORIGIN, '@' allowed).
 * Returns MD_EINVAL for a bad name or outcome.
 */
MD_API md_status md_resolver_fixture_fault(md_resolver *r, const char *owner,
                                          uint16_t type, md_dns_outcome outcome);

/* Free the resolver and every cached result. Accepts NULL. */
MD_API void md_resolver_free(md_resolver *r);

/*
 * Ask NAME/TYPE. CB is called exactly once with the result: possibly
 * before md_dns_submit returns (cached or fixture answers), otherwise from
 * md_dns_wait(). CB may be NULL (warm the cache). NAME is in presentation
 * form: escapes \DDD and \X ("with\032space", "a\.b"), may end in a dot,
 * "." is the root (qname ""); it is matched case-insensitively.
 * Returns MD_EINVAL for a NULL resolver or a NULL or empty NAME (the
 * callback is then not called), MD_ENOMEM. A name no DNS message can
 * carry (a label over 63 octets, over 255 octets in all, an empty label,
 * a bad escape) is not a status: CB gets an MD_DNS_ERROR result with why
 * "invalid name: ..." (not cached, not counted as sent), so a computed
 * name (SPF macros, DNSBL) fails like any other question.
 */
MD_API md_status md_dns_submit(md_resolver *r, const char *name, uint16_t type,
                               md_dns_cb cb, void *ud);
/* Drive every question in flight to completion (all callbacks called). */
MD_API md_status md_dns_wait(md_resolver *r);
/* Ask one question and wait for it. *OUT belongs to the resolver. */
MD_API md_status md_dns_query(md_resolver *r, const char *name, uint16_t type,
                              const md_dns_result **out);

/* Number of questions that went to the backend (not answered from cache). */
MD_API size_t md_resolver_queries_sent(const md_resolver *r);

/* "A", "MX", "TYPE65534"; writes into BUF. */
MD_API const char *md_dns_type_name(uint16_t type, char *buf, size_t len);
/* Parse "MX", "mx", "TYPE99" or "99". Returns 0 when unknown. */
MD_API uint16_t md_dns_type_parse(const char *s);
/* "answer", "nxdomain", "nodata", "servfail", "timeout", "error" */
MD_API const char *md_dns_outcome_name(md_dns_outcome o);
MD_API const char *md_dnssec_name(md_dnssec d);
/* True for SERVFAIL, TIMEOUT and ERROR: the question could not be answered. */
MD_API bool md_dns_failed(const md_dns_result *res);

/* Presentation form of the rdata ("10 mx.example.com.", "\"v=spf1 -all\"").
 * Returns a malloc'd string the caller frees, or NULL when out of memory. */
MD_API char *md_dns_rr_text(const md_dns_rr *rr);

/*
 * Describe RES in REPORT: summary lines, a "records" table, JSON members
 * "qname", "qtype", "outcome", "dnssec", "canonical", "why", "records",
 * and a "dns.could_not_check" finding when the question failed.
 */
MD_API md_status md_dns_report(md_report *report, const md_dns_result *res);

#ifdef __cplusplus
}
#endif
#endif
