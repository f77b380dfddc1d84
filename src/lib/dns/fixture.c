/*
 * fixture.c - the offline resolver backend: answers from records held in
 * memory (loaded from RFC 1035 master files by zonefile.c, or added one
 * by one), the way a recursive resolver would report them.
 *
 * Answering QNAME/QTYPE:
 *   1. A fault on the name (any type, or QTYPE) ends the question with
 *      SERVFAIL, TIMEOUT or ERROR.
 *   2. The name has records: it is the answer node. Otherwise, a name with
 *      records below it is an empty non-terminal (RFC 8020: NODATA) when
 *      it lies at or below a zone apex (a SOA owner), or has at least two
 *      labels (records added without a zone). Otherwise the closest
 *      encloser's wildcard "*.<encloser>" answers when it exists (RFC 4592
 *      section 3.3.1, records take QNAME as owner); else NXDOMAIN.
 *   3. An answer node with a CNAME (and QTYPE is not CNAME) is followed:
 *      at most DNS_CNAME_HOPS_MAX hops, a loop or a longer chain ends as
 *      SERVFAIL like a recursive resolver's; the outcome is that of the
 *      last name (RFC 1034 section 3.6.2, RFC 2308 section 2.1).
 *   4. The QTYPE records of the node: ANSWER, or NODATA when none.
 * Zone cuts are not modelled: every loaded record answers.
 */
#include <string.h>

#include "core/alloc.h"
#include "dns/fixture.h"

/* Records per fixture: a loaded zone set is data a test wrote; this
 * bounds a hostile or runaway input (fuzzing, huge $INCLUDE loops). */
enum { FX_RECORDS_MAX = 1000000, FX_INITIAL_BUCKETS = 256 };

typedef struct fx_rec {
	struct fx_rec *next;
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t *rdata;
} fx_rec;

typedef struct fx_fault_t {
	struct fx_fault_t *next;
	uint16_t type;
	md_dns_outcome outcome;
} fx_fault_t;

typedef struct fx_node {
	struct fx_node *hnext;
	uint8_t *w;           /* wire name */
	size_t wlen;
	fx_rec *recs, **tail;
	size_t nrec;
	size_t ndesc;         /* records below this name */
	bool apex;            /* holds a SOA */
	fx_fault_t *faults;
} fx_node;

typedef struct fx_store {
	md_arena *arena;
	fx_node **tab;
	size_t tabsize, nnodes, nrec;
} fx_store;

static size_t hash_wire(const uint8_t *w, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ w[i]) * 1099511628211ULL;
	return (size_t)h;
}

static fx_node *node_find(fx_store *s, const uint8_t *w)
{
	size_t n = dns_name_wlen(w);
	fx_node *x = s->tab[hash_wire(w, n) % s->tabsize];

	for (; x != NULL; x = x->hnext)
		if (x->wlen == n && memcmp(x->w, w, n) == 0)
			return x;
	return NULL;
}

static void grow(fx_store *s)
{
	size_t n = s->tabsize * 2;
	fx_node **t = md_calloc(n, sizeof(*t));

	if (t == NULL)
		return;
	for (size_t i = 0; i < s->tabsize; i++) {
		fx_node *x, *next;

		for (x = s->tab[i]; x != NULL; x = next) {
			size_t h = hash_wire(x->w, x->wlen) % n;

			next = x->hnext;
			x->hnext = t[h];
			t[h] = x;
		}
	}
	md_free(s->tab);
	s->tab = t;
	s->tabsize = n;
}

static fx_node *node_get(fx_store *s, const uint8_t *w)
{
	fx_node *x = node_find(s, w);
	size_t n, h;

	if (x != NULL)
		return x;
	n = dns_name_wlen(w);
	x = md_arena_zalloc(s->arena, sizeof(*x));
	if (x == NULL || (x->w = md_arena_memdup(s->arena, w, n)) == NULL)
		return NULL;
	x->wlen = n;
	x->tail = &x->recs;
	if (s->nnodes >= s->tabsize)
		grow(s);
	h = hash_wire(w, n) % s->tabsize;
	x->hnext = s->tab[h];
	s->tab[h] = x;
	s->nnodes++;
	return x;
}

