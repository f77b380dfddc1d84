/*
 * test_fixture.c - the zone-file fixture backend and the resolver core:
 * master-file syntax, outcomes, CNAMEs, wildcards, empty non-terminals,
 * faults, the cache and errors with FILE:LINE. Table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <maildiag/dns.h>

#include "core/alloc.h"

/* Every record of RES as "owner ttl TYPE rdata", joined by " | ". */
static char *render(const md_dns_result *res)
{
	static char out[8192];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < res->nrr; i++) {
		char tb[16], *t = md_dns_rr_text(&res->rr[i]);

		assert_non_null(t);
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s %u %s %s", i ? " | " : "",
		                      res->rr[i].owner, (unsigned)res->rr[i].ttl,
		                      md_dns_type_name(res->rr[i].type, tb, sizeof(tb)), t);
		free(t);
	}
	return out;
}

static md_resolver *load(const char *zone, const char *origin)
{
	md_resolver *r = md_resolver_fixture_new();
	char err[512] = "";
	md_status st;

	assert_non_null(r);
	st = md_resolver_fixture_load_text(r, "t", zone, strlen(zone), origin, err, sizeof(err));
	if (st != MD_OK)
		fail_msg("zone did not load: %s (%s)", err, md_status_str(st));
	return r;
}

struct qcase {
	const char *name;
	const char *zone;
	const char *origin;
	const char *qname;
	const char *qtype;
	md_dns_outcome want;
	const char *records;   /* render() output, NULL: do not check */
	const char *canonical; /* NULL: == qname form */
	size_t ncname;
};


