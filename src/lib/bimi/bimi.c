/*
 * bimi.c - BIMI record, DMARC enforcement and asset checks.
 *
 * Record (draft-brand-indicators-for-message-identification section 4.2),
 * read with the one tag=value parser:
 *   v=BIMI1 (first, required); l= logo URI, https, may be empty
 *   (declination); a= authority evidence URI, https, may be empty.
 * BIMI is only honoured for mail passing DMARC with p=quarantine or reject
 * at pct=100 (section 3.2). The logo is SVG Tiny PS and SHOULD be at most
 * 32 KiB; the evidence document is a PEM VMC or CMC.
 */
#include <maildiag/bimi.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/domain.h"
#include "core/report_internal.h"
#include "core/tagvalue.h"
#include "mtasts/fetch.h"

/* BIMI SVG Tiny PS profile: logo files SHOULD NOT exceed 32 KiB. */
#define BIMI_SVG_MAX (32 * 1024)
/* A VMC chain is a few certificates of a few KiB each. */
#define BIMI_PEM_MAX (64 * 1024)

static md_finding *add(md_report *rep, const char *id, md_severity sev, const char *subj,
                       const char *title)
{
	return md_report_add(rep, id, sev, MD_PILLAR_AUTHENTICATION, subj, title);
}

static md_str txt_join(md_report *rep, const md_dns_rr *rr)
{
	size_t i, n = 0;
	char *p;

	for (i = 0; i < rr->ntxt; i++)
		n += rr->txtlen[i];
	p = md_arena_alloc(md_report_arena(rep), n + 1);
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

static bool starts(md_str s, const char *pre)
{
	size_t n = strlen(pre);

	return s.n >= n && memcmp(s.p, pre, n) == 0;
}

/* The one record at NAME whose text starts with PRE; -1 failed, else count. */
static int one_record(md_resolver *res, md_report *rep, const char *name, const char *pre,
                      md_str *out, const md_dns_result **rr)
{
	size_t i;
	int n = 0;

	if (md_dns_query(res, name, MD_DNS_TXT, rr) != MD_OK)
		return -2;
	if (md_dns_failed(*rr))
		return -1;
	for (i = 0; (*rr)->outcome == MD_DNS_ANSWER && i < (*rr)->nrr; i++) {
		md_str t;

		if ((*rr)->rr[i].type != MD_DNS_TXT)
			continue;
		t = txt_join(rep, &(*rr)->rr[i]);
		if (t.p == NULL)
			return -2;
		if (starts(t, pre)) {
			if (n == 0)
				*out = t;
			n++;
		}
	}
	return n;
}

static void dmarc_check(md_resolver *res, const char *domain, md_report *rep, json_t *jo)
{
	char name[MD_DOMAIN_MAX + 16];
	const md_dns_result *r;
	md_str rec = MD_STR_NULL;
	md_tag_list l;
	const md_str *p, *pct;
	md_finding *f;
	int n;
	bool ok = false;

	snprintf(name, sizeof(name), "_dmarc.%s", domain);
	n = one_record(res, rep, name, "v=DMARC1", &rec, &r);
	if (n == -1) {
		f = add(rep, "bimi.dmarc_lookup_failed", MD_SEV_ERROR, domain, "could not look up DMARC");
		if (f != NULL)
			md_finding_set_could_not_check(f);
		return;
	}
	if (n == 1) {
		md_tagvalue_parse(rec.p, rec.n, MD_TV_LENIENT, &l);
		p = md_tagvalue_get(&l, "p");
		pct = md_tagvalue_get(&l, "pct");
		ok = p != NULL && (md_str_ieq_c(*p, "quarantine") || md_str_ieq_c(*p, "reject")) &&
		     (pct == NULL || md_str_eq(*pct, md_str_c("100")));
		json_object_set_new(jo, "dmarc", md_json_string(rec.p, rec.n));
	}
	json_object_set_new(jo, "dmarc_enforced", json_boolean(ok));
	if (!ok) {
		f = add(rep, "bimi.dmarc_not_enforced", MD_SEV_ERROR, domain,
		        "DMARC is not at enforcement: no mailbox provider shows the logo");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "%s: %.*s", name, (int)rec.n, n == 1 ? rec.p : "(no DMARC record)");
			md_finding_set_fix(rep, f, "Move DMARC to p=quarantine or p=reject with pct=100 "
			                   "once reports show all your mail passes.");
		}
	}
}

