/*
 * suspicious.c - notices that are not what they seem.
 *
 * Backscatter: a bounce about a message the sender never sent (someone
 * forged the sender's address and the receiver bounced it back). With
 * --our-ips / --our-domains / --sent-log the returned original is
 * checked: sent from one of our IPs (the first public hop of its
 * Received fields), From one of our domains, with a Message-ID in the
 * sent log. Any check that fails flags the record.
 *
 * Phishing: a fake "delivery failure" is a lure: it returns no original
 * message, and links to a domain unrelated to the notice's sender, with
 * an invitation to act (release, verify, log in). Every flag says why.
 */
#include "bounce_internal.h"

#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "core/ip.h"

bool sent_log_has(const md_sent_log *s, const char *id);

/* Help and status sites of mail providers that real notices link to. */
static const char *const known_link_domains[] = {
	"google.com", "gmail.com", "microsoft.com", "outlook.com", "office.com", "live.com",
	"yahoo.com", "yahooinc.com", "aol.com", "apple.com", "icloud.com", "amazon.com",
	"amazonaws.com", "spamhaus.org", "spamcop.net", "barracudacentral.org", "sorbs.net",
	"senderscore.org", "mimecast.com", "proofpoint.com", "cloudmark.com", "sendgrid.com",
	"zoho.com", "yandex.ru", "mail.ru", "comcast.net", "att.net", "t-online.de",
	"orange.fr", "libsisimai.org", "ietf.org", "rfc-editor.org", NULL,
};

/* Phrases of lures in fake notices (lowercase). */
static const char *const lure_phrases[] = {
	"click", "verify your", "release", "retrieve", "pending messages", "log in", "login",
	"sign in", "re-send", "resend", "restore", "your account", "update your", "password",
	"held messages", "quarantine", NULL,
};

static bool ends_with_domain(const char *host, size_t hl, const char *dom)
{
	size_t dl = strlen(dom), i;

	if (dl > hl)
		return false;
	for (i = 0; i < dl; i++)
		if (md_tolower(host[hl - dl + i]) != md_tolower(dom[i]))
			return false;
	return hl == dl || host[hl - dl - 1] == '.';
}

/* The last two labels of HOST (a rough "organisation" domain). */
static void org_domain(const char *host, size_t hl, const char **p, size_t *n)
{
	size_t dots = 0, i = hl;

	while (i > 0) {
		if (host[i - 1] == '.' && ++dots == 2)
			break;
		i--;
	}
	*p = host + i;
	*n = hl - i;
}

static bool in_our_domains(const md_bounce_opts *o, const char *dom)
{
	size_t i;

	for (i = 0; i < o->n_our_domains; i++)
		if (ends_with_domain(dom, strlen(dom), o->our_domains[i]))
			return true;
	return false;
}

static bool in_our_ips(const md_bounce_opts *o, const char *ipstr)
{
	md_ip ip;
	size_t i;

	if (!md_ip_parse(ipstr, &ip))
		return false;
	ip = md_ip_unmap(ip);
	for (i = 0; i < o->n_our_ips; i++) {
		const char *s = o->our_ips[i], *slash = strchr(s, '/');
		md_ip net;
		unsigned prefix;

		if (!md_ip_parse_n(s, slash ? (size_t)(slash - s) : strlen(s), &net))
			continue;
		net = md_ip_unmap(net);
		prefix = net.family == 4 ? 32 : 128;
		if (slash != NULL) {
			unsigned v = 0;
			const char *q = slash + 1;

			while (md_isdigit(*q) && v <= 128)
				v = v * 10 + (unsigned)(*q++ - '0');
			if (v < prefix)
				prefix = v;
		}
		if (net.family == ip.family && md_ip_prefix_match(&ip, &net, prefix))
			return true;
	}
	return false;
}

/* The client IP of the first hop of the returned original that is not
 * loopback or private (an internal hop), into BUF. */
static bool first_public_hop(const md_message *m, char *buf, size_t len)
{
	const md_mime_part *p;

	for (p = md_message_root(m); p != NULL; p = md_part_next(p)) {
		const md_fields *h;
		size_t i, n;

		if (!md_part_is_message(p) || md_part_parent(p) == NULL)
			continue;
		h = md_part_headers(p);
		n = md_fields_count_name(h, "received");
		for (i = n; i > 0; i--) {
			const char *v = md_fields_find(h, "received", i - 1)->value, *lb = v;

			while ((lb = strchr(lb, '[')) != NULL) {
				const char *rb = strchr(lb, ']');
				md_ip ip;

				if (rb == NULL)
					break;
				if (rb - lb > 1 && md_ip_parse_n(lb + 1, (size_t)(rb - lb - 1), &ip)) {
					md_ip_scope sc = md_ip_classify(&ip);

					if (sc != MD_IP_LOOPBACK && sc != MD_IP_PRIVATE && sc != MD_IP_UNSPECIFIED &&
					    sc != MD_IP_LINK_LOCAL) {
						md_ip_str(&ip, buf, len);
						return true;
					}
				}
				lb = rb + 1;
			}
		}
		return false;
	}
	return false;
}

