/*
 * check.c - md_check_mtasts and md_check_tlsrpt: the records, the policy
 * fetch, the policy against the MX set and the MX certificates.
 *
 * Order (RFC 8461 3 and 4): TXT _mta-sts.DOMAIN -> exactly one record that
 * starts with v=STSv1 -> GET https://mta-sts.DOMAIN/.well-known/mta-sts.txt
 * -> policy -> every MX host must match an mx pattern (4.1) and offer
 * STARTTLS with a certificate that verifies and names the host (4.2).
 */
#include <maildiag/mtasts.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/domain.h"
#include "core/report_internal.h"
#include "fetch.h"
#include "smtp/probe.h"
#include "sts.h"

/* RFC 8461 3.2 expects max_age "in the range of weeks or greater"; under
 * a day the policy protects little between refreshes. */
#define MTASTS_MAX_AGE_SHORT 86400u
#define MTASTS_MAX_MX 10

/* A TXT record's strings joined (RFC 7208 3.3 style; RFC 8461 3.1 records
 * may be split into several strings). */
static md_str txt_join(md_arena *a, const md_dns_rr *rr)
{
	size_t i, n = 0;
	char *p;

	for (i = 0; i < rr->ntxt; i++)
		n += rr->txtlen[i];
	p = md_arena_alloc(a, n + 1);
	if (p == NULL)
		return MD_STR_NULL;
	n = 0;
	for (i = 0; i < rr->ntxt; i++) {
		memcpy(p + n, rr->txt[i], rr->txtlen[i]);
		n += rr->txtlen[i];
	}
	p[n] = '\0';
	return (md_str){p, n};
}

typedef bool (*is_fn)(const char *, size_t);

/*
 * Look up TXT NAME and keep the records IS accepts. Returns the number kept
 * (the first in *REC), or -1 after adding a could-not-check finding ID.
 */
static int find_records(md_resolver *res, md_report *rep, const char *name, is_fn is,
                        const char *id, const char *what, md_str *rec, size_t *total)
{
	const md_dns_result *r;
	md_finding *f;
	size_t i;
	int kept = 0;

	*total = 0;
	if (md_dns_query(res, name, MD_DNS_TXT, &r) != MD_OK)
		return -2;
	if (md_dns_failed(r)) {
		f = md_report_add(rep, id, MD_SEV_ERROR, MD_PILLAR_INFRASTRUCTURE, name, "could not look up the record");
		if (f != NULL) {
			md_finding_set_title(rep, f, "could not look up the %s record", what);
			md_finding_set_could_not_check(f);
			md_finding_set_evidence(rep, f, "TXT %s: %s%s%s", name, md_dns_outcome_name(r->outcome),
			                        r->why ? ": " : "", r->why ? r->why : "");
		}
		return -1;
	}
	for (i = 0; r->outcome == MD_DNS_ANSWER && i < r->nrr; i++) {
		md_str t;

		if (r->rr[i].type != MD_DNS_TXT)
			continue;
		(*total)++;
		t = txt_join(md_report_arena(rep), &r->rr[i]);
		if (t.p == NULL)
			return -2;
		if (is(t.p, t.n)) {
			if (kept == 0)
				*rec = t;
			kept++;
		}
	}
	return kept;
}

/* --- TLS-RPT ------------------------------------------------------------ */

