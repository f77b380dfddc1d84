/*
 * dnsbl_check.c - ask every blocklist about one IP address or domain, at
 * once, and say what the answers mean (maildiag dnsbl).
 *
 * Query names (RFC 5782): an IPv4 address's octets reversed + zone
 * (section 2.1), an IPv6 address's 32 nibbles reversed + zone (section
 * 2.4), a domain name + zone (section 3). Round one puts in flight, for
 * every list of the right kind, the A question about the target and the
 * two section 5 test entries (127.0.0.1 / ::ffff:127.0.0.1 / "invalid"
 * must not be listed; 127.0.0.2 / ::ffff:127.0.0.2 / "test" must be).
 * Round two fetches the TXT reason of each listing.
 *
 * A list that lists its must-not entry answers "listed" for everything
 * (it was shut down with a wildcard, or it is punishing the resolver): its
 * answer is not believed and says so (dnsbl.list_unreliable).
 */
#include <maildiag/dnsbl.h>

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/domain.h"
#include "core/ip.h"
#include "core/report_internal.h"
#include "dnsbl_internal.h"

/* Bytes of a listing's TXT reason we keep (RFC 1035 allows 64 KiB of
 * strings; reasons are one sentence and a URL). */
#define DNSBL_MAX_REASON 512

enum outcome {
	R_CLASS = 0,       /* cls holds the verdict */
	R_COULD_NOT_CHECK, /* DNS failure */
	R_SKIPPED,         /* list does not answer this kind of query */
	R_UNRELIABLE       /* list fails its must-not-list test */
};

struct dnsbl_q {
	size_t idx;
	const struct dnsbl_list *e;
	char *qname, *negname, *posname;
	const md_dns_result *a, *neg, *pos, *txt;
	enum outcome out;
	md_dnsbl_class cls;
	const char *skip_why;
	char *reason;
};

struct dnsbl_run {
	md_resolver *res;
	md_report *rep;
	const md_dnsbl_lists *lists;
	const char *target;    /* normalised */
	md_dnsbl_kind kind;
	md_ip ip;
	struct dnsbl_q *q;
	size_t nq;
	md_arena *arena;       /* the report's */
	bool oom;              /* scratch memory ran out: the call says MD_ENOMEM */
};

static void store_result(void *ud, const md_dns_result *res)
{
	*(const md_dns_result **)ud = res;
}

static md_severity weight_severity(unsigned w)
{
	if (w >= 70)
		return MD_SEV_ERROR;
	if (w >= 40)
		return MD_SEV_WARNING;
	return MD_SEV_NOTICE;
}

static const char *weight_words(unsigned w)
{
	if (w >= 70)
		return "widely used: many receivers reject mail on it";
	if (w >= 40)
		return "used by a fair number of receivers, mostly for scoring";
	if (w >= 15)
		return "used by few receivers";
	return "used by very few receivers; a listing rarely costs delivery";
}

/* The name of VALUE (an address or a domain, per the list's kind) in ZONE,
 * in the report's arena; NULL when too long or not valid. */
static char *query_name(struct dnsbl_run *run, const struct dnsbl_list *e, const char *value)
{
	char labels[80], *name;

	if (e->kind == MD_DNSBL_KIND_IP) {
		md_ip ip;

		/* not unmapped: the IPv6 test entries are ::ffff:127.0.0.x in
		 * nibble form (RFC 5782 section 5) */
		if (!md_ip_parse(value, &ip))
			return NULL;
		if (ip.family == 6 && !e->ipv6)
			return NULL;
		md_ip_reverse_labels(&ip, labels, sizeof(labels));
		name = md_arena_printf(run->arena, "%s.%s", labels, e->zone);
	} else {
		name = md_arena_printf(run->arena, "%s.%s", value, e->zone);
	}
	if (name == NULL)
		run->oom = true;
	if (name == NULL || strlen(name) > MD_DOMAIN_MAX)
		return NULL;
	return name;
}

/* The must-not-list entry of RFC 5782 section 5 for this target's family. */
static const char *negative_entry(const struct dnsbl_run *run)
{
	if (run->kind == MD_DNSBL_KIND_DOMAIN)
		return "invalid";
	return run->ip.family == 6 ? "::ffff:127.0.0.1" : "127.0.0.1";
}

