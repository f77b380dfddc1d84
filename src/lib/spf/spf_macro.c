/*
 * spf_macro.c - SPF macros (RFC 7208 section 7): syntax check, expansion
 * with transformers and delimiters, and the domain-name clean-up of
 * section 7.3.
 *
 *   macro-string  = *( macro-expand / macro-literal )
 *   macro-expand  = ( "%{" macro-letter transformers *delimiter "}" )
 *                   / "%%" / "%_" / "%-"
 *   macro-literal = %x21-24 / %x26-7E
 *   macro-letter  = "s" / "l" / "o" / "d" / "i" / "p" / "h" /
 *                   "c" / "r" / "t" / "v"      ; c, r, t: exp text only
 *   transformers  = *DIGIT [ "r" ]             ; DIGIT value >= 1
 *   delimiter     = "." / "-" / "+" / "," / "/" / "_" / "="
 *   explain-string = *( macro-string / SP )    ; section 6.2
 *
 * An upper-case letter URL-escapes the value (section 7.3). A transformer
 * above SPF_MAX_TRANSFORMER keeps every part. Output is bounded by the
 * md_buf's maximum (MD_ELIMIT).
 */
#include "spf_internal.h"

#include <stdio.h>
#include <string.h>

#include "core/ascii.h"

static bool is_delim(char c)
{
	return c == '.' || c == '-' || c == '+' || c == ',' || c == '/' ||
	       c == '_' || c == '=';
}

static bool letter_ok(char c, bool exp)
{
	switch (md_tolower((unsigned char)c)) {
	case 's': case 'l': case 'o': case 'd': case 'i': case 'p': case 'h':
	case 'v':
		return true;
	case 'c': case 'r': case 't':
		return exp;
	default:
		return false;
	}
}

typedef struct macro_tok {
	char letter;
	unsigned keep;   /* 0: all parts */
	bool reverse;
	const char *delims;
	size_t ndelims;
	size_t len;      /* bytes of the whole %{...} */
} macro_tok;

/* Parse "%{...}" at S (S[0] == '%', S[1] == '{'). */
static bool parse_tok(const char *s, size_t n, bool exp, macro_tok *t,
                      size_t *err_off, const char **why)
{
	size_t i = 2, d;

	memset(t, 0, sizeof(*t));
	if (i >= n) {
		*err_off = 0;
		*why = "unterminated macro: \"}\" missing";
		return false;
	}
	if (!letter_ok(s[i], exp)) {
		*err_off = i;
		*why = letter_ok(s[i], true)
		               ? "macros c, r and t are allowed only in explanation text"
		               : "unknown macro letter (s l o d i p h v, and c r t in exp text)";
		return false;
	}
	t->letter = s[i++];
	d = i;
	while (i < n && md_isdigit((unsigned char)s[i])) {
		if (t->keep <= SPF_MAX_TRANSFORMER)
			t->keep = t->keep * 10 + (unsigned)(s[i] - '0');
		i++;
	}
	if (i > d && t->keep == 0) {
		*err_off = d;
		*why = "macro transformer 0: the number of parts must be at least 1";
		return false;
	}
	if (t->keep > SPF_MAX_TRANSFORMER)
		t->keep = 0;
	if (i < n && (s[i] == 'r' || s[i] == 'R')) {
		t->reverse = true;
		i++;
	}
	t->delims = s + i;
	while (i < n && is_delim(s[i]))
		i++;
	t->ndelims = (size_t)(s + i - t->delims);
	if (i >= n || s[i] != '}') {
		*err_off = i < n ? i : 0;
		*why = i < n ? "invalid character in macro: transformers are digits, \"r\" and delimiters .-+,/_="
		             : "unterminated macro: \"}\" missing";
		return false;
	}
	t->len = i + 1;
	return true;
}

bool spf_macro_check(const char *s, size_t n, bool exp, size_t *err_off,
                     const char **why)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			macro_tok t;

			if (i + 1 >= n) {
				*err_off = i;
				*why = "lone \"%\": write \"%%\" for a percent sign";
				return false;
			}
			if (s[i + 1] == '%' || s[i + 1] == '_' || s[i + 1] == '-') {
				i += 2;
				continue;
			}
			if (s[i + 1] != '{') {
				*err_off = i;
				*why = "\"%\" must be followed by {, %, _ or -";
				return false;
			}
			if (!parse_tok(s + i, n - i, exp, &t, err_off, why)) {
				*err_off += i;
				return false;
			}
			i += t.len;
			continue;
		}
		if (!(c >= 0x21 && c <= 0x7e) && !(exp && c == ' ')) {
			*err_off = i;
			*why = c >= 0x80 ? "non-ASCII byte" : "space or control character not allowed here";
			return false;
		}
		i++;
	}
	return true;
}

