/*
 * dkim_report.c - turn a DKIM verification result into findings, a table,
 * trace lines and the "dkim" JSON member (one object per signature with
 * its evidence: body hashes, the canonicalised header block, the key).
 */
#include <stdio.h>
#include <string.h>

#include <maildiag/dkim.h>

#include "core/arena.h"
#include "core/report_internal.h"
#include "dkim_internal.h"

/* Shown in text evidence; the JSON member carries all of it. */
#define DKIM_BLOCK_SHOWN 2000

static md_severity severity_of(const md_dkim_sig_info *s)
{
	switch (s->verdict) {
	case MD_DKIM_PASS:
		return MD_SEV_OK;
	case MD_DKIM_TEMPERROR:
		return MD_SEV_WARNING;
	default:
		return MD_SEV_ERROR;
	}
}

static const dkim_reason *reason_by_id(const char *id)
{
	int e;

	for (e = 0; e < DKIM_E__COUNT; e++)
		if (id && strcmp(dkim_reason_get((dkim_err)e)->id, id) == 0)
			return dkim_reason_get((dkim_err)e);
	return dkim_reason_get(DKIM_E_INTERNAL);
}

/* COMPACT (bulk output of a passing signature): without the header block
 * and the key record, which only matter when something fails. */
static json_t *sig_json(const md_dkim_sig_info *s, bool compact)
{
	json_t *o = json_object();

#define STR(k, v) json_object_set_new(o, k, md_json_cstr(v))
#define NUM(k, v) json_object_set_new(o, k, (v) >= 0 ? json_integer(v) : json_null())
	STR("result", md_dkim_verdict_name(s->verdict));
	STR("reason_id", s->reason_id);
	STR("reason", s->detail ? s->detail : s->reason);
	STR("domain", s->domain);
	STR("selector", s->selector);
	STR("identity", s->identity);
	STR("algorithm", s->algorithm);
	STR("canonicalization", s->canonicalization);
	STR("signed_headers", s->signed_headers);
	NUM("signed_at", s->signed_at);
	NUM("expires_at", s->expires_at);
	NUM("body_length", s->body_length);
	STR("body_hash_expected", s->body_hash_expected);
	STR("body_hash_computed", s->body_hash_computed);
	STR("header_block", compact ? NULL : s->header_block);
	STR("key_name", s->key_name);
	STR("key_record", compact ? NULL : s->key_record);
	STR("key_type", s->key_type);
	json_object_set_new(o, "key_bits", s->key_bits ? json_integer(s->key_bits) : json_null());
	json_object_set_new(o, "key_testing", json_boolean(s->key_testing));
	STR("cause", s->cause != MD_DKIM_CAUSE_NONE ? md_dkim_cause_name(s->cause) : NULL);
	STR("cause_text", s->cause_text);
	NUM("appended_bytes", s->appended_bytes);
	STR("appended_text", s->appended_text);
	json_object_set_new(o, "from_oversigned", json_boolean(s->from_oversigned));
	{
		json_t *w = json_array();
		const char *p = s->warnings;

		while (p && *p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);

			json_array_append_new(w, md_json_string(p, n));
			p += n + (nl ? 1 : 0);
		}
		json_object_set_new(o, "warnings", w);
	}
	STR("ref", s->ref);
#undef STR
#undef NUM
	return o;
}

