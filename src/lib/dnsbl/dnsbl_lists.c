/*
 * dnsbl_lists.c - read a DNSBL list file (data/dnsbl.conf and users' own
 * --lists files) into md_dnsbl_lists.
 *
 * The format is line based; docs/dnsbl.md documents it for users:
 *
 *   file      = *( line LF ) [ line ]        ; CR before LF is ignored
 *   line      = *WSP [ comment / directive ] *WSP
 *   comment   = "#" *( any byte but LF )     ; only at the start of a line
 *   directive = keyword 1*WSP value
 *   keyword   = "zone" / "name" / "lists" / "ipv6" / "weight" / "delist" /
 *               "info" / "txt" / "selftest" / "test" / "default" /
 *               "code" / "bit"
 *
 *   zone ZONE                   starts an entry; every other keyword
 *                               belongs to the entry above it
 *   lists ip | domain           what the zone lists (default ip)
 *   ipv6 yes | no               an IP list that answers IPv6 queries
 *   weight 0..100               how widely receivers use the list
 *   name TEXT / delist URL / info URL
 *   txt yes | no                fetch the TXT reason of a listing (yes)
 *   selftest yes | no           ask RFC 5782 section 5 test entries (yes)
 *   test VALUE                  the positive test entry (127.0.0.2 / test)
 *   default CLASS               meaning of undocumented 127/8 answers
 *   code ADDR[-ADDR] CLASS [TEXT]   what an answer (range) means
 *   bit N CLASS [TEXT]          what bit N (1..128) of the last octet means
 *   CLASS = listed / policy / refused / error / unknown / ignore
 *
 * Limits (dnsbl_internal.h): MD_DNSBL_MAX_FILE bytes, MD_DNSBL_MAX_LINE
 * bytes a line, MD_DNSBL_MAX_LISTS entries, MD_DNSBL_MAX_CODES code/bit
 * lines an entry, MD_DNSBL_MAX_TEXT bytes a text. Exceeding one is an
 * MD_ELIMIT error naming the line, never a silent cut.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"
#include "core/domain.h"
#include "core/ip.h"
#include "core/num.h"
#include "dnsbl_internal.h"

struct parser {
	md_dnsbl_lists *l;
	const char *name;
	unsigned line;
	char *err;
	size_t errlen;
	size_t cap;       /* entries allocated */
	size_t codecap;   /* codes allocated for the current entry */
};

static md_status fail(struct parser *p, md_status st, const char *fmt, ...) MD_PRINTF(3, 4);

static md_status fail(struct parser *p, md_status st, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (p->err == NULL || p->errlen == 0)
		return st;
	if (p->line > 0)
		n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, p->line);
	else
		n = snprintf(p->err, p->errlen, "%s: ", p->name);
	if (n < 0 || (size_t)n >= p->errlen)
		return st;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return st;
}

static const struct {
	const char *word;
	md_dnsbl_class cls;
} class_words[] = {
	{"listed", MD_DNSBL_LISTED},   {"policy", MD_DNSBL_POLICY},
	{"refused", MD_DNSBL_REFUSED}, {"error", MD_DNSBL_LIST_ERROR},
	{"unknown", MD_DNSBL_UNKNOWN}, {"ignore", MD_DNSBL_IGNORE},
};

static bool parse_class(md_str w, md_dnsbl_class *out)
{
	size_t i;

	for (i = 0; i < sizeof(class_words) / sizeof(class_words[0]); i++)
		if (md_str_ieq_c(w, class_words[i].word)) {
			*out = class_words[i].cls;
			return true;
		}
	return false;
}

static bool parse_bool(md_str w, bool *out)
{
	if (md_str_ieq_c(w, "yes")) {
		*out = true;
		return true;
	}
	if (md_str_ieq_c(w, "no")) {
		*out = false;
		return true;
	}
	return false;
}

/* Split S at the first run of WSP: *HEAD gets the word, *REST the rest
 * (trimmed). */
static void split_word(md_str s, md_str *head, md_str *rest)
{
	size_t i = 0;

	while (i < s.n && !md_iswsp(s.p[i]))
		i++;
	head->p = s.p;
	head->n = i;
	while (i < s.n && md_iswsp(s.p[i]))
		i++;
	rest->p = s.p + i;
	rest->n = s.n - i;
}

static bool parse_v4(md_str s, uint32_t *out)
{
	md_ip ip;

	if (!md_ip_parse_n(s.p, s.n, &ip) || ip.family != 4)
		return false;
	*out = (uint32_t)ip.a[0] << 24 | (uint32_t)ip.a[1] << 16 | (uint32_t)ip.a[2] << 8 | ip.a[3];
	return true;
}

