/*
 * mx.c - the MX check: where does mail for a domain go, and can it get there?
 *
 * RFC 5321 section 5.1: a sender looks up MX; with no MX records (NODATA)
 * it falls back to the domain's own A/AAAA ("implicit MX"); an MX set that
 * is the single record "0 ." is a null MX (RFC 7505): the domain accepts
 * no mail. MX targets must be host names with address records, not CNAMEs
 * (RFC 2181 section 10.3) and not IP literals.
 *
 * Two rounds of DNS, each fully in flight at once: MX (with the A/AAAA of
 * the domain itself for the implicit case), then A and AAAA of every host.
 */
#include <maildiag/mx.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/domain.h"
#include "core/ip.h"
#include "core/report_internal.h"

/* RFC 5321 does not bound the MX set; we stop probing hosts past this and
 * say so, so a hostile zone cannot make one check ask thousands of names. */
#define MX_MAX_HOSTS 32

/* Mailbox providers recognised from their MX host names (domain knowledge
 * as data; the provider name is for the summary only). */
static const struct {
	const char *suffix;
	const char *provider;
} mx_providers[] = {
	{"google.com", "Google (Gmail / Google Workspace)"},
	{"googlemail.com", "Google (Gmail / Google Workspace)"},
	{"mail.protection.outlook.com", "Microsoft 365 / Exchange Online"},
	{"outlook.com", "Microsoft (Outlook.com)"},
	{"hotmail.com", "Microsoft (Outlook.com)"},
	{"yahoodns.net", "Yahoo"},
	{"icloud.com", "Apple iCloud Mail"},
	{"pphosted.com", "Proofpoint"},
	{"ppe-hosted.com", "Proofpoint Essentials"},
	{"mimecast.com", "Mimecast"},
	{"messagelabs.com", "Broadcom Email Security.cloud"},
	{"barracudanetworks.com", "Barracuda Email Security"},
	{"zoho.com", "Zoho Mail"},
	{"zoho.eu", "Zoho Mail"},
	{"protonmail.ch", "Proton Mail"},
	{"messagingengine.com", "Fastmail"},
	{"amazonaws.com", "Amazon SES / WorkMail"},
	{"mailgun.org", "Mailgun"},
	{"sendgrid.net", "SendGrid"},
	{"yandex.net", "Yandex"},
	{"mail.ru", "Mail.ru"},
	{"secureserver.net", "GoDaddy"},
	{"ovh.net", "OVHcloud"},
	{"ionos.com", "IONOS"},
	{"emailsrvr.com", "Rackspace"},
	{"hornetsecurity.com", "Hornetsecurity"},
	{"trendmicro.com", "Trend Micro"},
	{"sophos.com", "Sophos"},
};

struct mx_host {
	char *name;
	uint16_t pref;
	const md_dns_result *a, *aaaa;
	bool ip_literal;
	const char *status;
};

struct mx_run {
	md_resolver *res;
	md_report *rep;
	const char *domain;
	const md_dns_result *mx, *dom_a, *dom_aaaa;
	struct mx_host *hosts;
	size_t nhosts;  /* hosts checked */
	size_t nalloc;  /* hosts allocated (>= nhosts when the set was cut) */
};

static void store_result(void *ud, const md_dns_result *res)
{
	*(const md_dns_result **)ud = res;
}

static int host_cmp(const void *a, const void *b)
{
	const struct mx_host *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->name, y->name);
}

static const char *provider_of(const char *host)
{
	size_t i;

	for (i = 0; i < sizeof(mx_providers) / sizeof(mx_providers[0]); i++)
		if (md_domain_in(host, mx_providers[i].suffix))
			return mx_providers[i].provider;
	return NULL;
}

static md_finding *could_not_check(struct mx_run *run, const char *id, const char *subject,
                                   const md_dns_result *res, const char *what)
{
	md_finding *f = md_report_add(run->rep, id, MD_SEV_ERROR, MD_PILLAR_INFRASTRUCTURE,
	                              subject, what);
	char tb[16];

	md_finding_set_could_not_check(f);
	md_finding_set_evidence(run->rep, f, "%s %s: %s%s%s", res->qname,
	                        md_dns_type_name(res->qtype, tb, sizeof(tb)),
	                        md_dns_outcome_name(res->outcome), res->why ? " - " : "",
	                        res->why ? res->why : "");
	md_finding_set_explanation(run->rep, f,
	                           "The DNS question got no usable answer (%s), so maildiag cannot "
	                           "tell whether the records exist. This is not the same as a "
	                           "missing record.",
	                           md_dns_outcome_name(res->outcome));
	md_finding_set_fix(run->rep, f,
	                   "Check that the domain's authoritative name servers answer for %s "
	                   "(e.g. dig +trace %s %s) and that the resolver in use works; then run "
	                   "the check again.",
	                   res->qname, res->qname, md_dns_type_name(res->qtype, tb, sizeof(tb)));
	md_finding_add_ref(run->rep, f, "RFC 5321 section 5.1");
	return f;
}