static const char *positive_entry(struct dnsbl_run *run, const struct dnsbl_list *e)
{
	md_ip ip;

	/* an IPv4 test entry of an IPv6 query: RFC 5782 section 5 uses the
	 * mapped form ::ffff:127.0.0.2 */
	if (run->kind == MD_DNSBL_KIND_IP && run->ip.family == 6 && md_ip_parse(e->test, &ip) &&
	    ip.family == 4) {
		char buf[64], *s;

		md_ip_str(&ip, buf, sizeof(buf));
		s = md_arena_printf(run->arena, "::ffff:%s", buf);
		if (s == NULL)
			run->oom = true;
		return s;
	}
	return e->test;
}

static md_status submit(struct dnsbl_run *run, const char *name, uint16_t type,
                        const md_dns_result **slot)
{
	md_status st = md_dns_submit(run->res, name, type, store_result, (void *)slot);

	/* MD_EINVAL: a name the resolver refuses; the slot stays NULL and the
	 * list is reported as could-not-check */
	return st == MD_EINVAL ? MD_OK : st;
}

/* The class of an answered A question (highest of its records). */
static md_dnsbl_class classify(const struct dnsbl_run *run, size_t idx, const md_dns_result *r)
{
	md_dnsbl_class best = MD_DNSBL_NOT_LISTED;
	size_t k;

	if (r == NULL || r->outcome != MD_DNS_ANSWER)
		return MD_DNSBL_NOT_LISTED;
	for (k = 0; k < r->nrr; k++) {
		md_dnsbl_class c;

		if (r->rr[k].type != MD_DNS_A)
			continue;
		c = md_dnsbl_interpret(run->lists, idx, r->rr[k].addr, NULL);
		if (c > best)
			best = c;
	}
	return best;
}

static void evaluate(struct dnsbl_run *run, struct dnsbl_q *q)
{
	if (q->out == R_SKIPPED)
		return;
	if (q->a == NULL || md_dns_failed(q->a)) {
		q->out = R_COULD_NOT_CHECK;
		return;
	}
	q->cls = classify(run, q->idx, q->a);
	q->out = R_CLASS;
	/* a list that lists what it must never list answers "listed" for
	 * everything; its refusals are still refusals */
	if (q->neg != NULL && q->cls != MD_DNSBL_REFUSED && q->cls != MD_DNSBL_LIST_ERROR) {
		md_dnsbl_class nc = classify(run, q->idx, q->neg);

		if (nc == MD_DNSBL_LISTED || nc == MD_DNSBL_POLICY)
			q->out = R_UNRELIABLE;
	}
}

static char *txt_reason(struct dnsbl_run *run, const md_dns_result *r)
{
	md_buf b;
	size_t k, s;
	char *out;

	if (r == NULL || r->outcome != MD_DNS_ANSWER)
		return NULL;
	md_buf_init(&b, DNSBL_MAX_REASON);
	for (k = 0; k < r->nrr; k++) {
		if (r->rr[k].type != MD_DNS_TXT)
			continue;
		if (b.n > 0)
			md_buf_puts(&b, " | ");
		for (s = 0; s < r->rr[k].ntxt; s++)
			md_buf_append(&b, r->rr[k].txt[s], r->rr[k].txtlen[s]);
	}
	if (b.err == MD_ENOMEM)
		run->oom = true;
	/* a reason longer than the cap is cut and marked, not dropped */
	if (b.err == MD_ELIMIT) {
		out = md_arena_printf(run->arena, "%.*s...", (int)(b.n > 3 ? b.n - 3 : b.n),
		                      b.p ? b.p : "");
	} else {
		out = b.n > 0 ? md_arena_strndup(run->arena, b.p, b.n) : NULL;
	}
	if (out == NULL && b.n > 0)
		run->oom = true;
	md_buf_free(&b);
	return out;
}