static md_status text_value(struct parser *p, md_str v, const char *what, const char **out)
{
	size_t i;

	if (v.n > MD_DNSBL_MAX_TEXT)
		return fail(p, MD_ELIMIT, "%s longer than %d bytes", what, MD_DNSBL_MAX_TEXT);
	for (i = 0; i < v.n; i++)
		if ((unsigned char)v.p[i] < 0x20 && v.p[i] != '\t')
			return fail(p, MD_EPARSE, "control character in %s", what);
	*out = md_arena_strndup(p->l->arena, v.p, v.n);
	return *out ? MD_OK : MD_ENOMEM;
}

static struct dnsbl_list *cur(struct parser *p)
{
	return p->l->n > 0 ? &p->l->v[p->l->n - 1] : NULL;
}

/* Checks that need the whole entry; run when the next one starts and at
 * the end of the file. */
static md_status finish_entry(struct parser *p)
{
	struct dnsbl_list *e = cur(p);
	unsigned line = p->line;
	md_status st = MD_OK;

	if (e == NULL)
		return MD_OK;
	p->line = e->line;
	if (e->kind == MD_DNSBL_KIND_DOMAIN && e->ipv6) {
		st = fail(p, MD_EPARSE, "zone %s: \"ipv6 yes\" is only for IP lists", e->zone);
	} else if (e->test != NULL) {
		md_ip ip;
		char norm[MD_DOMAIN_MAX + 1];
		const char *why;

		if (e->kind == MD_DNSBL_KIND_IP && !md_ip_parse(e->test, &ip))
			st = fail(p, MD_EPARSE, "zone %s: test entry %s is not an IP address",
			          e->zone, e->test);
		else if (e->kind == MD_DNSBL_KIND_DOMAIN &&
		         !md_domain_normalize(e->test, norm, sizeof(norm), &why))
			st = fail(p, MD_EPARSE, "zone %s: test entry %s: %s", e->zone, e->test, why);
	}
	if (st == MD_OK && e->test == NULL)
		e->test = e->kind == MD_DNSBL_KIND_IP ? "127.0.0.2" : "test";
	if (st == MD_OK && e->name == NULL)
		e->name = e->zone;
	p->line = line;
	return st;
}

