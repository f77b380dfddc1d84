/*
 * buf.c - bounded growable buffer and string slices.
 */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "ascii.h"

md_str md_str_c(const char *s)
{
	return (md_str){s, s ? strlen(s) : 0};
}

bool md_str_eq(md_str a, md_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool md_str_ieq(md_str a, md_str b)
{
	size_t i;

	if (a.n != b.n)
		return false;
	for (i = 0; i < a.n; i++)
		if (md_tolower(a.p[i]) != md_tolower(b.p[i]))
			return false;
	return true;
}

bool md_str_ieq_c(md_str a, const char *s)
{
	return md_str_ieq(a, md_str_c(s));
}

bool md_str_istarts(md_str a, const char *prefix)
{
	size_t i;

	/* no strlen: most calls test a list of prefixes, and fail at once */
	for (i = 0; prefix[i] != '\0'; i++)
		if (i >= a.n || md_tolower(a.p[i]) != md_tolower(prefix[i]))
			return false;
	return true;
}

/* How common each byte is in English mail text, roughly: letter
 * frequency ranks (either case), space the most common, digits above
 * punctuation, which is 0. */
static const unsigned char commonness[256] = {
	[' '] = 27, ['e'] = 26, ['t'] = 25, ['a'] = 24, ['o'] = 23, ['i'] = 22, ['n'] = 21,
	['s'] = 20, ['r'] = 19, ['h'] = 18, ['l'] = 17, ['d'] = 16, ['c'] = 15, ['u'] = 14,
	['m'] = 13, ['f'] = 12, ['p'] = 11, ['g'] = 10, ['w'] = 9,  ['y'] = 8,  ['b'] = 7,
	['v'] = 6,  ['k'] = 5,  ['x'] = 4,  ['j'] = 3,  ['q'] = 2,  ['z'] = 2,
	['E'] = 26, ['T'] = 25, ['A'] = 24, ['O'] = 23, ['I'] = 22, ['N'] = 21,
	['S'] = 20, ['R'] = 19, ['H'] = 18, ['L'] = 17, ['D'] = 16, ['C'] = 15, ['U'] = 14,
	['M'] = 13, ['F'] = 12, ['P'] = 11, ['G'] = 10, ['W'] = 9,  ['Y'] = 8,  ['B'] = 7,
	['V'] = 6,  ['K'] = 5,  ['X'] = 4,  ['J'] = 3,  ['Q'] = 2,  ['Z'] = 2,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
	['7'] = 1, ['8'] = 1, ['9'] = 1,
};

int md_byte_commonness(int c)
{
	return commonness[(unsigned char)c];
}

/* Does NEEDLE[0..K) (lowercase) match at S, ignoring ASCII case? */
static bool imatch(const char *s, const char *needle, size_t k)
{
	size_t j;

	for (j = 0; j < k; j++)
		if (md_tolower(s[j]) != needle[j])
			return false;
	return true;
}

const char *md_ifind(const char *h, size_t n, const char *needle, size_t k)
{
	const char *lo, *up, *end;
	unsigned char c0, c1;
	size_t a = 0, j;
	int best = 256;

	if (k == 0)
		return h;
	if (k > n)
		return NULL;
	/* look for the needle's rarest byte first (a punctuation mark or a
	 * rare letter): far fewer candidates than its first letter, found by
	 * memchr a vector at a time */
	for (j = 0; j < k; j++) {
		int c = commonness[(unsigned char)needle[j]];

		if (c < best) {
			best = c;
			a = j;
		}
	}
	c0 = (unsigned char)needle[a];
	c1 = (unsigned char)md_toupper(c0);
	end = h + (n - k + a) + 1; /* past the last place the anchor can be */
	lo = memchr(h + a, c0, (size_t)(end - (h + a)));
	up = c1 != c0 ? memchr(h + a, c1, (size_t)(end - (h + a))) : NULL;
	while (lo != NULL || up != NULL) {
		/* the earlier of the two cases' next occurrences */
		const char *q = up == NULL || (lo != NULL && lo < up) ? lo : up;

		if (imatch(q - a, needle, k))
			return q - a;
		if (q == lo)
			lo = q + 1 < end ? memchr(q + 1, c0, (size_t)(end - (q + 1))) : NULL;
		else
			up = q + 1 < end ? memchr(q + 1, c1, (size_t)(end - (q + 1))) : NULL;
	}
	return NULL;
}

md_str md_str_trim(md_str s)
{
	while (s.n > 0 && md_isspace(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && md_isspace(s.p[s.n - 1]))
		s.n--;
	return s;
}

void md_buf_init(md_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void md_buf_free(md_buf *b)
{
	md_free(b->p);
	memset(b, 0, sizeof(*b));
}

void md_buf_reset(md_buf *b)
{
	b->n = 0;
	b->err = MD_OK;
	if (b->p != NULL)
		b->p[0] = '\0';
}

md_status md_buf_reserve(md_buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (b->err != MD_OK)
		return b->err;
	if (extra > b->max || b->n > b->max - extra)
		return b->err = MD_ELIMIT;
	want = b->n + extra + 1;
	if (want <= b->cap)
		return MD_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > (size_t)-1 / 2 ? want : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = md_realloc(b->p, cap);
	if (p == NULL)
		return b->err = MD_ENOMEM;
	b->p = p;
	b->cap = cap;
	return MD_OK;
}

md_status md_buf_append(md_buf *b, const void *p, size_t n)
{
	md_status st = md_buf_reserve(b, n);

	if (st != MD_OK)
		return st;
	if (n > 0)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
	return MD_OK;
}

md_status md_buf_puts(md_buf *b, const char *s)
{
	return md_buf_append(b, s, strlen(s));
}

md_status md_buf_putc(md_buf *b, char c)
{
	return md_buf_append(b, &c, 1);
}

md_status md_buf_vprintf(md_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	md_status st;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return b->err = MD_EINVAL;
	st = md_buf_reserve(b, (size_t)n);
	if (st != MD_OK)
		return st;
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	b->n += (size_t)n;
	return MD_OK;
}

md_status md_buf_printf(md_buf *b, const char *fmt, ...)
{
	va_list ap;
	md_status st;

	va_start(ap, fmt);
	st = md_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return st;
}

char *md_buf_steal(md_buf *b)
{
	char *p = b->p;

	if (p == NULL)
		p = md_strdup("");
	b->p = NULL;
	b->n = b->cap = 0;
	b->err = MD_OK;
	return p;
}