static const struct qcase qcases[] = {
	/* --- syntax --- */
	{"origin and relative names", "$ORIGIN example.com.\n@ 60 IN A 192.0.2.1\nwww 60 A 192.0.2.2\n",
	 NULL, "www.example.com", "A", MD_DNS_ANSWER, "www.example.com 60 A 192.0.2.2", NULL, 0},
	{"origin argument", "www 60 A 192.0.2.2\n", "example.com", "www.example.com.", "A",
	 MD_DNS_ANSWER, "www.example.com 60 A 192.0.2.2", NULL, 0},
	{"absolute name", "$ORIGIN example.com.\nmail.example.net. 60 A 192.0.2.3\n", NULL,
	 "mail.example.net", "A", MD_DNS_ANSWER, "mail.example.net 60 A 192.0.2.3", NULL, 0},
	{"relative $ORIGIN", "$ORIGIN example.com.\n$ORIGIN sub\nx 60 A 192.0.2.4\n", NULL,
	 "x.sub.example.com", "A", MD_DNS_ANSWER, "x.sub.example.com 60 A 192.0.2.4", NULL, 0},
	{"$TTL default", "$TTL 1h\n$ORIGIN example.com.\nx A 192.0.2.5\n", NULL, "x.example.com",
	 "A", MD_DNS_ANSWER, "x.example.com 3600 A 192.0.2.5", NULL, 0},
	{"TTL units", "x.example.com. 1w2d3h4m5s A 192.0.2.5\n", NULL, "x.example.com", "A",
	 MD_DNS_ANSWER, "x.example.com 788645 A 192.0.2.5", NULL, 0},
	{"last TTL without $TTL", "x.example.com. 77 A 192.0.2.5\ny.example.com. A 192.0.2.6\n", NULL,
	 "y.example.com", "A", MD_DNS_ANSWER, "y.example.com 77 A 192.0.2.6", NULL, 0},
	{"no TTL at all", "x.example.com. A 192.0.2.5\n", NULL, "x.example.com", "A", MD_DNS_ANSWER,
	 "x.example.com 3600 A 192.0.2.5", NULL, 0},
	{"class before TTL", "x.example.com. IN 42 A 192.0.2.5\n", NULL, "x.example.com", "A",
	 MD_DNS_ANSWER, "x.example.com 42 A 192.0.2.5", NULL, 0},
	{"TTL before class", "x.example.com. 42 in a 192.0.2.5\n", NULL, "x.example.com", "A",
	 MD_DNS_ANSWER, "x.example.com 42 A 192.0.2.5", NULL, 0},
	{"CLASS1", "x.example.com. CLASS1 42 A 192.0.2.5\n", NULL, "x.example.com", "A",
	 MD_DNS_ANSWER, "x.example.com 42 A 192.0.2.5", NULL, 0},
	{"blank owner is previous owner",
	 "$ORIGIN example.com.\nx 60 A 192.0.2.1\n   60 A 192.0.2.2\n\t60 MX 5 x\n", NULL,
	 "x.example.com", "A", MD_DNS_ANSWER,
	 "x.example.com 60 A 192.0.2.1 | x.example.com 60 A 192.0.2.2", NULL, 0},
	{"parentheses across lines and comments",
	 "$ORIGIN example.com.\n@ 60 IN SOA ns.example.com. hm.example.com. ( ; comment\n"
	 "  2024010101 ; serial\n  7200 3600\n  1209600 300 ) ; end\n",
	 NULL, "example.com", "SOA", MD_DNS_ANSWER,
	 "example.com 60 SOA ns.example.com. hm.example.com. 2024010101 7200 3600 1209600 300",
	 NULL, 0},
	{"CRLF line ends", "$ORIGIN example.com.\r\nx 60 A 192.0.2.1\r\n", NULL, "x.example.com", "A",
	 MD_DNS_ANSWER, "x.example.com 60 A 192.0.2.1", NULL, 0},
	{"upper case owner folded", "WWW.Example.COM. 60 A 192.0.2.1\n", NULL, "www.EXAMPLE.com", "A",
	 MD_DNS_ANSWER, "www.example.com 60 A 192.0.2.1", NULL, 0},
	{"root apex", "$ORIGIN .\n@ 60 SOA a.root-servers.net. nstld.example.com. 1 2 3 4 5\n"
	 "@ 60 NS a.root-servers.net.\nexample. 60 NS ns.example.\n",
	 NULL, ".", "NS", MD_DNS_ANSWER, " 60 NS a.root-servers.net.", NULL, 0},
	{"root origin default", "com. 60 NS a.gtld-servers.net.\n", NULL, "com", "NS", MD_DNS_ANSWER,
	 "com 60 NS a.gtld-servers.net.", NULL, 0},
	{"escaped space in owner", "sp\\032ace.example.com. 60 A 192.0.2.1\n", NULL,
	 "sp\\ ace.example.com", "A", MD_DNS_ANSWER, "sp\\032ace.example.com 60 A 192.0.2.1", NULL, 0},
	{"escaped dot in label", "a\\.b.example.com. 60 A 192.0.2.1\n", NULL, "a\\046b.example.com",
	 "A", MD_DNS_ANSWER, "a\\.b.example.com 60 A 192.0.2.1", NULL, 0},
	{"escaped dot is not a separator", "a\\.b.example.com. 60 A 192.0.2.1\n", NULL,
	 "a.b.example.com", "A", MD_DNS_NXDOMAIN, "", NULL, 0},
	{"percent in name", "%{i}.example.com. 60 TXT ok\n", NULL, "%{i}.example.com", "TXT",
	 MD_DNS_ANSWER, "%{i}.example.com 60 TXT \"ok\"", NULL, 0},
	{"TXT multi-string", "t.example.com. 60 TXT \"v=spf1 \" \"ip4:192.0.2.0/24\" bare\n", NULL,
	 "t.example.com", "TXT", MD_DNS_ANSWER,
	 "t.example.com 60 TXT \"v=spf1 \" \"ip4:192.0.2.0/24\" \"bare\"", NULL, 0},
	{"TXT escapes", "t.example.com. 60 TXT \"q\\\"b\\\\s\\059x\\000\\255\" semi\\;colon\n", NULL,
	 "t.example.com", "TXT", MD_DNS_ANSWER,
	 "t.example.com 60 TXT \"q\\\"b\\\\s;x\\000\\255\" \"semi;colon\"", NULL, 0},
	{"TXT empty string", "t.example.com. 60 TXT \"\"\n", NULL, "t.example.com", "TXT",
	 MD_DNS_ANSWER, "t.example.com 60 TXT \"\"", NULL, 0},
	{"TXT in parentheses", "t.example.com. 60 TXT ( \"a\"\n  \"b\" )\n", NULL, "t.example.com",
	 "TXT", MD_DNS_ANSWER, "t.example.com 60 TXT \"a\" \"b\"", NULL, 0},
	{"SPF type 99", "t.example.com. 60 SPF \"v=spf1 -all\"\n", NULL, "t.example.com", "SPF",
	 MD_DNS_ANSWER, "t.example.com 60 SPF \"v=spf1 -all\"", NULL, 0},
	{"RFC 3597 unknown type", "t.example.com. 60 TYPE65280 \\# 4 0a0B0c0D\n", NULL,
	 "t.example.com", "TYPE65280", MD_DNS_ANSWER, "t.example.com 60 TYPE65280 \\# 4 0A0B0C0D",
	 NULL, 0},
	{"RFC 3597 known type", "t.example.com. 60 TYPE99 \\# 4 03616263\n", NULL, "t.example.com",
	 "SPF", MD_DNS_ANSWER, "t.example.com 60 SPF \"abc\"", NULL, 0},
	{"RFC 3597 A", "t.example.com. 60 A \\# 4 c0000201\n", NULL, "t.example.com", "A",
	 MD_DNS_ANSWER, "t.example.com 60 A 192.0.2.1", NULL, 0},
	{"RFC 3597 hex split", "t.example.com. 60 TYPE65280 \\# 3 ( 01 0203 )\n", NULL,
	 "t.example.com", "65280", MD_DNS_ANSWER, "t.example.com 60 TYPE65280 \\# 3 010203", NULL, 0},
	{"RFC 3597 empty", "t.example.com. 60 TYPE65280 \\# 0\n", NULL, "t.example.com", "TYPE65280",
	 MD_DNS_ANSWER, "t.example.com 60 TYPE65280 \\# 0", NULL, 0},
	{"AAAA", "h.example.com. 60 AAAA 2001:DB8::1\n", NULL, "h.example.com", "AAAA", MD_DNS_ANSWER,
	 "h.example.com 60 AAAA 2001:db8::1", NULL, 0},
	{"MX and null MX", "example.com. 60 MX 0 .\n", NULL, "example.com", "MX", MD_DNS_ANSWER,
	 "example.com 60 MX 0 .", NULL, 0},
	{"NS", "example.com. 60 NS ns1.example.net.\n", NULL, "example.com", "NS", MD_DNS_ANSWER,
	 "example.com 60 NS ns1.example.net.", NULL, 0},
	{"PTR", "1.2.0.192.in-addr.arpa. 60 PTR mail.example.com.\n", NULL, "1.2.0.192.in-addr.arpa",
	 "PTR", MD_DNS_ANSWER, "1.2.0.192.in-addr.arpa 60 PTR mail.example.com.", NULL, 0},
	{"SRV", "_smtp._tcp.example.com. 60 SRV 10 5 25 mx.example.com.\n", NULL,
	 "_smtp._tcp.example.com", "SRV", MD_DNS_ANSWER,
	 "_smtp._tcp.example.com 60 SRV 10 5 25 mx.example.com.", NULL, 0},
	{"TLSA", "_25._tcp.mx.example.com. 60 TLSA 3 1 1 ( 0123456789abcdef\n 0123 )\n", NULL,
	 "_25._tcp.mx.example.com", "TLSA", MD_DNS_ANSWER,
	 "_25._tcp.mx.example.com 60 TLSA 3 1 1 0123456789ABCDEF0123", NULL, 0},
	{"CAA", "example.com. 60 CAA 0 issue \"ca.example.net; x=1\"\n", NULL, "example.com", "CAA",
	 MD_DNS_ANSWER, "example.com 60 CAA 0 issue \"ca.example.net; x=1\"", NULL, 0},
	{"DS", "example.com. 60 DS 12345 13 2 ( AABBCC\n DDEEFF )\n", NULL, "example.com", "DS",
	 MD_DNS_ANSWER, "example.com 60 DS 12345 13 2 AABBCCDDEEFF", NULL, 0},
	{"DNSKEY", "example.com. 60 DNSKEY 257 3 13 ( AQID\n BAU= )\n", NULL, "example.com", "DNSKEY",
	 MD_DNS_ANSWER, "example.com 60 DNSKEY 257 3 13 AQIDBAU=", NULL, 0},
	{"HINFO", "h.example.com. 60 HINFO \"PC\" Linux\n", NULL, "h.example.com", "HINFO",
	 MD_DNS_ANSWER, "h.example.com 60 HINFO \"PC\" \"Linux\"", NULL, 0},
	{"RRSIG", "x.example.com. 60 RRSIG A 13 3 300 20300101000000 10 12345 example.com. AQID\n",
	 NULL, "x.example.com", "RRSIG", MD_DNS_ANSWER,
	 "x.example.com 60 RRSIG \\# 34 00010D030000012C70DBD8800000000A3039076578616D706C6503636F6D00010203",
	 NULL, 0},
	{"NSEC bitmap", "x.example.com. 60 NSEC host.example.com. A MX RRSIG NSEC\n", NULL,
	 "x.example.com", "NSEC", MD_DNS_ANSWER,
	 "x.example.com 60 NSEC \\# 26 04686F7374076578616D706C6503636F6D000006400100000003", NULL, 0},
	{"NSEC3", "x.example.com. 60 NSEC3 1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG\n",
	 NULL, "x.example.com", "NSEC3", MD_DNS_ANSWER,
	 "x.example.com 60 NSEC3 \\# 38 0101000C04AABBCCDD1417F3DF17B2B2ADAEF615257DE4D2020B80AC6C7C"
	 "0006400000000002",
	 NULL, 0},
	{"NSEC3PARAM no salt", "x.example.com. 60 NSEC3PARAM 1 0 1 -\n", NULL, "x.example.com",
	 "NSEC3PARAM", MD_DNS_ANSWER, "x.example.com 60 NSEC3PARAM \\# 5 0100000100", NULL, 0},
	{"duplicate records kept once", "x.example.com. 60 A 192.0.2.1\nx.example.com. 60 A 192.0.2.1\n",
	 NULL, "x.example.com", "A", MD_DNS_ANSWER, "x.example.com 60 A 192.0.2.1", NULL, 0},
	/* --- outcomes --- */
	{"nxdomain", "$ORIGIN example.com.\n@ 60 A 192.0.2.1\n", NULL, "nope.example.com", "A",
	 MD_DNS_NXDOMAIN, "", NULL, 0},
	{"nodata", "$ORIGIN example.com.\n@ 60 A 192.0.2.1\n", NULL, "example.com", "MX",
	 MD_DNS_NODATA, "", NULL, 0},
	{"empty non-terminal (RFC 8020)",
	 "$ORIGIN example.com.\n@ 60 SOA ns hm 1 2 3 4 5\nsel._domainkey 60 TXT \"v=DKIM1\"\n", NULL,
	 "_domainkey.example.com", "TXT", MD_DNS_NODATA, "", NULL, 0},
	{"deep ENT", "$ORIGIN example.com.\n@ 60 SOA ns hm 1 2 3 4 5\na.b.c.d 60 A 192.0.2.1\n", NULL,
	 "c.d.example.com", "A", MD_DNS_NODATA, "", NULL, 0},
	{"below a leaf is nxdomain", "$ORIGIN example.com.\n@ 60 SOA ns hm 1 2 3 4 5\na 60 A 192.0.2.1\n",
	 NULL, "x.a.example.com", "A", MD_DNS_NXDOMAIN, "", NULL, 0},
	{"above the zone is nxdomain", "$ORIGIN example.com.\n@ 60 SOA ns hm 1 2 3 4 5\n", NULL, "com",
	 "A", MD_DNS_NXDOMAIN, "", NULL, 0},
	/* --- CNAME --- */
	{"cname followed", "$ORIGIN example.com.\nwww 60 CNAME web\nweb 60 A 192.0.2.1\n", NULL,
	 "www.example.com", "A", MD_DNS_ANSWER, "web.example.com 60 A 192.0.2.1", "web.example.com", 1},
	{"cname chain", "$ORIGIN example.com.\na 60 CNAME b\nb 60 CNAME c.example.net.\n"
	 "c.example.net. 60 MX 10 mx.example.net.\n",
	 NULL, "a.example.com", "MX", MD_DNS_ANSWER, "c.example.net 60 MX 10 mx.example.net.",
	 "c.example.net", 2},
	{"cname asked itself", "$ORIGIN example.com.\nwww 60 CNAME web\nweb 60 A 192.0.2.1\n", NULL,
	 "www.example.com", "CNAME", MD_DNS_ANSWER, "www.example.com 60 CNAME web.example.com.", NULL,
	 0},
	{"cname to nxdomain", "$ORIGIN example.com.\nwww 60 CNAME gone\n", NULL, "www.example.com",
	 "A", MD_DNS_NXDOMAIN, "", "gone.example.com", 1},
	{"cname to nodata", "$ORIGIN example.com.\nwww 60 CNAME web\nweb 60 A 192.0.2.1\n", NULL,
	 "www.example.com", "MX", MD_DNS_NODATA, "", "web.example.com", 1},
	{"cname loop", "$ORIGIN example.com.\na 60 CNAME b\nb 60 CNAME a\n", NULL, "a.example.com",
	 "A", MD_DNS_SERVFAIL, "", NULL, 2},
	{"cname self loop", "$ORIGIN example.com.\na 60 CNAME a\n", NULL, "a.example.com", "TXT",
	 MD_DNS_SERVFAIL, "", NULL, 1},
	{"cname chain of 12 hops",
	 "$ORIGIN example.com.\nc0 CNAME c1\nc1 CNAME c2\nc2 CNAME c3\nc3 CNAME c4\nc4 CNAME c5\n"
	 "c5 CNAME c6\nc6 CNAME c7\nc7 CNAME c8\nc8 CNAME c9\nc9 CNAME c10\nc10 CNAME c11\n"
	 "c11 CNAME c12\nc12 A 192.0.2.1\n",
	 NULL, "c0.example.com", "A", MD_DNS_ANSWER, "c12.example.com 3600 A 192.0.2.1",
	 "c12.example.com", 12},
	{"cname chain of 13 hops is too long",
	 "$ORIGIN example.com.\nc0 CNAME c1\nc1 CNAME c2\nc2 CNAME c3\nc3 CNAME c4\nc4 CNAME c5\n"
	 "c5 CNAME c6\nc6 CNAME c7\nc7 CNAME c8\nc8 CNAME c9\nc9 CNAME c10\nc10 CNAME c11\n"
	 "c11 CNAME c12\nc12 CNAME c13\nc13 A 192.0.2.1\n",
	 NULL, "c0.example.com", "A", MD_DNS_SERVFAIL, "", NULL, 12},
	/* --- wildcards (RFC 4592) --- */
	{"wildcard answers", "$ORIGIN example.com.\n@ 60 SOA ns hm 1 2 3 4 5\n*.w 60 A 192.0.2.9\n",
	 NULL, "x.w.example.com", "A", MD_DNS_ANSWER, "x.w.example.com 60 A 192.0.2.9", NULL, 0},
	{"wildcard deeper", "$ORIGIN example.com.\n*.w 60 A 192.0.2.9\n", NULL, "a.b.w.example.com",
	 "A", MD_DNS_ANSWER, "a.b.w.example.com 60 A 192.0.2.9", NULL, 0},
	{"wildcard nodata", "$ORIGIN example.com.\n*.w 60 A 192.0.2.9\n", NULL, "x.w.example.com",
	 "MX", MD_DNS_NODATA, "", NULL, 0},
	{"wildcard not for existing name", "$ORIGIN example.com.\n*.w 60 A 192.0.2.9\nx.w 60 TXT t\n",
	 NULL, "x.w.example.com", "A", MD_DNS_NODATA, "", NULL, 0},
	{"wildcard blocked by closer encloser",
	 "$ORIGIN example.com.\n*.w 60 A 192.0.2.9\nb.w 60 TXT t\n", NULL, "a.b.w.example.com", "A",
	 MD_DNS_NXDOMAIN, "", NULL, 0},
	{"wildcard blocked by ENT", "$ORIGIN example.com.\n@ SOA ns hm 1 2 3 4 5\n*.w 60 A 192.0.2.9\n"
	 "x.e.w 60 TXT t\n", NULL, "a.e.w.example.com", "A", MD_DNS_NXDOMAIN, "", NULL, 0},
	{"wildcard name asked literally", "$ORIGIN example.com.\n*.w 60 A 192.0.2.9\n", NULL,
	 "*.w.example.com", "A", MD_DNS_ANSWER, "*.w.example.com 60 A 192.0.2.9", NULL, 0},
	{"wildcard cname", "$ORIGIN example.com.\n*.w 60 CNAME t\nt 60 A 192.0.2.8\n", NULL,
	 "x.w.example.com", "A", MD_DNS_ANSWER, "t.example.com 60 A 192.0.2.8", "t.example.com", 1},
	/* --- faults --- */
	{"timeout fault", "$ORIGIN example.com.\n;! timeout slow\nslow 60 A 192.0.2.1\n", NULL,
	 "slow.example.com", "A", MD_DNS_TIMEOUT, "", NULL, 0},
	{"servfail fault by type", "$ORIGIN example.com.\n  ;! servfail x TXT\nx 60 A 192.0.2.1\n",
	 NULL, "x.example.com", "TXT", MD_DNS_SERVFAIL, "", NULL, 0},
	{"fault of other type does not apply", "$ORIGIN example.com.\n;! servfail x TXT\nx 60 A 192.0.2.1\n",
	 NULL, "x.example.com", "A", MD_DNS_ANSWER, "x.example.com 60 A 192.0.2.1", NULL, 0},
	{"error fault on absent name", ";! error gone.example.com.\n", NULL, "gone.example.com", "MX",
	 MD_DNS_ERROR, "", NULL, 0},
	{"fault on cname target", "$ORIGIN example.com.\n;! timeout t\nw 60 CNAME t\nt 60 A 192.0.2.1\n",
	 NULL, "w.example.com", "A", MD_DNS_TIMEOUT, "", "t.example.com", 1},
	{"fault name with @", "$ORIGIN example.com.\n;! servfail @ MX\n@ 60 MX 10 mx\n", NULL,
	 "example.com", "MX", MD_DNS_SERVFAIL, "", NULL, 0},
	{"plain comment with bang later", "; not ;! a fault\nx.example.com. 60 A 192.0.2.1\n", NULL,
	 "x.example.com", "A", MD_DNS_ANSWER, "x.example.com 60 A 192.0.2.1", NULL, 0},
};

