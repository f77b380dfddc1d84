/*
 * dmarc_check.c - maildiag dmarc DOMAIN: which DMARC record applies to a
 * domain and what is wrong with it (RFC 7489, RFC 9989).
 *
 * Round 1 (at once): the _dmarc names of DOMAIN's tree walk and of its
 * public-suffix-list organisational domain. From the answers: the record
 * at DOMAIN, the record that applies under each reading, the
 * organisational domain both ways. Round 2 (at once): for each external
 * report destination DEST, DOMAIN._report._dmarc.DEST (RFC 7489 section
 * 7.1, RFC 9989 section 3.2.5 of the reporting document).
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/domain.h"
#include "core/report_internal.h"
#include "dkim/dkim_internal.h"
#include "dmarc_eval.h"
#include "dmarc_internal.h"

/* External report destinations checked per record. */
#define DMARC_MAX_DESTS (2 * DMARC_MAX_URIS)

static const char safe_path[] =
    "Move to enforcement in steps, watching the aggregate reports (rua=) at each step: "
    "(1) p=none with rua= for 2-4 weeks, until every legitimate source (your servers, "
    "your ESPs, your ticketing and CRM tools) passes SPF or DKIM aligned with the From "
    "domain; (2) p=quarantine (RFC 9989 receivers: add t=y first for a trial; RFC 7489 "
    "receivers: pct=10, 25, 50, 100); (3) p=reject once the reports show only "
    "unauthenticated mail failing.";

typedef struct dest {
	char domain[256];
	const char *uri;
	bool external;
	const md_dns_result *res;
	bool ruf;
} dest;

static void store(void *ud, const md_dns_result *res)
{
	*(const md_dns_result **)ud = res;
}

static const char *policy_word(const dmarc_record *rec)
{
	return md_dmarc_policy_name(dmarc_record_p(rec));
}

static void problems(md_report *rep, const dmarc_record *rec, const char *subj)
{
	size_t i;

	for (i = 0; i < rec->nproblems; i++) {
		const dmarc_problem *p = &rec->problems[i];
		md_finding *f;

		if (strcmp(p->id, "dmarc.missing_policy") == 0)
			continue; /* reported with the policy below */
		f = md_report_add(rep, p->id, p->sev, MD_PILLAR_AUTHENTICATION, subj,
		                  "DMARC record "
		                  "problem");
		if (p->tag.n > 0)
			md_finding_set_title(rep, f, "DMARC tag %.*s: %s", (int)p->tag.n, p->tag.p,
			                     p->text);
		else
			md_finding_set_title(rep, f, "DMARC record: %s", p->text);
		md_finding_set_evidence(
		    rep, f, "%.*s\nat byte %zu (\"%.*s\")", (int)rec->text.n, rec->text.p,
		    p->offset,
		    (int)(p->offset < rec->text.n
		              ? (rec->text.n - p->offset > 24 ? 24 : rec->text.n - p->offset)
		              : 0),
		    rec->text.p + (p->offset < rec->text.n ? p->offset : 0));
		if (strcmp(p->id, "dmarc.removed_tag") == 0)
			md_finding_add_ref(rep, f, "RFC 9989 appendix A.6");
		else
			md_finding_add_ref(rep, f, "RFC 7489 section 6.3");
	}
}

static json_t *tags_json(const dmarc_record *rec)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < rec->tags.count; i++) {
		char name[64];
		const md_tag *t = &rec->tags.tags[i];

		if (t->name.n == 0 || t->name.n >= sizeof(name))
			continue;
		memcpy(name, t->name.p, t->name.n);
		name[t->name.n] = '\0';
		json_object_set_new(o, name, md_json_string(t->value.p, t->value.n));
	}
	return o;
}

/* P is the policy that applies to the domain checked (p=, or sp= when the
 * record is inherited: INHERITED). */
