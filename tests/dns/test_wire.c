/*
 * test_wire.c - the DNS reply parser: compression, CNAME chains, rcodes,
 * pointer loops, bounds (a truncation sweep over every prefix), and the
 * same records as the fixture backend for the same data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <maildiag/dns.h>

#include "core/arena.h"
#include "dns/dns_internal.h"

typedef struct pkt {
	uint8_t b[1024];
	size_t n;
} pkt;

static void u8(pkt *p, unsigned v) { p->b[p->n++] = (uint8_t)v; }
static void u16(pkt *p, unsigned v) { u8(p, v >> 8); u8(p, v & 0xff); }
static void u32(pkt *p, unsigned long v) { u16(p, (unsigned)(v >> 16)); u16(p, (unsigned)(v & 0xffff)); }

/* Labels of TEXT ("www.example.com"); END: 0 for the root label, or a
 * compression pointer offset (| 0xc000). */
static void name(pkt *p, const char *text, unsigned end)
{
	while (*text != '\0') {
		const char *dot = strchr(text, '.');
		size_t l = dot ? (size_t)(dot - text) : strlen(text);

		u8(p, (unsigned)l);
		memcpy(p->b + p->n, text, l);
		p->n += l;
		text += l + (dot ? 1 : 0);
	}
	if (end == 0)
		u8(p, 0);
	else
		u16(p, 0xc000 | end);
}

static void header(pkt *p, unsigned rcode, unsigned an)
{
	p->n = 0;
	u16(p, 0x1234);
	u16(p, 0x8180 | rcode);
	u16(p, 1);
	u16(p, an);
	u16(p, 0);
	u16(p, 0);
}

/* rr header up to RDLENGTH; returns the offset of RDLENGTH to patch */
static size_t rr(pkt *p, unsigned type, unsigned long ttl)
{
	size_t at;

	u16(p, type);
	u16(p, 1);
	u32(p, ttl);
	at = p->n;
	u16(p, 0);
	return at;
}

static void patch(pkt *p, size_t at)
{
	size_t len = p->n - at - 2;

	p->b[at] = (uint8_t)(len >> 8);
	p->b[at + 1] = (uint8_t)len;
}

static char *render(const md_dns_result *res)
{
	static char out[4096];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < res->nrr; i++) {
		char tb[16], *t = md_dns_rr_text(&res->rr[i]);

		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s %u %s %s", i ? " | " : "",
		                      res->rr[i].owner, (unsigned)res->rr[i].ttl,
		                      md_dns_type_name(res->rr[i].type, tb, sizeof(tb)), t);
		free(t);
	}
	return out;
}

static const char *parse(md_arena *a, const pkt *p, const char *q, uint16_t qt, md_dns_result *res)
{
	dns_name qn;

	assert_null(dns_name_parse(q, strlen(q), NULL, &qn));
	return dns_wire_parse_reply(a, p->b, p->n, &qn, qt, res);
}

/* www.example.com MX: CNAME to mail.example.com (compressed), two MX with
 * compressed exchanges. Offsets: question name at 12. */
static void build_mx(pkt *p)
{
	size_t at, mail;

	header(p, 0, 3);
	name(p, "www.Example.COM", 0); /* 12: www, 16: example */
	u16(p, MD_DNS_MX);
	u16(p, 1);
	u16(p, 0xc000 | 12);
	at = rr(p, MD_DNS_CNAME, 300);
	mail = p->n;
	name(p, "mail", 16);
	patch(p, at);
	u16(p, 0xc000 | (unsigned)mail);
	at = rr(p, MD_DNS_MX, 60);
	u16(p, 10);
	name(p, "mx1", 16);
	patch(p, at);
	u16(p, 0xc000 | (unsigned)mail);
	at = rr(p, MD_DNS_MX, 60);
	u16(p, 20);
	name(p, "mx2.example.net", 0);
	patch(p, at);
}

static void test_mx_chain(void **state)
{
	md_arena *a = md_arena_new();
	md_dns_result res;
	pkt p;

	(void)state;
	build_mx(&p);
	assert_null(parse(a, &p, "www.example.com", MD_DNS_MX, &res));
	assert_int_equal(res.outcome, MD_DNS_ANSWER);
	assert_int_equal(res.ncname, 1);
	assert_string_equal(res.canonical, "mail.example.com");
	assert_string_equal(render(&res), "mail.example.com 60 MX 10 mx1.example.com. | "
	                                  "mail.example.com 60 MX 20 mx2.example.net.");
	assert_string_equal(res.rr[0].name, "mx1.example.com");
	assert_int_equal(res.rr[0].pref, 10);
	/* rdata is uncompressed: 2 + wire length of mx1.example.com */
	assert_int_equal(res.rr[0].rdlen, 2 + 17);
	/* asking for the CNAME itself */
	assert_null(parse(a, &p, "www.example.com", MD_DNS_CNAME, &res));
	assert_int_equal(res.outcome, MD_DNS_ANSWER);
	assert_string_equal(render(&res), "www.example.com 300 CNAME mail.example.com.");
	assert_int_equal(res.ncname, 0);
	md_arena_free(a);
}

