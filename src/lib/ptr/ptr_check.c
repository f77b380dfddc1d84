/*
 * ptr_check.c - reverse DNS of a sending address (maildiag ptr): PTR,
 * forward confirmation, pool-style names, HELO consistency.
 *
 * Round one asks, at once, the PTR of the address (RFC 1035 section 3.5
 * in-addr.arpa; RFC 3596 section 2.5 ip6.arpa) and A/AAAA of the HELO
 * name. Round two asks A (IPv4) or AAAA (IPv6) of every PTR name: the
 * address is forward-confirmed (FCrDNS) when one of its PTR names resolves
 * back to it.
 *
 * Who acts on what, so each finding states its real impact:
 *  - no PTR, or no forward confirmation: Gmail requires both of every
 *    sender (421/550 5.7.25 otherwise) and many receivers reject
 *    (Postfix reject_unknown_client_hostname, and the like);
 *  - a pool-style name: scored by spam filters, rejected by some;
 *  - HELO: RFC 5321 section 4.1.1.1 wants a fully-qualified name (or an
 *    address literal); a HELO that merely differs from the PTR name is
 *    normal for many senders and rarely matters on its own.
 */
#include <maildiag/ptr.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/domain.h"
#include "core/ip.h"
#include "core/report_internal.h"

/* RFC 1035 does not bound a PTR set. More names than this are not asked
 * about (and the cut is reported): one or two is the norm. */
#define PTR_MAX_NAMES 10

static const char *const gmail_ref =
	"Gmail email sender guidelines (support.google.com/a/answer/81126)";

struct ptr_name {
	const char *name;
	const md_dns_result *fwd;
	bool confirms;
	char addrs[512];
};

struct ptr_run {
	md_resolver *res;
	md_report *rep;
	md_ip ip;
	char ipstr[64];
	char rname[80];
	const md_dns_result *ptr;
	struct ptr_name names[PTR_MAX_NAMES];
	size_t nnames;
	size_t nptr; /* PTR records in the answer (may exceed nnames) */
	const char *helo;
	char helo_norm[MD_DOMAIN_MAX + 1];
	const md_dns_result *helo_a, *helo_aaaa;
	bool oom; /* a scratch buffer could not grow: the call says MD_ENOMEM */
};

static void store_result(void *ud, const md_dns_result *res)
{
	*(const md_dns_result **)ud = res;
}

static md_status submit(struct ptr_run *run, const char *name, uint16_t type,
                        const md_dns_result **slot)
{
	md_status st = md_dns_submit(run->res, name, type, store_result, (void *)slot);

	return st == MD_EINVAL ? MD_OK : st; /* slot stays NULL: reported */
}

/* Does RES (A or AAAA) contain IP? Fills TEXT with its addresses. */
static bool answer_has(const md_dns_result *res, const md_ip *ip, char *text, size_t len,
                       json_t *arr)
{
	bool found = false;
	size_t k;

	if (res == NULL || res->outcome != MD_DNS_ANSWER)
		return false;
	for (k = 0; k < res->nrr; k++) {
		md_ip a;
		char s[64];
		size_t used;

		if (res->rr[k].type != MD_DNS_A && res->rr[k].type != MD_DNS_AAAA)
			continue;
		md_ip_from_bytes(&a, res->rr[k].type == MD_DNS_A ? 4 : 6, res->rr[k].addr);
		if (a.family == ip->family && memcmp(a.a, ip->a, a.family == 4 ? 4 : 16) == 0)
			found = true;
		md_ip_str(&a, s, sizeof(s));
		if (arr != NULL)
			json_array_append_new(arr, json_string(s));
		used = strlen(text);
		if (used + strlen(s) + 3 < len)
			snprintf(text + used, len - used, "%s%s", used ? ", " : "", s);
	}
	return found;
}