static md_status start_entry(struct parser *p, md_str v)
{
	char norm[MD_DOMAIN_MAX + 1], tmp[MD_DOMAIN_MAX + 2];
	struct dnsbl_list *e;
	const char *why;
	md_status st;
	size_t i;

	if ((st = finish_entry(p)) != MD_OK)
		return st;
	if (p->l->n >= MD_DNSBL_MAX_LISTS)
		return fail(p, MD_ELIMIT, "more than %d lists in one file", MD_DNSBL_MAX_LISTS);
	if (v.n == 0 || v.n > MD_DOMAIN_MAX + 1)
		return fail(p, MD_EPARSE, "zone needs a domain name");
	memcpy(tmp, v.p, v.n);
	tmp[v.n] = '\0';
	if (!md_domain_normalize(tmp, norm, sizeof(norm), &why))
		return fail(p, MD_EPARSE, "zone %s: %s", tmp, why);
	/* room for the longest IPv4 prefix "255.255.255.255." (16 octets);
	 * IPv6 lists are checked again when "ipv6 yes" is read */
	if (strlen(norm) > MD_DOMAIN_MAX - 16)
		return fail(p, MD_EPARSE, "zone %s: too long to prefix an address to", norm);
	for (i = 0; i < p->l->n; i++)
		if (strcmp(p->l->v[i].zone, norm) == 0)
			return fail(p, MD_EPARSE, "zone %s is already listed at line %u", norm,
			            p->l->v[i].line);
	if (p->l->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		struct dnsbl_list *nv = md_realloc(p->l->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return MD_ENOMEM;
		p->l->v = nv;
		p->cap = ncap;
	}
	e = &p->l->v[p->l->n++];
	memset(e, 0, sizeof(*e));
	e->zone = md_arena_strdup(p->l->arena, norm);
	if (e->zone == NULL)
		return MD_ENOMEM;
	e->kind = MD_DNSBL_KIND_IP;
	e->weight = 50;
	e->txt = true;
	e->selftest = true;
	e->dflt = MD_DNSBL_LISTED;
	e->line = p->line;
	p->codecap = 0;
	return MD_OK;
}

static md_status add_code(struct parser *p, struct dnsbl_list *e, bool is_bit, md_str v)
{
	md_str what, rest, cls, text;
	struct dnsbl_code c;
	md_status st;

	memset(&c, 0, sizeof(c));
	c.is_bit = is_bit;
	split_word(v, &what, &rest);
	split_word(rest, &cls, &text);
	if (what.n == 0 || cls.n == 0)
		return fail(p, MD_EPARSE, "%s needs a value and a class (listed, policy, refused, "
		            "error, unknown, ignore)", is_bit ? "bit" : "code");
	if (is_bit) {
		uint64_t b;

		if (!md_parse_uint(what.p, what.n, 128, &b) || b == 0 || (b & (b - 1)) != 0)
			return fail(p, MD_EPARSE, "bit %.*s: give one of 1, 2, 4, 8, 16, 32, 64, 128",
			            (int)what.n, what.p);
		c.bit = (uint8_t)b;
	} else {
		const char *dash = memchr(what.p, '-', what.n);
		md_str a = what, b = what;

		if (dash != NULL) {
			a.n = (size_t)(dash - what.p);
			b.p = dash + 1;
			b.n = what.n - a.n - 1;
		}
		if (!parse_v4(a, &c.lo) || !parse_v4(b, &c.hi))
			return fail(p, MD_EPARSE, "code %.*s: give an IPv4 address or a range A-B",
			            (int)what.n, what.p);
		if (c.lo > c.hi)
			return fail(p, MD_EPARSE, "code %.*s: range ends before it starts",
			            (int)what.n, what.p);
	}
	if (!parse_class(cls, &c.cls))
		return fail(p, MD_EPARSE, "%.*s: unknown class (use listed, policy, refused, error, "
		            "unknown or ignore)", (int)cls.n, cls.p);
	if ((st = text_value(p, text, "meaning", &c.meaning)) != MD_OK)
		return st;
	if (e->ncodes >= MD_DNSBL_MAX_CODES)
		return fail(p, MD_ELIMIT, "zone %s: more than %d code and bit lines", e->zone,
		            MD_DNSBL_MAX_CODES);
	if (e->ncodes == p->codecap) {
		/* arena arrays: copy on growth; the old copy stays in the arena,
		 * bounded by MD_DNSBL_MAX_CODES */
		size_t ncap = p->codecap ? p->codecap * 2 : 8;
		struct dnsbl_code *nc = md_arena_alloc(p->l->arena, ncap * sizeof(*nc));

		if (nc == NULL)
			return MD_ENOMEM;
		if (e->ncodes > 0)
			memcpy(nc, e->codes, e->ncodes * sizeof(*nc));
		e->codes = nc;
		p->codecap = ncap;
	}
	e->codes[e->ncodes++] = c;
	return MD_OK;
}

static md_status directive(struct parser *p, md_str line)
{
	md_str kw, v;
	struct dnsbl_list *e;
	md_status st;

	split_word(line, &kw, &v);
	if (md_str_ieq_c(kw, "zone"))
		return start_entry(p, v);
	e = cur(p);
	if (e == NULL)
		return fail(p, MD_EPARSE, "%.*s before the first \"zone\" line", (int)kw.n, kw.p);
	if (md_str_ieq_c(kw, "code"))
		return add_code(p, e, false, v);
	if (md_str_ieq_c(kw, "bit"))
		return add_code(p, e, true, v);
	if (v.n == 0)
		return fail(p, MD_EPARSE, "%.*s needs a value", (int)kw.n, kw.p);
	if (md_str_ieq_c(kw, "name"))
		return text_value(p, v, "name", &e->name);
	if (md_str_ieq_c(kw, "delist"))
		return text_value(p, v, "delist", &e->delist);
	if (md_str_ieq_c(kw, "info"))
		return text_value(p, v, "info", &e->info);
	if (md_str_ieq_c(kw, "test")) {
		if ((st = text_value(p, v, "test", &e->test)) != MD_OK)
			return st;
		return MD_OK; /* checked against the kind in finish_entry() */
	}
	if (md_str_ieq_c(kw, "lists") || md_str_ieq_c(kw, "kind")) {
		if (md_str_ieq_c(v, "ip"))
			e->kind = MD_DNSBL_KIND_IP;
		else if (md_str_ieq_c(v, "domain"))
			e->kind = MD_DNSBL_KIND_DOMAIN;
		else
			return fail(p, MD_EPARSE, "lists %.*s: use ip or domain", (int)v.n, v.p);
		return MD_OK;
	}
	if (md_str_ieq_c(kw, "weight")) {
		uint64_t w;

		if (!md_parse_uint(v.p, v.n, 100, &w))
			return fail(p, MD_EPARSE, "weight %.*s: give a whole number 0..100", (int)v.n,
			            v.p);
		e->weight = (unsigned)w;
		return MD_OK;
	}
	if (md_str_ieq_c(kw, "default")) {
		if (!parse_class(v, &e->dflt))
			return fail(p, MD_EPARSE, "default %.*s: unknown class (use listed, policy, "
			            "refused, error, unknown or ignore)", (int)v.n, v.p);
		return MD_OK;
	}
	if (md_str_ieq_c(kw, "ipv6") || md_str_ieq_c(kw, "txt") || md_str_ieq_c(kw, "selftest")) {
		bool b;

		if (!parse_bool(v, &b))
			return fail(p, MD_EPARSE, "%.*s %.*s: use yes or no", (int)kw.n, kw.p, (int)v.n,
			            v.p);
		if (md_str_ieq_c(kw, "ipv6")) {
			/* 32 nibble labels: 64 octets in front of the zone */
			if (b && strlen(e->zone) > MD_DOMAIN_MAX - 64)
				return fail(p, MD_EPARSE, "zone %s: too long for IPv6 queries", e->zone);
			e->ipv6 = b;
		} else if (md_str_ieq_c(kw, "txt")) {
			e->txt = b;
		} else {
			e->selftest = b;
		}
		return MD_OK;
	}
	return fail(p, MD_EPARSE, "%.*s: unknown keyword", (int)kw.n, kw.p);
}

md_status md_dnsbl_lists_parse(const char *text, size_t len, const char *name,
                               md_dnsbl_lists **out, char *err, size_t errlen)
{
	struct parser p;
	md_status st = MD_OK;
	size_t off = 0;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.name = name ? name : "lists";
	p.err = err;
	p.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > MD_DNSBL_MAX_FILE)
		return fail(&p, MD_ELIMIT, "list file larger than %d bytes", MD_DNSBL_MAX_FILE);
	p.l = md_calloc(1, sizeof(*p.l));
	if (p.l == NULL)
		return MD_ENOMEM;
	p.l->arena = md_arena_new();
	if (p.l->arena == NULL) {
		md_dnsbl_lists_free(p.l);
		return MD_ENOMEM;
	}
	while (off < len && st == MD_OK) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - text) : len;
		md_str line = {text + off, end - off};

		p.line++;
		off = nl ? end + 1 : len;
		if (line.n > MD_DNSBL_MAX_LINE) {
			st = fail(&p, MD_ELIMIT, "line longer than %d bytes", MD_DNSBL_MAX_LINE);
			break;
		}
		if (memchr(line.p, '\0', line.n) != NULL) {
			st = fail(&p, MD_EPARSE, "NUL byte in the line");
			break;
		}
		line = md_str_trim(line);
		if (line.n == 0 || line.p[0] == '#')
			continue;
		st = directive(&p, line);
	}
	if (st == MD_OK)
		st = finish_entry(&p);
	if (st == MD_OK && p.l->n == 0) {
		p.line = 0;
		st = fail(&p, MD_EPARSE, "no \"zone\" line: the file lists no blocklist");
	}
	if (st != MD_OK) {
		md_dnsbl_lists_free(p.l);
		return st;
	}
	*out = p.l;
	return MD_OK;
}