/* The fixture gives the very same records for the same data. */
static void test_same_as_fixture(void **state)
{
	static const char zone[] = "$ORIGIN example.com.\nwww 300 CNAME mail\n"
	                           "mail 60 MX 10 mx1\nmail 60 MX 20 mx2.example.net.\n";
	md_resolver *r = md_resolver_fixture_new();
	md_arena *a = md_arena_new();
	const md_dns_result *fx;
	md_dns_result w;
	char want[4096];
	pkt p;

	(void)state;
	assert_int_equal(md_resolver_fixture_load_text(r, "t", zone, sizeof(zone) - 1, NULL, NULL, 0), MD_OK);
	assert_int_equal(md_dns_query(r, "www.example.com", MD_DNS_MX, &fx), MD_OK);
	snprintf(want, sizeof(want), "%s", render(fx));
	build_mx(&p);
	assert_null(parse(a, &p, "www.example.com", MD_DNS_MX, &w));
	assert_string_equal(render(&w), want);
	assert_int_equal(w.nrr, fx->nrr);
	for (size_t i = 0; i < w.nrr; i++) {
		assert_int_equal(w.rr[i].rdlen, fx->rr[i].rdlen);
		assert_memory_equal(w.rr[i].rdata, fx->rr[i].rdata, w.rr[i].rdlen);
	}
	assert_string_equal(w.canonical, fx->canonical);
	assert_int_equal(w.ncname, fx->ncname);
	md_arena_free(a);
	md_resolver_free(r);
}

static void test_rcodes(void **state)
{
	static const struct {
		unsigned rcode;
		md_dns_outcome want;
	} t[] = {{0, MD_DNS_NODATA}, {3, MD_DNS_NXDOMAIN}, {2, MD_DNS_SERVFAIL},
	         {5, MD_DNS_SERVFAIL}, {4, MD_DNS_ERROR}, {1, MD_DNS_ERROR}};
	md_arena *a = md_arena_new();
	md_dns_result res;
	pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		header(&p, t[i].rcode, 0);
		name(&p, "x.example.com", 0);
		u16(&p, MD_DNS_A);
		u16(&p, 1);
		assert_null(parse(a, &p, "x.example.com", MD_DNS_A, &res));
		if (res.outcome != t[i].want)
			fail_msg("rcode %u: got %s", t[i].rcode, md_dns_outcome_name(res.outcome));
		assert_int_equal(res.rcode, (int)t[i].rcode);
	}
	/* NXDOMAIN at the end of a CNAME */
	{
		size_t at;

		header(&p, 3, 1);
		name(&p, "www.example.com", 0);
		u16(&p, MD_DNS_A);
		u16(&p, 1);
		u16(&p, 0xc000 | 12);
		at = rr(&p, MD_DNS_CNAME, 60);
		name(&p, "gone", 16);
		patch(&p, at);
		assert_null(parse(a, &p, "www.example.com", MD_DNS_A, &res));
		assert_int_equal(res.outcome, MD_DNS_NXDOMAIN);
		assert_string_equal(res.canonical, "gone.example.com");
		assert_int_equal(res.ncname, 1);
	}
	md_arena_free(a);
}

static void test_txt_binary_and_class(void **state)
{
	md_arena *a = md_arena_new();
	md_dns_result res;
	size_t at;
	pkt p;

	(void)state;
	header(&p, 0, 2);
	name(&p, "t.example.com", 0);
	u16(&p, MD_DNS_TXT);
	u16(&p, 1);
	u16(&p, 0xc000 | 12);
	at = rr(&p, MD_DNS_TXT, 5);
	u8(&p, 3);
	u8(&p, 'a');
	u8(&p, 0);
	u8(&p, 'b');
	u8(&p, 0);
	patch(&p, at);
	/* same name, class CH: ignored */
	u16(&p, 0xc000 | 12);
	u16(&p, MD_DNS_TXT);
	u16(&p, 3);
	u32(&p, 5);
	u16(&p, 2);
	u8(&p, 1);
	u8(&p, 'z');
	assert_null(parse(a, &p, "t.example.com", MD_DNS_TXT, &res));
	assert_int_equal(res.outcome, MD_DNS_ANSWER);
	assert_int_equal(res.nrr, 1);
	assert_int_equal(res.rr[0].ntxt, 2);
	assert_memory_equal(res.rr[0].txt[0], "a\0b", 3);
	assert_int_equal(res.rr[0].txtlen[1], 0);
	md_arena_free(a);
}