static void dns_evidence(md_report *rep, md_finding *f, const md_dns_result *r,
                         const char *name, uint16_t type)
{
	char tb[16];

	if (r == NULL) {
		md_finding_set_evidence(rep, f, "%s %s: the resolver refused the name", name,
		                        md_dns_type_name(type, tb, sizeof(tb)));
		return;
	}
	md_finding_set_evidence(rep, f, "%s %s: %s%s%s", r->qname,
	                        md_dns_type_name(r->qtype, tb, sizeof(tb)),
	                        md_dns_outcome_name(r->outcome), r->why ? " - " : "",
	                        r->why ? r->why : "");
}

static void could_not_check(struct ptr_run *run, const char *id, const char *subject,
                            const md_dns_result *r, const char *name, uint16_t type,
                            const char *title)
{
	md_finding *f = md_report_add(run->rep, id, MD_SEV_WARNING, MD_PILLAR_INFRASTRUCTURE,
	                              subject, title);

	dns_evidence(run->rep, f, r, name, type);
	md_finding_set_explanation(run->rep, f,
	                           "The DNS question got no usable answer, so nothing can be "
	                           "said about it: this is not the same as a missing record.");
	md_finding_set_fix(run->rep, f,
	                   "Check that the name servers of the zone answer (the reverse zone is "
	                   "served by whoever holds the address block: your provider, unless "
	                   "it is delegated to you); then run again.");
	md_finding_set_could_not_check(f);
}

static void check_ptr_answer(struct ptr_run *run)
{
	const md_dns_result *r = run->ptr;
	md_finding *f;
	size_t k;

	if (r == NULL || md_dns_failed(r)) {
		could_not_check(run, "ptr.could_not_check", run->ipstr, r, run->rname, MD_DNS_PTR,
		                "The reverse DNS of this address could not be looked up");
		return;
	}
	if (r->outcome != MD_DNS_ANSWER) {
		f = md_report_add(run->rep, "ptr.missing", MD_SEV_ERROR, MD_PILLAR_INFRASTRUCTURE,
		                  run->ipstr, "No reverse DNS (PTR) for this address");
		md_finding_set_title(run->rep, f, "%s has no reverse DNS (PTR record)", run->ipstr);
		dns_evidence(run->rep, f, r, run->rname, MD_DNS_PTR);
		md_finding_set_explanation(
			run->rep, f,
			"Mail from an address without a PTR record is rejected by Gmail (550 5.7.25: "
			"\"does not have a PTR record setup\"), which requires reverse DNS of every "
			"sender, and by many other receivers that refuse clients with no name; the "
			"rest score it as spam. This matters only if this address sends mail to other "
			"domains directly.");
		md_finding_set_fix(run->rep, f,
		                   "Ask whoever controls the address block (your hosting or access "
		                   "provider, usually in its control panel) to set a PTR for %s to "
		                   "a name of your mail server, e.g. mail.example.com, and publish "
		                   "that name's A/AAAA record pointing back to %s.",
		                   run->ipstr, run->ipstr);
		md_finding_add_ref(run->rep, f, "RFC 1912 section 2.1");
		md_finding_add_ref(run->rep, f, gmail_ref);
		return;
	}
	for (k = 0; k < r->nrr; k++) {
		if (r->rr[k].type != MD_DNS_PTR || r->rr[k].name == NULL)
			continue;
		run->nptr++;
		if (run->nnames < PTR_MAX_NAMES)
			run->names[run->nnames++].name = r->rr[k].name;
	}
}

static md_status ask_forward(struct ptr_run *run)
{
	size_t i;
	md_status st;

	for (i = 0; i < run->nnames; i++)
		if ((st = submit(run, run->names[i].name,
		                 run->ip.family == 4 ? MD_DNS_A : MD_DNS_AAAA,
		                 &run->names[i].fwd)) != MD_OK)
			return st;
	return run->nnames ? md_dns_wait(run->res) : MD_OK;
}

