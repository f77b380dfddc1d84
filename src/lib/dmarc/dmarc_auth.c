/*
 * dmarc_auth.c - maildiag auth: SPF, DKIM, ARC and DMARC verdicts for one
 * message, and the RFC 8601 Authentication-Results field that states them.
 *
 * The message is split once (MIME reader); DKIM keys, ARC keys and the
 * SPF evaluation go through the same resolver, so answers are shared and
 * cached; DMARC then combines the SPF identity (MAIL FROM domain, or HELO
 * for the null sender: RFC 7489 section 3.1.2) and every DKIM d= with the
 * From domain.
 *
 * The client comes from the options, or with trust_received from the top
 * Received field ("from HELO (... [IP])", Exim's "([IP] helo=HELO)"); the
 * MAIL FROM from the options or the top Return-Path field.
 */
#include <stdio.h>
#include <string.h>

#include <maildiag/auth.h>
#include <maildiag/spf.h>

#include "arc/arc_internal.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/ascii.h"
#include "core/ip.h"
#include "core/report_internal.h"
#include "dkim/dkim_verify.h"


/* Longest Authentication-Results field we write. */
#define AUTH_MAX_HEADER 16384

struct md_auth_result {
	md_arena *arena;
	const char *ip, *helo, *mail_from, *client_source;
	const char *spf_result, *spf_domain, *spf_identity, *spf_reason, *spf_record;
	const char *spf_explanation;
	bool spf_given;
	md_dkim_result *dkim;
	md_arc_result *arc;
	md_dmarc_result *dmarc;
	const char *header;
	const char *authserv;
};

static void set_err(char *err, size_t len, const char *msg)
{
	if (err != NULL && len > 0)
		snprintf(err, len, "%s", msg);
}

/* The first field named NAME (top-most). */
static const dkim_field *top_field(const dkim_msg *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nf; i++)
		if (md_str_ieq_c(m->f[i].name, name))
			return &m->f[i];
	return NULL;
}

/* IP and HELO from a Received value: "from HELO (rdns [IP]) by ..." or
 * Exim's "from rdns ([IP] helo=HELO) by ...". */
static bool parse_received(md_arena *a, md_str v, const char **ip, const char **helo)
{
	size_t i = 0, end = v.n, j;
	const char *from;
	md_ip addr;

	/* the from-clause ends at " by " */
	for (j = 0; j + 4 <= v.n; j++)
		if (md_isspace(v.p[j]) && (v.p[j + 1] == 'b' || v.p[j + 1] == 'B') &&
		    (v.p[j + 2] == 'y' || v.p[j + 2] == 'Y') && md_isspace(v.p[j + 3])) {
			end = j;
			break;
		}
	while (i < end && md_isspace(v.p[i]))
		i++;
	if (end - i < 5 || !md_str_istarts((md_str){v.p + i, end - i}, "from"))
		return false;
	i += 4;
	while (i < end && md_isspace(v.p[i]))
		i++;
	from = v.p + i;
	j = i;
	while (j < end && !md_isspace(v.p[j]) && v.p[j] != '(')
		j++;
	*helo = j > i ? md_arena_strndup(a, from, j - i) : NULL;
	*ip = NULL;
	for (; j < end; j++) {
		if (v.p[j] == '[') {
			size_t k = j + 1;
			const char *s = v.p + k;

			while (k < end && v.p[k] != ']')
				k++;
			if (k - (j + 1) > 5 && md_str_istarts((md_str){s, k - j - 1}, "ipv6:"))
				s += 5;
			if (k < end && md_ip_parse_n(s, (size_t)(v.p + k - s), &addr)) {
				*ip = md_arena_strndup(a, s, (size_t)(v.p + k - s));
				break;
			}
		} else if (md_str_istarts((md_str){v.p + j, end - j}, "helo=")) {
			size_t k = j + 5;

			while (k < end && !md_isspace(v.p[k]) && v.p[k] != ')')
				k++;
			*helo = md_arena_strndup(a, v.p + j + 5, k - j - 5);
		}
	}
	/* an IP literal as the from-name: "from [192.0.2.1]" */
	if (*helo && (*helo)[0] == '[')
		*helo = NULL;
	return *ip != NULL;
}

