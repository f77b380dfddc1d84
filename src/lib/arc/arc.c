/*
 * arc.c - ARC chain validation (RFC 8617 section 5.2).
 *
 *   1. Collect the ARC sets: ARC-Seal (AS), ARC-Message-Signature (AMS),
 *      ARC-Authentication-Results (AAR), each with its instance i= (AAR:
 *      the value starts with "i=" 1*2DIGIT ";"). No ARC field: none.
 *   2. Structure: instances 1..N with exactly one AS, AMS and AAR each,
 *      N <= 50 (section 4.2.1); any tag error in a set fails the chain.
 *   3. The newest AS must not say cv=fail; AS(1) says cv=none and every
 *      later AS says cv=pass (section 5.1.1).
 *   4. AMS(N) must verify like a DKIM signature (section 5.1.2); an AMS
 *      must not sign ARC-Seal fields (section 4.1.2).
 *   5. Every AS from N down to 1 must verify over the sets 1..i, each set
 *      as AAR, AMS, AS in that order, relaxed header canonicalisation, the
 *      seal's own b= emptied (section 5.1.1).
 *   Then pass. The oldest instance whose AMS still verifies is reported
 *   (section 5.2 step 7) so a person sees where the message changed.
 *
 * Parsing and crypto are the DKIM module's (dkim/dkim_verify.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <maildiag/arc.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/ascii.h"
#include "core/num.h"
#include "core/report_internal.h"
#include "arc_internal.h"
#include "dkim/dkim_verify.h"

/* RFC 8617 section 4.2.1: at most 50 ARC sets. */
#define ARC_MAX_SETS 50

const char *md_arc_verdict_name(md_arc_verdict v)
{
	return v == MD_ARC_PASS ? "pass" : v == MD_ARC_FAIL ? "fail" : "none";
}

typedef struct arc_set {
	const dkim_field *as, *ams, *aar;
	int nas, nams, naar;
	dkim_sig as_sig, ams_sig;
	const md_dns_result *as_key, *ams_key;
} arc_set;

typedef struct arc_state {
	arc_set set[ARC_MAX_SETS + 1]; /* 1-based */
	unsigned n;
} arc_state;

struct md_arc_result {
	md_arena *arena;
	md_arc_info info;
};

/* "i=" 1*DIGIT ";" at the start of an AAR value (FWS allowed around). */
static bool aar_instance(md_str v, uint64_t *inst)
{
	size_t i = 0, start;

	while (i < v.n && md_isspace(v.p[i]))
		i++;
	if (i >= v.n || v.p[i] != 'i')
		return false;
	i++;
	while (i < v.n && md_isspace(v.p[i]))
		i++;
	if (i >= v.n || v.p[i] != '=')
		return false;
	i++;
	while (i < v.n && md_isspace(v.p[i]))
		i++;
	start = i;
	while (i < v.n && md_isdigit(v.p[i]))
		i++;
	if (!md_parse_uint(v.p + start, i - start, ARC_MAX_SETS, inst) || *inst < 1)
		return false;
	while (i < v.n && md_isspace(v.p[i]))
		i++;
	return i < v.n && v.p[i] == ';';
}

/* A field value unfolded, runs of whitespace made one space, trimmed. */
static const char *unfold(md_arena *a, md_str v)
{
	char *o = md_arena_alloc(a, v.n + 1);
	size_t i, k = 0;
	bool sp = false;

	if (o == NULL)
		return NULL;
	for (i = 0; i < v.n; i++) {
		if (md_isspace(v.p[i])) {
			sp = k > 0;
			continue;
		}
		if (sp)
			o[k++] = ' ';
		sp = false;
		o[k++] = v.p[i];
	}
	o[k] = '\0';
	return o;
}

static md_status seal_block(dkim_ctx *cx, const dkim_sig *sig, const dkim_field *self, md_buf *out)
{
	const arc_state *st = cx->ud;
	unsigned i;

	for (i = 1; i <= sig->instance; i++) {
		const arc_set *s = &st->set[i];
		const md_str *b;

		dkim_canon_header(out, DKIM_CANON_RELAXED, s->aar->raw, MD_STR_NULL, true);
		dkim_canon_header(out, DKIM_CANON_RELAXED, s->ams->raw, MD_STR_NULL, true);
		if (i < sig->instance) {
			dkim_canon_header(out, DKIM_CANON_RELAXED, s->as->raw, MD_STR_NULL, true);
		} else {
			b = md_tagvalue_get(&sig->tags, "b");
			dkim_canon_header(out, DKIM_CANON_RELAXED, self->raw, b ? *b : MD_STR_NULL,
			                  false);
		}
	}
	return out->err;
}

