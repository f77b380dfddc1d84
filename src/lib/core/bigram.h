/*
 * bigram.h - which byte pairs a text holds, to skip substring searches
 * that cannot succeed.
 *
 * Classifying a bounce asks whether any of a thousand phrases occurs in a
 * diagnostic of a few hundred bytes; most phrases do not, and each miss
 * costs a memmem over the whole text. A phrase can only occur when every
 * pair of adjacent bytes in it occurs in the text, so one pass over the
 * text builds a 65,536-bit set (8 KiB: one bit per pair, no collisions)
 * and a phrase is searched only when its pairs are all there. Pairs are
 * case-folded (ASCII) on both sides, so the set serves case-insensitive
 * searches; a positive answer still needs the real search.
 */
#ifndef MD_CORE_BIGRAM_H
#define MD_CORE_BIGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ascii.h"

typedef struct md_bigrams {
	uint64_t w[65536 / 64];
} md_bigrams;

/* Pairs kept per needle by md_bigram_keys: the rarest few decide almost
 * every miss, and a miss is all the filter has to find. */
#define MD_BIGRAM_KEYS 6

static inline unsigned md_bigram_key(int a, int b)
{
	return ((unsigned)(unsigned char)md_tolower(a) << 8) | (unsigned char)md_tolower(b);
}

static inline bool md_bigrams_has(const md_bigrams *s, unsigned key)
{
	return (s->w[key >> 6] >> (key & 63)) & 1u;
}

/* Copy SRC[0..N) lowercased (ASCII) to DST and add its pairs to S: the
 * one pass a caller that needs both makes. */
void md_bigrams_add_lower(md_bigrams *s, char *dst, const char *src, size_t n);
/* Can NEEDLE[0..N) occur (case-insensitively) in the text(s) of S? */
bool md_bigrams_may_hold(const md_bigrams *s, const char *needle, size_t n);
/* Choose up to MAX pairs of NEEDLE[0..N), the least common in mail text
 * first, into KEYS; the count. Testing them with md_bigrams_has_all is
 * the cheap form of md_bigrams_may_hold for needles searched many times. */
size_t md_bigram_keys(const char *needle, size_t n, uint16_t *keys, size_t max);
bool md_bigrams_has_all(const md_bigrams *s, const uint16_t *keys, size_t n);

#endif
