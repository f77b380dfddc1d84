/*
 * num.c - strict decimal parsing.
 */
#include "num.h"

#include <string.h>

#include "ascii.h"

bool md_parse_uint(const char *p, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (!md_isdigit(p[i]))
			return false;
		d = (unsigned)(p[i] - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool md_parse_uint_c(const char *s, uint64_t max, uint64_t *out)
{
	return md_parse_uint(s, strlen(s), max, out);
}
