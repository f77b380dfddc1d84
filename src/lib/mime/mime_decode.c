/*
 * mime_decode.c - undo transfer encodings and convert charsets to UTF-8:
 * base64 and quoted-printable (RFC 2045 section 6), RFC 2047 encoded words,
 * and iconv for everything that is not ASCII, UTF-8 or Latin-1.
 *
 * Grammar (RFC 2047 section 2):
 *     encoded-word = "=?" charset ["*" language] "?" encoding "?" encoded-text "?="
 *     encoding     = "B" / "Q"
 * Limits: an encoded word is at most 75 characters (RFC 2047 section 2);
 * we accept longer ones (real mail has them) up to MD_ENCWORD_MAX bytes.
 * Decoders are lenient the way receivers are: base64 skips characters
 * outside its alphabet, quoted-printable keeps a '=' that starts no valid
 * escape. Bytes a charset cannot map become U+FFFD, never dropped.
 */
#include "mime_internal.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/utf8.h"

/* Encoded words longer than this are left as they are. */
#define MD_ENCWORD_MAX 4096
/* iconv descriptors kept open per message. */
#define MD_ICONV_CACHE_SLOTS 16

static const char utf8_replacement[] = "\xef\xbf\xbd";

/* --- base64 --- */

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62; /* '-' and '_': the URL-safe alphabet, seen in the wild */
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

md_status md_base64_decode(md_buf *out, const char *p, size_t n)
{
	unsigned acc = 0;
	int bits = 0;
	size_t i;
	md_status st = md_buf_reserve(out, n / 4 * 3 + 3);

	if (st != MD_OK)
		return st;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		int v;

		if (c == '=') {
			/* padding: a new group may follow (concatenated base64) */
			acc = 0;
			bits = 0;
			continue;
		}
		v = b64val(c);
		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->p[out->n++] = (char)((acc >> bits) & 0xff);
		}
	}
	out->p[out->n] = '\0';
	return MD_OK;
}

/* --- quoted-printable --- */

md_status md_qp_decode(md_buf *out, const char *p, size_t n)
{
	size_t i = 0;
	md_status st = md_buf_reserve(out, n);

	if (st != MD_OK)
		return st;
	while (i < n) {
		char c = p[i];

		if (c != '=') {
			out->p[out->n++] = c;
			i++;
			continue;
		}
		/* soft line break: '=' then optional trailing space and a line end */
		{
			size_t j = i + 1;

			while (j < n && md_iswsp(p[j]))
				j++;
			if (j >= n) {
				i = n;
				continue;
			}
			if (p[j] == '\r' || p[j] == '\n') {
				if (p[j] == '\r' && j + 1 < n && p[j + 1] == '\n')
					j++;
				i = j + 1;
				continue;
			}
		}
		if (i + 2 < n && md_isxdigit(p[i + 1]) && md_isxdigit(p[i + 2])) {
			out->p[out->n++] = (char)(md_hexval(p[i + 1]) * 16 + md_hexval(p[i + 2]));
			i += 3;
			continue;
		}
		out->p[out->n++] = '=';
		i++;
	}
	out->p[out->n] = '\0';
	return MD_OK;
}

/* --- charsets --- */

/* Charset labels mail uses that iconv does not know, or knows a smaller
 * variant of: the right-hand side is what we ask iconv for. */
static const struct {
	const char *label;
	const char *iconv;
} charset_aliases[] = {
	{"shift_jis", "CP932"},     /* Windows superset: carriers use its extensions */
	{"shift-jis", "CP932"},
	{"x-sjis", "CP932"},
	{"sjis", "CP932"},
	{"windows-31j", "CP932"},
	{"cp932", "CP932"},
	{"iso-2022-jp", "ISO-2022-JP-3"}, /* accepts the JIS X 0213 additions too */
	{"csiso2022jp", "ISO-2022-JP-3"},
	{"euc-jp", "EUC-JP-MS"},
	{"ks_c_5601-1987", "CP949"},
	{"euc-kr", "CP949"},
	{"gb2312", "GB18030"},
	{"gbk", "GB18030"},
	{"x-gbk", "GB18030"},
	{"big5", "BIG5-HKSCS"},
	{"iso-8859-8-i", "ISO-8859-8"},
	{"windows-874", "CP874"},
	{"tis-620", "CP874"},
};