static void warning_findings(md_report *rep, const md_dkim_sig_info *s, const char *subj)
{
	md_finding *f;

	if (s->body_length >= 0) {
		f = md_report_add(rep, "dkim.length_tag", MD_SEV_WARNING, MD_PILLAR_AUTHENTICATION,
		                  subj, "The signature covers only part of the body (l=)");
		md_finding_set_evidence(rep, f, "l=%lld", s->body_length);
		md_finding_set_explanation(rep, f,
		                           "With l= anyone can append content (links, attachments "
		                           "text) to a signed message and the signature still "
		                           "passes, so spammers can reuse your signed mail.");
		md_finding_set_fix(rep, f,
		                   "Configure the signer not to add l= (sign the whole "
		                   "body).");
		md_finding_add_ref(rep, f, "RFC 6376 section 8.2");
	}
	if (s->key_testing) {
		f = md_report_add(rep, "dkim.key_testing", MD_SEV_NOTICE, MD_PILLAR_AUTHENTICATION,
		                  s->key_name ? s->key_name : subj,
		                  "The key is in testing mode (t=y)");
		md_finding_set_evidence(rep, f, "%s", s->key_record ? s->key_record : "t=y");
		md_finding_set_explanation(rep, f,
		                           "Receivers may treat signatures made with a "
		                           "testing key as unsigned.");
		md_finding_set_fix(rep, f, "Remove t=y from the key record once signing works.");
		md_finding_add_ref(rep, f, "RFC 6376 section 3.6.1 (t=)");
	}
	if (s->key_bits > 0 && s->key_bits < 2048 && s->key_type && !strcmp(s->key_type, "rsa") &&
	    s->verdict == MD_DKIM_PASS) {
		f = md_report_add(rep, "dkim.key_1024", MD_SEV_WARNING, MD_PILLAR_AUTHENTICATION,
		                  s->key_name ? s->key_name : subj, "The RSA key is short");
		md_finding_set_title(rep, f, "The RSA key is only %u bits", s->key_bits);
		md_finding_set_explanation(rep, f,
		                           "1024-bit RSA is the minimum receivers accept; "
		                           "RFC 8301 asks signers for 2048 bits.");
		md_finding_set_fix(rep, f,
		                   "Generate a 2048-bit key under a new selector, publish "
		                   "it, and switch the signer to it.");
		md_finding_add_ref(rep, f, "RFC 8301 section 3.2");
	}
}