/* FCrDNS verdict and the names' classes. Returns the name to judge. */
static const struct ptr_name *check_forward(struct ptr_run *run, json_t *ptrs, md_table *t,
                                            int *fcrdns)
{
	const struct ptr_name *best = NULL;
	bool failed = false;
	md_buf ev;
	md_finding *f;
	size_t i;

	*fcrdns = -1;
	md_buf_init(&ev, 4096);
	for (i = 0; i < run->nnames; i++) {
		struct ptr_name *pn = &run->names[i];
		json_t *addrs = json_array();
		char why[160];
		md_ptr_name_class c = md_ptr_classify_name(pn->name, run->ipstr, why, sizeof(why));
		const char *row[4];

		pn->addrs[0] = '\0';
		pn->confirms = answer_has(pn->fwd, &run->ip, pn->addrs, sizeof(pn->addrs), addrs);
		if (pn->fwd == NULL || md_dns_failed(pn->fwd))
			failed = true;
		if (pn->confirms && best == NULL)
			best = pn;
		md_buf_printf(&ev, "%s%s %s -> %s", ev.n ? "; " : "", pn->name,
		              run->ip.family == 4 ? "A" : "AAAA",
		              pn->addrs[0]         ? pn->addrs
		              : pn->fwd == NULL    ? "not asked"
		                                   : md_dns_outcome_name(pn->fwd->outcome));
		row[0] = pn->name;
		row[1] = pn->addrs[0] ? pn->addrs : pn->fwd ? md_dns_outcome_name(pn->fwd->outcome) : "";
		row[2] = pn->confirms ? "yes" : "no";
		row[3] = md_ptr_name_class_name(c);
		md_table_add_row(run->rep, t, row);
		json_array_append_new(
			ptrs, json_pack("{s:s,s:o,s:o,s:b,s:s,s:o}", "name", pn->name, "forward_outcome",
			                pn->fwd ? json_string(md_dns_outcome_name(pn->fwd->outcome))
			                        : json_null(),
			                "addresses", addrs, "confirms", pn->confirms, "name_class",
			                md_ptr_name_class_name(c), "name_why",
			                why[0] ? json_string(why) : json_null()));
		md_report_trace(run->rep, 0, "PTR %s", pn->name);
		md_report_trace(run->rep, 1, "%s %s -> %s%s", pn->name,
		                run->ip.family == 4 ? "A" : "AAAA", row[1],
		                pn->confirms ? " (confirms)" : "");
	}
	if (ev.err == MD_ENOMEM)
		run->oom = true;
	if (run->nnames == 0) {
		md_buf_free(&ev);
		return NULL;
	}
	if (best != NULL) {
		*fcrdns = 1;
	} else if (failed) {
		size_t k;

		for (k = 0; k < run->nnames; k++)
			if (run->names[k].fwd == NULL || md_dns_failed(run->names[k].fwd))
				break;
		could_not_check(run, "ptr.could_not_check", run->ipstr, run->names[k].fwd,
		                run->names[k].name, run->ip.family == 4 ? MD_DNS_A : MD_DNS_AAAA,
		                "The PTR name's address could not be looked up: forward "
		                "confirmation unknown");
	} else {
		*fcrdns = 0;
		f = md_report_add(run->rep, "ptr.fcrdns_failed", MD_SEV_ERROR,
		                  MD_PILLAR_INFRASTRUCTURE, run->ipstr,
		                  "Reverse DNS is not forward-confirmed");
		md_finding_set_title(run->rep, f, "%s's PTR name does not resolve back to %s",
		                     run->ipstr, run->ipstr);
		md_finding_set_evidence(run->rep, f, "%s PTR %s; %s", run->rname, run->names[0].name,
		                        ev.p ? ev.p : "");
		md_finding_set_explanation(
			run->rep, f,
			"Receivers trust a reverse name only when it resolves back to the same address "
			"(forward-confirmed reverse DNS, FCrDNS): anyone who controls a reverse zone can "
			"claim any name. Gmail requires it of every sender (421/550 5.7.25 \"does not "
			"match the IP address of the hostname specified in the pointer (PTR) record\"); "
			"Postfix-based receivers with reject_unknown_client_hostname reject it, and "
			"spam filters score it.");
		md_finding_set_fix(run->rep, f,
		                   "Publish an %s record for %s pointing to %s (in the DNS zone of "
		                   "that name), or change the PTR to a name that already does.",
		                   run->ip.family == 4 ? "A" : "AAAA", run->names[0].name,
		                   run->ipstr);
		md_finding_add_ref(run->rep, f, "RFC 8601 section 2.7.3");
		md_finding_add_ref(run->rep, f, gmail_ref);
	}
	md_buf_free(&ev);
	if (run->nptr > 1) {
		f = md_report_add(run->rep, "ptr.multiple", MD_SEV_NOTICE, MD_PILLAR_INFRASTRUCTURE,
		                  run->ipstr, "More than one PTR name");
		md_finding_set_title(run->rep, f, "%s has %zu PTR names", run->ipstr, run->nptr);
		md_finding_set_explanation(run->rep, f,
		                           "Allowed, but receivers may look at only one of them, "
		                           "and which one varies with the resolver's order. It "
		                           "works only if every name resolves back; one name is "
		                           "simpler.%s",
		                           run->nptr > PTR_MAX_NAMES ? " Only the first 10 were "
		                                                       "checked."
		                                                     : "");
		md_finding_set_fix(run->rep, f, "Keep one PTR record: the mail server's name.");
		md_finding_add_ref(run->rep, f, "RFC 1912 section 2.1");
	}
	return best != NULL ? best : &run->names[0];
}

