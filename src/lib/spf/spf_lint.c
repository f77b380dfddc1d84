/*
 * spf_lint.c - md_check_spf(): lint a domain's SPF without a client IP.
 *
 * Resolve: the record of the domain and, breadth first, of every include
 * and redirect target (each level's TXT questions in flight together),
 * then the addresses of every a and mx term (one wave for A/AAAA/MX, one
 * for the MX hosts). Targets with macros that depend on the client (i, c,
 * p, v, h, l, s) cannot be resolved without one and are reported as such.
 *
 * Count: walk the tree in evaluation order, as an evaluation that matches
 * nothing would (the worst case every receiver may hit), numbering each
 * DNS-querying term, stopping each record at its first "all" (later terms
 * are never evaluated) and following redirect only without "all" (RFC
 * 7208 sections 4.6.4, 5.1, 6.1). The 11th term is named with its chain.
 *
 * Flatten: every range the policy authorises (ip4/ip6, the addresses of
 * a/mx, included records), and an equivalent record within the limits,
 * split into 255-byte strings and, past SPF_FLAT_MAX_RECORD bytes, into
 * sub-records; with what goes stale when a provider changes its ranges.
 *
 * Limits: at most SPF_LINT_MAX_RECORDS records are fetched, at most
 * SPF_LINT_MAX_RANGES ranges are collected.
 */
#include "spf_internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/report_internal.h"

/* Records fetched for one lint (a legitimate tree is far smaller: the
 * 10-term limit allows at most 10 includes to be evaluated). */
#define SPF_LINT_MAX_RECORDS 64
/* Ranges collected for the flattening aid. */
#define SPF_LINT_MAX_RANGES 2048
/* A flattened record stays below this size so that the answer, with the
 * question and other TXT records, fits a 512-byte UDP reply. */
#define SPF_FLAT_MAX_RECORD 450
/* A record whose TXT answer is larger than this is close to 512 bytes. */
#define SPF_UDP_NEAR 450
/* A character-string this long is close to the 255-byte limit. */
#define SPF_STRING_NEAR 240
/* ip4 shorter than /16, ip6 shorter than /32: "overly broad". */
#define SPF_BROAD_IP4 16
#define SPF_BROAD_IP6 32

typedef enum lstate {
	L_PENDING = 0,
	L_OK,       /* one valid record */
	L_NONE,     /* no v=spf1 record (NXDOMAIN, NODATA, none) */
	L_MULTI,    /* several v=spf1 records */
	L_SYNTAX,   /* syntax error */
	L_DNSFAIL,  /* timeout, SERVFAIL */
	L_LOOP,     /* the target is an ancestor */
	L_DYNAMIC,  /* the target depends on the client */
	L_BADNAME,  /* the target is not a domain name */
	L_SKIPPED   /* over SPF_LINT_MAX_RECORDS */
} lstate;

typedef struct addrq {
	const md_dns_result *a, *aaaa, *mx; /* answers for a term's target */
	const md_dns_result **host_a, **host_aaaa; /* per MX host */
	size_t nhosts;
	const char *target;
	bool dynamic;
} addrq;

typedef struct lnode {
	const char *domain;
	const char *via;        /* term text that led here, NULL at the root */
	spf_kind via_kind;
	struct lnode *parent;
	int depth;
	lstate state;
	const md_dns_result *txt;
	const char *text;
	spf_record rec;
	uint32_t ttl;
	size_t *bounds;         /* offsets where a character-string starts */
	size_t nbounds;
	struct lnode **kid;     /* per term: include/redirect child or NULL */
	addrq *aq;              /* per term: a/mx/exists answers */
	unsigned cost;          /* terms counted in this record and below */
	bool flattenable;       /* only pass-qualified ranges, a, mx, includes */
} lnode;

typedef struct counted {
	lnode *n;
	size_t term;
	unsigned number;
} counted;

typedef struct lint {
	md_arena *a;
	md_resolver *res;
	md_report *r;
	const char *domain;
	spf_macro_ctx mctx;
	lnode *root;
	lnode *all[SPF_LINT_MAX_RECORDS];
	size_t nall;
	bool nodes_capped;
	counted *order;         /* counted terms in evaluation order */
	size_t norder, caporder;
	unsigned void4, void6;
	md_status st;
	unsigned max_lookups, max_void;
} lint;

/* --- helpers --- */

static const char *lfmt(lint *L, const char *fmt, ...) MD_PRINTF(2, 3);
static const char *lfmt(lint *L, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = md_arena_vprintf(L->a, fmt, ap);
	va_end(ap);
	if (s == NULL)
		L->st = MD_ENOMEM;
	return s ? s : "";
}

static const char *term_text(lint *L, const lnode *n, size_t i)
{
	const spf_term *t = &n->rec.terms[i];
	char *s = md_arena_strndup(L->a, n->rec.text + t->off, t->len);

	if (s == NULL)
		L->st = MD_ENOMEM;
	return s ? s : "";
}

static void cb_store(void *ud, const md_dns_result *res)
{
	*(const md_dns_result **)ud = res;
}

static void submit(lint *L, const char *name, uint16_t type, const md_dns_result **slot)
{
	md_status st;

	*slot = NULL;
	st = md_dns_submit(L->res, name, type, cb_store, (void *)slot);
	if (st == MD_ENOMEM)
		L->st = MD_ENOMEM;
}

static bool has_data(const md_dns_result *r)
{
	return r != NULL && r->outcome == MD_DNS_ANSWER && r->nrr > 0;
}

/* A domain-spec that needs the client's address, HELO or local-part. */
static bool spec_dynamic(md_str s)
{
	size_t i;

	for (i = 0; i + 2 < s.n; i++)
		if (s.p[i] == '%' && s.p[i + 1] == '{') {
			int c = md_tolower((unsigned char)s.p[i + 2]);

			if (c != 'd' && c != 'o')
				return true;
		}
	return false;
}

static const char *expand_static(lint *L, const spf_term *t, const char *domain)
{
	md_buf b;
	size_t eo, i;
	const char *why, *out = NULL;

	if (t->spec.p == NULL)
		return domain;
	L->mctx.domain = domain;
	md_buf_init(&b, SPF_MAX_EXPANSION);
	if (spf_macro_expand(&L->mctx, t->spec.p, t->spec.n, false, &b, &eo, &why) == MD_OK &&
	    spf_domain_finish(&b)) {
		for (i = 0; i < b.n; i++)
			b.p[i] = (char)md_tolower((unsigned char)b.p[i]);
		out = md_arena_strndup(L->a, b.p, b.n);
		if (out == NULL)
			L->st = MD_ENOMEM;
	}
	if (b.err == MD_ENOMEM)
		L->st = MD_ENOMEM;
	md_buf_free(&b);
	return out;
}

static bool ancestor(const lnode *n, const char *domain)
{
	for (; n != NULL; n = n->parent)
		if (strcmp(n->domain, domain) == 0)
			return true;
	return false;
}

static lnode *new_node(lint *L, lnode *parent, const char *domain, const char *via,
                       spf_kind kind)
{
	lnode *n = md_arena_zalloc(L->a, sizeof(*n));

	if (n == NULL) {
		L->st = MD_ENOMEM;
		return NULL;
	}
	n->domain = domain;
	n->via = via;
	n->via_kind = kind;
	n->parent = parent;
	n->depth = parent ? parent->depth + 1 : 0;
	if (L->nall == SPF_LINT_MAX_RECORDS) {
		n->state = L_SKIPPED;
		L->nodes_capped = true;
	} else {
		L->all[L->nall++] = n;
	}
	return n;
}

/* Select and parse the record of N from its TXT answer. */
static void take_record(lint *L, lnode *n)
{
	const md_dns_result *r = n->txt;
	const md_dns_rr *found = NULL;
	size_t i, k, nfound = 0, len = 0;
	char *p;

	if (r == NULL) {
		n->state = L_BADNAME;
		return;
	}
	if (md_dns_failed(r)) {
		n->state = L_DNSFAIL;
		return;
	}
	for (i = 0; i < r->nrr; i++) {
		const md_dns_rr *rr = &r->rr[i];
		char head[7];
		size_t hn = 0;

		if (rr->type != MD_DNS_TXT)
			continue;
		for (k = 0; k < rr->ntxt && hn < sizeof(head); k++) {
			size_t take = rr->txtlen[k] < sizeof(head) - hn ? rr->txtlen[k] : sizeof(head) - hn;

			memcpy(head + hn, rr->txt[k], take);
			hn += take;
		}
		if (spf_is_v1(head, hn)) {
			found = rr;
			nfound++;
		}
	}
	if (nfound == 0) {
		n->state = L_NONE;
		return;
	}
	for (k = 0; k < found->ntxt; k++)
		len += found->txtlen[k];
	p = md_arena_alloc(L->a, len + 1);
	if (p == NULL) {
		L->st = MD_ENOMEM;
		n->state = L_NONE;
		return;
	}
	len = 0;
	if (found->ntxt > 1) {
		n->bounds = md_arena_alloc(L->a, found->ntxt * sizeof(*n->bounds));
		if (n->bounds == NULL)
			L->st = MD_ENOMEM;
	}
	for (k = 0; k < found->ntxt; k++) {
		if (n->bounds != NULL && k > 0)
			n->bounds[n->nbounds++] = len;
		memcpy(p + len, found->txt[k], found->txtlen[k]);
		len += found->txtlen[k];
	}
	p[len] = '\0';
	n->text = p;
	n->ttl = found->ttl;
	if (nfound > 1) {
		n->state = L_MULTI;
		return;
	}
	if (spf_parse(L->a, p, len, &n->rec) != MD_OK) {
		L->st = MD_ENOMEM;
		n->state = L_NONE;
		return;
	}
	n->state = n->rec.bad ? L_SYNTAX : L_OK;
}