static md_status tlsrpt(md_resolver *res, const char *domain, md_report *rep, bool quiet_missing)
{
	char name[MD_DOMAIN_MAX + 16];
	md_str rec = MD_STR_NULL;
	md_sts_record r;
	size_t total;
	md_finding *f;
	json_t *o = json_object();
	int n;

	if (o == NULL)
		return MD_ENOMEM;
	snprintf(name, sizeof(name), "_smtp._tls.%s", domain);
	n = find_records(res, rep, name, md_sts_is_tlsrpt, "tlsrpt.lookup_failed", "TLS-RPT", &rec, &total);
	json_object_set_new(o, "name", md_json_cstr(name));
	if (n == -2) {
		json_decref(o);
		return MD_ENOMEM;
	}
	if (n == 0) {
		f = md_report_add(rep, "tlsrpt.no_record", quiet_missing ? MD_SEV_NOTICE : MD_SEV_WARNING,
		                  MD_PILLAR_INFRASTRUCTURE, domain, "no TLS-RPT record");
		if (f != NULL) {
			md_finding_set_explanation(rep, f, "Without _smtp._tls senders cannot report TLS "
			                           "failures to this domain, so broken STARTTLS, MTA-STS or DANE "
			                           "goes unnoticed.");
			md_finding_set_fix(rep, f, "Publish TXT %s \"v=TLSRPTv1; rua=mailto:tls-reports@%s\".",
			                   name, domain);
			md_finding_add_ref(rep, f, "RFC 8460 section 3");
		}
	} else if (n > 1) {
		f = md_report_add(rep, "tlsrpt.multiple_records", MD_SEV_ERROR, MD_PILLAR_INFRASTRUCTURE,
		                  domain, "more than one TLS-RPT record: senders use none");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "%d records start with v=TLSRPTv1 at %s", n, name);
			md_finding_add_ref(rep, f, "RFC 8460 section 3");
		}
	} else if (n == 1) {
		bool ok = md_tlsrpt_record_parse(rec.p, rec.n, &r);

		json_object_set_new(o, "record", md_json_string(rec.p, rec.n));
		json_object_set_new(o, "valid", json_boolean(ok));
		if (!ok) {
			f = md_report_add(rep, "tlsrpt.record_invalid", MD_SEV_ERROR, MD_PILLAR_INFRASTRUCTURE,
			                  domain, "the TLS-RPT record is not valid");
			if (f != NULL) {
				md_finding_set_title(rep, f, "the TLS-RPT record is not valid: %s", r.error);
				md_finding_set_evidence(rep, f, "%.*s", (int)rec.n, rec.p);
				md_finding_add_ref(rep, f, "RFC 8460 section 3");
			}
		} else {
			json_object_set_new(o, "rua", md_json_string(r.rua.p, r.rua.n));
			f = md_report_add(rep, "tlsrpt.record_ok", MD_SEV_OK, MD_PILLAR_INFRASTRUCTURE, domain,
			                  "TLS-RPT reports are requested");
			if (f != NULL)
				md_finding_set_evidence(rep, f, "%.*s", (int)rec.n, rec.p);
		}
	}
	md_report_set_json_value(rep, "tls_rpt", o);
	return md_report_status(rep);
}

md_status md_check_tlsrpt(md_resolver *res, const char *domain, md_report *rep)
{
	char d[MD_DOMAIN_MAX + 1];
	const char *why;

	if (domain == NULL || !md_domain_normalize(domain, d, sizeof(d), &why))
		return MD_EINVAL;
	return tlsrpt(res, d, rep, false);
}

/* --- MTA-STS ------------------------------------------------------------ */

static md_finding *add(md_report *rep, const char *id, md_severity sev, const char *subj,
                       const char *title)
{
	return md_report_add(rep, id, sev, MD_PILLAR_INFRASTRUCTURE, subj, title);
}

