/*
 * dns_internal.h - what the resolver core, its backends (fixture,
 * libunbound) and the wire parser share; never installed.
 *
 * The core (resolver.c) owns the cache: one entry per lower-cased
 * name + type, holding the md_dns_result and the callbacks waiting for
 * it. A backend gets each question that is not cached through ask() and
 * finishes it, now or later, with dns_complete().
 */
#ifndef MD_DNS_INTERNAL_H
#define MD_DNS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <maildiag/dns.h>

#include "core/arena.h"

/* RFC 1035 section 2.3.4: labels are 63 octets or less, names 255 octets
 * or less in wire form (length bytes and the root label included). */
enum {
	DNS_LABEL_MAX = 63,
	DNS_NAME_WIRE_MAX = 255,
	/* Presentation form of the longest name: every byte as \DDD. */
	DNS_NAME_TEXT_MAX = 4 * DNS_NAME_WIRE_MAX + 8
};

/* A domain name in uncompressed wire form, lower-cased, root label
 * included (the root is n == 1, w[0] == 0). */
typedef struct dns_name {
	uint8_t w[DNS_NAME_WIRE_MAX];
	size_t n;
} dns_name;

/*
 * Parse the presentation form S (N bytes): labels separated by '.',
 * escapes \DDD and \X; a trailing unescaped '.' makes the name absolute,
 * otherwise ORIGIN (NULL: the root) is appended. "." alone is the root.
 * Returns NULL on success or a static reason ("empty label", ...).
 */
const char *dns_name_parse(const char *s, size_t n, const dns_name *origin, dns_name *out);
/* Copy a wire name (no compression) from P, at most LEN bytes; NULL ok. */
const char *dns_name_from_wire(const uint8_t *p, size_t len, dns_name *out, size_t *used);
/* Canonical presentation form, lower case, no trailing dot, "" for the
 * root; special characters escaped so dns_name_parse reads it back.
 * BUF must hold DNS_NAME_TEXT_MAX bytes. Returns BUF. */
char *dns_name_text(const uint8_t *w, char *buf, size_t len);
/* Number of labels, not counting the root. */
size_t dns_name_labels(const uint8_t *w);
/* Offset of the parent name in W (strip one label); W must not be root. */
static inline size_t dns_name_parent_off(const uint8_t *w) { return (size_t)w[0] + 1; }
/* Wire length of a (valid) name. */
size_t dns_name_wlen(const uint8_t *w);
bool dns_name_eq(const uint8_t *a, const uint8_t *b);

/* One question of the cache and the callbacks waiting for it. */
typedef struct dns_waiter {
	md_dns_cb cb;
	void *ud;
	struct dns_waiter *next;
} dns_waiter;

typedef struct dns_entry {
	struct dns_entry *hnext;  /* hash chain */
	struct dns_entry *pnext;  /* backend's list of questions in flight */
	struct dns_entry **pprev;
	char *key;                /* canonical qname text */
	dns_name name;
	uint16_t type;
	bool done;
	md_dns_result res;
	dns_waiter *waiters;
	dns_waiter **wtail;
	/* backend state */
	int async_id;
	double deadline;
} dns_entry;

typedef struct dns_backend {
	const char *name;
	/* Start answering E; call dns_complete() now or from wait(). */
	void (*ask)(md_resolver *r, dns_entry *e);
	/* Finish every question in flight. */
	md_status (*wait)(md_resolver *r);
	void (*destroy)(md_resolver *r);
} dns_backend;

struct md_resolver {
	const dns_backend *be;
	void *impl;
	md_arena *arena;   /* cached results, waiters, keys */
	dns_entry **tab;
	size_t tabsize, nentries;
	size_t sent;
	size_t pending;
};

md_resolver *dns_resolver_new(const dns_backend *be, void *impl);
/* Mark E answered (E->res filled) and call its waiters. */
void dns_complete(md_resolver *r, dns_entry *e);
/* Fill E->res with a failure (why copied into the arena; may be NULL). */
void dns_fail(md_resolver *r, dns_entry *e, md_dns_outcome o, int rcode, const char *why);

/*
 * Decode uncompressed wire RDATA of TYPE into RR (owner, ttl copied into
 * arena A). Returns NULL on success or a static reason why the rdata is
 * malformed for its type. Names in rdata must be uncompressed.
 */
const char *dns_rr_fill(md_arena *a, md_dns_rr *rr, const char *owner, uint16_t type,
                        uint32_t ttl, const uint8_t *rdata, size_t rdlen);
/* Check RDATA of TYPE without decoding it (same rules as dns_rr_fill). */
const char *dns_rdata_check(uint16_t type, const uint8_t *rdata, size_t rdlen);

/*
 * Parse a full DNS reply PKT (LEN bytes) to the question QNAME/QTYPE into
 * RES (arena A): follow CNAMEs in the answer section from QNAME, set
 * canonical and ncname, collect the QTYPE records of the canonical name,
 * and set the outcome from RCODE and the answer (NOERROR with records:
 * answer, NOERROR without: nodata). Returns NULL, or a static reason the
 * packet is malformed (RES is then left for the caller to fail).
 */
const char *dns_wire_parse_reply(md_arena *a, const uint8_t *pkt, size_t len,
                                 const dns_name *qname, uint16_t qtype,
                                 md_dns_result *res);

/* The first question of a packet (for the fuzzer and tests). */
const char *dns_wire_question(const uint8_t *pkt, size_t len, dns_name *qname, uint16_t *qtype);

/* Longest CNAME chain followed before giving up: unbound's default
 * max-query-restarts (11) plus one, so both backends end alike. */
enum { DNS_CNAME_HOPS_MAX = 12 };

#endif
