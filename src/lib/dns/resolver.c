/*
 * resolver.c - the resolver core every backend shares: the answer cache
 * (one entry per lower-cased name + type, kept for the resolver's life),
 * callbacks for questions in flight, record decoding (rdata -> md_dns_rr
 * views), presentation form of records, and type/outcome names.
 *
 * Names: a question's name is read in presentation form (escapes \DDD and
 * \X, optional trailing dot) and kept in the canonical form of
 * dns_name_text(): lower case, no trailing dot, special bytes escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"
#include "core/ip.h"
#include "core/num.h"
#include "dns/dns_internal.h"

enum { CACHE_INITIAL_BUCKETS = 64 };

/* ---- the cache ---------------------------------------------------------- */

md_resolver *dns_resolver_new(const dns_backend *be, void *impl)
{
	md_resolver *r = md_calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->be = be;
	r->impl = impl;
	r->arena = md_arena_new();
	r->tabsize = CACHE_INITIAL_BUCKETS;
	r->tab = md_calloc(r->tabsize, sizeof(*r->tab));
	if (r->arena == NULL || r->tab == NULL) {
		md_arena_free(r->arena);
		md_free(r->tab);
		md_free(r);
		return NULL;
	}
	return r;
}

void md_resolver_free(md_resolver *r)
{
	if (r == NULL)
		return;
	if (r->be != NULL && r->be->destroy != NULL)
		r->be->destroy(r);
	md_free(r->tab);
	md_arena_free(r->arena);
	md_free(r);
}

static size_t hash_key(const char *key, uint16_t type)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h = (h ^ (type & 0xff)) * 1099511628211ULL;
	h = (h ^ (type >> 8)) * 1099511628211ULL;
	return (size_t)h;
}