/* Make children for N's include/redirect terms and queue a/mx lookups. */
static void expand_node(lint *L, lnode *n, lnode **next, size_t *nnext, size_t capnext)
{
	size_t i;

	if (n->rec.nterms == 0)
		return;
	n->kid = md_arena_zalloc(L->a, n->rec.nterms * sizeof(*n->kid));
	n->aq = md_arena_zalloc(L->a, n->rec.nterms * sizeof(*n->aq));
	if (n->kid == NULL || n->aq == NULL) {
		L->st = MD_ENOMEM;
		return;
	}
	for (i = 0; i < n->rec.nterms; i++) {
		const spf_term *t = &n->rec.terms[i];
		const char *target;
		lnode *k;

		switch (t->kind) {
		case SPF_T_INCLUDE:
		case SPF_T_REDIRECT:
			if (t->kind == SPF_T_REDIRECT && n->rec.all >= 0)
				break; /* ignored (section 6.1) */
			if (spec_dynamic(t->spec)) {
				k = new_node(L, n, "", term_text(L, n, i), t->kind);
				if (k)
					k->state = L_DYNAMIC;
				n->kid[i] = k;
				break;
			}
			target = expand_static(L, t, n->domain);
			k = new_node(L, n, target ? target : "", term_text(L, n, i), t->kind);
			n->kid[i] = k;
			if (k == NULL || k->state == L_SKIPPED)
				break;
			if (target == NULL)
				k->state = L_BADNAME;
			else if (ancestor(n, target))
				k->state = L_LOOP;
			else if (*nnext < capnext)
				next[(*nnext)++] = k;
			else
				k->state = L_SKIPPED;
			break;
		case SPF_T_A:
		case SPF_T_MX:
		case SPF_T_EXISTS:
			if (spec_dynamic(t->spec)) {
				n->aq[i].dynamic = true;
				break;
			}
			n->aq[i].target = expand_static(L, t, n->domain);
			break;
		default:
			break;
		}
	}
}

static void resolve_tree(lint *L)
{
	lnode *level[SPF_LINT_MAX_RECORDS], *next[SPF_LINT_MAX_RECORDS];
	size_t nlevel = 1, nnext, i, j, k;

	level[0] = L->root;
	while (nlevel > 0 && L->st == MD_OK) {
		for (i = 0; i < nlevel; i++)
			submit(L, level[i]->domain, MD_DNS_TXT, &level[i]->txt);
		if (md_dns_wait(L->res) == MD_ENOMEM)
			L->st = MD_ENOMEM;
		nnext = 0;
		for (i = 0; i < nlevel; i++) {
			take_record(L, level[i]);
			if (level[i]->state == L_OK)
				expand_node(L, level[i], next, &nnext, SPF_LINT_MAX_RECORDS);
		}
		memcpy(level, next, nnext * sizeof(*next));
		nlevel = nnext;
	}
	/* Addresses of a/mx/exists targets, all at once; then MX hosts. */
	for (i = 0; i < L->nall; i++) {
		lnode *n = L->all[i];

		if (n->state != L_OK)
			continue;
		for (j = 0; j < n->rec.nterms; j++) {
			addrq *q = &n->aq[j];

			if (q->target == NULL)
				continue;
			switch (n->rec.terms[j].kind) {
			case SPF_T_A:
				submit(L, q->target, MD_DNS_A, &q->a);
				submit(L, q->target, MD_DNS_AAAA, &q->aaaa);
				break;
			case SPF_T_MX:
				submit(L, q->target, MD_DNS_MX, &q->mx);
				break;
			case SPF_T_EXISTS:
				submit(L, q->target, MD_DNS_A, &q->a);
				break;
			default:
				break;
			}
		}
	}
	if (md_dns_wait(L->res) == MD_ENOMEM)
		L->st = MD_ENOMEM;
	for (i = 0; i < L->nall; i++) {
		lnode *n = L->all[i];

		if (n->state != L_OK)
			continue;
		for (j = 0; j < n->rec.nterms; j++) {
			addrq *q = &n->aq[j];

			if (q->mx == NULL || !has_data(q->mx))
				continue;
			q->nhosts = q->mx->nrr;
			q->host_a = md_arena_zalloc(L->a, q->nhosts * sizeof(*q->host_a));
			q->host_aaaa = md_arena_zalloc(L->a, q->nhosts * sizeof(*q->host_aaaa));
			if (q->host_a == NULL || q->host_aaaa == NULL) {
				L->st = MD_ENOMEM;
				q->nhosts = 0;
				continue;
			}
			for (k = 0; k < q->nhosts && k < SPF_MAX_MX_NAMES; k++) {
				const char *h = q->mx->rr[k].name;

				if (h == NULL || h[0] == '\0')
					continue;
				submit(L, h, MD_DNS_A, &q->host_a[k]);
				submit(L, h, MD_DNS_AAAA, &q->host_aaaa[k]);
			}
		}
	}
	if (md_dns_wait(L->res) == MD_ENOMEM)
		L->st = MD_ENOMEM;
}

/* --- counting in evaluation order --- */

static void add_counted(lint *L, lnode *n, size_t term, unsigned number)
{
	if (L->norder == L->caporder) {
		size_t cap = L->caporder ? L->caporder * 2 : 32;
		counted *c = md_realloc(L->order, cap * sizeof(*c));

		if (c == NULL) {
			L->st = MD_ENOMEM;
			return;
		}
		L->order = c;
		L->caporder = cap;
	}
	L->order[L->norder].n = n;
	L->order[L->norder].term = term;
	L->order[L->norder].number = number;
	L->norder++;
}

/* Void lookups a term would cost an IPv4 and an IPv6 client. */
static void term_voids(const spf_term *t, const addrq *q, unsigned *v4, unsigned *v6)
{
	size_t k;

	*v4 = *v6 = 0;
	if (q->target == NULL)
		return;
	switch (t->kind) {
	case SPF_T_A:
		*v4 = !has_data(q->a) && q->a && !md_dns_failed(q->a);
		*v6 = !has_data(q->aaaa) && q->aaaa && !md_dns_failed(q->aaaa);
		break;
	case SPF_T_EXISTS:
		*v4 = *v6 = !has_data(q->a) && q->a && !md_dns_failed(q->a);
		break;
	case SPF_T_MX:
		if (q->mx && !has_data(q->mx) && !md_dns_failed(q->mx)) {
			*v4 = *v6 = 1;
			break;
		}
		for (k = 0; k < q->nhosts && k < SPF_MAX_MX_NAMES; k++) {
			if (q->host_a[k] && !has_data(q->host_a[k]) && !md_dns_failed(q->host_a[k]))
				(*v4)++;
			if (q->host_aaaa[k] && !has_data(q->host_aaaa[k]) && !md_dns_failed(q->host_aaaa[k]))
				(*v6)++;
		}
		break;
	default:
		break;
	}
}

static unsigned walk(lint *L, lnode *n, unsigned *count)
{
	unsigned before = *count;
	size_t i, end;

	if (n->state != L_OK)
		return 0;
	end = n->rec.all >= 0 ? (size_t)n->rec.all + 1 : n->rec.nterms;
	for (i = 0; i < end; i++) {
		const spf_term *t = &n->rec.terms[i];
		unsigned v4, v6;

		if (!spf_kind_counts(t->kind) || t->kind == SPF_T_REDIRECT)
			continue;
		(*count)++;
		add_counted(L, n, i, *count);
		term_voids(t, &n->aq[i], &v4, &v6);
		L->void4 += v4;
		L->void6 += v6;
		if (t->kind == SPF_T_INCLUDE && n->kid[i] != NULL) {
			if (n->kid[i]->state == L_NONE)
				L->void4++, L->void6++;
			walk(L, n->kid[i], count);
		}
	}
	if (n->rec.redirect >= 0 && n->rec.all < 0) {
		(*count)++;
		add_counted(L, n, (size_t)n->rec.redirect, *count);
		if (n->kid[n->rec.redirect] != NULL)
			walk(L, n->kid[n->rec.redirect], count);
	}
	n->cost = *count - before;
	return n->cost;
}

/* Can N's authorised set be written as ranges? (Only pass-qualified
 * ip4/ip6/a/mx/include, and a final non-pass "all".) */