/* Report the fetch; returns true when the body is a policy to parse. */
static bool fetch_findings(md_report *rep, const char *host, const char *url,
                           const md_fetch_result *fr)
{
	md_finding *f = NULL;

	switch (fr->outcome) {
	case MD_FETCH_OK:
		break;
	case MD_FETCH_NO_ADDRESS:
		f = add(rep, "mtasts.policy_host_missing", MD_SEV_ERROR, host,
		        "the policy host has no address");
		if (f != NULL)
			md_finding_set_fix(rep, f, "Publish an A/AAAA (or CNAME) record for %s pointing at "
			                   "the web server that serves the policy.", host);
		break;
	case MD_FETCH_DNS_FAILED:
		f = add(rep, "mtasts.policy_fetch_failed", MD_SEV_ERROR, host, "could not resolve the policy host");
		if (f != NULL)
			md_finding_set_could_not_check(f);
		break;
	case MD_FETCH_CERT:
		f = add(rep, "mtasts.policy_cert_invalid", MD_SEV_ERROR, host,
		        "the policy server's certificate is not valid for this host");
		if (f != NULL) {
			md_finding_set_explanation(rep, f, "RFC 8461 3.3: the HTTPS endpoint MUST present a "
			                           "certificate valid for %s; senders ignore the policy.", host);
			md_finding_set_fix(rep, f, "Serve %s with a publicly trusted certificate that names it.",
			                   host);
		}
		break;
	case MD_FETCH_TOO_LARGE:
		f = add(rep, "mtasts.policy_too_large", MD_SEV_ERROR, host, "the policy is larger than 64 KiB");
		break;
	default:
		f = add(rep, "mtasts.policy_fetch_failed", MD_SEV_ERROR, host, "the policy could not be fetched");
		if (f != NULL)
			md_finding_set_title(rep, f, "the policy could not be fetched (%s)",
			                     md_fetch_outcome_name(fr->outcome));
		break;
	}
	if (f != NULL) {
		md_finding_set_evidence(rep, f, "GET %s: %s", url, fr->error[0] ? fr->error : md_fetch_outcome_name(fr->outcome));
		md_finding_add_ref(rep, f, "RFC 8461 section 3.3");
		return false;
	}
	if (fr->http_status >= 300 && fr->http_status < 400) {
		f = add(rep, "mtasts.policy_redirect", MD_SEV_ERROR, host,
		        "the policy URL redirects: senders do not follow redirects");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "GET %s: HTTP %ld, Location: %s", url, fr->http_status,
			                        fr->location[0] ? fr->location : "(none)");
			md_finding_set_fix(rep, f, "Serve the policy directly at %s with status 200.", url);
			md_finding_add_ref(rep, f, "RFC 8461 section 3.3");
		}
		return false;
	}
	if (fr->http_status != 200) {
		f = add(rep, "mtasts.policy_http_status", MD_SEV_ERROR, host, "the policy URL does not answer 200");
		if (f != NULL) {
			md_finding_set_title(rep, f, "the policy URL answers HTTP %ld", fr->http_status);
			md_finding_set_evidence(rep, f, "GET %s: HTTP %ld", url, fr->http_status);
			md_finding_add_ref(rep, f, "RFC 8461 section 3.3");
		}
		return false;
	}
	/* RFC 8461 3.3: senders SHOULD check the media type is text/plain */
	if (strncasecmp(fr->content_type, "text/plain", 10) != 0 ||
	    (fr->content_type[10] != '\0' && fr->content_type[10] != ';' && fr->content_type[10] != ' ')) {
		f = add(rep, "mtasts.policy_content_type", MD_SEV_WARNING, host,
		        "the policy is not served as text/plain");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "Content-Type: %s",
			                        fr->content_type[0] ? fr->content_type : "(none)");
			md_finding_set_fix(rep, f, "Serve mta-sts.txt with Content-Type: text/plain.");
			md_finding_add_ref(rep, f, "RFC 8461 section 3.3");
		}
	}
	return true;
}

typedef struct mx_list {
	const char *host[MTASTS_MAX_MX];
	size_t n;
	bool null_mx, failed;
} mx_list;

static md_status mx_hosts(md_resolver *res, const char *domain, mx_list *l)
{
	const md_dns_result *r;
	size_t i;
	md_status st = md_dns_query(res, domain, MD_DNS_MX, &r);

	memset(l, 0, sizeof(*l));
	if (st != MD_OK)
		return st;
	if (md_dns_failed(r)) {
		l->failed = true;
		return MD_OK;
	}
	if (r->outcome == MD_DNS_NODATA) {
		l->host[l->n++] = domain; /* RFC 5321 5.1 implicit MX */
		return MD_OK;
	}
	for (i = 0; r->outcome == MD_DNS_ANSWER && i < r->nrr && l->n < MTASTS_MAX_MX; i++) {
		if (r->rr[i].type != MD_DNS_MX)
			continue;
		if (r->rr[i].name[0] == '\0') {
			l->null_mx = true;
			continue;
		}
		l->host[l->n++] = r->rr[i].name;
	}
	return MD_OK;
}

static const char *tls_problem(const smtp_session *s, md_arena *a)
{
	if (!s->tls) {
		if (s->completed && !s->starttls_offered)
			return "no STARTTLS";
		return md_arena_printf(a, "probe stopped at %s (%s)", md_smtp_phase_name(s->stopped_at),
		                       md_smtp_outcome_name(s->phase[s->stopped_at].outcome));
	}
	if (!s->have_cert)
		return "no certificate";
	if (!s->verified)
		return md_arena_printf(a, "certificate does not verify: %s", s->verify_error);
	if (!s->name_match)
		return md_arena_printf(a, "certificate not valid for %s", s->host);
	return NULL;
}

