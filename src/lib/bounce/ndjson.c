/*
 * ndjson.c - one bounce record as JSON, two ways that print the same
 * bytes: a jansson object (the JSON document's "records" array) and a
 * hand-written NDJSON line writer for streaming, which skips building,
 * dumping and freeing a jansson object per record.
 *
 * Both walk one table of members, so they cannot disagree on keys or
 * their order. The writer copies what jansson 2.x prints with
 * JSON_COMPACT (render.c put_json): separators "," and ":" without
 * spaces; in strings '"' and '\\' escaped, \b \f \n \r \t by name, the
 * other bytes below 0x20 as \u00XX with upper-case hex digits, '/' and
 * DEL as they are, non-ASCII UTF-8 as it is (no JSON_ENSURE_ASCII);
 * integers as "%lld" (json_int_t). Before that, strings get the repair
 * md_json_cstr() applies (RFC 3629 strict UTF-8, each invalid byte
 * replaced by U+FFFD; NULL gives null). tests/bounce/test_ndjson.c
 * compares the two byte for byte.
 */
#include "ndjson.h"

#include <stdbool.h>
#include <string.h>

#include "core/report_internal.h"
#include "core/swar.h"
#include "core/utf8.h"

enum member_type { M_STR, M_BOOL };

struct member {
	const char *key;
	size_t keylen;
	enum member_type type;
	size_t off; /* offset in md_bounce_record */
};

#define STR(name) {#name, sizeof(#name) - 1, M_STR, offsetof(md_bounce_record, name)}
#define BOOL(name) {#name, sizeof(#name) - 1, M_BOOL, offsetof(md_bounce_record, name)}

/* The record's members after "file", "index" and "kind", in output order
 * (docs/bounce.md documents them; append new ones at the end). */
static const struct member members[] = {
	STR(recipient), STR(addresser), STR(messageid), STR(action), STR(status),
	STR(replycode), STR(diagnostic), STR(diagnostic_type), STR(rhost), STR(lhost),
	STR(smtpcommand), STR(reason), BOOL(hardbounce), STR(failure_class), STR(pillar),
	STR(provider), BOOL(retryable), STR(action_hint), STR(matched), STR(feedback_type),
	STR(source_ip), STR(format), BOOL(backscatter), BOOL(phishing), STR(suspicion),
};

#undef STR
#undef BOOL

static const char *member_str(const md_bounce_record *r, const struct member *m)
{
	return *(const char *const *)(const void *)((const char *)r + m->off);
}

static bool member_bool(const md_bounce_record *r, const struct member *m)
{
	return *(const bool *)(const void *)((const char *)r + m->off);
}

json_t *bounce_record_json(const md_bounce_record *r, const char *file, size_t index,
                           const char *kind)
{
	json_t *o = json_object();
	size_t i;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "file", md_json_cstr(file));
	json_object_set_new(o, "index", json_integer((json_int_t)index));
	json_object_set_new(o, "kind", json_string(kind));
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		const struct member *m = &members[i];

		json_object_set_new(o, m->key, m->type == M_BOOL ? json_boolean(member_bool(r, m))
		                                                 : md_json_cstr(member_str(r, m)));
	}
	return o;
}

/* Bytes copied as they are inside a JSON string: printable ASCII but
 * '"' and '\\' (bytes >= 0x80 are checked as UTF-8 separately). */
static bool plain_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* The most bytes put_string writes for S of N bytes: each byte as
 * \u00XX, and the quotes ("null" for NULL). */
static size_t string_bound(const char *s, size_t n)
{
	return s == NULL ? 4 : 6 * n + 2;
}

/* The bytes put_string writes for S exactly (the worst case did not fit
 * the buffer's limit). */
static size_t string_size(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, size = 2;

	if (s == NULL)
		return 4;
	while (i < n) {
		unsigned char c = u[i];

		if (plain_ascii(c)) {
			size++;
			i++;
		} else if (c >= 0x80 && (k = md_utf8_seqlen(u + i, n - i)) != 0) {
			size += k;
			i += k;
		} else {
			size += c >= 0x80 ? 3 : (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' ||
			                         c == '\r' || c == '\t') ? 2 : 6;
			i++;
		}
	}
	return size;
}

/* S (N bytes) at W as a JSON string, the way jansson dumps
 * md_json_cstr(S); the end. Room for string_bound() bytes is there. */