static bool flattenable(const lnode *n)
{
	size_t i, end;

	if (n == NULL || n->state != L_OK)
		return false;
	end = n->rec.all >= 0 ? (size_t)n->rec.all : n->rec.nterms;
	if (n->rec.all >= 0 && n->rec.terms[n->rec.all].qual == '+')
		return false;
	for (i = 0; i < end; i++) {
		const spf_term *t = &n->rec.terms[i];

		switch (t->kind) {
		case SPF_T_IP4:
		case SPF_T_IP6:
			if (t->qual != '+')
				return false;
			break;
		case SPF_T_A:
		case SPF_T_MX:
			if (t->qual != '+' || n->aq[i].dynamic || n->aq[i].target == NULL)
				return false;
			break;
		case SPF_T_INCLUDE:
			if (t->qual != '+' || !flattenable(n->kid[i]))
				return false;
			break;
		case SPF_T_REDIRECT:
			if (n->rec.all < 0 && !flattenable(n->kid[i]))
				return false;
			break;
		case SPF_T_EXP:
		case SPF_T_UNKNOWN:
			break;
		default:
			return false; /* ptr, exists */
		}
	}
	return true;
}

/* --- flattening --- */

typedef struct range {
	md_ip net;
	unsigned prefix;
	const char *source; /* the top-level term it came from */
} range;

typedef struct flat {
	range *r;
	size_t n, cap;
	bool capped;
} rangeset;

static void add_range(lint *L, rangeset *f, const md_ip *ip, unsigned prefix, const char *source)
{
	range *x;
	unsigned max = ip->family == 4 ? 32 : 128;
	size_t i;

	if (prefix > max)
		prefix = max;
	for (i = 0; i < f->n; i++)
		if (f->r[i].net.family == ip->family && f->r[i].prefix <= prefix &&
		    md_ip_prefix_match(&f->r[i].net, ip, f->r[i].prefix))
			return; /* already covered */
	if (f->n == SPF_LINT_MAX_RANGES) {
		f->capped = true;
		return;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;

		x = md_realloc(f->r, cap * sizeof(*x));
		if (x == NULL) {
			L->st = MD_ENOMEM;
			return;
		}
		f->r = x;
		f->cap = cap;
	}
	x = &f->r[f->n++];
	x->net = *ip;
	/* Zero the host bits so the text form is the network. */
	for (i = 0; i < 16; i++) {
		unsigned bit = (unsigned)i * 8;

		if (bit >= prefix)
			x->net.a[i] = 0;
		else if (bit + 8 > prefix)
			x->net.a[i] &= (uint8_t)(0xff00u >> (prefix - bit));
	}
	x->prefix = prefix;
	x->source = source;
}

static void addrs_of(lint *L, rangeset *f, const md_dns_result *r, int cidr, int family,
                     const char *source)
{
	size_t i;

	if (!has_data(r))
		return;
	for (i = 0; i < r->nrr; i++) {
		md_ip ip;

		if ((family == 4 && r->rr[i].type != MD_DNS_A) ||
		    (family == 6 && r->rr[i].type != MD_DNS_AAAA))
			continue;
		md_ip_from_bytes(&ip, family, r->rr[i].addr);
		add_range(L, f, &ip, cidr < 0 ? (family == 4 ? 32u : 128u) : (unsigned)cidr, source);
	}
}

/* Collect the ranges of a flattenable record. */
static void collect(lint *L, rangeset *f, const lnode *n, const char *source, uint32_t *ttl)
{
	size_t i, k, end;

	if (n == NULL || n->state != L_OK)
		return;
	if (n->ttl < *ttl)
		*ttl = n->ttl;
	end = n->rec.all >= 0 ? (size_t)n->rec.all : n->rec.nterms;
	for (i = 0; i < end; i++) {
		const spf_term *t = &n->rec.terms[i];
		const addrq *q = &n->aq[i];

		switch (t->kind) {
		case SPF_T_IP4:
			add_range(L, f, &t->net, t->cidr4 < 0 ? 32u : (unsigned)t->cidr4, source);
			break;
		case SPF_T_IP6:
			add_range(L, f, &t->net, t->cidr6 < 0 ? 128u : (unsigned)t->cidr6, source);
			break;
		case SPF_T_A:
			addrs_of(L, f, q->a, t->cidr4, 4, source);
			addrs_of(L, f, q->aaaa, t->cidr6, 6, source);
			if (has_data(q->a) && q->a->rr[0].ttl < *ttl)
				*ttl = q->a->rr[0].ttl;
			break;
		case SPF_T_MX:
			for (k = 0; k < q->nhosts && k < SPF_MAX_MX_NAMES; k++) {
				addrs_of(L, f, q->host_a[k], t->cidr4, 4, source);
				addrs_of(L, f, q->host_aaaa[k], t->cidr6, 6, source);
			}
			if (has_data(q->mx) && q->mx->rr[0].ttl < *ttl)
				*ttl = q->mx->rr[0].ttl;
			break;
		case SPF_T_INCLUDE:
			collect(L, f, n->kid[i], source, ttl);
			break;
		case SPF_T_REDIRECT:
			if (n->rec.all < 0)
				collect(L, f, n->kid[i], source, ttl);
			break;
		default:
			break;
		}
	}
}

static const char *range_text(lint *L, const range *x)
{
	char b[64];

	md_ip_str(&x->net, b, sizeof(b));
	if ((x->net.family == 4 && x->prefix == 32) || (x->net.family == 6 && x->prefix == 128))
		return lfmt(L, "ip%d:%s", x->net.family, b);
	return lfmt(L, "ip%d:%s/%u", x->net.family, b, x->prefix);
}

/* Split VALUE into character-strings of at most 255 bytes, at spaces
 * (kept at the end of each string so concatenation restores VALUE). */
static json_t *split_strings(const char *value)
{
	json_t *arr = json_array();
	size_t n = strlen(value), off = 0;

	while (arr && off < n) {
		size_t take = n - off, cut;

		if (take > SPF_MAX_TXT_STRING) {
			cut = off + SPF_MAX_TXT_STRING;
			while (cut > off && value[cut - 1] != ' ')
				cut--;
			take = cut > off ? cut - off : SPF_MAX_TXT_STRING;
		}
		json_array_append_new(arr, json_stringn(value + off, take));
		off += take;
	}
	return arr;
}

/* Is top-level term I of the root something the proposal can replace by
 * ranges? */
static bool term_flattenable(const lnode *root, size_t i)
{
	const spf_term *t = &root->rec.terms[i];

	if (t->qual != '+')
		return false;
	switch (t->kind) {
	case SPF_T_INCLUDE:
		return flattenable(root->kid[i]);
	case SPF_T_A:
	case SPF_T_MX:
		return !root->aq[i].dynamic && root->aq[i].target != NULL;
	default:
		return false;
	}
}

static unsigned term_cost(const lnode *root, size_t i)
{
	const spf_term *t = &root->rec.terms[i];

	if (!spf_kind_counts(t->kind))
		return 0;
	if ((t->kind == SPF_T_INCLUDE || t->kind == SPF_T_REDIRECT) && root->kid[i] != NULL)
		return 1 + root->kid[i]->cost;
	return 1;
}

typedef struct item {
	const char *text;
	bool range;
} item;

/* A proposal: the root's record with the terms in CHOOSE replaced, in
 * place, by the ranges they authorise (so first-match order is kept; a
 * range already covered by an earlier one is dropped). Too long for one
 * record: runs of ranges move to _spfN.DOMAIN records included in place.
 * Returns a JSON array of {name, value, strings}; *COST gets its lookups. */