static const char *angle_strip(md_arena *a, md_str v)
{
	md_str t = md_str_trim(v);
	const char *lt = memchr(t.p, '<', t.n), *gt;

	if (lt != NULL) {
		gt = memchr(lt, '>', t.n - (size_t)(lt - t.p));
		if (gt != NULL)
			return md_arena_strndup(a, lt + 1, (size_t)(gt - lt - 1));
	}
	return md_arena_strndup(a, t.p, t.n);
}

static const char *domain_of_addr(md_arena *a, const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	char *d;
	size_t i;

	if (at == NULL || at[1] == '\0')
		return NULL;
	d = md_arena_strdup(a, at + 1);
	for (i = 0; d && d[i]; i++)
		d[i] = (char)md_tolower(d[i]);
	return d;
}

static void do_spf(md_resolver *res, md_auth_result *r)
{
	md_arena *a = r->arena;
	bool helo_id = r->mail_from == NULL || r->mail_from[0] == '\0';

	r->spf_identity = helo_id ? "helo" : "mailfrom";
	r->spf_domain = helo_id ? r->helo : domain_of_addr(a, r->mail_from);
	{
		md_spf_verdict *v = NULL;
		md_spf_opts so = {0};

		so.no_trace = true;
		if (helo_id ? r->helo == NULL : r->spf_domain == NULL) {
			r->spf_result = "none";
			r->spf_reason =
			    "no identity to check (no MAIL FROM domain and no HELO name)";
			return;
		}
		if ((helo_id ? md_spf_check_helo(res, r->ip, r->helo, &so, &v)
		             : md_spf_check_mailfrom(res, r->ip, r->mail_from, r->helo, &so, &v)) !=
		        MD_OK ||
		    v == NULL) {
			r->spf_result = "temperror";
			r->spf_reason = "SPF could not be evaluated";
			return;
		}
		r->spf_result = md_arena_strdup(a, md_spf_result_name(v->result));
		r->spf_reason = v->reason ? md_arena_strdup(a, v->reason) : NULL;
		r->spf_record = v->record ? md_arena_strdup(a, v->record) : NULL;
		r->spf_explanation = v->explanation ? md_arena_strdup(a, v->explanation) : NULL;
		if (v->domain)
			r->spf_domain = md_arena_strdup(a, v->domain);
		md_spf_verdict_free(v);
	}
}

/* RFC 8601 comments: printable text without parentheses or backslashes. */
static void put_comment(md_buf *b, const char *s)
{
	md_buf_puts(b, " (");
	for (; s && *s; s++) {
		char c = *s;

		if (c == '(' || c == ')' || c == '\\' || !md_isprint(c))
			c = ' ';
		md_buf_putc(b, c);
	}
	md_buf_putc(b, ')');
}

