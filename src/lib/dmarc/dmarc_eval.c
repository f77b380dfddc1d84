/*
 * dmarc_eval.c - the DMARC verdict for a message: policy discovery,
 * organisational domains, identifier alignment and the disposition
 * (RFC 7489 sections 3.1, 6.6; RFC 9989 sections 4.4, 4.7, 4.10).
 *
 * Every _dmarc name any tree walk may need (the From domain's and each
 * DKIM and SPF domain's) is asked at once, plus the From domain's A record
 * for np= (RFC 9989: a non-existent domain answers NXDOMAIN); the verdict
 * is computed from the answers. A question that fails makes the verdict
 * temperror ("could not check"), never "none".
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "dkim/dkim_internal.h"
#include "dmarc_eval.h"
#include "dmarc_internal.h"

/* Distinct _dmarc names asked per evaluation (17 identifiers x 8 names). */
#define DMARC_MAX_NAMES 160

const char *md_dmarc_verdict_name(md_dmarc_verdict v)
{
	static const char *const names[] = {"none", "pass", "fail", "temperror", "permerror"};

	return (unsigned)v < 5 ? names[v] : "permerror";
}

const char *md_dmarc_policy_name(md_dmarc_policy p)
{
	static const char *const names[] = {"none", "quarantine", "reject"};

	return (unsigned)p < 3 ? names[p] : "none";
}

const char *md_dmarc_reading_name(md_dmarc_reading r)
{
	return r == MD_DMARC_RFC7489 ? "rfc7489" : "rfc9989";
}

md_status md_dmarc_reading_parse(const char *s, md_dmarc_reading *out)
{
	if (s == NULL)
		return MD_EINVAL;
	if (!strcmp(s, "9989") || !strcmp(s, "rfc9989") || !strcmp(s, "RFC9989") ||
	    !strcmp(s, "dmarcbis"))
		*out = MD_DMARC_RFC9989;
	else if (!strcmp(s, "7489") || !strcmp(s, "rfc7489") || !strcmp(s, "RFC7489"))
		*out = MD_DMARC_RFC7489;
	else
		return MD_EINVAL;
	return MD_OK;
}

/* ------------------------------------------------------------------ */
/* the answers */

struct dmarc_q {
	char name[256]; /* the domain (without _dmarc.) */
	const md_dns_result *res;
	bool parsed;
	dmarc_state state;
	dmarc_record rec; /* when state == DMARC_ONE */
	const char *text;
};

struct dmarc_qset {
	md_resolver *r;
	md_arena *a;
	dmarc_q q[DMARC_MAX_NAMES];
	size_t n;
	bool overflow;
};

static void q_cb(void *ud, const md_dns_result *res)
{
	((dmarc_q *)ud)->res = res;
}

dmarc_qset *dmarc_qset_new(md_resolver *r, md_arena *a)
{
	dmarc_qset *s = md_calloc(1, sizeof(*s));

	if (s != NULL) {
		s->r = r;
		s->a = a;
	}
	return s;
}

void dmarc_qset_free(dmarc_qset *s)
{
	md_free(s);
}

dmarc_q *dmarc_qset_ask(dmarc_qset *s, const char *domain)
{
	char qname[300];
	size_t i;
	dmarc_q *q;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->q[i].name, domain) == 0)
			return &s->q[i];
	if (s->n == DMARC_MAX_NAMES || strlen(domain) >= sizeof(q->name)) {
		s->overflow = true;
		return NULL;
	}
	q = &s->q[s->n++];
	memcpy(q->name, domain, strlen(domain) + 1);
	snprintf(qname, sizeof(qname), "_dmarc.%s", domain);
	if (md_dns_submit(s->r, qname, MD_DNS_TXT, q_cb, q) != MD_OK)
		q->res = NULL;
	return q;
}