static json_t *proposal(lint *L, const bool *choose, rangeset *f, json_t *stale,
                        md_table *tab, unsigned *cost)
{
	lnode *root = L->root;
	item *items;
	size_t nitems = 0, i, end = root->rec.all >= 0 ? (size_t)root->rec.all + 1 : root->rec.nterms;
	size_t total = 6, nparts = 0;
	json_t *records = json_array();
	md_buf top, part;

	*cost = 0;
	items = md_calloc(root->rec.nterms + SPF_LINT_MAX_RANGES + 1, sizeof(*items));
	if (items == NULL || records == NULL) {
		md_free(items);
		json_decref(records);
		L->st = MD_ENOMEM;
		return NULL;
	}
	for (i = 0; i < end; i++) {
		const spf_term *t = &root->rec.terms[i];
		const char *tt = term_text(L, root, i);
		size_t before = f->n, k;
		uint32_t ttl = UINT32_MAX;

		if (t->kind == SPF_T_EXP || t->kind == SPF_T_UNKNOWN)
			continue;
		if (t->kind == SPF_T_REDIRECT && root->rec.all >= 0)
			continue;
		if (!choose[i] || !term_flattenable(root, i)) {
			items[nitems].text = tt;
			items[nitems++].range = false;
			*cost += term_cost(root, i);
			continue;
		}
		if (t->kind == SPF_T_INCLUDE) {
			collect(L, f, root->kid[i], tt, &ttl);
		} else {
			/* A one-term record, to reuse collect(). */
			lnode tmp;

			memset(&tmp, 0, sizeof(tmp));
			tmp.state = L_OK;
			tmp.ttl = UINT32_MAX;
			tmp.rec = root->rec;
			tmp.rec.terms = (spf_term *)t;
			tmp.rec.nterms = 1;
			tmp.rec.all = -1;
			tmp.rec.redirect = -1;
			tmp.aq = &root->aq[i];
			tmp.kid = &root->kid[i];
			collect(L, f, &tmp, tt, &ttl);
		}
		/* Inside one flattened term every range passes, so merging and
		 * dropping keep the meaning: join sibling networks (two /26 into
		 * a /25), then drop a range another one of the term covers. */
		for (bool merged = true; merged;) {
			size_t j;

			merged = false;
			for (k = before; k < f->n && !merged; k++)
				for (j = before; j < f->n && !merged; j++) {
					range *x = &f->r[k], *y = &f->r[j];

					if (j == k || x->net.family != y->net.family || x->prefix != y->prefix ||
					    x->prefix == 0 || !md_ip_prefix_match(&x->net, &y->net, x->prefix - 1))
						continue;
					x->prefix--;
					x->net.a[x->prefix / 8] &= (uint8_t)(0xff00u >> (x->prefix % 8));
					memmove(y, y + 1, (f->n - j - 1) * sizeof(*f->r));
					f->n--;
					merged = true;
				}
		}
		for (k = before; k < f->n;) {
			size_t j;

			for (j = before; j < f->n; j++)
				if (j != k && f->r[j].net.family == f->r[k].net.family &&
				    f->r[j].prefix < f->r[k].prefix &&
				    md_ip_prefix_match(&f->r[j].net, &f->r[k].net, f->r[j].prefix))
					break;
			if (j < f->n) {
				memmove(&f->r[k], &f->r[k + 1], (f->n - k - 1) * sizeof(*f->r));
				f->n--;
			} else {
				k++;
			}
		}
		for (k = before; k < f->n; k++) {
			const char *rt = range_text(L, &f->r[k]);
			const char *row[2] = {rt, tt};

			items[nitems].text = rt;
			items[nitems++].range = true;
			if (tab)
				md_table_add_row(L->r, tab, row);
		}
		if (stale) {
			json_t *o = json_object();

			json_object_set_new(o, "source", md_json_cstr(tt));
			json_object_set_new(o, "ranges", json_integer((json_int_t)(f->n - before)));
			json_object_set_new(o, "ttl", ttl == UINT32_MAX ? json_null() : json_integer(ttl));
			json_array_append_new(stale, o);
		}
	}
	for (i = 0; i < nitems; i++)
		total += 1 + strlen(items[i].text);
	md_buf_init(&top, SPF_MAX_RECORD);
	md_buf_init(&part, SPF_MAX_RECORD);
	md_buf_puts(&top, "v=spf1");
	for (i = 0; i < nitems; i++) {
		if (total <= SPF_FLAT_MAX_RECORD || !items[i].range) {
			md_buf_putc(&top, ' ');
			md_buf_puts(&top, items[i].text);
			continue;
		}
		/* A run of ranges into sub-records of at most the limit. */
		md_buf_reset(&part);
		while (i < nitems && items[i].range) {
			if (part.n > 0 && part.n + 1 + strlen(items[i].text) > SPF_FLAT_MAX_RECORD)
				break;
			if (part.n == 0)
				md_buf_puts(&part, "v=spf1");
			md_buf_putc(&part, ' ');
			md_buf_puts(&part, items[i].text);
			i++;
		}
		i--;
		{
			json_t *o = json_object();
			const char *name = lfmt(L, "_spf%zu.%s", ++nparts, root->domain);

			json_object_set_new(o, "name", md_json_cstr(name));
			json_object_set_new(o, "value", md_json_string(part.p ? part.p : "", part.n));
			json_object_set_new(o, "strings", split_strings(part.p ? part.p : ""));
			json_array_append_new(records, o);
			md_buf_printf(&top, " include:%s", name);
			(*cost)++;
		}
	}
	{
		json_t *o = json_object();

		json_object_set_new(o, "name", md_json_cstr(root->domain));
		json_object_set_new(o, "value", md_json_string(top.p ? top.p : "", top.n));
		json_object_set_new(o, "strings", split_strings(top.p ? top.p : ""));
		json_array_insert_new(records, 0, o);
	}
	if (top.err == MD_ENOMEM || part.err == MD_ENOMEM)
		L->st = MD_ENOMEM;
	md_buf_free(&top);
	md_buf_free(&part);
	md_free(items);
	return records;
}

/* The flattening aid: JSON "flatten" with every range the policy
 * authorises, the fully flattened proposal and, when the policy is over
 * the limit, the minimal one (flatten only what is needed). */
static json_t *flatten(lint *L, const bool *minimal, unsigned *flat_lookups,
                       unsigned *min_lookups, json_t **min_records)
{
	lnode *root = L->root;
	rangeset f = {0}, g = {0};
	json_t *j = json_object(), *ranges = json_array(), *stale = json_array(), *kept = json_array();
	json_t *records;
	bool *all;
	size_t i;
	md_table *tab;
	static const char *cols[] = {"range", "from"};

	*flat_lookups = 0;
	*min_records = NULL;
	all = md_calloc(root->rec.nterms + 1, sizeof(*all));
	if (j == NULL || ranges == NULL || stale == NULL || kept == NULL || all == NULL) {
		json_decref(j);
		json_decref(ranges);
		json_decref(stale);
		json_decref(kept);
		md_free(all);
		L->st = MD_ENOMEM;
		return NULL;
	}
	for (i = 0; i < root->rec.nterms; i++) {
		all[i] = true;
		if (spf_kind_counts(root->rec.terms[i].kind) && root->rec.terms[i].kind != SPF_T_REDIRECT &&
		    (root->rec.all < 0 || i < (size_t)root->rec.all) && !term_flattenable(root, i))
			json_array_append_new(kept, md_json_cstr(term_text(L, root, i)));
	}
	tab = md_report_add_table(L->r, "spf_flattened", 2, cols);
	records = proposal(L, all, &f, stale, tab, flat_lookups);
	for (i = 0; i < f.n; i++)
		json_array_append_new(ranges, md_json_cstr(range_text(L, &f.r[i])));
	(void)minimal;
	(void)min_lookups;
	json_object_set_new(j, "ranges", ranges);
	json_object_set_new(j, "records", records ? records : json_array());
	json_object_set_new(j, "lookups", json_integer(*flat_lookups));
	json_object_set_new(j, "kept", kept);
	json_object_set_new(j, "complete", json_boolean(!f.capped));
	json_object_set_new(j, "stale", stale);
	json_object_set_new(j, "minimal", json_null());
	json_object_set_new(j, "minimal_lookups", json_null());
	json_object_set_new(j, "note", json_string(
		"The ranges are copied from DNS records of the providers you include. When a "
		"provider changes its ranges, the flattened record keeps authorising the old "
		"ones and fails mail from the new ones: regenerate it at least as often as the "
		"TTLs in \"stale\", or keep the providers' includes and flatten only your own hosts."));
	md_free(all);
	md_free(f.r);
	md_free(g.r);
	return j;
}

/* The top-level terms to flatten, costliest first, until TOTAL fits;
 * false when flattening cannot bring it within the limit. */
static bool plan_minimal(lint *L, unsigned total, unsigned target, bool *choose, unsigned *left)
{
	lnode *root = L->root;
	size_t i;

	*left = total;
	while (*left > target) {
		size_t best = (size_t)-1;
		unsigned bestc = 0;

		for (i = 0; i < root->rec.nterms; i++) {
			unsigned c;

			if (choose[i] || !term_flattenable(root, i) ||
			    (root->rec.all >= 0 && i > (size_t)root->rec.all))
				continue;
			c = term_cost(root, i);
			if (c > bestc) {
				bestc = c;
				best = i;
			}
		}
		if (best == (size_t)-1)
			return false;
		choose[best] = true;
		*left -= bestc;
	}
	return true;
}

/* --- findings --- */

static md_finding *add(lint *L, const char *id, md_severity sev, const char *subject,
                       const char *title)
{
	return md_report_add(L->r, id, sev, MD_PILLAR_AUTHENTICATION, subject, title);
}

/* The record with a caret under byte OFF. */
static const char *caret(lint *L, const char *text, size_t off)
{
	return lfmt(L, "%s\n%*s^ (offset %zu)", text, (int)off, "", off);
}

static void ref(lint *L, md_finding *f, const char *r)
{
	if (f)
		md_finding_add_ref(L->r, f, r);
}

