/*
 * dmarc_internal.h - DMARC record parsing (RFC 7489 section 6.3-6.4, RFC
 * 9989 section 4.7) and organisational domains, inside the library.
 */
#ifndef MD_DMARC_INTERNAL_H
#define MD_DMARC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <maildiag/dmarc.h>
#include <maildiag/report.h>

#include "core/buf.h"
#include "core/tagvalue.h"

/* Report URIs we look at per tag (RFC 7489 section 6.2 sets no limit;
 * receivers send to two at most in practice). */
#define DMARC_MAX_URIS 8
/* Problems remembered per record. */
#define DMARC_MAX_PROBLEMS 32
/* RFC 9989 section 4.10: a tree walk asks at most 8 names. */
#define DMARC_WALK_MAX 8
/* Longest DMARC record text we accept. */
#define DMARC_MAX_RECORD 4096

typedef struct dmarc_uri {
	md_str text; /* as written (trimmed) */
	bool mailto;
	bool valid;
	md_str domain;   /* the domain of a mailto: address */
	bool size_limit; /* "!10m" suffix (obsolete in RFC 9989) */
} dmarc_uri;

typedef struct dmarc_problem {
	const char *id; /* "dmarc.invalid_tag_value" */
	md_severity sev;
	const char *text; /* static description */
	md_str tag;       /* the tag concerned, or empty */
	size_t offset;    /* byte offset in the record */
} dmarc_problem;

typedef struct dmarc_record {
	md_str text;
	md_tag_list tags;
	bool is_dmarc;     /* first tag is v=DMARC1 (case-sensitive) */
	bool v_wrong_case; /* v=dmarc1 and the like: not a DMARC record */
	bool has_p, p_valid;
	md_dmarc_policy p;
	bool has_sp, sp_valid;
	md_dmarc_policy sp;
	bool has_np, np_valid;
	md_dmarc_policy np;
	char psd; /* 'y', 'n' or 'u' (absent) */
	bool has_t, t_testing;
	bool adkim_strict, aspf_strict;
	bool has_pct;
	int pct;
	bool has_rf, has_ri, has_fo;
	md_str fo;
	dmarc_uri rua[DMARC_MAX_URIS], ruf[DMARC_MAX_URIS];
	size_t nrua, nruf;
	bool p_not_second;
	dmarc_problem problems[DMARC_MAX_PROBLEMS];
	size_t nproblems;
} dmarc_record;

/* Parse record P/N. Never fails: problems are listed in REC. */
void dmarc_record_parse(dmarc_record *rec, const char *p, size_t n);

/*
 * Is REC a usable policy record under READING? RFC 7489 section 6.6.3
 * step 6: an invalid or absent p= makes the record unusable unless a valid
 * rua= is present (then p=none); RFC 9989 section 4.7: an absent p= means
 * none, an invalid one makes the record unusable.
 */
bool dmarc_record_usable(const dmarc_record *rec, md_dmarc_reading reading);
/* The effective p= (after the rules above). */
md_dmarc_policy dmarc_record_p(const dmarc_record *rec);

/* Organisational domain by the public suffix list (lower case, into OUT). */
md_status dmarc_org_psl(const char *domain, char *out, size_t len);
/* The names an RFC 9989 tree walk asks for DOMAIN, longest first (without
 * the "_dmarc." prefix). Returns the count (<= DMARC_WALK_MAX). */
size_t dmarc_walk_names(const char *domain, char names[][256], size_t max);
/* Lower-case DOMAIN into OUT and drop one trailing dot; false when it is
 * not a plausible domain name. */
bool dmarc_norm_domain(const char *domain, char *out, size_t len);

#endif
