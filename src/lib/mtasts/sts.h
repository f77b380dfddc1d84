/*
 * sts.h - parsers of MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) texts:
 * the _mta-sts and _smtp._tls TXT records, the policy file, and MX
 * pattern matching. Library-internal; untrusted input, fuzzed.
 *
 * TXT records (RFC 8461 3.1, RFC 8460 3) are read with the one tag=value
 * parser (core/tagvalue.h); extension names may also hold "-" and ".",
 * which RFC 6376 tag names cannot, so a field the tag parser refuses is
 * accepted when it matches the extension grammar:
 *   sts-ext-name  = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 *   sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)
 *
 * Policy file (RFC 8461 3.2):
 *   sts-policy-record = sts-policy-field *WSP
 *                       *(sts-policy-term sts-policy-field *WSP) [sts-policy-term]
 *   sts-policy-term   = LF / CRLF
 *   sts-policy-field  = name ":" *WSP value
 *   version: STSv1   mode: testing|enforce|none   max_age: 1*10DIGIT
 *   mx: ["*."] Domain            (repeatable)
 * Names and fixed values are case-sensitive (%s); unknown fields are
 * ignored (3.2); a known field other than mx given twice is an error.
 */
#ifndef MD_MTASTS_STS_H
#define MD_MTASTS_STS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* RFC 8461 3.1: id = 1*32(ALPHA / DIGIT) */
#define MD_STS_ID_MAX 32
/* RFC 8461 3.2: max_age is at most 31557600 seconds (about one year). */
#define MD_STS_MAX_AGE_MAX 31557600u
/* RFC 8461 does not bound mx lines; we keep this many and report more. */
#define MD_STS_MAX_MX 64
/* Policy body we read (RFC 8461 3.3 lets senders bound the fetch; real
 * policies are under 1 KiB). */
#define MD_STS_POLICY_MAX_BYTES (64 * 1024)
/* Fields kept from a TXT record. */
#define MD_STS_MAX_FIELDS 32

typedef struct md_sts_field {
	md_str name, value;
} md_sts_field;

typedef struct md_sts_record {
	bool valid;
	const char *error;        /* static text, NULL when valid */
	md_str id;                /* STS: the id value */
	md_str rua;               /* TLS-RPT: the rua value */
	size_t nfields;
	md_sts_field fields[MD_STS_MAX_FIELDS];
	size_t nextensions;       /* fields other than v and id / rua */
} md_sts_record;

/* RFC 8461 3.1 _mta-sts record. True when valid. */
bool md_sts_record_parse(const char *p, size_t n, md_sts_record *out);
/* RFC 8460 3 _smtp._tls record. True when valid. */
bool md_tlsrpt_record_parse(const char *p, size_t n, md_sts_record *out);
/* True when P/N begins with "v=STSv1" (or "v=TLSRPTv1") followed by ';',
 * white space or the end: the records RFC 8461 3.1 / RFC 8460 3 keep. */
bool md_sts_is_sts(const char *p, size_t n);
bool md_sts_is_tlsrpt(const char *p, size_t n);

/* Each rua URI: "mailto:" with an address or "https:" (RFC 8460 3). On
 * failure *BAD is the offending URI. */
bool md_tlsrpt_rua_valid(md_str rua, md_str *bad, const char **why);

typedef enum md_sts_mode {
	MD_STS_MODE_UNSET = 0,
	MD_STS_MODE_ENFORCE,
	MD_STS_MODE_TESTING,
	MD_STS_MODE_NONE
} md_sts_mode;

typedef struct md_sts_policy {
	bool valid;
	const char *error;        /* static text */
	size_t error_line;        /* 1-based line of the error, 0 when none */
	bool has_version;
	md_sts_mode mode;
	bool has_max_age;
	uint32_t max_age;
	size_t nmx;
	md_str mx[MD_STS_MAX_MX];
	size_t nunknown;          /* ignored extension fields */
	bool lf_only;             /* some line ended in LF without CR */
	bool blank_lines;         /* empty lines (tolerated, not in the grammar) */
} md_sts_policy;

/* Parse a policy body. True when valid. Slices point into P. */
bool md_sts_policy_parse(const char *p, size_t n, md_sts_policy *out);

/*
 * RFC 8461 4.1: does MX host HOST (any case, trailing dot allowed) match
 * PATTERN ("mail.example.com" or "*.example.com": the wildcard stands for
 * exactly one leftmost label)?
 */
bool md_sts_mx_match(md_str pattern, const char *host);

const char *md_sts_mode_name(md_sts_mode m);

#endif
