/*
 * zonefile.c - RFC 1035 master-file reader for the fixture backend.
 *
 * Grammar (RFC 1035 section 5.1, RFC 2308 section 4, RFC 3597 section 5):
 *     file      = *(entry)
 *     entry     = "$ORIGIN" SP name / "$TTL" SP ttl
 *               / "$INCLUDE" SP path [SP name] / rr / blank
 *     rr        = [owner] ([ttl] [class] / [class] [ttl]) type rdata
 *     owner     = name / "@"     ; absent (line starts with a blank):
 *                                ; the previous owner
 *     rdata     = per type, or "\#" SP length *(SP hex)     (RFC 3597)
 *     word      = 1*(char / "\" DIGIT DIGIT DIGIT / "\" char)
 *     string    = word / DQUOTE *(char / escape) DQUOTE
 * ';' starts a comment to the end of the line; '(' ... ')' continue an
 * entry across lines. Names not ending in '.' are relative to $ORIGIN
 * (the root at the start, or the ORIGIN argument). A TTL is decimal
 * seconds or BIND units (1w2d3h4m5s); with no TTL a record takes $TTL,
 * else the last TTL stated (RFC 1035 section 5.1), else 3600.
 * Only class IN. Record types with a presentation form read here: A AAAA
 * NS CNAME DNAME PTR MX SOA TXT SPF SRV TLSA CAA DS DNSKEY HINFO SSHFP RRSIG
 * NSEC NSEC3 NSEC3PARAM;
 * any type (also TYPEnnn) in RFC 3597 form.
 * Comment lines ";! servfail NAME [TYPE]", ";! timeout NAME [TYPE]" and
 * ";! error NAME [TYPE]" make fixture faults (NSD skips them as comments);
 * NAME is read like an owner.
 * Errors: "FILE:LINE: problem" for the first problem; nothing is undone.
 * Limits: ZONE_FILE_MAX bytes per file, ZONE_INCLUDE_DEPTH_MAX nested
 * $INCLUDEs, ZONE_TOKENS_MAX words per entry, 255 octets per
 * character-string and 65535 per rdata (RFC 1035 section 3.3).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"
#include "core/ip.h"
#include "core/num.h"
#include "dns/fixture.h"

enum {
	ZONE_FILE_MAX = 64 * 1024 * 1024,
	ZONE_INCLUDE_DEPTH_MAX = 8,
	ZONE_TOKENS_MAX = 70000,
	ZONE_DIR_FILES_MAX = 10000,
	RDATA_MAX = 65535,
	STRING_MAX = 255,
	DEFAULT_TTL = 3600
};
/* RFC 2181 section 8: a TTL is at most 2^31 - 1. */
#define TTL_MAX 2147483647UL

typedef struct tok {
	const char *p;
	size_t n;
	bool quoted;
	unsigned long line;
} tok;

typedef struct zp {
	md_resolver *r;
	const char *fname;
	const char *path;   /* file path for $INCLUDE; NULL for text */
	const char *p;
	size_t n, pos;
	unsigned long line;
	dns_name origin;
	dns_name owner;
	bool have_owner;
	uint32_t ttl_default, last_ttl;
	bool have_ttl_default, have_last_ttl;
	int depth;
	char *err;
	size_t errlen;
	tok *toks;
	size_t ntok, captok;
	md_status st;
} zp;

static md_status zerr(zp *z, unsigned long line, const char *fmt, ...) MD_PRINTF(3, 4);

static md_status zerr(zp *z, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (z->err != NULL && z->errlen > 0)
		snprintf(z->err, z->errlen, "%s:%lu: %s", z->fname, line, msg);
	if (z->st == MD_OK)
		z->st = MD_EPARSE;
	return z->st;
}

/* A token as printable text for messages (escapes kept). */
static const char *show(const tok *t, char *buf, size_t len)
{
	size_t n = t->n < len - 1 ? t->n : len - 1;

	for (size_t i = 0; i < n; i++)
		buf[i] = md_isprint((unsigned char)t->p[i]) ? t->p[i] : '?';
	buf[n] = '\0';
	return buf;
}

/* ---- tokens ------------------------------------------------------------- */

static md_status push_tok(zp *z, const char *p, size_t n, bool quoted)
{
	if (z->ntok == z->captok) {
		size_t cap = z->captok ? z->captok * 2 : 64;
		tok *t;

		if (z->ntok >= ZONE_TOKENS_MAX)
			return zerr(z, z->line, "entry has more than %d words", ZONE_TOKENS_MAX);
		t = md_realloc(z->toks, cap * sizeof(*t));
		if (t == NULL) {
			z->st = MD_ENOMEM;
			return zerr(z, z->line, "out of memory");
		}
		z->toks = t;
		z->captok = cap;
	}
	z->toks[z->ntok++] = (tok){p, n, quoted, z->line};
	return MD_OK;
}

static bool word_end(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '(' || c == ')' ||
	       c == '"';
}

static md_status directive_fault(zp *z, const char *p, size_t n);
static md_status need(zp *z, const tok *t, size_t nt, size_t want, bool exact, const char *tname,
                      unsigned long line);
static uint16_t tok_type(const tok *t);

/*
 * Read the next entry's words into z->toks. Returns 1 with an entry, 0 at
 * the end of the input, -1 on error. *BLANK says the entry's line starts
 * with a blank (owner omitted).
 */