/* "127.0.0.2 (SBL: ...), 127.0.0.4 (XBL: ...)" and a JSON array. */
static const char *answers_text(struct dnsbl_run *run, const struct dnsbl_q *q, json_t *arr)
{
	md_buf b, mb;
	size_t k, j, nm;
	const char *out, *ms[8];

	md_buf_init(&b, 4096);
	md_buf_init(&mb, 2048);
	if (q->a != NULL && q->a->outcome == MD_DNS_ANSWER)
		for (k = 0; k < q->a->nrr; k++) {
			const char *meaning;
			md_dnsbl_class c;
			char ip[16];

			if (q->a->rr[k].type != MD_DNS_A)
				continue;
			c = md_dnsbl_interpret(run->lists, q->idx, q->a->rr[k].addr, &meaning);
			nm = dnsbl_meanings(run->lists, q->idx, q->a->rr[k].addr, ms, 8);
			md_buf_reset(&mb);
			for (j = 0; j < nm; j++)
				md_buf_printf(&mb, "%s%s", j ? " + " : "", ms[j]);
			meaning = mb.p ? mb.p : meaning;
			snprintf(ip, sizeof(ip), "%u.%u.%u.%u", q->a->rr[k].addr[0], q->a->rr[k].addr[1],
			         q->a->rr[k].addr[2], q->a->rr[k].addr[3]);
			md_buf_printf(&b, "%s%s (%s: %s)", b.n ? ", " : "", ip, md_dnsbl_class_name(c),
			              meaning);
			if (arr != NULL)
				json_array_append_new(arr, json_pack("{s:s,s:s,s:o}", "address", ip,
				                                     "class", md_dnsbl_class_name(c),
				                                     "meaning", md_json_cstr(meaning)));
		}
	out = md_arena_strndup(run->arena, b.p ? b.p : "", b.n);
	if (out == NULL || b.err == MD_ENOMEM || mb.err == MD_ENOMEM)
		run->oom = true;
	md_buf_free(&b);
	md_buf_free(&mb);
	return out ? out : "";
}

static const char *result_name(const struct dnsbl_q *q)
{
	switch (q->out) {
	case R_COULD_NOT_CHECK: return "could_not_check";
	case R_SKIPPED: return "skipped";
	case R_UNRELIABLE: return "unreliable";
	case R_CLASS: break;
	}
	return md_dnsbl_class_name(q->cls);
}

static const char *ref_for(const struct dnsbl_run *run)
{
	if (run->kind == MD_DNSBL_KIND_DOMAIN)
		return "RFC 5782 section 3";
	return run->ip.family == 6 ? "RFC 5782 section 2.4" : "RFC 5782 section 2.1";
}

static void listing_finding(struct dnsbl_run *run, const struct dnsbl_q *q, const char *answers)
{
	const struct dnsbl_list *e = q->e;
	bool policy = q->cls == MD_DNSBL_POLICY;
	md_finding *f;

	f = md_report_add(run->rep, policy ? "dnsbl.policy_listed" : "dnsbl.listed",
	                  weight_severity(e->weight), MD_PILLAR_REPUTATION, run->target,
	                  policy ? "Listed on a policy list" : "Listed on a blocklist");
	md_finding_set_title(run->rep, f, "%s is %s on %s", run->target,
	                     policy ? "in a range listed as not for direct mail" : "listed",
	                     e->name);
	md_finding_set_evidence(run->rep, f, "%s A %s%s%s%s", q->qname, answers,
	                        q->reason ? "; TXT \"" : "", q->reason ? q->reason : "",
	                        q->reason ? "\"" : "");
	if (policy)
		md_finding_set_explanation(
			run->rep, f,
			"%s lists this address for what it is, not for anything it sent: the range's "
			"owner (or the list) says it is end-user or dynamic space that should send mail "
			"only through its provider's mail servers. Mail sent from it straight to "
			"recipients' MX servers is rejected wherever %s is used (weight %u/100: %s); mail "
			"relayed through a smarthost is not affected.",
			e->name, e->name, e->weight, weight_words(e->weight));
	else
		md_finding_set_explanation(
			run->rep, f,
			"Receivers that consult %s reject or junk mail from this %s (weight %u/100: %s).",
			e->name, run->kind == MD_DNSBL_KIND_IP ? "address" : "domain", e->weight,
			weight_words(e->weight));
	if (policy)
		md_finding_set_fix(run->rep, f,
		                   "Send through your provider's or your ESP's mail servers, or, if "
		                   "this is a real mail server with a static address and proper "
		                   "reverse DNS, ask for the range to be excepted%s%s.",
		                   e->delist ? " at " : "", e->delist ? e->delist : "");
	else
		md_finding_set_fix(run->rep, f,
		                   "Find and stop the cause first (a compromised account or host, a "
		                   "list without consent, an open relay); then ask for removal%s%s. "
		                   "Removal without a fix is usually followed by a new listing.",
		                   e->delist ? " at " : "", e->delist ? e->delist : "");
	md_finding_add_ref(run->rep, f, ref_for(run));
	if (e->info)
		md_finding_add_ref(run->rep, f, e->info);
}