static void test_queries(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(qcases) / sizeof(qcases[0]); i++) {
		const struct qcase *c = &qcases[i];
		md_resolver *r = load(c->zone, c->origin);
		const md_dns_result *res = NULL;
		uint16_t t = md_dns_type_parse(c->qtype);
		md_status st = md_dns_query(r, c->qname, t, &res);

		if (st != MD_OK || res == NULL)
			fail_msg("%s: query failed: %s", c->name, md_status_str(st));
		if (res->outcome != c->want)
			fail_msg("%s: outcome got %s, want %s (%s)", c->name,
			         md_dns_outcome_name(res->outcome), md_dns_outcome_name(c->want),
			         res->why ? res->why : "");
		if (c->records != NULL && strcmp(render(res), c->records) != 0)
			fail_msg("%s: records\n got: [%s]\nwant: [%s]", c->name, render(res), c->records);
		if (c->canonical != NULL && strcmp(res->canonical, c->canonical) != 0)
			fail_msg("%s: canonical got %s want %s", c->name, res->canonical, c->canonical);
		if (res->ncname != c->ncname)
			fail_msg("%s: ncname got %zu want %zu", c->name, res->ncname, c->ncname);
		if (md_dns_failed(res) != (c->want >= MD_DNS_SERVFAIL))
			fail_msg("%s: md_dns_failed disagrees", c->name);
		if (c->want == MD_DNS_NXDOMAIN && res->rcode != 3)
			fail_msg("%s: rcode %d", c->name, res->rcode);
		if ((c->want == MD_DNS_ANSWER || c->want == MD_DNS_NODATA) && res->rcode != 0)
			fail_msg("%s: rcode %d", c->name, res->rcode);
		assert_int_equal(res->dnssec, MD_DNSSEC_INSECURE);
		md_resolver_free(r);
	}
}