/* Addresses of RES as text into J (a JSON array) and B (comma list). */
static void collect_addrs(const md_dns_result *res, json_t *j, char *b, size_t blen)
{
	char ip[64];
	size_t i;

	if (res == NULL || res->outcome != MD_DNS_ANSWER)
		return;
	for (i = 0; i < res->nrr; i++) {
		md_ip addr;

		if (res->rr[i].type != MD_DNS_A && res->rr[i].type != MD_DNS_AAAA)
			continue;
		md_ip_from_bytes(&addr, res->rr[i].type == MD_DNS_A ? 4 : 6, res->rr[i].addr);
		md_ip_str(&addr, ip, sizeof(ip));
		json_array_append_new(j, json_string(ip));
		if (b[0] != '\0')
			strncat(b, ", ", blen - strlen(b) - 1);
		strncat(b, ip, blen - strlen(b) - 1);
	}
}

/* Findings about the addresses of one host (private ranges etc.). */
static void check_addresses(struct mx_run *run, struct mx_host *h)
{
	const md_dns_result *rs[2] = {h->a, h->aaaa};
	size_t k, i;

	for (k = 0; k < 2; k++) {
		if (rs[k] == NULL || rs[k]->outcome != MD_DNS_ANSWER)
			continue;
		for (i = 0; i < rs[k]->nrr; i++) {
			md_ip addr;
			md_ip_scope scope;
			char ip[64];
			md_finding *f;

			if (rs[k]->rr[i].type != rs[k]->qtype)
				continue;
			md_ip_from_bytes(&addr, rs[k]->qtype == MD_DNS_A ? 4 : 6, rs[k]->rr[i].addr);
			scope = md_ip_classify(&addr);
			if (scope == MD_IP_GLOBAL)
				continue;
			md_ip_str(&addr, ip, sizeof(ip));
			f = md_report_add(run->rep, "mx.address_not_public", MD_SEV_ERROR,
			                  MD_PILLAR_INFRASTRUCTURE, h->name,
			                  "MX host has an address senders on the Internet cannot reach");
			md_finding_set_evidence(run->rep, f, "%s %s %s (%s range)", h->name,
			                        rs[k]->qtype == MD_DNS_A ? "A" : "AAAA", ip,
			                        md_ip_scope_name(scope));
			md_finding_set_explanation(run->rep, f,
			                           "%s is a %s address. Other mail servers will try to "
			                           "deliver there and fail, or deliver to a machine "
			                           "of their own network.",
			                           ip, md_ip_scope_name(scope));
			md_finding_set_fix(run->rep, f,
			                   "Publish the public address of %s in DNS; keep internal "
			                   "addresses in a split-horizon view only.",
			                   h->name);
			md_finding_add_ref(run->rep, f, "RFC 6890");
			h->status = "address_not_public";
		}
	}
}