/* Findings about one fetched record (root or included). */
static void record_findings(lint *L, lnode *n)
{
	md_report *R = L->r;
	md_finding *f;
	size_t i;
	const char *d = n->domain;
	bool top = n->parent == NULL;

	switch (n->state) {
	case L_SYNTAX: {
		/* Was the record split into strings joined inside a term? */
		size_t ts = n->rec.err_off, te = n->rec.err_off, b = 0, k;

		while (ts > 0 && n->text[ts - 1] != ' ')
			ts--;
		while (n->text[te] != '\0' && n->text[te] != ' ')
			te++;
		for (k = 0; k < n->nbounds; k++)
			if (n->bounds[k] > ts && n->bounds[k] < te)
				b = n->bounds[k];
		f = add(L, "spf.syntax_error", MD_SEV_ERROR, d,
		        lfmt(L, "syntax error in the SPF record of %s at offset %zu: %s", d,
		             n->rec.err_off, n->rec.err));
		if (f == NULL)
			return;
		md_finding_set_evidence(R, f, "%s", caret(L, n->text, n->rec.err_off));
		md_finding_set_explanation(R, f, "A syntax error anywhere makes the whole policy a "
		                           "permerror: receivers treat all mail from %s as failing SPF%s.",
		                           top ? d : L->domain, top ? "" : " (through the include)");
		if (b > 0)
			md_finding_set_fix(R, f, "The TXT record is split into strings and receivers join "
			                   "them without a space, which glues \"%.*s\" to \"%.*s\": end the "
			                   "string before offset %zu with a space.", (int)(b - ts),
			                   n->text + ts, (int)(te - b), n->text + b, b);
		else
			md_finding_set_fix(R, f, "Correct the term at offset %zu (terms are separated by single "
			                   "spaces; mechanisms are all, include, a, mx, ptr, ip4, ip6, exists). "
			                   "When the record is split into several strings, they are joined "
			                   "without a space: end each string with a space.", n->rec.err_off);
		ref(L, f, "RFC 7208 section 4.6");
		ref(L, f, "RFC 7208 section 3.3");
		return;
	}
	case L_MULTI:
		f = add(L, "spf.multiple_records", MD_SEV_ERROR, d,
		        lfmt(L, "%s publishes more than one v=spf1 record", d));
		if (f == NULL)
			return;
		md_finding_set_explanation(R, f, "With two or more SPF records check_host() returns "
		                           "permerror: SPF fails for all mail%s.", top ? "" : " of the including domain");
		md_finding_set_fix(R, f, "Merge them into one TXT record at %s: one \"v=spf1\", the "
		                   "mechanisms of both, and one \"all\" at the end.", d);
		ref(L, f, "RFC 7208 section 4.5");
		return;
	case L_DNSFAIL:
		f = add(L, "spf.dns_error", MD_SEV_ERROR, d,
		        lfmt(L, "could not check the SPF record of %s: DNS %s", d,
		             md_dns_outcome_name(n->txt->outcome)));
		if (f == NULL)
			return;
		md_finding_set_could_not_check(f);
		md_finding_set_explanation(R, f, "Receivers that meet the same error return temperror "
		                           "and defer the mail.");
		md_finding_set_fix(R, f, "Check that the name servers of %s answer TXT queries "
		                   "(dig %s TXT).", d, d);
		ref(L, f, "RFC 7208 section 4.4");
		return;
	case L_NONE:
		if (top)
			return; /* spf.no_record, made by the caller */
		f = add(L, n->via_kind == SPF_T_REDIRECT ? "spf.redirect_no_record" : "spf.include_no_record",
		        MD_SEV_ERROR, L->domain,
		        lfmt(L, "%s points to %s, which has no SPF record", n->via, d));
		if (f == NULL)
			return;
		md_finding_set_evidence(R, f, "%s in the record of %s; TXT %s: %s", n->via,
		                        n->parent->domain, d,
		                        n->txt ? md_dns_outcome_name(n->txt->outcome) : "?");
		md_finding_set_explanation(R, f, "An %s whose target has no SPF record is a permerror: "
		                           "SPF fails for all mail of %s.",
		                           n->via_kind == SPF_T_REDIRECT ? "redirect" : "include",
		                           L->domain);
		md_finding_set_fix(R, f, "Remove \"%s\" from the record of %s, or correct the name "
		                   "(the provider's documentation gives the exact include).",
		                   n->via, n->parent->domain);
		ref(L, f, n->via_kind == SPF_T_REDIRECT ? "RFC 7208 section 6.1" : "RFC 7208 section 5.2");
		return;
	case L_LOOP:
		f = add(L, "spf.loop", MD_SEV_ERROR, L->domain,
		        lfmt(L, "%s in the record of %s loops back to %s", n->via, n->parent->domain, d));
		if (f) {
			md_finding_set_explanation(R, f, "A loop runs into the 10-lookup limit: permerror.");
			md_finding_set_fix(R, f, "Remove \"%s\" from the record of %s.", n->via,
			                   n->parent->domain);
			ref(L, f, "RFC 7208 section 4.6.4");
		}
		return;
	case L_DYNAMIC:
		f = add(L, "spf.dynamic_target", MD_SEV_NOTICE, L->domain,
		        lfmt(L, "%s depends on the sender or client address: not followed", n->via));
		if (f)
			md_finding_set_explanation(R, f, "Its cost is counted as one lookup; what it "
			                           "includes is only known per message (use --ip and --sender).");
		return;
	case L_BADNAME:
		f = add(L, "spf.bad_target", MD_SEV_ERROR, L->domain,
		        lfmt(L, "%s does not give a valid domain name", n->via));
		if (f)
			md_finding_set_fix(R, f, "Correct the domain of \"%s\".", n->via);
		return;
	case L_SKIPPED:
	case L_PENDING:
		return;
	case L_OK:
		break;
	}
	/* L_OK: term-level findings. */
	for (i = 0; i < n->rec.nterms; i++) {
		const spf_term *t = &n->rec.terms[i];
		const char *tt = term_text(L, n, i);

		switch (t->kind) {
		case SPF_T_PTR:
			f = add(L, "spf.ptr_mechanism", MD_SEV_WARNING, d,
			        lfmt(L, "the record of %s uses the deprecated \"%s\"", d, tt));
			if (f) {
				md_finding_set_explanation(R, f, "ptr is slow (a reverse lookup and up to 10 "
				                           "forward lookups per message), unreliable, and some "
				                           "receivers skip it, so mail it should authorise fails.");
				md_finding_set_fix(R, f, "Replace \"%s\" with ip4:/ip6: ranges (or a: names) of "
				                   "the servers it is meant to cover.", tt);
				ref(L, f, "RFC 7208 section 5.5");
			}
			break;
		case SPF_T_IP4:
		case SPF_T_IP6: {
			int c = t->kind == SPF_T_IP4 ? t->cidr4 : t->cidr6;
			unsigned lim = t->kind == SPF_T_IP4 ? SPF_BROAD_IP4 : SPF_BROAD_IP6;
			md_ip_scope sc = md_ip_classify(&t->net);

			if (c >= 0 && (unsigned)c < lim && t->qual != '-') {
				unsigned long long hosts = t->kind == SPF_T_IP4 ? 1ull << (32 - c) : 0;

				f = add(L, "spf.broad_range", c == 0 ? MD_SEV_CRITICAL : MD_SEV_WARNING, d,
				        lfmt(L, "\"%s\" in the record of %s authorises a very large range", tt, d));
				if (f) {
					if (hosts)
						md_finding_set_evidence(R, f, "%s covers %llu addresses", tt, hosts);
					md_finding_set_explanation(R, f, "Anyone with an address in that range can "
					                           "send mail that passes SPF as %s; receivers and "
					                           "reputation systems treat such records as abuse.",
					                           L->domain);
					md_finding_set_fix(R, f, "List only your servers' addresses or the provider's "
					                   "published ranges (at most /%u for ip%c).", lim,
					                   t->kind == SPF_T_IP4 ? '4' : '6');
				}
			}
			if (sc != MD_IP_GLOBAL && sc != MD_IP_DOCUMENTATION) {
				f = add(L, "spf.non_public_range", MD_SEV_NOTICE, d,
				        lfmt(L, "\"%s\" in the record of %s is a %s address", tt, d,
				             md_ip_scope_name(sc)));
				if (f)
					md_finding_set_fix(R, f, "Remove it: receivers on the Internet never see mail "
					                   "from %s addresses; list the public address your mail "
					                   "leaves from.", md_ip_scope_name(sc));
			}
			break;
		}
		case SPF_T_MX:
			if (has_data(n->aq[i].mx) && n->aq[i].mx->nrr > SPF_MAX_MX_NAMES) {
				f = add(L, "spf.mx_too_many", MD_SEV_ERROR, d,
				        lfmt(L, "\"%s\": %s has %zu MX records, more than %d", tt,
				             n->aq[i].target, n->aq[i].mx->nrr, SPF_MAX_MX_NAMES));
				if (f) {
					md_finding_set_explanation(R, f, "The mx mechanism returns permerror when "
					                           "the name has more than 10 MX records.");
					md_finding_set_fix(R, f, "Replace \"%s\" with the ip4:/ip6: ranges of the hosts "
					                   "that send mail.", tt);
					ref(L, f, "RFC 7208 section 4.6.4");
				}
			}
			break;
		case SPF_T_UNKNOWN:
			f = add(L, "spf.unknown_modifier", MD_SEV_NOTICE, d,
			        lfmt(L, "unknown modifier \"%.*s=\" in the record of %s is ignored",
			             (int)t->name.n, t->name.p, d));
			if (f)
				md_finding_set_fix(R, f, "Remove \"%s\" (or correct it if it should be redirect= or exp=).", tt);
			break;
		default:
			break;
		}
		if (t->spec.p != NULL && t->kind != SPF_T_EXP && t->kind != SPF_T_UNKNOWN) {
			size_t k;

			for (k = 0; k + 2 < t->spec.n; k++)
				if (t->spec.p[k] == '%' && t->spec.p[k + 1] == '{' &&
				    md_tolower((unsigned char)t->spec.p[k + 2]) == 'p') {
					f = add(L, "spf.p_macro", MD_SEV_WARNING, d,
					        lfmt(L, "\"%s\" uses the %%{p} macro", tt));
					if (f)
						md_finding_set_fix(R, f, "Avoid %%{p}: it costs reverse and forward "
						                   "lookups per message and is unreliable (RFC 7208 section 7.3).");
					break;
				}
		}
	}
	if (n->rec.all >= 0 && (size_t)n->rec.all + 1 < n->rec.nterms) {
		size_t k;

		for (k = (size_t)n->rec.all + 1; k < n->rec.nterms; k++)
			if (n->rec.terms[k].kind != SPF_T_EXP && n->rec.terms[k].kind != SPF_T_UNKNOWN &&
			    n->rec.terms[k].kind != SPF_T_REDIRECT)
				break;
		if (k < n->rec.nterms) {
			f = add(L, "spf.terms_after_all", MD_SEV_WARNING, d,
			        lfmt(L, "the record of %s has mechanisms after \"%s\", which are never evaluated",
			             d, term_text(L, n, (size_t)n->rec.all)));
			if (f)
				md_finding_set_fix(R, f, "Move \"%s\" to the end of the record.",
				                   term_text(L, n, (size_t)n->rec.all));
		}
	}
	if (n->rec.style & SPF_STYLE_REDIR_ALL) {
		f = add(L, "spf.redirect_ignored", MD_SEV_WARNING, d,
		        lfmt(L, "the record of %s has both \"all\" and redirect=: the redirect is ignored", d));
		if (f) {
			md_finding_set_fix(R, f, "Remove either \"%s\" or \"%s\".",
			                   term_text(L, n, (size_t)n->rec.all),
			                   term_text(L, n, (size_t)n->rec.redirect));
			ref(L, f, "RFC 7208 section 6.1");
		}
	}
	if (n->rec.style & (SPF_STYLE_MULTISPACE | SPF_STYLE_TRAILSPACE)) {
		f = add(L, "spf.whitespace", MD_SEV_NOTICE, d,
		        lfmt(L, "the record of %s has %s", d,
		             (n->rec.style & SPF_STYLE_MULTISPACE) ? "several spaces between terms"
		                                                    : "a space at the end"));
		if (f) {
			md_finding_set_evidence(R, f, "\"%s\"", n->text);
			md_finding_set_explanation(R, f, "RFC 7208 allows it, but some receivers and "
			                           "record checkers split terms differently and report errors.");
			md_finding_set_fix(R, f, "Separate terms with exactly one space and end the record "
			                   "with the last term.");
		}
	}
	if (n->rec.style & SPF_STYLE_UPPER) {
		f = add(L, "spf.case", memcmp(n->text, "v=spf1", 6) != 0 ? MD_SEV_WARNING : MD_SEV_NOTICE, d,
		        lfmt(L, "the record of %s uses upper case in %s", d,
		             memcmp(n->text, "v=spf1", 6) != 0 ? "the version" : "mechanism names"));
		if (f) {
			md_finding_set_explanation(R, f, "The grammar is case-insensitive, but some receivers "
			                           "compare \"v=spf1\" and mechanism names literally and "
			                           "ignore the record.");
			md_finding_set_fix(R, f, "Write the record in lower case (\"v=spf1\", \"include:\", \"-all\").");
		}
	}
}