static void flag_all(md_bounce *b, bool phishing, const char *why)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (phishing)
			b->recs[i].r.phishing = true;
		else
			b->recs[i].r.backscatter = true;
		if (b->recs[i].r.suspicion[0] == '\0')
			b->recs[i].r.suspicion = why;
		else
			b->recs[i].r.suspicion = md_arena_printf(b->arena, "%s; %s", b->recs[i].r.suspicion, why);
		if (b->recs[i].r.suspicion == NULL)
			b->recs[i].r.suspicion = why;
	}
}

static void check_backscatter(md_bounce *b, const md_message *m, const md_bounce_opts *o)
{
	char ip[64];
	const char *why = NULL;

	if (b->kind != MD_BOUNCE_FAILURE)
		return;
	if (o->n_our_domains > 0) {
		const char *dom = b->orig_from_domain;

		if (dom == NULL && b->addresser != NULL && strchr(b->addresser, '@'))
			dom = strrchr(b->addresser, '@') + 1;
		if (dom != NULL && dom[0] != '\0' && !in_our_domains(o, dom))
			why = md_arena_printf(b->arena,
			                      "the returned message is From %s, not one of your domains", dom);
	}
	if (why == NULL && o->n_our_ips > 0 && first_public_hop(m, ip, sizeof(ip)) &&
	    !in_our_ips(o, ip))
		why = md_arena_printf(b->arena,
		                      "the returned message was sent from %s, not from one of your IPs", ip);
	if (why == NULL && o->sent_log != NULL && b->messageid != NULL && b->messageid[0] != '\0' &&
	    !sent_log_has(o->sent_log, b->messageid))
		why = md_arena_printf(b->arena, "Message-ID <%s> is not in your sent log", b->messageid);
	if (why != NULL)
		flag_all(b, false, why);
}

static void check_phishing(md_bounce *b, const md_message *m)
{
	size_t tn, i;
	const char *t, *from, *fdom = "";
	const md_fields *h = md_part_headers(md_message_root(m));
	char host[256];
	bool unrelated = false, lure = false;
	size_t fl = 0;

	if (b->kind != MD_BOUNCE_FAILURE || b->has_original)
		return;
	t = notice_text(b, m, &tn, NULL);
	if (t == NULL || memmem(t, tn, "http", 4) == NULL)
		return;
	from = md_fields_get(h, "from");
	if (from != NULL) {
		const char *at = strrchr(from, '@');

		if (at != NULL) {
			fdom = at + 1;
			while (fdom[fl] && (md_isalnum(fdom[fl]) || fdom[fl] == '.' || fdom[fl] == '-'))
				fl++;
		}
	}
	for (i = 0; i + 8 < tn && !unrelated; i++) {
		size_t s, k = 0;
		const char *od;
		size_t odn, j;
		bool known = false;

		if (md_tolower(t[i]) != 'h' || (strncmp(t + i, "http://", 7) && strncmp(t + i, "https://", 8)))
			continue;
		s = i + (t[i + 4] == 's' ? 8 : 7);
		while (s + k < tn && k < sizeof(host) - 1 &&
		       (md_isalnum(t[s + k]) || t[s + k] == '.' || t[s + k] == '-'))
			k++;
		if (k == 0)
			continue;
		memcpy(host, t + s, k);
		host[k] = '\0';
		org_domain(host, k, &od, &odn);
		for (j = 0; known_link_domains[j]; j++)
			if (ends_with_domain(host, k, known_link_domains[j]))
				known = true;
		if (!known && fl > 0) {
			const char *fod;
			size_t fodn;

			org_domain(fdom, fl, &fod, &fodn);
			if (fodn == odn && md_str_ieq((md_str){fod, fodn}, (md_str){od, odn}))
				known = true;
		}
		if (!known)
			unrelated = true;
	}
	if (unrelated) {
		char *low = md_arena_alloc(b->arena, tn + 1);

		if (low == NULL)
			return;
		for (i = 0; i < tn; i++)
			low[i] = (char)md_tolower(t[i]);
		for (i = 0; lure_phrases[i] && !lure; i++)
			lure = memmem(low, tn, lure_phrases[i], strlen(lure_phrases[i])) != NULL;
	}
	if (unrelated && lure)
		flag_all(b, true,
		         md_arena_printf(b->arena,
		                         "no original message is returned and the notice links to %s, "
		                         "unrelated to its sender, asking you to act",
		                         host));
}

md_status check_suspicious(md_bounce *b, const md_message *m, const md_bounce_opts *o)
{
	check_backscatter(b, m, o);
	check_phishing(b, m);
	return MD_OK;
}