static const char *build_header(md_auth_result *r)
{
	md_buf b;
	size_t i, n = md_dkim_result_count(r->dkim);
	const md_arc_info *arc = md_arc_result_info(r->arc);
	const md_dmarc_outcome *o = md_dmarc_result_outcome(r->dmarc);
	const char *h;

	md_buf_init(&b, AUTH_MAX_HEADER);
	md_buf_printf(&b, "Authentication-Results: %s;\r\n\tspf=%s", r->authserv, r->spf_result);
	if (r->spf_reason && strcmp(r->spf_result, "pass") != 0)
		put_comment(&b, r->spf_reason);
	if (strcmp(r->spf_identity, "helo") == 0 && r->helo)
		md_buf_printf(&b, " smtp.helo=%s", r->helo);
	else if (r->mail_from && r->mail_from[0])
		md_buf_printf(&b, " smtp.mailfrom=%s", r->mail_from);
	if (r->ip)
		md_buf_printf(&b, " smtp.remote-ip=%s", r->ip);
	if (n == 0)
		md_buf_puts(&b, ";\r\n\tdkim=none");
	for (i = 0; i < n; i++) {
		const md_dkim_sig_info *s = md_dkim_result_sig(r->dkim, i);

		md_buf_printf(&b, ";\r\n\tdkim=%s", md_dkim_verdict_name(s->verdict));
		if (s->verdict == MD_DKIM_PASS && s->key_bits)
			md_buf_printf(&b, " (%u-bit key)", s->key_bits);
		else if (s->verdict != MD_DKIM_PASS)
			put_comment(&b, s->cause == MD_DKIM_CAUSE_BODY_APPENDED
			                    ? "body hash mismatch: "
			                      "content appended "
			                      "after signing"
			                    : s->reason);
		if (s->domain)
			md_buf_printf(&b, " header.d=%s", s->domain);
		if (s->identity)
			md_buf_printf(&b, " header.i=%s", s->identity);
		if (s->selector)
			md_buf_printf(&b, " header.s=%s", s->selector);
		if (s->algorithm)
			md_buf_printf(&b, " header.a=%s", s->algorithm);
		if (s->raw) {
			/* RFC 6008: the first 8 characters of b= tell signatures apart */
			const char *bt = strstr(s->raw, "b=");

			while (bt && bt > s->raw && !(bt[-1] == ';' || md_isspace(bt[-1])))
				bt = strstr(bt + 1, "b=");
			if (bt) {
				char tag[9];
				size_t k = 0;

				for (bt += 2; *bt && *bt != ';' && k < 8; bt++)
					if (!md_isspace(*bt))
						tag[k++] = *bt;
				tag[k] = '\0';
				if (k > 0)
					md_buf_printf(&b, " header.b=%s", tag);
			}
		}
	}
	md_buf_printf(&b, ";\r\n\tarc=%s", md_arc_verdict_name(arc->verdict));
	if (arc->verdict == MD_ARC_PASS) {
		char c[300];

		snprintf(c, sizeof(c), "i=%u sealer=%s", arc->instances,
		         arc->sealer ? arc->sealer : "?");
		put_comment(&b, c);
	} else if (arc->verdict == MD_ARC_FAIL) {
		char c[300];

		snprintf(c, sizeof(c), "i=%u %s: %s", arc->failed_instance,
		         arc->failed_part ? arc->failed_part : "", arc->reason ? arc->reason : "");
		put_comment(&b, c);
	}
	md_buf_printf(&b, ";\r\n\tdmarc=%s", md_dmarc_verdict_name(o->verdict));
	if (o->record && (o->verdict == MD_DMARC_PASS || o->verdict == MD_DMARC_FAIL))
		md_buf_printf(&b, " (p=%s dis=%s)", md_dmarc_policy_name(o->requested),
		              o->verdict == MD_DMARC_PASS ? "none"
		                                          : md_dmarc_policy_name(o->disposition));
	if (o->from_domain)
		md_buf_printf(&b, " header.from=%s", o->from_domain);
	md_buf_puts(&b, "\r\n");
	h = b.err == MD_OK ? md_arena_strndup(r->arena, b.p, b.n) : NULL;
	md_buf_free(&b);
	return h;
}