static void top_findings(lint *L, const md_dns_result *spf99, unsigned total, const bool *choose,
                         bool plan_ok, unsigned left, json_t *min_records, json_t **over)
{
	md_report *R = L->r;
	lnode *n = L->root;
	const char *d = L->domain;
	md_finding *f;
	size_t i, k;

	*over = NULL;
	/* Sender ID (spf2.0/) and type 99 records. */
	if (n->txt != NULL && has_data(n->txt)) {
		size_t udp = 12 + strlen(d) + 2 + 4, longest = 0;

		for (i = 0; i < n->txt->nrr; i++) {
			const md_dns_rr *rr = &n->txt->rr[i];

			udp += 12 + rr->rdlen;
			for (k = 0; k < rr->ntxt; k++)
				if (rr->txtlen[k] > longest)
					longest = rr->txtlen[k];
			if (rr->ntxt > 0 && rr->txtlen[0] >= 7 &&
			    (memcmp(rr->txt[0], "spf2.0/", 7) == 0 || memcmp(rr->txt[0], "SPF2.0/", 7) == 0)) {
				f = add(L, "spf.sender_id_record", MD_SEV_NOTICE, d,
				        lfmt(L, "%s still publishes a Sender ID (spf2.0/) record", d));
				if (f) {
					md_finding_set_evidence(R, f, "\"%.*s\"", (int)rr->txtlen[0], (const char *)rr->txt[0]);
					md_finding_set_explanation(R, f, "Sender ID (RFC 4406) is obsolete and no "
					                           "receiver uses it; the record only makes the TXT "
					                           "answer bigger.");
					md_finding_set_fix(R, f, "Delete the spf2.0/ TXT record of %s.", d);
					ref(L, f, "RFC 7208 appendix D");
				}
			}
		}
		/* TXT records that look like SPF but are not selected. */
		for (i = 0; i < n->txt->nrr; i++) {
			const md_dns_rr *rr = &n->txt->rr[i];
			char head[24];
			size_t hn = 0, j;

			if (rr->type != MD_DNS_TXT)
				continue;
			for (k = 0; k < rr->ntxt && hn < sizeof(head); k++) {
				size_t take = rr->txtlen[k] < sizeof(head) - hn ? rr->txtlen[k] : sizeof(head) - hn;

				memcpy(head + hn, rr->txt[k], take);
				hn += take;
			}
			if (spf_is_v1(head, hn))
				continue;
			for (j = 0; j + 6 <= hn && j < 8; j++)
				if (spf_is_v1(head + j, 6))
					break;
			if (j + 6 > hn || j >= 8)
				continue;
			f = add(L, "spf.malformed_version", MD_SEV_ERROR, d,
			        lfmt(L, "a TXT record of %s looks like SPF but receivers ignore it", d));
			if (f) {
				md_finding_set_evidence(R, f, "\"%.*s%s\"", (int)(rr->ntxt ? rr->txtlen[0] : 0),
				                        rr->ntxt ? (const char *)rr->txt[0] : "",
				                        rr->ntxt > 1 ? "\" ..." : "");
				md_finding_set_explanation(R, f, "Receivers take only records that begin exactly with "
				                           "\"v=spf1\" followed by a space (or nothing); this one %s.",
				                           j > 0 ? "has something before the version (a space, a quote)"
				                                 : "has no space after the version");
				md_finding_set_fix(R, f, "Publish the record so that its text starts with \"v=spf1 \" "
				                   "(no leading space or literal quotes; a space after v=spf1).");
				ref(L, f, "RFC 7208 section 4.5");
			}
		}
		if (udp > SPF_UDP_NEAR) {
			f = add(L, "spf.udp_size", udp > SPF_MAX_UDP ? MD_SEV_WARNING : MD_SEV_NOTICE, d,
			        lfmt(L, "the TXT answer of %s is about %zu bytes%s", d, udp,
			             udp > SPF_MAX_UDP ? ", more than a 512-byte UDP reply" : ", close to 512"));
			if (f) {
				md_finding_set_explanation(R, f, "Answers over 512 bytes need EDNS0 or a retry "
				                           "over TCP; resolvers behind broken firewalls then time "
				                           "out and SPF gives temperror.");
				md_finding_set_fix(R, f, "Shorten the record (flatten or drop unused includes) and "
				                   "remove stale TXT records at %s (old site verifications, spf2.0/).", d);
				ref(L, f, "RFC 7208 section 3.4");
			}
		}
		if (longest >= SPF_STRING_NEAR && n->state == L_OK) {
			f = add(L, "spf.long_string", MD_SEV_NOTICE, d,
			        lfmt(L, "a character-string of the TXT records of %s is %zu bytes (limit 255)", d, longest));
			if (f)
				md_finding_set_fix(R, f, "Before adding terms, split the record into several "
				                   "quoted strings of at most 255 bytes, each ending with a space.");
		}
	}
	if (spf99 != NULL && has_data(spf99)) {
		f = add(L, "spf.type99_record", MD_SEV_NOTICE, d,
		        lfmt(L, "%s publishes the obsolete SPF (type 99) record", d));
		if (f) {
			md_finding_set_explanation(R, f, "RFC 7208 removed the SPF record type: receivers "
			                           "only read TXT. A type 99 record that differs from the TXT "
			                           "record misleads people reading DNS.");
			md_finding_set_fix(R, f, "Delete the SPF (type 99) record of %s; keep the TXT record.", d);
			ref(L, f, "RFC 7208 section 3.1");
		}
	}
	if (n->state == L_NONE) {
		f = add(L, "spf.no_record", MD_SEV_ERROR, d, lfmt(L, "%s has no SPF record", d));
		if (f) {
			md_finding_set_evidence(R, f, "TXT %s: %s", d,
			                        n->txt ? (has_data(n->txt) ? "no record starts with \"v=spf1\""
			                                                   : md_dns_outcome_name(n->txt->outcome))
			                               : "not a valid name");
			md_finding_set_explanation(R, f, "Without SPF, receivers have no list of servers allowed "
			                           "to send for %s; Gmail and Yahoo require SPF or DKIM (bulk "
			                           "senders: both, plus DMARC).", d);
			md_finding_set_fix(R, f, "Publish one TXT record at %s: \"v=spf1 <your servers and "
			                   "providers' includes> -all\"; if %s sends no mail at all: "
			                   "\"v=spf1 -all\".", d, d);
			ref(L, f, "RFC 7208 section 4.4");
		}
		return;
	}
	if (n->state != L_OK)
		return;
	/* all / redirect policy. */
	if (n->rec.all >= 0) {
		const spf_term *t = &n->rec.terms[n->rec.all];

		if (t->qual == '+') {
			f = add(L, "spf.all_pass", MD_SEV_CRITICAL, d,
			        lfmt(L, "the record of %s ends in \"%s\": every server on the Internet passes", d,
			             term_text(L, n, (size_t)n->rec.all)));
			if (f) {
				md_finding_set_explanation(R, f, "Anyone can send mail that passes SPF as %s; "
				                           "spam filters treat +all as a sign of abuse.", d);
				md_finding_set_fix(R, f, "End the record with \"-all\" (or \"~all\" while you "
				                   "check that every sender is listed).");
				ref(L, f, "RFC 7208 section 5.1");
			}
		} else if (t->qual == '?') {
			f = add(L, "spf.all_neutral", MD_SEV_WARNING, d,
			        lfmt(L, "the record of %s ends in \"?all\": unlisted servers get neutral", d));
			if (f) {
				md_finding_set_explanation(R, f, "Neutral protects nothing: forged mail is treated "
				                           "as if %s had no SPF.", d);
				md_finding_set_fix(R, f, "End the record with \"-all\" (or \"~all\").");
			}
		}
	} else if (n->rec.redirect < 0) {
		f = add(L, "spf.no_all", MD_SEV_WARNING, d,
		        lfmt(L, "the record of %s has neither \"all\" nor redirect=", d));
		if (f) {
			md_finding_set_explanation(R, f, "Servers that match no mechanism get the default "
			                           "result neutral, which protects nothing.");
			md_finding_set_fix(R, f, "Add \"-all\" (or \"~all\") at the end of the record of %s.", d);
			ref(L, f, "RFC 7208 section 4.7");
		}
	}
	/* The lookup limit. */
	if (total > L->max_lookups && L->norder > L->max_lookups) {
		counted *c = &L->order[L->max_lookups];
		const char *chain = "";
		lnode *x;
		const char *first_top = NULL;
		json_t *o = json_object(), *carr = json_array();

		for (x = c->n; x != NULL && x->parent != NULL; x = x->parent) {
			chain = lfmt(L, "%s%s%s", x->via, *chain ? " -> " : "", chain);
			if (x->parent == L->root)
				first_top = x->via;
			if (carr)
				json_array_insert_new(carr, 0, md_json_cstr(x->via));
		}
		if (carr)
			json_array_append_new(carr, md_json_cstr(term_text(L, c->n, c->term)));
		f = add(L, "spf.too_many_lookups", MD_SEV_ERROR, d,
		        lfmt(L, "the SPF policy of %s needs %u DNS lookups; the limit is %u", d, total,
		             L->max_lookups));
		if (f) {
			md_buf plan;

			md_buf_init(&plan, 4096);
			for (i = 0; plan_ok && i < n->rec.nterms; i++)
				if (choose[i])
					md_buf_printf(&plan, "%s\"%s\" (%u lookup%s)", plan.n ? ", " : "",
					              term_text(L, n, i), term_cost(n, i),
					              term_cost(n, i) == 1 ? "" : "s");
			md_finding_set_evidence(R, f, "lookup %u is \"%s\" in the record of %s%s%s",
			                        L->max_lookups + 1, term_text(L, c->n, c->term), c->n->domain,
			                        *chain ? ", reached through " : "", chain);
			md_finding_set_explanation(R, f, "Receivers stop after %u DNS-querying terms (include, "
			                           "a, mx, ptr, exists, redirect) and return permerror: SPF fails "
			                           "for mail that needs a term past the limit, and DMARC fails "
			                           "with it.%s%s%s", L->max_lookups,
			                           first_top ? " The limit is passed inside \"" : "",
			                           first_top ? first_top : "",
			                           first_top ? "\" of the top record." : "");
			if (plan_ok && plan.n > 0) {
				const char *value = NULL;

				if (min_records != NULL && json_array_size(min_records) > 0)
					value = json_string_value(json_object_get(json_array_get(min_records, 0), "value"));
				md_finding_set_fix(R, f, "Flatten %s into the ip4:/ip6: ranges they authorise today, "
				                   "which brings the total to %u of %u:\n%s\n(the \"flatten\" "
				                   "section of the JSON output has it split into strings%s). The "
				                   "copied ranges go stale when a provider changes them: "
				                   "regenerate the record regularly. Alternatively, send some "
				                   "streams (bulk, transactional) from a subdomain with its own record.",
				                   plan.p, left, L->max_lookups, value ? value : "",
				                   json_array_size(min_records) > 1 ? " and sub-records" : "");
			} else {
				md_finding_set_fix(R, f, "Remove includes of services you no longer use, replace "
				                   "a/mx/ptr with ip4:/ip6: ranges, or move some senders to a "
				                   "subdomain with its own SPF record; the \"flatten\" section "
				                   "shows the ranges the policy authorises.");
			}
			md_buf_free(&plan);
			ref(L, f, "RFC 7208 section 4.6.4");
		}
		if (o) {
			json_object_set_new(o, "lookup", json_integer(L->max_lookups + 1));
			json_object_set_new(o, "term", md_json_cstr(term_text(L, c->n, c->term)));
			json_object_set_new(o, "domain", md_json_cstr(c->n->domain));
			json_object_set_new(o, "chain", carr ? carr : json_array());
			json_object_set_new(o, "top_term", md_json_cstr(first_top ? first_top
			                                                          : term_text(L, c->n, c->term)));
			*over = o;
		} else {
			json_decref(carr);
		}
	} else if (total >= L->max_lookups - 1 && total <= L->max_lookups) {
		f = add(L, "spf.lookups_near_limit", MD_SEV_WARNING, d,
		        lfmt(L, "the SPF policy of %s needs %u of %u DNS lookups", d, total, L->max_lookups));
		if (f) {
			md_finding_set_explanation(R, f, "One more include (or a provider adding one inside "
			                           "theirs) passes the limit and SPF fails with permerror.");
			md_finding_set_fix(R, f, "Make room now: flatten your own a/mx terms into ip4:/ip6: "
			                   "and remove includes of services you no longer use.");
			ref(L, f, "RFC 7208 section 4.6.4");
		}
	}
	if (L->void4 > L->max_void || L->void6 > L->max_void) {
		unsigned v = L->void4 > L->void6 ? L->void4 : L->void6;

		f = add(L, "spf.too_many_void_lookups", L->void4 > L->max_void ? MD_SEV_ERROR : MD_SEV_WARNING, d,
		        lfmt(L, "the SPF policy of %s makes %u void lookups for an IPv%c client; the limit is %u",
		             d, v, L->void4 >= L->void6 ? '4' : '6', L->max_void));
		if (f) {
			md_finding_set_explanation(R, f, "A name that does not exist or has no address "
			                           "of the client's family counts as a void lookup; after %u of "
			                           "them receivers return permerror%s.", L->max_void,
			                           L->void4 > L->max_void ? ""
			                           : " (here only for mail sent over IPv6: a: and mx: names "
			                             "with no AAAA record)");
			md_finding_set_fix(R, f, "Remove a:, mx: and include: terms whose names have no "
			                   "records (see the trace), or give the names their addresses.");
			ref(L, f, "RFC 7208 section 4.6.4");
		}
	}
}

