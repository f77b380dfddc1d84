/*
 * dane.c - DANE TLSA checks for SMTP (RFC 7672) and certificate matching
 * (RFC 6698 2.1, RFC 7218 names).
 *
 * TLSA rdata: usage(1) selector(1) matching-type(1) data. SMTP uses
 * DANE-TA(2) and DANE-EE(3) (RFC 7672 3.1); PKIX-TA(0)/PKIX-EE(1) SHOULD
 * NOT be published (3.1.3). DANE-EE matches the server's own certificate
 * with no name or expiry check (3.1.1); DANE-TA matches a certificate of
 * the chain the server sends, and the server certificate must name the
 * host (3.2.2). Only a DNSSEC-validated TLSA RRset is used (2.2).
 */
#include <maildiag/dane.h>

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/domain.h"
#include "core/report_internal.h"
#include "probe.h"

#define DANE_MAX_HOSTS 10

typedef struct tlsa {
	int usage, selector, mtype;
	const uint8_t *data;
	size_t len;
	const char *problem; /* NULL when usable for SMTP */
} tlsa;

static const char *tlsa_check(tlsa *t)
{
	if (t->usage == 0 || t->usage == 1)
		return "PKIX usage (0/1): RFC 7672 3.1.3 says SMTP senders do not use it";
	if (t->usage != 2 && t->usage != 3)
		return "unknown certificate usage";
	if (t->selector != 0 && t->selector != 1)
		return "unknown selector";
	if (t->mtype == 1 && t->len != 32)
		return "SHA2-256 data is not 32 bytes";
	if (t->mtype == 2 && t->len != 64)
		return "SHA2-512 data is not 64 bytes";
	if (t->mtype > 2)
		return "unknown matching type";
	if (t->len == 0)
		return "no certificate association data";
	return NULL;
}

/* Does DER certificate CERT match T? */
static bool match_one(const tlsa *t, const uint8_t *cert, size_t clen)
{
	const uint8_t *p = cert;
	uint8_t *spki = NULL, md[EVP_MAX_MD_SIZE];
	const uint8_t *sel = cert;
	size_t sl = clen;
	unsigned int mdlen = 0;
	bool ok = false;
	X509 *x = NULL;

	if (t->selector == 1) {
		int n;

		x = d2i_X509(NULL, &p, (long)clen);
		if (x == NULL)
			return false;
		n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
		if (n <= 0)
			goto out;
		sel = spki;
		sl = (size_t)n;
	}
	switch (t->mtype) {
	case 0:
		ok = sl == t->len && memcmp(sel, t->data, sl) == 0;
		break;
	case 1:
	case 2:
		if (EVP_Digest(sel, sl, md, &mdlen, t->mtype == 1 ? EVP_sha256() : EVP_sha512(), NULL) == 1)
			ok = mdlen == t->len && memcmp(md, t->data, mdlen) == 0;
		break;
	default:
		break;
	}
out:
	OPENSSL_free(spki);
	X509_free(x);
	return ok;
}

/* Index of the record the session's chain matches, or -1. */
static int dane_match(const smtp_session *s, const tlsa *t, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (t[i].problem != NULL)
			continue;
		if (t[i].usage == 3 && s->nchain > 0 && match_one(&t[i], s->chain_der[0], s->chain_len[0]))
			return (int)i;
		if (t[i].usage == 2 && s->name_match)
			for (k = 0; k < s->nchain; k++)
				if (match_one(&t[i], s->chain_der[k], s->chain_len[k]))
					return (int)i;
	}
	return -1;
}

static md_finding *add(md_report *rep, const char *id, md_severity sev, const char *subj,
                       const char *title)
{
	return md_report_add(rep, id, sev, MD_PILLAR_INFRASTRUCTURE, subj, title);
}

static char *hex(md_arena *a, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = md_arena_alloc(a, n * 2 + 1);
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[2 * n] = '\0';
	return s;
}