struct ecase {
	const char *name;
	const char *zone;
	const char *want; /* substring of the error, starting with t:LINE: */
};

static const struct ecase ecases[] = {
	{"unknown type", "x.example.com. 60 BOGUS 1\n", "t:1: BOGUS: unknown record type"},
	{"bad A", "\n\nx.example.com. 60 A 192.0.2.300\n", "t:3: 192.0.2.300: not an IPv4 address"},
	{"A with IPv6", "x.example.com. 60 A ::1\n", "t:1: ::1: not an IPv4 address"},
	{"bad AAAA", "x.example.com. 60 AAAA 1.2.3.4\n", "t:1: 1.2.3.4: not an IPv6 address"},
	{"missing type", "x.example.com. 60 IN\n", "t:1: missing record type"},
	{"MX too few", "x.example.com. 60 MX 10\n", "t:1: MX needs 2 fields, got 1"},
	{"MX bad pref", "x.example.com. 60 MX 70000 mx\n", "t:1: 70000: bad preference"},
	{"blank first owner", "  60 A 192.0.2.1\n", "t:1: no owner name"},
	{"unclosed paren", "x.example.com. 60 TXT ( \"a\"\n\"b\"\n", "t:1: '(' is never closed"},
	{"stray close paren", "x.example.com. 60 TXT \"a\" )\n", "t:1: ')' without '('"},
	{"nested paren", "x.example.com. 60 TXT ( ( \"a\" ) )\n", "t:1: nested '('"},
	{"unterminated quote", "x.example.com. 60 TXT \"abc\n", "t:1: unterminated quoted string"},
	{"string too long",
	 "x.example.com. 60 TXT "
	 "\"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
	 "1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901"
	 "2345678901234567890123456789012345678901234567890123456789012345678901234567890\"\n",
	 "t:1: "},
	{"bad escape", "x.example.com. 60 TXT \"\\25\"\n", "bad \\DDD escape"},
	{"escape above 255", "x.example.com. 60 TXT \"\\256\"\n", "escape above 255"},
	{"label too long",
	 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com. 60 A 192.0.2.1\n",
	 "t:1: aaaa"},
	{"empty label", "a..example.com. 60 A 192.0.2.1\n", "empty label"},
	{"class CH", "x.example.com. CH TXT \"a\"\n", "t:1: CH: only class IN is supported"},
	{"bad TTL", "x.example.com. 60x A 192.0.2.1\n", "t:1: 60x: bad TTL"},
	{"TTL too big", "x.example.com. 2147483648 A 192.0.2.1\n", "TTL above 2147483647"},
	{"unknown directive", "$GENERATE 1-3 x$ A 192.0.2.$\n", "t:1: $GENERATE: unknown directive"},
	{"$ORIGIN without name", "$ORIGIN\n", "t:1: $ORIGIN needs one domain name"},
	{"$INCLUDE in text", "$INCLUDE other.zone\n", "t:1: $INCLUDE is only allowed in files"},
	{"generic length mismatch", "x.example.com. 60 TYPE65280 \\# 3 0102\n",
	 "t:1: \\# says 3 octets, the data has 2"},
	{"generic odd hex", "x.example.com. 60 TYPE65280 \\# 2 010\n", "odd number of hex digits"},
	{"generic bad A length", "x.example.com. 60 A \\# 3 010203\n", "A rdata is not 4 octets"},
	{"generic zero with data", "x.example.com. 60 TYPE65280 \\# 0 00\n", "\\# 0 takes no data"},
	{"unsupported presentation", "x.example.com. 60 NAPTR 1 1 \"u\" \"E2U\" \"\" .\n",
	 "t:1: NAPTR: cannot read this type's presentation form"},
	{"cname and other data", "$ORIGIN example.com.\nw 60 A 192.0.2.1\nw 60 CNAME x\n",
	 "t:3: w.example.com CNAME: CNAME and other data"},
	{"two cnames", "$ORIGIN example.com.\nw 60 CNAME x\nw 60 CNAME y\n",
	 "t:3: w.example.com CNAME: more than one CNAME"},
	{"bad fault", ";! explode x.example.com.\n", "t:1: explode: unknown fault"},
	{"fault bad type", ";! timeout x.example.com. NOPE\n", "t:1: NOPE: unknown record type"},
	{"fault missing name", ";! timeout\n", "t:1: fault directive"},
	{"bad base64", "x.example.com. 60 DNSKEY 257 3 13 AQ*D\n", "bad base64"},
	{"bad signature time", "x.example.com. 60 RRSIG A 13 3 300 20301301000000 10 1 example.com. AQID\n",
	 "t:1: 20301301000000: bad signature time"},
	{"bad base32hex", "x.example.com. 60 NSEC3 1 1 12 - WXYZ A\n", "t:1: WXYZ: bad base32hex"},
	{"bad type in bitmap", "x.example.com. 60 NSEC y.example.com. A BOGUS\n",
	 "t:1: BOGUS: unknown record type"},
	{"bad hex", "x.example.com. 60 TLSA 3 1 1 XYZ0\n", "t:1: XYZ0: bad hex"},
	{"quoted name", "x.example.com. 60 CNAME \"y.example.com.\"\n", "cannot be quoted"},
	{"line number after parens", "x.example.com. 60 TXT (\n\"a\"\n)\ny.example.com. 60 A nope\n",
	 "t:4: nope: not an IPv4 address"},
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ecases) / sizeof(ecases[0]); i++) {
		const struct ecase *c = &ecases[i];
		md_resolver *r = md_resolver_fixture_new();
		char err[512] = "";
		md_status st = md_resolver_fixture_load_text(r, "t", c->zone, strlen(c->zone), NULL, err,
		                                             sizeof(err));

		if (st != MD_EPARSE)
			fail_msg("%s: status %s, want parse error (err [%s])", c->name, md_status_str(st),
			         err);
		if (strstr(err, c->want) == NULL)
			fail_msg("%s: error [%s] lacks [%s]", c->name, err, c->want);
		md_resolver_free(r);
	}
}