static void policy_findings(md_report *rep, const dmarc_record *rec, const char *pd,
                            md_dmarc_reading reading, md_dmarc_policy p, bool inherited)
{
	md_finding *f;

	if (!rec->has_p) {
		f = md_report_add(rep, "dmarc.missing_policy", MD_SEV_WARNING,
		                  MD_PILLAR_AUTHENTICATION, pd, "The DMARC record has no p= tag");
		md_finding_set_evidence(rep, f, "%.*s", (int)rec->text.n, rec->text.p);
		md_finding_set_explanation(rep, f,
		                           "RFC 9989 reads a missing p= as p=none; RFC 7489 "
		                           "receivers apply p=none only when rua= is valid "
		                           "and otherwise ignore the record.");
		md_finding_set_fix(rep, f, "Add p=none (then follow the path to reject). %s",
		                   safe_path);
		md_finding_add_ref(rep, f, "RFC 9989 section 4.7 (p=)");
	}
	if (p == MD_DMARC_POLICY_NONE) {
		f = md_report_add(rep, "dmarc.policy_none", MD_SEV_WARNING,
		                  MD_PILLAR_AUTHENTICATION, pd,
		                  inherited ? "DMARC policy for subdomains is sp=none: monitoring "
		                              "only"
		                            : "DMARC policy is p=none: monitoring only");
		md_finding_set_evidence(rep, f, "%.*s", (int)rec->text.n, rec->text.p);
		md_finding_set_explanation(
		    rep, f,
		    "Receivers deliver mail that fails DMARC as if there were "
		    "no policy, so anyone can send as %s; Gmail and Yahoo "
		    "accept p=none from bulk senders but spoofed mail is not "
		    "stopped.",
		    pd);
		md_finding_set_fix(rep, f, "%s", safe_path);
		md_finding_add_ref(rep, f, "RFC 9989 section 4.7 (p=)");
		md_finding_add_ref(rep, f, "RFC 7489 section 6.3");
	} else if (p == MD_DMARC_POLICY_QUARANTINE) {
		f = md_report_add(rep, "dmarc.policy_quarantine", MD_SEV_NOTICE,
		                  MD_PILLAR_AUTHENTICATION, pd,
		                  inherited ? "DMARC policy for subdomains is sp=quarantine"
		                            : "DMARC policy is p=quarantine");
		md_finding_set_evidence(rep, f, "%.*s", (int)rec->text.n, rec->text.p);
		md_finding_set_explanation(rep, f,
		                           "Failing mail goes to spam folders; p=reject "
		                           "stops it at the door.");
		md_finding_set_fix(rep, f,
		                   "When the aggregate reports show only unauthenticated "
		                   "mail failing, move to p=reject.");
		md_finding_add_ref(rep, f, "RFC 9989 section 4.7 (p=)");
	} else {
		f = md_report_add(rep, "dmarc.policy_reject", MD_SEV_OK, MD_PILLAR_AUTHENTICATION,
		                  pd,
		                  inherited ? "DMARC policy for subdomains is sp=reject"
		                            : "DMARC policy is p=reject");
		md_finding_set_evidence(rep, f, "%.*s", (int)rec->text.n, rec->text.p);
	}
	if (!inherited && rec->has_sp && rec->sp_valid && rec->sp < p) {
		f = md_report_add(rep, "dmarc.sp_weaker", MD_SEV_NOTICE, MD_PILLAR_AUTHENTICATION,
		                  pd, "Subdomains get a weaker policy (sp=) than the domain");
		md_finding_set_evidence(rep, f, "p=%s sp=%s", policy_word(rec),
		                        md_dmarc_policy_name(rec->sp));
		md_finding_set_explanation(rep, f,
		                           "Spoofers can use any subdomain of %s, real or "
		                           "not, and get sp=%s.",
		                           pd, md_dmarc_policy_name(rec->sp));
		md_finding_set_fix(rep, f,
		                   "Raise sp= to p= unless a subdomain still needs time; "
		                   "with RFC 9989 also set np=reject for names that do not "
		                   "exist.");
		md_finding_add_ref(rep, f, "RFC 9989 section 4.7 (sp=, np=)");
	}
	if (reading == MD_DMARC_RFC7489 && rec->has_pct && rec->pct < 100 &&
	    p != MD_DMARC_POLICY_NONE) {
		f = md_report_add(rep, "dmarc.pct_partial", MD_SEV_WARNING,
		                  MD_PILLAR_AUTHENTICATION, pd,
		                  "The policy applies to part of the failing mail only (pct=)");
		md_finding_set_evidence(rep, f, "pct=%d", rec->pct);
		md_finding_set_explanation(rep, f,
		                           "RFC 7489 receivers apply p=%s to %d%% of failing "
		                           "mail and the next-lower policy to the rest; RFC "
		                           "9989 receivers ignore pct=.",
		                           policy_word(rec), rec->pct);
		md_finding_set_fix(rep, f,
		                   "Raise pct= to 100 (or drop it) once reports look clean.");
		md_finding_add_ref(rep, f, "RFC 7489 section 6.6.4");
	}
	if (rec->t_testing) {
		f = md_report_add(rep, "dmarc.testing", MD_SEV_NOTICE, MD_PILLAR_AUTHENTICATION, pd,
		                  "The policy is in testing mode (t=y)");
		md_finding_set_explanation(rep, f,
		                           "RFC 9989 receivers apply one step less than p= "
		                           "(reject as quarantine, quarantine as none).");
		md_finding_set_fix(rep, f, "Remove t=y when the trial is over.");
		md_finding_add_ref(rep, f, "RFC 9989 section 4.7 (t=)");
	}
	if (rec->nrua == 0) {
		f = md_report_add(rep, "dmarc.no_rua", MD_SEV_WARNING, MD_PILLAR_AUTHENTICATION, pd,
		                  "No aggregate reports are requested (no rua=)");
		md_finding_set_explanation(rep, f,
		                           "Without aggregate reports you cannot see which "
		                           "sources fail, so you cannot move safely to "
		                           "quarantine or reject.");
		md_finding_set_fix(rep, f,
		                   "Add rua=mailto:dmarc-reports@%s (or a report "
		                   "processor's address).",
		                   pd);
		md_finding_add_ref(rep, f, "RFC 9989 section 4.7 (rua=)");
	}
	if (rec->p_not_second) {
		f = md_report_add(rep, "dmarc.p_not_second", MD_SEV_NOTICE,
		                  MD_PILLAR_AUTHENTICATION, pd, "p= is not right after v=DMARC1");
		md_finding_set_explanation(rep, f,
		                           "RFC 7489's grammar puts p= second and some older "
		                           "receivers insist; RFC 9989 allows any order.");
		md_finding_set_fix(rep, f, "Write the record as v=DMARC1; p=...; ...");
		md_finding_add_ref(rep, f, "RFC 7489 section 6.4");
	}
}