md_status md_dkim_result_report(md_report *rep, const md_dkim_result *r)
{
	static const char *const cols[] = {"domain", "selector", "algorithm",
	                                   "c",      "result",   "reason"};
	md_table *t = md_report_add_table(rep, "dkim_signatures", 6, cols);
	json_t *arr = json_array(), *obj;
	size_t i, n = md_dkim_result_count(r);

	if (t == NULL || arr == NULL) {
		json_decref(arr);
		return MD_ENOMEM;
	}
	md_report_summary(rep, "dkim", "%s (%zu signature%s)",
	                  md_dkim_verdict_name(md_dkim_result_verdict(r)), n, n == 1 ? "" : "s");
	if (n == 0) {
		md_finding *f = md_report_add(
		    rep, "dkim.none", MD_SEV_WARNING, MD_PILLAR_AUTHENTICATION,
		    md_dkim_result_from_domain(r) ? md_dkim_result_from_domain(r) : "message",
		    "The message has no DKIM signature");

		md_finding_set_explanation(rep, f,
		                           "Without a DKIM signature aligned with the From "
		                           "domain, DMARC rests on SPF alone, which breaks "
		                           "on forwarding; Gmail and Yahoo require DKIM for "
		                           "bulk senders.");
		md_finding_set_fix(rep, f,
		                   "Enable DKIM signing at the sending service with d= "
		                   "your From domain, and publish its key.");
		md_finding_add_ref(rep, f, "RFC 6376 section 6");
	}
	for (i = 0; i < n; i++) {
		const md_dkim_sig_info *s = md_dkim_result_sig(r, i);
		const dkim_reason *why = reason_by_id(s->reason_id);
		const char *subj = s->domain ? s->domain : "DKIM-Signature";
		const char *row[6];
		md_finding *f;

		row[0] = s->domain;
		row[1] = s->selector;
		row[2] = s->algorithm;
		row[3] = s->canonicalization;
		row[4] = md_dkim_verdict_name(s->verdict);
		row[5] = s->detail ? s->detail : s->reason;
		md_table_add_row(rep, t, row);
		md_report_trace(rep, 0, "DKIM-Signature %zu: d=%s s=%s a=%s c=%s", i + 1,
		                s->domain ? s->domain : "?", s->selector ? s->selector : "?",
		                s->algorithm ? s->algorithm : "?",
		                s->canonicalization ? s->canonicalization : "?");
		if (s->key_name)
			md_report_trace(rep, 1, "key %s: %s", s->key_name,
			                s->key_record ? s->key_record : "(no record)");
		if (s->body_hash_computed)
			md_report_trace(rep, 1, "body hash: bh=%s, computed %s%s",
			                s->body_hash_expected ? s->body_hash_expected : "?",
			                s->body_hash_computed,
			                s->body_hash_expected && strcmp(s->body_hash_expected,
			                                                s->body_hash_computed) == 0
			                    ? " (match)"
			                    : " (MISMATCH)");
		md_report_trace(rep, 1, "result: %s (%s)", md_dkim_verdict_name(s->verdict),
		                s->detail ? s->detail : s->reason);

		if (s->verdict == MD_DKIM_PASS) {
			f = md_report_add(rep, "dkim.pass", MD_SEV_OK, MD_PILLAR_AUTHENTICATION,
			                  subj, "DKIM signature verifies");
			md_finding_set_title(rep, f, "DKIM signature by %s (s=%s) verifies", subj,
			                     s->selector ? s->selector : "?");
			md_finding_set_evidence(rep, f, "a=%s c=%s h=%s; key %s %u-bit %s",
			                        s->algorithm, s->canonicalization,
			                        s->signed_headers ? s->signed_headers : "",
			                        s->key_name ? s->key_name : "?", s->key_bits,
			                        s->key_type ? s->key_type : "");
		} else {
			f = md_report_add(rep, s->reason_id, severity_of(s),
			                  MD_PILLAR_AUTHENTICATION, subj,
			                  "DKIM signature does not verify");
			md_finding_set_title(rep, f, "DKIM signature by %s (s=%s) %s: %s", subj,
			                     s->selector ? s->selector : "?",
			                     md_dkim_verdict_name(s->verdict), s->reason);
			if (s->cause == MD_DKIM_CAUSE_BODY_APPENDED)
				md_finding_set_evidence(
				    rep, f,
				    "body hash in the signature (bh=): %s\n"
				    "body hash computed now:           %s\n"
				    "the first %lld bytes of the canonical body still "
				    "hash to bh=; %lld bytes were appended:\n%s",
				    s->body_hash_expected, s->body_hash_computed,
				    s->body_canon_length - s->appended_bytes, s->appended_bytes,
				    s->appended_text ? s->appended_text : "");
			else if (s->body_hash_computed && s->cause != MD_DKIM_CAUSE_HEADER_CHANGED)
				md_finding_set_evidence(rep, f,
				                        "body hash in the signature (bh=): %s\n"
				                        "body hash computed now:           %s",
				                        s->body_hash_expected,
				                        s->body_hash_computed);
			else if (s->cause == MD_DKIM_CAUSE_HEADER_CHANGED && s->header_block)
				md_finding_set_evidence(
				    rep, f,
				    "body hash matches (%s); signed header block "
				    "(canonicalised, as hashed):\n%.*s%s",
				    s->body_hash_computed, DKIM_BLOCK_SHOWN, s->header_block,
				    strlen(s->header_block) > DKIM_BLOCK_SHOWN ? "..." : "");
			else if (s->cause == MD_DKIM_CAUSE_KEY)
				md_finding_set_evidence(
				    rep, f, "%s: %s", s->key_name ? s->key_name : "key",
				    s->key_record ? s->key_record : "no key record");
			else
				md_finding_set_evidence(rep, f, "%s", s->raw ? s->raw : "");
			md_finding_set_explanation(rep, f, "%s%s%s",
			                           s->detail ? s->detail : s->reason,
			                           s->cause_text ? ". Likely cause: " : ".",
			                           s->cause_text ? s->cause_text : "");
			if (why->fix)
				md_finding_set_fix(rep, f, "%s", why->fix);
			if (s->verdict == MD_DKIM_TEMPERROR)
				md_finding_set_could_not_check(f);
		}
		if (f && s->ref)
			md_finding_add_ref(rep, f, s->ref);
		warning_findings(rep, s, subj);
		json_array_append_new(arr, sig_json(s, false));
	}
	obj = json_pack("{s:s, s:o, s:o}", "result",
	                md_dkim_verdict_name(md_dkim_result_verdict(r)), "from_domain",
	                md_json_cstr(md_dkim_result_from_domain(r)), "signatures", arr);
	md_report_set_json_value(rep, "dkim", obj);
	return md_report_status(rep);
}