static void failure_finding(struct dnsbl_run *run, const struct dnsbl_q *q, const char *answers)
{
	const struct dnsbl_list *e = q->e;
	md_finding *f = NULL;
	char tb[16];

	if (q->out == R_COULD_NOT_CHECK) {
		f = md_report_add(run->rep, "dnsbl.could_not_check", MD_SEV_WARNING,
		                  MD_PILLAR_REPUTATION, run->target, "Blocklist could not be asked");
		md_finding_set_title(run->rep, f, "%s could not be checked", e->name);
		if (q->a != NULL)
			md_finding_set_evidence(run->rep, f, "%s %s: %s%s%s", q->qname,
			                        md_dns_type_name(MD_DNS_A, tb, sizeof(tb)),
			                        md_dns_outcome_name(q->a->outcome),
			                        q->a->why ? " - " : "", q->a->why ? q->a->why : "");
		else
			md_finding_set_evidence(run->rep, f, "%s A: the resolver refused the name",
			                        q->qname);
		md_finding_set_explanation(run->rep, f,
		                           "The list's name servers gave no usable answer, so "
		                           "nothing is known about a listing there: this is not "
		                           "\"not listed\".");
		md_finding_set_fix(run->rep, f,
		                   "Run again later; if it persists, the list may be down or "
		                   "blocking your resolver.");
	} else if (q->out == R_UNRELIABLE) {
		f = md_report_add(run->rep, "dnsbl.list_unreliable", MD_SEV_WARNING,
		                  MD_PILLAR_REPUTATION, run->target, "Blocklist answers for everything");
		md_finding_set_title(run->rep, f, "%s lists its must-not-list test entry: its "
		                     "answer is not believed", e->name);
		md_finding_set_evidence(run->rep, f, "%s A listed; %s A %s", q->negname, q->qname,
		                        answers[0] ? answers : "not listed");
		md_finding_set_explanation(run->rep, f,
		                           "RFC 5782 section 5 says a list never lists %s. One that "
		                           "does answers \"listed\" for every query: it has been shut "
		                           "down with a wildcard, or it is punishing this resolver. "
		                           "Its answer about %s means nothing either way.",
		                           negative_entry(run), run->target);
		md_finding_set_fix(run->rep, f,
		                   "Remove %s from your list file if it stays like this; ask it "
		                   "again from another resolver (--resolver) to tell which.",
		                   e->zone);
		md_finding_add_ref(run->rep, f, "RFC 5782 section 5");
	} else if (q->cls == MD_DNSBL_REFUSED) {
		f = md_report_add(run->rep, "dnsbl.resolver_refused", MD_SEV_WARNING,
		                  MD_PILLAR_INFRASTRUCTURE, run->target,
		                  "Blocklist refused the resolver");
		md_finding_set_title(run->rep, f, "%s refused to answer this resolver: the listing "
		                     "status is unknown", e->name);
		md_finding_set_evidence(run->rep, f, "%s A %s", q->qname, answers);
		md_finding_set_explanation(run->rep, f,
		                           "This answer is about the resolver maildiag used, not "
		                           "about %s: the list does not answer queries that come "
		                           "through public resolvers (8.8.8.8, 1.1.1.1, ...) or "
		                           "from resolvers that ask too much. It is not a listing.",
		                           run->target);
		md_finding_set_fix(run->rep, f,
		                   "Ask through a resolver of your own: a local unbound "
		                   "(--resolver 127.0.0.1) or maildiag's own recursion "
		                   "(--recursive). For Spamhaus, a free Data Query Service key "
		                   "with its own zone names (see docs/dnsbl.md).");
		md_finding_add_ref(run->rep, f, ref_for(run));
		if (e->info)
			md_finding_add_ref(run->rep, f, e->info);
	} else if (q->cls == MD_DNSBL_LIST_ERROR) {
		f = md_report_add(run->rep, "dnsbl.list_error", MD_SEV_WARNING, MD_PILLAR_REPUTATION,
		                  run->target, "Blocklist says the query was wrong");
		md_finding_set_title(run->rep, f, "%s answered with an error code, not a listing",
		                     e->name);
		md_finding_set_evidence(run->rep, f, "%s A %s", q->qname, answers);
		md_finding_set_explanation(run->rep, f,
		                           "The list answered with a code it documents as an error "
		                           "(a mistyped zone, an IP address asked of a domain list). "
		                           "Nothing is known about a listing.");
		md_finding_set_fix(run->rep, f, "Check the zone name and the list kind of %s in "
		                   "the list file.", e->zone);
		if (e->info)
			md_finding_add_ref(run->rep, f, e->info);
	} else if (q->cls == MD_DNSBL_UNKNOWN) {
		f = md_report_add(run->rep, "dnsbl.unknown_answer", MD_SEV_WARNING,
		                  MD_PILLAR_REPUTATION, run->target,
		                  "Blocklist answer is not a listing maildiag understands");
		md_finding_set_title(run->rep, f, "%s gave an answer that is not a listing code",
		                     e->name);
		md_finding_set_evidence(run->rep, f, "%s A %s", q->qname, answers);
		md_finding_set_explanation(run->rep, f,
		                           "Blocklists answer with addresses in 127.0.0.0/8 (RFC "
		                           "5782 section 2.1), and never 127.0.0.1 (section 5) "
		                           "unless they document it. Anything else usually means a "
		                           "resolver that rewrites \"no such name\" answers, or a "
		                           "list that has shut down. It is not counted as a listing.");
		md_finding_set_fix(run->rep, f,
		                   "Ask through a resolver that does not rewrite answers "
		                   "(--resolver, --recursive); drop %s from your list file if it "
		                   "has shut down.",
		                   e->zone);
		md_finding_add_ref(run->rep, f, "RFC 5782 section 2.1");
	}
	if (f != NULL)
		md_finding_set_could_not_check(f);
}

