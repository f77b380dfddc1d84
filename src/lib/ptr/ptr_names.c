/*
 * ptr_names.c - does a reverse DNS name look like a dynamic or generic
 * address pool rather than a named mail server?
 *
 * No RFC defines this; receivers use heuristics (SpamAssassin's
 * RDNS_DYNAMIC, provider rules). Ours are data: the keyword table below
 * and one structural test, the address written into the name.
 *
 *   name    = label *( "." label )
 *   tokens  = the labels left of the last two (the operator's domain is
 *             not evidence: "dslextreme.com" is a company), each split at
 *             "-", "_" and between letters and digits ("hsd1" -> hsd, 1)
 *
 * Signals:
 *   E  the address is written in the name: its four octets as consecutive
 *      numbers in order or reversed (1-2-3-4, 4.3.2.1), or as one
 *      12-digit or 8-hex-digit token; for IPv6, three consecutive hextets
 *      or the 32 nibbles
 *   D  a dynamic / residential keyword (table, class "dynamic")
 *   G  a generic / provider-default keyword (table, class "generic")
 *   M  a mail-server keyword (table, class "mail")
 *
 * Verdict: D and (E or not M) -> dynamic; else E -> generic; else G with
 * two octets of the address in the name -> generic; else specific.
 * Limits: names up to 253 octets (RFC 1035 section 2.3.4), at most
 * PTR_MAX_TOKENS tokens considered.
 */
#include <maildiag/ptr.h>

#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "core/domain.h"
#include "core/ip.h"
#include "core/num.h"

#define PTR_MAX_TOKENS 128 /* a 253-octet name has at most 127 labels */

enum kw_class { KW_DYNAMIC, KW_GENERIC, KW_MAIL };

/* Keywords seen in providers' pool names (and in mail server names). */
static const struct {
	const char *word;
	enum kw_class cls;
} keywords[] = {
	/* dynamic, dial-up, DSL, cable, fibre-to-the-home, mobile, NAT pools */
	{"dynamic", KW_DYNAMIC},  {"dyn", KW_DYNAMIC},       {"dynip", KW_DYNAMIC},
	{"dhcp", KW_DYNAMIC},     {"dialup", KW_DYNAMIC},    {"dial", KW_DYNAMIC},
	{"dialin", KW_DYNAMIC},   {"ppp", KW_DYNAMIC},       {"pppoe", KW_DYNAMIC},
	{"pool", KW_DYNAMIC},     {"dsl", KW_DYNAMIC},       {"adsl", KW_DYNAMIC},
	{"vdsl", KW_DYNAMIC},     {"xdsl", KW_DYNAMIC},      {"sdsl", KW_DYNAMIC},
	{"cable", KW_DYNAMIC},    {"cablemodem", KW_DYNAMIC}, {"hsd", KW_DYNAMIC},
	{"cpe", KW_DYNAMIC},      {"broadband", KW_DYNAMIC}, {"bb", KW_DYNAMIC},
	{"res", KW_DYNAMIC},      {"resi", KW_DYNAMIC},      {"residential", KW_DYNAMIC},
	{"home", KW_DYNAMIC},     {"cust", KW_DYNAMIC},      {"customer", KW_DYNAMIC},
	{"client", KW_DYNAMIC},   {"subscriber", KW_DYNAMIC}, {"user", KW_DYNAMIC},
	{"users", KW_DYNAMIC},    {"mobile", KW_DYNAMIC},    {"wireless", KW_DYNAMIC},
	{"wifi", KW_DYNAMIC},     {"wlan", KW_DYNAMIC},      {"lte", KW_DYNAMIC},
	{"gprs", KW_DYNAMIC},     {"umts", KW_DYNAMIC},      {"ftth", KW_DYNAMIC},
	{"fttx", KW_DYNAMIC},     {"fttc", KW_DYNAMIC},      {"fttb", KW_DYNAMIC},
	{"nat", KW_DYNAMIC},      {"cgnat", KW_DYNAMIC},     {"modem", KW_DYNAMIC},
	/* provider defaults: static ranges, placeholders, cloud instances */
	{"static", KW_GENERIC},   {"ip", KW_GENERIC},        {"host", KW_GENERIC},
	{"addr", KW_GENERIC},     {"unassigned", KW_GENERIC}, {"unknown", KW_GENERIC},
	{"undefined", KW_GENERIC}, {"unused", KW_GENERIC},   {"generic", KW_GENERIC},
	{"rev", KW_GENERIC},      {"reverse", KW_GENERIC},   {"rdns", KW_GENERIC},
	{"ptr", KW_GENERIC},      {"noptr", KW_GENERIC},     {"ec", KW_GENERIC},
	{"compute", KW_GENERIC},  {"googleusercontent", KW_GENERIC}, {"vps", KW_GENERIC},
	{"clients", KW_GENERIC},  {"colo", KW_GENERIC},      {"hosted", KW_GENERIC},
	/* names mail servers are given */
	{"mail", KW_MAIL},        {"smtp", KW_MAIL},         {"mx", KW_MAIL},
	{"mta", KW_MAIL},         {"relay", KW_MAIL},        {"out", KW_MAIL},
	{"outbound", KW_MAIL},    {"mailout", KW_MAIL},      {"smtpout", KW_MAIL},
	{"bounce", KW_MAIL},      {"mailer", KW_MAIL},       {"email", KW_MAIL},
	{"exchange", KW_MAIL},    {"postfix", KW_MAIL},      {"exim", KW_MAIL},
};