void dmarc_qset_walk(dmarc_qset *s, const char *domain)
{
	char names[DMARC_WALK_MAX][256];
	size_t i, n = dmarc_walk_names(domain, names, DMARC_WALK_MAX);

	for (i = 0; i < n; i++)
		dmarc_qset_ask(s, names[i]);
}

dmarc_q *dmarc_qset_get(dmarc_qset *s, const char *domain)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->q[i].name, domain) == 0)
			return &s->q[i];
	return NULL;
}

/* What the answer at Q holds: nothing, one DMARC record, several, or the
 * question failed. Records not starting with v=DMARC1 are discarded. */
dmarc_state dmarc_q_state(dmarc_qset *s, dmarc_q *q)
{
	size_t i, ndmarc = 0;
	md_buf txt;

	if (q == NULL)
		return DMARC_FAILED;
	if (q->parsed)
		return q->state;
	q->parsed = true;
	if (q->res == NULL || md_dns_failed(q->res)) {
		q->state = DMARC_FAILED;
		return q->state;
	}
	q->state = DMARC_NONE;
	if (q->res->outcome != MD_DNS_ANSWER)
		return q->state;
	md_buf_init(&txt, DMARC_MAX_RECORD + 1);
	for (i = 0; i < q->res->nrr; i++) {
		const md_dns_rr *rr = &q->res->rr[i];
		dmarc_record rec;
		char *t;

		if (dkim_join_txt(&txt, rr->txt, rr->txtlen, rr->ntxt) != MD_OK)
			continue;
		t = md_arena_strndup(s->a, txt.p, txt.n);
		if (t == NULL)
			continue;
		dmarc_record_parse(&rec, t, txt.n);
		if (!rec.is_dmarc)
			continue;
		if (++ndmarc == 1) {
			q->rec = rec;
			q->text = t;
		}
	}
	md_buf_free(&txt);
	if (ndmarc == 1)
		q->state = DMARC_ONE;
	else if (ndmarc > 1)
		q->state = DMARC_MULTIPLE;
	return q->state;
}

const dmarc_record *dmarc_q_record(const dmarc_q *q)
{
	return q->state == DMARC_ONE ? &q->rec : NULL;
}

const char *dmarc_q_text(const dmarc_q *q)
{
	return q->text;
}

const md_dns_result *dmarc_q_result(const dmarc_q *q)
{
	return q ? q->res : NULL;
}

const char *dmarc_q_name(const dmarc_q *q)
{
	return q->name;
}

/* The rightmost LABELS labels of DOMAIN. */
static const char *rightmost(const char *domain, size_t labels)
{
	size_t total = 1;
	const char *p;

	for (p = domain; *p; p++)
		if (*p == '.')
			total++;
	p = domain;
	while (total > labels) {
		p = strchr(p, '.') + 1;
		total--;
	}
	return p;
}

static size_t count_labels(const char *d)
{
	size_t n = 1;

	for (; *d; d++)
		if (*d == '.')
			n++;
	return n;
}

bool dmarc_org_walk(dmarc_qset *s, const char *domain, char *out, size_t len)
{
	char names[DMARC_WALK_MAX][256];
	size_t i, n = dmarc_walk_names(domain, names, DMARC_WALK_MAX);
	const char *org = domain;
	bool ok = true;

	for (i = 0; i < n; i++) {
		dmarc_q *q = dmarc_qset_get(s, names[i]);
		dmarc_state st = dmarc_q_state(s, q);
		const dmarc_record *rec;

		if (st == DMARC_FAILED) {
			ok = false;
			continue;
		}
		if (st != DMARC_ONE)
			continue;
		rec = &q->rec;
		if (rec->psd == 'n') {
			org = names[i];
			break;
		}
		if (rec->psd == 'y') {
			/* the Organizational Domain is one label below the PSD */
			size_t l = count_labels(names[i]);

			org = (strcmp(names[i], domain) == 0) ? domain : rightmost(domain, l + 1);
			break;
		}
		org = names[i]; /* fewest labels so far */
	}
	if (strlen(org) >= len)
		return false;
	memcpy(out, org, strlen(org) + 1);
	return ok;
}

