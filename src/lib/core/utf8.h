/*
 * utf8.h - UTF-8 validation and repair for output.
 *
 * Mail headers and DNS TXT data are often not UTF-8. Output is: every
 * invalid sequence becomes U+FFFD so JSON stays valid and nothing is lost
 * silently (the replacement character shows where bytes were bad).
 */
#ifndef MD_CORE_UTF8_H
#define MD_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"

/* Length of the valid UTF-8 sequence at P (max N bytes), 0 if invalid. */
size_t md_utf8_seqlen(const unsigned char *p, size_t n);
bool md_utf8_valid(const char *p, size_t n);
/* Append P to OUT with invalid sequences replaced by U+FFFD. */
md_status md_utf8_sanitize(md_buf *out, const char *p, size_t n);

#endif