static void report_list(struct dnsbl_run *run, struct dnsbl_q *q, md_table *t, json_t *arr,
                        size_t *counts)
{
	const struct dnsbl_list *e = q->e;
	json_t *answers = json_array(), *o;
	const char *atext = answers_text(run, q, answers);
	char weight[8];
	const char *row[6];
	const char *selftest_neg = NULL, *selftest_pos = NULL;

	snprintf(weight, sizeof(weight), "%u", e->weight);
	if (q->neg != NULL)
		selftest_neg = md_dns_failed(q->neg) ? "could_not_check"
		               : classify(run, q->idx, q->neg) >= MD_DNSBL_POLICY &&
		                         classify(run, q->idx, q->neg) <= MD_DNSBL_LISTED
		                   ? "listed"
		                   : "ok";
	if (q->pos != NULL)
		selftest_pos = md_dns_failed(q->pos)               ? "could_not_check"
		               : q->pos->outcome == MD_DNS_ANSWER ? "listed"
		                                                  : "missing";
	if (q->out == R_CLASS && (q->cls == MD_DNSBL_LISTED || q->cls == MD_DNSBL_POLICY)) {
		listing_finding(run, q, atext);
		counts[q->cls == MD_DNSBL_LISTED ? 0 : 1]++;
	} else if (q->out == R_CLASS && (q->cls == MD_DNSBL_NOT_LISTED || q->cls == MD_DNSBL_IGNORE)) {
		counts[2]++;
		if (selftest_pos != NULL && strcmp(selftest_pos, "missing") == 0)
			counts[5]++;
	} else if (q->out == R_SKIPPED) {
		counts[4]++;
	} else {
		failure_finding(run, q, atext);
		counts[3]++;
	}
	row[0] = e->name;
	row[1] = e->zone;
	row[2] = weight;
	row[3] = result_name(q);
	row[4] = q->out == R_SKIPPED ? q->skip_why : atext;
	row[5] = (q->out == R_CLASS && q->cls >= MD_DNSBL_POLICY) ? e->delist : NULL;
	md_table_add_row(run->rep, t, row);
	md_report_trace(run->rep, 0, "%s (%s, weight %u): %s", e->zone, e->name, e->weight,
	                result_name(q));
	if (q->qname != NULL)
		md_report_trace(run->rep, 1, "%s A -> %s", q->qname,
		                q->a == NULL             ? "not asked"
		                : q->a->outcome == MD_DNS_ANSWER ? atext
		                                                 : md_dns_outcome_name(q->a->outcome));
	if (q->reason != NULL)
		md_report_trace(run->rep, 1, "TXT \"%s\"", q->reason);
	if (selftest_neg != NULL)
		md_report_trace(run->rep, 1, "test %s (must not be listed): %s", q->negname,
		                selftest_neg);
	if (selftest_pos != NULL)
		md_report_trace(run->rep, 1, "test %s (must be listed): %s", q->posname, selftest_pos);

	o = json_pack("{s:s,s:s,s:s,s:I,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "zone", e->zone,
	              "name", e->name, "kind", e->kind == MD_DNSBL_KIND_IP ? "ip" : "domain",
	              "weight", (json_int_t)e->weight, "query", md_json_cstr(q->qname), "result",
	              result_name(q), "dns_outcome",
	              q->a ? json_string(md_dns_outcome_name(q->a->outcome)) : json_null(),
	              "answers", answers, "reason", md_json_cstr(q->reason), "delist",
	              md_json_cstr(e->delist), "info", md_json_cstr(e->info), "selftest",
	              json_pack("{s:o,s:o}", "must_not_list", md_json_cstr(selftest_neg),
	                        "must_list", md_json_cstr(selftest_pos)));
	if (o != NULL && q->out == R_SKIPPED)
		json_object_set_new(o, "skipped", md_json_cstr(q->skip_why));
	json_array_append_new(arr, o);
}

