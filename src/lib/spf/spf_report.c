/*
 * spf_report.c - an SPF verdict as a report: summary, the evaluation tree
 * as trace lines and as nested JSON, and one "spf.result.*" finding that
 * says what the result means for delivery and what to do.
 */
#include "spf_eval.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/report_internal.h"

static const char *type_name(uint16_t t, char *buf, size_t len)
{
	return md_dns_type_name(t, buf, len);
}

/* One trace line per node. */
static void trace_node(md_report *r, const spf_verdict_impl *vi, const spf_node *n)
{
	char tb[16], vb[32];

	switch (n->kind) {
	case SPF_N_CHECK:
		if (n->b != NULL)
			md_report_trace(r, n->depth, "check_host %s: \"%s\" -> %s", n->a, n->b,
			                md_spf_result_name(n->result));
		else
			md_report_trace(r, n->depth, "check_host %s: no SPF record -> %s", n->a,
			                md_spf_result_name(n->result));
		break;
	case SPF_N_LOOKUP:
		md_report_trace(r, n->depth, "%s %s -> %s", type_name(n->qtype, tb, sizeof(tb)),
		                n->a, n->b ? n->b : "");
		break;
	case SPF_N_TERM:
		if (n->voids > 0)
			snprintf(vb, sizeof(vb), ", %u void so far", n->voids);
		else
			vb[0] = '\0';
		if (n->counts && n->lookups > n->at)
			md_report_trace(r, n->depth, "%s  [lookup %u/%u, %u with what it includes%s]: %s%s",
			                n->a ? n->a : "", n->at, vi->max_lookups, n->lookups, vb,
			                n->b ? n->b : "", n->decided ? "  <= decides the result" : "");
		else if (n->counts)
			md_report_trace(r, n->depth, "%s  [lookup %u/%u%s]: %s%s", n->a ? n->a : "",
			                n->at, vi->max_lookups, vb, n->b ? n->b : "",
			                n->decided ? "  <= decides the result" : "");
		else
			md_report_trace(r, n->depth, "%s: %s%s", n->a ? n->a : "", n->b ? n->b : "",
			                n->decided ? "  <= decides the result" : "");
		break;
	case SPF_N_NOTE:
		md_report_trace(r, n->depth, "%s", n->a ? n->a : "");
		break;
	}
}

static json_t *node_json(const spf_verdict_impl *vi, size_t *i);

/* Children of node *I: following nodes deeper than it. */
static json_t *children_json(const spf_verdict_impl *vi, size_t *i, int depth)
{
	json_t *arr = json_array();

	while (arr && *i < vi->nnodes && vi->nodes[*i].depth > depth)
		json_array_append_new(arr, node_json(vi, i));
	return arr;
}

static json_t *node_json(const spf_verdict_impl *vi, size_t *i)
{
	const spf_node *n = &vi->nodes[*i];
	json_t *o = json_object();
	char tb[16];

	(*i)++;
	if (o == NULL)
		return NULL;
	switch (n->kind) {
	case SPF_N_CHECK:
		json_object_set_new(o, "type", json_string("check_host"));
		json_object_set_new(o, "domain", md_json_cstr(n->a));
		json_object_set_new(o, "record", md_json_cstr(n->b));
		json_object_set_new(o, "result", json_string(md_spf_result_name(n->result)));
		json_object_set_new(o, "children", children_json(vi, i, n->depth));
		break;
	case SPF_N_LOOKUP:
		json_object_set_new(o, "type", json_string("lookup"));
		json_object_set_new(o, "qname", md_json_cstr(n->a));
		json_object_set_new(o, "qtype", json_string(type_name(n->qtype, tb, sizeof(tb))));
		json_object_set_new(o, "outcome", json_string(md_dns_outcome_name(n->outcome)));
		json_object_set_new(o, "answer", md_json_cstr(n->b));
		break;
	case SPF_N_TERM:
		json_object_set_new(o, "type", json_string("term"));
		json_object_set_new(o, "term", md_json_cstr(n->a));
		json_object_set_new(o, "counts", json_boolean(n->counts));
		json_object_set_new(o, "lookup", n->counts ? json_integer(n->at) : json_null());
		json_object_set_new(o, "lookups", json_integer(n->lookups));
		json_object_set_new(o, "void_lookups", json_integer(n->voids));
		json_object_set_new(o, "match", n->match < 0 ? json_null() : json_boolean(n->match));
		json_object_set_new(o, "decided", json_boolean(n->decided));
		json_object_set_new(o, "note", md_json_cstr(n->b));
		json_object_set_new(o, "children", children_json(vi, i, n->depth));
		break;
	case SPF_N_NOTE:
		json_object_set_new(o, "type", json_string("note"));
		json_object_set_new(o, "text", md_json_cstr(n->a));
		break;
	}
	return o;
}

