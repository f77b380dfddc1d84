/*
 * spf_internal.h - the SPF module's private parts: the parsed record, the
 * macro expander and the limits of RFC 7208, shared by the parser, the
 * evaluator (check_host) and the linter.
 */
#ifndef MD_SPF_INTERNAL_H
#define MD_SPF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <maildiag/spf.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/ip.h"

/* --- limits, each named once with its source --- */

/* RFC 7208 section 4.6.4: terms that cause DNS queries (include, a, mx,
 * ptr, exists, redirect) per check_host() evaluation. */
#define SPF_MAX_DNS_TERMS 10
/* RFC 7208 section 4.6.4: lookups answering NXDOMAIN or no records. */
#define SPF_MAX_VOID_LOOKUPS 2
/* RFC 7208 section 4.6.4: MX names per mx mechanism (more: permerror). */
#define SPF_MAX_MX_NAMES 10
/* RFC 7208 section 4.6.4: PTR names per ptr / %{p} (more: ignored). */
#define SPF_MAX_PTR_NAMES 10
/* RFC 7208 section 7.3: an expanded domain name is cut to 253 octets. */
#define SPF_MAX_DOMAIN 253
/* RFC 1035 section 2.3.4 via RFC 7208 section 4.3: label length. */
#define SPF_MAX_LABEL 63
/* Recursion through include/redirect. The 10-term limit bounds it already
 * (each level costs one term); this guards callers who raise the limit. */
#define SPF_MAX_DEPTH 32
/* RFC 7208 section 7.3: "at least 128" right-hand parts must be handled;
 * bigger transformer values mean "all parts". */
#define SPF_MAX_TRANSFORMER 128
/* Bytes of one macro expansion (an exp= text, a domain before the 253 cut):
 * an explanation is a single line; this cap only stops abuse. */
#define SPF_MAX_EXPANSION 4096
/* A record's text: a TXT RR holds at most 65535 bytes of rdata. */
#define SPF_MAX_RECORD 65535
/* RFC 1035 section 3.3: one character-string is at most 255 bytes. */
#define SPF_MAX_TXT_STRING 255
/* RFC 1035 section 4.2.1: a UDP answer without EDNS is at most 512 bytes. */
#define SPF_MAX_UDP 512

/* --- the parsed record (RFC 7208 section 4.6 / section 12 ABNF) --- */

typedef enum spf_kind {
	SPF_T_ALL = 1,
	SPF_T_INCLUDE,
	SPF_T_A,
	SPF_T_MX,
	SPF_T_PTR,
	SPF_T_IP4,
	SPF_T_IP6,
	SPF_T_EXISTS,
	SPF_T_REDIRECT,
	SPF_T_EXP,
	SPF_T_UNKNOWN /* unknown modifier: name=macro-string, ignored */
} spf_kind;

typedef struct spf_term {
	spf_kind kind;
	char qual;        /* '+', '-', '~' or '?' for mechanisms */
	bool qual_given;  /* the qualifier was written */
	size_t off, len;  /* the term's bytes in the record text */
	md_str spec;      /* domain-spec / macro-string; p == NULL when absent */
	md_str name;      /* the mechanism or modifier name as written */
	md_ip net;        /* ip4 / ip6 network */
	int cidr4, cidr6; /* prefix lengths, -1 when not written */
} spf_term;

/* Style notes the parser sees and the linter reports (receivers differ). */
enum {
	SPF_STYLE_UPPER = 1,       /* a name or the version in upper case */
	SPF_STYLE_MULTISPACE = 2,  /* two or more spaces between terms */
	SPF_STYLE_TRAILSPACE = 4,  /* space after the last term */
	SPF_STYLE_REDIR_ALL = 8,   /* redirect= next to all: redirect ignored */
	SPF_STYLE_REDIR_NOTLAST = 16 /* a mechanism after redirect= */
};

typedef struct spf_record {
	const char *text; /* the record (owned by the caller or an arena) */
	size_t len;
	spf_term *terms;
	size_t nterms;
	int redirect;     /* index of redirect=, or -1 */
	int exp;          /* index of exp=, or -1 */
	int all;          /* index of the first all, or -1 */
	unsigned style;   /* SPF_STYLE_* bits */
	/* syntax error: bad is set, err_off is the byte offset in text */
	bool bad;
	size_t err_off;
	const char *err;  /* static English text */
} spf_record;

/* True when TEXT starts with the version "v=spf1" followed by a space or
 * the end (RFC 7208 section 4.5; ABNF strings are case-insensitive). */
bool spf_is_v1(const char *text, size_t len);

/*
 * Parse TEXT (LEN bytes; any bytes) into REC. Terms live in arena A and
 * point into TEXT, which must outlive REC. A syntax error is data
 * (rec->bad, err_off, err), not a failure: returns MD_OK then too.
 * Returns MD_ENOMEM.
 */
md_status spf_parse(md_arena *a, const char *text, size_t len, spf_record *rec);

/* toplabel of the ABNF: letters, digits and inner hyphens, not all digits. */
bool spf_toplabel_ok(const char *p, size_t n);

/* "include", "a", ..., "redirect", "exp", or the written name. */
const char *spf_kind_name(spf_kind k);
/* True for the terms that count against SPF_MAX_DNS_TERMS. */
bool spf_kind_counts(spf_kind k);

/* --- macros (RFC 7208 section 7) --- */

typedef struct spf_macro_ctx {
	md_str local;       /* %{l}: local-part of the sender */
	md_str sender_dom;  /* %{o}: domain of the sender */
	const char *domain; /* %{d}: the current domain */
	md_ip ip;           /* %{i} %{c} %{v}: the client (IPv4 when mapped) */
	const char *helo;   /* %{h} */
	const char *receiver; /* %{r} */
	long long now;      /* %{t} */
	/* %{p}: the validated domain name of the client, asked for lazily;
	 * returns a string that lives as long as the evaluation. */
	const char *(*get_p)(void *ud);
	void *ud;
} spf_macro_ctx;

/*
 * Check that S (N bytes) is a macro-string (RFC 7208 section 7.1). EXP
 * allows the letters c, r and t (explanation text only). On error returns
 * false with the offset of the bad byte in *ERR_OFF and a reason in *WHY.
 */
bool spf_macro_check(const char *s, size_t n, bool exp, size_t *err_off,
                     const char **why);

/*
 * Expand macro-string S into OUT (appended). Returns MD_OK, MD_EPARSE on a
 * syntax error (*ERR_OFF and *WHY set), MD_ELIMIT when OUT's maximum is
 * reached, MD_ENOMEM.
 */
md_status spf_macro_expand(const spf_macro_ctx *c, const char *s, size_t n,
                           bool exp, md_buf *out, size_t *err_off,
                           const char **why);

/*
 * Make an expanded domain-spec a name to look up (RFC 7208 section 7.3):
 * drop one trailing dot, cut labels from the left while it is longer than
 * 253 bytes. Returns false when the result is not a usable domain name
 * (empty or over-long label), which the caller treats as "no such name".
 */
bool spf_domain_finish(md_buf *b);

/* True when NAME is a domain RFC 7208 section 4.3 lets check_host() ask
 * about: at least two labels, each 1..63 bytes (one trailing dot is
 * allowed). */
bool spf_domain_valid(const char *name, size_t n);

#endif