/* ---- backend ------------------------------------------------------------ */

static bool has_type(const fx_node *x, uint16_t type)
{
	for (const fx_rec *rc = x->recs; rc != NULL; rc = rc->next)
		if (rc->type == type)
			return true;
	return false;
}

/* At or below a zone apex? */
static bool in_zone(fx_store *s, const uint8_t *w)
{
	for (;;) {
		fx_node *x = node_find(s, w);

		if (x != NULL && x->apex)
			return true;
		if (*w == 0)
			return false;
		w += dns_name_parent_off(w);
	}
}

static bool exists_ent(fx_store *s, const fx_node *x)
{
	return x != NULL && x->nrec == 0 && x->ndesc > 0 &&
	       (in_zone(s, x->w) || dns_name_labels(x->w) >= 2);
}

/* The node that answers for W (maybe a wildcard), or NULL with *ENT set
 * when W is an empty non-terminal. */
static fx_node *answer_node(fx_store *s, const uint8_t *w, bool *ent)
{
	fx_node *x = node_find(s, w);
	const uint8_t *ce;
	uint8_t wild[DNS_NAME_WIRE_MAX + 2];

	*ent = false;
	if (x != NULL && x->nrec > 0)
		return x;
	if (exists_ent(s, x)) {
		*ent = true;
		return NULL;
	}
	if (*w == 0)
		return NULL;
	/* RFC 4592 section 3.3.1: closest encloser, then its wildcard */
	for (ce = w + dns_name_parent_off(w);; ce += dns_name_parent_off(ce)) {
		fx_node *c = node_find(s, ce);
		size_t n;

		if (c != NULL && (c->nrec > 0 || c->ndesc > 0)) {
			n = dns_name_wlen(ce);
			if (n + 2 > DNS_NAME_WIRE_MAX)
				return NULL;
			wild[0] = 1;
			wild[1] = '*';
			memcpy(wild + 2, ce, n);
			x = node_find(s, wild);
			return x != NULL && x->nrec > 0 ? x : NULL;
		}
		if (*ce == 0)
			return NULL;
	}
}

static const fx_fault_t *fault_for(fx_store *s, const uint8_t *w, uint16_t type)
{
	fx_node *x = node_find(s, w);

	if (x == NULL)
		return NULL;
	for (const fx_fault_t *f = x->faults; f != NULL; f = f->next)
		if (f->type == 0 || f->type == type)
			return f;
	return NULL;
}

