/*
 * buf.h - growable byte buffer with a mandatory maximum, and a non-owning
 * slice.
 *
 * md_buf refuses to grow past its cap (MD_ELIMIT) so hostile input cannot
 * make it grow without bound. It is always NUL-terminated for convenience,
 * but its length is authoritative: mail and DNS data contain NULs.
 * md_str {p, n} points into someone else's bytes and is never freed.
 */
#ifndef MD_CORE_BUF_H
#define MD_CORE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <maildiag/status.h>
#include <maildiag/visibility.h>

typedef struct md_str {
	const char *p;
	size_t n;
} md_str;

#define MD_STR_NULL ((md_str){NULL, 0})
md_str md_str_c(const char *s);
bool md_str_eq(md_str a, md_str b);
bool md_str_ieq(md_str a, md_str b);
bool md_str_ieq_c(md_str a, const char *s);
bool md_str_istarts(md_str a, const char *prefix);
/* How common the byte C is in English mail text, roughly (only the order
 * matters: 0 for punctuation, up to 27 for space): searches anchor on a
 * needle's rarest byte. */
int md_byte_commonness(int c);
/* The first place in H[0..N) where NEEDLE[0..K) (lowercase) occurs,
 * ignoring ASCII case; NULL when it does not. */
const char *md_ifind(const char *h, size_t n, const char *needle, size_t k);
md_str md_str_trim(md_str s); /* strip SP, HTAB, CR, LF at both ends */

typedef struct md_buf {
	char *p;
	size_t n;   /* bytes used, not counting the terminating NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* refuse to hold more than this many bytes */
	md_status err; /* sticky: first failure */
} md_buf;

void md_buf_init(md_buf *b, size_t max);
void md_buf_free(md_buf *b);
void md_buf_reset(md_buf *b); /* length 0, keeps memory, clears error */
md_status md_buf_reserve(md_buf *b, size_t extra);
md_status md_buf_append(md_buf *b, const void *p, size_t n);
md_status md_buf_puts(md_buf *b, const char *s);
md_status md_buf_putc(md_buf *b, char c);
md_status md_buf_printf(md_buf *b, const char *fmt, ...) MD_PRINTF(2, 3);
md_status md_buf_vprintf(md_buf *b, const char *fmt, va_list ap);
/* Hand the bytes to the caller (md_free them) and reset the buffer. */
char *md_buf_steal(md_buf *b);

#endif