/* Trace: the tree with the cumulative count after each counted term. */
static void trace(lint *L, lnode *n, int depth)
{
	size_t i, k;

	if (n->parent == NULL || n->state == L_OK)
		md_report_trace(L->r, depth, "%s: %s", n->domain[0] ? n->domain : "?",
		                n->state == L_OK ? lfmt(L, "\"%s\"", n->text)
		                : n->state == L_NONE ? "no SPF record"
		                : n->state == L_MULTI ? "several v=spf1 records (permerror)"
		                : n->state == L_SYNTAX ? lfmt(L, "\"%s\" (syntax error at %zu)", n->text, n->rec.err_off)
		                : n->state == L_DNSFAIL ? "DNS error (temperror)" : "?");
	else {
		const char *why = n->state == L_NONE ? "no SPF record (permerror)"
		                : n->state == L_MULTI ? "several v=spf1 records (permerror)"
		                : n->state == L_SYNTAX ? lfmt(L, "syntax error at %zu in \"%s\"", n->rec.err_off, n->text)
		                : n->state == L_DNSFAIL ? "DNS error (temperror)"
		                : n->state == L_LOOP ? "loop (permerror)"
		                : n->state == L_DYNAMIC ? "depends on the client: not followed"
		                : n->state == L_BADNAME ? "not a valid domain name"
		                : n->state == L_SKIPPED ? "not fetched (too many records)" : "?";

		md_report_trace(L->r, depth, "%s: %s", n->domain[0] ? n->domain : "?", why);
		return;
	}
	if (n->state != L_OK)
		return;
	for (i = 0; i < n->rec.nterms; i++) {
		const spf_term *t = &n->rec.terms[i];
		unsigned num = 0;
		const char *extra = "";
		const addrq *q = &n->aq[i];

		for (k = 0; k < L->norder; k++)
			if (L->order[k].n == n && L->order[k].term == i)
				num = L->order[k].number;
		if (!spf_kind_counts(t->kind))
			continue;
		if (t->kind == SPF_T_A && q->target)
			extra = lfmt(L, " -> A %s, AAAA %s", has_data(q->a) ? lfmt(L, "%zu", q->a->nrr)
			             : q->a ? md_dns_outcome_name(q->a->outcome) : "?",
			             has_data(q->aaaa) ? lfmt(L, "%zu", q->aaaa->nrr)
			             : q->aaaa ? md_dns_outcome_name(q->aaaa->outcome) : "?");
		else if (t->kind == SPF_T_MX && q->target)
			extra = lfmt(L, " -> %s", has_data(q->mx) ? lfmt(L, "%zu MX hosts", q->mx->nrr)
			             : q->mx ? md_dns_outcome_name(q->mx->outcome) : "?");
		if (num == 0)
			md_report_trace(L->r, depth + 1, "%s  [not evaluated]", term_text(L, n, i));
		else if (n->kid[i] != NULL && n->kid[i]->state == L_OK && n->kid[i]->cost > 0)
			md_report_trace(L->r, depth + 1, "%s  [lookup %u, %u-%u with what it includes]%s%s",
			                term_text(L, n, i), num, num, num + n->kid[i]->cost,
			                num + n->kid[i]->cost > L->max_lookups && num <= L->max_lookups
			                        ? "  <= passes the limit of 10 here" : "",
			                extra);
		else
			md_report_trace(L->r, depth + 1, "%s  [lookup %u]%s%s", term_text(L, n, i), num,
			                num == L->max_lookups + 1 ? "  <= over the limit" : "", extra);
		if (n->kid[i] != NULL)
			trace(L, n->kid[i], depth + 2);
	}
}

