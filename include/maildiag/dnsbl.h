/*
 * maildiag/dnsbl.h - DNS blocklists (DNSBL/RHSBL, RFC 5782): is an IP
 * address or a domain listed, on which lists, why, and how to get off.
 *
 * The lists come from a list file (data/dnsbl.conf is built in; users give
 * their own with md_dnsbl_lists_load()). Each entry names the zone, what it
 * lists (IP addresses or domains), how widely receivers use it (weight
 * 0..100), the meaning of each return code and the delisting page. The file
 * format is documented in docs/dnsbl.md and at the top of data/dnsbl.conf.
 *
 * Answers are read by RFC 5782 and each list's documentation, so that an
 * answer is never mistaken for a listing when it is not one:
 *   - an answer outside 127.0.0.0/8, or 127.0.0.1 without a documented
 *     meaning, is "unknown" (a resolver that rewrites NXDOMAIN, a dead list);
 *   - Spamhaus-style 127.255.255.x answers mean the list refused the
 *     resolver (public resolver, rate limit): a finding about the resolver;
 *   - a timeout or SERVFAIL is "could not check", never "not listed".
 */
#ifndef MAILDIAG_DNSBL_H
#define MAILDIAG_DNSBL_H

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

/* What a list lists. */
typedef enum md_dnsbl_kind {
	MD_DNSBL_KIND_IP = 0,    /* IP addresses: reversed octets/nibbles + zone */
	MD_DNSBL_KIND_DOMAIN = 1 /* domain names (RHSBL): name + zone */
} md_dnsbl_kind;

/*
 * What one answer (or one list's set of answers) means. Ordered so that
 * when a list returns several records the highest value is the result.
 */
typedef enum md_dnsbl_class {
	MD_DNSBL_NOT_LISTED = 0, /* NXDOMAIN / NODATA */
	MD_DNSBL_IGNORE = 1,     /* an answer the list documents as harmless */
	MD_DNSBL_UNKNOWN = 2,    /* outside 127/8, or 127.0.0.1 undocumented */
	MD_DNSBL_POLICY = 3,     /* listed for the kind of address (e.g. PBL) */
	MD_DNSBL_LISTED = 4,     /* listed for what it did */
	MD_DNSBL_LIST_ERROR = 5, /* the list says the query was malformed */
	MD_DNSBL_REFUSED = 6     /* the list refused or rate-limited the resolver */
} md_dnsbl_class;

/* "not_listed", "ignore", "unknown", "policy", "listed", "error", "refused" */
MD_API const char *md_dnsbl_class_name(md_dnsbl_class c);

typedef struct md_dnsbl_lists md_dnsbl_lists;

/*
 * Parse list-file TEXT (LEN bytes, need not be NUL-terminated). NAME is
 * used in error messages. On success *OUT holds the lists (free them with
 * md_dnsbl_lists_free()). On a syntax error returns MD_EPARSE and writes
 * "NAME:LINE: problem" into ERR (at most ERRLEN bytes); MD_ELIMIT when a
 * limit of docs/dnsbl.md is exceeded (same message form); MD_ENOMEM.
 */
MD_API md_status md_dnsbl_lists_parse(const char *text, size_t len, const char *name,
                                      md_dnsbl_lists **out, char *err, size_t errlen);
/* Read and parse the list file PATH. MD_EIO / MD_ENOTFOUND when it cannot
 * be read; otherwise as md_dnsbl_lists_parse(). */
MD_API md_status md_dnsbl_lists_load(const char *path, md_dnsbl_lists **out,
                                     char *err, size_t errlen);
/* The built-in lists (a copy of data/dnsbl.conf compiled in). */
MD_API md_status md_dnsbl_lists_default(md_dnsbl_lists **out);
/* The built-in list file's text (NUL-terminated, static). */
MD_API const char *md_dnsbl_default_text(void);
MD_API void md_dnsbl_lists_free(md_dnsbl_lists *l);

/* Read access to the entries, in file order. Strings belong to L. */
typedef struct md_dnsbl_list_info {
	const char *zone;   /* "zen.spamhaus.org" */
	const char *name;   /* "Spamhaus ZEN" (the zone when not given) */
	md_dnsbl_kind kind;
	bool ipv6;          /* IP list that answers IPv6 queries */
	unsigned weight;    /* 0..100: how widely receivers use it */
	const char *delist; /* delisting page, or NULL */
	const char *info;   /* documentation page, or NULL */
	size_t ncodes;      /* documented return codes (code and bit lines) */
} md_dnsbl_list_info;

MD_API size_t md_dnsbl_lists_count(const md_dnsbl_lists *l);
/* Fill *INFO for entry I. Returns false when I is out of range. */
MD_API bool md_dnsbl_list_get(const md_dnsbl_lists *l, size_t i, md_dnsbl_list_info *info);

/*
 * What answer ADDR (an A record, 4 bytes) from entry I's zone means, by
 * RFC 5782 and the entry's code table. *MEANING (when not NULL) is set to
 * the documented meaning or a sentence saying why it is not a listing;
 * it belongs to L or is static.
 */
MD_API md_dnsbl_class md_dnsbl_interpret(const md_dnsbl_lists *l, size_t i,
                                         const uint8_t addr[4], const char **meaning);

/*
 * Check TARGET (an IPv4/IPv6 address, or a domain name) against every
 * list of the matching kind in LISTS (NULL: the built-in lists). All
 * questions are put in flight at once; reasons (TXT) are fetched for
 * listings. Appends findings (dnsbl.listed, dnsbl.policy_listed,
 * dnsbl.resolver_refused, dnsbl.list_error, dnsbl.unknown_answer,
 * dnsbl.could_not_check, dnsbl.list_unreliable, dnsbl.list_unverified,
 * dnsbl.not_listed, dnsbl.not_public), a "dnsbl" table and JSON members
 * "target", "target_kind", "lists" (one object per list) and "summary".
 * Returns MD_OK even when listed (that is a finding); MD_EINVAL when
 * TARGET is neither an address nor a domain name; MD_ENOMEM.
 */
MD_API md_status md_check_dnsbl(md_resolver *res, const md_dnsbl_lists *lists,
                                const char *target, md_report *report);

#ifdef __cplusplus
}
#endif
#endif