static void check_host(struct mx_run *run, struct mx_host *h, size_t *usable)
{
	md_finding *f;

	if (h->ip_literal) {
		f = md_report_add(run->rep, "mx.target_ip_literal", MD_SEV_ERROR,
		                  MD_PILLAR_INFRASTRUCTURE, h->name,
		                  "MX record points at an IP address instead of a host name");
		md_finding_set_evidence(run->rep, f, "%s MX %u %s", run->domain, h->pref, h->name);
		md_finding_set_explanation(run->rep, f,
		                           "An MX target must be a host name with A/AAAA records. "
		                           "Senders look the text up as a name, find nothing, and "
		                           "cannot deliver through this record.");
		md_finding_set_fix(run->rep, f,
		                   "Create a host name (e.g. mx1.%s) with an A record %s and point "
		                   "the MX at that name.",
		                   run->domain, h->name);
		md_finding_add_ref(run->rep, f, "RFC 5321 section 5.1");
		md_finding_add_ref(run->rep, f, "RFC 7505 section 1");
		h->status = "ip_literal";
		return;
	}
	if ((h->a != NULL && md_dns_failed(h->a)) || (h->aaaa != NULL && md_dns_failed(h->aaaa))) {
		const md_dns_result *bad = md_dns_failed(h->a) ? h->a : h->aaaa;
		bool other_ok = (bad == h->a ? h->aaaa : h->a)->outcome == MD_DNS_ANSWER;

		if (!other_ok) {
			could_not_check(run, "mx.host_lookup_failed", h->name, bad,
			                "Could not look up the address of an MX host");
			h->status = "lookup_failed";
			return;
		}
		f = could_not_check(run, "mx.host_lookup_partial", h->name, bad,
		                    "Could not look up one address family of an MX host");
		if (f != NULL)
			f->severity = MD_SEV_WARNING;
	}
	if (h->a->ncname > 0 || h->aaaa->ncname > 0) {
		const md_dns_result *c = h->a->ncname > 0 ? h->a : h->aaaa;

		f = md_report_add(run->rep, "mx.target_cname", MD_SEV_WARNING,
		                  MD_PILLAR_INFRASTRUCTURE, h->name,
		                  "MX target is an alias (CNAME), which the standards forbid");
		md_finding_set_evidence(run->rep, f, "%s CNAME ... %s (%zu hop%s)", h->name,
		                        c->canonical, c->ncname, c->ncname == 1 ? "" : "s");
		md_finding_set_explanation(run->rep, f,
		                           "Most senders follow the alias, but some MTAs refuse it and "
		                           "it breaks the host name checks of TLS and DANE.");
		md_finding_set_fix(run->rep, f, "Point the MX record directly at %s.", c->canonical);
		md_finding_add_ref(run->rep, f, "RFC 2181 section 10.3");
		md_finding_add_ref(run->rep, f, "RFC 5321 section 5.1");
		if (h->status == NULL)
			h->status = "cname";
	}
	if (h->a->outcome != MD_DNS_ANSWER && h->aaaa->outcome != MD_DNS_ANSWER) {
		if (!h->ip_literal) {
			f = md_report_add(run->rep, "mx.host_no_address", MD_SEV_ERROR,
			                  MD_PILLAR_INFRASTRUCTURE, h->name,
			                  "MX host has no address (no A or AAAA record)");
			md_finding_set_evidence(run->rep, f, "%s A: %s; %s AAAA: %s", h->name,
			                        md_dns_outcome_name(h->a->outcome), h->name,
			                        md_dns_outcome_name(h->aaaa->outcome));
			md_finding_set_explanation(run->rep, f,
			                           "Senders skip this MX host%s.",
			                           run->nhosts == 1 ? " and, as it is the only one, "
			                                              "cannot deliver at all"
			                                            : "; if the others fail, mail "
			                                              "is deferred and finally bounces");
			md_finding_set_fix(run->rep, f,
			                   "Publish A (and AAAA if reachable over IPv6) records for %s, "
			                   "or remove the MX record that names it.",
			                   h->name);
			md_finding_add_ref(run->rep, f, "RFC 5321 section 5.1");
			h->status = "no_address";
		}
		return;
	}
	check_addresses(run, h);
	if (h->status == NULL || strcmp(h->status, "cname") == 0)
		(*usable)++;
	if (h->status == NULL)
		h->status = "ok";
}

static void report_hosts(struct mx_run *run)
{
	static const char *const cols[] = {"pref", "host", "addresses", "status"};
	md_table *t = md_report_add_table(run->rep, "mx_hosts", 4, cols);
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < run->nhosts; i++) {
		struct mx_host *h = &run->hosts[i];
		json_t *addrs = json_array();
		char pref[8], list[1024] = "";
		const char *row[4];

		collect_addrs(h->a, addrs, list, sizeof(list));
		collect_addrs(h->aaaa, addrs, list, sizeof(list));
		snprintf(pref, sizeof(pref), "%u", h->pref);
		row[0] = pref;
		row[1] = h->name;
		row[2] = list;
		row[3] = h->status ? h->status : "";
		md_table_add_row(run->rep, t, row);
		json_array_append_new(arr, json_pack("{s:i,s:o,s:o,s:o,s:o}", "preference", h->pref,
		                                     "host", md_json_cstr(h->name), "cname",
		                                     h->a && h->a->ncname ? md_json_cstr(h->a->canonical)
		                                                          : json_null(),
		                                     "addresses", addrs, "status",
		                                     md_json_cstr(h->status)));
	}
	md_report_set_json_value(run->rep, "mx", arr);
}