static json_t *tree_json(lint *L, lnode *n)
{
	json_t *o = json_object(), *kids = json_array();
	static const char *states[] = {"pending", "ok", "none", "multiple", "syntax_error",
	                               "dns_error", "loop", "dynamic", "bad_name", "skipped"};
	size_t i;

	if (o == NULL || kids == NULL) {
		json_decref(o);
		json_decref(kids);
		return NULL;
	}
	json_object_set_new(o, "domain", md_json_cstr(n->domain));
	json_object_set_new(o, "via", md_json_cstr(n->via));
	json_object_set_new(o, "state", json_string(states[n->state]));
	json_object_set_new(o, "record", md_json_cstr(n->text));
	json_object_set_new(o, "lookups", json_integer(n->cost));
	if (n->state == L_OK && n->kid != NULL)
		for (i = 0; i < n->rec.nterms; i++)
			if (n->kid[i] != NULL)
				json_array_append_new(kids, tree_json(L, n->kid[i]));
	json_object_set_new(o, "children", kids);
	return o;
}

md_status md_check_spf(md_resolver *res, const char *domain, const md_spf_opts *opts,
                       md_report *report)
{
	lint L;
	size_t dn, i;
	char *d;
	const md_dns_result *spf99 = NULL;
	unsigned total = 0, flat_cost = 0, min_cost = 0, left = 0;
	json_t *over = NULL, *flat = NULL, *min_records = NULL;
	bool *choose = NULL, plan_ok = false;
	md_table *tab;
	static const char *cols[] = {"#", "term", "in the record of", "over limit"};

	if (res == NULL || domain == NULL || report == NULL)
		return MD_EINVAL;
	dn = strlen(domain);
	if (dn > 0 && domain[dn - 1] == '.')
		dn--;
	if (!spf_domain_valid(domain, dn))
		return MD_EINVAL;
	memset(&L, 0, sizeof(L));
	L.a = md_arena_new();
	if (L.a == NULL)
		return MD_ENOMEM;
	L.res = res;
	L.r = report;
	L.max_lookups = opts && opts->max_lookups ? opts->max_lookups : SPF_MAX_DNS_TERMS;
	L.max_void = opts && opts->max_void_lookups ? opts->max_void_lookups : SPF_MAX_VOID_LOOKUPS;
	d = md_arena_strndup(L.a, domain, dn);
	if (d == NULL) {
		md_arena_free(L.a);
		return MD_ENOMEM;
	}
	for (i = 0; i < dn; i++)
		d[i] = (char)md_tolower((unsigned char)d[i]);
	L.domain = d;
	/* Static expansion: the sender is postmaster@DOMAIN. */
	L.mctx.local = md_str_c("postmaster");
	L.mctx.sender_dom = md_str_c(d);
	L.mctx.helo = d;
	L.mctx.receiver = opts ? opts->receiver : NULL;
	L.root = new_node(&L, NULL, d, NULL, SPF_T_ALL);
	if (L.root == NULL) {
		md_arena_free(L.a);
		return MD_ENOMEM;
	}
	submit(&L, d, MD_DNS_SPF, &spf99);
	resolve_tree(&L);
	walk(&L, L.root, &total);

	for (i = 0; i < L.nall; i++)
		record_findings(&L, L.all[i]);
	if (L.root->state == L_OK) {
		choose = md_calloc(L.root->rec.nterms + 1, sizeof(*choose));
		if (choose == NULL)
			L.st = MD_ENOMEM;
		if (choose != NULL)
			flat = flatten(&L, NULL, &flat_cost, &min_cost, &min_records);
		/* The minimal proposal: flatten the costliest terms until the
		 * record fits; when the ranges need a sub-record (an include of
		 * their own), aim one lookup lower and plan again. */
		for (unsigned target = L.max_lookups; choose != NULL && total > L.max_lookups;) {
			rangeset g = {0};

			memset(choose, 0, (L.root->rec.nterms + 1) * sizeof(*choose));
			plan_ok = plan_minimal(&L, total, target, choose, &left);
			json_decref(min_records);
			min_records = plan_ok ? proposal(&L, choose, &g, NULL, NULL, &min_cost) : NULL;
			md_free(g.r);
			if (!plan_ok || min_cost <= L.max_lookups || target == 0) {
				plan_ok = plan_ok && min_cost <= L.max_lookups;
				left = min_cost;
				break;
			}
			target--;
		}
		if (flat != NULL && plan_ok && min_records != NULL) {
			json_object_set(flat, "minimal", min_records);
			json_object_set_new(flat, "minimal_lookups", json_integer(min_cost));
		}
	}
	top_findings(&L, spf99, total, choose, plan_ok, left, min_records, &over);
	if (min_records != NULL) {
		static const char *pcols[] = {"name", "TXT"};
		md_table *pt = md_report_add_table(report, "spf_proposal", 2, pcols);

		for (i = 0; pt != NULL && i < json_array_size(min_records); i++) {
			json_t *o = json_array_get(min_records, i);
			const char *row[2] = {json_string_value(json_object_get(o, "name")),
			                      json_string_value(json_object_get(o, "value"))};

			md_table_add_row(report, pt, row);
		}
	}
	json_decref(min_records);
	md_free(choose);

	md_report_summary(report, "record", "%s", L.root->text ? L.root->text : "(none)");
	if (L.root->state == L_OK) {
		md_report_summary(report, "lookups", "%u of %u DNS-querying terms%s", total, L.max_lookups,
		                  total > L.max_lookups ? " (over the limit: permerror)" : "");
		md_report_summary(report, "void lookups", "%u for IPv4 clients, %u for IPv6 (limit %u)",
		                  L.void4, L.void6, L.max_void);
		if (flat != NULL)
			md_report_summary(report, "flattened", "%zu ranges; the proposed record needs %u lookup%s",
			                  json_array_size(json_object_get(flat, "ranges")), flat_cost,
			                  flat_cost == 1 ? "" : "s");
	}
	if (L.norder > 0) {
		tab = md_report_add_table(report, "spf_lookups", 4, cols);
		for (i = 0; tab != NULL && i < L.norder; i++) {
			const char *row[4];

			row[0] = lfmt(&L, "%u", L.order[i].number);
			row[1] = term_text(&L, L.order[i].n, L.order[i].term);
			row[2] = L.order[i].n->domain;
			row[3] = L.order[i].number > L.max_lookups ? "yes" : "";
			md_table_add_row(report, tab, row);
		}
	}
	trace(&L, L.root, 0);
	if (L.nodes_capped)
		md_report_trace(report, 0, "(stopped after %d records)", SPF_LINT_MAX_RECORDS);

	if (md_report_count(report) == 0 || md_report_worst(report) < MD_SEV_WARNING) {
		if (L.root->state == L_OK && md_report_find(report, "spf.too_many_lookups") == NULL) {
			md_finding *f = add(&L, "spf.ok", MD_SEV_OK, d,
			                    lfmt(&L, "the SPF record of %s is valid and within the limits (%u of %u lookups)",
			                         d, total, L.max_lookups));

			if (f)
				md_finding_set_evidence(report, f, "\"%s\"", L.root->text);
		}
	}
	md_report_set_json_value(report, "record", md_json_cstr(L.root->text));
	md_report_set_json_value(report, "lookups", json_integer(total));
	md_report_set_json_value(report, "void_lookups",
	                         json_integer(L.void4 > L.void6 ? L.void4 : L.void6));
	md_report_set_json_value(report, "tree", tree_json(&L, L.root));
	md_report_set_json_value(report, "over_limit", over ? over : json_null());
	md_report_set_json_value(report, "flatten", flat ? flat : json_null());

	md_free(L.order);
	md_arena_free(L.a);
	if (L.st != MD_OK)
		return L.st;
	return md_report_status(report);
}