md_status md_dnsbl_lists_load(const char *path, md_dnsbl_lists **out, char *err, size_t errlen)
{
	md_buf b;
	FILE *f;
	char chunk[8192];
	size_t got;
	md_status st = MD_OK;

	*out = NULL;
	f = fopen(path, "rb");
	if (f == NULL) {
		int e = errno;

		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		return e == ENOENT ? MD_ENOTFOUND : MD_EIO;
	}
	md_buf_init(&b, MD_DNSBL_MAX_FILE);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((st = md_buf_append(&b, chunk, got)) != MD_OK)
			break;
	if (st == MD_OK && ferror(f))
		st = MD_EIO;
	fclose(f);
	if (st != MD_OK) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", path,
			         st == MD_ELIMIT ? "list file larger than 1 MiB" : md_status_str(st));
		md_buf_free(&b);
		return st;
	}
	st = md_dnsbl_lists_parse(b.p ? b.p : "", b.n, path, out, err, errlen);
	md_buf_free(&b);
	return st;
}

md_status md_dnsbl_lists_default(md_dnsbl_lists **out)
{
	return md_dnsbl_lists_parse(md_dnsbl_default_conf, strlen(md_dnsbl_default_conf),
	                            "built-in dnsbl.conf", out, NULL, 0);
}

const char *md_dnsbl_default_text(void)
{
	return md_dnsbl_default_conf;
}

void md_dnsbl_lists_free(md_dnsbl_lists *l)
{
	if (l == NULL)
		return;
	md_free(l->v);
	md_arena_free(l->arena);
	md_free(l);
}

size_t md_dnsbl_lists_count(const md_dnsbl_lists *l)
{
	return l ? l->n : 0;
}

bool md_dnsbl_list_get(const md_dnsbl_lists *l, size_t i, md_dnsbl_list_info *info)
{
	const struct dnsbl_list *e;

	if (l == NULL || i >= l->n)
		return false;
	e = &l->v[i];
	info->zone = e->zone;
	info->name = e->name;
	info->kind = e->kind;
	info->ipv6 = e->ipv6;
	info->weight = e->weight;
	info->delist = e->delist;
	info->info = e->info;
	info->ncodes = e->ncodes;
	return true;
}
