/*
 * dnsbl_codes.c - what a DNSBL's A-record answer means.
 *
 * The rules, in the order they are applied to one answer ADDR of list L:
 *
 *  1. ADDR outside 127.0.0.0/8: unknown. RFC 5782 section 2.1 says list
 *     entries are A records in 127.0.0.0/8 so they cannot be mistaken for
 *     real addresses; anything else is a resolver that rewrites NXDOMAIN
 *     (an ISP's "search" page), a dead list's parked domain, a wildcard.
 *  2. A "code" line of L covering ADDR: its class and meaning.
 *  3. ADDR = 127.0.0.1: unknown. RFC 5782 section 5 forbids listing
 *     127.0.0.1, and lists that use it (URIBL) use it for "refused"; without
 *     a code line saying so it is not a listing.
 *  4. "bit" lines of L (bitmask lists, RFC 5782 section 2.3): every set bit
 *     of the last octet with a bit line contributes its class; the answer's
 *     class is the highest of them. Set bits without a line: L's default.
 *  5. ADDR in 127.255.255.0/24: refused. Spamhaus answers 127.255.255.252
 *     (typing error), .254 (public/open resolver) and .255 (excessive
 *     queries); other operators copied the convention. None is a listing.
 *  6. Otherwise L's "default" class (listed unless the file says else).
 */
#include <stddef.h>

#include "dnsbl_internal.h"

const char *md_dnsbl_class_name(md_dnsbl_class c)
{
	switch (c) {
	case MD_DNSBL_NOT_LISTED: return "not_listed";
	case MD_DNSBL_IGNORE: return "ignore";
	case MD_DNSBL_UNKNOWN: return "unknown";
	case MD_DNSBL_POLICY: return "policy";
	case MD_DNSBL_LISTED: return "listed";
	case MD_DNSBL_LIST_ERROR: return "error";
	case MD_DNSBL_REFUSED: return "refused";
	}
	return "unknown";
}

md_dnsbl_class md_dnsbl_interpret(const md_dnsbl_lists *lists, size_t i, const uint8_t addr[4],
                                  const char **meaning)
{
	static const char *const m_outside =
		"answer outside 127.0.0.0/8: not a blocklist answer (a resolver that rewrites "
		"NXDOMAIN, or a list that no longer works)";
	static const char *const m_loopback =
		"127.0.0.1: RFC 5782 forbids listing it; lists use it to say a query was refused";
	static const char *const m_errrange =
		"127.255.255.x: the list's error range (query refused, rate-limited, or malformed)";
	static const char *const m_default = "return code not documented in the list file (read as the list's default class)";
	const struct dnsbl_list *e;
	uint32_t a;
	size_t k;
	const char *dummy;

	if (meaning == NULL)
		meaning = &dummy;
	*meaning = "";
	if (lists == NULL || i >= lists->n)
		return MD_DNSBL_UNKNOWN;
	e = &lists->v[i];
	a = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 | (uint32_t)addr[2] << 8 | addr[3];
	if (addr[0] != 127) {
		*meaning = m_outside;
		return MD_DNSBL_UNKNOWN;
	}
	for (k = 0; k < e->ncodes; k++)
		if (!e->codes[k].is_bit && a >= e->codes[k].lo && a <= e->codes[k].hi) {
			*meaning = e->codes[k].meaning[0] ? e->codes[k].meaning
			                                  : md_dnsbl_class_name(e->codes[k].cls);
			return e->codes[k].cls;
		}
	if (a == 0x7f000001) {
		*meaning = m_loopback;
		return MD_DNSBL_UNKNOWN;
	}
	{
		md_dnsbl_class best = MD_DNSBL_NOT_LISTED;
		const char *best_m = NULL;
		bool any_bits = false;
		unsigned rest = addr[3];

		for (k = 0; k < e->ncodes; k++) {
			if (!e->codes[k].is_bit)
				continue;
			any_bits = true;
			if ((addr[3] & e->codes[k].bit) == 0)
				continue;
			rest &= ~(unsigned)e->codes[k].bit;
			if (best_m == NULL || e->codes[k].cls > best) {
				best = e->codes[k].cls;
				best_m = e->codes[k].meaning[0] ? e->codes[k].meaning
				                                : md_dnsbl_class_name(e->codes[k].cls);
			}
		}
		if (any_bits && !(addr[1] == 255 && addr[2] == 255)) {
			if (rest != 0 && (best_m == NULL || e->dflt > best)) {
				best = e->dflt;
				best_m = m_default;
			}
			if (best_m != NULL) {
				*meaning = best_m;
				return best;
			}
		}
	}
	if (addr[1] == 255 && addr[2] == 255) {
		*meaning = m_errrange;
		return MD_DNSBL_REFUSED;
	}
	*meaning = m_default;
	return e->dflt;
}

size_t dnsbl_meanings(const md_dnsbl_lists *lists, size_t i, const uint8_t addr[4],
                      const char **out, size_t max)
{
	const struct dnsbl_list *e;
	const char *m;
	size_t k, n = 0;
	md_dnsbl_class c;

	if (max == 0)
		return 0;
	c = md_dnsbl_interpret(lists, i, addr, &m);
	e = lists != NULL && i < lists->n ? &lists->v[i] : NULL;
	/* a bitmask answer: decoded by rule 4 (see the top of this file) */
	if (e != NULL && addr[0] == 127 && !(addr[1] == 255 && addr[2] == 255) &&
	    (c == MD_DNSBL_LISTED || c == MD_DNSBL_POLICY || c == MD_DNSBL_IGNORE)) {
		uint32_t a = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
		             (uint32_t)addr[2] << 8 | addr[3];
		bool coded = false;

		for (k = 0; k < e->ncodes; k++)
			if (!e->codes[k].is_bit && a >= e->codes[k].lo && a <= e->codes[k].hi)
				coded = true;
		for (k = 0; !coded && k < e->ncodes && n < max; k++)
			if (e->codes[k].is_bit && (addr[3] & e->codes[k].bit) != 0)
				out[n++] = e->codes[k].meaning[0] ? e->codes[k].meaning
				                                  : md_dnsbl_class_name(e->codes[k].cls);
		if (n > 0)
			return n;
	}
	out[0] = m;
	return 1;
}
