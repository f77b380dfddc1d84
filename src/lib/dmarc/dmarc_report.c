/*
 * dmarc_report.c - a DMARC verdict as findings, an alignment table, trace
 * lines and the "dmarc" JSON member with the evidence.
 */
#include <string.h>

#include <maildiag/dmarc.h>

#include "core/report_internal.h"

md_status md_dmarc_result_report(md_report *rep, const md_dmarc_result *r)
{
	static const char *const cols[] = {"method", "domain", "org_domain", "result", "aligned"};
	const md_dmarc_outcome *o = md_dmarc_result_outcome(r);
	md_table *t = md_report_add_table(rep, "dmarc_alignment", 5, cols);
	json_t *al = json_array(), *obj;
	const char *subj = o->from_domain ? o->from_domain : "message";
	md_finding *f = NULL;
	size_t i;

	if (t == NULL || al == NULL) {
		json_decref(al);
		return MD_ENOMEM;
	}
	md_report_summary(rep, "dmarc", "%s%s%s", md_dmarc_verdict_name(o->verdict),
	                  o->verdict == MD_DMARC_FAIL ? ", disposition " : "",
	                  o->verdict == MD_DMARC_FAIL ? md_dmarc_policy_name(o->disposition) : "");
	md_report_trace(rep, 0, "DMARC (%s reading) for %s", md_dmarc_reading_name(o->reading),
	                subj);
	if (o->record)
		md_report_trace(rep, 1, "policy record _dmarc.%s: %s", o->policy_domain, o->record);
	if (o->org_domain)
		md_report_trace(rep, 1,
		                "organisational domain: %s (tree walk %s, public suffix list %s)",
		                o->org_domain, o->org_domain_walk ? o->org_domain_walk : "-",
		                o->org_domain_psl ? o->org_domain_psl : "-");
	for (i = 0; i < o->nalign; i++) {
		const md_dmarc_alignment *a = &o->align[i];
		const char *row[5];

		row[0] = a->method;
		row[1] = a->domain;
		row[2] = a->strict ? "(strict)" : a->org_domain;
		row[3] = a->result;
		row[4] = a->aligned ? "yes" : "no";
		md_table_add_row(rep, t, row);
		md_report_trace(rep, 1, "%s %s: %s, %s%s", a->method, a->domain, a->result,
		                a->aligned ? "aligned" : "not aligned",
		                a->strict ? " (strict)" : "");
		json_array_append_new(al, json_pack("{s:s, s:s, s:o, s:s, s:b, s:b, s:b}", "method",
		                                    a->method, "domain", a->domain, "org_domain",
		                                    md_json_cstr(a->org_domain), "result",
		                                    a->result, "pass", a->pass, "aligned",
		                                    a->aligned, "strict", a->strict));
	}
	md_report_trace(rep, 1, "result: %s (%s)", md_dmarc_verdict_name(o->verdict),
	                o->reason ? o->reason : "");
	switch (o->verdict) {
	case MD_DMARC_PASS:
		f = md_report_add(rep, "dmarc.pass", MD_SEV_OK, MD_PILLAR_AUTHENTICATION, subj,
		                  "DMARC passes");
		md_finding_set_evidence(rep, f, "%s", o->reason);
		break;
	case MD_DMARC_FAIL:
		f = md_report_add(rep, "dmarc.fail",
		                  o->disposition == MD_DMARC_POLICY_NONE ? MD_SEV_WARNING
		                                                         : MD_SEV_ERROR,
		                  MD_PILLAR_AUTHENTICATION, subj, "DMARC fails");
		md_finding_set_title(rep, f, "DMARC fails: receivers apply %s",
		                     md_dmarc_policy_name(o->disposition));
		md_finding_set_evidence(rep, f, "%s; record _dmarc.%s: %s", o->reason,
		                        o->policy_domain ? o->policy_domain : "?",
		                        o->record ? o->record : "");
		md_finding_set_explanation(rep, f,
		                           "DMARC passes only when SPF or DKIM passes for a domain "
		                           "aligned with the From domain %s (same organisational "
		                           "domain in relaxed mode, the same name in strict mode). "
		                           "This is what Gmail reports as 550 5.7.26 and Microsoft "
		                           "as 5.7.509.",
		                           subj);
		md_finding_set_fix(rep, f,
		                   "Sign with DKIM using d=%s (or a subdomain), or send with "
		                   "a MAIL FROM (Return-Path) in %s that SPF authorises.",
		                   o->org_domain ? o->org_domain : subj,
		                   o->org_domain ? o->org_domain : subj);
		break;
	case MD_DMARC_TEMPERROR:
		f = md_report_add(rep, "dmarc.temperror", MD_SEV_WARNING, MD_PILLAR_AUTHENTICATION,
		                  subj, "DMARC could not be evaluated (DNS failure)");
		md_finding_set_evidence(rep, f, "%s", o->reason);
		md_finding_set_could_not_check(f);
		break;
	case MD_DMARC_PERMERROR:
		f = md_report_add(rep, "dmarc.permerror", MD_SEV_ERROR, MD_PILLAR_AUTHENTICATION,
		                  subj, "DMARC cannot be evaluated for this message");
		md_finding_set_evidence(rep, f, "%s", o->reason);
		break;
	default:
		f = md_report_add(rep, "dmarc.none", MD_SEV_WARNING, MD_PILLAR_AUTHENTICATION, subj,
		                  "No DMARC policy applies");
		md_finding_set_evidence(rep, f, "%s", o->reason);
		md_finding_set_fix(rep, f,
		                   "Publish a DMARC record at _dmarc.%s (see maildiag dmarc "
		                   "%s).",
		                   subj, subj);
		break;
	}
	if (f)
		md_finding_add_ref(rep, f,
		                   o->reading == MD_DMARC_RFC7489 ? "RFC 7489 section 6.6"
		                                                  : "RFC 9989 section 4.4");
	obj = json_pack(
	    "{s:s, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:b, "
	    "s:i, s:b, s:o, s:s}",
	    "result", md_dmarc_verdict_name(o->verdict), "disposition",
	    o->verdict == MD_DMARC_PASS || o->verdict == MD_DMARC_FAIL
	        ? json_string(md_dmarc_policy_name(o->disposition))
	        : json_null(),
	    "requested_policy",
	    o->record ? json_string(md_dmarc_policy_name(o->requested)) : json_null(), "policy_tag",
	    md_json_cstr(o->policy_tag), "reading", md_dmarc_reading_name(o->reading),
	    "from_domain", md_json_cstr(o->from_domain), "policy_domain",
	    md_json_cstr(o->policy_domain), "record", md_json_cstr(o->record), "org_domain",
	    md_json_cstr(o->org_domain), "org_domain_psl", md_json_cstr(o->org_domain_psl),
	    "org_domain_tree_walk", md_json_cstr(o->org_domain_walk), "adkim",
	    o->adkim_strict ? "s" : "r", "aspf", o->aspf_strict ? "s" : "r", "testing", o->testing,
	    "pct", o->pct, "from_exists", o->from_exists, "alignment", al, "reason",
	    o->reason ? o->reason : "");
	md_report_set_json_value(rep, "dmarc", obj);
	return md_report_status(rep);
}
