/*
 * dkim_check.c - maildiag dkim DOMAIN: the key records of a domain's
 * selectors parsed and linted (RFC 6376 section 3.6.1, RFC 8301, RFC
 * 8463), with selector discovery when none is given:
 *   - selectors named by DKIM-Signature fields of messages or bounces,
 *   - selectors in DMARC aggregate reports (<dkim><selector>, RFC 7489
 *     appendix C), XML plain or gzip/zip compressed,
 *   - the table of common provider selectors (dkim_selectors.c),
 *   - the RFC 8020 probe of _domainkey.DOMAIN: NXDOMAIN means no name
 *     exists below it (no keys at all), NODATA means some selector exists.
 * Every question is asked at once.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <expat.h>
#include <maildiag/dkim.h>
#include <maildiag/mime.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/ascii.h"
#include "core/domain.h"
#include "core/report_internal.h"
#include "dkim_internal.h"
#include "dkim_verify.h"
#include "unzip.h"

/* Selectors checked per run (given + discovered + common list). */
#define DKIM_MAX_CANDIDATES 256
/* Longest selector we accept (a DNS name of several labels). */
#define DKIM_MAX_SELECTOR 190
/* Largest decompressed aggregate report read for selectors. */
#define DKIM_MAX_REPORT (64u * 1024 * 1024)

enum { SRC_GIVEN = 1, SRC_MESSAGE = 2, SRC_REPORT = 4, SRC_COMMON = 8 };

typedef struct cand {
	char sel[DKIM_MAX_SELECTOR + 1];
	unsigned src;
	const char *provider;
	const md_dns_result *res;
} cand;

typedef struct dcheck {
	md_report *rep;
	const char *domain;
	cand *c;
	size_t n;
	bool overflow;
	const md_dns_result *ent;
	size_t found, missing_named, bad;
} dcheck;

static void add_cand(dcheck *k, const char *sel, size_t len, unsigned src, const char *provider)
{
	size_t i;
	cand *c;

	if (len == 0 || len > DKIM_MAX_SELECTOR)
		return;
	for (i = 0; i < len; i++)
		if (!(md_isalnum(sel[i]) || sel[i] == '-' || sel[i] == '_' || sel[i] == '.'))
			return;
	for (i = 0; i < k->n; i++)
		if (strlen(k->c[i].sel) == len && strncasecmp(k->c[i].sel, sel, len) == 0) {
			k->c[i].src |= src;
			if (provider && !k->c[i].provider)
				k->c[i].provider = provider;
			return;
		}
	if (k->n == DKIM_MAX_CANDIDATES) {
		k->overflow = true;
		return;
	}
	c = &k->c[k->n++];
	for (i = 0; i < len; i++)
		c->sel[i] = (char)md_tolower(sel[i]);
	c->sel[len] = '\0';
	c->src = src;
	c->provider = provider;
	c->res = NULL;
}

/* --- selectors from messages --- */

/* DKIM-Signature fields anywhere in the message: its own header, and the
 * headers of enclosed messages (a bounce carries the original as
 * message/rfc822 or text/rfc822-headers). */
static void from_message(dcheck *k, const char *msg, size_t len)
{
	md_message *m = NULL;
	const md_mime_part *p;

	if (md_message_parse(msg, len, NULL, &m) != MD_OK) {
		md_message_free(m);
		return;
	}
	for (p = md_message_root(m); p != NULL; p = md_part_next(p)) {
		const md_fields *h = md_part_headers(p);
		size_t i;

		for (i = 0; i < md_fields_count(h); i++) {
			const md_header *f = md_fields_at(h, i);
			dkim_sig sig;

			if (strcasecmp(f->name, "DKIM-Signature") != 0)
				continue;
			dkim_sig_parse(&sig, DKIM_KIND_SIGNATURE, f->raw_value, f->raw_value_len);
			if (sig.d.p && sig.s.p && md_str_ieq_c(sig.d, k->domain))
				add_cand(k, sig.s.p, sig.s.n, SRC_MESSAGE, NULL);
		}
	}
	md_message_free(m);
}

/* --- selectors from DMARC aggregate reports --- */

typedef struct xml_state {
	dcheck *k;
	int in_dkim;
	int field; /* 1 domain, 2 selector */
	char domain[256], selector[DKIM_MAX_SELECTOR + 1];
	size_t dn, sn;
} xml_state;