/* The value of a macro letter, into BUF when it must be built. */
static md_str letter_value(const spf_macro_ctx *c, char letter, char *buf, size_t len,
                           md_buf *tmp)
{
	const md_ip *ip = &c->ip;
	size_t o = 0;
	int i;

	switch (md_tolower((unsigned char)letter)) {
	case 's':
		md_buf_append(tmp, c->local.p, c->local.n);
		md_buf_putc(tmp, '@');
		md_buf_append(tmp, c->sender_dom.p, c->sender_dom.n);
		return (md_str){tmp->p ? tmp->p : "", tmp->n};
	case 'l':
		return c->local;
	case 'o':
		return c->sender_dom;
	case 'd':
		return md_str_c(c->domain ? c->domain : "");
	case 'i':
		if (ip->family == 4) {
			snprintf(buf, len, "%u.%u.%u.%u", ip->a[0], ip->a[1], ip->a[2], ip->a[3]);
			return md_str_c(buf);
		}
		/* RFC 7208 section 7.3: dot-separated nibbles (upper case as
		 * in the RFC's examples). */
		for (i = 0; i < 16 && o + 4 <= len; i++) {
			static const char hex[] = "0123456789ABCDEF";

			buf[o++] = hex[ip->a[i] >> 4];
			buf[o++] = '.';
			buf[o++] = hex[ip->a[i] & 0xf];
			buf[o++] = '.';
		}
		return (md_str){buf, o ? o - 1 : 0};
	case 'c':
		md_ip_str(ip, buf, len);
		return md_str_c(buf);
	case 'v':
		return md_str_c(ip->family == 4 ? "in-addr" : "ip6");
	case 'h':
		return md_str_c(c->helo ? c->helo : "unknown");
	case 'r':
		return md_str_c(c->receiver ? c->receiver : "unknown");
	case 't':
		snprintf(buf, len, "%lld", c->now);
		return md_str_c(buf);
	case 'p':
		return md_str_c(c->get_p ? c->get_p(c->ud) : "unknown");
	}
	return MD_STR_NULL;
}

static md_status put_part(md_buf *out, const char *p, size_t n, bool escape)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	if (!escape)
		return md_buf_append(out, p, n);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (md_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			md_buf_putc(out, (char)c);
		else {
			md_buf_putc(out, '%');
			md_buf_putc(out, hex[c >> 4]);
			md_buf_putc(out, hex[c & 0xf]);
		}
	}
	return out->err;
}

/* Split V on the delimiters, reverse, keep the right-most parts, join with
 * dots (section 7.3). */
static md_status transform(md_buf *out, md_str v, const macro_tok *t)
{
	enum { MAXPARTS = 256 };
	size_t starts[MAXPARTS], lens[MAXPARTS], np = 0, i, first, s = 0;
	const char *delims = t->ndelims ? t->delims : ".";
	size_t nd = t->ndelims ? t->ndelims : 1;
	bool escape = md_isupper((unsigned char)t->letter);

	if (t->keep == 0 && !t->reverse && t->ndelims == 0)
		return put_part(out, v.p, v.n, escape);
	for (i = 0; i <= v.n; i++) {
		if (i == v.n || memchr(delims, v.p[i], nd) != NULL) {
			if (np == MAXPARTS)
				return MD_ELIMIT;
			starts[np] = s;
			lens[np] = i - s;
			np++;
			s = i + 1;
		}
	}
	if (t->reverse) {
		for (i = 0; i < np / 2; i++) {
			size_t ts = starts[i], tl = lens[i];

			starts[i] = starts[np - 1 - i];
			lens[i] = lens[np - 1 - i];
			starts[np - 1 - i] = ts;
			lens[np - 1 - i] = tl;
		}
	}
	first = (t->keep > 0 && t->keep < np) ? np - t->keep : 0;
	for (i = first; i < np; i++) {
		if (i > first)
			md_buf_putc(out, '.');
		put_part(out, v.p + starts[i], lens[i], escape);
	}
	return out->err;
}

md_status spf_macro_expand(const spf_macro_ctx *c, const char *s, size_t n,
                           bool exp, md_buf *out, size_t *err_off,
                           const char **why)
{
	size_t i = 0, lit;

	if (!spf_macro_check(s, n, exp, err_off, why))
		return MD_EPARSE;
	while (i < n) {
		macro_tok t;
		char vbuf[128];
		md_buf tmp;
		md_str v;
		md_status st;

		lit = i;
		while (i < n && s[i] != '%')
			i++;
		if (i > lit && md_buf_append(out, s + lit, i - lit) != MD_OK)
			return out->err;
		if (i >= n)
			break;
		switch (s[i + 1]) {
		case '%':
			md_buf_putc(out, '%');
			i += 2;
			continue;
		case '_':
			md_buf_putc(out, ' ');
			i += 2;
			continue;
		case '-':
			md_buf_append(out, "%20", 3);
			i += 2;
			continue;
		default:
			break;
		}
		if (!parse_tok(s + i, n - i, exp, &t, err_off, why)) {
			*err_off += i;
			return MD_EPARSE;
		}
		md_buf_init(&tmp, SPF_MAX_EXPANSION);
		v = letter_value(c, t.letter, vbuf, sizeof(vbuf), &tmp);
		st = tmp.err != MD_OK ? tmp.err : transform(out, v, &t);
		md_buf_free(&tmp);
		if (st != MD_OK)
			return st;
		i += t.len;
	}
	return out->err;
}

static bool labels_ok(const char *p, size_t n, size_t *nlabels)
{
	size_t i, start = 0, count = 0;

	for (i = 0; i <= n; i++) {
		if (i == n || p[i] == '.') {
			if (i == start || i - start > SPF_MAX_LABEL)
				return false;
			count++;
			start = i + 1;
		}
	}
	if (nlabels)
		*nlabels = count;
	return true;
}

bool spf_domain_finish(md_buf *b)
{
	size_t cut = 0;

	if (b->err != MD_OK)
		return false;
	if (b->n > 0 && b->p[b->n - 1] == '.')
		b->p[--b->n] = '\0';
	while (b->n - cut > SPF_MAX_DOMAIN) {
		const char *dot = memchr(b->p + cut, '.', b->n - cut);

		if (dot == NULL)
			return false;
		cut = (size_t)(dot - b->p) + 1;
	}
	if (cut > 0) {
		memmove(b->p, b->p + cut, b->n - cut + 1);
		b->n -= cut;
	}
	return b->n > 0 && labels_ok(b->p, b->n, NULL);
}

bool spf_domain_valid(const char *name, size_t n)
{
	size_t labels;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > SPF_MAX_DOMAIN)
		return false;
	return labels_ok(name, n, &labels) && labels >= 2;
}