static md_status policy_vs_mx(md_resolver *res, const char *domain, const md_sts_policy *pol,
                              const md_mtasts_opts *o, md_report *rep, json_t *jo)
{
	static const char *const cols[] = {"mx", "pattern", "tls"};
	md_severity sev = pol->mode == MD_STS_MODE_ENFORCE ? MD_SEV_ERROR : MD_SEV_WARNING;
	md_table *t;
	mx_list l;
	size_t i, k, bad = 0;
	md_finding *f;
	json_t *arr = json_array();
	md_arena *a = NULL;
	SSL_CTX *ctx = NULL;
	md_smtp_opts so = o->smtp;
	char err[256];
	md_status st;

	if (arr == NULL)
		return MD_ENOMEM;
	json_object_set_new(jo, "mx_hosts", arr);
	st = mx_hosts(res, domain, &l);
	if (st != MD_OK)
		return st;
	if (l.failed) {
		f = add(rep, "mtasts.mx_lookup_failed", MD_SEV_ERROR, domain, "could not look up the MX set");
		if (f != NULL)
			md_finding_set_could_not_check(f);
		return md_report_status(rep);
	}
	if (pol->mode == MD_STS_MODE_NONE || l.n == 0)
		return md_report_status(rep);
	t = md_report_add_table(rep, "mta_sts_mx", 3, cols);
	if (o->probe) {
		ctx = smtp_tls_ctx(&so, err, sizeof(err));
		a = md_arena_new();
		if (ctx == NULL || a == NULL) {
			SSL_CTX_free(ctx);
			md_arena_free(a);
			return ctx == NULL ? MD_EINVAL : MD_ENOMEM;
		}
	}
	for (i = 0; i < l.n; i++) {
		const md_str *match = NULL;
		const char *tls = o->probe ? NULL : "not probed";
		json_t *h = json_object();
		const char *row[3];

		for (k = 0; k < pol->nmx && match == NULL; k++)
			if (md_sts_mx_match(pol->mx[k], l.host[i]))
				match = &pol->mx[k];
		if (h == NULL)
			break;
		json_object_set_new(h, "host", md_json_cstr(l.host[i]));
		json_object_set_new(h, "pattern", match ? md_json_string(match->p, match->n) : json_null());
		if (match == NULL) {
			bad++;
			f = add(rep, "mtasts.mx_not_in_policy", sev, l.host[i],
			        "the MX host matches no mx line of the policy");
			if (f != NULL) {
				md_finding_set_explanation(rep, f, "%s", pol->mode == MD_STS_MODE_ENFORCE
				                           ? "Senders that apply the policy refuse to deliver to this "
				                             "host (RFC 8461 4.1, 5)."
				                           : "In enforce mode senders would refuse this host; in "
				                             "testing mode they only report it.");
				md_finding_set_fix(rep, f, "Add \"mx: %s\" (or a matching *. pattern) to the policy "
				                   "and change the id of the _mta-sts record.", l.host[i]);
				md_finding_add_ref(rep, f, "RFC 8461 section 4.1");
			}
		}
		if (o->probe) {
			smtp_session *s;
			size_t ns, j;
			const char *why = NULL;

			st = smtp_probe_host(res, a, ctx, l.host[i], &so, &s, &ns);
			if (st != MD_OK) {
				json_decref(h);
				break;
			}
			for (j = 0; j < ns && why == NULL; j++)
				why = tls_problem(&s[j], a);
			tls = why ? md_arena_strdup(md_report_arena(rep), why) : "ok";
			json_object_set_new(h, "tls", md_json_cstr(tls));
			if (why != NULL) {
				bad++;
				f = add(rep, "mtasts.mx_tls_invalid", sev, l.host[i],
				        "the MX host fails the TLS the policy requires");
				if (f != NULL) {
					md_finding_set_title(rep, f, "MX %s fails MTA-STS TLS: %s", l.host[i], why);
					md_finding_set_explanation(rep, f, "Under MTA-STS a sender requires STARTTLS "
					                           "with a certificate that chains to a trusted root "
					                           "and names the MX host (RFC 8461 4.2).");
					md_finding_add_ref(rep, f, "RFC 8461 section 4.2");
				}
			}
		}
		row[0] = l.host[i];
		row[1] = match ? md_arena_strndup(md_report_arena(rep), match->p, match->n) : "(none)";
		row[2] = tls;
		if (t != NULL)
			md_table_add_row(rep, t, row);
		json_array_append_new(arr, h);
	}
	md_arena_free(a);
	SSL_CTX_free(ctx);
	if (st != MD_OK)
		return st;
	if (bad == 0) {
		f = add(rep, "mtasts.mx_ok", MD_SEV_OK, domain, o->probe
		        ? "every MX host matches the policy and passes its TLS requirements"
		        : "every MX host matches the policy");
	}
	return md_report_status(rep);
}

