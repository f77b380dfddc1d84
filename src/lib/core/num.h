/*
 * num.h - strict decimal number parsing (atoi and sscanf are banned: they
 * accept garbage and overflow silently).
 */
#ifndef MD_CORE_NUM_H
#define MD_CORE_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse exactly N bytes of decimal digits into *OUT (no sign, no space).
 * False on empty input, a non-digit or a value above MAX. */
bool md_parse_uint(const char *p, size_t n, uint64_t max, uint64_t *out);
/* NUL-terminated convenience form. */
bool md_parse_uint_c(const char *s, uint64_t max, uint64_t *out);

#endif
