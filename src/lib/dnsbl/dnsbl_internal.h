/*
 * dnsbl_internal.h - the parsed form of a DNSBL list file, shared by the
 * list-file reader (dnsbl_lists.c), the return-code rules (dnsbl_codes.c)
 * and the check (dnsbl_check.c).
 */
#ifndef MD_DNSBL_INTERNAL_H
#define MD_DNSBL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <maildiag/dnsbl.h>

#include "core/arena.h"

/* Limits of the list file (docs/dnsbl.md). None comes from an RFC: they
 * bound what a hostile or mistaken file can make us hold. */
#define MD_DNSBL_MAX_FILE (1024 * 1024) /* bytes in one list file */
#define MD_DNSBL_MAX_LINE 1024          /* bytes in one line */
#define MD_DNSBL_MAX_LISTS 256          /* entries in one file */
#define MD_DNSBL_MAX_CODES 64           /* code and bit lines per entry */
#define MD_DNSBL_MAX_TEXT 300           /* bytes of a meaning or URL */

/* One documented answer: an address range, or one bit of the last octet. */
struct dnsbl_code {
	bool is_bit;
	uint32_t lo, hi;     /* range, host byte order, inclusive */
	uint8_t bit;         /* is_bit: the bit value (1, 2, 4, ... 128) */
	md_dnsbl_class cls;
	const char *meaning; /* never NULL ("" when not given) */
};

struct dnsbl_list {
	const char *zone, *name, *delist, *info, *test;
	md_dnsbl_kind kind;
	bool ipv6, txt, selftest;
	unsigned weight;
	md_dnsbl_class dflt;  /* undocumented 127/8 answers */
	struct dnsbl_code *codes;
	size_t ncodes;
	unsigned line;        /* where the entry starts in the file */
};

struct md_dnsbl_lists {
	md_arena *arena;
	struct dnsbl_list *v;
	size_t n;
};

/*
 * Every documented meaning that applies to answer ADDR of list I: for a
 * bitmask answer one per set bit with a "bit" line, else the one meaning
 * md_dnsbl_interpret() gives. Writes at most MAX pointers into OUT and
 * returns how many were written.
 */
size_t dnsbl_meanings(const md_dnsbl_lists *l, size_t i, const uint8_t addr[4],
                      const char **out, size_t max);

/* The built-in list file (generated from data/dnsbl.conf at build time). */
extern const char md_dnsbl_default_conf[];

#endif