md_status md_auth_check(md_resolver *res, const char *msg, size_t len, const md_auth_opts *opts,
                        md_auth_result **out, char *err, size_t errlen)
{
	static const md_auth_opts none = {0};
	md_auth_result *r;
	md_arena *a;
	dkim_msg m;
	md_status st;
	md_ip ipa;
	md_dkim_verify_opts dko = {0};
	md_dmarc_ident *idents = NULL, spf;
	md_dmarc_input din;
	size_t i, n;
	int64_t now;

	if (res == NULL || msg == NULL || out == NULL) {
		set_err(err, errlen, "missing argument");
		return MD_EINVAL;
	}
	*out = NULL;
	if (opts == NULL)
		opts = &none;
	r = md_calloc(1, sizeof(*r));
	if (r == NULL || (r->arena = md_arena_new()) == NULL) {
		md_free(r);
		return MD_ENOMEM;
	}
	a = r->arena;
	st = dkim_msg_parse(&m, msg, len);
	if (st != MD_OK) {
		dkim_msg_free(&m);
		md_auth_result_free(r);
		set_err(err, errlen, "the message could not be read");
		return st;
	}
	r->authserv = md_arena_strdup(a, opts->authserv_id ? opts->authserv_id : "maildiag");
	r->ip = opts->ip ? md_arena_strdup(a, opts->ip) : NULL;
	r->helo = opts->helo ? md_arena_strdup(a, opts->helo) : NULL;
	r->client_source = "options";
	if (opts->trust_received && r->ip == NULL) {
		const dkim_field *rcv = top_field(&m, "Received");
		const char *ip = NULL, *helo = NULL;

		if (rcv == NULL || !parse_received(a, rcv->value, &ip, &helo)) {
			dkim_msg_free(&m);
			md_auth_result_free(r);
			set_err(err, errlen, "the top Received field names no client IP address");
			return MD_EINVAL;
		}
		r->ip = ip;
		if (r->helo == NULL)
			r->helo = helo;
		r->client_source = "received";
	}
	if (r->ip == NULL && opts->spf_result == NULL) {
		dkim_msg_free(&m);
		md_auth_result_free(r);
		set_err(err, errlen, "no client IP: give --ip IP or --trust-received");
		return MD_EINVAL;
	}
	if (r->ip != NULL && !md_ip_parse(r->ip, &ipa)) {
		dkim_msg_free(&m);
		md_auth_result_free(r);
		set_err(err, errlen, "the client IP address does not parse");
		return MD_EINVAL;
	}
	if (opts->mail_from) {
		r->mail_from = md_arena_strdup(a, opts->mail_from);
	} else {
		const dkim_field *rp = top_field(&m, "Return-Path");

		r->mail_from = rp ? angle_strip(a, rp->value) : NULL;
	}
	now = opts->now;
	dko.now = now;

	/* SPF, then DKIM and ARC (their keys are asked together per module) */
	if (opts->spf_result) {
		r->spf_given = true;
		r->spf_result = md_arena_strdup(a, opts->spf_result);
		r->spf_identity = "mailfrom";
		r->spf_domain = opts->spf_domain ? md_arena_strdup(a, opts->spf_domain)
		                                 : domain_of_addr(a, r->mail_from);
		r->spf_reason = "given by the caller";
	} else {
		do_spf(res, r);
	}
	st = dkim_verify_msg(res, &m, &dko, NULL, &r->dkim);
	if (st == MD_OK)
		st = arc_verify_msg(res, &m, now, &r->arc);
	if (st != MD_OK)
		goto fail;

	/* DMARC */
	n = md_dkim_result_count(r->dkim);
	idents = md_calloc(n ? n : 1, sizeof(*idents));
	if (idents == NULL) {
		st = MD_ENOMEM;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		const md_dkim_sig_info *s = md_dkim_result_sig(r->dkim, i);

		idents[i].domain = s->domain;
		idents[i].pass = s->verdict == MD_DKIM_PASS;
		idents[i].result = md_dkim_verdict_name(s->verdict);
		idents[i].selector = s->selector;
	}
	memset(&din, 0, sizeof(din));
	din.from_domain = md_dkim_result_from_domain(r->dkim);
	din.dkim = idents;
	din.ndkim = n;
	din.reading = opts->reading;
	if (r->spf_domain) {
		spf.domain = r->spf_domain;
		spf.pass = strcmp(r->spf_result, "pass") == 0;
		spf.result = r->spf_result;
		spf.selector = NULL;
		din.spf = &spf;
	}
	st = md_dmarc_evaluate(res, &din, &r->dmarc);
	md_free(idents);
	if (st != MD_OK)
		goto fail;
	r->header = build_header(r);
	dkim_msg_free(&m);
	*out = r;
	return MD_OK;
fail:
	dkim_msg_free(&m);
	md_auth_result_free(r);
	return st;
}

void md_auth_result_free(md_auth_result *r)
{
	if (r == NULL)
		return;
	md_dkim_result_free(r->dkim);
	md_arc_result_free(r->arc);
	md_dmarc_result_free(r->dmarc);
	md_arena_free(r->arena);
	md_free(r);
}

const char *md_auth_result_header(const md_auth_result *r)
{
	return r ? r->header : NULL;
}

const char *md_auth_result_spf(const md_auth_result *r)
{
	return r ? r->spf_result : NULL;
}

const md_dkim_result *md_auth_result_dkim(const md_auth_result *r)
{
	return r ? r->dkim : NULL;
}

const md_arc_result *md_auth_result_arc(const md_auth_result *r)
{
	return r ? r->arc : NULL;
}

const md_dmarc_result *md_auth_result_dmarc(const md_auth_result *r)
{
	return r ? r->dmarc : NULL;
}