static void check_name_class(struct ptr_run *run, const struct ptr_name *pn)
{
	char why[160];
	md_ptr_name_class c = md_ptr_classify_name(pn->name, run->ipstr, why, sizeof(why));
	md_finding *f;

	md_report_set_string(run->rep, "name_class", md_ptr_name_class_name(c));
	if (c == MD_PTR_NAME_DYNAMIC) {
		f = md_report_add(run->rep, "ptr.dynamic_name", MD_SEV_WARNING,
		                  MD_PILLAR_INFRASTRUCTURE, run->ipstr,
		                  "Reverse name looks like a dynamic or residential pool");
		md_finding_set_title(run->rep, f, "PTR name %s looks like a dynamic/residential "
		                     "address pool", pn->name);
		md_finding_set_evidence(run->rep, f, "%s PTR %s (%s)", run->rname, pn->name, why);
		md_finding_set_explanation(
			run->rep, f,
			"Names like this are what access providers give their customers' dial-up, DSL, "
			"cable or DHCP addresses, which are not supposed to deliver mail straight to "
			"other domains. Spam filters score them (SpamAssassin's RDNS_DYNAMIC rule, for "
			"one), some receivers reject them, and such ranges are often on Spamhaus PBL.");
		md_finding_set_fix(run->rep, f,
		                   "Send through your provider's or an ESP's mail servers; or, for a "
		                   "real mail server on a static address, ask the provider for a PTR "
		                   "naming the server (mail.example.com) that resolves back.");
	} else if (c == MD_PTR_NAME_GENERIC) {
		f = md_report_add(run->rep, "ptr.generic_name", MD_SEV_NOTICE,
		                  MD_PILLAR_INFRASTRUCTURE, run->ipstr,
		                  "Reverse name is a provider's generic name");
		md_finding_set_title(run->rep, f, "PTR name %s is a generic, address-derived name",
		                     pn->name);
		md_finding_set_evidence(run->rep, f, "%s PTR %s (%s)", run->rname, pn->name, why);
		md_finding_set_explanation(
			run->rep, f,
			"A provider's default name works with most receivers when it is "
			"forward-confirmed; a few filters score it, and it tells recipients nothing "
			"about who runs the server. It is rarely the cause of a rejection on its own.");
		md_finding_set_fix(run->rep, f,
		                   "Optional: set a PTR to a name under your own domain "
		                   "(mail.example.com) with a matching A/AAAA record.");
	}
}

/* Round-one questions about the HELO name; returns MD_OK when none. */
static md_status ask_helo(struct ptr_run *run)
{
	const char *why;
	md_status st;

	if (run->helo == NULL || md_domain_is_ip_literal(run->helo) ||
	    !md_domain_normalize(run->helo, run->helo_norm, sizeof(run->helo_norm), &why) ||
	    strchr(run->helo_norm, '.') == NULL)
		return MD_OK;
	if ((st = submit(run, run->helo_norm, MD_DNS_A, &run->helo_a)) != MD_OK)
		return st;
	return submit(run, run->helo_norm, MD_DNS_AAAA, &run->helo_aaaa);
}