/* Fetch URL; returns the result after reporting reachability problems. */
static bool fetch_asset(md_resolver *res, md_report *rep, const char *url, const md_fetch_opts *fo,
                        size_t max, const char *id, const char *what, md_fetch_result *fr,
                        json_t *jo, const char *key)
{
	char host[MD_DOMAIN_MAX + 1];
	const char *p = url + 8, *e = p;
	md_finding *f;

	while (*e && *e != '/' && *e != ':' && *e != '?' && (size_t)(e - p) < MD_DOMAIN_MAX)
		e++;
	snprintf(host, sizeof(host), "%.*s", (int)(e - p), p);
	if (md_https_get(res, url, host, fo, max, fr) != MD_OK)
		return false;
	json_object_set_new(jo, key, json_pack("{s:s,s:s,s:i,s:s,s:i}", "url", url, "outcome",
	                                         md_fetch_outcome_name(fr->outcome), "http_status",
	                                         (json_int_t)fr->http_status, "content_type",
	                                         fr->content_type, "bytes", (json_int_t)fr->body.n));
	if (fr->outcome != MD_FETCH_OK || fr->http_status != 200) {
		f = add(rep, id, MD_SEV_ERROR, host, "unreachable");
		if (f != NULL) {
			md_finding_set_title(rep, f, "the %s cannot be fetched", what);
			if (fr->outcome == MD_FETCH_OK)
				md_finding_set_evidence(rep, f, "GET %s: HTTP %ld", url, fr->http_status);
			else
				md_finding_set_evidence(rep, f, "GET %s: %s: %s", url, md_fetch_outcome_name(fr->outcome),
				                        fr->error);
		}
		return false;
	}
	return true;
}

static md_status assets(md_resolver *res, md_report *rep, const md_bimi_opts *o, md_str l, md_str a,
                        const char *domain, json_t *jo)
{
	md_fetch_result fr;
	md_finding *f;
	char url[1024];

	if (l.n > 0 && l.n < sizeof(url)) {
		snprintf(url, sizeof(url), "%.*s", (int)l.n, l.p);
		if (fetch_asset(res, rep, url, &o->fetch, BIMI_SVG_MAX, "bimi.logo_unreachable", "logo", &fr, jo, "logo")) {
			if (strncasecmp(fr.content_type, "image/svg+xml", 13) != 0) {
				f = add(rep, "bimi.logo_content_type", MD_SEV_WARNING, domain, "the logo is not served as image/svg+xml");
				if (f != NULL)
					md_finding_set_evidence(rep, f, "Content-Type: %s", fr.content_type);
			}
			if (fr.body.p == NULL || strstr(fr.body.p, "<svg") == NULL) {
				add(rep, "bimi.logo_not_svg", MD_SEV_ERROR, domain, "the logo is not an SVG document");
			} else if (strstr(fr.body.p, "tiny-ps") == NULL) {
				f = add(rep, "bimi.logo_not_tiny_ps", MD_SEV_WARNING, domain,
				        "the logo is not SVG Tiny PS (no baseProfile=\"tiny-ps\")");
				if (f != NULL)
					md_finding_set_fix(rep, f, "Export the logo as SVG Tiny Portable/Secure.");
			} else {
				add(rep, "bimi.logo_ok", MD_SEV_OK, domain, "the logo is reachable SVG Tiny PS");
			}
		} else if (fr.outcome == MD_FETCH_TOO_LARGE) {
			add(rep, "bimi.logo_too_large", MD_SEV_ERROR, domain, "the logo is larger than 32 KiB");
		}
		md_buf_free(&fr.body);
	}
	if (a.n > 0 && a.n < sizeof(url)) {
		snprintf(url, sizeof(url), "%.*s", (int)a.n, a.p);
		if (fetch_asset(res, rep, url, &o->fetch, BIMI_PEM_MAX, "bimi.vmc_unreachable", "evidence document (VMC)", &fr, jo, "vmc")) {
			BIO *b = BIO_new_mem_buf(fr.body.p, (int)fr.body.n);
			X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

			if (x == NULL) {
				add(rep, "bimi.vmc_invalid", MD_SEV_ERROR, domain, "the evidence document holds no PEM certificate");
			} else if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0) {
				add(rep, "bimi.vmc_expired", MD_SEV_ERROR, domain, "the VMC has expired");
			} else {
				add(rep, "bimi.vmc_ok", MD_SEV_OK, domain, "the evidence document is a current certificate");
			}
			X509_free(x);
			BIO_free(b);
		}
		md_buf_free(&fr.body);
	}
	return md_report_status(rep);
}