struct token {
	const char *p;
	size_t n;
	bool digits;
};

const char *md_ptr_name_class_name(md_ptr_name_class c)
{
	switch (c) {
	case MD_PTR_NAME_SPECIFIC: return "specific";
	case MD_PTR_NAME_GENERIC: return "generic";
	case MD_PTR_NAME_DYNAMIC: return "dynamic";
	}
	return "specific";
}

/* Split NAME[0..N) into tokens; returns the count. */
static size_t tokenize(const char *name, size_t n, struct token *t, size_t max)
{
	size_t i = 0, k = 0;

	while (i < n && k < max) {
		size_t j;
		bool d;

		if (name[i] == '.' || name[i] == '-' || name[i] == '_') {
			i++;
			continue;
		}
		d = md_isdigit(name[i]);
		for (j = i; j < n && name[j] != '.' && name[j] != '-' && name[j] != '_' &&
		            md_isdigit(name[j]) == d;
		     j++)
			;
		t[k].p = name + i;
		t[k].n = j - i;
		t[k].digits = d;
		k++;
		i = j;
	}
	return k;
}

/* The same with only "-", "_" and "." as separators (for hex words). */
static size_t tokenize_hex(const char *name, size_t n, struct token *t, size_t max)
{
	size_t i = 0, k = 0;

	while (i < n && k < max) {
		size_t j;

		if (name[i] == '.' || name[i] == '-' || name[i] == '_') {
			i++;
			continue;
		}
		for (j = i; j < n && name[j] != '.' && name[j] != '-' && name[j] != '_'; j++)
			;
		t[k].p = name + i;
		t[k].n = j - i;
		t[k].digits = false;
		k++;
		i = j;
	}
	return k;
}

static bool tok_uint(const struct token *t, uint64_t max, uint64_t *v)
{
	return t->digits && md_parse_uint(t->p, t->n, max, v);
}

static bool tok_hex(const struct token *t, size_t maxlen, uint64_t *v)
{
	size_t i;

	if (t->n == 0 || t->n > maxlen)
		return false;
	*v = 0;
	for (i = 0; i < t->n; i++) {
		int h = md_hexval(t->p[i]);

		if (h < 0)
			return false;
		*v = *v << 4 | (uint64_t)h;
	}
	return true;
}

/* Octets of IP (v4) found as numbers: 4 when all four appear in a row
 * (in order or reversed), 2 when two neighbouring ones do, else 0. */
static int v4_embedded(const char *name, size_t n, const struct token *t, size_t nt,
                       const md_ip *ip)
{
	struct token w[PTR_MAX_TOKENS];
	size_t nw = tokenize_hex(name, n, w, PTR_MAX_TOKENS);
	uint64_t num[PTR_MAX_TOKENS];
	size_t nn = 0, i, k;
	int best = 0;
	char want12[13], want8[9];

	snprintf(want12, sizeof(want12), "%03u%03u%03u%03u", ip->a[0], ip->a[1], ip->a[2],
	         ip->a[3]);
	snprintf(want8, sizeof(want8), "%02x%02x%02x%02x", ip->a[0], ip->a[1], ip->a[2], ip->a[3]);
	/* whole words: "192000002001", "c0000201" */
	for (i = 0; i < nw; i++) {
		size_t j;
		bool eq12 = w[i].n == 12, eq8 = w[i].n == 8;

		for (j = 0; j < w[i].n && (eq12 || eq8); j++) {
			eq12 = eq12 && w[i].p[j] == want12[j];
			eq8 = eq8 && md_tolower(w[i].p[j]) == want8[j];
		}
		if (eq12 || eq8)
			return 4;
	}
	for (i = 0; i < nt; i++)
		if (tok_uint(&t[i], 255, &num[nn]))
			nn++;
	for (i = 0; i + 2 <= nn; i++) {
		bool fwd = true, rev = true;

		if (i + 4 <= nn) {
			for (k = 0; k < 4; k++) {
				fwd = fwd && num[i + k] == ip->a[k];
				rev = rev && num[i + k] == ip->a[3 - k];
			}
			if (fwd || rev)
				return 4;
		}
		for (k = 0; k < 3; k++)
			if ((num[i] == ip->a[k] && num[i + 1] == ip->a[k + 1]) ||
			    (num[i] == ip->a[k + 1] && num[i + 1] == ip->a[k]))
				best = 2;
	}
	return best;
}