static void check_helo(struct ptr_run *run)
{
	const char *h = run->helo, *why = NULL;
	json_t *jo, *addrs = json_array();
	char text[512] = "";
	bool resolves_here = false, matches = false;
	const char *kind = "name";
	const md_dns_result *fam, *oth;
	bool fam_failed, oth_failed;
	md_finding *f;
	size_t i, n;

	if (h == NULL) {
		json_decref(addrs);
		return;
	}
	n = strlen(h);
	md_report_summary(run->rep, "helo", "%s", h);
	if (n > 2 && h[0] == '[' && h[n - 1] == ']') {
		md_ip lit;
		const char *inner = h + 1;
		size_t in = n - 2;

		kind = "address_literal";
		if (in > 5 && strncasecmp(inner, "IPv6:", 5) == 0) {
			inner += 5;
			in -= 5;
		}
		matches = md_ip_parse_n(inner, in, &lit) &&
		          (lit = md_ip_unmap(lit)).family == run->ip.family &&
		          memcmp(lit.a, run->ip.a, lit.family == 4 ? 4 : 16) == 0;
		f = md_report_add(run->rep, "helo.address_literal",
		                  matches ? MD_SEV_NOTICE : MD_SEV_WARNING, MD_PILLAR_INFRASTRUCTURE,
		                  h, "HELO is an address literal");
		md_finding_set_title(run->rep, f, "HELO is the address literal %s%s", h,
		                     matches ? "" : ", not this sender's address");
		md_finding_set_evidence(run->rep, f, "EHLO %s from %s", h, run->ipstr);
		md_finding_set_explanation(
			run->rep, f,
			"RFC 5321 allows an address literal only when the client has no name. Many "
			"receivers accept it; spam filters score it%s.",
			matches ? "" : ", and a literal of another address looks forged");
		md_finding_set_fix(run->rep, f,
		                   "Configure the mail server to greet with its host name (Postfix: "
		                   "smtp_helo_name / myhostname), ideally the PTR name.");
		md_finding_add_ref(run->rep, f, "RFC 5321 section 4.1.1.1");
		md_finding_add_ref(run->rep, f, "RFC 5321 section 4.1.3");
	} else if (md_domain_is_ip_literal(h) ||
	           !md_domain_normalize(h, run->helo_norm, sizeof(run->helo_norm), &why) ||
	           strchr(run->helo_norm, '.') == NULL) {
		kind = "invalid";
		f = md_report_add(run->rep, "helo.not_fqdn", MD_SEV_WARNING, MD_PILLAR_INFRASTRUCTURE,
		                  h, "HELO is not a fully-qualified domain name");
		md_finding_set_title(run->rep, f, "HELO %s is not a fully-qualified domain name", h);
		md_finding_set_evidence(run->rep, f, "EHLO %s%s%s", h, why ? " - " : "",
		                        why ? why : (md_domain_is_ip_literal(h)
		                                         ? " - a bare address must be written [addr]"
		                                         : " - no dot: not fully qualified"));
		md_finding_set_explanation(
			run->rep, f,
			"RFC 5321 requires the client's fully-qualified domain name. Receivers that "
			"enforce it (Postfix reject_non_fqdn_helo_hostname and "
			"reject_invalid_helo_hostname are common) refuse the mail with \"504 5.5.2 Helo "
			"command rejected\"; filters score it everywhere else.");
		md_finding_set_fix(run->rep, f,
		                   "Set the server's HELO name to its fully-qualified name (Postfix: "
		                   "myhostname or smtp_helo_name), ideally the PTR name of %s.",
		                   run->ipstr);
		md_finding_add_ref(run->rep, f, "RFC 5321 section 4.1.1.1");
	} else {
		for (i = 0; i < run->nnames; i++)
			if (strcmp(run->names[i].name, run->helo_norm) == 0)
				matches = true;
		fam = run->ip.family == 4 ? run->helo_a : run->helo_aaaa;
		oth = run->ip.family == 4 ? run->helo_aaaa : run->helo_a;
		fam_failed = fam == NULL || md_dns_failed(fam);
		oth_failed = oth == NULL || md_dns_failed(oth);
		resolves_here = answer_has(fam, &run->ip, text, sizeof(text), addrs);
		/* the other family's addresses too, for the evidence */
		answer_has(oth, &run->ip, text, sizeof(text), addrs);
		if (matches) {
			f = md_report_add(run->rep, "helo.matches_ptr", MD_SEV_OK,
			                  MD_PILLAR_INFRASTRUCTURE, h, "HELO name is the PTR name");
			md_finding_set_title(run->rep, f, "HELO %s is the PTR name of %s", run->helo_norm,
			                     run->ipstr);
		} else if (fam_failed || (text[0] == '\0' && oth_failed)) {
			const md_dns_result *bad = fam_failed ? fam : oth;

			could_not_check(run, "helo.could_not_check", h, bad, run->helo_norm,
			                bad == run->helo_a ? MD_DNS_A : MD_DNS_AAAA,
			                "The HELO name could not be looked up");
		} else if (text[0] == '\0') {
			f = md_report_add(run->rep, "helo.unresolvable", MD_SEV_WARNING,
			                  MD_PILLAR_INFRASTRUCTURE, h, "HELO name does not resolve");
			md_finding_set_title(run->rep, f, "HELO %s has no address in DNS", run->helo_norm);
			md_finding_set_evidence(run->rep, f, "%s A: %s; AAAA: %s", run->helo_norm,
			                        md_dns_outcome_name(run->helo_a->outcome),
			                        md_dns_outcome_name(run->helo_aaaa->outcome));
			md_finding_set_explanation(
				run->rep, f,
				"Receivers with Postfix reject_unknown_helo_hostname (or similar) refuse "
				"\"450/550 Helo command rejected: Host not found\"; the SPF check of the "
				"HELO identity has nothing to go on. Most large providers do not reject on "
				"it, but filters score it.");
			md_finding_set_fix(run->rep, f,
			                   "Greet with a name that has an A/AAAA record (best: the PTR "
			                   "name%s%s), or publish an address record for %s.",
			                   run->nnames ? " " : "", run->nnames ? run->names[0].name : "",
			                   run->helo_norm);
			md_finding_add_ref(run->rep, f, "RFC 5321 section 4.1.1.1");
		} else {
			f = md_report_add(run->rep, "helo.mismatch", MD_SEV_NOTICE,
			                  MD_PILLAR_INFRASTRUCTURE, h, "HELO name differs from the PTR name");
			md_finding_set_title(run->rep, f, "HELO %s is not the PTR name%s", run->helo_norm,
			                     resolves_here ? " (but resolves to this address)"
			                                   : " and does not resolve to this address");
			md_finding_set_evidence(run->rep, f, "EHLO %s; %s -> %s; PTR %s", h,
			                        run->helo_norm, text,
			                        run->nnames ? run->names[0].name : "(none)");
			md_finding_set_explanation(
				run->rep, f,
				"%s A HELO that differs from the PTR name is common (shared and "
				"load-balanced senders) and rarely matters on its own: large mailbox "
				"providers do not reject on it. A few filters score a mismatch.",
				resolves_here ? "The HELO name resolves to this sender, which is what "
				                "receivers that check it look for."
				              : "The HELO name resolves to other addresses, so receivers "
				                "that check HELO against the client cannot confirm it.");
			md_finding_set_fix(run->rep, f,
			                   "Optional: greet with the PTR name%s%s, so HELO, PTR and the "
			                   "address agree.",
			                   run->nnames ? " " : "", run->nnames ? run->names[0].name : "");
			md_finding_add_ref(run->rep, f, "RFC 5321 section 4.1.4");
		}
	}
	jo = json_pack("{s:s,s:s,s:o,s:b,s:b}", "name", h, "kind", kind, "addresses", addrs,
	               "resolves_to_ip", resolves_here, "matches_ptr", matches);
	md_report_set_json_value(run->rep, "helo", jo);
}