md_status md_check_bimi(md_resolver *res, const char *domain_in, const md_bimi_opts *opts,
                        md_report *rep)
{
	md_bimi_opts def;
	char domain[MD_DOMAIN_MAX + 1], name[MD_DOMAIN_MAX + 80];
	const char *why, *sel;
	const md_dns_result *r;
	md_str rec = MD_STR_NULL;
	const md_str *v, *l, *a;
	md_str lv = MD_STR_NULL, av = MD_STR_NULL;
	md_tag_list tl;
	md_finding *f;
	json_t *jo;
	md_status st = MD_OK;
	int n;

	memset(&def, 0, sizeof(def));
	if (opts == NULL)
		opts = &def;
	sel = opts->selector ? opts->selector : "default";
	if (domain_in == NULL || !md_domain_normalize(domain_in, domain, sizeof(domain), &why) ||
	    strlen(sel) > 63 || strchr(sel, '.') != NULL)
		return MD_EINVAL;
	snprintf(name, sizeof(name), "%s._bimi.%s", sel, domain);
	jo = json_object();
	if (jo == NULL)
		return MD_ENOMEM;
	json_object_set_new(jo, "name", md_json_cstr(name));
	n = one_record(res, rep, name, "v=BIMI1", &rec, &r);
	if (n == -2) {
		json_decref(jo);
		return MD_ENOMEM;
	}
	if (n == -1) {
		f = add(rep, "bimi.lookup_failed", MD_SEV_ERROR, domain, "could not look up the BIMI record");
		if (f != NULL)
			md_finding_set_could_not_check(f);
	} else if (n == 0) {
		f = add(rep, "bimi.no_record", MD_SEV_NOTICE, domain, "no BIMI record: no brand logo is shown");
		if (f != NULL)
			md_finding_set_evidence(rep, f, "TXT %s: %s", name, md_dns_outcome_name(r->outcome));
	} else if (n > 1) {
		add(rep, "bimi.multiple_records", MD_SEV_ERROR, domain, "more than one BIMI record: none is used");
	} else {
		bool ok = md_tagvalue_parse(rec.p, rec.n, MD_TV_LENIENT, &tl);
		const char *err = NULL;

		json_object_set_new(jo, "record", md_json_string(rec.p, rec.n));
		v = md_tagvalue_get(&tl, "v");
		l = md_tagvalue_get(&tl, "l");
		a = md_tagvalue_get(&tl, "a");
		if (!ok)
			err = tl.error_msg;
		else if (tl.duplicate)
			err = "a tag appears twice";
		else if (v == NULL || tl.tags[0].name.n != 1 || tl.tags[0].name.p[0] != 'v' ||
		         !md_str_eq(*v, md_str_c("BIMI1")))
			err = "v=BIMI1 must come first";
		else if (l == NULL && a == NULL)
			err = "no l= (logo) tag";
		else if (l != NULL && l->n > 0 && !md_str_istarts(*l, "https://"))
			err = "l= must be an https: URI";
		else if (a != NULL && a->n > 0 && !md_str_istarts(*a, "https://"))
			err = "a= must be an https: URI";
		if (err != NULL) {
			f = add(rep, "bimi.record_invalid", MD_SEV_ERROR, domain, "the BIMI record is not valid");
			if (f != NULL) {
				md_finding_set_title(rep, f, "the BIMI record is not valid: %s", err);
				md_finding_set_evidence(rep, f, "%.*s", (int)rec.n, rec.p);
			}
		} else {
			lv = l ? *l : MD_STR_NULL;
			av = a ? *a : MD_STR_NULL;
			if (lv.n == 0 && av.n == 0) {
				add(rep, "bimi.declined", MD_SEV_NOTICE, domain, "the BIMI record declines to publish a logo");
			} else {
				f = add(rep, "bimi.record_ok", MD_SEV_OK, domain, "the BIMI record is valid");
				if (f != NULL)
					md_finding_set_evidence(rep, f, "%.*s", (int)rec.n, rec.p);
				if (av.n == 0)
					add(rep, "bimi.no_vmc", MD_SEV_NOTICE, domain,
					    "no evidence document (a=): Gmail and Apple show logos only with a VMC/CMC");
			}
		}
		dmarc_check(res, domain, rep, jo);
		if (err == NULL && !opts->no_fetch)
			st = assets(res, rep, opts, lv, av, domain, jo);
	}
	md_report_set_json_value(rep, "bimi", jo);
	if (st == MD_OK)
		st = md_report_status(rep);
	return st;
}
