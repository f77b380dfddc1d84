/*
 * mime_internal.h - the MIME reader's structures and the decoding helpers
 * other library modules (bounce, dkim) may use directly.
 */
#ifndef MD_MIME_INTERNAL_H
#define MD_MIME_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <maildiag/mime.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/swar.h"

struct md_fields {
	md_header *v;
	size_t n, cap;
	const char *raw;
	size_t raw_len;
};

struct md_mime_part {
	md_message *msg;
	md_mime_part *parent;
	size_t depth;
	md_fields headers;
	const char *type;     /* lowercase type/subtype */
	const char *encoding; /* lowercase */
	/* Content-Type parameters: names lowercase, values unquoted */
	const char **pnames, **pvalues;
	size_t nparams;
	const char *raw_body;
	size_t raw_body_len;
	md_mime_part **children;
	size_t nchildren;
	bool is_message;
	md_fields *blocks;
	size_t nblocks;
	/* caches */
	const char *decoded;
	size_t decoded_len;
	const char *text;
	size_t text_len;
};

struct md_defect {
	const char *id;
	const char *detail;
};

struct md_iconv_cache;

struct md_message {
	md_arena *arena;
	md_mime_limits lim;
	const char *raw;
	size_t raw_len;
	md_mime_part *root;
	size_t nparts;
	struct md_defect *defects;
	size_t ndefects, defects_cap;
	struct md_iconv_cache *iconv;
	bool iconv_shared; /* iconv is the caller's md_charsets */
};

/*
 * Lines with any line end: LF, CRLF or bare CR. Sets *LEN to the length
 * without the line end and *EOL to the line end's length (0 at the end of
 * the input without one). Returns the offset of the next line.
 */
static inline size_t md_line_next(const char *p, size_t n, size_t off,
                                  size_t *len, size_t *eol)
{
	size_t i = off;

	/* eight bytes at a time while none is CR or LF (the "has a zero
	 * byte" test on the word XORed with each; exact, no false hits):
	 * every reader of the message walks its lines */
	while (i + 8 <= n) {
		uint64_t w = md_swar_load(p + i);

		if (md_swar_eq(w, '\n') | md_swar_eq(w, '\r'))
			break;
		i += 8;
	}
	while (i < n && p[i] != '\n' && p[i] != '\r')
		i++;
	*len = i - off;
	if (i >= n) {
		*eol = 0;
		return n;
	}
	if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') {
		*eol = 2;
		return i + 2;
	}
	*eol = 1;
	return i + 1;
}

/*
 * md_source_next, except that a regular file found in a directory is not
 * opened: *DEFERRED is set and ITEM names it (FILE; DATA NULL, STATUS
 * MD_OK). A source of its own, given the path by md_source_add_regular,
 * then yields the items md_source_next would have: so several threads can
 * read the files of one source.
 */
bool md_source_next_deferred(md_source *s, md_source_item *it, bool *deferred);
/* The options S was made with (for a source of the same limits). */
md_source_opts md_source_get_opts(const md_source *s);
/* md_source_add for a path known to be a regular file (no fstat). */
md_status md_source_add_regular(md_source *s, const char *path);
/* Forget every queued input (the read buffer is kept for the next). */
void md_source_reset(md_source *s);

/* Transfer decoding into OUT (appends). Lenient: junk is skipped. */
md_status md_base64_decode(md_buf *out, const char *p, size_t n);
md_status md_qp_decode(md_buf *out, const char *p, size_t n);

/*
 * Convert N bytes in CHARSET (may be NULL: UTF-8 if valid, else
 * ISO-8859-1) to UTF-8, appending to OUT. Unconvertible bytes become
 * U+FFFD. CACHE may be NULL (then iconv descriptors are opened and closed
 * per call).
 */
md_status md_charset_to_utf8(struct md_iconv_cache **cache, md_buf *out,
                             const char *charset, const char *p, size_t n);
/* Would md_charset_to_utf8 give P[0..N) back unchanged (UTF-8 or ASCII
 * text labelled as such, or unlabelled)? The common case, decided
 * without a copy. */
bool md_charset_keeps(const char *charset, const char *p, size_t n);
void md_iconv_cache_free(struct md_iconv_cache *c);
/* RFC 2047: decode encoded words in P into OUT (UTF-8). */
md_status md_decode_words(struct md_iconv_cache **cache, md_buf *out,
                          const char *p, size_t n);

/* Record a defect in M (allocation failure is ignored: defects are advisory). */
void md_message_add_defect(md_message *m, const char *id, const char *fmt, ...)
	MD_PRINTF(3, 4);

/* mbox splitting (input.c): the next message of an mbox held in memory
 * starting at *OFF. *OUT is md_malloc'd (the From_ line removed, ">From"
 * lines unquoted per mboxrd). Returns 1 with a message, 0 at the end,
 * -1 when out of memory. */
int md_mbox_next(const char *data, size_t len, size_t *off, char **out,
                 size_t *outlen);

#endif