static md_status implicit_mx(struct mx_run *run)
{
	md_finding *f;
	struct mx_host *h;
	size_t usable = 0;

	if (md_dns_failed(run->dom_a) && md_dns_failed(run->dom_aaaa)) {
		could_not_check(run, "mx.lookup_failed", run->domain, run->dom_a,
		                "Could not look up the domain's address for the implicit MX");
		return MD_OK;
	}
	md_report_set_json_value(run->rep, "implicit_mx", json_true());
	if (run->dom_a->outcome != MD_DNS_ANSWER && run->dom_aaaa->outcome != MD_DNS_ANSWER) {
		f = md_report_add(run->rep, "mx.none", MD_SEV_CRITICAL, MD_PILLAR_INFRASTRUCTURE,
		                  run->domain, "The domain cannot receive mail: no MX and no address");
		md_finding_set_evidence(run->rep, f, "%s MX: nodata; A: %s; AAAA: %s", run->domain,
		                        md_dns_outcome_name(run->dom_a->outcome),
		                        md_dns_outcome_name(run->dom_aaaa->outcome));
		md_finding_set_explanation(run->rep, f,
		                           "With neither MX nor A/AAAA records, senders have nowhere to "
		                           "deliver; mail to this domain bounces, and receivers that "
		                           "check the sender domain may reject mail FROM it too.");
		md_finding_set_fix(run->rep, f,
		                   "Publish MX records for %s pointing at the servers that receive its "
		                   "mail; if it must never receive mail, publish a null MX "
		                   "(\"%s. IN MX 0 .\").",
		                   run->domain, run->domain);
		md_finding_add_ref(run->rep, f, "RFC 5321 section 5.1");
		md_finding_add_ref(run->rep, f, "RFC 7505");
		md_report_summary(run->rep, "mx", "none (and no address for the implicit MX)");
		return MD_OK;
	}
	f = md_report_add(run->rep, "mx.implicit", MD_SEV_WARNING, MD_PILLAR_INFRASTRUCTURE,
	                  run->domain, "No MX records: mail goes to the domain's own address");
	md_finding_set_evidence(run->rep, f, "%s MX: nodata; falling back to A/AAAA of %s",
	                        run->domain, run->domain);
	md_finding_set_explanation(run->rep, f,
	                           "RFC 5321 lets senders use the A/AAAA record when there is no MX "
	                           "(implicit MX), but that is usually a web server that does not "
	                           "accept mail, and some receivers distrust sender domains without "
	                           "MX.");
	md_finding_set_fix(run->rep, f,
	                   "Publish MX records naming the host that receives mail for %s (\"%s. IN "
	                   "MX 10 mail.%s.\"), or a null MX if the domain takes no mail.",
	                   run->domain, run->domain, run->domain);
	md_finding_add_ref(run->rep, f, "RFC 5321 section 5.1");
	run->hosts = md_calloc(1, sizeof(*run->hosts));
	if (run->hosts == NULL)
		return MD_ENOMEM;
	h = &run->hosts[0];
	h->name = md_strdup(run->domain);
	if (h->name == NULL)
		return MD_ENOMEM;
	run->nhosts = run->nalloc = 1;
	h->a = run->dom_a;
	h->aaaa = run->dom_aaaa;
	check_host(run, h, &usable);
	report_hosts(run);
	md_report_summary(run->rep, "mx", "none: implicit MX %s", run->domain);
	return MD_OK;
}

static md_status null_mx(struct mx_run *run)
{
	md_finding *f;

	md_report_set_json_value(run->rep, "null_mx", json_true());
	if (run->mx->nrr == 1) {
		f = md_report_add(run->rep, "mx.null_mx", MD_SEV_NOTICE, MD_PILLAR_INFRASTRUCTURE,
		                  run->domain, "Null MX: the domain declares it accepts no mail");
		md_finding_set_evidence(run->rep, f, "%s MX 0 .", run->domain);
		md_finding_set_explanation(run->rep, f,
		                           "Senders bounce mail to this domain at once (5.1.10), and "
		                           "many receivers reject mail whose envelope sender uses a "
		                           "null-MX domain, because bounces could not be returned.");
		md_finding_set_fix(run->rep, f,
		                   "Nothing, if %s really sends and receives no mail. If it sends "
		                   "mail, publish real MX records so bounces can come back.",
		                   run->domain);
		md_finding_add_ref(run->rep, f, "RFC 7505 section 3");
		md_report_summary(run->rep, "mx", "null MX (accepts no mail)");
		return MD_OK;
	}
	f = md_report_add(run->rep, "mx.null_mx_mixed", MD_SEV_ERROR, MD_PILLAR_INFRASTRUCTURE,
	                  run->domain, "Null MX published together with other MX records");
	md_finding_set_evidence(run->rep, f, "%s has %zu MX records, one of them \"0 .\"",
	                        run->domain, run->mx->nrr);
	md_finding_set_explanation(run->rep, f,
	                           "A null MX must be the only MX record. Mixed with others, "
	                           "senders disagree: some bounce at once, some deliver.");
	md_finding_set_fix(run->rep, f,
	                   "Remove the \"MX 0 .\" record if %s receives mail, or remove all the "
	                   "other MX records if it does not.",
	                   run->domain);
	md_finding_add_ref(run->rep, f, "RFC 7505 section 3");
	return MD_OK;
}