static void key_cb(void *ud, const md_dns_result *res)
{
	*(const md_dns_result **)ud = res;
}

static void ask_key(md_resolver *r, const dkim_sig *sig, const md_dns_result **slot)
{
	char name[600];

	if (sig->err != DKIM_OK || sig->s.n + sig->d.n + 13 >= sizeof(name))
		return;
	snprintf(name, sizeof(name), "%.*s._domainkey.%.*s", (int)sig->s.n, sig->s.p, (int)sig->d.n,
	         sig->d.p);
	md_dns_submit(r, name, MD_DNS_TXT, key_cb, slot);
}

static bool h_signs_seal(const dkim_sig *sig)
{
	size_t k;

	for (k = 0; k < sig->nh; k++)
		if (md_str_ieq_c(sig->hnames[k], "arc-seal"))
			return true;
	return false;
}

static void set_fail(md_arc_result *r, const char *id, const char *reason, unsigned inst,
                     const char *part)
{
	md_arc_info *in = &r->info;

	in->verdict = MD_ARC_FAIL;
	in->reason_id = id;
	in->reason = reason;
	in->failed_instance = inst;
	in->failed_part = part;
}

/* Verify the chain of message M; fills R->info. */
static md_status arc_validate(md_resolver *res, const dkim_msg *m, int64_t now, md_arc_result *r)
{
	arc_state *st;
	dkim_ctx cx;
	size_t k;
	unsigned i, n = 0;
	bool any = false;
	md_arena *a = r->arena;
	md_arc_info *in = &r->info;

	st = md_calloc(1, sizeof(*st));
	if (st == NULL)
		return MD_ENOMEM;
	for (k = 0; k < m->nf; k++) {
		const dkim_field *f = &m->f[k];
		uint64_t inst = 0;
		dkim_sig tmp;
		int which;

		if (md_str_ieq_c(f->name, "ARC-Seal"))
			which = 0;
		else if (md_str_ieq_c(f->name, "ARC-Message-Signature"))
			which = 1;
		else if (md_str_ieq_c(f->name, "ARC-Authentication-Results"))
			which = 2;
		else
			continue;
		any = true;
		if (which == 2) {
			if (!aar_instance(f->value, &inst)) {
				set_fail(r, "arc.structure",
				         "an ARC-Authentication-Results field does not "
				         "start with a valid i= instance",
				         0, "structure");
				goto out;
			}
		} else {
			dkim_sig_parse(&tmp, which == 0 ? DKIM_KIND_SEAL : DKIM_KIND_AMS,
			               f->value.p, f->value.n);
			inst = tmp.instance;
			if (inst < 1) {
				set_fail(r, "arc.structure",
				         which == 0
				             ? "an ARC-Seal has no valid i= instance (1..50)"
				             : "an ARC-Message-Signature has no valid i= instance "
				               "(1..50)",
				         0, "structure");
				goto out;
			}
		}
		if (inst > n)
			n = (unsigned)inst;
		if (which == 0) {
			st->set[inst].as = f;
			st->set[inst].nas++;
		} else if (which == 1) {
			st->set[inst].ams = f;
			st->set[inst].nams++;
		} else {
			st->set[inst].aar = f;
			st->set[inst].naar++;
		}
	}
	if (!any) {
		in->verdict = MD_ARC_NONE;
		in->reason_id = "arc.none";
		in->reason = "the message has no ARC sets";
		goto out;
	}
	in->instances = n;
	for (i = 1; i <= n; i++) {
		arc_set *s = &st->set[i];

		if (s->nas != 1 || s->nams != 1 || s->naar != 1) {
			set_fail(r, "arc.structure", "the ARC sets are incomplete or duplicated", i,
			         "structure");
			in->detail = md_arena_printf(a,
			                             "instance %u has %d ARC-Seal, %d "
			                             "ARC-Message-Signature and %d "
			                             "ARC-Authentication-Results fields (one each "
			                             "expected)",
			                             i, s->nas, s->nams, s->naar);
			goto out;
		}
		dkim_sig_parse(&s->as_sig, DKIM_KIND_SEAL, s->as->value.p, s->as->value.n);
		s->as_sig.hcanon = DKIM_CANON_RELAXED;
		dkim_sig_parse(&s->ams_sig, DKIM_KIND_AMS, s->ams->value.p, s->ams->value.n);
	}
	{
		const dkim_sig *top = &st->set[n].as_sig;

		in->sealer = top->d.p ? md_arena_strndup(a, top->d.p, top->d.n) : NULL;
		in->sealer_selector = top->s.p ? md_arena_strndup(a, top->s.p, top->s.n) : NULL;
		in->latest_aar = unfold(a, st->set[n].aar->value);
		if (top->cv.p && md_str_ieq_c(md_str_trim(top->cv), "fail")) {
			set_fail(r, "arc.chain_failed",
			         "the newest ARC-Seal says cv=fail: an earlier "
			         "hop already found the chain broken",
			         n, "ARC-Seal");
			goto out;
		}
	}
	for (i = 1; i <= n; i++) {
		const dkim_sig *as = &st->set[i].as_sig;
		md_str cv = md_str_trim(as->cv);

		if (as->err != DKIM_OK) {
			set_fail(r, "arc.seal_invalid", "an ARC-Seal is malformed", i, "ARC-Seal");
			in->detail = dkim_reason_get(as->err)->text;
			goto out;
		}
		if ((i == 1 && !md_str_eq(cv, md_str_c("none"))) ||
		    (i > 1 && !md_str_eq(cv, md_str_c("pass")))) {
			set_fail(r, "arc.cv_inconsistent",
			         i == 1 ? "the first ARC-Seal must say cv=none"
			                : "an ARC-Seal after the first must say cv=pass",
			         i, "ARC-Seal");
			goto out;
		}
	}
	/* every key at once */
	for (i = 1; i <= n; i++) {
		ask_key(res, &st->set[i].as_sig, &st->set[i].as_key);
		ask_key(res, &st->set[i].ams_sig, &st->set[i].ams_key);
	}
	md_dns_wait(res);
	dkim_ctx_init(&cx, m, a, now);
	cx.diagnose = false;
	/* the newest AMS, then older ones for the oldest-pass figure */
	for (i = n; i >= 1; i--) {
		arc_set *s = &st->set[i];
		dkim_eval ev;
		bool ok;

		cx.build_block = dkim_block_for_sig;
		if (s->ams_sig.err == DKIM_OK && h_signs_seal(&s->ams_sig))
			s->ams_sig.err = DKIM_E_SIG_SYNTAX;
		dkim_eval_sig(&cx, &s->ams_sig, s->ams, s->ams_key, &ev);
		ok = ev.err == DKIM_OK;
		if (!ok && s->ams_sig.err == DKIM_OK && s->ams_sig.c.p == NULL) {
			/* No c=: RFC 8617 section 4.1.2 gives the AMS DKIM's default,
			 * simple/simple; the ARC drafts (and signers built on them)
			 * used relaxed/relaxed. Accept that reading, and say so. */
			dkim_sig alt = s->ams_sig;

			alt.hcanon = alt.bcanon = DKIM_CANON_RELAXED;
			dkim_eval_free(&ev);
			dkim_eval_sig(&cx, &alt, s->ams, s->ams_key, &ev);
			ok = ev.err == DKIM_OK;
			if (ok && i == n)
				in->detail =
				    "the ARC-Message-Signature has no c= and verifies only as "
				    "relaxed/relaxed (the ARC drafts' default); RFC 8617 makes the "
				    "default simple/simple, so stricter receivers fail it";
		}
		if (i == n && !ok) {
			set_fail(r, "arc.ams_invalid",
			         "the newest ARC-Message-Signature does not verify", i,
			         "ARC-Message-Signature");
			in->detail =
			    (s->ams_sig.err == DKIM_E_SIG_SYNTAX && h_signs_seal(&s->ams_sig))
			        ? "the ARC-Message-Signature signs ARC-Seal fields (RFC 8617 "
			          "section 4.1.2 forbids it)"
			        : dkim_reason_get(ev.err)->text;
			dkim_eval_free(&ev);
			goto out;
		}
		if (ok)
			in->oldest_pass = (int)i;
		dkim_eval_free(&ev);
		if (!ok)
			break;
	}
	/* every seal, newest first */
	cx.build_block = seal_block;
	cx.ud = st;
	for (i = n; i >= 1; i--) {
		arc_set *s = &st->set[i];
		dkim_eval ev;

		dkim_eval_sig(&cx, &s->as_sig, s->as, s->as_key, &ev);
		if (ev.err != DKIM_OK) {
			set_fail(r, "arc.seal_invalid", "an ARC-Seal does not verify", i,
			         "ARC-Seal");
			in->detail = dkim_reason_get(ev.err)->text;
			dkim_eval_free(&ev);
			goto out;
		}
		dkim_eval_free(&ev);
	}
	in->verdict = MD_ARC_PASS;
	in->reason_id = "arc.pass";
	in->reason =
	    md_arena_printf(a, "the ARC chain of %u set%s validates", n, n == 1 ? "" : "s");
out:
	md_free(st);
	return MD_OK;
}