static int ncalls;
static const md_dns_result *last;

static void count_cb(void *ud, const md_dns_result *res)
{
	(void)ud;
	ncalls++;
	last = res;
}

static void test_cache(void **state)
{
	md_resolver *r = load("$ORIGIN example.com.\nx 60 A 192.0.2.1\n", NULL);
	const md_dns_result *a, *b;

	(void)state;
	assert_int_equal(md_resolver_queries_sent(r), 0);
	assert_int_equal(md_dns_query(r, "x.example.com", MD_DNS_A, &a), MD_OK);
	assert_int_equal(md_resolver_queries_sent(r), 1);
	assert_int_equal(md_dns_query(r, "X.Example.COM.", MD_DNS_A, &b), MD_OK);
	assert_int_equal(md_resolver_queries_sent(r), 1);
	assert_ptr_equal(a, b);
	assert_int_equal(md_dns_query(r, "x.example.com", MD_DNS_AAAA, &b), MD_OK);
	assert_int_equal(md_resolver_queries_sent(r), 2);
	assert_int_equal(b->outcome, MD_DNS_NODATA);
	/* negative answers are cached too */
	assert_int_equal(md_dns_query(r, "y.example.com", MD_DNS_A, &b), MD_OK);
	assert_int_equal(md_dns_query(r, "y.example.com", MD_DNS_A, &b), MD_OK);
	assert_int_equal(md_resolver_queries_sent(r), 3);
	/* submit + wait: the fixture answers at once */
	ncalls = 0;
	assert_int_equal(md_dns_submit(r, "x.example.com", MD_DNS_A, count_cb, NULL), MD_OK);
	assert_int_equal(md_dns_submit(r, "z.example.com", MD_DNS_TXT, count_cb, NULL), MD_OK);
	assert_int_equal(md_dns_wait(r), MD_OK);
	assert_int_equal(ncalls, 2);
	assert_int_equal(md_resolver_queries_sent(r), 4);
	/* many names: the table grows and every answer stays in place */
	for (int i = 0; i < 300; i++) {
		char n[64];

		snprintf(n, sizeof(n), "n%d.example.com", i);
		assert_int_equal(md_dns_submit(r, n, MD_DNS_A, NULL, NULL), MD_OK);
	}
	assert_int_equal(md_resolver_queries_sent(r), 304);
	assert_int_equal(md_dns_query(r, "x.example.com", MD_DNS_A, &b), MD_OK);
	assert_ptr_equal(a, b);
	assert_int_equal(md_resolver_queries_sent(r), 304);
	md_resolver_free(r);
}

