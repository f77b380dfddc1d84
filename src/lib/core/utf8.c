/*
 * utf8.c - strict UTF-8 (RFC 3629): no overlongs, no surrogates, max U+10FFFF.
 */
#include "utf8.h"

#include "swar.h"

size_t md_utf8_seqlen(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (n >= 2 && (p[1] & 0xc0) == 0x80) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && p[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;
		if (c == 0xf4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

bool md_utf8_valid(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, k;

	while (i < n) {
		/* ASCII runs eight bytes at a time: most mail text is ASCII */
		while (n - i >= 8 && !md_swar_high(md_swar_load(u + i)))
			i += 8;
		if (i >= n)
			break;
		k = md_utf8_seqlen(u + i, n - i);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

md_status md_utf8_sanitize(md_buf *out, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, start = 0, k;

	while (i < n) {
		k = md_utf8_seqlen(u + i, n - i);
		if (k != 0) {
			i += k;
			continue;
		}
		md_buf_append(out, p + start, i - start);
		md_buf_append(out, "\xef\xbf\xbd", 3);
		i++;
		start = i;
	}
	return md_buf_append(out, p + start, i - start);
}