static void address_finding(struct ptr_run *run)
{
	md_ip_scope scope = md_ip_classify(&run->ip);
	md_finding *f;

	if (scope == MD_IP_GLOBAL)
		return;
	f = md_report_add(run->rep, "ptr.not_public", MD_SEV_NOTICE, MD_PILLAR_INFRASTRUCTURE,
	                  run->ipstr, "Not a public address");
	md_finding_set_title(run->rep, f, "%s is a %s address: receivers never see it",
	                     run->ipstr, md_ip_scope_name(scope));
	md_finding_set_explanation(run->rep, f,
	                           "Receivers check the reverse DNS of the public address a "
	                           "connection comes from. Behind NAT, check that address.");
	md_finding_set_fix(run->rep, f, "Run maildiag ptr with the public address your mail "
	                   "leaves from (the Received: header at a recipient shows it).");
	md_finding_add_ref(run->rep, f, "RFC 6890");
}

md_status md_check_ptr(md_resolver *res, const char *ip, const char *helo, md_report *rep)
{
	static const char *const cols[] = {"ptr_name", "forward", "confirms", "name_class"};
	struct ptr_run *run;
	const struct ptr_name *judge = NULL;
	md_table *t;
	json_t *ptrs;
	md_status st;
	int fcrdns = -1;
	md_finding *f;

	if (res == NULL || ip == NULL || rep == NULL)
		return MD_EINVAL;
	run = md_calloc(1, sizeof(*run));
	if (run == NULL)
		return MD_ENOMEM;
	run->res = res;
	run->rep = rep;
	run->helo = helo;
	if (!md_ip_parse(ip, &run->ip)) {
		md_free(run);
		return MD_EINVAL;
	}
	run->ip = md_ip_unmap(run->ip);
	md_ip_str(&run->ip, run->ipstr, sizeof(run->ipstr));
	md_ip_reverse_name(&run->ip, run->rname, sizeof(run->rname));
	md_report_set_string(rep, "ip", run->ipstr);
	md_report_set_string(rep, "reverse_name", run->rname);
	md_report_summary(rep, "address", "%s (IPv%d)", run->ipstr, run->ip.family);
	address_finding(run);

	if ((st = submit(run, run->rname, MD_DNS_PTR, &run->ptr)) != MD_OK ||
	    (st = ask_helo(run)) != MD_OK || (st = md_dns_wait(res)) != MD_OK)
		goto done;
	check_ptr_answer(run);
	if ((st = ask_forward(run)) != MD_OK)
		goto done;
	t = md_report_add_table(rep, "ptr", 4, cols);
	ptrs = json_array();
	if (t == NULL || ptrs == NULL) {
		json_decref(ptrs);
		st = MD_ENOMEM;
		goto done;
	}
	judge = check_forward(run, ptrs, t, &fcrdns);
	md_report_set_json_value(rep, "ptr", ptrs);
	md_report_set_json_value(rep, "fcrdns", fcrdns < 0 ? json_null() : json_boolean(fcrdns));
	if (run->nnames > 0)
		md_report_summary(rep, "ptr", "%s%s", run->names[0].name,
		                  run->nptr > 1 ? " (and more)" : "");
	md_report_summary(rep, "fcrdns", "%s",
	                  fcrdns > 0 ? "yes" : fcrdns == 0 ? "no" : "unknown");
	if (judge != NULL)
		check_name_class(run, judge);
	else
		md_report_set_json_value(rep, "name_class", json_null());
	if (fcrdns > 0) {
		f = md_report_add(rep, "ptr.ok", MD_SEV_OK, MD_PILLAR_INFRASTRUCTURE, run->ipstr,
		                  "Reverse DNS is forward-confirmed");
		md_finding_set_title(rep, f, "%s has PTR %s, which resolves back to it", run->ipstr,
		                     judge->name);
		md_finding_set_evidence(rep, f, "%s PTR %s; %s %s -> %s", run->rname, judge->name,
		                        judge->name, run->ip.family == 4 ? "A" : "AAAA",
		                        judge->addrs);
	}
	check_helo(run);
	st = run->oom ? MD_ENOMEM : md_report_status(rep);
done:
	md_free(run);
	return st;
}