/* Severity, title and fix of each result (RFC 7208 section 8). */
static void result_finding(md_report *r, const md_spf_verdict *v)
{
	const char *dom = v->domain ? v->domain : "";
	const char *ip = v->ip ? v->ip : "";
	char id[32];
	md_finding *f;
	md_severity sev = MD_SEV_OK;

	switch (v->result) {
	case MD_SPF_PASS: sev = MD_SEV_OK; break;
	case MD_SPF_NEUTRAL: sev = MD_SEV_NOTICE; break;
	case MD_SPF_NONE: sev = MD_SEV_WARNING; break;
	case MD_SPF_SOFTFAIL: sev = MD_SEV_WARNING; break;
	case MD_SPF_FAIL: sev = MD_SEV_ERROR; break;
	case MD_SPF_PERMERROR: sev = MD_SEV_ERROR; break;
	case MD_SPF_TEMPERROR: sev = MD_SEV_ERROR; break;
	}
	snprintf(id, sizeof(id), "spf.result.%s", md_spf_result_name(v->result));
	f = md_report_add(r, id, sev, MD_PILLAR_AUTHENTICATION, dom, "SPF result");
	if (f == NULL)
		return;
	md_finding_set_evidence(r, f, "%s", v->reason ? v->reason : "");
	switch (v->result) {
	case MD_SPF_PASS:
		md_finding_set_title(r, f, "SPF pass: %s may send mail for %s", ip, dom);
		break;
	case MD_SPF_NEUTRAL:
		md_finding_set_title(r, f, "SPF neutral: %s makes no statement about %s", dom, ip);
		md_finding_set_explanation(r, f, "Receivers treat neutral like no SPF at all: the mail "
		                           "gets no SPF credit and DMARC cannot pass through SPF.");
		md_finding_set_fix(r, f, "If %s sends mail for %s, authorise it (ip%s:%s) before the "
		                   "\"all\" of the record of %s.", ip, dom,
		                   strchr(ip, ':') ? "6" : "4", ip, v->term_domain ? v->term_domain : dom);
		break;
	case MD_SPF_NONE:
		md_finding_set_title(r, f, "SPF none: %s has no SPF record", dom);
		md_finding_set_explanation(r, f, "Without SPF the mail gets no SPF credit; large mailbox "
		                           "providers require SPF or DKIM (both for bulk senders).");
		md_finding_set_fix(r, f, "Publish a TXT record at %s such as \"v=spf1 ip%s:%s -all\" "
		                   "listing every server and service that sends for it.", dom,
		                   strchr(ip, ':') ? "6" : "4", ip);
		break;
	case MD_SPF_SOFTFAIL:
	case MD_SPF_FAIL:
		md_finding_set_title(r, f, "SPF %s: %s is not authorised to send mail for %s",
		                     md_spf_result_name(v->result), ip, dom);
		md_finding_set_explanation(r, f, "%s%s%s", v->result == MD_SPF_FAIL
		                           ? "Receivers may reject this mail outright (550 5.7.23 or 5.7.26 with DMARC)."
		                           : "Receivers accept the mail but count it against the sender; with DMARC it fails SPF alignment.",
		                           v->explanation ? " Explanation: " : "",
		                           v->explanation ? v->explanation : "");
		md_finding_set_fix(r, f, "If %s is one of your servers or a service you use, add it to "
		                   "the record of %s (ip%s:%s, or the provider's include) before \"%s\"; "
		                   "otherwise the mail is forged or misrouted.", ip,
		                   v->term_domain ? v->term_domain : dom, strchr(ip, ':') ? "6" : "4", ip,
		                   v->term ? v->term : "all");
		break;
	case MD_SPF_PERMERROR:
		md_finding_set_title(r, f, "SPF permerror: the SPF policy of %s cannot be evaluated", dom);
		md_finding_set_explanation(r, f, "Receivers treat permerror like fail or like no SPF; "
		                           "DMARC counts it as an SPF failure.");
		md_finding_set_fix(r, f, "%s", v->over_limit
		                   ? "Bring the record within the limits: run `maildiag spf DOMAIN` (without --ip) "
		                     "to see which include breaks the limit and a flattened record that fits."
		                   : "Fix the record as the reason says; `maildiag spf DOMAIN` shows the exact position.");
		break;
	case MD_SPF_TEMPERROR:
		md_finding_set_title(r, f, "SPF temperror: could not check %s (DNS error)", dom);
		md_finding_set_could_not_check(f);
		md_finding_set_explanation(r, f, "Receivers defer the mail (451 4.4.3) and retry later.");
		md_finding_set_fix(r, f, "Check that the name servers of the domain in the reason answer.");
		break;
	}
	md_finding_add_ref(r, f, "RFC 7208 section 2.6");
	if (v->over_limit)
		md_finding_add_ref(r, f, "RFC 7208 section 4.6.4");
}