enum cs_kind { CS_AUTO, CS_UTF8, CS_ASCII, CS_LATIN1, CS_ICONV };

static enum cs_kind charset_kind(const char *cs, const char **iconv_name)
{
	size_t i;
	md_str s;

	*iconv_name = NULL;
	if (cs == NULL || cs[0] == '\0')
		return CS_AUTO;
	s = md_str_c(cs);
	if (md_str_ieq_c(s, "utf-8") || md_str_ieq_c(s, "utf8"))
		return CS_UTF8;
	if (md_str_ieq_c(s, "us-ascii") || md_str_ieq_c(s, "ascii") ||
	    md_str_ieq_c(s, "ansi_x3.4-1968") || md_str_ieq_c(s, "unknown-8bit") ||
	    md_str_ieq_c(s, "x-unknown") || md_str_ieq_c(s, "default") ||
	    md_str_ieq_c(s, "us_ascii"))
		return CS_AUTO; /* declared ASCII but 8-bit bytes occur: guess */
	if (md_str_ieq_c(s, "iso-8859-1") || md_str_ieq_c(s, "latin1") ||
	    md_str_ieq_c(s, "iso8859-1") || md_str_ieq_c(s, "iso_8859-1"))
		return CS_LATIN1;
	for (i = 0; i < sizeof(charset_aliases) / sizeof(charset_aliases[0]); i++)
		if (md_str_ieq_c(s, charset_aliases[i].label)) {
			*iconv_name = charset_aliases[i].iconv;
			return CS_ICONV;
		}
	*iconv_name = cs;
	return CS_ICONV;
}

struct md_iconv_cache {
	struct {
		char *name;
		iconv_t cd; /* (iconv_t)-1 when iconv does not know the charset */
	} slot[MD_ICONV_CACHE_SLOTS];
	size_t n, next;
};

md_charsets *md_charsets_new(void)
{
	return md_calloc(1, sizeof(struct md_iconv_cache));
}

void md_charsets_free(md_charsets *c)
{
	md_iconv_cache_free(c);
}

void md_iconv_cache_free(struct md_iconv_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		if (c->slot[i].cd != (iconv_t)-1)
			iconv_close(c->slot[i].cd);
		md_free(c->slot[i].name);
	}
	md_free(c);
}

/* An open descriptor for NAME -> UTF-8, or (iconv_t)-1. *OWNED tells the
 * caller to close it (no cache). */
static iconv_t iconv_get(struct md_iconv_cache **cachep, const char *name,
                         bool *owned)
{
	struct md_iconv_cache *c;
	iconv_t cd;
	size_t i;

	*owned = false;
	if (cachep == NULL) {
		*owned = true;
		return iconv_open("UTF-8", name);
	}
	if (*cachep == NULL) {
		*cachep = md_calloc(1, sizeof(**cachep));
		if (*cachep == NULL) {
			*owned = true;
			return iconv_open("UTF-8", name);
		}
	}
	c = *cachep;
	for (i = 0; i < c->n; i++)
		if (md_str_ieq_c(md_str_c(c->slot[i].name), name))
			return c->slot[i].cd;
	cd = iconv_open("UTF-8", name);
	{
		char *copy = md_strdup(name);

		if (copy == NULL) {
			*owned = true;
			return cd;
		}
		if (c->n < MD_ICONV_CACHE_SLOTS)
			i = c->n++;
		else {
			i = c->next;
			c->next = (c->next + 1) % MD_ICONV_CACHE_SLOTS;
			if (c->slot[i].cd != (iconv_t)-1)
				iconv_close(c->slot[i].cd);
			md_free(c->slot[i].name);
		}
		c->slot[i].name = copy;
		c->slot[i].cd = cd;
	}
	return cd;
}