static void test_names(void **state)
{
	md_resolver *r = md_resolver_fixture_new();
	const md_dns_result *res;
	char big[600];

	(void)state;
	assert_int_equal(md_dns_submit(r, NULL, MD_DNS_A, count_cb, NULL), MD_EINVAL);
	assert_int_equal(md_dns_submit(r, "", MD_DNS_A, count_cb, NULL), MD_EINVAL);
	assert_int_equal(md_dns_query(NULL, "x", MD_DNS_A, &res), MD_EINVAL);
	/* impossible names answer ERROR "invalid name", not cached */
	memset(big, 'a', 64);
	snprintf(big + 64, sizeof(big) - 64, ".example.com");
	assert_int_equal(md_dns_query(r, big, MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ERROR);
	assert_non_null(strstr(res->why, "invalid name: label longer than 63 octets"));
	assert_true(md_dns_failed(res));
	for (int i = 0; i < 300; i++)
		big[i] = (i % 2) ? '.' : 'a';
	big[300] = '\0';
	assert_int_equal(md_dns_query(r, big, MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ERROR);
	assert_non_null(strstr(res->why, "longer than 255"));
	assert_int_equal(md_dns_query(r, "a..b", MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ERROR);
	assert_string_equal(res->qname, "a..b");
	assert_int_equal(md_dns_query(r, "a\\", MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ERROR);
	assert_int_equal(md_resolver_queries_sent(r), 0);
	/* the root and a 253-character name are fine */
	assert_int_equal(md_dns_query(r, ".", MD_DNS_NS, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_NXDOMAIN);
	assert_string_equal(res->qname, "");
	for (int i = 0; i < 253; i++)
		big[i] = (i % 2) ? '.' : 'a';
	big[253] = '\0';
	assert_int_equal(md_dns_query(r, big, MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_NXDOMAIN);
	md_resolver_free(r);
}

static void test_add_binary(void **state)
{
	md_resolver *r = md_resolver_fixture_new();
	const md_dns_result *res;
	static const uint8_t nul_txt[] = {5, 'a', 0, 'b', 0, 'c', 2, 0, 0};
	static const uint8_t a[] = {192, 0, 2, 7};
	static const uint8_t mx[] = {0, 10, 2, 'm', 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0};
	static const uint8_t bad_txt[] = {5, 'a'};
	char *t;

	(void)state;
	assert_int_equal(md_resolver_fixture_add(r, "bin.example.com", MD_DNS_TXT, 60, nul_txt,
	                                         sizeof(nul_txt)), MD_OK);
	assert_int_equal(md_resolver_fixture_add(r, "zero.example.com", MD_DNS_TXT, 60, NULL, 0), MD_OK);
	assert_int_equal(md_resolver_fixture_add(r, "with space.example.com", MD_DNS_A, 60, a, 4), MD_OK);
	assert_int_equal(md_resolver_fixture_add(r, "%{d}.example.com.", MD_DNS_MX, 60, mx, sizeof(mx)),
	                 MD_OK);
	assert_int_equal(md_resolver_fixture_add(r, "bad.example.com", MD_DNS_TXT, 60, bad_txt,
	                                         sizeof(bad_txt)), MD_EINVAL);
	assert_int_equal(md_resolver_fixture_add(r, "bad.example.com", MD_DNS_A, 60, a, 3), MD_EINVAL);
	assert_int_equal(md_resolver_fixture_add(r, "a..b", MD_DNS_A, 60, a, 4), MD_EINVAL);
	assert_int_equal(md_resolver_fixture_add(r, "", MD_DNS_A, 60, a, 4), MD_EINVAL);

	assert_int_equal(md_dns_query(r, "bin.example.com", MD_DNS_TXT, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ANSWER);
	assert_int_equal(res->nrr, 1);
	assert_int_equal(res->rr[0].ntxt, 2);
	assert_int_equal(res->rr[0].txtlen[0], 5);
	assert_memory_equal(res->rr[0].txt[0], "a\0b\0c", 5);
	assert_int_equal(res->rr[0].txtlen[1], 2);
	assert_memory_equal(res->rr[0].txt[1], "\0\0", 2);
	t = md_dns_rr_text(&res->rr[0]);
	assert_string_equal(t, "\"a\\000b\\000c\" \"\\000\\000\"");
	free(t);

	assert_int_equal(md_dns_query(r, "zero.example.com", MD_DNS_TXT, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ANSWER);
	assert_int_equal(res->rr[0].ntxt, 0);
	assert_int_equal(res->rr[0].rdlen, 0);
	t = md_dns_rr_text(&res->rr[0]);
	assert_string_equal(t, "");
	free(t);

	assert_int_equal(md_dns_query(r, "with\\032space.example.com", MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ANSWER);
	assert_string_equal(res->rr[0].owner, "with\\032space.example.com");
	assert_memory_equal(res->rr[0].addr, a, 4);
	assert_int_equal(md_dns_query(r, "%{D}.example.com", MD_DNS_MX, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ANSWER);
	assert_string_equal(res->rr[0].name, "mx.example.com");
	assert_int_equal(res->rr[0].pref, 10);
	/* records added without a zone: ENT for names of two labels or more */
	assert_int_equal(md_dns_query(r, "example.com", MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_NODATA);
	assert_int_equal(md_dns_query(r, "com", MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_NXDOMAIN);
	md_resolver_free(r);
}

static void test_api_faults(void **state)
{
	md_resolver *r = load("$ORIGIN example.com.\nx 60 A 192.0.2.1\n", NULL);
	const md_dns_result *res;

	(void)state;
	assert_int_equal(md_resolver_fixture_fault(r, "x.example.com", MD_DNS_MX, MD_DNS_TIMEOUT), MD_OK);
	assert_int_equal(md_resolver_fixture_fault(r, "y.example.com", 0, MD_DNS_SERVFAIL), MD_OK);
	assert_int_equal(md_resolver_fixture_fault(r, "y.example.com", 0, MD_DNS_ANSWER), MD_EINVAL);
	assert_int_equal(md_resolver_fixture_fault(r, "", 0, MD_DNS_ERROR), MD_EINVAL);
	assert_int_equal(md_dns_query(r, "x.example.com", MD_DNS_MX, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_TIMEOUT);
	assert_int_equal(res->rcode, -1);
	assert_int_equal(md_dns_query(r, "x.example.com", MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ANSWER);
	assert_int_equal(md_dns_query(r, "y.example.com", MD_DNS_TXT, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_SERVFAIL);
	assert_int_equal(res->rcode, 2);
	assert_non_null(res->why);
	md_resolver_free(r);
}

static void test_type_names(void **state)
{
	char b[16];

	(void)state;
	assert_string_equal(md_dns_type_name(MD_DNS_MX, b, sizeof(b)), "MX");
	assert_string_equal(md_dns_type_name(99, b, sizeof(b)), "SPF");
	assert_string_equal(md_dns_type_name(65534, b, sizeof(b)), "TYPE65534");
	assert_int_equal(md_dns_type_parse("mx"), MD_DNS_MX);
	assert_int_equal(md_dns_type_parse("TLSA"), MD_DNS_TLSA);
	assert_int_equal(md_dns_type_parse("TYPE99"), 99);
	assert_int_equal(md_dns_type_parse("type257"), 257);
	assert_int_equal(md_dns_type_parse("28"), 28);
	assert_int_equal(md_dns_type_parse("0"), 0);
	assert_int_equal(md_dns_type_parse("65536"), 0);
	assert_int_equal(md_dns_type_parse("TYPE"), 0);
	assert_int_equal(md_dns_type_parse("nope"), 0);
	assert_int_equal(md_dns_type_parse(""), 0);
	assert_string_equal(md_dns_outcome_name(MD_DNS_ANSWER), "answer");
	assert_string_equal(md_dns_outcome_name(MD_DNS_NXDOMAIN), "nxdomain");
	assert_string_equal(md_dns_outcome_name(MD_DNS_NODATA), "nodata");
	assert_string_equal(md_dns_outcome_name(MD_DNS_SERVFAIL), "servfail");
	assert_string_equal(md_dns_outcome_name(MD_DNS_TIMEOUT), "timeout");
	assert_string_equal(md_dns_outcome_name(MD_DNS_ERROR), "error");
	assert_string_equal(md_dnssec_name(MD_DNSSEC_SECURE), "secure");
	assert_string_equal(md_dnssec_name(MD_DNSSEC_BOGUS), "bogus");
	assert_string_equal(md_dnssec_name(MD_DNSSEC_INSECURE), "insecure");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_files(void **state)
{
	char dir[] = "/tmp/md-dns-test-XXXXXX", p[512], err[512];
	md_resolver *r;
	const md_dns_result *res;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/sub", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/a.zone", dir);
	write_file(p, "$ORIGIN example.com.\n$TTL 60\n@ SOA ns hm 1 2 3 4 5\n"
	              "$INCLUDE sub/inc.zone\n$INCLUDE sub/inc2.zone other.example.com.\n"
	              "after A 192.0.2.3\n");
	snprintf(p, sizeof(p), "%s/sub/inc.zone", dir);
	write_file(p, "inc A 192.0.2.1\n$ORIGIN changed.example.net.\nz A 192.0.2.9\n");
	snprintf(p, sizeof(p), "%s/sub/inc2.zone", dir);
	write_file(p, "x A 192.0.2.2\n");
	snprintf(p, sizeof(p), "%s/README.md", dir);
	write_file(p, "not a zone\n");
	snprintf(p, sizeof(p), "%s/nsd.conf", dir);
	write_file(p, "server:\n");
	snprintf(p, sizeof(p), "%s/.hidden", dir);
	write_file(p, "garbage garbage\n");

	r = md_resolver_fixture_new();
	assert_int_equal(md_resolver_fixture_load_dir(r, dir, err, sizeof(err)), MD_OK);
	assert_int_equal(md_dns_query(r, "inc.example.com", MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ANSWER);
	assert_int_equal(md_dns_query(r, "z.changed.example.net", MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ANSWER);
	assert_int_equal(md_dns_query(r, "x.other.example.com", MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ANSWER);
	/* origin restored after $INCLUDE */
	assert_int_equal(md_dns_query(r, "after.example.com", MD_DNS_A, &res), MD_OK);
	assert_int_equal(res->outcome, MD_DNS_ANSWER);
	assert_int_equal(res->rr[0].ttl, 60);
	md_resolver_free(r);

	/* an error inside an included file names that file and line */
	snprintf(p, sizeof(p), "%s/sub/inc2.zone", dir);
	write_file(p, "x A 192.0.2.2\n\ny A 1.2.3\n");
	r = md_resolver_fixture_new();
	assert_int_equal(md_resolver_fixture_load_dir(r, dir, err, sizeof(err)), MD_EPARSE);
	assert_non_null(strstr(err, "sub/inc2.zone:3: 1.2.3: not an IPv4 address"));
	md_resolver_free(r);

	/* a self-including file stops at the depth limit */
	snprintf(p, sizeof(p), "%s/sub/loop.zone", dir);
	write_file(p, "$INCLUDE loop.zone\n");
	r = md_resolver_fixture_new();
	assert_int_equal(md_resolver_fixture_load_file(r, p, err, sizeof(err)), MD_EPARSE);
	assert_non_null(strstr(err, "nested deeper than"));
	md_resolver_free(r);

	/* missing dir and missing include */
	r = md_resolver_fixture_new();
	snprintf(p, sizeof(p), "%s/nope", dir);
	assert_int_equal(md_resolver_fixture_load_dir(r, p, err, sizeof(err)), MD_ENOTFOUND);
	assert_non_null(strstr(err, "/nope: No such file or directory"));
	snprintf(p, sizeof(p), "%s/sub/missing-inc.zone", dir);
	write_file(p, "$INCLUDE not-there.zone\n");
	assert_int_equal(md_resolver_fixture_load_file(r, p, err, sizeof(err)), MD_ENOTFOUND);
	assert_non_null(strstr(err, "not-there.zone"));
	md_resolver_free(r);

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

static void test_rr_text(void **state)
{
	static const uint8_t caa[] = {128, 5, 'i', 's', 's', 'u', 'e', 'c', 'a', '"'};
	static const uint8_t bad_mx[] = {0};
	md_dns_rr rr;
	char *t;

	(void)state;
	memset(&rr, 0, sizeof(rr));
	rr.type = MD_DNS_CAA;
	rr.rdata = caa;
	rr.rdlen = sizeof(caa);
	t = md_dns_rr_text(&rr);
	assert_string_equal(t, "128 issue \"ca\\\"\"");
	free(t);
	/* malformed rdata of a known type falls back to RFC 3597 form */
	rr.type = MD_DNS_MX;
	rr.rdata = bad_mx;
	rr.rdlen = 1;
	t = md_dns_rr_text(&rr);
	assert_string_equal(t, "\\# 1 00");
	free(t);
	assert_null(md_dns_rr_text(NULL));
}

static void test_oom(void **state)
{
	static const char zone[] = "$ORIGIN example.com.\n@ 60 SOA ns hm 1 2 3 4 5\n"
	                           "www 60 CNAME web\nweb 60 A 192.0.2.1\nt 60 TXT \"a\" \"b\"\n";
	(void)state;
	for (long n = 0; n < 200; n++) {
		md_resolver *r;
		const md_dns_result *res;
		md_status st;

		md_alloc_fail_after(n);
		r = md_resolver_fixture_new();
		if (r == NULL)
			continue;
		st = md_resolver_fixture_load_text(r, "t", zone, sizeof(zone) - 1, NULL, NULL, 0);
		if (st == MD_OK) {
			st = md_dns_query(r, "www.example.com", MD_DNS_A, &res);
			if (st == MD_OK)
				md_dns_query(r, "t.example.com", MD_DNS_TXT, &res);
		} else {
			assert_true(st == MD_ENOMEM || st == MD_EPARSE);
		}
		md_resolver_free(r);
	}
	md_alloc_fail_after(-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queries),   cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cache),     cmocka_unit_test(test_names),
		cmocka_unit_test(test_add_binary), cmocka_unit_test(test_api_faults),
		cmocka_unit_test(test_type_names), cmocka_unit_test(test_files),
		cmocka_unit_test(test_rr_text),   cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