static md_status host_check(md_resolver *res, md_arena *a, SSL_CTX *ctx, const char *host,
                            const md_dane_opts *o, md_report *rep, md_table *tab, json_t *arr,
                            size_t *with_tlsa)
{
	char name[MD_DOMAIN_MAX + 32];
	uint16_t port = smtp_opts_port(&o->smtp);
	const md_dns_result *r;
	tlsa t[32];
	size_t n = 0, i, usable = 0;
	json_t *h = json_object(), *recs = json_array();
	md_finding *f;
	md_status st;

	if (h == NULL || recs == NULL) {
		json_decref(h);
		json_decref(recs);
		return MD_ENOMEM;
	}
	json_array_append_new(arr, h);
	json_object_set_new(h, "records", recs);
	snprintf(name, sizeof(name), "_%u._tcp.%s", (unsigned)port, host);
	json_object_set_new(h, "host", md_json_cstr(host));
	json_object_set_new(h, "tlsa_name", md_json_cstr(name));
	st = md_dns_query(res, name, MD_DNS_TLSA, &r);
	if (st != MD_OK)
		return st;
	json_object_set_new(h, "outcome", md_json_cstr(md_dns_outcome_name(r->outcome)));
	json_object_set_new(h, "dnssec", md_json_cstr(md_dnssec_name(r->dnssec)));
	if (r->dnssec == MD_DNSSEC_BOGUS) {
		f = add(rep, "dane.tlsa_bogus", MD_SEV_CRITICAL, host, "the TLSA answer fails DNSSEC validation");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "%s TLSA: %s", name, r->why ? r->why : "bogus");
			md_finding_set_explanation(rep, f, "DANE senders defer mail to this host until the "
			                           "signatures validate (RFC 7672 2.2).");
			md_finding_add_ref(rep, f, "RFC 7672 section 2.2");
		}
		(*with_tlsa)++;
		return md_report_status(rep);
	}
	if (md_dns_failed(r)) {
		f = add(rep, "dane.tlsa_lookup_failed", MD_SEV_ERROR, host, "could not look up the TLSA records");
		if (f != NULL) {
			md_finding_set_could_not_check(f);
			md_finding_set_evidence(rep, f, "%s TLSA: %s", name, md_dns_outcome_name(r->outcome));
		}
		return md_report_status(rep);
	}
	for (i = 0; r->outcome == MD_DNS_ANSWER && i < r->nrr && n < 32; i++) {
		const md_dns_rr *rr = &r->rr[i];
		json_t *jr;

		if (rr->type != MD_DNS_TLSA || rr->rdlen < 3)
			continue;
		t[n].usage = rr->rdata[0];
		t[n].selector = rr->rdata[1];
		t[n].mtype = rr->rdata[2];
		t[n].data = rr->rdata + 3;
		t[n].len = rr->rdlen - 3u;
		t[n].problem = tlsa_check(&t[n]);
		if (t[n].problem == NULL)
			usable++;
		jr = json_pack("{s:i,s:i,s:i,s:s?,s:s?}", "usage", t[n].usage, "selector", t[n].selector,
		               "matching_type", t[n].mtype, "data", hex(a, t[n].data, t[n].len),
		               "problem", t[n].problem);
		if (jr != NULL)
			json_array_append_new(recs, jr);
		if (t[n].problem != NULL) {
			f = add(rep, t[n].usage <= 1 ? "dane.tlsa_pkix_usage" : "dane.tlsa_malformed",
			        t[n].usage <= 1 ? MD_SEV_WARNING : MD_SEV_ERROR, host, "a TLSA record is unusable");
			if (f != NULL) {
				md_finding_set_title(rep, f, "TLSA %d %d %d at %s: %s", t[n].usage, t[n].selector,
				                     t[n].mtype, name, t[n].problem);
				md_finding_add_ref(rep, f, "RFC 7672 section 3.1");
			}
		}
		n++;
	}
	if (n == 0) {
		const char *row[4] = {host, name, md_dnssec_name(r->dnssec), "no TLSA"};

		if (tab != NULL)
			md_table_add_row(rep, tab, row);
		return md_report_status(rep);
	}
	(*with_tlsa)++;
	if (r->dnssec != MD_DNSSEC_SECURE) {
		f = add(rep, "dane.tlsa_insecure", MD_SEV_WARNING, host,
		        "TLSA records are published but not DNSSEC-signed: senders ignore them");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "%s TLSA: %zu record%s, dnssec %s", name, n, n == 1 ? "" : "s",
			                        md_dnssec_name(r->dnssec));
			md_finding_set_fix(rep, f, "Sign the zone with DNSSEC (and publish DS at the parent), or "
			                   "check with a validating resolver (--dnssec / --trust-anchor).");
			md_finding_add_ref(rep, f, "RFC 7672 section 2.2");
		}
	} else if (usable == 0) {
		f = add(rep, "dane.no_usable_tlsa", MD_SEV_ERROR, host, "no TLSA record is usable for SMTP");
		if (f != NULL)
			md_finding_add_ref(rep, f, "RFC 7672 section 3.1");
	}
	if (o->probe && ctx != NULL) {
		smtp_session *s;
		size_t ns, j;

		st = smtp_probe_host(res, a, ctx, host, &o->smtp, &s, &ns);
		if (st != MD_OK)
			return st;
		for (j = 0; j < ns; j++) {
			char subj[400];
			int m;

			snprintf(subj, sizeof(subj), "%s[%s]:%u", host, s[j].addr ? s[j].addr : "?", (unsigned)port);
			if (!s[j].tls) {
				f = add(rep, "dane.no_tls", r->dnssec == MD_DNSSEC_SECURE ? MD_SEV_CRITICAL : MD_SEV_ERROR,
				        subj, "TLSA is published but TLS cannot be negotiated");
				if (f != NULL) {
					md_finding_set_evidence(rep, f, "probe stopped at %s (%s)",
					                        md_smtp_phase_name(s[j].stopped_at),
					                        md_smtp_outcome_name(s[j].phase[s[j].stopped_at].outcome));
					md_finding_set_explanation(rep, f, "DANE senders require STARTTLS and do not "
					                           "deliver without it (RFC 7672 2.2).");
				}
				continue;
			}
			m = dane_match(&s[j], t, n);
			json_object_set_new(h, "match", m >= 0 ? json_pack("{s:i,s:i,s:i}", "usage", t[m].usage,
			                                                    "selector", t[m].selector,
			                                                    "matching_type", t[m].mtype)
			                                      : json_null());
			if (m >= 0) {
				f = add(rep, "dane.match", MD_SEV_OK, subj, "the certificate matches a TLSA record");
				if (f != NULL)
					md_finding_set_evidence(rep, f, "TLSA %d %d %d", t[m].usage, t[m].selector, t[m].mtype);
			} else {
				f = add(rep, "dane.no_match", r->dnssec == MD_DNSSEC_SECURE ? MD_SEV_CRITICAL : MD_SEV_ERROR,
				        subj, "the certificate matches no TLSA record");
				if (f != NULL) {
					md_finding_set_evidence(rep, f, "leaf %s", s[j].leaf.subject ? s[j].leaf.subject : "?");
					md_finding_set_explanation(rep, f, "DANE senders refuse to deliver to this host "
					                           "(RFC 7672 2.2). Usually the certificate was renewed "
					                           "with a new key and the TLSA record not updated.");
					md_finding_set_fix(rep, f, "Publish TLSA 3 1 1 with the SHA-256 of the new key "
					                   "(keep the old record until caches expire), or reuse the key.");
					md_finding_add_ref(rep, f, "RFC 7671 section 8.1");
				}
			}
		}
	}
	{
		const char *row[4] = {host, name, md_dnssec_name(r->dnssec), NULL};
		char buf[32];

		snprintf(buf, sizeof(buf), "%zu record%s, %zu usable", n, n == 1 ? "" : "s", usable);
		row[3] = buf;
		if (tab != NULL)
			md_table_add_row(rep, tab, row);
	}
	return md_report_status(rep);
}

