/*
 * spf_eval.c - check_host() of RFC 7208 sections 4 to 6, building the
 * evaluation as a trace tree.
 *
 * Semantics, exactly per the RFC: the record is fetched with one TXT query
 * (section 4.4: DNS error -> temperror, no record -> none), one "v=spf1"
 * record must remain (4.5: several -> permerror), a syntax error anywhere
 * is a permerror (4.6), terms are evaluated left to right and the first
 * matching mechanism decides (4.6.2); with no match redirect= is followed
 * (6.1, ignored when "all" is present) or the result is neutral (4.7).
 * include maps pass to a match, fail/softfail/neutral to no match,
 * temperror and permerror through, none to permerror (5.2).
 *
 * Limits (4.6.4), each reported as a permerror with over_limit set: 10
 * DNS-querying terms (include a mx ptr exists redirect), 2 void lookups
 * (NXDOMAIN or no records), 10 MX names per mx (more: permerror), 10 PTR
 * names per ptr and %{p} (more: ignored), and SPF_MAX_DEPTH levels; an
 * include or redirect back to a domain already being evaluated is a loop
 * (permerror, which the 10-term limit would give anyway, reported early).
 *
 * Independent questions go out together: the A/AAAA of every MX host, the
 * A/AAAA of every PTR name. Counting is unchanged by that: it follows the
 * terms, not the packets.
 */
#include "spf_eval.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/ascii.h"

/* Text for "fail" without a usable exp= (expanded as explain-string). */
static const char default_explanation[] =
	"%{i} is not one of %{d}'s designated mail servers (SPF)";

typedef struct spf_eval {
	spf_verdict_impl *vi;
	md_arena *a;
	md_resolver *res;
	unsigned max_lookups, max_void;
	const char *default_exp;
	bool trace;
	md_ip ip;
	spf_macro_ctx mctx;
	const char *stack[SPF_MAX_DEPTH + 1]; /* domains being evaluated */
	int nstack;
	const char *pval;                     /* %{p}, once computed */
	md_status st;                         /* sticky MD_ENOMEM */
	bool stopped;                         /* an error result was set */
	md_spf_result stopped_result;
} spf_eval;

/* What decided a check_host() level (for exp= and the verdict). */
typedef struct decision {
	const spf_record *rec;
	const char *domain;
	const spf_term *term;
	long node;
} decision;

enum { MECH_NOMATCH = 0, MECH_MATCH = 1, MECH_ERROR = 2, MECH_HAS_DATA = 3 };

const char *md_spf_result_name(md_spf_result r)
{
	switch (r) {
	case MD_SPF_NONE: return "none";
	case MD_SPF_NEUTRAL: return "neutral";
	case MD_SPF_PASS: return "pass";
	case MD_SPF_FAIL: return "fail";
	case MD_SPF_SOFTFAIL: return "softfail";
	case MD_SPF_TEMPERROR: return "temperror";
	case MD_SPF_PERMERROR: return "permerror";
	}
	return "unknown";
}

static md_spf_result qual_result(char q)
{
	switch (q) {
	case '-': return MD_SPF_FAIL;
	case '~': return MD_SPF_SOFTFAIL;
	case '?': return MD_SPF_NEUTRAL;
	default: return MD_SPF_PASS;
	}
}

/* --- trace --- */