/* ------------------------------------------------------------------ */
/* evaluation */

struct md_dmarc_result {
	md_arena *arena;
	md_dmarc_outcome o;
};

static void a_cb(void *ud, const md_dns_result *res)
{
	*(const md_dns_result **)ud = res;
}

static md_dmarc_policy lower(md_dmarc_policy p)
{
	return p == MD_DMARC_POLICY_REJECT ? MD_DMARC_POLICY_QUARANTINE : MD_DMARC_POLICY_NONE;
}

static bool org_of(dmarc_qset *qs, md_dmarc_reading reading, const char *d, char *out, size_t len)
{
	if (reading == MD_DMARC_RFC7489)
		return dmarc_org_psl(d, out, len) == MD_OK;
	return dmarc_org_walk(qs, d, out, len);
}

md_status md_dmarc_evaluate(md_resolver *res, const md_dmarc_input *in, md_dmarc_result **out)
{
	md_dmarc_result *r;
	md_dmarc_outcome *o;
	dmarc_qset *qs = NULL;
	char from[256], org_psl[256], org_walk[256], buf[256];
	const md_dns_result *ares = NULL;
	const dmarc_record *rec = NULL;
	dmarc_q *pq = NULL;
	md_dmarc_alignment *al;
	size_t i, nal = 0;
	bool temp = false, dkim_ok = false, spf_ok = false;
	md_arena *a;

	if (res == NULL || in == NULL || out == NULL)
		return MD_EINVAL;
	*out = NULL;
	r = md_calloc(1, sizeof(*r));
	if (r == NULL || (r->arena = md_arena_new()) == NULL) {
		md_free(r);
		return MD_ENOMEM;
	}
	a = r->arena;
	o = &r->o;
	o->reading = in->reading;
	o->pct = 100;
	o->from_exists = true;
	if (!dmarc_norm_domain(in->from_domain, from, sizeof(from))) {
		o->verdict = MD_DMARC_PERMERROR;
		o->reason = "the message has no single RFC5322.From domain to evaluate";
		*out = r;
		return MD_OK;
	}
	o->from_domain = md_arena_strdup(a, from);
	qs = dmarc_qset_new(res, a);
	al = md_arena_zalloc(a, (in->ndkim + 1) * sizeof(*al));
	if (qs == NULL || al == NULL || o->from_domain == NULL)
		goto nomem;

	/* every question at once */
	if (in->reading == MD_DMARC_RFC9989) {
		dmarc_qset_walk(qs, from);
		for (i = 0; i < in->ndkim; i++)
			if (dmarc_norm_domain(in->dkim[i].domain, buf, sizeof(buf)))
				dmarc_qset_walk(qs, buf);
		if (in->spf && dmarc_norm_domain(in->spf->domain, buf, sizeof(buf)))
			dmarc_qset_walk(qs, buf);
		md_dns_submit(res, from, MD_DNS_A, a_cb, &ares);
	} else {
		dmarc_qset_ask(qs, from);
		if (dmarc_org_psl(from, buf, sizeof(buf)) == MD_OK)
			dmarc_qset_ask(qs, buf);
	}
	md_dns_wait(res);

	/* organisational domain of From, both ways (PSL needs no DNS) */
	if (dmarc_org_psl(from, org_psl, sizeof(org_psl)) != MD_OK)
		memcpy(org_psl, from, strlen(from) + 1);
	o->org_domain_psl = md_arena_strdup(a, org_psl);
	if (in->reading == MD_DMARC_RFC9989) {
		if (!dmarc_org_walk(qs, from, org_walk, sizeof(org_walk)))
			temp = true;
		o->org_domain_walk = md_arena_strdup(a, org_walk);
		o->org_domain = o->org_domain_walk;
	} else {
		o->org_domain = o->org_domain_psl;
	}

	/* policy discovery */
	if (in->reading == MD_DMARC_RFC9989) {
		char names[DMARC_WALK_MAX][256];
		size_t n = dmarc_walk_names(from, names, DMARC_WALK_MAX);

		for (i = 0; i < n; i++) {
			dmarc_q *q = dmarc_qset_get(qs, names[i]);
			dmarc_state st = dmarc_q_state(qs, q);

			if (st == DMARC_FAILED) {
				o->verdict = MD_DMARC_TEMPERROR;
				o->reason =
				    md_arena_printf(a,
				                    "the DMARC record at _dmarc.%s could not be "
				                    "looked up (DNS failure)",
				                    names[i]);
				goto done;
			}
			if (st == DMARC_ONE) {
				pq = q;
				break;
			}
		}
	} else {
		dmarc_q *q = dmarc_qset_get(qs, from);
		dmarc_state st = dmarc_q_state(qs, q);

		if (st == DMARC_NONE && strcmp(org_psl, from) != 0) {
			q = dmarc_qset_get(qs, org_psl);
			st = dmarc_q_state(qs, q);
		}
		if (st == DMARC_FAILED) {
			o->verdict = MD_DMARC_TEMPERROR;
			o->reason =
			    md_arena_printf(a,
			                    "the DMARC record at _dmarc.%s could not be looked "
			                    "up (DNS failure)",
			                    q ? q->name : from);
			goto done;
		}
		if (st == DMARC_MULTIPLE) {
			o->verdict = MD_DMARC_NONE;
			o->reason =
			    md_arena_printf(a,
			                    "several DMARC records at _dmarc.%s: none applies "
			                    "(RFC 7489 section 6.6.3)",
			                    q->name);
			goto done;
		}
		if (st == DMARC_ONE)
			pq = q;
	}
	if (pq == NULL) {
		o->verdict = MD_DMARC_NONE;
		o->reason = "no DMARC record applies to the From domain";
		goto done;
	}
	rec = &pq->rec;
	o->policy_domain = md_arena_strdup(a, pq->name);
	o->record = pq->text;
	if (!dmarc_record_usable(rec, in->reading)) {
		o->verdict = MD_DMARC_NONE;
		o->reason = md_arena_printf(a,
		                            "the DMARC record at _dmarc.%s has no valid p= "
		                            "(and no valid rua= to fall back on p=none), so no "
		                            "policy applies",
		                            pq->name);
		goto done;
	}
	if (temp) {
		o->verdict = MD_DMARC_TEMPERROR;
		o->reason = "the organisational domain could not be determined (DNS failure on the "
		            "tree walk)";
		goto done;
	}
	o->adkim_strict = rec->adkim_strict;
	o->aspf_strict = rec->aspf_strict;
	o->testing = in->reading == MD_DMARC_RFC9989 && rec->t_testing;
	if (in->reading == MD_DMARC_RFC7489)
		o->pct = rec->pct;

	/* alignment */
	for (i = 0; i <= in->ndkim; i++) {
		const md_dmarc_ident *id = i < in->ndkim ? &in->dkim[i] : in->spf;
		md_dmarc_alignment *x;
		char d[256], org[256];
		bool strict = i < in->ndkim ? rec->adkim_strict : rec->aspf_strict;

		if (id == NULL || !dmarc_norm_domain(id->domain, d, sizeof(d)))
			continue;
		x = &al[nal++];
		x->method = i < in->ndkim ? "dkim" : "spf";
		x->domain = md_arena_strdup(a, d);
		x->pass = id->pass;
		x->strict = strict;
		x->result =
		    id->result ? md_arena_strdup(a, id->result) : (id->pass ? "pass" : "fail");
		if (strict) {
			x->aligned = strcmp(d, from) == 0;
		} else {
			if (!org_of(qs, in->reading, d, org, sizeof(org))) {
				temp = true;
				continue;
			}
			x->org_domain = md_arena_strdup(a, org);
			x->aligned = strcmp(org, o->org_domain) == 0;
		}
		if (x->pass && x->aligned) {
			if (i < in->ndkim)
				dkim_ok = true;
			else
				spf_ok = true;
		}
	}
	o->align = al;
	o->nalign = nal;

	/* which policy: p at the From domain, else sp (or np for a
	 * non-existent From domain, RFC 9989) */
	if (strcmp(pq->name, from) == 0) {
		o->requested = dmarc_record_p(rec);
		o->policy_tag = "p";
	} else {
		if (in->reading == MD_DMARC_RFC9989 && ares != NULL &&
		    ares->outcome == MD_DNS_NXDOMAIN)
			o->from_exists = false;
		if (!o->from_exists && rec->has_np && rec->np_valid) {
			o->requested = rec->np;
			o->policy_tag = "np";
		} else if (rec->has_sp && rec->sp_valid) {
			o->requested = rec->sp;
			o->policy_tag = "sp";
		} else {
			o->requested = dmarc_record_p(rec);
			o->policy_tag = "p";
		}
	}
	if (dkim_ok || spf_ok) {
		o->verdict = MD_DMARC_PASS;
		o->disposition = MD_DMARC_POLICY_NONE;
		o->reason = md_arena_printf(a, "%s%s%s is authenticated and aligned with %s",
		                            dkim_ok ? "DKIM" : "", dkim_ok && spf_ok ? " and " : "",
		                            spf_ok ? "SPF" : "", from);
		goto done;
	}
	if (temp) {
		o->verdict = MD_DMARC_TEMPERROR;
		o->reason = "an identifier's organisational domain could not be determined (DNS "
		            "failure on the tree walk)";
		goto done;
	}
	o->verdict = MD_DMARC_FAIL;
	o->disposition = o->requested;
	if (o->testing) {
		o->disposition = lower(o->requested);
		o->reason =
		    md_arena_printf(a,
		                    "no authenticated identifier aligns with %s; t=y (testing) "
		                    "lowers %s=%s to %s",
		                    from, o->policy_tag, md_dmarc_policy_name(o->requested),
		                    md_dmarc_policy_name(o->disposition));
	} else if (in->reading == MD_DMARC_RFC7489 && o->pct == 0) {
		o->disposition = lower(o->requested);
		o->reason = md_arena_printf(a,
		                            "no authenticated identifier aligns with %s; pct=0 "
		                            "lowers %s=%s to %s (RFC 7489 section 6.6.4)",
		                            from, o->policy_tag, md_dmarc_policy_name(o->requested),
		                            md_dmarc_policy_name(o->disposition));
	} else if (in->reading == MD_DMARC_RFC7489 && o->pct < 100) {
		o->reason = md_arena_printf(a,
		                            "no authenticated identifier aligns with %s; %s=%s "
		                            "applies to %d%% of failing messages, the rest get %s",
		                            from, o->policy_tag, md_dmarc_policy_name(o->requested),
		                            o->pct, md_dmarc_policy_name(lower(o->requested)));
	} else {
		o->reason =
		    md_arena_printf(a,
		                    "no authenticated identifier aligns with %s; %s=%s "
		                    "applies",
		                    from, o->policy_tag, md_dmarc_policy_name(o->requested));
	}
done:
	dmarc_qset_free(qs);
	*out = r;
	return MD_OK;
nomem:
	dmarc_qset_free(qs);
	md_dmarc_result_free(r);
	return MD_ENOMEM;
}

const md_dmarc_outcome *md_dmarc_result_outcome(const md_dmarc_result *r)
{
	return r ? &r->o : NULL;
}

void md_dmarc_result_free(md_dmarc_result *r)
{
	if (r == NULL)
		return;
	md_arena_free(r->arena);
	md_free(r);
}