md_status md_dkim_result_report_bulk(md_report *rep, const char *name, const md_dkim_result *r)
{
	static const char *const cols[] = {"message", "result", "domain", "selector", "reason"};
	json_t *data = md_report_data(rep), *arr, *sigs, *o;
	md_table *t = NULL;
	size_t i, n = md_dkim_result_count(r);
	const md_dkim_sig_info *first = n ? md_dkim_result_sig(r, 0) : NULL;
	md_dkim_verdict v = md_dkim_result_verdict(r);
	const char *row[5];

	for (i = 0; i < md_report_table_count(rep); i++)
		if (strcmp(md_table_name(md_report_table(rep, i)), "dkim_messages") == 0)
			t = (md_table *)md_report_table(rep, i);
	if (t == NULL) {
		t = md_report_add_table(rep, "dkim_messages", 5, cols);
		md_report_set_stream_key(rep, "messages");
		md_report_set_json_value(rep, "messages", json_array());
	}
	arr = json_object_get(data, "messages");
	if (t == NULL || arr == NULL)
		return MD_ENOMEM;
	/* the passing signature, when there is one, names the message best */
	for (i = 0; i < n; i++)
		if (md_dkim_result_sig(r, i)->verdict == MD_DKIM_PASS)
			first = md_dkim_result_sig(r, i);
	row[0] = name;
	row[1] = md_dkim_verdict_name(v);
	row[2] = first ? first->domain : NULL;
	row[3] = first ? first->selector : NULL;
	row[4] = first ? (first->detail ? first->detail : first->reason) : "no DKIM-Signature";
	md_table_add_row(rep, t, row);
	sigs = json_array();
	for (i = 0; i < n; i++) {
		const md_dkim_sig_info *s = md_dkim_result_sig(r, i);

		json_array_append_new(sigs, sig_json(s, s->verdict == MD_DKIM_PASS));
		if (s->verdict != MD_DKIM_PASS) {
			md_finding *f = md_report_add(rep, s->reason_id, severity_of(s),
			                              MD_PILLAR_AUTHENTICATION, name,
			                              "DKIM signature does not verify");

			md_finding_set_title(rep, f, "%s: DKIM signature by %s (s=%s) %s: %s", name,
			                     s->domain ? s->domain : "?",
			                     s->selector ? s->selector : "?",
			                     md_dkim_verdict_name(s->verdict), s->reason);
			if (s->cause_text)
				md_finding_set_explanation(rep, f, "Likely cause: %s",
				                           s->cause_text);
			if (s->verdict == MD_DKIM_TEMPERROR)
				md_finding_set_could_not_check(f);
			md_finding_add_ref(rep, f, s->ref);
		}
	}
	o = json_pack("{s:s, s:s, s:o, s:o}", "message", name, "result", md_dkim_verdict_name(v),
	              "from_domain", md_json_cstr(md_dkim_result_from_domain(r)), "signatures",
	              sigs);
	if (o == NULL || json_array_append_new(arr, o) != 0)
		return MD_ENOMEM;
	return md_report_status(rep);
}