static md_status explicit_mx(struct mx_run *run)
{
	size_t i, n = 0, usable = 0;
	md_finding *f;
	const char *provider = NULL;

	for (i = 0; i < run->mx->nrr; i++)
		if (run->mx->rr[i].type == MD_DNS_MX && run->mx->rr[i].name[0] == '\0')
			return null_mx(run);
	run->hosts = md_calloc(run->mx->nrr ? run->mx->nrr : 1, sizeof(*run->hosts));
	if (run->hosts == NULL)
		return MD_ENOMEM;
	for (i = 0; i < run->mx->nrr; i++) {
		const md_dns_rr *rr = &run->mx->rr[i];

		if (rr->type != MD_DNS_MX)
			continue;
		run->hosts[n].name = md_strdup(rr->name);
		if (run->hosts[n].name == NULL)
			return MD_ENOMEM;
		run->hosts[n].pref = rr->pref;
		run->hosts[n].ip_literal = md_domain_is_ip_literal(rr->name);
		n++;
	}
	run->nhosts = run->nalloc = n;
	qsort(run->hosts, n, sizeof(*run->hosts), host_cmp);
	if (n > MX_MAX_HOSTS) {
		f = md_report_add(run->rep, "mx.too_many_hosts", MD_SEV_WARNING,
		                  MD_PILLAR_INFRASTRUCTURE, run->domain,
		                  "More MX hosts than maildiag probes");
		md_finding_set_evidence(run->rep, f, "%zu MX records; the first %d by preference "
		                                     "were checked",
		                        n, MX_MAX_HOSTS);
		md_finding_set_explanation(run->rep, f,
		                           "Senders try only a handful of MX hosts before deferring; "
		                           "a very long MX list adds nothing.");
		md_finding_set_fix(run->rep, f, "Keep the MX set short (two to five hosts).");
		run->nhosts = n = MX_MAX_HOSTS;
	}
	/* every host's A and AAAA at once */
	for (i = 0; i < n; i++) {
		md_status st;

		if (run->hosts[i].ip_literal)
			continue; /* not a name: asking DNS about it says nothing */
		st = md_dns_submit(run->res, run->hosts[i].name, MD_DNS_A, store_result,
		                   &run->hosts[i].a);

		if (st == MD_OK)
			st = md_dns_submit(run->res, run->hosts[i].name, MD_DNS_AAAA, store_result,
			                   &run->hosts[i].aaaa);
		if (st == MD_ENOMEM)
			return st;
	}
	if (md_dns_wait(run->res) == MD_ENOMEM)
		return MD_ENOMEM;
	for (i = 0; i < n; i++) {
		struct mx_host *h = &run->hosts[i];

		if (h->ip_literal) {
			check_host(run, h, &usable);
			continue;
		}
		if (h->a == NULL || h->aaaa == NULL) { /* name the resolver refused */
			h->status = "invalid_name";
			f = md_report_add(run->rep, "mx.target_invalid", MD_SEV_ERROR,
			                  MD_PILLAR_INFRASTRUCTURE, h->name,
			                  "MX target is not a valid host name");
			md_finding_set_evidence(run->rep, f, "%s MX %u %s", run->domain, h->pref, h->name);
			md_finding_set_fix(run->rep, f, "Point the MX record at a valid host name.");
			md_finding_add_ref(run->rep, f, "RFC 5321 section 5.1");
			continue;
		}
		check_host(run, h, &usable);
		if (provider == NULL)
			provider = provider_of(h->name);
	}
	report_hosts(run);
	md_report_summary(run->rep, "mx", "%zu host%s, %zu usable", n, n == 1 ? "" : "s", usable);
	if (provider != NULL) {
		md_report_summary(run->rep, "provider", "%s", provider);
		md_report_set_string(run->rep, "provider", provider);
	}
	if (usable == 0 && n > 0) {
		bool any_unchecked = false;

		for (i = 0; i < n; i++)
			if (run->hosts[i].status && strcmp(run->hosts[i].status, "lookup_failed") == 0)
				any_unchecked = true;
		if (!any_unchecked) {
			f = md_report_add(run->rep, "mx.no_usable_host", MD_SEV_CRITICAL,
			                  MD_PILLAR_INFRASTRUCTURE, run->domain,
			                  "No MX host can receive mail: the domain is unreachable");
			md_finding_set_evidence(run->rep, f, "%zu MX host%s, none with a usable public "
			                                     "address",
			                        n, n == 1 ? "" : "s");
			md_finding_set_explanation(run->rep, f,
			                           "Every sender defers mail to %s and bounces it after "
			                           "its queue lifetime (typically 5 days).",
			                           run->domain);
			md_finding_set_fix(run->rep, f, "Fix the MX hosts listed above first.");
			md_finding_add_ref(run->rep, f, "RFC 5321 section 5.1");
		}
	} else if (usable > 0 && md_report_worst(run->rep) < MD_SEV_WARNING) {
		f = md_report_add(run->rep, "mx.ok", MD_SEV_OK, MD_PILLAR_INFRASTRUCTURE, run->domain,
		                  "MX records are in order");
		md_finding_set_evidence(run->rep, f, "%zu MX host%s, all with public addresses", n,
		                        n == 1 ? "" : "s");
	}
	return MD_OK;
}