md_status md_check_dmarc(md_resolver *res, const char *domain, const md_dmarc_check_opts *opts,
                         md_report *rep)
{
	char d[MD_DOMAIN_MAX + 1], org_psl[256], org_walk[256];
	char names[DMARC_WALK_MAX][256];
	const char *why, *subj;
	md_dmarc_reading reading = opts ? opts->reading : MD_DMARC_RFC9989;
	md_arena *a = md_report_arena(rep);
	dmarc_qset *qs;
	dmarc_q *here, *applies9989 = NULL, *applies7489 = NULL, *applies;
	dmarc_state st;
	size_t i, n, ndest = 0;
	dest *dests = NULL;
	md_finding *f;
	const md_dns_result *hres;
	bool walk_ok, any_record;
	json_t *jd;

	if (res == NULL || rep == NULL || !md_domain_normalize(domain, d, sizeof(d), &why))
		return MD_EINVAL;
	qs = dmarc_qset_new(res, a);
	if (qs == NULL)
		return MD_ENOMEM;
	dmarc_qset_walk(qs, d);
	if (dmarc_org_psl(d, org_psl, sizeof(org_psl)) != MD_OK)
		memcpy(org_psl, d, strlen(d) + 1);
	dmarc_qset_ask(qs, org_psl);
	md_dns_wait(res);

	walk_ok = dmarc_org_walk(qs, d, org_walk, sizeof(org_walk));
	md_report_set_string(rep, "reading", md_dmarc_reading_name(reading));
	md_report_set_json_value(rep, "org_domain",
	                         json_pack("{s:s, s:s, s:b}", "psl", org_psl, "tree_walk", org_walk,
	                                   "tree_walk_complete", walk_ok));
	md_report_summary(rep, "organisational domain", "%s%s%s%s", org_walk,
	                  strcmp(org_walk, org_psl) ? " (tree walk; public suffix list says " : "",
	                  strcmp(org_walk, org_psl) ? org_psl : "",
	                  strcmp(org_walk, org_psl) ? ")" : "");
	n = dmarc_walk_names(d, names, DMARC_WALK_MAX);
	for (i = 0, any_record = false; i < n; i++)
		if (dmarc_q_state(qs, dmarc_qset_get(qs, names[i])) == DMARC_ONE)
			any_record = true;
	if (dmarc_q_state(qs, dmarc_qset_get(qs, org_psl)) == DMARC_ONE)
		any_record = true;
	if (any_record && strcmp(org_walk, org_psl) != 0) {
		f = md_report_add(
		    rep, "dmarc.org_domain_differs", MD_SEV_NOTICE, MD_PILLAR_AUTHENTICATION, d,
		    "The organisational domain differs between RFC 9989 and RFC 7489");
		md_finding_set_evidence(rep, f,
		                        "DNS tree walk (RFC 9989): %s; public suffix list "
		                        "(RFC 7489): %s",
		                        org_walk, org_psl);
		md_finding_set_explanation(
		    rep, f,
		    "Receivers still on RFC 7489 align and look up policies "
		    "against %s, newer ones against %s: relaxed alignment and "
		    "inherited policies can differ between them.",
		    org_psl, org_walk);
		md_finding_add_ref(rep, f, "RFC 9989 section 4.10");
		md_finding_add_ref(rep, f, "RFC 7489 section 3.2");
	}

	/* the records along the walk */
	n = dmarc_walk_names(d, names, DMARC_WALK_MAX);
	for (i = 0; i < n; i++) {
		dmarc_q *q = dmarc_qset_get(qs, names[i]);

		st = dmarc_q_state(qs, q);
		md_report_trace(rep, 0, "_dmarc.%s: %s", names[i],
		                st == DMARC_ONE        ? dmarc_q_text(q)
		                : st == DMARC_MULTIPLE ? "several DMARC records"
		                : st == DMARC_FAILED   ? "lookup failed"
		                                       : "no DMARC record");
		if (st == DMARC_ONE && applies9989 == NULL)
			applies9989 = q;
		if (st == DMARC_FAILED && applies9989 == NULL)
			break;
	}
	here = dmarc_qset_get(qs, d);
	st = dmarc_q_state(qs, here);
	if (st == DMARC_ONE)
		applies7489 = here;
	else if (st == DMARC_NONE && strcmp(org_psl, d) != 0) {
		dmarc_q *q = dmarc_qset_get(qs, org_psl);

		if (dmarc_q_state(qs, q) == DMARC_ONE)
			applies7489 = q;
	}
	applies = reading == MD_DMARC_RFC7489 ? applies7489 : applies9989;

	if (st == DMARC_FAILED) {
		f = md_report_add(rep, "dmarc.could_not_check", MD_SEV_ERROR,
		                  MD_PILLAR_AUTHENTICATION, d,
		                  "The DMARC record could not be looked up");
		md_finding_set_evidence(rep, f, "_dmarc.%s TXT: lookup failed", d);
		md_finding_set_explanation(rep, f,
		                           "Receivers that cannot fetch the record treat "
		                           "DMARC as a temporary error.");
		md_finding_set_fix(rep, f,
		                   "Make the domain's name servers answer for _dmarc.%s; "
		                   "then run again.",
		                   d);
		md_finding_set_could_not_check(f);
		md_finding_add_ref(rep, f, "RFC 9989 section 4.10");
		goto out;
	}
	if (st == DMARC_MULTIPLE) {
		f = md_report_add(rep, "dmarc.multiple_records", MD_SEV_ERROR,
		                  MD_PILLAR_AUTHENTICATION, d,
		                  "Several DMARC records at the domain");
		md_finding_set_evidence(rep, f, "_dmarc.%s has more than one v=DMARC1 TXT record",
		                        d);
		md_finding_set_explanation(rep, f,
		                           "Receivers ignore them all (RFC 7489) or look "
		                           "further up the tree (RFC 9989): your policy does "
		                           "not apply as written.");
		md_finding_set_fix(rep, f, "Merge them into one record at _dmarc.%s.", d);
		md_finding_add_ref(rep, f, "RFC 7489 section 6.6.3");
		md_finding_add_ref(rep, f, "RFC 9989 section 4.10");
	}
	hres = dmarc_q_result(here);
	if (hres && hres->outcome == MD_DNS_ANSWER && st == DMARC_NONE) {
		/* TXT records there, but none is DMARC: a v=dmarc1 typo? */
		for (i = 0; i < hres->nrr; i++) {
			md_buf txt;
			dmarc_record rec;

			md_buf_init(&txt, DMARC_MAX_RECORD + 1);
			if (dkim_join_txt(&txt, hres->rr[i].txt, hres->rr[i].txtlen,
			                  hres->rr[i].ntxt) == MD_OK &&
			    txt.p) {
				dmarc_record_parse(&rec, txt.p, txt.n);
				if (rec.v_wrong_case ||
				    md_str_istarts(md_str_c(txt.p), "v=dmarc")) {
					f = md_report_add(
					    rep, "dmarc.version_invalid", MD_SEV_ERROR,
					    MD_PILLAR_AUTHENTICATION, d,
					    "The record does not start with v=DMARC1 exactly");
					md_finding_set_evidence(rep, f, "%s", txt.p);
					md_finding_set_explanation(
					    rep, f,
					    "The version tag is case-sensitive "
					    "and must come first: receivers "
					    "ignore this record entirely.");
					md_finding_set_fix(rep, f,
					                   "Start the record with v=DMARC1; (upper "
					                   "case).");
					md_finding_add_ref(rep, f, "RFC 7489 section 6.4");
				}
			}
			md_buf_free(&txt);
		}
	}
	if (applies == NULL) {
		if (st != DMARC_MULTIPLE) {
			f = md_report_add(rep, "dmarc.missing", MD_SEV_ERROR,
			                  MD_PILLAR_AUTHENTICATION, d,
			                  "No DMARC record applies to the domain");
			md_finding_set_evidence(rep, f, "no v=DMARC1 record at _dmarc.%s%s%s", d,
			                        strcmp(org_walk, d) || strcmp(org_psl, d)
			                            ? " or at its organisational domain"
			                            : "",
			                        "");
			md_finding_set_explanation(
			    rep, f,
			    "Without DMARC anyone can send as %s, and since 2024 "
			    "Gmail and Yahoo reject or junk bulk mail from "
			    "domains without a DMARC record (550 5.7.26).",
			    d);
			md_finding_set_fix(rep, f,
			                   "Publish _dmarc.%s TXT \"v=DMARC1; p=none; "
			                   "rua=mailto:dmarc-reports@%s\", then: %s",
			                   d, d, safe_path);
			md_finding_add_ref(rep, f, "RFC 9989 section 4.10");
		}
		goto out;
	}
	subj = dmarc_q_name(applies);
	{
		const dmarc_record *rec = dmarc_q_record(applies);
		bool inherited = strcmp(subj, d) != 0;
		const char *tag = inherited ? (rec->has_sp && rec->sp_valid ? "sp" : "p") : "p";
		md_dmarc_policy eff =
		    inherited && rec->has_sp && rec->sp_valid ? rec->sp : dmarc_record_p(rec);

		md_report_summary(rep, "record", "_dmarc.%s: %s", subj, dmarc_q_text(applies));
		md_report_set_string(rep, "record", dmarc_q_text(applies));
		md_report_set_string(rep, "policy_domain", subj);
		md_report_set_json_value(rep, "tags", tags_json(rec));
		md_report_set_string(rep, "applied_policy", md_dmarc_policy_name(eff));
		if (inherited) {
			f = md_report_add(rep, "dmarc.inherited", MD_SEV_NOTICE,
			                  MD_PILLAR_AUTHENTICATION, d,
			                  "The domain has no DMARC record of its own");
			md_finding_set_evidence(
			    rep, f,
			    "no record at _dmarc.%s; the record at _dmarc.%s "
			    "applies: %s=%s%s%s",
			    d, subj, tag, md_dmarc_policy_name(eff),
			    rec->has_np && rec->np_valid ? ", np=" : "",
			    rec->has_np && rec->np_valid ? md_dmarc_policy_name(rec->np) : "");
			md_finding_set_explanation(rep, f,
			                           "Mail from %s is judged by the policy of %s "
			                           "(sp= for subdomains, p= when sp= is absent).",
			                           d, subj);
			md_finding_add_ref(rep, f, "RFC 9989 section 4.10");
		}
		if (applies7489 != applies9989) {
			f = md_report_add(
			    rep, "dmarc.readings_differ", MD_SEV_NOTICE, MD_PILLAR_AUTHENTICATION,
			    d, "RFC 7489 and RFC 9989 receivers apply different records");
			md_finding_set_evidence(rep, f,
			                        "RFC 9989 tree walk: %s%s; RFC 7489 (public "
			                        "suffix list): %s%s",
			                        applies9989 ? "_dmarc." : "none",
			                        applies9989 ? dmarc_q_name(applies9989) : "",
			                        applies7489 ? "_dmarc." : "none",
			                        applies7489 ? dmarc_q_name(applies7489) : "");
			md_finding_add_ref(rep, f, "RFC 9989 section 4.10");
		}
		problems(rep, rec, subj);
		policy_findings(rep, rec, subj, reading, eff, inherited);

		/* report destinations */
		dests = md_calloc(DMARC_MAX_DESTS, sizeof(*dests));
		if (dests == NULL)
			goto out;
		for (i = 0; i < rec->nrua + rec->nruf && ndest < DMARC_MAX_DESTS; i++) {
			const dmarc_uri *u =
			    i < rec->nrua ? &rec->rua[i] : &rec->ruf[i - rec->nrua];
			char dd[256], org[256];
			dest *x;

			if (!u->mailto || !u->valid || u->domain.n >= sizeof(dd))
				continue;
			memcpy(dd, u->domain.p, u->domain.n);
			dd[u->domain.n] = '\0';
			x = &dests[ndest++];
			if (!dmarc_norm_domain(dd, x->domain, sizeof(x->domain))) {
				ndest--;
				continue;
			}
			x->uri = md_arena_strndup(a, u->text.p, u->text.n);
			x->ruf = i >= rec->nrua;
			/* external when the organisational domains differ (RFC 7489
			 * section 7.1 compares organisational domains) */
			if (dmarc_org_psl(x->domain, org, sizeof(org)) != MD_OK)
				memcpy(org, x->domain, strlen(x->domain) + 1);
			x->external = strcmp(org, org_psl) != 0 && strcmp(org, org_walk) != 0;
			if (x->external) {
				char q[600];

				snprintf(q, sizeof(q), "%s._report._dmarc.%s", subj, x->domain);
				md_dns_submit(res, q, MD_DNS_TXT, store, &x->res);
			}
		}
		md_dns_wait(res);
		jd = json_array();
		for (i = 0; i < ndest; i++) {
			dest *x = &dests[i];
			const char *auth = "internal";

			if (x->external) {
				size_t r;
				bool ok = false;

				if (x->res == NULL || md_dns_failed(x->res)) {
					auth = "could_not_check";
				} else {
					for (r = 0;
					     x->res->outcome == MD_DNS_ANSWER && r < x->res->nrr;
					     r++) {
						const md_dns_rr *rr = &x->res->rr[r];

						if (rr->ntxt > 0 && rr->txtlen[0] >= 8 &&
						    memcmp(rr->txt[0], "v=DMARC1", 8) == 0)
							ok = true;
					}
					auth = ok ? "authorized" : "unauthorized";
				}
				if (!ok) {
					f = md_report_add(
					    rep,
					    x->res && md_dns_failed(x->res)
					        ? "dmarc.report_auth_could_not_check"
					        : "dmarc.report_destination_unauthorized",
					    MD_SEV_ERROR, MD_PILLAR_AUTHENTICATION, subj,
					    "An external report destination has not authorised "
					    "the domain");
					md_finding_set_evidence(
					    rep, f, "%s=%s: %s._report._dmarc.%s TXT %s",
					    x->ruf ? "ruf" : "rua", x->uri, subj, x->domain,
					    x->res ? md_dns_outcome_name(x->res->outcome)
					           : "not asked");
					md_finding_set_explanation(
					    rep, f,
					    "Receivers send reports to another "
					    "organisation only when it publishes "
					    "%s._report._dmarc.%s with "
					    "v=DMARC1: these %s reports are "
					    "never sent.",
					    subj, x->domain, x->ruf ? "failure" : "aggregate");
					md_finding_set_fix(
					    rep, f,
					    "Ask %s (your report processor) to publish "
					    "TXT \"v=DMARC1\" at %s._report._dmarc.%s, "
					    "or use an address in your own domain.",
					    x->domain, subj, x->domain);
					md_finding_add_ref(rep, f, "RFC 7489 section 7.1");
					if (x->res && md_dns_failed(x->res))
						md_finding_set_could_not_check(f);
				}
			}
			json_array_append_new(jd, json_pack("{s:s, s:s, s:s, s:b, s:s}", "tag",
			                                    x->ruf ? "ruf" : "rua", "uri", x->uri,
			                                    "domain", x->domain, "external",
			                                    x->external, "authorization", auth));
		}
		md_report_set_json_value(rep, "report_destinations", jd);
	}
out:
	md_free(dests);
	dmarc_qset_free(qs);
	return md_report_status(rep);
}