static int v6_embedded(const char *name, size_t n, const md_ip *ip)
{
	struct token t[PTR_MAX_TOKENS];
	size_t nt = tokenize_hex(name, n, t, PTR_MAX_TOKENS), i, k, h;
	uint16_t hex[8];
	char nib[33];
	size_t nn = 0;

	for (k = 0; k < 8; k++)
		hex[k] = (uint16_t)(ip->a[2 * k] << 8 | ip->a[2 * k + 1]);
	for (k = 0; k < 16; k++)
		snprintf(nib + 2 * k, 3, "%02x", ip->a[k]);
	/* the 32 nibbles, with or without separators */
	for (i = 0; i < n && nn < 32; i++) {
		if (name[i] == '.' || name[i] == '-' || name[i] == '_')
			continue;
		if (md_tolower(name[i]) == nib[nn])
			nn++;
		else
			nn = md_tolower(name[i]) == nib[0] ? 1 : 0;
	}
	if (nn == 32)
		return 4;
	for (i = 0; i + 3 <= nt; i++)
		for (h = 0; h + 3 <= 8; h++) {
			uint64_t v;
			bool eq = true;

			for (k = 0; k < 3 && eq; k++)
				eq = tok_hex(&t[i + k], 4, &v) && v == hex[h + k];
			/* three zero hextets in a row say nothing */
			if (eq && (hex[h] | hex[h + 1] | hex[h + 2]) != 0)
				return 4;
		}
	return 0;
}

md_ptr_name_class md_ptr_classify_name(const char *name, const char *ipstr, char *why,
                                       size_t whylen)
{
	struct token t[PTR_MAX_TOKENS];
	char norm[MD_DOMAIN_MAX + 1];
	const char *reason_kw = NULL, *dyn_kw = NULL, *gen_kw = NULL, *mail_kw = NULL, *errwhy;
	size_t n, nt, i, k, labels = 0, cut;
	int embed = 0;
	md_ip ip;
	md_ptr_name_class c;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (name == NULL || !md_domain_normalize(name, norm, sizeof(norm), &errwhy))
		return MD_PTR_NAME_SPECIFIC;
	n = strlen(norm);
	/* the part left of the last two labels */
	cut = n;
	for (i = n; i > 0; i--)
		if (norm[i - 1] == '.' && ++labels == 2) {
			cut = i - 1;
			break;
		}
	if (labels < 2)
		cut = 0;
	nt = tokenize(norm, cut, t, PTR_MAX_TOKENS);
	for (i = 0; i < nt; i++) {
		if (t[i].digits)
			continue;
		for (k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
			if (strlen(keywords[k].word) != t[i].n ||
			    memcmp(keywords[k].word, t[i].p, t[i].n) != 0)
				continue;
			if (keywords[k].cls == KW_DYNAMIC && dyn_kw == NULL)
				dyn_kw = keywords[k].word;
			else if (keywords[k].cls == KW_GENERIC && gen_kw == NULL)
				gen_kw = keywords[k].word;
			else if (keywords[k].cls == KW_MAIL && mail_kw == NULL)
				mail_kw = keywords[k].word;
		}
	}
	if (ipstr != NULL && md_ip_parse(ipstr, &ip)) {
		ip = md_ip_unmap(ip);
		if (ip.family == 4)
			embed = v4_embedded(norm, cut, t, nt, &ip);
		else
			embed = v6_embedded(norm, cut, &ip);
	}
	if (dyn_kw != NULL && (embed == 4 || mail_kw == NULL)) {
		c = MD_PTR_NAME_DYNAMIC;
		reason_kw = dyn_kw;
	} else if (embed == 4) {
		c = MD_PTR_NAME_GENERIC;
		reason_kw = gen_kw;
	} else if (gen_kw != NULL && embed == 2) {
		c = MD_PTR_NAME_GENERIC;
		reason_kw = gen_kw;
	} else {
		c = MD_PTR_NAME_SPECIFIC;
	}
	if (why != NULL && whylen > 0 && c != MD_PTR_NAME_SPECIFIC)
		snprintf(why, whylen, "%s%s%s%s%s",
		         embed == 4   ? "the address is written into the name"
		         : embed == 2 ? "part of the address is written into the name"
		                      : "",
		         embed && reason_kw ? "; " : "", reason_kw ? "pool keyword '" : "",
		         reason_kw ? reason_kw : "", reason_kw ? "'" : "");
	return c;
}