static md_status check_policy(md_resolver *res, const char *domain, const md_mtasts_opts *o,
                              md_report *rep, json_t *jo)
{
	char host[MD_DOMAIN_MAX + 16], url[MD_DOMAIN_MAX + 64];
	md_fetch_result fr;
	md_sts_policy pol;
	md_finding *f;
	json_t *jf, *jp, *mx;
	md_status st;
	size_t i;

	snprintf(host, sizeof(host), "mta-sts.%s", domain);
	snprintf(url, sizeof(url), "https://%s/.well-known/mta-sts.txt", host);
	json_object_set_new(jo, "policy_url", md_json_cstr(url));
	st = md_https_get(res, url, host, &o->fetch, MD_STS_POLICY_MAX_BYTES, &fr);
	if (st != MD_OK) {
		md_buf_free(&fr.body);
		return st;
	}
	jf = json_pack("{s:s,s:i,s:s,s:s,s:s}", "outcome", md_fetch_outcome_name(fr.outcome),
	               "http_status", (json_int_t)fr.http_status, "content_type", fr.content_type,
	               "error", fr.error, "address", fr.address);
	json_object_set_new(jo, "fetch", jf ? jf : json_null());
	md_report_trace(rep, 0, "GET %s: %s, HTTP %ld, %zu bytes", url, md_fetch_outcome_name(fr.outcome),
	                fr.http_status, fr.body.n);
	if (!fetch_findings(rep, host, url, &fr)) {
		md_buf_free(&fr.body);
		return md_report_status(rep);
	}
	md_sts_policy_parse(fr.body.p ? fr.body.p : "", fr.body.n, &pol);
	json_object_set_new(jo, "policy_text", md_json_string(fr.body.p ? fr.body.p : "", fr.body.n));
	if (!pol.valid) {
		f = add(rep, "mtasts.policy_invalid", MD_SEV_ERROR, host, "the policy is not valid");
		if (f != NULL) {
			if (pol.error_line > 0)
				md_finding_set_title(rep, f, "the policy is not valid: line %zu: %s", pol.error_line, pol.error);
			else
				md_finding_set_title(rep, f, "the policy is not valid: %s", pol.error);
			md_finding_set_evidence(rep, f, "%.*s", (int)(fr.body.n > 2000 ? 2000 : fr.body.n),
			                        fr.body.p ? fr.body.p : "");
			md_finding_set_explanation(rep, f, "Senders treat the domain as having no MTA-STS policy.");
			md_finding_add_ref(rep, f, "RFC 8461 section 3.2");
		}
		md_buf_free(&fr.body);
		json_object_set_new(jo, "policy", json_null());
		return md_report_status(rep);
	}
	jp = json_object();
	mx = json_array();
	for (i = 0; mx != NULL && i < pol.nmx; i++)
		json_array_append_new(mx, md_json_string(pol.mx[i].p, pol.mx[i].n));
	if (jp != NULL) {
		json_object_set_new(jp, "version", json_string("STSv1"));
		json_object_set_new(jp, "mode", json_string(md_sts_mode_name(pol.mode)));
		json_object_set_new(jp, "max_age", json_integer(pol.max_age));
		json_object_set_new(jp, "mx", mx ? mx : json_null());
		json_object_set_new(jo, "policy", jp);
	} else {
		json_decref(mx);
	}
	md_report_summary(rep, "policy", "mode %s, max_age %u, %zu mx pattern%s", md_sts_mode_name(pol.mode),
	                  pol.max_age, pol.nmx, pol.nmx == 1 ? "" : "s");
	f = add(rep, "mtasts.policy_ok", MD_SEV_OK, host, "the policy is valid");
	if (f != NULL)
		md_finding_set_title(rep, f, "the policy is valid: mode %s, max_age %u", md_sts_mode_name(pol.mode),
		                     pol.max_age);
	if (pol.mode == MD_STS_MODE_TESTING) {
		f = add(rep, "mtasts.mode_testing", MD_SEV_NOTICE, domain,
		        "the policy is in testing mode: senders only report failures");
		if (f != NULL)
			md_finding_set_fix(rep, f, "When TLS-RPT reports show no failures, switch to mode: enforce.");
	} else if (pol.mode == MD_STS_MODE_NONE) {
		add(rep, "mtasts.mode_none", MD_SEV_NOTICE, domain,
		    "the policy is mode none: MTA-STS is switched off");
	}
	if (pol.max_age < MTASTS_MAX_AGE_SHORT) {
		f = add(rep, "mtasts.max_age_short", MD_SEV_WARNING, host, "max_age is under one day");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "max_age: %u", pol.max_age);
			md_finding_set_fix(rep, f, "Use a max_age of weeks (604800 or more) once the policy is stable.");
			md_finding_add_ref(rep, f, "RFC 8461 section 3.2");
		}
	}
	if (pol.lf_only || pol.blank_lines) {
		f = add(rep, "mtasts.policy_line_ends", MD_SEV_NOTICE, host,
		        "the policy bends the line grammar (accepted by senders)");
		if (f != NULL)
			md_finding_set_evidence(rep, f, "%s%s", pol.lf_only ? "LF line ends; " : "",
			                        pol.blank_lines ? "blank lines" : "");
	}
	st = policy_vs_mx(res, domain, &pol, o, rep, jo);
	md_buf_free(&fr.body);
	return st;
}