static void XMLCALL x_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xml_state *x = ud;
	const char *local = strrchr(name, ':');

	(void)atts;
	local = local ? local + 1 : name;
	if (strcmp(local, "dkim") == 0) {
		x->in_dkim++;
		x->dn = x->sn = 0;
	} else if (x->in_dkim && strcmp(local, "domain") == 0) {
		x->field = 1;
	} else if (x->in_dkim && strcmp(local, "selector") == 0) {
		x->field = 2;
	}
}

static void XMLCALL x_end(void *ud, const XML_Char *name)
{
	xml_state *x = ud;
	const char *local = strrchr(name, ':');

	local = local ? local + 1 : name;
	x->field = 0;
	if (strcmp(local, "dkim") == 0 && x->in_dkim) {
		x->in_dkim--;
		x->domain[x->dn] = '\0';
		if (x->sn > 0 &&
		    md_str_ieq(md_str_trim((md_str){x->domain, x->dn}), md_str_c(x->k->domain))) {
			md_str s = md_str_trim((md_str){x->selector, x->sn});

			add_cand(x->k, s.p, s.n, SRC_REPORT, NULL);
		}
	}
}

static void XMLCALL x_text(void *ud, const XML_Char *s, int len)
{
	xml_state *x = ud;
	size_t n = (size_t)len;

	if (x->field == 1 && x->dn + n < sizeof(x->domain)) {
		memcpy(x->domain + x->dn, s, n);
		x->dn += n;
	} else if (x->field == 2 && x->sn + n < sizeof(x->selector)) {
		memcpy(x->selector + x->sn, s, n);
		x->sn += n;
	}
}