static dns_entry *cache_find(md_resolver *r, const char *key, uint16_t type)
{
	dns_entry *e = r->tab[hash_key(key, type) % r->tabsize];

	for (; e != NULL; e = e->hnext)
		if (e->type == type && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void cache_grow(md_resolver *r)
{
	size_t n = r->tabsize * 2;
	dns_entry **t = md_calloc(n, sizeof(*t));

	if (t == NULL)
		return; /* keep the longer chains; still correct */
	for (size_t i = 0; i < r->tabsize; i++) {
		dns_entry *e, *next;

		for (e = r->tab[i]; e != NULL; e = next) {
			size_t h = hash_key(e->key, e->type) % n;

			next = e->hnext;
			e->hnext = t[h];
			t[h] = e;
		}
	}
	md_free(r->tab);
	r->tab = t;
	r->tabsize = n;
}

static void call_waiters(dns_entry *e)
{
	/* Detach first: a callback may submit more questions (even this one). */
	dns_waiter *w = e->waiters, *next;

	e->waiters = NULL;
	e->wtail = &e->waiters;
	for (; w != NULL; w = next) {
		next = w->next;
		if (w->cb != NULL)
			w->cb(w->ud, &e->res);
	}
}

void dns_complete(md_resolver *r, dns_entry *e)
{
	if (e->done)
		return;
	e->done = true;
	e->res.qname = e->key;
	e->res.qtype = e->type;
	if (e->res.canonical == NULL)
		e->res.canonical = e->key;
	if (e->res.outcome != MD_DNS_ANSWER) {
		e->res.nrr = 0;
	}
	if (r->pending > 0)
		r->pending--;
	call_waiters(e);
}

void dns_fail(md_resolver *r, dns_entry *e, md_dns_outcome o, int rcode, const char *why)
{
	memset(&e->res, 0, sizeof(e->res));
	e->res.outcome = o;
	e->res.dnssec = MD_DNSSEC_INSECURE;
	e->res.rcode = rcode;
	if (why != NULL) {
		e->res.why = md_arena_strdup(r->arena, why);
		if (e->res.why == NULL)
			e->res.why = "out of memory";
	}
}

static md_status add_waiter(md_resolver *r, dns_entry *e, md_dns_cb cb, void *ud)
{
	dns_waiter *w = md_arena_zalloc(r->arena, sizeof(*w));

	if (w == NULL)
		return MD_ENOMEM;
	w->cb = cb;
	w->ud = ud;
	*e->wtail = w;
	e->wtail = &w->next;
	return MD_OK;
}

md_status md_dns_submit(md_resolver *r, const char *name, uint16_t type, md_dns_cb cb, void *ud)
{
	char key[DNS_NAME_TEXT_MAX];
	dns_name qn;
	const char *why;
	dns_entry *e;
	size_t h;

	if (r == NULL || name == NULL || name[0] == '\0')
		return MD_EINVAL;
	why = dns_name_parse(name, strlen(name), NULL, &qn);
	if (why != NULL) {
		/* A name no DNS message can carry: an ERROR result, not a status,
		 * so a check treats a computed bad name (SPF macros, DNSBL
		 * names) like any other failed question. Not cached. */
		md_dns_result *res = md_arena_zalloc(r->arena, sizeof(*res));
		char *q = md_arena_strdup(r->arena, name);

		if (res == NULL || q == NULL)
			return MD_ENOMEM;
		for (char *p = q; *p != '\0'; p++)
			*p = (char)md_tolower((unsigned char)*p);
		res->qname = q;
		res->canonical = q;
		res->qtype = type;
		res->outcome = MD_DNS_ERROR;
		res->rcode = -1;
		res->why = md_arena_printf(r->arena, "invalid name: %s", why);
		if (res->why == NULL)
			res->why = "invalid name";
		if (cb != NULL)
			cb(ud, res);
		return MD_OK;
	}
	dns_name_text(qn.w, key, sizeof(key));
	e = cache_find(r, key, type);
	if (e != NULL) {
		if (e->done) {
			if (cb != NULL)
				cb(ud, &e->res);
			return MD_OK;
		}
		return add_waiter(r, e, cb, ud);
	}
	e = md_arena_zalloc(r->arena, sizeof(*e));
	if (e == NULL || (e->key = md_arena_strdup(r->arena, key)) == NULL)
		return MD_ENOMEM;
	e->name = qn;
	e->type = type;
	e->wtail = &e->waiters;
	e->res.rcode = -1;
	if (add_waiter(r, e, cb, ud) != MD_OK)
		return MD_ENOMEM;
	if (r->nentries >= r->tabsize)
		cache_grow(r);
	h = hash_key(key, type) % r->tabsize;
	e->hnext = r->tab[h];
	r->tab[h] = e;
	r->nentries++;
	r->sent++;
	r->pending++;
	r->be->ask(r, e);
	return MD_OK;
}

md_status md_dns_wait(md_resolver *r)
{
	if (r == NULL)
		return MD_EINVAL;
	if (r->pending == 0 || r->be->wait == NULL)
		return MD_OK;
	return r->be->wait(r);
}

static void keep_result(void *ud, const md_dns_result *res)
{
	*(const md_dns_result **)ud = res;
}

md_status md_dns_query(md_resolver *r, const char *name, uint16_t type, const md_dns_result **out)
{
	const md_dns_result *res = NULL;
	md_status st;

	if (out == NULL)
		return MD_EINVAL;
	*out = NULL;
	st = md_dns_submit(r, name, type, keep_result, &res);
	if (st != MD_OK)
		return st;
	if (res == NULL) {
		st = md_dns_wait(r);
		if (st != MD_OK)
			return st;
	}
	if (res == NULL)
		return MD_EINTERNAL;
	*out = res;
	return MD_OK;
}

size_t md_resolver_queries_sent(const md_resolver *r)
{
	return r == NULL ? 0 : r->sent;
}

bool md_dns_failed(const md_dns_result *res)
{
	return res == NULL || res->outcome == MD_DNS_SERVFAIL || res->outcome == MD_DNS_TIMEOUT ||
	       res->outcome == MD_DNS_ERROR;
}

/* ---- names of types and outcomes ---------------------------------------- */

static const struct {
	uint16_t type;
	const char *name;
} type_names[] = {
	{1, "A"},        {2, "NS"},        {5, "CNAME"},     {6, "SOA"},
	{12, "PTR"},     {13, "HINFO"},    {15, "MX"},       {16, "TXT"},
	{17, "RP"},      {18, "AFSDB"},    {28, "AAAA"},     {29, "LOC"},
	{33, "SRV"},     {35, "NAPTR"},    {37, "CERT"},     {39, "DNAME"},
	{41, "OPT"},     {43, "DS"},       {44, "SSHFP"},    {46, "RRSIG"},
	{47, "NSEC"},    {48, "DNSKEY"},   {50, "NSEC3"},    {51, "NSEC3PARAM"},
	{52, "TLSA"},    {53, "SMIMEA"},   {59, "CDS"},      {60, "CDNSKEY"},
	{61, "OPENPGPKEY"}, {64, "SVCB"},  {65, "HTTPS"},    {99, "SPF"},
	{108, "EUI48"},  {109, "EUI64"},   {249, "TKEY"},    {250, "TSIG"},
	{252, "AXFR"},   {255, "ANY"},     {256, "URI"},     {257, "CAA"},
};

const char *md_dns_type_name(uint16_t type, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	if (buf == NULL || len == 0)
		return "TYPE?";
	snprintf(buf, len, "TYPE%u", (unsigned)type);
	return buf;
}

uint16_t md_dns_type_parse(const char *s)
{
	uint64_t v;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (md_str_ieq_c(md_str_c(s), type_names[i].name))
			return type_names[i].type;
	if (md_str_istarts(md_str_c(s), "TYPE"))
		s += 4;
	if (md_parse_uint_c(s, 65535, &v) && v > 0)
		return (uint16_t)v;
	return 0;
}

const char *md_dns_outcome_name(md_dns_outcome o)
{
	switch (o) {
	case MD_DNS_ANSWER: return "answer";
	case MD_DNS_NXDOMAIN: return "nxdomain";
	case MD_DNS_NODATA: return "nodata";
	case MD_DNS_SERVFAIL: return "servfail";
	case MD_DNS_TIMEOUT: return "timeout";
	case MD_DNS_ERROR: return "error";
	}
	return "error";
}

const char *md_dnssec_name(md_dnssec d)
{
	switch (d) {
	case MD_DNSSEC_SECURE: return "secure";
	case MD_DNSSEC_BOGUS: return "bogus";
	case MD_DNSSEC_INSECURE: break;
	}
	return "insecure";
}

/* ---- rdata: checking, decoding, presentation ----------------------------- */

/* Rdata layout of the types decoded here: a list of fields. */
enum fld { F_END, F_U8, F_U16, F_U32, F_NAME, F_A, F_AAAA, F_STRINGS, F_REST, F_STRING };

static const struct {
	uint16_t type;
	enum fld f[8];
} layouts[] = {
	{MD_DNS_A, {F_A}},
	{MD_DNS_AAAA, {F_AAAA}},
	{MD_DNS_NS, {F_NAME}},
	{MD_DNS_CNAME, {F_NAME}},
	{MD_DNS_PTR, {F_NAME}},
	{MD_DNS_DNAME, {F_NAME}},
	{MD_DNS_MX, {F_U16, F_NAME}},
	{MD_DNS_SOA, {F_NAME, F_NAME, F_U32, F_U32, F_U32, F_U32, F_U32}},
	{MD_DNS_TXT, {F_STRINGS}},
	{MD_DNS_SPF, {F_STRINGS}},
	{MD_DNS_SRV, {F_U16, F_U16, F_U16, F_NAME}},
	{MD_DNS_TLSA, {F_U8, F_U8, F_U8, F_REST}},
	{MD_DNS_CAA, {F_U8, F_STRING, F_REST}},
	{MD_DNS_DS, {F_U16, F_U8, F_U8, F_REST}},
	{MD_DNS_DNSKEY, {F_U16, F_U8, F_U8, F_REST}},
	{13 /* HINFO */, {F_STRING, F_STRING}},
	{44 /* SSHFP */, {F_U8, F_U8, F_REST}},
};

static const enum fld *layout_of(uint16_t type)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].type == type)
			return layouts[i].f;
	return NULL;
}