md_status md_check_dane(md_resolver *res, const char *domain_in, const md_dane_opts *opts,
                        md_report *rep)
{
	static const char *const cols[] = {"host", "tlsa", "dnssec", "records"};
	md_dane_opts def;
	char domain[MD_DOMAIN_MAX + 1], err[256];
	const char *why, *hosts[DANE_MAX_HOSTS];
	const md_dns_result *mx;
	size_t nh = 0, i, with_tlsa = 0;
	md_arena *a;
	SSL_CTX *ctx = NULL;
	json_t *jo, *arr;
	md_table *tab;
	md_finding *f;
	md_status st;

	memset(&def, 0, sizeof(def));
	if (opts == NULL)
		opts = &def;
	if (domain_in == NULL || !md_domain_normalize(domain_in, domain, sizeof(domain), &why))
		return MD_EINVAL;
	st = md_dns_query(res, domain, MD_DNS_MX, &mx);
	if (st != MD_OK)
		return st;
	if (md_dns_failed(mx)) {
		f = add(rep, "dane.mx_lookup_failed", MD_SEV_ERROR, domain, "could not look up the MX records");
		if (f != NULL)
			md_finding_set_could_not_check(f);
		return md_report_status(rep);
	}
	if (mx->outcome == MD_DNS_NODATA)
		hosts[nh++] = domain;
	for (i = 0; mx->outcome == MD_DNS_ANSWER && i < mx->nrr && nh < DANE_MAX_HOSTS; i++)
		if (mx->rr[i].type == MD_DNS_MX && mx->rr[i].name[0] != '\0')
			hosts[nh++] = mx->rr[i].name;
	a = md_arena_new();
	jo = json_object();
	arr = json_array();
	if (a == NULL || jo == NULL || arr == NULL) {
		md_arena_free(a);
		json_decref(jo);
		json_decref(arr);
		return MD_ENOMEM;
	}
	json_object_set_new(jo, "mx_dnssec", md_json_cstr(md_dnssec_name(mx->dnssec)));
	json_object_set_new(jo, "hosts", arr);
	md_report_summary(rep, "mx", "%zu host%s, MX answer dnssec %s", nh, nh == 1 ? "" : "s",
	                  md_dnssec_name(mx->dnssec));
	if (opts->probe) {
		ctx = smtp_tls_ctx(&opts->smtp, err, sizeof(err));
		if (ctx == NULL) {
			md_arena_free(a);
			json_decref(jo);
			return MD_EINVAL;
		}
	}
	tab = md_report_add_table(rep, "dane_tlsa", 4, cols);
	st = MD_OK;
	for (i = 0; i < nh && st == MD_OK; i++)
		st = host_check(res, a, ctx, hosts[i], opts, rep, tab, arr, &with_tlsa);
	if (st == MD_OK) {
		if (with_tlsa == 0) {
			f = add(rep, "dane.not_used", MD_SEV_NOTICE, domain, "no MX host publishes TLSA records");
			if (f != NULL)
				md_finding_set_explanation(rep, f, "DANE is not in use: senders fall back to "
				                           "MTA-STS or opportunistic TLS.");
		} else {
			if (with_tlsa < nh) {
				f = add(rep, "dane.partial", MD_SEV_WARNING, domain, "only some MX hosts publish TLSA records");
				if (f != NULL)
					md_finding_set_evidence(rep, f, "%zu of %zu hosts", with_tlsa, nh);
			}
			if (mx->dnssec != MD_DNSSEC_SECURE) {
				f = add(rep, "dane.mx_insecure", MD_SEV_WARNING, domain,
				        "the MX answer is not DNSSEC-validated: senders cannot apply DANE");
				if (f != NULL)
					md_finding_add_ref(rep, f, "RFC 7672 section 2.2.1");
			}
		}
	}
	md_report_set_json_value(rep, "dane", jo);
	SSL_CTX_free(ctx);
	md_arena_free(a);
	if (st == MD_OK)
		st = md_report_status(rep);
	return st;
}
