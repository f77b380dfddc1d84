/*
 * tagvalue.h - the one RFC 6376 section 3.2 tag=value list parser.
 *
 * Serves DKIM-Signature, DKIM key records, DMARC records, TLS-RPT and
 * MTA-STS TXT records, ARC headers.
 *
 *   tag-list  = tag-spec *( ";" tag-spec ) [ ";" ]
 *   tag-spec  = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 *   tag-name  = ALPHA *ALNUMPUNC           ; ALNUMPUNC = ALPHA / DIGIT / "_"
 *   tag-value = [ tval *( 1*(WSP / FWS) tval ) ]
 *   tval      = 1*VALCHAR                  ; VALCHAR = %x21-3A / %x3C-7E
 *
 * Values are returned as slices of the input with surrounding whitespace
 * removed; inner folding whitespace is kept (DKIM b= and bh= values carry
 * it and the caller strips it).
 */
#ifndef MD_CORE_TAGVALUE_H
#define MD_CORE_TAGVALUE_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"

/* RFC 6376 does not bound the number of tags; we do, and report it. */
#define MD_TAGVALUE_MAX_TAGS 64

typedef struct md_tag {
	md_str name;
	md_str value;
	size_t offset; /* byte offset of the tag name in the input */
} md_tag;

typedef struct md_tag_list {
	md_tag tags[MD_TAGVALUE_MAX_TAGS];
	size_t count;
	/* first syntax problem, if any */
	bool error;
	size_t error_offset;
	const char *error_msg; /* static text */
	bool duplicate;        /* some tag name appears twice */
	md_str duplicate_name;
} md_tag_list;

enum {
	MD_TV_STRICT = 0,
	/* accept any byte except ';' in values (receivers are lenient with
	 * DMARC and TLS-RPT records; the caller still gets error_* set) */
	MD_TV_LENIENT = 1
};

/*
 * Parse P/N into L. Returns true when the list is syntactically valid.
 * On error L->error_* describe the first problem; in lenient mode the tags
 * that could be read are still in L.
 */
bool md_tagvalue_parse(const char *p, size_t n, int flags, md_tag_list *l);
/* The value of tag NAME (case-sensitive per RFC 6376), or NULL. */
const md_str *md_tagvalue_get(const md_tag_list *l, const char *name);

#endif