static int read_entry(zp *z, bool *blank, unsigned long *line0)
{
	int paren = 0;
	unsigned long pline = 0;

	z->ntok = 0;
	while (z->pos < z->n) {
		*blank = z->p[z->pos] == ' ' || z->p[z->pos] == '\t';
		*line0 = z->line;
		for (;;) {
			char c;

			if (z->pos >= z->n) {
				if (paren > 0)
					return zerr(z, pline, "'(' is never closed"), -1;
				break;
			}
			c = z->p[z->pos];
			if (c == ' ' || c == '\t' || c == '\r') {
				z->pos++;
			} else if (c == '\n') {
				z->pos++;
				z->line++;
				if (paren == 0)
					break;
			} else if (c == ';') {
				size_t s = z->pos;

				while (z->pos < z->n && z->p[z->pos] != '\n')
					z->pos++;
				if (z->ntok == 0 && paren == 0 && s + 1 < z->n && z->p[s + 1] == '!' &&
				    directive_fault(z, z->p + s + 2, z->pos - s - 2) != MD_OK)
					return -1;
			} else if (c == '(') {
				if (paren > 0)
					return zerr(z, z->line, "nested '('"), -1;
				paren++;
				pline = z->line;
				z->pos++;
			} else if (c == ')') {
				if (paren == 0)
					return zerr(z, z->line, "')' without '('"), -1;
				paren--;
				z->pos++;
			} else if (c == '"') {
				size_t s = ++z->pos;

				for (;;) {
					if (z->pos >= z->n || z->p[z->pos] == '\n')
						return zerr(z, z->line, "unterminated quoted string"), -1;
					if (z->p[z->pos] == '"')
						break;
					if (z->p[z->pos] == '\\') {
						if (z->pos + 1 >= z->n || z->p[z->pos + 1] == '\n')
							return zerr(z, z->line, "unterminated quoted string"), -1;
						z->pos++;
					}
					z->pos++;
				}
				if (push_tok(z, z->p + s, z->pos - s, true) != MD_OK)
					return -1;
				z->pos++;
			} else {
				size_t s = z->pos;

				while (z->pos < z->n && !word_end(z->p[z->pos])) {
					if (z->p[z->pos] == '\\') {
						if (z->pos + 1 >= z->n || z->p[z->pos + 1] == '\n')
							return zerr(z, z->line, "'\\' at the end of a line"), -1;
						z->pos++;
					}
					z->pos++;
				}
				if (push_tok(z, z->p + s, z->pos - s, false) != MD_OK)
					return -1;
			}
		}
		if (z->ntok > 0)
			return 1;
	}
	return 0;
}

/* ---- fields ------------------------------------------------------------- */

static bool tok_is(const tok *t, const char *s)
{
	return !t->quoted && md_str_ieq((md_str){t->p, t->n}, md_str_c(s));
}

static md_status parse_name(zp *z, const tok *t, dns_name *out)
{
	const char *why;
	dns_name tmp; /* OUT may be z->origin itself */
	char b[80];

	if (t->quoted)
		return zerr(z, t->line, "\"%s\": a domain name cannot be quoted", show(t, b, sizeof(b)));
	if (t->n == 1 && t->p[0] == '@') {
		*out = z->origin;
		return MD_OK;
	}
	why = dns_name_parse(t->p, t->n, &z->origin, &tmp);
	if (why != NULL)
		return zerr(z, t->line, "%s: bad domain name: %s", show(t, b, sizeof(b)), why);
	*out = tmp;
	return MD_OK;
}

static md_status parse_uint(zp *z, const tok *t, uint64_t max, const char *what, uint64_t *out)
{
	char b[80];

	if (t->quoted || !md_parse_uint(t->p, t->n, max, out))
		return zerr(z, t->line, "%s: bad %s (a number up to %llu)", show(t, b, sizeof(b)), what,
		            (unsigned long long)max);
	return MD_OK;
}

/* Decimal seconds or BIND units (1w2d3h4m5s). False when not a TTL. */
static bool ttl_value(const tok *t, uint64_t *out)
{
	uint64_t total = 0, v = 0;
	bool digits = false, unit = false;

	if (t->quoted || t->n == 0 || !md_isdigit(t->p[0]))
		return false;
	for (size_t i = 0; i < t->n; i++) {
		int c = md_tolower((unsigned char)t->p[i]);
		uint64_t mul;

		if (md_isdigit(c)) {
			v = v * 10 + (uint64_t)(c - '0');
			if (v > 0xffffffffULL * 10)
				return false;
			digits = true;
			continue;
		}
		mul = c == 's' ? 1 : c == 'm' ? 60 : c == 'h' ? 3600 : c == 'd' ? 86400 : c == 'w' ? 604800 : 0;
		if (mul == 0 || !digits)
			return false;
		total += v * mul;
		if (total > 0xffffffffULL * 10)
			return false;
		v = 0;
		digits = false;
		unit = true;
	}
	if (digits)
		total += v;
	if (!unit && !digits)
		return false;
	*out = total;
	return true;
}

static md_status parse_ttl(zp *z, const tok *t, uint32_t *out)
{
	uint64_t v;
	char b[80];

	if (!ttl_value(t, &v))
		return zerr(z, t->line, "%s: bad TTL", show(t, b, sizeof(b)));
	if (v > TTL_MAX)
		return zerr(z, t->line, "%s: TTL above 2147483647 (RFC 2181 section 8)",
		            show(t, b, sizeof(b)));
	*out = (uint32_t)v;
	return MD_OK;
}

/* Undo \DDD and \X escapes of a word or quoted string into OUT (at most
 * MAX bytes). Returns the length, or -1 (too long or bad escape). */