const char *dns_rdata_check(uint16_t type, const uint8_t *rd, size_t len)
{
	const enum fld *f = layout_of(type);
	size_t o = 0;

	if (len > 65535)
		return "rdata longer than 65535 octets";
	if (f == NULL)
		return NULL;
	for (; *f != F_END; f++) {
		dns_name nm;
		size_t used;
		const char *why;

		switch (*f) {
		case F_U8: o += 1; break;
		case F_U16: o += 2; break;
		case F_U32: o += 4; break;
		case F_A: o += 4; if (len != 4) return "A rdata is not 4 octets"; break;
		case F_AAAA: o += 16; if (len != 16) return "AAAA rdata is not 16 octets"; break;
		case F_NAME:
			if (o >= len)
				return "rdata too short";
			why = dns_name_from_wire(rd + o, len - o, &nm, &used);
			if (why != NULL)
				return why;
			o += used;
			break;
		case F_STRING:
			if (o >= len)
				return "rdata too short";
			o += 1 + (size_t)rd[o];
			break;
		case F_STRINGS:
			while (o < len)
				o += 1 + (size_t)rd[o];
			break;
		case F_REST: o = len; break;
		case F_END: break;
		}
		if (o > len)
			return "rdata too short";
	}
	if (o != len)
		return "rdata has trailing octets";
	return NULL;
}