static void from_report(dcheck *k, const char *p, size_t n)
{
	XML_Parser xp;
	xml_state x;
	char *raw = NULL;

	if (n >= 4 && ((unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b)) {
		raw = md_unzip_first(p, n, DKIM_MAX_REPORT, &n);
		p = raw;
	} else if (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0) {
		raw = md_unzip_first(p, n, DKIM_MAX_REPORT, &n);
		p = raw;
	}
	if (p == NULL)
		return;
	memset(&x, 0, sizeof(x));
	x.k = k;
	xp = XML_ParserCreateNS(NULL, ':');
	if (xp != NULL) {
		XML_SetUserData(xp, &x);
		XML_SetElementHandler(xp, x_start, x_end);
		XML_SetCharacterDataHandler(xp, x_text);
		/* a broken report still yields the selectors read before the error */
		XML_Parse(xp, p, (int)(n > (size_t)INT32_MAX ? INT32_MAX : n), 1);
		XML_ParserFree(xp);
	}
	md_free(raw);
}

/* --- linting one key record --- */

static void store(void *ud, const md_dns_result *res)
{
	*(const md_dns_result **)ud = res;
}

static const char *src_text(unsigned src)
{
	if (src & SRC_GIVEN)
		return "given";
	if (src & SRC_MESSAGE)
		return "message";
	if (src & SRC_REPORT)
		return "dmarc-report";
	return "common-list";
}

static void lint_one(dcheck *k, cand *c, md_table *t, json_t *arr)
{
	md_report *rep = k->rep;
	const md_dns_result *res = c->res;
	char name[300];
	const char *row[6];
	char bits[16] = "";
	const char *status = "ok", *ktype = "";
	md_finding *f;
	dkim_keyinfo ki;
	dkim_err e;
	md_arena *a = md_report_arena(rep);
	json_t *o;
	bool named = (c->src & (SRC_GIVEN | SRC_MESSAGE | SRC_REPORT)) != 0;

	snprintf(name, sizeof(name), "%s._domainkey.%s", c->sel, k->domain);
	memset(&ki, 0, sizeof(ki));
	if (res == NULL || md_dns_failed(res)) {
		status = "could_not_check";
		f = md_report_add(rep, "dkim.key_lookup_failed", MD_SEV_ERROR,
		                  MD_PILLAR_AUTHENTICATION, name,
		                  "The DKIM key could not be looked up");
		md_finding_set_evidence(rep, f, "%s TXT: %s", name,
		                        res ? md_dns_outcome_name(res->outcome) : "not asked");
		md_finding_set_explanation(rep, f,
		                           "Receivers that cannot fetch the key treat the "
		                           "signature as a temporary error.");
		md_finding_set_fix(rep, f,
		                   "Check that the domain's name servers answer for "
		                   "_domainkey names; then run again.");
		md_finding_set_could_not_check(f);
		md_finding_add_ref(rep, f, "RFC 6376 section 6.1.2");
		k->bad++;
		goto row;
	}
	if (res->outcome != MD_DNS_ANSWER) {
		status = "missing";
		if (res->ncname > 0) {
			f = md_report_add(
			    rep, "dkim.cname_dangling", MD_SEV_ERROR, MD_PILLAR_AUTHENTICATION,
			    name, "The selector is a CNAME to a name that does not resolve");
			md_finding_set_evidence(rep, f, "%s CNAME ... %s: %s", name, res->canonical,
			                        md_dns_outcome_name(res->outcome));
			md_finding_set_explanation(
			    rep, f,
			    "The key is delegated to a provider (CNAME) but the "
			    "provider does not publish it: signatures with this "
			    "selector fail with 'no key'.");
			md_finding_set_fix(rep, f,
			                   "Finish the DKIM set-up at the provider %s points to "
			                   "(it may still be pending), or remove the CNAME if "
			                   "that provider is no longer used.",
			                   name);
			md_finding_add_ref(rep, f, "RFC 6376 section 6.1.2");
			k->bad++;
		} else if (named) {
			f = md_report_add(rep, "dkim.key_not_found", MD_SEV_ERROR,
			                  MD_PILLAR_AUTHENTICATION, name,
			                  "No DKIM key at the selector");
			md_finding_set_evidence(rep, f, "%s TXT: %s (selector from %s)", name,
			                        md_dns_outcome_name(res->outcome),
			                        src_text(c->src));
			md_finding_set_explanation(rep, f,
			                           "Mail signed with s=%s fails DKIM "
			                           "(permerror: no key).",
			                           c->sel);
			md_finding_set_fix(rep, f,
			                   "Publish the public key the signer uses as a TXT "
			                   "record at %s (the sending service shows the value).",
			                   name);
			md_finding_add_ref(rep, f, "RFC 6376 section 3.6.2.1");
			k->missing_named++;
		} else {
			return; /* a guess from the common list that is not there */
		}
		goto row;
	}
	k->found++;
	if (res->nrr > 1) {
		f = md_report_add(rep, "dkim.key_multiple", MD_SEV_ERROR, MD_PILLAR_AUTHENTICATION,
		                  name, "Several TXT records at the selector");
		md_finding_set_evidence(rep, f, "%s has %zu TXT records", name, res->nrr);
		md_finding_set_explanation(rep, f,
		                           "Receivers may pick any of them; signatures then "
		                           "fail at random.");
		md_finding_set_fix(rep, f, "Keep exactly one key record at %s.", name);
		md_finding_add_ref(rep, f, "RFC 6376 section 3.6.2.2");
		status = "invalid";
		k->bad++;
	}
	e = dkim_key_from_dns(res, NULL, &ki, a, NULL);
	if (ki.record == NULL) {
		status = "invalid";
		goto row;
	}
	if (ki.key.k_ed25519)
		ktype = "ed25519";
	else if (ki.key.k_rsa)
		ktype = "rsa";
	if (ki.bits)
		snprintf(bits, sizeof(bits), "%u", ki.bits);
	if (e != DKIM_OK) {
		const dkim_reason *why = dkim_reason_get(e);
		md_severity sev = MD_SEV_ERROR;

		status = e == DKIM_E_KEY_REVOKED ? "revoked" : "invalid";
		if (e == DKIM_E_KEY_TOO_SHORT)
			sev = MD_SEV_CRITICAL;
		else if (e == DKIM_E_KEY_REVOKED)
			sev = named ? MD_SEV_ERROR : MD_SEV_NOTICE;
		f = md_report_add(rep, why->id, sev, MD_PILLAR_AUTHENTICATION, name,
		                  "The DKIM key record is unusable");
		md_finding_set_title(rep, f, "DKIM key %s: %s", c->sel, why->text);
		if (ki.key.err_detail || e == DKIM_E_KEY_SYNTAX)
			md_finding_set_evidence(
			    rep, f, "%s\nat byte %zu (\"%.24s\"): %s", ki.record, ki.key.err_offset,
			    ki.key.err_offset < strlen(ki.record) ? ki.record + ki.key.err_offset
			                                          : "",
			    ki.key.err_detail ? ki.key.err_detail : why->text);
		else if (e == DKIM_E_KEY_TOO_SHORT)
			md_finding_set_evidence(rep, f, "%u-bit RSA key: %s", ki.bits, ki.record);
		else
			md_finding_set_evidence(rep, f, "%s", ki.record);
		md_finding_set_explanation(rep, f,
		                           "Receivers cannot verify signatures made with "
		                           "this selector: DKIM fails (permerror).");
		if (why->fix)
			md_finding_set_fix(rep, f, "%s", why->fix);
		md_finding_add_ref(rep, f, why->ref);
		k->bad++;
		goto row;
	}
	if (ki.key.k_rsa && ki.bits == 1024) {
		f = md_report_add(rep, "dkim.key_1024", MD_SEV_WARNING, MD_PILLAR_AUTHENTICATION,
		                  name, "The RSA key is only 1024 bits");
		md_finding_set_evidence(rep, f, "1024-bit RSA key at %s", name);
		md_finding_set_explanation(rep, f,
		                           "1024 bits is the minimum receivers accept and is "
		                           "within reach of factoring; RFC 8301 asks for 2048.");
		md_finding_set_fix(rep, f,
		                   "Generate a 2048-bit key under a new selector, publish it, "
		                   "switch the signer, then revoke %s (p= empty).",
		                   c->sel);
		md_finding_add_ref(rep, f, "RFC 8301 section 3.2");
	}
	if (ki.key.t_testing) {
		f = md_report_add(rep, "dkim.key_testing", MD_SEV_WARNING, MD_PILLAR_AUTHENTICATION,
		                  name, "The key is still in testing mode (t=y)");
		md_finding_set_evidence(rep, f, "%s", ki.record);
		md_finding_set_explanation(rep, f,
		                           "t=y tells receivers the domain is testing DKIM: "
		                           "they may treat its signatures as unsigned.");
		md_finding_set_fix(rep, f, "Remove t=y from the record at %s.", name);
		md_finding_add_ref(rep, f, "RFC 6376 section 3.6.1 (t=)");
	}
	if (ki.key.h.p && !ki.key.h_sha256) {
		f = md_report_add(rep, "dkim.key_hash_not_allowed", MD_SEV_ERROR,
		                  MD_PILLAR_AUTHENTICATION, name, "The key allows only SHA-1 (h=)");
		md_finding_set_evidence(rep, f, "%s", ki.record);
		md_finding_set_explanation(rep, f,
		                           "rsa-sha1 signatures are no longer valid (RFC "
		                           "8301), and h= forbids rsa-sha256 with this key.");
		md_finding_set_fix(rep, f, "Remove h= from the key record.");
		md_finding_add_ref(rep, f, "RFC 8301 section 3.1");
		status = "invalid";
		k->bad++;
	} else if (ki.key.h.p) {
		f = md_report_add(rep, "dkim.key_hash_restricted", MD_SEV_NOTICE,
		                  MD_PILLAR_AUTHENTICATION, name, "The key restricts hashes (h=)");
		md_finding_set_evidence(rep, f, "h=%.*s", (int)ki.key.h.n, ki.key.h.p);
		md_finding_add_ref(rep, f, "RFC 6376 section 3.6.1 (h=)");
	}
	if (ki.key.s.p) {
		f = md_report_add(rep, "dkim.key_service_restricted", MD_SEV_NOTICE,
		                  MD_PILLAR_AUTHENTICATION, name,
		                  "The key restricts services (s=)");
		md_finding_set_evidence(rep, f, "s=%.*s", (int)ki.key.s.n, ki.key.s.p);
		md_finding_add_ref(rep, f, "RFC 6376 section 3.6.1 (s=)");
	}
	if (ki.key.t_strict) {
		f = md_report_add(rep, "dkim.key_strict_identity", MD_SEV_NOTICE,
		                  MD_PILLAR_AUTHENTICATION, name,
		                  "The key requires i= to equal d= exactly (t=s)");
		md_finding_set_explanation(rep, f,
		                           "Signatures with i= in a subdomain of d= fail "
		                           "with this key.");
		md_finding_add_ref(rep, f, "RFC 6376 section 3.6.1 (t=s)");
	}
	if (ki.key.v_not_first) {
		f = md_report_add(rep, "dkim.key_v_not_first", MD_SEV_WARNING,
		                  MD_PILLAR_AUTHENTICATION, name, "v=DKIM1 is not the first tag");
		md_finding_set_evidence(rep, f, "%s", ki.record);
		md_finding_set_explanation(rep, f,
		                           "RFC 6376 requires v= first when present; some "
		                           "verifiers reject the record.");
		md_finding_set_fix(rep, f, "Put v=DKIM1 first or remove it.");
		md_finding_add_ref(rep, f, "RFC 6376 section 3.6.1 (v=)");
	}
	if (strcmp(status, "ok") != 0)
		goto row;
	f = md_report_add(rep, "dkim.key_ok", MD_SEV_OK, MD_PILLAR_AUTHENTICATION, name,
	                  "DKIM key published");
	md_finding_set_title(rep, f, "DKIM key %s: %s%s%s", c->sel, bits, bits[0] ? "-bit " : "",
	                     ktype);
	md_finding_set_evidence(rep, f, "%s%s%s%s", res->ncname ? "via CNAME " : "",
	                        res->ncname ? res->canonical : "", res->ncname ? ": " : "",
	                        ki.record);
	if (c->provider)
		md_finding_set_explanation(rep, f, "Selector %s is the one %s uses.", c->sel,
		                           c->provider);
row:
	row[0] = c->sel;
	row[1] = src_text(c->src);
	row[2] = status;
	row[3] = ktype;
	row[4] = bits;
	row[5] = res && res->ncname ? res->canonical : "";
	md_table_add_row(rep, t, row);
	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "selector", c->sel, "name",
	              name, "source", src_text(c->src), "status", status, "provider",
	              md_json_cstr(c->provider), "record", md_json_cstr(ki.record), "key_type",
	              md_json_cstr(ktype[0] ? ktype : NULL), "key_bits",
	              ki.bits ? json_integer(ki.bits) : json_null(), "cname",
	              md_json_cstr(res && res->ncname ? res->canonical : NULL));
	json_array_append_new(arr, o);
	EVP_PKEY_free(ki.pkey);
}