static void fx_ask(md_resolver *r, dns_entry *e)
{
	fx_store *s = r->impl;
	const uint8_t *cur = e->name.w;
	const uint8_t *seen[DNS_CNAME_HOPS_MAX + 1];
	char text[DNS_NAME_TEXT_MAX];
	size_t hops = 0, n = 0, k;
	md_dns_rr *rrs;
	fx_node *x;
	bool ent;

	for (;;) {
		const fx_fault_t *f = fault_for(s, cur, e->type);
		const fx_rec *cn = NULL;

		if (f != NULL) {
			dns_fail(r, e, f->outcome, f->outcome == MD_DNS_SERVFAIL ? 2 : -1,
			         f->outcome == MD_DNS_TIMEOUT    ? "no answer in time (fixture fault)"
			         : f->outcome == MD_DNS_SERVFAIL ? "server failure (fixture fault)"
			                                         : "error (fixture fault)");
			break;
		}
		x = answer_node(s, cur, &ent);
		if (x != NULL && e->type != MD_DNS_CNAME)
			for (const fx_rec *rc = x->recs; rc != NULL && cn == NULL; rc = rc->next)
				if (rc->type == MD_DNS_CNAME)
					cn = rc;
		if (cn != NULL) {
			seen[hops] = cur;
			if (hops == DNS_CNAME_HOPS_MAX) {
				dns_fail(r, e, MD_DNS_SERVFAIL, 2, "CNAME chain too long");
				break;
			}
			cur = cn->rdata;
			for (k = 0; k <= hops; k++)
				if (dns_name_eq(seen[k], cur))
					break;
			hops++;
			if (k <= hops - 1) {
				dns_fail(r, e, MD_DNS_SERVFAIL, 2, "CNAME loop");
				break;
			}
			continue;
		}
		memset(&e->res, 0, sizeof(e->res));
		e->res.dnssec = MD_DNSSEC_INSECURE;
		e->res.ncname = hops;
		if (x == NULL) {
			e->res.outcome = ent ? MD_DNS_NODATA : MD_DNS_NXDOMAIN;
			e->res.rcode = ent ? 0 : 3;
			break;
		}
		for (const fx_rec *rc = x->recs; rc != NULL; rc = rc->next)
			if (rc->type == e->type)
				n++;
		e->res.rcode = 0;
		if (n == 0) {
			e->res.outcome = MD_DNS_NODATA;
			break;
		}
		rrs = md_arena_zalloc(r->arena, n * sizeof(*rrs));
		if (rrs == NULL) {
			dns_fail(r, e, MD_DNS_ERROR, -1, "out of memory");
			break;
		}
		dns_name_text(cur, text, sizeof(text));
		k = 0;
		for (const fx_rec *rc = x->recs; rc != NULL; rc = rc->next) {
			if (rc->type != e->type)
				continue;
			if (dns_rr_fill(r->arena, &rrs[k], text, rc->type, rc->ttl, rc->rdata,
			                rc->rdlen) != NULL) {
				dns_fail(r, e, MD_DNS_ERROR, -1, "out of memory");
				rrs = NULL;
				break;
			}
			k++;
		}
		if (rrs == NULL)
			break;
		e->res.outcome = MD_DNS_ANSWER;
		e->res.nrr = n;
		e->res.rr = rrs;
		break;
	}
	if (hops > 0 && e->res.canonical == NULL) {
		e->res.ncname = hops;
		e->res.canonical = md_arena_strdup(r->arena, dns_name_text(cur, text, sizeof(text)));
	}
	dns_complete(r, e);
}

static void fx_destroy(md_resolver *r)
{
	fx_store *s = r->impl;

	if (s == NULL)
		return;
	md_free(s->tab);
	md_arena_free(s->arena);
	md_free(s);
}

static const dns_backend fixture_backend = {
	.name = "fixture",
	.ask = fx_ask,
	.wait = NULL,
	.destroy = fx_destroy,
};

bool fx_is_fixture(const md_resolver *r)
{
	return r != NULL && r->be == &fixture_backend;
}

md_resolver *md_resolver_fixture_new(void)
{
	fx_store *s = md_calloc(1, sizeof(*s));
	md_resolver *r;

	if (s == NULL)
		return NULL;
	s->arena = md_arena_new();
	s->tabsize = FX_INITIAL_BUCKETS;
	s->tab = md_calloc(s->tabsize, sizeof(*s->tab));
	if (s->arena == NULL || s->tab == NULL || (r = dns_resolver_new(&fixture_backend, s)) == NULL) {
		md_arena_free(s->arena);
		md_free(s->tab);
		md_free(s);
		return NULL;
	}
	return r;
}

/* ---- loading ------------------------------------------------------------ */

/* DNSSEC records that may sit beside a CNAME (RFC 4035 section 2.5). */
static bool cname_companion(uint16_t t)
{
	return t == MD_DNS_RRSIG || t == 47 /* NSEC */ || t == MD_DNS_CNAME;
}