/* One finding for every list whose positive test entry is missing: a
 * list that shut down answers "not listed" for everything. */
static void unverified_finding(struct dnsbl_run *run)
{
	md_buf names, ev;
	md_finding *f;
	size_t i, n = 0;

	md_buf_init(&names, 4096);
	md_buf_init(&ev, 8192);
	for (i = 0; i < run->nq; i++) {
		const struct dnsbl_q *q = &run->q[i];

		if (q->out != R_CLASS || q->cls > MD_DNSBL_IGNORE || q->pos == NULL ||
		    md_dns_failed(q->pos) || q->pos->outcome == MD_DNS_ANSWER)
			continue;
		md_buf_printf(&names, "%s%s", n ? ", " : "", q->e->zone);
		md_buf_printf(&ev, "%s%s A: %s", n ? "; " : "", q->posname,
		              md_dns_outcome_name(q->pos->outcome));
		n++;
	}
	f = md_report_add(run->rep, "dnsbl.list_unverified", MD_SEV_NOTICE, MD_PILLAR_REPUTATION,
	                  run->target, "Blocklists do not list their test entry");
	md_finding_set_title(run->rep, f,
	                     "%zu list%s did not list %s RFC 5782 test entry: \"not listed\" "
	                     "there proves little (%s)",
	                     n, n == 1 ? "" : "s", n == 1 ? "its" : "their",
	                     names.p ? names.p : "");
	md_finding_set_evidence(run->rep, f, "%s", ev.p ? ev.p : "");
	md_finding_set_explanation(run->rep, f,
	                           "RFC 5782 section 5 asks every list to list a test entry "
	                           "(127.0.0.2, or \"test\" for domain lists). A list that "
	                           "does not may have shut down, and then answers \"not "
	                           "listed\" for everything; or the resolver in use does not "
	                           "reach it properly.");
	md_finding_set_fix(run->rep, f,
	                   "Check each list's status on its web site; remove lists that are "
	                   "gone from your list file, or set \"selftest no\" for a list that "
	                   "simply has no test entry.");
	md_finding_add_ref(run->rep, f, "RFC 5782 section 5");
	if (names.err == MD_ENOMEM || ev.err == MD_ENOMEM)
		run->oom = true;
	md_buf_free(&names);
	md_buf_free(&ev);
}

/* Round one: the target's A question and the test entries of every list. */
static md_status ask(struct dnsbl_run *run)
{
	size_t i;
	md_status st;

	for (i = 0; i < run->nq; i++) {
		struct dnsbl_q *q = &run->q[i];

		if (q->out == R_SKIPPED)
			continue;
		if ((st = submit(run, q->qname, MD_DNS_A, &q->a)) != MD_OK)
			return st;
		if (!q->e->selftest)
			continue;
		if (q->negname != NULL && (st = submit(run, q->negname, MD_DNS_A, &q->neg)) != MD_OK)
			return st;
		if (q->posname != NULL && (st = submit(run, q->posname, MD_DNS_A, &q->pos)) != MD_OK)
			return st;
	}
	return md_dns_wait(run->res);
}