md_status md_check_mtasts(md_resolver *res, const char *domain_in, const md_mtasts_opts *opts,
                          md_report *rep)
{
	md_mtasts_opts def;
	char domain[MD_DOMAIN_MAX + 1], name[MD_DOMAIN_MAX + 16];
	const char *why;
	md_str rec = MD_STR_NULL;
	md_sts_record r;
	size_t total;
	md_finding *f;
	json_t *jo;
	md_status st = MD_OK;
	int n;

	memset(&def, 0, sizeof(def));
	if (opts == NULL)
		opts = &def;
	if (domain_in == NULL || !md_domain_normalize(domain_in, domain, sizeof(domain), &why))
		return MD_EINVAL;
	jo = json_object();
	if (jo == NULL)
		return MD_ENOMEM;
	snprintf(name, sizeof(name), "_mta-sts.%s", domain);
	json_object_set_new(jo, "name", md_json_cstr(name));
	n = find_records(res, rep, name, md_sts_is_sts, "mtasts.lookup_failed", "MTA-STS", &rec, &total);
	if (n == -2) {
		json_decref(jo);
		return MD_ENOMEM;
	}
	if (n == 0) {
		f = add(rep, "mtasts.no_record", MD_SEV_NOTICE, domain, "the domain does not use MTA-STS");
		if (f != NULL) {
			md_finding_set_explanation(rep, f, "Senders use opportunistic TLS: an attacker on the "
			                           "path can strip STARTTLS or redirect mail unnoticed.");
			md_finding_set_fix(rep, f, "Serve a policy at https://mta-sts.%s/.well-known/mta-sts.txt "
			                   "and publish TXT %s \"v=STSv1; id=YYYYMMDDNN\".", domain, name);
			md_finding_add_ref(rep, f, "RFC 8461 section 3");
		}
	} else if (n > 1) {
		f = add(rep, "mtasts.multiple_records", MD_SEV_ERROR, domain,
		        "more than one MTA-STS record: senders ignore MTA-STS");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "%d TXT records at %s start with v=STSv1", n, name);
			md_finding_add_ref(rep, f, "RFC 8461 section 3.1");
		}
	} else if (n == 1) {
		bool ok = md_sts_record_parse(rec.p, rec.n, &r);

		json_object_set_new(jo, "record", md_json_string(rec.p, rec.n));
		json_object_set_new(jo, "id", ok ? md_json_string(r.id.p, r.id.n) : json_null());
		if (!ok) {
			f = add(rep, "mtasts.record_invalid", MD_SEV_ERROR, domain, "the MTA-STS record is not valid");
			if (f != NULL) {
				md_finding_set_title(rep, f, "the MTA-STS record is not valid: %s", r.error);
				md_finding_set_evidence(rep, f, "%.*s", (int)rec.n, rec.p);
				md_finding_set_explanation(rep, f, "Senders treat the domain as having no policy.");
				md_finding_add_ref(rep, f, "RFC 8461 section 3.1");
			}
		} else {
			f = add(rep, "mtasts.record_ok", MD_SEV_OK, domain, "the MTA-STS record is valid");
			if (f != NULL)
				md_finding_set_evidence(rep, f, "%.*s", (int)rec.n, rec.p);
			md_report_summary(rep, "record", "%.*s", (int)rec.n, rec.p);
			st = check_policy(res, domain, opts, rep, jo);
		}
	}
	md_report_set_json_value(rep, "mta_sts", jo);
	if (st == MD_OK && !opts->no_tlsrpt)
		st = tlsrpt(res, domain, rep, n <= 0);
	if (st == MD_OK)
		st = md_report_status(rep);
	return st;
}
