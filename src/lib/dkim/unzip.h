/*
 * unzip.h - the first entry of a gzip or zip file, decompressed, with
 * libarchive loaded on first use (core/lazylib.h says why).
 */
#ifndef MD_DKIM_UNZIP_H
#define MD_DKIM_UNZIP_H

#include <stddef.h>

/* P[0..N) decompressed, at most MAX bytes (md_malloc'd, *OUT_LEN bytes,
 * NUL-terminated); NULL when it is not an archive libarchive reads, is
 * empty, larger than MAX, or libarchive cannot be loaded. */
char *md_unzip_first(const char *p, size_t n, size_t max, size_t *out_len);

#endif