static md_status latin1_to_utf8(md_buf *out, const char *p, size_t n)
{
	size_t i;
	md_status st = md_buf_reserve(out, n * 2);

	if (st != MD_OK)
		return st;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x80)
			out->p[out->n++] = (char)c;
		else {
			out->p[out->n++] = (char)(0xc0 | (c >> 6));
			out->p[out->n++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out->p[out->n] = '\0';
	return MD_OK;
}

static md_status iconv_convert(iconv_t cd, md_buf *out, const char *p, size_t n)
{
	char *in = (char *)(uintptr_t)p;
	size_t inleft = n;
	md_status st;

	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		size_t room, r;
		char *o;

		st = md_buf_reserve(out, inleft * 3 + 16);
		if (st != MD_OK)
			return st;
		room = out->cap - out->n - 1;
		o = out->p + out->n;
		r = iconv(cd, &in, &inleft, &o, &room);
		out->n = (size_t)(o - out->p);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		/* EILSEQ or EINVAL (truncated sequence): mark it and go on */
		st = md_buf_append(out, utf8_replacement, 3);
		if (st != MD_OK)
			return st;
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	/* return to the initial shift state (ISO-2022-JP escapes) */
	{
		size_t room;
		char *o;

		st = md_buf_reserve(out, 16);
		if (st != MD_OK)
			return st;
		room = out->cap - out->n - 1;
		o = out->p + out->n;
		iconv(cd, NULL, NULL, &o, &room);
		out->n = (size_t)(o - out->p);
	}
	out->p[out->n] = '\0';
	return MD_OK;
}

bool md_charset_keeps(const char *charset, const char *p, size_t n)
{
	const char *name;
	size_t i;

	switch (charset_kind(charset, &name)) {
	case CS_ASCII:
	case CS_UTF8:
	case CS_AUTO:
		return md_utf8_valid(p, n);
	case CS_LATIN1:
		for (i = 0; i < n; i++)
			if ((unsigned char)p[i] >= 0x80)
				return false;
		return true;
	case CS_ICONV:
		break;
	}
	/* ASCII bytes can still change: ISO-2022-JP's escapes, UTF-7, UTF-16 */
	return false;
}

md_status md_charset_to_utf8(struct md_iconv_cache **cache, md_buf *out,
                             const char *charset, const char *p, size_t n)
{
	const char *name;
	enum cs_kind k = charset_kind(charset, &name);
	bool owned;
	iconv_t cd;
	md_status st;

	switch (k) {
	case CS_ASCII:
	case CS_UTF8:
		return md_utf8_sanitize(out, p, n);
	case CS_AUTO:
		if (md_utf8_valid(p, n))
			return md_buf_append(out, p, n);
		return latin1_to_utf8(out, p, n);
	case CS_LATIN1:
		return latin1_to_utf8(out, p, n);
	case CS_ICONV:
		break;
	}
	cd = iconv_get(cache, name, &owned);
	if (cd == (iconv_t)-1) {
		/* unknown charset: keep the bytes if they are UTF-8 already */
		if (md_utf8_valid(p, n))
			return md_buf_append(out, p, n);
		return md_utf8_sanitize(out, p, n);
	}
	st = iconv_convert(cd, out, p, n);
	if (owned)
		iconv_close(cd);
	return st;
}

/* --- RFC 2047 encoded words --- */

/*
 * Try to read an encoded word at P (N bytes, P[0..1] == "=?"). On success
 * returns its length and sets the charset, encoding and text slices.
 */
static size_t encoded_word(const char *p, size_t n, md_str *cs, char *enc,
                           md_str *text)
{
	size_t i = 2, q1, q2;

	while (i < n && p[i] != '?' && md_isprint(p[i]) && p[i] != ' ')
		i++;
	if (i >= n || p[i] != '?' || i == 2)
		return 0;
	q1 = i;
	if (q1 + 3 >= n || p[q1 + 2] != '?')
		return 0;
	*enc = (char)md_toupper(p[q1 + 1]);
	if (*enc != 'B' && *enc != 'Q')
		return 0;
	i = q1 + 3;
	while (i + 1 < n && !(p[i] == '?' && p[i + 1] == '=')) {
		if (p[i] == '\r' || p[i] == '\n' || i - q1 > MD_ENCWORD_MAX)
			return 0;
		i++;
	}
	if (i + 1 >= n)
		return 0;
	q2 = i;
	cs->p = p + 2;
	cs->n = q1 - 2;
	/* RFC 2231 section 5: charset*language */
	{
		const char *star = memchr(cs->p, '*', cs->n);

		if (star != NULL)
			cs->n = (size_t)(star - cs->p);
	}
	text->p = p + q1 + 3;
	text->n = q2 - (q1 + 3);
	return q2 + 2;
}

static md_status decode_word_text(md_buf *tmp, char enc, md_str text)
{
	size_t i;

	if (enc == 'B')
		return md_base64_decode(tmp, text.p, text.n);
	for (i = 0; i < text.n; i++) {
		char c = text.p[i];

		if (c == '_')
			c = ' ';
		else if (c == '=' && i + 2 < text.n && md_isxdigit(text.p[i + 1]) &&
		         md_isxdigit(text.p[i + 2])) {
			c = (char)(md_hexval(text.p[i + 1]) * 16 + md_hexval(text.p[i + 2]));
			i += 2;
		}
		if (md_buf_putc(tmp, c) != MD_OK)
			return tmp->err;
	}
	return MD_OK;
}

md_status md_decode_words(struct md_iconv_cache **cache, md_buf *out,
                          const char *p, size_t n)
{
	size_t i = 0, lit = 0;
	bool prev_word = false; /* last thing emitted was an encoded word */
	md_buf tmp;
	md_status st = MD_OK;

	if (memchr(p, '=', n) == NULL)
		return md_utf8_sanitize(out, p, n);
	md_buf_init(&tmp, MD_ENCWORD_MAX * 2);
	while (i < n) {
		md_str cs, text;
		char enc;
		size_t wl;

		if (p[i] != '=' || i + 1 >= n || p[i + 1] != '?') {
			if (prev_word && !md_iswsp(p[i]) && p[i] != '\r' && p[i] != '\n')
				prev_word = false;
			i++;
			continue;
		}
		wl = encoded_word(p + i, n - i, &cs, &enc, &text);
		if (wl == 0) {
			prev_word = false;
			i++;
			continue;
		}
		/* literal text before the word; whitespace between two encoded
		 * words is dropped (RFC 2047 section 6.2) */
		if (!prev_word) {
			st = md_utf8_sanitize(out, p + lit, i - lit);
			if (st != MD_OK)
				break;
		}
		md_buf_reset(&tmp);
		st = decode_word_text(&tmp, enc, text);
		if (st == MD_OK) {
			char csname[64];
			size_t cn = cs.n < sizeof(csname) - 1 ? cs.n : sizeof(csname) - 1;

			memcpy(csname, cs.p, cn);
			csname[cn] = '\0';
			st = md_charset_to_utf8(cache, out, csname, tmp.p ? tmp.p : "", tmp.n);
		}
		if (st != MD_OK)
			break;
		i += wl;
		lit = i;
		prev_word = true;
	}
	if (st == MD_OK && lit < n)
		st = md_utf8_sanitize(out, p + lit, n - lit);
	md_buf_free(&tmp);
	return st;
}