static const char *arena_name(md_arena *a, const uint8_t *w)
{
	char buf[DNS_NAME_TEXT_MAX];

	return md_arena_strdup(a, dns_name_text(w, buf, sizeof(buf)));
}

const char *dns_rr_fill(md_arena *a, md_dns_rr *rr, const char *owner, uint16_t type,
                        uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	const char *why = dns_rdata_check(type, rdata, rdlen);
	uint8_t *rd;

	memset(rr, 0, sizeof(*rr));
	if (why != NULL)
		return why;
	rd = md_arena_memdup(a, rdlen ? rdata : (const uint8_t *)"", rdlen ? rdlen : 1);
	rr->owner = md_arena_strdup(a, owner);
	if (rd == NULL || rr->owner == NULL)
		return "out of memory";
	rr->type = type;
	rr->ttl = ttl;
	rr->rdata = rd;
	rr->rdlen = (uint16_t)rdlen;
	switch (type) {
	case MD_DNS_A:
		memcpy(rr->addr, rd, 4);
		break;
	case MD_DNS_AAAA:
		memcpy(rr->addr, rd, 16);
		break;
	case MD_DNS_NS: case MD_DNS_CNAME: case MD_DNS_PTR: case MD_DNS_DNAME: case MD_DNS_SOA:
		rr->name = arena_name(a, rd);
		break;
	case MD_DNS_MX:
		rr->pref = (uint16_t)(rd[0] << 8 | rd[1]);
		rr->name = arena_name(a, rd + 2);
		break;
	case MD_DNS_SRV:
		rr->pref = (uint16_t)(rd[0] << 8 | rd[1]);
		rr->weight = (uint16_t)(rd[2] << 8 | rd[3]);
		rr->port = (uint16_t)(rd[4] << 8 | rd[5]);
		rr->name = arena_name(a, rd + 6);
		break;
	case MD_DNS_TXT: case MD_DNS_SPF: {
		size_t n = 0, o;
		const uint8_t **txt;
		uint8_t *lens;

		for (o = 0; o < rdlen; o += 1 + (size_t)rd[o])
			n++;
		txt = md_arena_zalloc(a, (n ? n : 1) * sizeof(*txt));
		lens = md_arena_zalloc(a, n ? n : 1);
		if (txt == NULL || lens == NULL)
			return "out of memory";
		n = 0;
		for (o = 0; o < rdlen; o += 1 + (size_t)rd[o]) {
			txt[n] = rd + o + 1;
			lens[n] = rd[o];
			n++;
		}
		rr->ntxt = n;
		rr->txt = txt;
		rr->txtlen = lens;
		break;
	}
	default:
		break;
	}
	if ((type == MD_DNS_MX || type == MD_DNS_SRV || type == MD_DNS_NS || type == MD_DNS_CNAME ||
	     type == MD_DNS_PTR || type == MD_DNS_DNAME || type == MD_DNS_SOA) &&
	    rr->name == NULL)
		return "out of memory";
	return NULL;
}

static void put_string(md_buf *b, const uint8_t *p, size_t n)
{
	md_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			md_buf_putc(b, '\\');
			md_buf_putc(b, (char)p[i]);
		} else if (p[i] >= 0x20 && p[i] < 0x7f)
			md_buf_putc(b, (char)p[i]);
		else
			md_buf_printf(b, "\\%03u", (unsigned)p[i]);
	}
	md_buf_putc(b, '"');
}