static char *put_string(char *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, k;

	if (s == NULL) {
		memcpy(w, "null", 4);
		return w + 4;
	}
	*w++ = '"';
	while (i < n) {
		unsigned char c = u[i];

		if (plain_ascii(c)) {
			i++;
			/* runs of plain ASCII a word at a time */
			while (n - i >= 8) {
				uint64_t x = md_swar_load(u + i);

				if (md_swar_high(x) | md_swar_below(x, 0x20) | md_swar_eq(x, '"') |
				    md_swar_eq(x, '\\'))
					break;
				i += 8;
			}
			continue;
		}
		if (c >= 0x80 && (k = md_utf8_seqlen(u + i, n - i)) != 0) {
			i += k;
			continue;
		}
		memcpy(w, s + start, i - start);
		w += i - start;
		*w++ = '\\';
		switch (c) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case '\b': *w++ = 'b'; break;
		case '\f': *w++ = 'f'; break;
		case '\n': *w++ = 'n'; break;
		case '\r': *w++ = 'r'; break;
		case '\t': *w++ = 't'; break;
		default:
			if (c >= 0x80) {
				/* an invalid UTF-8 byte: U+FFFD, as md_utf8_sanitize() */
				memcpy(w - 1, "\xef\xbf\xbd", 3);
				w += 2;
				break;
			}
			memcpy(w, "u00", 3);
			w[3] = hex[c >> 4];
			w[4] = hex[c & 0xf];
			w += 5;
			break;
		}
		start = ++i;
	}
	memcpy(w, s + start, i - start);
	w += i - start;
	*w++ = '"';
	return w;
}

/* ",\"KEY\":" at W; the end. */
static char *put_key(char *w, const char *key, size_t keylen)
{
	*w++ = ',';
	*w++ = '"';
	memcpy(w, key, keylen);
	w += keylen;
	*w++ = '"';
	*w++ = ':';
	return w;
}

/* V as jansson prints a json_int_t ("%lld"), without printf; the end. */
static char *put_int(char *w, long long v)
{
	char d[24];
	size_t k = sizeof(d);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		d[--k] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		d[--k] = '-';
	memcpy(w, d + k, sizeof(d) - k);
	return w + (sizeof(d) - k);
}

#define NMEMBERS (sizeof(members) / sizeof(members[0]))

md_status bounce_ndjson_record(md_buf *out, const md_bounce_record *r, const char *file,
                               size_t index, const char *kind)
{
	size_t len[NMEMBERS], fl = file ? strlen(file) : 0, kl = kind ? strlen(kind) : 0, need, i;
	md_status st;
	char *w;

	if (out->err != MD_OK)
		return out->err;
	/* one reservation for the worst case, then plain stores */
	need = 8 + string_bound(file, fl) + 9 + 24 + (kind ? 8 + string_bound(kind, kl) : 0) + 2;
	for (i = 0; i < NMEMBERS; i++) {
		const struct member *m = &members[i];

		need += m->keylen + 4;
		if (m->type == M_BOOL) {
			need += 5;
		} else {
			const char *v = member_str(r, m);

			len[i] = v ? strlen(v) : 0;
			need += string_bound(v, len[i]);
		}
	}
	st = md_buf_reserve(out, need);
	if (st == MD_ELIMIT) {
		/* near the buffer's limit: reserve what the line takes exactly */
		out->err = MD_OK;
		need = 8 + string_size(file, fl) + 9 + 24 + (kind ? 8 + string_size(kind, kl) : 0) + 2;
		for (i = 0; i < NMEMBERS; i++) {
			const struct member *m = &members[i];

			need += m->keylen + 4 + (m->type == M_BOOL ? 5 : string_size(member_str(r, m), len[i]));
		}
		st = md_buf_reserve(out, need);
	}
	if (st != MD_OK) {
		out->err = MD_OK;
		return st;
	}
	w = out->p + out->n;
	memcpy(w, "{\"file\":", 8);
	w = put_string(w + 8, file, fl);
	w = put_int(put_key(w, "index", 5), (long long)(json_int_t)index);
	/* json_string(NULL) fails and jansson leaves the key out */
	if (kind != NULL)
		w = put_string(put_key(w, "kind", 4), kind, kl);
	for (i = 0; i < NMEMBERS; i++) {
		const struct member *m = &members[i];

		w = put_key(w, m->key, m->keylen);
		if (m->type == M_STR) {
			w = put_string(w, member_str(r, m), len[i]);
		} else if (member_bool(r, m)) {
			memcpy(w, "true", 4);
			w += 4;
		} else {
			memcpy(w, "false", 5);
			w += 5;
		}
	}
	*w++ = '}';
	*w++ = '\n';
	out->n = (size_t)(w - out->p);
	out->p[out->n] = '\0';
	return MD_OK;
}