md_status md_check_mx(md_resolver *res, const char *domain_in, md_report *rep)
{
	struct mx_run run = {.res = res, .rep = rep};
	char domain[MD_DOMAIN_MAX + 1];
	const char *why;
	md_finding *f;
	md_status st = MD_OK;
	size_t i;

	if (!md_domain_normalize(domain_in, domain, sizeof(domain), &why))
		return MD_EINVAL;
	run.domain = domain;
	st = md_dns_submit(res, domain, MD_DNS_MX, store_result, &run.mx);
	if (st == MD_OK)
		st = md_dns_submit(res, domain, MD_DNS_A, store_result, &run.dom_a);
	if (st == MD_OK)
		st = md_dns_submit(res, domain, MD_DNS_AAAA, store_result, &run.dom_aaaa);
	if (st == MD_OK)
		st = md_dns_wait(res);
	if (st != MD_OK)
		return st;
	if (run.mx == NULL || run.dom_a == NULL || run.dom_aaaa == NULL)
		return MD_EINTERNAL;
	md_report_set_string(rep, "domain", domain);
	md_report_set_json_value(rep, "implicit_mx", json_false());
	md_report_set_json_value(rep, "null_mx", json_false());
	switch (run.mx->outcome) {
	case MD_DNS_ANSWER:
		st = explicit_mx(&run);
		break;
	case MD_DNS_NODATA:
		st = implicit_mx(&run);
		break;
	case MD_DNS_NXDOMAIN:
		f = md_report_add(rep, "mx.domain_not_found", MD_SEV_CRITICAL,
		                  MD_PILLAR_INFRASTRUCTURE, domain, "The domain does not exist");
		md_finding_set_evidence(rep, f, "%s MX: nxdomain", domain);
		md_finding_set_explanation(rep, f,
		                           "DNS says the name does not exist (NXDOMAIN): mail to it "
		                           "bounces as host unknown, and receivers reject mail that "
		                           "uses it as the sender domain.");
		md_finding_set_fix(rep, f,
		                   "Check the spelling; if the domain is yours, check that it is "
		                   "registered, not expired, and delegated to name servers that "
		                   "serve its zone.");
		md_finding_add_ref(rep, f, "RFC 5321 section 5.1");
		md_report_summary(rep, "mx", "domain does not exist");
		break;
	default:
		could_not_check(&run, "mx.lookup_failed", domain, run.mx,
		                "Could not look up the MX records");
		md_report_summary(rep, "mx", "could not check (%s)", md_dns_outcome_name(run.mx->outcome));
		break;
	}
	for (i = 0; i < run.nalloc; i++)
		md_free(run.hosts[i].name);
	md_free(run.hosts);
	if (st != MD_OK)
		return st;
	return md_report_status(rep);
}