static void spf_finding(md_report *rep, const md_auth_result *r)
{
	const char *res = r->spf_result;
	const char *subj = r->spf_domain ? r->spf_domain : (r->ip ? r->ip : "SPF");
	md_severity sev = MD_SEV_OK;
	md_finding *f;
	char id[48];

	if (!strcmp(res, "fail") || !strcmp(res, "permerror"))
		sev = MD_SEV_ERROR;
	else if (!strcmp(res, "softfail") || !strcmp(res, "temperror") || !strcmp(res, "none") ||
	         !strcmp(res, "neutral"))
		sev = MD_SEV_WARNING;
	snprintf(id, sizeof(id), "spf.result.%s", res);
	f = md_report_add(rep, id, sev, MD_PILLAR_AUTHENTICATION, subj, "SPF result");
	md_finding_set_title(rep, f, "SPF %s for %s from %s", res, subj, r->ip ? r->ip : "?");
	md_finding_set_evidence(
	    rep, f, "identity %s (%s), client %s%s%s%s%s", r->spf_identity, subj,
	    r->ip ? r->ip : "?", r->spf_reason ? "; " : "", r->spf_reason ? r->spf_reason : "",
	    r->spf_record ? "; record: " : "", r->spf_record ? r->spf_record : "");
	if (r->spf_explanation)
		md_finding_set_explanation(rep, f, "The domain's explanation: %s",
		                           r->spf_explanation);
	if (!strcmp(res, "temperror"))
		md_finding_set_could_not_check(f);
	if (sev >= MD_SEV_WARNING && strcmp(res, "temperror") != 0)
		md_finding_set_fix(rep, f,
		                   "Authorise %s in the SPF record of %s (see maildiag spf "
		                   "%s), or send with a MAIL FROM whose domain authorises it.",
		                   r->ip ? r->ip : "the sending IP", subj, subj);
	md_finding_add_ref(rep, f, "RFC 7208 section 2.6");
}

md_status md_auth_result_report(md_report *rep, const md_auth_result *r)
{
	const md_dmarc_outcome *o = md_dmarc_result_outcome(r->dmarc);
	const md_arc_info *arc = md_arc_result_info(r->arc);
	md_status st;

	md_report_summary(rep, "client", "%s%s%s (%s)", r->ip ? r->ip : "?",
	                  r->helo ? " helo " : "", r->helo ? r->helo : "", r->client_source);
	md_report_summary(rep, "spf", "%s (%s %s)", r->spf_result, r->spf_identity,
	                  r->spf_domain ? r->spf_domain : "-");
	md_report_set_json_value(rep, "client",
	                         json_pack("{s:o, s:o, s:o, s:s}", "ip", md_json_cstr(r->ip),
	                                   "helo", md_json_cstr(r->helo), "mail_from",
	                                   md_json_cstr(r->mail_from), "source", r->client_source));
	md_report_set_json_value(
	    rep, "spf",
	    json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:b}", "result", r->spf_result, "identity",
	              r->spf_identity, "domain", md_json_cstr(r->spf_domain), "reason",
	              md_json_cstr(r->spf_reason), "record", md_json_cstr(r->spf_record),
	              "explanation", md_json_cstr(r->spf_explanation), "given", r->spf_given));
	spf_finding(rep, r);
	st = md_dkim_result_report(rep, r->dkim);
	if (st == MD_OK)
		st = md_arc_result_report(rep, r->arc);
	if (st == MD_OK)
		md_report_summary(rep, "arc", "%s", md_arc_verdict_name(arc->verdict));
	if (st == MD_OK)
		st = md_dmarc_result_report(rep, r->dmarc);
	if (st == MD_OK && o->verdict == MD_DMARC_FAIL && arc->verdict == MD_ARC_PASS) {
		md_finding *f =
		    md_report_add(rep, "auth.arc_may_override", MD_SEV_NOTICE,
		                  MD_PILLAR_AUTHENTICATION, arc->sealer ? arc->sealer : "ARC",
		                  "DMARC fails but a valid ARC chain vouches for the "
		                  "message");
		md_finding_set_evidence(rep, f, "ARC instance %u sealed by %s recorded: %s",
		                        arc->instances, arc->sealer ? arc->sealer : "?",
		                        arc->latest_aar ? arc->latest_aar : "");
		md_finding_set_explanation(rep, f,
		                           "Receivers that trust %s as a sealer (Gmail and "
		                           "Microsoft keep such lists) may deliver the message "
		                           "despite the DMARC failure (RFC 9989 local policy "
		                           "override).",
		                           arc->sealer ? arc->sealer : "the sealer");
		md_finding_add_ref(rep, f, "RFC 8617 section 7.2");
	}
	md_report_set_string(rep, "authentication_results", r->header ? r->header : "");
	return st == MD_OK ? md_report_status(rep) : st;
}