md_status arc_verify_msg(md_resolver *res, const dkim_msg *m, int64_t now, md_arc_result **out)
{
	md_arc_result *r = md_calloc(1, sizeof(*r));
	md_status st;

	*out = NULL;
	if (r == NULL || (r->arena = md_arena_new()) == NULL) {
		md_free(r);
		return MD_ENOMEM;
	}
	st = arc_validate(res, m, now, r);
	if (st != MD_OK) {
		md_arc_result_free(r);
		return st;
	}
	*out = r;
	return MD_OK;
}

md_status md_arc_verify(md_resolver *res, const char *msg, size_t len,
                        const md_arc_verify_opts *opts, md_arc_result **out)
{
	dkim_msg m;
	md_status st;

	if (res == NULL || msg == NULL || out == NULL)
		return MD_EINVAL;
	*out = NULL;
	st = dkim_msg_parse(&m, msg, len);
	if (st == MD_OK)
		st = arc_verify_msg(res, &m, (opts && opts->now) ? opts->now : (int64_t)time(NULL),
		                    out);
	dkim_msg_free(&m);
	return st;
}

const md_arc_info *md_arc_result_info(const md_arc_result *r)
{
	return r ? &r->info : NULL;
}

void md_arc_result_free(md_arc_result *r)
{
	if (r == NULL)
		return;
	md_arena_free(r->arena);
	md_free(r);
}