md_status md_spf_verdict_report(const md_spf_verdict *v, md_report *r)
{
	const spf_verdict_impl *vi = (const spf_verdict_impl *)v;
	size_t i;

	if (v == NULL || r == NULL)
		return MD_EINVAL;
	md_report_summary(r, "identity", "%s from %s", v->domain ? v->domain : "", v->ip ? v->ip : "");
	md_report_summary(r, "result", "%s", md_spf_result_name(v->result));
	if (v->term != NULL)
		md_report_summary(r, "decided by", "%s (record of %s)", v->term, v->term_domain);
	md_report_summary(r, "reason", "%s", v->reason ? v->reason : "");
	if (v->explanation != NULL)
		md_report_summary(r, "explanation", "%s", v->explanation);
	md_report_summary(r, "lookups", "%u of %u DNS-querying terms, %u void", v->lookups,
	                  vi->max_lookups, v->void_lookups);
	for (i = 0; i < vi->nnodes; i++)
		trace_node(r, vi, &vi->nodes[i]);
	result_finding(r, v);

	md_report_set_string(r, "result", md_spf_result_name(v->result));
	md_report_set_json_value(r, "explanation", md_json_cstr(v->explanation));
	md_report_set_json_value(r, "domain", md_json_cstr(v->domain));
	md_report_set_json_value(r, "ip", md_json_cstr(v->ip));
	md_report_set_json_value(r, "term", md_json_cstr(v->term));
	md_report_set_json_value(r, "term_domain", md_json_cstr(v->term_domain));
	md_report_set_json_value(r, "reason", md_json_cstr(v->reason));
	md_report_set_json_value(r, "lookups", json_integer(v->lookups));
	md_report_set_json_value(r, "void_lookups", json_integer(v->void_lookups));
	md_report_set_json_value(r, "over_limit", json_boolean(v->over_limit));
	md_report_set_json_value(r, "record", md_json_cstr(v->record));
	if (vi->traced && vi->nnodes > 0) {
		size_t k = 0;

		md_report_set_json_value(r, "tree", node_json(vi, &k));
	}
	return md_report_status(r);
}