/* Round two: the TXT reason of every listing. */
static md_status ask_reasons(struct dnsbl_run *run)
{
	size_t i;
	md_status st;
	bool any = false;

	for (i = 0; i < run->nq; i++) {
		struct dnsbl_q *q = &run->q[i];

		evaluate(run, q);
		if (q->out == R_CLASS && q->e->txt &&
		    (q->cls == MD_DNSBL_LISTED || q->cls == MD_DNSBL_POLICY)) {
			if ((st = submit(run, q->qname, MD_DNS_TXT, &q->txt)) != MD_OK)
				return st;
			any = true;
		}
	}
	if (any && (st = md_dns_wait(run->res)) != MD_OK)
		return st;
	for (i = 0; i < run->nq; i++)
		run->q[i].reason = txt_reason(run, run->q[i].txt);
	return MD_OK;
}

static md_status prepare(struct dnsbl_run *run)
{
	size_t i, n = 0;

	run->q = md_calloc(run->lists->n ? run->lists->n : 1, sizeof(*run->q));
	if (run->q == NULL)
		return MD_ENOMEM;
	for (i = 0; i < run->lists->n; i++) {
		const struct dnsbl_list *e = &run->lists->v[i];
		struct dnsbl_q *q;

		if (e->kind != run->kind)
			continue;
		q = &run->q[n++];
		q->idx = i;
		q->e = e;
		if (run->kind == MD_DNSBL_KIND_IP && run->ip.family == 6 && !e->ipv6) {
			q->out = R_SKIPPED;
			q->skip_why = "the list does not answer IPv6 queries";
			continue;
		}
		q->qname = query_name(run, e, run->target);
		if (q->qname == NULL) {
			q->out = R_SKIPPED;
			q->skip_why = "the query name would be longer than 253 octets";
			continue;
		}
		if (e->selftest) {
			const char *pos = positive_entry(run, e);

			q->negname = query_name(run, e, negative_entry(run));
			q->posname = pos ? query_name(run, e, pos) : NULL;
		}
	}
	run->nq = n;
	return run->oom ? MD_ENOMEM : md_report_status(run->rep);
}

static void target_findings(struct dnsbl_run *run)
{
	md_ip_scope scope;
	md_finding *f;
	char ip[64];

	if (run->kind != MD_DNSBL_KIND_IP)
		return;
	scope = md_ip_classify(&run->ip);
	if (scope == MD_IP_GLOBAL)
		return;
	md_ip_str(&run->ip, ip, sizeof(ip));
	f = md_report_add(run->rep, "dnsbl.not_public", MD_SEV_NOTICE, MD_PILLAR_REPUTATION,
	                  run->target, "Not a public address");
	md_finding_set_title(run->rep, f, "%s is a %s address: receivers never see it", ip,
	                     md_ip_scope_name(scope));
	md_finding_set_explanation(run->rep, f,
	                           "Blocklists list the public addresses that connect to "
	                           "receivers. Behind NAT, check the public address your mail "
	                           "leaves from.");
	md_finding_set_fix(run->rep, f, "Run maildiag dnsbl with the address receivers see (it "
	                   "is in the Received: header your mail gets at the recipient).");
	md_finding_add_ref(run->rep, f, "RFC 6890");
}

