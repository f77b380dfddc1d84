/*
 * swar.h - eight bytes at a time in a 64-bit word ("SIMD within a
 * register"): the tests that let a scanning loop skip, a word at a time,
 * the bytes that cannot matter to it (no line end, no quote, no byte
 * above 0x7f). Each test answers "does any byte of W ...?" exactly; the
 * bit it sets may be a later byte than the first hit, so a caller that
 * gets a hit steps through the word byte by byte.
 */
#ifndef MD_CORE_SWAR_H
#define MD_CORE_SWAR_H

#include <stdint.h>
#include <string.h>

#define MD_SWAR_ONES UINT64_C(0x0101010101010101)
#define MD_SWAR_HIGHS UINT64_C(0x8080808080808080)

static inline uint64_t md_swar_load(const void *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* Is some byte of W zero? */
static inline uint64_t md_swar_zero(uint64_t w)
{
	return (w - MD_SWAR_ONES) & ~w & MD_SWAR_HIGHS;
}

/* Is some byte of W equal to C? */
static inline uint64_t md_swar_eq(uint64_t w, unsigned char c)
{
	return md_swar_zero(w ^ (MD_SWAR_ONES * c));
}

/* Is some byte of W below N (N at most 0x80)? */
static inline uint64_t md_swar_below(uint64_t w, unsigned char n)
{
	return (w - MD_SWAR_ONES * n) & ~w & MD_SWAR_HIGHS;
}

/* Is some byte of W above 0x7f? */
static inline uint64_t md_swar_high(uint64_t w)
{
	return w & MD_SWAR_HIGHS;
}

#endif
