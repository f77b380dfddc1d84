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

/* S as a JSON string, the way jansson dumps md_json_cstr(S). */
static void put_string(md_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i = 0, start = 0, k;

	if (s == NULL) {
		md_buf_append(b, "null", 4);
		return;
	}
	n = strlen(s);
	md_buf_putc(b, '"');
	while (i < n) {
		unsigned char c = u[i];
		char esc[6];
		size_t elen = 2;

		if (plain_ascii(c)) {
			i++;
			/* runs of plain ASCII a word at a time */
			while (n - i >= 8) {
				uint64_t w = md_swar_load(u + i);

				if (md_swar_high(w) | md_swar_below(w, 0x20) | md_swar_eq(w, '"') |
				    md_swar_eq(w, '\\'))
					break;
				i += 8;
			}
			continue;
		}
		if (c >= 0x80 && (k = md_utf8_seqlen(u + i, n - i)) != 0) {
			i += k;
			continue;
		}
		md_buf_append(b, s + start, i - start);
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			if (c >= 0x80) {
				/* an invalid UTF-8 byte: U+FFFD, as md_utf8_sanitize() */
				memcpy(esc, "\xef\xbf\xbd", 3);
				elen = 3;
				break;
			}
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			elen = 6;
			break;
		}
		md_buf_append(b, esc, elen);
		start = ++i;
	}
	md_buf_append(b, s + start, i - start);
	md_buf_putc(b, '"');
}

/* ",\"KEY\":" */
static void put_key(md_buf *b, const char *key, size_t keylen)
{
	md_buf_append(b, ",\"", 2);
	md_buf_append(b, key, keylen);
	md_buf_append(b, "\":", 2);
}

/* V as jansson prints a json_int_t ("%lld"), without printf. */
static void put_int(md_buf *b, long long v)
{
	char d[24];
	size_t k = sizeof(d);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		d[--k] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		d[--k] = '-';
	md_buf_append(b, d + k, sizeof(d) - k);
}

md_status bounce_ndjson_record(md_buf *out, const md_bounce_record *r, const char *file,
                               size_t index, const char *kind)
{
	size_t mark = out->n, i;
	md_status st;

	if (out->err != MD_OK)
		return out->err;
	md_buf_append(out, "{\"file\":", 8);
	put_string(out, file);
	put_key(out, "index", 5);
	put_int(out, (long long)(json_int_t)index);
	/* json_string(NULL) fails and jansson leaves the key out */
	if (kind != NULL) {
		put_key(out, "kind", 4);
		put_string(out, kind);
	}
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		const struct member *m = &members[i];

		put_key(out, m->key, m->keylen);
		if (m->type == M_BOOL) {
			if (member_bool(r, m))
				md_buf_append(out, "true", 4);
			else
				md_buf_append(out, "false", 5);
		} else
			put_string(out, member_str(r, m));
	}
	md_buf_append(out, "}\n", 2);
	st = out->err;
	if (st != MD_OK) {
		out->n = mark;
		out->err = MD_OK;
		if (out->p != NULL)
			out->p[mark] = '\0';
	}
	return st;
}
