/*
 * dns_report.c - describe one DNS result in a report (maildiag dns).
 */
#include <stdio.h>
#include <stdlib.h>

#include <maildiag/dns.h>

#include "core/alloc.h"
#include "core/report_internal.h"

md_status md_dns_report(md_report *rep, const md_dns_result *res)
{
	static const char *const cols[] = {"name", "ttl", "type", "data"};
	md_table *t = md_report_add_table(rep, "records", 4, cols);
	json_t *records = json_array();
	char tbuf[32], ttl[16];
	size_t k;

	if (t == NULL || records == NULL) {
		json_decref(records);
		return MD_ENOMEM;
	}
	md_report_summary(rep, "question", "%s %s", res->qname,
	                  md_dns_type_name(res->qtype, tbuf, sizeof(tbuf)));
	md_report_summary(rep, "outcome", "%s%s%s", md_dns_outcome_name(res->outcome),
	                  res->why ? ": " : "", res->why ? res->why : "");
	md_report_summary(rep, "dnssec", "%s", md_dnssec_name(res->dnssec));
	if (res->ncname > 0)
		md_report_summary(rep, "canonical", "%s (%zu CNAME hop%s)", res->canonical,
		                  res->ncname, res->ncname == 1 ? "" : "s");
	md_report_set_string(rep, "qname", res->qname);
	md_report_set_string(rep, "qtype", md_dns_type_name(res->qtype, tbuf, sizeof(tbuf)));
	md_report_set_string(rep, "outcome", md_dns_outcome_name(res->outcome));
	md_report_set_string(rep, "dnssec", md_dnssec_name(res->dnssec));
	md_report_set_string(rep, "canonical", res->canonical);
	md_report_set_json_value(rep, "why", md_json_cstr(res->why));
	for (k = 0; k < res->nrr; k++) {
		const md_dns_rr *rr = &res->rr[k];
		char *text = md_dns_rr_text(rr);
		const char *row[4];

		if (text == NULL) {
			json_decref(records);
			return MD_ENOMEM;
		}
		snprintf(ttl, sizeof(ttl), "%u", (unsigned)rr->ttl);
		row[0] = rr->owner;
		row[1] = ttl;
		row[2] = md_dns_type_name(rr->type, tbuf, sizeof(tbuf));
		row[3] = text;
		md_table_add_row(rep, t, row);
		json_array_append_new(records,
		                      json_pack("{s:o,s:I,s:s,s:o}", "name", md_json_cstr(rr->owner),
		                                "ttl", (json_int_t)rr->ttl, "type", row[2], "data",
		                                md_json_cstr(text)));
		free(text);
	}
	md_report_set_json_value(rep, "records", records);
	if (md_dns_failed(res)) {
		md_finding *f = md_report_add(rep, "dns.could_not_check", MD_SEV_ERROR,
		                              MD_PILLAR_INFRASTRUCTURE, res->qname,
		                              "The question could not be answered");

		md_finding_set_evidence(rep, f, "%s %s: %s%s%s", res->qname,
		                        md_dns_type_name(res->qtype, tbuf, sizeof(tbuf)),
		                        md_dns_outcome_name(res->outcome), res->why ? " - " : "",
		                        res->why ? res->why : "");
		md_finding_set_explanation(rep, f, "The resolver gave no usable answer, so nothing "
		                                   "can be said about whether the record exists.");
		md_finding_set_fix(rep, f, "Check that the resolver is reachable and that the "
		                           "domain's name servers answer; then run again.");
		md_finding_set_could_not_check(f);
	}
	return md_report_status(rep);
}