md_status md_arc_result_report(md_report *rep, const md_arc_result *r)
{
	const md_arc_info *in = &r->info;
	md_finding *f;
	json_t *j;

	if (in->verdict == MD_ARC_NONE)
		return md_report_status(rep);
	f = md_report_add(
	    rep, in->reason_id, in->verdict == MD_ARC_PASS ? MD_SEV_OK : MD_SEV_WARNING,
	    MD_PILLAR_AUTHENTICATION, in->sealer ? in->sealer : "ARC",
	    in->verdict == MD_ARC_PASS ? "The ARC chain validates" : "The ARC chain is broken");
	if (f != NULL) {
		if (in->verdict == MD_ARC_FAIL)
			md_finding_set_evidence(
			    rep, f, "instance %u, %s: %s%s%s", in->failed_instance, in->failed_part,
			    in->reason, in->detail ? " - " : "", in->detail ? in->detail : "");
		else
			md_finding_set_evidence(rep, f, "%u set%s; newest sealed by %s (s=%s)",
			                        in->instances, in->instances == 1 ? "" : "s",
			                        in->sealer ? in->sealer : "?",
			                        in->sealer_selector ? in->sealer_selector : "?");
		md_finding_set_explanation(
		    rep, f,
		    "ARC lets an intermediary (mailing list, forwarder) vouch for the "
		    "authentication results it saw before changing the message. Receivers may "
		    "trust a valid chain from a sealer they know when DKIM or SPF broke in "
		    "transit.");
		if (in->verdict == MD_ARC_FAIL)
			md_finding_set_fix(rep, f,
			                   "The intermediary at instance %u must add complete, "
			                   "correctly signed ARC sets; receivers ignore a broken "
			                   "chain.",
			                   in->failed_instance);
		md_finding_add_ref(rep, f, "RFC 8617 section 5.2");
	}
	j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:o, s:i, s:o, s:o, s:o, s:o}", "result",
	              md_arc_verdict_name(in->verdict), "reason_id", in->reason_id, "reason",
	              in->reason ? in->reason : "", "instances", (int)in->instances,
	              "failed_instance", (int)in->failed_instance, "failed_part",
	              md_json_cstr(in->failed_part), "oldest_pass", in->oldest_pass, "sealer",
	              md_json_cstr(in->sealer), "sealer_selector",
	              md_json_cstr(in->sealer_selector), "latest_aar", md_json_cstr(in->latest_aar),
	              "detail", md_json_cstr(in->detail));
	md_report_set_json_value(rep, "arc", j);
	return md_report_status(rep);
}