static long unescape(const tok *t, uint8_t *out, size_t max, const char **why)
{
	size_t o = 0;

	for (size_t i = 0; i < t->n;) {
		uint8_t c;

		if (t->p[i] == '\\') {
			if (i + 1 >= t->n) {
				*why = "'\\' at the end";
				return -1;
			}
			if (md_isdigit(t->p[i + 1])) {
				unsigned v;

				if (i + 3 >= t->n || !md_isdigit(t->p[i + 2]) || !md_isdigit(t->p[i + 3])) {
					*why = "bad \\DDD escape";
					return -1;
				}
				v = (unsigned)(t->p[i + 1] - '0') * 100 + (unsigned)(t->p[i + 2] - '0') * 10 +
				    (unsigned)(t->p[i + 3] - '0');
				if (v > 255) {
					*why = "\\DDD escape above 255";
					return -1;
				}
				c = (uint8_t)v;
				i += 4;
			} else {
				c = (uint8_t)t->p[i + 1];
				i += 2;
			}
		} else {
			c = (uint8_t)t->p[i++];
		}
		if (o == max) {
			*why = "longer than 255 octets (RFC 1035 section 3.3)";
			return -1;
		}
		out[o++] = c;
	}
	return (long)o;
}

static md_status put_charstring(zp *z, md_buf *rd, const tok *t)
{
	uint8_t s[STRING_MAX];
	const char *why = "";
	long n = unescape(t, s, sizeof(s), &why);
	char b[80];
	uint8_t len;

	if (n < 0)
		return zerr(z, t->line, "%s: bad character-string: %s", show(t, b, sizeof(b)), why);
	len = (uint8_t)n;
	md_buf_append(rd, &len, 1);
	md_buf_append(rd, s, (size_t)n);
	return MD_OK;
}