static void test_malformed(void **state)
{
	md_arena *a = md_arena_new();
	md_dns_result res;
	size_t at;
	pkt p;

	(void)state;
	/* pointer to itself */
	header(&p, 0, 1);
	name(&p, "x.example.com", 0);
	u16(&p, 1);
	u16(&p, 1);
	at = p.n;
	u16(&p, 0xc000 | (unsigned)at);
	rr(&p, 1, 1);
	assert_non_null(parse(a, &p, "x.example.com", 1, &res));
	/* forward pointer */
	header(&p, 0, 1);
	name(&p, "x.example.com", 0);
	u16(&p, 1);
	u16(&p, 1);
	u16(&p, 0xc000 | 40);
	at = rr(&p, 1, 1);
	u32(&p, 0);
	patch(&p, at);
	assert_non_null(parse(a, &p, "x.example.com", 1, &res));
	/* A with 5 octets */
	header(&p, 0, 1);
	name(&p, "x.example.com", 0);
	u16(&p, 1);
	u16(&p, 1);
	u16(&p, 0xc000 | 12);
	at = rr(&p, 1, 1);
	u32(&p, 0);
	u8(&p, 0);
	patch(&p, at);
	assert_non_null(parse(a, &p, "x.example.com", 1, &res));
	/* answer count far beyond the packet */
	header(&p, 0, 60000);
	name(&p, "x.example.com", 0);
	u16(&p, 1);
	u16(&p, 1);
	assert_non_null(parse(a, &p, "x.example.com", 1, &res));
	/* label type 01 */
	header(&p, 0, 0);
	u8(&p, 0x40);
	u8(&p, 0);
	u16(&p, 1);
	u16(&p, 1);
	assert_non_null(parse(a, &p, "x.example.com", 1, &res));
	/* too short for a header */
	p.n = 11;
	assert_non_null(parse(a, &p, "x.example.com", 1, &res));
	/* MX whose name runs past its rdata */
	header(&p, 0, 1);
	name(&p, "x.example.com", 0);
	u16(&p, MD_DNS_MX);
	u16(&p, 1);
	u16(&p, 0xc000 | 12);
	at = rr(&p, MD_DNS_MX, 1);
	u16(&p, 10);
	name(&p, "mx.example.com", 0);
	patch(&p, at);
	p.b[at + 1] = 5; /* rdlength too small */
	assert_non_null(parse(a, &p, "x.example.com", MD_DNS_MX, &res));
	md_arena_free(a);
}

static void test_soa_compressed(void **state)
{
	md_arena *a = md_arena_new();
	md_dns_result res;
	size_t at;
	pkt p;

	(void)state;
	header(&p, 0, 1);
	name(&p, "example.com", 0); /* 12 */
	u16(&p, MD_DNS_SOA);
	u16(&p, 1);
	u16(&p, 0xc000 | 12);
	at = rr(&p, MD_DNS_SOA, 300);
	name(&p, "ns1", 12);
	name(&p, "hostmaster", 12);
	u32(&p, 2024010101UL);
	u32(&p, 7200);
	u32(&p, 3600);
	u32(&p, 1209600);
	u32(&p, 300);
	patch(&p, at);
	assert_null(parse(a, &p, "example.com", MD_DNS_SOA, &res));
	assert_int_equal(res.outcome, MD_DNS_ANSWER);
	assert_string_equal(render(&res), "example.com 300 SOA ns1.example.com. "
	                                  "hostmaster.example.com. 2024010101 7200 3600 1209600 300");
	assert_string_equal(res.rr[0].name, "ns1.example.com");
	md_arena_free(a);
}

static void test_cname_loop_in_packet(void **state)
{
	md_arena *a = md_arena_new();
	md_dns_result res;
	size_t at, b;
	pkt p;

	(void)state;
	header(&p, 0, 2);
	name(&p, "a.example.com", 0); /* 12: a, 14: example */
	u16(&p, 1);
	u16(&p, 1);
	u16(&p, 0xc000 | 12);
	at = rr(&p, MD_DNS_CNAME, 1);
	b = p.n;
	name(&p, "b", 14);
	patch(&p, at);
	u16(&p, 0xc000 | (unsigned)b);
	at = rr(&p, MD_DNS_CNAME, 1);
	u16(&p, 0xc000 | 12);
	patch(&p, at);
	assert_null(parse(a, &p, "a.example.com", 1, &res));
	assert_int_equal(res.outcome, MD_DNS_SERVFAIL);
	assert_string_equal(res.why, "CNAME loop");
	md_arena_free(a);
}

/* Every prefix of a good packet is refused cleanly, never read past. */
static void test_truncation_sweep(void **state)
{
	md_arena *a = md_arena_new();
	md_dns_result res;
	pkt p;
	size_t full;
	dns_name qn;
	uint16_t qt;

	(void)state;
	build_mx(&p);
	full = p.n;
	for (size_t n = 0; n < full; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, p.b, n);
		assert_non_null(dns_name_parse("www.example.com", 15, NULL, &qn) == NULL ? "" : NULL);
		if (dns_wire_parse_reply(a, copy, n, &qn, MD_DNS_MX, &res) == NULL)
			fail_msg("prefix of %zu octets parsed as a whole reply", n);
		free(copy);
	}
	assert_null(dns_wire_question(p.b, full, &qn, &qt));
	assert_int_equal(qt, MD_DNS_MX);
	md_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mx_chain),       cmocka_unit_test(test_same_as_fixture),
		cmocka_unit_test(test_rcodes),         cmocka_unit_test(test_txt_binary_and_class),
		cmocka_unit_test(test_malformed),      cmocka_unit_test(test_cname_loop_in_packet),
		cmocka_unit_test(test_truncation_sweep), cmocka_unit_test(test_soa_compressed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