md_status md_check_dkim(md_resolver *res, const char *domain, const md_dkim_check_opts *opts,
                        md_report *rep)
{
	static const char *const cols[] = {"selector", "source", "status", "type", "bits", "cname"};
	static const md_dkim_check_opts none = {0};
	char d[MD_DOMAIN_MAX + 1], probe[MD_DOMAIN_MAX + 16];
	const char *why;
	dcheck k;
	size_t i, common_absent = 0;
	md_table *t;
	json_t *arr, *disc;
	md_finding *f;
	bool discover;

	if (res == NULL || rep == NULL || !md_domain_normalize(domain, d, sizeof(d), &why))
		return MD_EINVAL;
	if (opts == NULL)
		opts = &none;
	memset(&k, 0, sizeof(k));
	k.rep = rep;
	k.domain = d;
	k.c = md_calloc(DKIM_MAX_CANDIDATES, sizeof(*k.c));
	if (k.c == NULL)
		return MD_ENOMEM;
	for (i = 0; i < opts->nselectors; i++)
		add_cand(&k, opts->selectors[i], strlen(opts->selectors[i]), SRC_GIVEN, NULL);
	for (i = 0; i < opts->nmessages; i++)
		from_message(&k, opts->messages[i], opts->message_lens[i]);
	for (i = 0; i < opts->nreports; i++)
		from_report(&k, opts->reports[i], opts->report_lens[i]);
	discover = opts->nselectors == 0;
	if (discover && !opts->no_common) {
		size_t nk;
		const md_dkim_known_selector *ks = md_dkim_known_selectors(&nk);

		for (i = 0; i < nk; i++)
			add_cand(&k, ks[i].selector, strlen(ks[i].selector), SRC_COMMON,
			         ks[i].provider);
	}
	/* every question at once */
	snprintf(probe, sizeof(probe), "_domainkey.%s", d);
	md_dns_submit(res, probe, MD_DNS_TXT, store, &k.ent);
	for (i = 0; i < k.n; i++) {
		char name[MD_DOMAIN_MAX + DKIM_MAX_SELECTOR + 16];

		snprintf(name, sizeof(name), "%s._domainkey.%s", k.c[i].sel, d);
		if (md_dns_submit(res, name, MD_DNS_TXT, store, &k.c[i].res) == MD_EINVAL)
			k.c[i].res = NULL;
	}
	md_dns_wait(res);

	t = md_report_add_table(rep, "dkim_keys", 6, cols);
	arr = json_array();
	if (t == NULL || arr == NULL) {
		json_decref(arr);
		md_free(k.c);
		return MD_ENOMEM;
	}
	md_report_trace(rep, 0, "selector discovery for %s: %zu given, %zu candidates in all", d,
	                opts->nselectors, k.n);
	for (i = 0; i < k.n; i++) {
		const cand *c = &k.c[i];
		bool absent = c->res && (c->res->outcome == MD_DNS_NXDOMAIN ||
		                         c->res->outcome == MD_DNS_NODATA);

		lint_one(&k, &k.c[i], t, arr);
		if (c->src == SRC_COMMON && absent) {
			common_absent++;
			continue;
		}
		md_report_trace(rep, 1, "%s._domainkey.%s (%s): %s", c->sel, d, src_text(c->src),
		                c->res ? md_dns_outcome_name(c->res->outcome) : "not asked");
	}
	if (common_absent > 0)
		md_report_trace(rep, 1, "%zu common provider selectors: no record", common_absent);
	md_report_set_json_value(rep, "selectors", arr);

	/* RFC 8020: NXDOMAIN at _domainkey.DOMAIN means nothing exists below */
	{
		const char *ent = k.ent == NULL                       ? "not asked"
		                  : md_dns_failed(k.ent)              ? "failed"
		                  : k.ent->outcome == MD_DNS_NXDOMAIN ? "nxdomain"
		                                                      : "exists";

		disc =
		    json_pack("{s:s, s:i, s:i, s:b}", "domainkey_node", ent, "candidates", (int)k.n,
		              "found", (int)k.found, "common_list", discover && !opts->no_common);
		md_report_set_json_value(rep, "discovery", disc);
		md_report_trace(rep, 1, "_domainkey.%s: %s (RFC 8020 empty-non-terminal probe)", d,
		                ent);
		if (k.found == 0 && k.missing_named == 0 && k.bad == 0) {
			if (k.ent && k.ent->outcome == MD_DNS_NXDOMAIN) {
				f = md_report_add(rep, "dkim.no_keys", MD_SEV_ERROR,
				                  MD_PILLAR_AUTHENTICATION, d,
				                  "No DKIM keys are published for the domain");
				md_finding_set_evidence(
				    rep, f, "%s: NXDOMAIN (no name exists below it)", probe);
				md_finding_set_explanation(rep, f,
				                           "_domainkey.%s does not exist, so no "
				                           "selector exists under it (RFC "
				                           "8020): mail from %s cannot carry a "
				                           "DKIM signature aligned with it, "
				                           "and DMARC then depends on SPF alone.",
				                           d, d);
				md_finding_set_fix(rep, f,
				                   "Enable DKIM at each service that sends as %s "
				                   "and publish the key record it gives you.",
				                   d);
				md_finding_add_ref(rep, f, "RFC 8020 section 2");
				md_finding_add_ref(rep, f, "RFC 6376 section 3.6.2.1");
			} else if (k.ent && md_dns_failed(k.ent)) {
				f = md_report_add(rep, "dkim.discovery_failed", MD_SEV_WARNING,
				                  MD_PILLAR_AUTHENTICATION, d,
				                  "DKIM selector discovery could not be completed");
				md_finding_set_evidence(rep, f, "%s: %s", probe,
				                        md_dns_outcome_name(k.ent->outcome));
				md_finding_set_could_not_check(f);
			} else {
				f = md_report_add(
				    rep, "dkim.selector_unknown", MD_SEV_WARNING,
				    MD_PILLAR_AUTHENTICATION, d,
				    "DKIM keys exist but under selectors maildiag does not know");
				md_finding_set_evidence(
				    rep, f,
				    "%s exists (RFC 8020: names exist below "
				    "it); none of %zu common selectors answered",
				    probe, k.n);
				md_finding_set_explanation(
				    rep, f,
				    "A selector can be any name. The DKIM-Signature "
				    "of a message you sent names it (s=).");
				md_finding_set_fix(rep, f,
				                   "Run again with --selector S, or with "
				                   "--from-message FILE (a message or bounce you "
				                   "sent) or --from-report FILE (a DMARC aggregate "
				                   "report).");
				md_finding_add_ref(rep, f, "RFC 8020 section 2");
			}
		}
	}
	md_report_summary(rep, "dkim keys", "%zu found, %zu problem%s, %zu candidate selector%s",
	                  k.found, k.bad + k.missing_named, k.bad + k.missing_named == 1 ? "" : "s",
	                  k.n, k.n == 1 ? "" : "s");
	md_free(k.c);
	return md_report_status(rep);
}