static md_status put_hex(zp *z, md_buf *rd, const tok *t, size_t nt)
{
	int hi = -1;
	char b[80];

	for (size_t k = 0; k < nt; k++) {
		if (t[k].quoted)
			return zerr(z, t[k].line, "\"%s\": hex cannot be quoted", show(&t[k], b, sizeof(b)));
		for (size_t i = 0; i < t[k].n; i++) {
			int v = md_hexval((unsigned char)t[k].p[i]);

			if (v < 0)
				return zerr(z, t[k].line, "%s: bad hex", show(&t[k], b, sizeof(b)));
			if (hi < 0) {
				hi = v;
			} else {
				uint8_t c = (uint8_t)(hi << 4 | v);

				md_buf_append(rd, &c, 1);
				hi = -1;
			}
		}
	}
	if (hi >= 0)
		return zerr(z, t[0].line, "odd number of hex digits");
	return MD_OK;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static md_status put_base64(zp *z, md_buf *rd, const tok *t, size_t nt)
{
	uint32_t acc = 0;
	int bits = 0, pad = 0;
	size_t count = 0;
	char b[80];

	for (size_t k = 0; k < nt; k++) {
		for (size_t i = 0; i < t[k].n; i++) {
			int c = (unsigned char)t[k].p[i], v;

			if (c == '=') {
				pad++;
				count++;
				continue;
			}
			v = b64val(c);
			if (v < 0 || pad > 0 || t[k].quoted)
				return zerr(z, t[k].line, "%s: bad base64", show(&t[k], b, sizeof(b)));
			acc = acc << 6 | (uint32_t)v;
			bits += 6;
			count++;
			if (bits >= 8) {
				uint8_t c8 = (uint8_t)(acc >> (bits - 8));

				bits -= 8;
				md_buf_append(rd, &c8, 1);
			}
		}
	}
	if (count % 4 != 0 || pad > 2)
		return zerr(z, t[0].line, "bad base64 length");
	return MD_OK;
}

static void put_u8(md_buf *rd, uint64_t v)
{
	uint8_t c = (uint8_t)v;

	md_buf_append(rd, &c, 1);
}

static void put_u16(md_buf *rd, uint64_t v)
{
	uint8_t c[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	md_buf_append(rd, c, 2);
}

static void put_u32(md_buf *rd, uint64_t v)
{
	uint8_t c[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	md_buf_append(rd, c, 4);
}

/* ---- DNSSEC presentation forms (RFC 4034 sections 3.2, 4.2; RFC 5155) -- */

/* Days from 1970-01-01 to Y-M-D (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* RFC 4034 section 3.2: YYYYMMDDHHmmSS (UTC) or decimal seconds, kept
 * modulo 2^32 (serial number arithmetic, RFC 1982). */
static md_status put_sigtime(zp *z, md_buf *rd, const tok *t)
{
	uint64_t v, f[6];
	static const size_t w[6] = {4, 2, 2, 2, 2, 2};
	char b[80];
	size_t o = 0;

	if (!t->quoted && t->n == 14) {
		for (size_t i = 0; i < 6; i++) {
			if (!md_parse_uint(t->p + o, w[i], 9999, &f[i]))
				return zerr(z, t->line, "%s: bad signature time", show(t, b, sizeof(b)));
			o += w[i];
		}
		if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
			return zerr(z, t->line, "%s: bad signature time", show(t, b, sizeof(b)));
		v = (uint64_t)(days_from_civil((int64_t)f[0], (unsigned)f[1], (unsigned)f[2]) * 86400 +
		               (int64_t)(f[3] * 3600 + f[4] * 60 + f[5]));
		put_u32(rd, v & 0xffffffffULL);
		return MD_OK;
	}
	if (parse_uint(z, t, 0xffffffffULL, "signature time", &v) != MD_OK)
		return z->st;
	put_u32(rd, v);
	return MD_OK;
}

/* RFC 4034 section 4.1.2: window blocks of the types present. */
static md_status put_bitmap(zp *z, md_buf *rd, const tok *t, size_t nt)
{
	uint8_t *bits = md_calloc(256, 32);
	char b[80];

	if (bits == NULL) {
		z->st = MD_ENOMEM;
		return zerr(z, z->line, "out of memory");
	}
	for (size_t k = 0; k < nt; k++) {
		uint16_t ty = tok_type(&t[k]);

		if (ty == 0) {
			md_free(bits);
			return zerr(z, t[k].line, "%s: unknown record type", show(&t[k], b, sizeof(b)));
		}
		bits[(size_t)(ty >> 8) * 32 + (ty & 0xff) / 8] |= (uint8_t)(0x80 >> (ty % 8));
	}
	for (size_t win = 0; win < 256; win++) {
		size_t len = 0;

		for (size_t i = 0; i < 32; i++)
			if (bits[win * 32 + i] != 0)
				len = i + 1;
		if (len == 0)
			continue;
		put_u8(rd, win);
		put_u8(rd, len);
		md_buf_append(rd, bits + win * 32, len);
	}
	md_free(bits);
	return MD_OK;
}

/* RFC 5155 section 3.3: salt is hex or "-" for none, with a length byte. */
static md_status put_salt(zp *z, md_buf *rd, const tok *t)
{
	size_t at = rd->n;

	put_u8(rd, 0);
	if (!t->quoted && t->n == 1 && t->p[0] == '-')
		return MD_OK;
	if (put_hex(z, rd, t, 1) != MD_OK)
		return z->st;
	if (rd->n - at - 1 > 255)
		return zerr(z, t->line, "salt longer than 255 octets");
	if (rd->p != NULL)
		rd->p[at] = (char)(rd->n - at - 1);
	return MD_OK;
}

/* RFC 4648 section 7 base32hex without padding, with a length byte. */
static md_status put_base32hex(zp *z, md_buf *rd, const tok *t)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t at = rd->n;
	char b[80];

	put_u8(rd, 0);
	for (size_t i = 0; i < t->n; i++) {
		int c = md_toupper((unsigned char)t->p[i]), v;

		v = md_isdigit(c) ? c - '0' : (c >= 'A' && c <= 'V') ? c - 'A' + 10 : -1;
		if (v < 0 || t->quoted)
			return zerr(z, t->line, "%s: bad base32hex", show(t, b, sizeof(b)));
		acc = acc << 5 | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			put_u8(rd, (acc >> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	if (rd->n - at - 1 > 255)
		return zerr(z, t->line, "hash longer than 255 octets");
	if (rd->p != NULL)
		rd->p[at] = (char)(rd->n - at - 1);
	return MD_OK;
}

static md_status rdata_dnssec(zp *z, uint16_t type, const tok *t, size_t nt, md_buf *rd,
                              unsigned long line, const char *tname)
{
	dns_name nm;
	uint64_t v;
	char b[80];

	switch (type) {
	case MD_DNS_RRSIG: {
		uint16_t covered;

		if (need(z, t, nt, 9, false, tname, line) != MD_OK)
			return z->st;
		if ((covered = tok_type(&t[0])) == 0)
			return zerr(z, t[0].line, "%s: unknown record type", show(&t[0], b, sizeof(b)));
		put_u16(rd, covered);
		if (parse_uint(z, &t[1], 255, "algorithm", &v) != MD_OK)
			return z->st;
		put_u8(rd, v);
		if (parse_uint(z, &t[2], 255, "labels", &v) != MD_OK)
			return z->st;
		put_u8(rd, v);
		if (parse_uint(z, &t[3], 0xffffffffULL, "original TTL", &v) != MD_OK)
			return z->st;
		put_u32(rd, v);
		if (put_sigtime(z, rd, &t[4]) != MD_OK || put_sigtime(z, rd, &t[5]) != MD_OK)
			return z->st;
		if (parse_uint(z, &t[6], 65535, "key tag", &v) != MD_OK)
			return z->st;
		put_u16(rd, v);
		if (parse_name(z, &t[7], &nm) != MD_OK)
			return z->st;
		md_buf_append(rd, nm.w, nm.n);
		return put_base64(z, rd, t + 8, nt - 8);
	}
	case 47: /* NSEC */
		if (need(z, t, nt, 1, false, tname, line) != MD_OK || parse_name(z, &t[0], &nm) != MD_OK)
			return z->st;
		md_buf_append(rd, nm.w, nm.n);
		return put_bitmap(z, rd, t + 1, nt - 1);
	case 50: /* NSEC3 */
	case 51: /* NSEC3PARAM */
		if (need(z, t, nt, type == 50 ? 5 : 4, type == 51, tname, line) != MD_OK)
			return z->st;
		if (parse_uint(z, &t[0], 255, "hash algorithm", &v) != MD_OK)
			return z->st;
		put_u8(rd, v);
		if (parse_uint(z, &t[1], 255, "flags", &v) != MD_OK)
			return z->st;
		put_u8(rd, v);
		if (parse_uint(z, &t[2], 65535, "iterations", &v) != MD_OK)
			return z->st;
		put_u16(rd, v);
		if (put_salt(z, rd, &t[3]) != MD_OK)
			return z->st;
		if (type == 51)
			return MD_OK;
		if (put_base32hex(z, rd, &t[4]) != MD_OK)
			return z->st;
		return put_bitmap(z, rd, t + 5, nt - 5);
	default:
		return zerr(z, line,
		            "%s: cannot read this type's presentation form; write it as RFC 3597 "
		            "\"\\# LENGTH HEX\"",
		            tname);
	}
}

/* ---- rdata by type ------------------------------------------------------ */

static md_status need(zp *z, const tok *t, size_t nt, size_t want, bool exact, const char *tname,
                      unsigned long line)
{
	if (nt < want || (exact && nt > want))
		return zerr(z, nt > 0 ? t[0].line : line, "%s needs %s%zu field%s, got %zu", tname,
		            exact ? "" : "at least ", want, want == 1 ? "" : "s", nt);
	return MD_OK;
}

static md_status rdata_typed(zp *z, uint16_t type, const tok *t, size_t nt, md_buf *rd,
                             unsigned long line)
{
	char tb[16], b[80];
	const char *tname = md_dns_type_name(type, tb, sizeof(tb));
	dns_name nm;
	uint64_t v;
	md_ip ip;

	switch (type) {
	case MD_DNS_A:
	case MD_DNS_AAAA:
		if (need(z, t, nt, 1, true, tname, line) != MD_OK)
			return z->st;
		if (t[0].quoted || !md_ip_parse_n(t[0].p, t[0].n, &ip) ||
		    ip.family != (type == MD_DNS_A ? 4 : 6))
			return zerr(z, t[0].line, "%s: not an %s address", show(&t[0], b, sizeof(b)),
			            type == MD_DNS_A ? "IPv4" : "IPv6");
		md_buf_append(rd, ip.a, type == MD_DNS_A ? 4 : 16);
		return MD_OK;
	case MD_DNS_NS:
	case MD_DNS_CNAME:
	case MD_DNS_PTR:
	case MD_DNS_DNAME:
		if (need(z, t, nt, 1, true, tname, line) != MD_OK || parse_name(z, &t[0], &nm) != MD_OK)
			return z->st;
		md_buf_append(rd, nm.w, nm.n);
		return MD_OK;
	case MD_DNS_MX:
		if (need(z, t, nt, 2, true, tname, line) != MD_OK ||
		    parse_uint(z, &t[0], 65535, "preference", &v) != MD_OK ||
		    parse_name(z, &t[1], &nm) != MD_OK)
			return z->st;
		put_u16(rd, v);
		md_buf_append(rd, nm.w, nm.n);
		return MD_OK;
	case MD_DNS_SOA: {
		static const char *const what[] = {"serial", "refresh", "retry", "expire", "minimum"};

		if (need(z, t, nt, 7, true, tname, line) != MD_OK || parse_name(z, &t[0], &nm) != MD_OK)
			return z->st;
		md_buf_append(rd, nm.w, nm.n);
		if (parse_name(z, &t[1], &nm) != MD_OK)
			return z->st;
		md_buf_append(rd, nm.w, nm.n);
		for (size_t k = 0; k < 5; k++) {
			if (k == 0) {
				if (parse_uint(z, &t[2], 0xffffffffULL, what[k], &v) != MD_OK)
					return z->st;
			} else if (!ttl_value(&t[2 + k], &v) || v > 0xffffffffULL) {
				return zerr(z, t[2 + k].line, "%s: bad %s", show(&t[2 + k], b, sizeof(b)),
				            what[k]);
			}
			put_u32(rd, v);
		}
		return MD_OK;
	}
	case MD_DNS_TXT:
	case MD_DNS_SPF:
		if (need(z, t, nt, 1, false, tname, line) != MD_OK)
			return z->st;
		for (size_t k = 0; k < nt; k++)
			if (put_charstring(z, rd, &t[k]) != MD_OK)
				return z->st;
		return MD_OK;
	case 13: /* HINFO */
		if (need(z, t, nt, 2, true, tname, line) != MD_OK || put_charstring(z, rd, &t[0]) != MD_OK ||
		    put_charstring(z, rd, &t[1]) != MD_OK)
			return z->st;
		return MD_OK;
	case MD_DNS_SRV: {
		static const char *const what[] = {"priority", "weight", "port"};

		if (need(z, t, nt, 4, true, tname, line) != MD_OK)
			return z->st;
		for (size_t k = 0; k < 3; k++) {
			if (parse_uint(z, &t[k], 65535, what[k], &v) != MD_OK)
				return z->st;
			put_u16(rd, v);
		}
		if (parse_name(z, &t[3], &nm) != MD_OK)
			return z->st;
		md_buf_append(rd, nm.w, nm.n);
		return MD_OK;
	}
	case MD_DNS_TLSA:
	case 44: { /* SSHFP */
		size_t nf = type == MD_DNS_TLSA ? 3 : 2;
		static const char *const what[] = {"first field", "second field", "third field"};

		if (need(z, t, nt, nf + 1, false, tname, line) != MD_OK)
			return z->st;
		for (size_t k = 0; k < nf; k++) {
			if (parse_uint(z, &t[k], 255, what[k], &v) != MD_OK)
				return z->st;
			put_u8(rd, v);
		}
		return put_hex(z, rd, t + nf, nt - nf);
	}
	case MD_DNS_DS:
		if (need(z, t, nt, 4, false, tname, line) != MD_OK ||
		    parse_uint(z, &t[0], 65535, "key tag", &v) != MD_OK)
			return z->st;
		put_u16(rd, v);
		if (parse_uint(z, &t[1], 255, "algorithm", &v) != MD_OK)
			return z->st;
		put_u8(rd, v);
		if (parse_uint(z, &t[2], 255, "digest type", &v) != MD_OK)
			return z->st;
		put_u8(rd, v);
		return put_hex(z, rd, t + 3, nt - 3);
	case MD_DNS_DNSKEY:
		if (need(z, t, nt, 4, false, tname, line) != MD_OK ||
		    parse_uint(z, &t[0], 65535, "flags", &v) != MD_OK)
			return z->st;
		put_u16(rd, v);
		if (parse_uint(z, &t[1], 255, "protocol", &v) != MD_OK)
			return z->st;
		put_u8(rd, v);
		if (parse_uint(z, &t[2], 255, "algorithm", &v) != MD_OK)
			return z->st;
		put_u8(rd, v);
		return put_base64(z, rd, t + 3, nt - 3);
	case MD_DNS_CAA: {
		uint8_t tag[STRING_MAX], val[RDATA_MAX];
		const char *why = "";
		long tl, vl;

		if (need(z, t, nt, 3, true, tname, line) != MD_OK ||
		    parse_uint(z, &t[0], 255, "flags", &v) != MD_OK)
			return z->st;
		put_u8(rd, v);
		tl = unescape(&t[1], tag, sizeof(tag), &why);
		if (tl <= 0)
			return zerr(z, t[1].line, "%s: bad CAA tag", show(&t[1], b, sizeof(b)));
		for (long i = 0; i < tl; i++)
			if (!md_isalnum(tag[i]))
				return zerr(z, t[1].line, "%s: bad CAA tag (RFC 8659: letters and digits)",
				            show(&t[1], b, sizeof(b)));
		put_u8(rd, (uint64_t)tl);
		md_buf_append(rd, tag, (size_t)tl);
		vl = unescape(&t[2], val, sizeof(val), &why);
		if (vl < 0)
			return zerr(z, t[2].line, "%s: bad CAA value: %s", show(&t[2], b, sizeof(b)), why);
		md_buf_append(rd, val, (size_t)vl);
		return MD_OK;
	}
	default:
		return rdata_dnssec(z, type, t, nt, rd, line, tname);
	}
}

static md_status rdata_generic(zp *z, const tok *t, size_t nt, md_buf *rd, unsigned long line)
{
	uint64_t len;

	if (nt < 2)
		return zerr(z, line, "\\# needs a length (RFC 3597 section 5)");
	if (parse_uint(z, &t[1], RDATA_MAX, "RFC 3597 length", &len) != MD_OK)
		return z->st;
	if (len == 0 && nt > 2)
		return zerr(z, t[2].line, "\\# 0 takes no data");
	if (put_hex(z, rd, t + 2, nt - 2) != MD_OK)
		return z->st;
	if (rd->err == MD_OK && rd->n != len)
		return zerr(z, t[1].line, "\\# says %llu octets, the data has %zu",
		            (unsigned long long)len, rd->n);
	return MD_OK;
}

/* ---- entries ------------------------------------------------------------ */

static md_status load_file_at(md_resolver *r, const char *path, const dns_name *origin, int depth,
                              char *err, size_t errlen);

static md_status do_include(zp *z, unsigned long line)
{
	const tok *t = z->toks;
	char file[4096], b[80];
	uint8_t raw[4096];
	const char *why = "";
	dns_name org = z->origin;
	long n;

	if (z->ntok < 2 || z->ntok > 3)
		return zerr(z, line, "$INCLUDE needs a file name and an optional origin");
	if (z->path == NULL)
		return zerr(z, line, "$INCLUDE is only allowed in files");
	if (z->depth + 1 > ZONE_INCLUDE_DEPTH_MAX)
		return zerr(z, line, "$INCLUDE nested deeper than %d", ZONE_INCLUDE_DEPTH_MAX);
	n = unescape(&t[1], raw, sizeof(raw) - 1, &why);
	if (n <= 0 || memchr(raw, '\0', (size_t)n) != NULL)
		return zerr(z, line, "%s: bad file name", show(&t[1], b, sizeof(b)));
	raw[n] = '\0';
	if (z->ntok == 3 && parse_name(z, &t[2], &org) != MD_OK)
		return z->st;
	{
		const char *slash = strrchr(z->path, '/');
		int w;

		if (raw[0] == '/' || slash == NULL)
			w = snprintf(file, sizeof(file), "%s", (const char *)raw);
		else
			w = snprintf(file, sizeof(file), "%.*s/%s", (int)(slash - z->path), z->path,
			             (const char *)raw);
		if (w < 0 || (size_t)w >= sizeof(file))
			return zerr(z, line, "$INCLUDE path too long");
	}
	/* RFC 1035 section 5.1: the included file does not change our origin */
	z->st = load_file_at(z->r, file, &org, z->depth + 1, z->err, z->errlen);
	return z->st;
}

static md_status do_directive(zp *z, unsigned long line)
{
	const tok *t = z->toks;
	char b[80];

	if (tok_is(&t[0], "$ORIGIN")) {
		if (z->ntok != 2)
			return zerr(z, line, "$ORIGIN needs one domain name");
		return parse_name(z, &t[1], &z->origin);
	}
	if (tok_is(&t[0], "$TTL")) {
		if (z->ntok != 2)
			return zerr(z, line, "$TTL needs one TTL");
		if (parse_ttl(z, &t[1], &z->ttl_default) != MD_OK)
			return z->st;
		z->have_ttl_default = true;
		return MD_OK;
	}
	if (tok_is(&t[0], "$INCLUDE"))
		return do_include(z, line);
	return zerr(z, line, "%s: unknown directive", show(&t[0], b, sizeof(b)));
}

static bool is_class(const tok *t, bool *in)
{
	static const char *const other[] = {"CH", "HS", "CS", "NONE", "ANY"};
	uint64_t v;

	*in = false;
	if (t->quoted)
		return false;
	if (tok_is(t, "IN")) {
		*in = true;
		return true;
	}
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (tok_is(t, other[i]))
			return true;
	if (t->n > 5 && md_str_istarts((md_str){t->p, t->n}, "CLASS") &&
	    md_parse_uint(t->p + 5, t->n - 5, 65535, &v)) {
		*in = v == 1;
		return true;
	}
	return false;
}

static uint16_t tok_type(const tok *t)
{
	char b[32];
	uint64_t v;

	if (t->quoted || t->n == 0 || t->n >= sizeof(b) || md_isdigit(t->p[0]))
		return 0;
	memcpy(b, t->p, t->n);
	b[t->n] = '\0';
	if (md_str_istarts(md_str_c(b), "TYPE"))
		return md_parse_uint(b + 4, t->n - 4, 65535, &v) && v > 0 ? (uint16_t)v : 0;
	return md_dns_type_parse(b);
}

static md_status do_record(zp *z, bool blank, unsigned long line)
{
	const tok *t = z->toks;
	size_t i = 0;
	bool got_ttl = false, got_class = false, in;
	uint32_t ttl = 0;
	uint16_t type;
	md_buf rd;
	const char *why;
	char b[80];

	if (!blank) {
		if (parse_name(z, &t[0], &z->owner) != MD_OK)
			return z->st;
		z->have_owner = true;
		i = 1;
	} else if (!z->have_owner) {
		return zerr(z, line, "no owner name (the first record starts with a blank)");
	}
	while (i < z->ntok && (!got_ttl || !got_class)) {
		if (!got_ttl && !t[i].quoted && t[i].n > 0 && md_isdigit(t[i].p[0])) {
			if (parse_ttl(z, &t[i], &ttl) != MD_OK)
				return z->st;
			got_ttl = true;
		} else if (!got_class && is_class(&t[i], &in)) {
			if (!in)
				return zerr(z, t[i].line, "%s: only class IN is supported",
				            show(&t[i], b, sizeof(b)));
			got_class = true;
		} else {
			break;
		}
		i++;
	}
	if (i >= z->ntok)
		return zerr(z, line, "missing record type");
	type = tok_type(&t[i]);
	if (type == 0)
		return zerr(z, t[i].line, "%s: unknown record type", show(&t[i], b, sizeof(b)));
	i++;
	if (got_ttl) {
		z->last_ttl = ttl;
		z->have_last_ttl = true;
	} else if (z->have_ttl_default) {
		ttl = z->ttl_default;
	} else if (z->have_last_ttl) {
		ttl = z->last_ttl;
	} else {
		ttl = DEFAULT_TTL;
	}
	md_buf_init(&rd, RDATA_MAX);
	if (i < z->ntok && !t[i].quoted && t[i].n == 2 && t[i].p[0] == '\\' && t[i].p[1] == '#')
		rdata_generic(z, t + i, z->ntok - i, &rd, line);
	else
		rdata_typed(z, type, t + i, z->ntok - i, &rd, line);
	if (z->st == MD_OK && rd.err == MD_ELIMIT)
		zerr(z, line, "rdata longer than 65535 octets");
	else if (z->st == MD_OK && rd.err != MD_OK) {
		zerr(z, line, "out of memory");
		z->st = MD_ENOMEM;
	}
	if (z->st == MD_OK) {
		why = fx_add(z->r, &z->owner, type, ttl, (const uint8_t *)rd.p, rd.n, true);
		if (why != NULL) {
			char ob[DNS_NAME_TEXT_MAX], tb[16];

			zerr(z, line, "%s %s: %s", dns_name_text(z->owner.w, ob, sizeof(ob)),
			     md_dns_type_name(type, tb, sizeof(tb)), why);
			if (strcmp(why, "out of memory") == 0)
				z->st = MD_ENOMEM;
		}
	}
	md_buf_free(&rd);
	return z->st;
}

/* ";! ACTION NAME [TYPE]" (P, N: the text after ";!") */
static md_status directive_fault(zp *z, const char *p, size_t n)
{
	tok w[4];
	size_t nw = 0, i = 0;
	md_dns_outcome o;
	dns_name nm;
	uint16_t type = 0;
	const char *why;
	char b[80];

	while (i < n) {
		size_t s;

		while (i < n && md_iswsp(p[i]))
			i++;
		if (i >= n || p[i] == '\r')
			break;
		s = i;
		while (i < n && !md_iswsp(p[i]) && p[i] != '\r')
			i += (p[i] == '\\' && i + 1 < n) ? 2 : 1;
		if (nw == 4)
			return zerr(z, z->line, "fault directive: too many words (;! ACTION NAME [TYPE])");
		w[nw++] = (tok){p + s, i - s, false, z->line};
	}
	if (nw < 2 || nw > 3)
		return zerr(z, z->line, "fault directive: want ;! servfail|timeout|error NAME [TYPE]");
	if (tok_is(&w[0], "servfail"))
		o = MD_DNS_SERVFAIL;
	else if (tok_is(&w[0], "timeout"))
		o = MD_DNS_TIMEOUT;
	else if (tok_is(&w[0], "error"))
		o = MD_DNS_ERROR;
	else
		return zerr(z, z->line, "%s: unknown fault (servfail, timeout or error)",
		            show(&w[0], b, sizeof(b)));
	if (parse_name(z, &w[1], &nm) != MD_OK)
		return z->st;
	if (nw == 3 && (type = tok_type(&w[2])) == 0)
		return zerr(z, z->line, "%s: unknown record type", show(&w[2], b, sizeof(b)));
	why = fx_fault(z->r, &nm, type, o);
	if (why != NULL)
		return zerr(z, z->line, "%s", why);
	return MD_OK;
}

static md_status parse_text(md_resolver *r, const char *fname, const char *path, const char *text,
                            size_t len, const dns_name *origin, int depth, char *err, size_t errlen)
{
	zp z;
	bool blank;
	unsigned long line;
	int got;

	memset(&z, 0, sizeof(z));
	z.r = r;
	z.fname = fname;
	z.path = path;
	z.p = text;
	z.n = len;
	z.line = 1;
	z.depth = depth;
	z.err = err;
	z.errlen = errlen;
	if (origin != NULL)
		z.origin = *origin;
	else {
		z.origin.w[0] = 0;
		z.origin.n = 1;
	}
	while (z.st == MD_OK && (got = read_entry(&z, &blank, &line)) > 0) {
		if (!blank && !z.toks[0].quoted && z.toks[0].n > 0 && z.toks[0].p[0] == '$')
			do_directive(&z, line);
		else
			do_record(&z, blank, line);
	}
	md_free(z.toks);
	return z.st;
}

md_status md_resolver_fixture_load_text(md_resolver *r, const char *name, const char *text,
                                        size_t len, const char *origin, char *err, size_t errlen)
{
	dns_name org;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (!fx_is_fixture(r) || (text == NULL && len > 0))
		return MD_EINVAL;
	if (origin != NULL && origin[0] != '\0' &&
	    dns_name_parse(origin, strlen(origin), NULL, &org) != NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: bad origin", origin);
		return MD_EINVAL;
	}
	return parse_text(r, name != NULL ? name : "(text)", NULL, text != NULL ? text : "", len,
	                  origin != NULL && origin[0] != '\0' ? &org : NULL, 0, err, errlen);
}

static md_status read_whole(const char *path, md_buf *b, char *err, size_t errlen)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	md_status st = MD_OK;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? MD_ENOTFOUND : MD_EIO;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return MD_EIO;
	}
	if (sb.st_size > ZONE_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, ZONE_FILE_MAX);
		close(fd);
		return MD_ELIMIT;
	}
	for (;;) {
		char chunk[65536];
		ssize_t got = read(fd, chunk, sizeof(chunk));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			st = MD_EIO;
			break;
		}
		if (got == 0)
			break;
		if (md_buf_append(b, chunk, (size_t)got) != MD_OK) {
			st = b->err;
			snprintf(err, errlen, "%s: %s", path,
			         st == MD_ELIMIT ? "file too large" : "out of memory");
			break;
		}
	}
	close(fd);
	return st;
}

static md_status load_file_at(md_resolver *r, const char *path, const dns_name *origin, int depth,
                              char *err, size_t errlen)
{
	char dummy[1];
	md_buf b;
	md_status st;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	md_buf_init(&b, ZONE_FILE_MAX);
	st = read_whole(path, &b, err, errlen);
	if (st == MD_OK)
		st = parse_text(r, path, path, b.p != NULL ? b.p : "", b.n, origin, depth, err, errlen);
	md_buf_free(&b);
	return st;
}

md_status md_resolver_fixture_load_file(md_resolver *r, const char *path, char *err, size_t errlen)
{
	if (!fx_is_fixture(r) || path == NULL)
		return MD_EINVAL;
	return load_file_at(r, path, NULL, 0, err, errlen);
}

static bool skipped_name(const char *n)
{
	static const char *const skip[] = {".conf", ".md", ".key"};
	size_t len = strlen(n);

	if (n[0] == '.')
		return true;
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		size_t sl = strlen(skip[i]);

		if (len >= sl && strcmp(n + len - sl, skip[i]) == 0)
			return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

md_status md_resolver_fixture_load_dir(md_resolver *r, const char *dir, char *err, size_t errlen)
{
	char dummy[1];
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	md_status st = MD_OK;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (!fx_is_fixture(r) || dir == NULL)
		return MD_EINVAL;
	d = opendir(dir);
	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return errno == ENOENT ? MD_ENOTFOUND : MD_EIO;
	}
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		struct stat sb;

		if (skipped_name(de->d_name))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (n == cap) {
			char **nn;

			if (n >= ZONE_DIR_FILES_MAX) {
				snprintf(err, errlen, "%s: more than %d files", dir, ZONE_DIR_FILES_MAX);
				st = MD_ELIMIT;
				break;
			}
			cap = cap ? cap * 2 : 16;
			nn = md_realloc(names, cap * sizeof(*nn));
			if (nn == NULL) {
				st = MD_ENOMEM;
				break;
			}
			names = nn;
		}
		if ((names[n] = md_strdup(path)) == NULL) {
			st = MD_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (st == MD_OK && n > 0) {
		/* a fixed order, so the first error is the same everywhere */
		qsort(names, n, sizeof(*names), cmp_str);
		for (size_t i = 0; i < n && st == MD_OK; i++)
			st = load_file_at(r, names[i], NULL, 0, err, errlen);
	}
	if (st == MD_ENOMEM && err[0] == '\0')
		snprintf(err, errlen, "%s: out of memory", dir);
	for (size_t i = 0; i < n; i++)
		md_free(names[i]);
	md_free(names);
	return st;
}