const char *fx_add(md_resolver *r, const dns_name *owner, uint16_t type, uint32_t ttl,
                   const uint8_t *rdata, size_t rdlen, bool strict)
{
	fx_store *s;
	fx_node *x;
	fx_rec *rc;
	const char *why;

	if (!fx_is_fixture(r))
		return "not a fixture resolver";
	s = r->impl;
	why = dns_rdata_check(type, rdata, rdlen);
	if (why != NULL)
		return why;
	if (s->nrec >= FX_RECORDS_MAX)
		return "too many records in the fixture";
	x = node_get(s, owner->w);
	if (x == NULL)
		return "out of memory";
	for (rc = x->recs; rc != NULL; rc = rc->next)
		if (rc->type == type && rc->rdlen == rdlen && memcmp(rc->rdata, rdata, rdlen) == 0)
			return NULL; /* RFC 2181 section 5: an RRset holds no duplicates */
	if (strict) {
		if (type == MD_DNS_CNAME && has_type(x, MD_DNS_CNAME))
			return "more than one CNAME at a name";
		for (rc = x->recs; rc != NULL; rc = rc->next)
			if ((type == MD_DNS_CNAME && !cname_companion(rc->type)) ||
			    (rc->type == MD_DNS_CNAME && !cname_companion(type)))
				return "CNAME and other data at the same name";
	}
	rc = md_arena_zalloc(s->arena, sizeof(*rc));
	if (rc == NULL || (rc->rdata = md_arena_memdup(s->arena, rdlen ? rdata : (const uint8_t *)"",
	                                               rdlen ? rdlen : 1)) == NULL)
		return "out of memory";
	rc->type = type;
	rc->ttl = ttl;
	rc->rdlen = (uint16_t)rdlen;
	if (x->nrec == 0) {
		/* a new name with data: count it in every ancestor */
		const uint8_t *w = owner->w;

		while (*w != 0) {
			fx_node *p;

			w += dns_name_parent_off(w);
			p = node_get(s, w);
			if (p == NULL)
				return "out of memory";
			p->ndesc++;
		}
	}
	*x->tail = rc;
	x->tail = &rc->next;
	x->nrec++;
	s->nrec++;
	if (type == MD_DNS_SOA)
		x->apex = true;
	return NULL;
}

const char *fx_fault(md_resolver *r, const dns_name *owner, uint16_t type, md_dns_outcome outcome)
{
	fx_store *s;
	fx_node *x;
	fx_fault_t *f;

	if (!fx_is_fixture(r))
		return "not a fixture resolver";
	if (outcome != MD_DNS_SERVFAIL && outcome != MD_DNS_TIMEOUT && outcome != MD_DNS_ERROR)
		return "a fault is servfail, timeout or error";
	s = r->impl;
	x = node_get(s, owner->w);
	f = x != NULL ? md_arena_zalloc(s->arena, sizeof(*f)) : NULL;
	if (f == NULL)
		return "out of memory";
	f->type = type;
	f->outcome = outcome;
	f->next = x->faults;
	x->faults = f;
	return NULL;
}

md_status md_resolver_fixture_add(md_resolver *r, const char *owner, uint16_t type, uint32_t ttl,
                                  const uint8_t *rdata, size_t rdlen)
{
	dns_name nm;
	const char *why;

	if (!fx_is_fixture(r) || owner == NULL || owner[0] == '\0' || (rdata == NULL && rdlen > 0) ||
	    rdlen > 65535 || type == 0)
		return MD_EINVAL;
	if (dns_name_parse(owner, strlen(owner), NULL, &nm) != NULL)
		return MD_EINVAL;
	why = fx_add(r, &nm, type, ttl, rdata, rdlen, false);
	if (why == NULL)
		return MD_OK;
	return strcmp(why, "out of memory") == 0 ? MD_ENOMEM
	       : strcmp(why, "too many records in the fixture") == 0 ? MD_ELIMIT
	                                                             : MD_EINVAL;
}

md_status md_resolver_fixture_fault(md_resolver *r, const char *owner, uint16_t type,
                                    md_dns_outcome outcome)
{
	dns_name nm;
	const char *why;

	if (!fx_is_fixture(r) || owner == NULL || owner[0] == '\0')
		return MD_EINVAL;
	if (dns_name_parse(owner, strlen(owner), NULL, &nm) != NULL)
		return MD_EINVAL;
	why = fx_fault(r, &nm, type, outcome);
	if (why == NULL)
		return MD_OK;
	return strcmp(why, "out of memory") == 0 ? MD_ENOMEM : MD_EINVAL;
}