md_status md_check_dnsbl(md_resolver *res, const md_dnsbl_lists *lists, const char *target,
                         md_report *rep)
{
	static const char *const cols[] = {"list", "zone", "weight", "result", "answer", "delist"};
	md_dnsbl_lists *own = NULL;
	struct dnsbl_run run;
	char norm[MD_DOMAIN_MAX + 1], ipbuf[64];
	const char *why;
	size_t counts[6] = {0, 0, 0, 0, 0, 0}, i, n;
	md_table *t;
	json_t *arr;
	md_status st;

	if (res == NULL || target == NULL || rep == NULL)
		return MD_EINVAL;
	memset(&run, 0, sizeof(run));
	run.res = res;
	run.rep = rep;
	run.arena = md_report_arena(rep);
	n = strlen(target);
	if (n > 2 && target[0] == '[' && target[n - 1] == ']' &&
	    md_ip_parse_n(target + 1, n - 2, &run.ip)) {
		run.kind = MD_DNSBL_KIND_IP;
	} else if (md_ip_parse(target, &run.ip)) {
		run.kind = MD_DNSBL_KIND_IP;
	} else if (md_domain_normalize(target, norm, sizeof(norm), &why)) {
		run.kind = MD_DNSBL_KIND_DOMAIN;
		run.target = norm;
	} else {
		return MD_EINVAL;
	}
	if (run.kind == MD_DNSBL_KIND_IP) {
		run.ip = md_ip_unmap(run.ip);
		run.target = md_ip_str(&run.ip, ipbuf, sizeof(ipbuf));
	}
	if (lists == NULL) {
		if ((st = md_dnsbl_lists_default(&own)) != MD_OK)
			return st;
		lists = own;
	}
	run.lists = lists;
	if ((st = prepare(&run)) != MD_OK)
		goto done;
	md_report_set_string(rep, "target", run.target);
	md_report_set_string(rep, "target_kind",
	                     run.kind == MD_DNSBL_KIND_DOMAIN ? "domain"
	                     : run.ip.family == 6             ? "ipv6"
	                                                      : "ipv4");
	md_report_summary(rep, "target", "%s (%s)", run.target,
	                  run.kind == MD_DNSBL_KIND_DOMAIN ? "domain, asked of domain lists"
	                                                   : "address, asked of IP lists");
	target_findings(&run);
	if ((st = ask(&run)) != MD_OK || (st = ask_reasons(&run)) != MD_OK)
		goto done;
	t = md_report_add_table(rep, "dnsbl", 6, cols);
	arr = json_array();
	if (t == NULL || arr == NULL) {
		json_decref(arr);
		st = MD_ENOMEM;
		goto done;
	}
	for (i = 0; i < run.nq; i++)
		report_list(&run, &run.q[i], t, arr, counts);
	md_report_set_json_value(rep, "lists", arr);
	if (counts[5] > 0)
		unverified_finding(&run);
	md_report_set_json_value(
		rep, "summary",
		json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "lists", (json_int_t)run.nq, "listed",
		          (json_int_t)counts[0], "policy_listed", (json_int_t)counts[1], "not_listed",
		          (json_int_t)counts[2], "could_not_check", (json_int_t)counts[3], "skipped",
		          (json_int_t)counts[4]));
	md_report_summary(rep, "lists",
	                  "%zu asked: %zu listed, %zu policy-listed, %zu not listed, %zu could not "
	                  "check, %zu skipped",
	                  run.nq, counts[0], counts[1], counts[2], counts[3], counts[4]);
	if (run.nq == counts[4]) {
		md_finding *f = md_report_add(rep, "dnsbl.no_lists", MD_SEV_WARNING,
		                              MD_PILLAR_REPUTATION, run.target,
		                              "No list to ask");

		if (run.nq == 0)
			md_finding_set_title(rep, f, "The list file has no %s lists: nothing was checked",
			                     run.kind == MD_DNSBL_KIND_IP ? "IP" : "domain");
		else
			md_finding_set_title(rep, f, "None of the %zu IP lists answers IPv6 queries: "
			                     "nothing was checked", run.nq);
		md_finding_set_fix(rep, f, "Add %s entries to the list file.",
		                   run.nq == 0 ? (run.kind == MD_DNSBL_KIND_IP ? "\"lists ip\""
		                                                               : "\"lists domain\"")
		                               : "\"ipv6 yes\" IP list");
		md_finding_set_could_not_check(f);
	} else if (counts[2] > 0) {
		md_finding *f = md_report_add(rep, "dnsbl.not_listed", MD_SEV_OK,
		                              MD_PILLAR_REPUTATION, run.target, "Not listed");

		if (counts[2] == run.nq)
			md_finding_set_title(rep, f, "%s is not listed on any of the %zu lists asked",
			                     run.target, run.nq);
		else
			md_finding_set_title(rep, f, "%s is not listed on %zu of the %zu lists asked",
			                     run.target, counts[2], run.nq);
	}
	st = run.oom ? MD_ENOMEM : md_report_status(rep);
done:
	md_free(run.q);
	md_dnsbl_lists_free(own);
	return st;
}