static long node_add(spf_eval *ev, spf_node_kind kind, int depth, const char *a,
                     const char *b)
{
	spf_verdict_impl *vi = ev->vi;
	spf_node *n;

	if (!ev->trace)
		return -1;
	if (vi->nnodes == vi->capnodes) {
		size_t cap = vi->capnodes ? vi->capnodes * 2 : 32;
		spf_node *nn = md_realloc(vi->nodes, cap * sizeof(*nn));

		if (nn == NULL) {
			ev->st = MD_ENOMEM;
			return -1;
		}
		vi->nodes = nn;
		vi->capnodes = cap;
	}
	n = &vi->nodes[vi->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->depth = depth;
	n->a = a;
	n->b = b;
	n->match = -1;
	return (long)vi->nnodes++;
}

static spf_node *node(spf_eval *ev, long i)
{
	return i >= 0 ? &ev->vi->nodes[i] : NULL;
}

static const char *afmt(spf_eval *ev, const char *fmt, ...) MD_PRINTF(2, 3);
static const char *afmt(spf_eval *ev, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = md_arena_vprintf(ev->a, fmt, ap);
	va_end(ap);
	if (s == NULL)
		ev->st = MD_ENOMEM;
	return s ? s : "";
}

/* Stop the evaluation with an error result and a reason (first one wins). */
static md_spf_result stop(spf_eval *ev, md_spf_result r, bool limit, int depth,
                          const char *fmt, ...) MD_PRINTF(5, 6);
static md_spf_result stop(spf_eval *ev, md_spf_result r, bool limit, int depth,
                          const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (ev->stopped)
		return r;
	va_start(ap, fmt);
	s = md_arena_vprintf(ev->a, fmt, ap);
	va_end(ap);
	if (s == NULL)
		ev->st = MD_ENOMEM;
	ev->stopped = true;
	ev->stopped_result = r;
	ev->vi->v.reason = s;
	ev->vi->v.over_limit = limit;
	node_add(ev, SPF_N_NOTE, depth, s, md_spf_result_name(r));
	return r;
}

/* --- DNS --- */

enum { Q_DATA, Q_VOID, Q_FAIL, Q_BADNAME };

static int classify(const md_dns_result *r)
{
	if (r == NULL)
		return Q_BADNAME;
	if (md_dns_failed(r))
		return Q_FAIL;
	if (r->outcome == MD_DNS_ANSWER && r->nrr > 0)
		return Q_DATA;
	return Q_VOID;
}

/* A short description of an answer for the trace. */
static const char *answer_text(spf_eval *ev, const md_dns_result *r)
{
	md_buf b;
	size_t i;
	char ipb[64];
	const char *s;

	if (r == NULL)
		return "not a valid domain name: not looked up";
	if (r->outcome != MD_DNS_ANSWER || r->nrr == 0)
		return md_dns_outcome_name(r->nrr == 0 && r->outcome == MD_DNS_ANSWER
		                                   ? MD_DNS_NODATA : r->outcome);
	md_buf_init(&b, 1024);
	for (i = 0; i < r->nrr; i++) {
		const md_dns_rr *rr = &r->rr[i];
		md_ip ip;

		if (i > 0)
			md_buf_puts(&b, ", ");
		if (b.n > 900) {
			md_buf_printf(&b, "... (%zu in all)", r->nrr);
			break;
		}
		switch (rr->type) {
		case MD_DNS_A:
		case MD_DNS_AAAA:
			md_ip_from_bytes(&ip, rr->type == MD_DNS_A ? 4 : 6, rr->addr);
			md_buf_puts(&b, md_ip_str(&ip, ipb, sizeof(ipb)));
			break;
		case MD_DNS_MX:
			md_buf_printf(&b, "%u %s", rr->pref, rr->name[0] ? rr->name : ".");
			break;
		case MD_DNS_PTR:
		case MD_DNS_CNAME:
			md_buf_puts(&b, rr->name);
			break;
		case MD_DNS_TXT:
		case MD_DNS_SPF: {
			size_t k;

			md_buf_putc(&b, '"');
			for (k = 0; k < rr->ntxt; k++) {
				if (k > 0)
					md_buf_puts(&b, "\" \"");
				md_buf_append(&b, rr->txt[k], rr->txtlen[k]);
			}
			md_buf_putc(&b, '"');
			break;
		}
		default:
			md_buf_puts(&b, "?");
		}
	}
	s = b.err == MD_OK || b.err == MD_ELIMIT ? md_arena_strndup(ev->a, b.p ? b.p : "", b.n) : NULL;
	md_buf_free(&b);
	if (s == NULL)
		ev->st = MD_ENOMEM;
	return s ? s : "";
}

static const md_dns_result *ask(spf_eval *ev, const char *name, uint16_t type, int depth)
{
	const md_dns_result *r = NULL;
	md_status st = md_dns_query(ev->res, name, type, &r);
	long n;

	if (st == MD_ENOMEM)
		ev->st = MD_ENOMEM;
	if (st != MD_OK)
		r = NULL;
	if (ev->trace) {
		n = node_add(ev, SPF_N_LOOKUP, depth, md_arena_strdup(ev->a, name), answer_text(ev, r));
		if (n >= 0) {
			node(ev, n)->qtype = type;
			node(ev, n)->outcome = r ? r->outcome : MD_DNS_ERROR;
		}
	}
	return r;
}

typedef struct slot {
	const md_dns_result *r;
	bool done;
} slot;

static void slot_cb(void *ud, const md_dns_result *res)
{
	slot *s = ud;

	s->r = res;
	s->done = true;
}

/* Ask NAMES[0..N) of TYPE at once; RESULTS[i] is NULL for a bad name. */
static void ask_many(spf_eval *ev, const char *const *names, size_t n, uint16_t type,
                     int depth, const md_dns_result **results)
{
	slot slots[SPF_MAX_PTR_NAMES > SPF_MAX_MX_NAMES ? SPF_MAX_PTR_NAMES : SPF_MAX_MX_NAMES];
	bool pending = false;
	size_t i;

	for (i = 0; i < n; i++) {
		md_status st;

		slots[i].r = NULL;
		slots[i].done = false;
		if (names[i] == NULL || names[i][0] == '\0') {
			slots[i].done = true;
			continue;
		}
		st = md_dns_submit(ev->res, names[i], type, slot_cb, &slots[i]);
		if (st == MD_ENOMEM)
			ev->st = MD_ENOMEM;
		if (st != MD_OK)
			slots[i].done = true;
		else if (!slots[i].done)
			pending = true;
	}
	if (pending && md_dns_wait(ev->res) == MD_ENOMEM)
		ev->st = MD_ENOMEM;
	for (i = 0; i < n; i++) {
		results[i] = slots[i].done ? slots[i].r : NULL;
		if (ev->trace && names[i] != NULL && names[i][0] != '\0') {
			long k = node_add(ev, SPF_N_LOOKUP, depth, names[i], answer_text(ev, results[i]));

			if (k >= 0) {
				node(ev, k)->qtype = type;
				node(ev, k)->outcome = results[i] ? results[i]->outcome : MD_DNS_ERROR;
			}
		}
	}
}

/* Count a void lookup; false (after stopping) when over the limit. */
static bool count_void(spf_eval *ev, int depth, const char *name)
{
	ev->vi->v.void_lookups++;
	if (ev->vi->v.void_lookups > ev->max_void) {
		stop(ev, MD_SPF_PERMERROR, true, depth,
		     "more than %u void lookups (RFC 7208 section 4.6.4): %s has no records",
		     ev->max_void, name);
		return false;
	}
	return true;
}

static bool addr_match(const md_ip *ip, const md_dns_rr *rr, int cidr4, int cidr6)
{
	md_ip a;

	if (rr->type == MD_DNS_A && ip->family == 4) {
		md_ip_from_bytes(&a, 4, rr->addr);
		return md_ip_prefix_match(ip, &a, cidr4 < 0 ? 32 : (unsigned)cidr4);
	}
	if (rr->type == MD_DNS_AAAA && ip->family == 6) {
		md_ip_from_bytes(&a, 6, rr->addr);
		return md_ip_prefix_match(ip, &a, cidr6 < 0 ? 128 : (unsigned)cidr6);
	}
	return false;
}

/* --- macros and names --- */

/* Expand a domain-spec (or use DOMAIN when the term has none) into a name
 * to look up. NULL when the expansion is not a usable name. */
static const char *target_name(spf_eval *ev, const spf_term *t, const char *domain)
{
	md_buf b;
	size_t eo;
	const char *why;
	const char *out = NULL;
	md_status st;

	if (t->spec.p == NULL)
		return domain;
	ev->mctx.domain = domain;
	md_buf_init(&b, SPF_MAX_EXPANSION);
	st = spf_macro_expand(&ev->mctx, t->spec.p, t->spec.n, false, &b, &eo, &why);
	if (st == MD_ENOMEM)
		ev->st = MD_ENOMEM;
	if (st == MD_OK && spf_domain_finish(&b)) {
		size_t i;

		for (i = 0; i < b.n; i++)
			b.p[i] = (char)md_tolower((unsigned char)b.p[i]);
		out = md_arena_strndup(ev->a, b.p, b.n);
		if (out == NULL)
			ev->st = MD_ENOMEM;
	}
	md_buf_free(&b);
	return out;
}

/* %{p} (RFC 7208 section 7.3): a validated name of the client, preferring
 * the current domain or a subdomain of it; "unknown" when none. */
static const char *get_p(void *ud)
{
	spf_eval *ev = ud;
	char rev[80];
	const md_dns_result *r, *addrs[SPF_MAX_PTR_NAMES];
	const char *names[SPF_MAX_PTR_NAMES] = {NULL};
	const char *dom = ev->mctx.domain ? ev->mctx.domain : "";
	const char *first = NULL;
	size_t i, n = 0, dl = strlen(dom);

	if (ev->pval != NULL)
		return ev->pval;
	ev->pval = "unknown";
	md_ip_reverse_name(&ev->ip, rev, sizeof(rev));
	if (md_dns_query(ev->res, rev, MD_DNS_PTR, &r) != MD_OK || classify(r) != Q_DATA)
		return ev->pval;
	for (i = 0; i < r->nrr && n < SPF_MAX_PTR_NAMES; i++)
		if (r->rr[i].type == MD_DNS_PTR)
			names[n++] = r->rr[i].name;
	ask_many(ev, names, n, ev->ip.family == 4 ? MD_DNS_A : MD_DNS_AAAA, 0, addrs);
	for (i = 0; i < n; i++) {
		size_t k, nl = strlen(names[i]);

		if (classify(addrs[i]) != Q_DATA)
			continue;
		for (k = 0; k < addrs[i]->nrr; k++)
			if (addr_match(&ev->ip, &addrs[i]->rr[k], -1, -1))
				break;
		if (k == addrs[i]->nrr)
			continue;
		if (first == NULL)
			first = names[i];
		if (nl == dl ? strcmp(names[i], dom) == 0
		             : (nl > dl && names[i][nl - dl - 1] == '.' && strcmp(names[i] + nl - dl, dom) == 0)) {
			first = names[i];
			break;
		}
	}
	if (first != NULL)
		ev->pval = first;
	return ev->pval;
}

/* --- record fetch --- */

/* Fetch and select the record of DOMAIN (sections 4.4 and 4.5). Returns
 * MD_SPF_PASS as "found" (REC filled), or none/temperror/permerror. */
static md_spf_result fetch_record(spf_eval *ev, const char *domain, int depth,
                                  spf_record *rec, const char **text)
{
	const md_dns_result *r = ask(ev, domain, MD_DNS_TXT, depth);
	const md_dns_rr *found = NULL;
	size_t i, nfound = 0, len = 0, k;
	char *p;

	switch (classify(r)) {
	case Q_FAIL:
		return stop(ev, MD_SPF_TEMPERROR, false, depth,
		            "DNS %s looking up the TXT records of %s",
		            md_dns_outcome_name(r->outcome), domain);
	case Q_BADNAME:
	case Q_VOID:
		return MD_SPF_NONE;
	default:
		break;
	}
	for (i = 0; i < r->nrr; i++) {
		const md_dns_rr *rr = &r->rr[i];
		char head[7];
		size_t hn = 0;

		if (rr->type != MD_DNS_TXT)
			continue;
		/* The version check needs the first 7 bytes across strings. */
		for (k = 0; k < rr->ntxt && hn < sizeof(head); k++) {
			size_t take = rr->txtlen[k];

			if (take > sizeof(head) - hn)
				take = sizeof(head) - hn;
			memcpy(head + hn, rr->txt[k], take);
			hn += take;
		}
		if (spf_is_v1(head, hn)) {
			found = rr;
			nfound++;
		}
	}
	if (nfound == 0)
		return MD_SPF_NONE;
	if (nfound > 1)
		return stop(ev, MD_SPF_PERMERROR, false, depth,
		            "%s has %zu v=spf1 records; there must be exactly one (RFC 7208 section 4.5)",
		            domain, nfound);
	for (k = 0; k < found->ntxt; k++)
		len += found->txtlen[k];
	p = md_arena_alloc(ev->a, len + 1);
	if (p == NULL) {
		ev->st = MD_ENOMEM;
		return stop(ev, MD_SPF_TEMPERROR, false, depth, "out of memory");
	}
	len = 0;
	for (k = 0; k < found->ntxt; k++) {
		memcpy(p + len, found->txt[k], found->txtlen[k]);
		len += found->txtlen[k];
	}
	p[len] = '\0';
	*text = p;
	if (spf_parse(ev->a, p, len, rec) != MD_OK) {
		ev->st = MD_ENOMEM;
		return stop(ev, MD_SPF_TEMPERROR, false, depth, "out of memory");
	}
	if (rec->bad)
		return stop(ev, MD_SPF_PERMERROR, false, depth,
		            "syntax error in the record of %s at offset %zu: %s",
		            domain, rec->err_off, rec->err);
	return MD_SPF_PASS;
}

static md_spf_result check_host(spf_eval *ev, const char *domain, int depth, decision *dec);

static bool on_stack(spf_eval *ev, const char *name)
{
	int i;

	for (i = 0; i < ev->nstack; i++)
		if (strcmp(ev->stack[i], name) == 0)
			return true;
	return false;
}

/*
 * What the first lookup of a, mx and exists decides on its own (RFC 7208
 * sections 4.6.4, 5): an invalid name matches nothing; a DNS error is
 * temperror; a void lookup matches nothing and counts toward the limit of
 * two. MECH_HAS_DATA: R has records and the mechanism goes on.
 */
static int first_lookup(spf_eval *ev, const md_dns_result *r, const char *what,
                        const char *name, int depth, const char **note)
{
	switch (classify(r)) {
	case Q_BADNAME:
		*note = "not a valid domain name: no match";
		return MECH_NOMATCH;
	case Q_FAIL:
		stop(ev, MD_SPF_TEMPERROR, false, depth, "DNS %s looking up %s %s",
		     md_dns_outcome_name(r->outcome), what, name);
		return MECH_ERROR;
	case Q_VOID:
		*note = "void lookup: no match";
		return count_void(ev, depth, name) ? MECH_NOMATCH : MECH_ERROR;
	default:
		return MECH_HAS_DATA;
	}
}

/* a, mx: does any address of NAME (or of NAME's MX hosts) match? */
static int mech_a(spf_eval *ev, const spf_term *t, const char *name, int depth, const char **note)
{
	uint16_t type = ev->ip.family == 4 ? MD_DNS_A : MD_DNS_AAAA;
	const md_dns_result *r = ask(ev, name, type, depth);
	int first = first_lookup(ev, r, type == MD_DNS_A ? "A" : "AAAA", name, depth, note);
	size_t i;

	if (first != MECH_HAS_DATA)
		return first;
	for (i = 0; i < r->nrr; i++)
		if (addr_match(&ev->ip, &r->rr[i], t->cidr4, t->cidr6))
			return MECH_MATCH;
	return MECH_NOMATCH;
}

static int mech_mx(spf_eval *ev, const spf_term *t, const char *name, int depth, const char **note)
{
	uint16_t type = ev->ip.family == 4 ? MD_DNS_A : MD_DNS_AAAA;
	const md_dns_result *r = ask(ev, name, MD_DNS_MX, depth), *addrs[SPF_MAX_MX_NAMES];
	const char *hosts[SPF_MAX_MX_NAMES] = {NULL};
	const md_dns_rr *order[SPF_MAX_MX_NAMES];
	size_t i, j, n = 0;
	int verdict = MECH_NOMATCH, first = first_lookup(ev, r, "MX", name, depth, note);

	if (first != MECH_HAS_DATA)
		return first;
	for (i = 0; i < r->nrr; i++) {
		if (r->rr[i].type != MD_DNS_MX)
			continue;
		if (n == SPF_MAX_MX_NAMES) {
			stop(ev, MD_SPF_PERMERROR, true, depth,
			     "%s has more than %d MX records (RFC 7208 section 4.6.4)",
			     name, SPF_MAX_MX_NAMES);
			return MECH_ERROR;
		}
		order[n++] = &r->rr[i];
	}
	/* Preference order (insertion sort of at most 10). */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && order[j]->pref < order[j - 1]->pref; j--) {
			const md_dns_rr *tmp = order[j];

			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (i = 0; i < n; i++)
		hosts[i] = order[i]->name; /* "" (null MX) is skipped */
	ask_many(ev, hosts, n, type, depth + 1, addrs);
	/* All hosts are looked up before matching, so errors and void
	 * lookups count the same whatever the order of the answers. */
	for (i = 0; i < n && verdict == MECH_NOMATCH; i++) {
		if (hosts[i][0] == '\0')
			continue;
		switch (classify(addrs[i])) {
		case Q_FAIL:
			stop(ev, MD_SPF_TEMPERROR, false, depth, "DNS %s looking up %s %s (MX of %s)",
			     md_dns_outcome_name(addrs[i]->outcome), type == MD_DNS_A ? "A" : "AAAA",
			     hosts[i], name);
			return MECH_ERROR;
		case Q_VOID:
			if (!count_void(ev, depth, hosts[i]))
				return MECH_ERROR;
			break;
		default:
			break;
		}
	}
	for (i = 0; i < n; i++) {
		if (classify(addrs[i]) != Q_DATA)
			continue;
		for (j = 0; j < addrs[i]->nrr; j++)
			if (addr_match(&ev->ip, &addrs[i]->rr[j], t->cidr4, t->cidr6)) {
				*note = afmt(ev, "matched MX host %s", hosts[i]);
				return MECH_MATCH;
			}
	}
	return MECH_NOMATCH;
}

static bool name_within(const char *name, const char *dom)
{
	size_t nl = strlen(name), dl = strlen(dom);

	if (nl == dl)
		return strcmp(name, dom) == 0;
	return nl > dl && name[nl - dl - 1] == '.' && strcmp(name + nl - dl, dom) == 0;
}

static int mech_ptr(spf_eval *ev, const char *name, int depth, const char **note)
{
	uint16_t type = ev->ip.family == 4 ? MD_DNS_A : MD_DNS_AAAA;
	char rev[80];
	const md_dns_result *r, *addrs[SPF_MAX_PTR_NAMES];
	const char *names[SPF_MAX_PTR_NAMES] = {NULL};
	size_t i, k, n = 0;

	md_ip_reverse_name(&ev->ip, rev, sizeof(rev));
	r = ask(ev, rev, MD_DNS_PTR, depth);
	switch (classify(r)) {
	case Q_FAIL:
		/* Section 5.5: "If a DNS error occurs while doing the PTR RR
		 * lookup, then this mechanism fails to match." */
		*note = afmt(ev, "DNS %s on the PTR lookup: no match (RFC 7208 section 5.5)",
		             md_dns_outcome_name(r->outcome));
		return MECH_NOMATCH;
	case Q_BADNAME:
	case Q_VOID:
		*note = "no PTR records: no match";
		return count_void(ev, depth, rev) ? MECH_NOMATCH : MECH_ERROR;
	default:
		break;
	}
	for (i = 0; i < r->nrr && n < SPF_MAX_PTR_NAMES; i++)
		if (r->rr[i].type == MD_DNS_PTR)
			names[n++] = r->rr[i].name;
	ask_many(ev, names, n, type, depth + 1, addrs);
	for (i = 0; i < n; i++) {
		/* Section 5.5: a name whose address lookup fails is skipped. */
		int c = classify(addrs[i]);

		if (c == Q_VOID && !count_void(ev, depth, names[i]))
			return MECH_ERROR;
		if (c != Q_DATA)
			continue;
		for (k = 0; k < addrs[i]->nrr; k++)
			if (addr_match(&ev->ip, &addrs[i]->rr[k], -1, -1))
				break;
		if (k < addrs[i]->nrr && name_within(names[i], name)) {
			*note = afmt(ev, "validated name %s is within %s", names[i], name);
			return MECH_MATCH;
		}
	}
	return MECH_NOMATCH;
}

static int mech_exists(spf_eval *ev, const char *name, int depth, const char **note)
{
	const md_dns_result *r = ask(ev, name, MD_DNS_A, depth);
	int first = first_lookup(ev, r, "A", name, depth, note);

	return first == MECH_HAS_DATA ? MECH_MATCH : first;
}

static int mech_include(spf_eval *ev, const char *name, int depth, const char **note)
{
	decision sub = {0};
	md_spf_result r;

	if (name == NULL) {
		stop(ev, MD_SPF_PERMERROR, false, depth,
		     "include target does not expand to a valid domain name");
		return MECH_ERROR;
	}
	if (on_stack(ev, name)) {
		stop(ev, MD_SPF_PERMERROR, true, depth,
		     "include loop: %s is already being evaluated", name);
		return MECH_ERROR;
	}
	r = check_host(ev, name, depth + 1, &sub);
	switch (r) {
	case MD_SPF_PASS:
		*note = "included record passes: match";
		return MECH_MATCH;
	case MD_SPF_FAIL:
	case MD_SPF_SOFTFAIL:
	case MD_SPF_NEUTRAL:
		*note = afmt(ev, "included record gives %s: no match", md_spf_result_name(r));
		return MECH_NOMATCH;
	case MD_SPF_NONE:
		stop(ev, MD_SPF_PERMERROR, false, depth,
		     "include:%s: %s has no SPF record (RFC 7208 section 5.2)", name, name);
		return MECH_ERROR;
	default:
		return MECH_ERROR;
	}
}

static md_spf_result check_host(spf_eval *ev, const char *domain, int depth, decision *dec)
{
	spf_record *recp = md_arena_alloc(ev->a, sizeof(*recp));
	const char *text = NULL;
	md_spf_result res;
	long cnode = node_add(ev, SPF_N_CHECK, depth, domain, NULL);
	size_t i;

	if (recp == NULL) {
		ev->st = MD_ENOMEM;
		return stop(ev, MD_SPF_TEMPERROR, false, depth, "out of memory");
	}

	if (depth > SPF_MAX_DEPTH)
		return stop(ev, MD_SPF_PERMERROR, true, depth,
		            "include/redirect nested more than %d deep", SPF_MAX_DEPTH);
	ev->stack[ev->nstack++] = domain;
	res = fetch_record(ev, domain, depth + 1, recp, &text);
	if (cnode >= 0)
		node(ev, cnode)->b = text;
	if (depth == 0 && text != NULL && ev->vi->v.record == NULL)
		ev->vi->v.record = text;
	if (res != MD_SPF_PASS)
		goto done;
	res = MD_SPF_NEUTRAL;
	dec->rec = recp;
	dec->domain = domain;
	dec->term = NULL;
	dec->node = -1;
	for (i = 0; i < recp->nterms; i++) {
		const spf_term *t = &recp->terms[i];
		const char *name = NULL, *note = NULL, *ttext;
		long tn;
		int m = MECH_NOMATCH;

		if (t->kind == SPF_T_REDIRECT || t->kind == SPF_T_EXP || t->kind == SPF_T_UNKNOWN)
			continue;
		ttext = ev->trace ? md_arena_strndup(ev->a, recp->text + t->off, t->len) : NULL;
		tn = node_add(ev, SPF_N_TERM, depth + 1, ttext, NULL);
		if (spf_kind_counts(t->kind)) {
			ev->vi->v.lookups++;
			if (node(ev, tn)) {
				node(ev, tn)->counts = true;
				node(ev, tn)->at = ev->vi->v.lookups;
			}
			if (ev->vi->v.lookups > ev->max_lookups) {
				res = stop(ev, MD_SPF_PERMERROR, true, depth + 2,
				           "more than %u DNS-querying terms (RFC 7208 section 4.6.4): "
				           "term %u is %.*s in the record of %s",
				           ev->max_lookups, ev->vi->v.lookups, (int)t->len,
				           recp->text + t->off, domain);
				goto term_done;
			}
			if (t->kind != SPF_T_PTR)
				name = target_name(ev, t, domain);
			else
				name = t->spec.p ? target_name(ev, t, domain) : domain;
		}
		switch (t->kind) {
		case SPF_T_ALL:
			m = MECH_MATCH;
			break;
		case SPF_T_IP4:
		case SPF_T_IP6:
			if (ev->ip.family == t->net.family) {
				int c = t->kind == SPF_T_IP4 ? t->cidr4 : t->cidr6;

				m = md_ip_prefix_match(&ev->ip, &t->net,
				                       c < 0 ? (t->kind == SPF_T_IP4 ? 32u : 128u) : (unsigned)c)
				            ? MECH_MATCH : MECH_NOMATCH;
			}
			break;
		case SPF_T_A:
			m = name ? mech_a(ev, t, name, depth + 2, &note) : MECH_NOMATCH;
			break;
		case SPF_T_MX:
			m = name ? mech_mx(ev, t, name, depth + 2, &note) : MECH_NOMATCH;
			break;
		case SPF_T_PTR:
			m = name ? mech_ptr(ev, name, depth + 2, &note) : MECH_NOMATCH;
			break;
		case SPF_T_EXISTS:
			m = name ? mech_exists(ev, name, depth + 2, &note) : MECH_NOMATCH;
			break;
		case SPF_T_INCLUDE:
			m = mech_include(ev, name, depth + 1, &note);
			break;
		default:
			break;
		}
		if (name == NULL && spf_kind_counts(t->kind) && t->kind != SPF_T_INCLUDE)
			note = "target is not a valid domain name: no match";
	term_done:
		if (node(ev, tn)) {
			spf_node *nd = node(ev, tn);

			nd->lookups = ev->vi->v.lookups;
			nd->voids = ev->vi->v.void_lookups;
			nd->match = m == MECH_ERROR || ev->stopped ? -1 : m;
			if (nd->match < 0)
				nd->b = afmt(ev, "evaluation stopped: %s", md_spf_result_name(ev->stopped_result));
			else
				nd->b = note ? note : m == MECH_MATCH ? "match" : "no match";
		}
		if (ev->stopped) {
			res = ev->stopped_result;
			goto done;
		}
		if (m == MECH_MATCH) {
			res = qual_result(t->qual);
			dec->term = t;
			dec->node = tn;
			goto done;
		}
	}
	/* Section 6.1: redirect applies when nothing matched and there is no
	 * "all" anywhere in the record. */
	if (recp->redirect >= 0 && recp->all < 0) {
		const spf_term *t = &recp->terms[recp->redirect];
		const char *name;
		long tn = node_add(ev, SPF_N_TERM, depth + 1,
		                   ev->trace ? md_arena_strndup(ev->a, recp->text + t->off, t->len) : NULL,
		                   NULL);

		ev->vi->v.lookups++;
		if (node(ev, tn)) {
			node(ev, tn)->counts = true;
			node(ev, tn)->at = ev->vi->v.lookups;
		}
		if (ev->vi->v.lookups > ev->max_lookups) {
			res = stop(ev, MD_SPF_PERMERROR, true, depth + 2,
			           "more than %u DNS-querying terms (RFC 7208 section 4.6.4): "
			           "term %u is %.*s in the record of %s",
			           ev->max_lookups, ev->vi->v.lookups, (int)t->len,
			           recp->text + t->off, domain);
			goto done;
		}
		name = target_name(ev, t, domain);
		if (node(ev, tn)) {
			node(ev, tn)->lookups = ev->vi->v.lookups;
			node(ev, tn)->voids = ev->vi->v.void_lookups;
			node(ev, tn)->b = "nothing matched: follow the redirect";
		}
		if (name == NULL) {
			res = stop(ev, MD_SPF_PERMERROR, false, depth + 2,
			           "redirect target does not expand to a valid domain name");
			goto done;
		}
		if (on_stack(ev, name)) {
			res = stop(ev, MD_SPF_PERMERROR, true, depth + 2,
			           "redirect loop: %s is already being evaluated", name);
			goto done;
		}
		/* The redirect target's record replaces this one, exp= included. */
		res = check_host(ev, name, depth + 2, dec);
		if (res == MD_SPF_NONE && !ev->stopped)
			res = stop(ev, MD_SPF_PERMERROR, false, depth + 2,
			           "redirect=%s: %s has no SPF record (RFC 7208 section 6.1)", name, name);
		goto done;
	}
	node_add(ev, SPF_N_NOTE, depth + 1, "no mechanism matched: default result neutral", "neutral");
done:
	if (ev->stopped)
		res = ev->stopped_result;
	if (node(ev, cnode))
		node(ev, cnode)->result = res;
	ev->nstack--;
	return res;
}

/* --- explanation (RFC 7208 section 6.2) --- */

static const char *expand_exp(spf_eval *ev, const char *s, size_t n)
{
	md_buf b;
	size_t eo;
	const char *why, *out = NULL;
	md_status st;

	md_buf_init(&b, SPF_MAX_EXPANSION);
	st = spf_macro_expand(&ev->mctx, s, n, true, &b, &eo, &why);
	if (st == MD_ENOMEM)
		ev->st = MD_ENOMEM;
	if (st == MD_OK) {
		out = md_arena_strndup(ev->a, b.p ? b.p : "", b.n);
		if (out == NULL)
			ev->st = MD_ENOMEM;
	}
	md_buf_free(&b);
	return out;
}

static const char *default_exp(spf_eval *ev)
{
	const char *s = expand_exp(ev, ev->default_exp, strlen(ev->default_exp));

	return s ? s : ev->default_exp;
}

/* The exp= text of the deciding record, or the default explanation when
 * there is no exp= or it cannot be used (no or several TXT records, DNS
 * error, bad macro, non-ASCII text). The lookup does not count. */
static const char *explain(spf_eval *ev, const decision *dec, int depth)
{
	const spf_term *t;
	const char *name, *s;
	const md_dns_result *r;
	const md_dns_rr *rr;
	md_buf text;
	size_t k;

	ev->mctx.domain = dec->domain;
	if (dec->rec == NULL || dec->rec->exp < 0)
		return default_exp(ev);
	t = &dec->rec->terms[dec->rec->exp];
	name = target_name(ev, t, dec->domain);
	if (name == NULL)
		return default_exp(ev);
	r = ask(ev, name, MD_DNS_TXT, depth);
	if (classify(r) != Q_DATA || r->nrr != 1 || r->rr[0].type != MD_DNS_TXT) {
		node_add(ev, SPF_N_NOTE, depth, "exp= unusable (needs exactly one TXT record): default explanation", NULL);
		return default_exp(ev);
	}
	rr = &r->rr[0];
	md_buf_init(&text, SPF_MAX_EXPANSION);
	for (k = 0; k < rr->ntxt; k++)
		md_buf_append(&text, rr->txt[k], rr->txtlen[k]);
	for (k = 0; k < text.n; k++)
		if ((unsigned char)text.p[k] >= 0x80)
			break;
	s = text.err == MD_OK && k == text.n ? expand_exp(ev, text.p ? text.p : "", text.n) : NULL;
	md_buf_free(&text);
	if (s == NULL) {
		node_add(ev, SPF_N_NOTE, depth, "exp= text is not valid (non-ASCII or bad macro): default explanation", NULL);
		return default_exp(ev);
	}
	return s;
}

/* --- entry points --- */

void md_spf_verdict_free(md_spf_verdict *v)
{
	spf_verdict_impl *vi = (spf_verdict_impl *)v;

	if (vi == NULL)
		return;
	md_free(vi->nodes);
	md_arena_free(vi->arena);
	md_free(vi);
}

static char *lower_dup(md_arena *a, const char *s, size_t n)
{
	char *d = md_arena_strndup(a, s, n);
	size_t i;

	if (d != NULL)
		for (i = 0; i < n; i++)
			d[i] = (char)md_tolower((unsigned char)d[i]);
	return d;
}

/* Section 4.3: a domain check_host() can be asked about. */
static bool initial_domain_ok(const char *d)
{
	size_t n = strlen(d);
	const char *last;

	if (!spf_domain_valid(d, n))
		return false;
	if (d[n - 1] == '.')
		n--;
	last = d + n;
	while (last > d && last[-1] != '.')
		last--;
	return spf_toplabel_ok(last, (size_t)(d + n - last));
}

md_status md_spf_check_host(md_resolver *res, const char *ipstr, const char *domain,
                            const char *sender, const char *helo,
                            const md_spf_opts *opts, md_spf_verdict **out)
{
	static const md_spf_opts defaults = {0};
	spf_verdict_impl *vi;
	spf_eval ev;
	decision dec = {0};
	const char *at, *dom;
	char ipb[64];
	size_t dn;
	md_spf_result r;

	if (out == NULL)
		return MD_EINVAL;
	*out = NULL;
	if (res == NULL || ipstr == NULL || domain == NULL || sender == NULL)
		return MD_EINVAL;
	if (opts == NULL)
		opts = &defaults;
	memset(&ev, 0, sizeof(ev));
	if (!md_ip_parse(ipstr, &ev.ip))
		return MD_EINVAL;
	ev.ip = md_ip_unmap(ev.ip);
	vi = md_calloc(1, sizeof(*vi));
	if (vi == NULL)
		return MD_ENOMEM;
	vi->arena = md_arena_new();
	if (vi->arena == NULL) {
		md_free(vi);
		return MD_ENOMEM;
	}
	ev.vi = vi;
	ev.a = vi->arena;
	ev.res = res;
	ev.trace = !opts->no_trace;
	vi->traced = ev.trace;
	ev.max_lookups = opts->max_lookups ? opts->max_lookups : SPF_MAX_DNS_TERMS;
	ev.max_void = opts->max_void_lookups ? opts->max_void_lookups : SPF_MAX_VOID_LOOKUPS;
	vi->max_lookups = ev.max_lookups;
	ev.default_exp = opts->default_explanation ? opts->default_explanation : default_explanation;

	dn = strlen(domain);
	if (dn > 0 && domain[dn - 1] == '.')
		dn--;
	dom = lower_dup(ev.a, domain, dn);
	vi->v.domain = dom;
	vi->v.ip = md_arena_strdup(ev.a, md_ip_str(&ev.ip, ipb, sizeof(ipb)));
	/* Section 4.3: no local-part means "postmaster". */
	at = strrchr(sender, '@');
	if (at == NULL) {
		ev.mctx.local = md_str_c("postmaster");
		ev.mctx.sender_dom = md_str_c(md_arena_strdup(ev.a, sender));
	} else {
		ev.mctx.local = at == sender ? md_str_c("postmaster")
		                             : (md_str){md_arena_strndup(ev.a, sender, (size_t)(at - sender)),
		                                        (size_t)(at - sender)};
		ev.mctx.sender_dom = md_str_c(md_arena_strdup(ev.a, at + 1));
	}
	ev.mctx.ip = ev.ip;
	ev.mctx.helo = helo;
	ev.mctx.receiver = opts->receiver;
	ev.mctx.now = opts->now ? opts->now : (long long)time(NULL);
	ev.mctx.get_p = get_p;
	ev.mctx.ud = &ev;
	if (dom == NULL || vi->v.ip == NULL || ev.mctx.local.p == NULL || ev.mctx.sender_dom.p == NULL) {
		md_spf_verdict_free(&vi->v);
		return MD_ENOMEM;
	}

	if (!initial_domain_ok(dom)) {
		r = MD_SPF_NONE;
		vi->v.reason = afmt(&ev, "%s is not a multi-label domain name that SPF can check "
		                         "(RFC 7208 section 4.3)", dom);
	} else {
		r = check_host(&ev, dom, 0, &dec);
	}
	vi->v.result = r;
	if (r == MD_SPF_FAIL && !ev.stopped)
		vi->v.explanation = explain(&ev, &dec, 1);
	if (!ev.stopped && dec.term != NULL) {
		vi->v.term = md_arena_strndup(ev.a, dec.rec->text + dec.term->off, dec.term->len);
		vi->v.term_domain = dec.domain;
		if (node(&ev, dec.node))
			node(&ev, dec.node)->decided = true;
	}
	if (vi->v.reason == NULL) {
		if (vi->v.term != NULL)
			vi->v.reason = afmt(&ev, "%s matched in the record of %s: %s", vi->v.term,
			                    vi->v.term_domain, md_spf_result_name(r));
		else if (r == MD_SPF_NONE)
			vi->v.reason = afmt(&ev, "%s has no SPF (v=spf1) record", dom);
		else
			vi->v.reason = afmt(&ev, "no mechanism matched in the record of %s: "
			                         "the default result is neutral", dec.domain ? dec.domain : dom);
	}
	if (ev.st != MD_OK) {
		md_spf_verdict_free(&vi->v);
		return ev.st;
	}
	*out = &vi->v;
	return MD_OK;
}

md_status md_spf_check_mailfrom(md_resolver *res, const char *ip, const char *mailfrom,
                                const char *helo, const md_spf_opts *opts,
                                md_spf_verdict **out)
{
	const char *at;

	if (mailfrom == NULL || mailfrom[0] == '\0')
		return md_spf_check_helo(res, ip, helo, opts, out);
	at = strrchr(mailfrom, '@');
	return md_spf_check_host(res, ip, at ? at + 1 : mailfrom, mailfrom, helo, opts, out);
}

md_status md_spf_check_helo(md_resolver *res, const char *ip, const char *helo,
                            const md_spf_opts *opts, md_spf_verdict **out)
{
	size_t n;
	char *sender;
	md_status st;

	if (helo == NULL) {
		if (out)
			*out = NULL;
		return MD_EINVAL;
	}
	n = strlen(helo);
	sender = md_malloc(n + sizeof("postmaster@"));
	if (sender == NULL)
		return MD_ENOMEM;
	memcpy(sender, "postmaster@", sizeof("postmaster@") - 1);
	memcpy(sender + sizeof("postmaster@") - 1, helo, n + 1);
	st = md_spf_check_host(res, ip, helo, sender, helo, opts, out);
	md_free(sender);
	return st;
}