static void put_hex(md_buf *b, const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		md_buf_putc(b, hx[p[i] >> 4]);
		md_buf_putc(b, hx[p[i] & 15]);
	}
}

static void put_base64(md_buf *b, const uint8_t *p, size_t n)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		md_buf_putc(b, b64[v >> 18 & 63]);
		md_buf_putc(b, b64[v >> 12 & 63]);
		md_buf_putc(b, i + 1 < n ? b64[v >> 6 & 63] : '=');
		md_buf_putc(b, i + 2 < n ? b64[v & 63] : '=');
	}
}

static void put_name(md_buf *b, const uint8_t *w)
{
	char buf[DNS_NAME_TEXT_MAX];

	md_buf_puts(b, dns_name_text(w, buf, sizeof(buf)));
	md_buf_putc(b, '.');
}

/* Largest presentation form: 65535 octets of rdata as \DDD or hex. */
enum { RR_TEXT_MAX = 4 * 65536 + 64 };

char *md_dns_rr_text(const md_dns_rr *rr)
{
	const enum fld *f;
	md_buf b;
	size_t o = 0;

	if (rr == NULL)
		return NULL;
	md_buf_init(&b, RR_TEXT_MAX);
	f = layout_of(rr->type);
	if (f == NULL || dns_rdata_check(rr->type, rr->rdata, rr->rdlen) != NULL) {
		/* RFC 3597 section 5 generic form */
		md_buf_printf(&b, "\\# %u", (unsigned)rr->rdlen);
		if (rr->rdlen > 0) {
			md_buf_putc(&b, ' ');
			put_hex(&b, rr->rdata, rr->rdlen);
		}
	} else {
		const uint8_t *rd = rr->rdata;

		for (; *f != F_END; f++) {
			if (b.n > 0 && *f != F_REST)
				md_buf_putc(&b, ' ');
			switch (*f) {
			case F_U8:
				md_buf_printf(&b, "%u", (unsigned)rd[o]);
				o += 1;
				break;
			case F_U16:
				md_buf_printf(&b, "%u", (unsigned)(rd[o] << 8 | rd[o + 1]));
				o += 2;
				break;
			case F_U32:
				md_buf_printf(&b, "%lu", (unsigned long)((uint32_t)rd[o] << 24 |
				                                         (uint32_t)rd[o + 1] << 16 |
				                                         (uint32_t)rd[o + 2] << 8 | rd[o + 3]));
				o += 4;
				break;
			case F_A:
			case F_AAAA: {
				md_ip ip;
				char ipb[64];

				md_ip_from_bytes(&ip, *f == F_A ? 4 : 6, rd);
				md_buf_puts(&b, md_ip_str(&ip, ipb, sizeof(ipb)));
				o = rr->rdlen;
				break;
			}
			case F_NAME:
				put_name(&b, rd + o);
				o += dns_name_wlen(rd + o);
				break;
			case F_STRING:
				if (rr->type == MD_DNS_CAA) {
					/* tag: bare */
					md_buf_append(&b, rd + o + 1, rd[o]);
				} else {
					put_string(&b, rd + o + 1, rd[o]);
				}
				o += 1 + (size_t)rd[o];
				break;
			case F_STRINGS: {
				bool first = true;

				while (o < rr->rdlen) {
					if (!first)
						md_buf_putc(&b, ' ');
					put_string(&b, rd + o + 1, rd[o]);
					o += 1 + (size_t)rd[o];
					first = false;
				}
				break;
			}
			case F_REST:
				if (rr->type == MD_DNS_CAA) {
					md_buf_putc(&b, ' ');
					put_string(&b, rd + o, rr->rdlen - o);
				} else if (o < rr->rdlen) {
					md_buf_putc(&b, ' ');
					if (rr->type == MD_DNS_DNSKEY)
						put_base64(&b, rd + o, rr->rdlen - o);
					else
						put_hex(&b, rd + o, rr->rdlen - o);
				}
				o = rr->rdlen;
				break;
			case F_END:
				break;
			}
		}
	}
	if (b.err != MD_OK) {
		md_buf_free(&b);
		return NULL;
	}
	/* md_malloc is malloc underneath: the caller may free() it */
	return md_buf_steal(&b);
}
