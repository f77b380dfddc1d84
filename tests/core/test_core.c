/*
 * test_core.c - unit tests of the core layer: buffers, arena, cursor,
 * tag-value lists, IP addresses, UTF-8, domain names, numbers.
 * Table-driven; failures print got/want.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/ascii.h"
#include "core/buf.h"
#include "core/cursor.h"
#include "core/domain.h"
#include "core/ip.h"
#include "core/num.h"
#include "core/tagvalue.h"
#include "core/utf8.h"

static void test_buf_limit(void **state)
{
	md_buf b;

	(void)state;
	md_buf_init(&b, 8);
	assert_int_equal(md_buf_puts(&b, "12345678"), MD_OK);
	assert_int_equal(b.n, 8);
	assert_int_equal(md_buf_putc(&b, '9'), MD_ELIMIT);
	/* sticky: later appends fail too, content untouched */
	assert_int_equal(md_buf_puts(&b, ""), MD_ELIMIT);
	assert_string_equal(b.p, "12345678");
	md_buf_reset(&b);
	assert_int_equal(md_buf_printf(&b, "%d-%s", 42, "x"), MD_OK);
	assert_string_equal(b.p, "42-x");
	md_buf_free(&b);
}

static void test_buf_binary(void **state)
{
	md_buf b;

	(void)state;
	md_buf_init(&b, 1024);
	assert_int_equal(md_buf_append(&b, "a\0b", 3), MD_OK);
	assert_int_equal(b.n, 3);
	assert_memory_equal(b.p, "a\0b", 3);
	md_buf_free(&b);
}

static void test_arena(void **state)
{
	md_arena *a = md_arena_new();
	char *big;
	int i;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < 1000; i++)
		assert_non_null(md_arena_alloc(a, 17));
	big = md_arena_alloc(a, 100000);
	assert_non_null(big);
	memset(big, 'x', 100000);
	assert_string_equal(md_arena_printf(a, "%s:%d", "n", 7), "n:7");
	assert_true(md_arena_used(a) >= 100000 + 17000);
	md_arena_free(a);
	md_arena_free(NULL);
}

static void test_cursor_sticky(void **state)
{
	static const uint8_t data[] = {0x01, 0x02, 0x03};
	md_cursor c;

	(void)state;
	md_cursor_init(&c, data, sizeof(data));
	assert_int_equal(md_cursor_u16(&c), 0x0102);
	assert_true(md_cursor_ok(&c));
	assert_int_equal(md_cursor_u16(&c), 0); /* only one byte left */
	assert_false(md_cursor_ok(&c));
	assert_int_equal(md_cursor_u8(&c), 0); /* sticky */
	assert_int_equal(md_cursor_left(&c), 0);
}

static const struct tv_case {
	const char *name, *in;
	bool ok;
	size_t count;
	const char *tag, *value; /* one tag to look up */
	size_t error_offset;
} tv_cases[] = {
	{"dmarc", "v=DMARC1; p=reject; rua=mailto:a@example.com", true, 3, "p", "reject", 0},
	{"trailing semicolon", "v=DKIM1; k=rsa; p=MIGf;", true, 3, "k", "rsa", 0},
	{"folding", "v=1; b=abc\r\n def ;", true, 2, "b", "abc\r\n def", 0},
	{"empty value", "v=DKIM1; p=", true, 2, "p", "", 0},
	{"spaces around =", " v = STSv1 ; id = 2026 ", true, 2, "id", "2026", 0},
	{"missing =", "v=DMARC1; p", false, 1, "v", "DMARC1", 11},
	{"bad name", "v=1; 9x=2", false, 1, "v", "1", 5},
	{"bad value char", "v=1; a=b\x01", false, 1, "v", "1", 8},
	{"empty list", "", true, 0, NULL, NULL, 0},
};

static void test_tagvalue(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tv_cases) / sizeof(tv_cases[0]); i++) {
		const struct tv_case *c = &tv_cases[i];
		md_tag_list l;
		bool ok = md_tagvalue_parse(c->in, strlen(c->in), MD_TV_STRICT, &l);

		if (ok != c->ok)
			fail_msg("%s: ok got %d want %d", c->name, ok, c->ok);
		if (c->ok && l.count != c->count)
			fail_msg("%s: count got %zu want %zu", c->name, l.count, c->count);
		if (!c->ok && l.error_offset != c->error_offset)
			fail_msg("%s: error offset got %zu want %zu (%s)", c->name, l.error_offset,
			         c->error_offset, l.error_msg);
		if (c->tag != NULL) {
			const md_str *v = md_tagvalue_get(&l, c->tag);

			if (v == NULL || v->n != strlen(c->value) || memcmp(v->p, c->value, v->n) != 0)
				fail_msg("%s: tag %s got [%.*s] want [%s]", c->name, c->tag,
				         v ? (int)v->n : 0, v ? v->p : "", c->value);
		}
	}
}

static const char lenient_in[] = "v=1; r=\xc3\xa9t\xc3\xa9; p=none";

static void test_tagvalue_duplicate_and_lenient(void **state)
{
	md_tag_list l;

	(void)state;
	assert_true(md_tagvalue_parse("a=1; b=2; a=3", 13, MD_TV_STRICT, &l));
	assert_true(l.duplicate);
	assert_int_equal(l.duplicate_name.n, 1);
	/* lenient mode keeps going after a bad character */
	assert_false(md_tagvalue_parse(lenient_in, strlen(lenient_in), MD_TV_LENIENT, &l));
	assert_int_equal(l.count, 3);
	assert_non_null(md_tagvalue_get(&l, "p"));
}

static const struct ip_case {
	const char *in;
	bool ok;
	const char *out, *rev;
	md_ip_scope scope;
} ip_cases[] = {
	{"192.0.2.1", true, "192.0.2.1", "1.2.0.192.in-addr.arpa", MD_IP_DOCUMENTATION},
	{"8.8.8.8", true, "8.8.8.8", "8.8.8.8.in-addr.arpa", MD_IP_GLOBAL},
	{"10.1.2.3", true, "10.1.2.3", "3.2.1.10.in-addr.arpa", MD_IP_PRIVATE},
	{"127.0.0.2", true, "127.0.0.2", "2.0.0.127.in-addr.arpa", MD_IP_LOOPBACK},
	{"2001:db8::1", true, "2001:db8::1",
	 "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
	 MD_IP_DOCUMENTATION},
	{"::ffff:10.0.0.1", true, "::ffff:10.0.0.1", NULL, MD_IP_PRIVATE},
	{"fe80::1", true, "fe80::1", NULL, MD_IP_LINK_LOCAL},
	{"256.1.1.1", false, NULL, NULL, MD_IP_GLOBAL},
	{"1.2.3", false, NULL, NULL, MD_IP_GLOBAL},
	{"example.com", false, NULL, NULL, MD_IP_GLOBAL},
};

static void test_ip(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ip_cases) / sizeof(ip_cases[0]); i++) {
		const struct ip_case *c = &ip_cases[i];
		char buf[128];
		md_ip ip;
		bool ok = md_ip_parse(c->in, &ip);

		if (ok != c->ok)
			fail_msg("%s: parse got %d want %d", c->in, ok, c->ok);
		if (!ok)
			continue;
		assert_string_equal(md_ip_str(&ip, buf, sizeof(buf)), c->out);
		if (c->rev != NULL)
			assert_string_equal(md_ip_reverse_name(&ip, buf, sizeof(buf)), c->rev);
		if (md_ip_classify(&ip) != c->scope)
			fail_msg("%s: scope got %s want %s", c->in,
			         md_ip_scope_name(md_ip_classify(&ip)), md_ip_scope_name(c->scope));
	}
}

static void test_ip_prefix(void **state)
{
	md_ip a, b;

	(void)state;
	md_ip_parse("192.0.2.130", &a);
	md_ip_parse("192.0.2.128", &b);
	assert_true(md_ip_prefix_match(&a, &b, 25));
	assert_false(md_ip_prefix_match(&a, &b, 31));
	assert_true(md_ip_prefix_match(&a, &b, 0));
	assert_false(md_ip_prefix_match(&a, &b, 33));
	md_ip_parse("2001:db8::1", &a);
	assert_false(md_ip_prefix_match(&a, &b, 8)); /* families differ */
}

static void test_utf8(void **state)
{
	md_buf b;

	(void)state;
	assert_true(md_utf8_valid("caf\xc3\xa9", 5));
	assert_false(md_utf8_valid("\xc0\xaf", 2));         /* overlong */
	assert_false(md_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(md_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	md_buf_init(&b, 100);
	md_utf8_sanitize(&b, "a\xff" "b", 3);
	assert_string_equal(b.p, "a\xef\xbf\xbd" "b");
	md_buf_free(&b);
}

static const struct dom_case {
	const char *in, *out;
} dom_cases[] = {
	{"Example.COM.", "example.com"},
	{"_dmarc.example.com", "_dmarc.example.com"},
	{"a..b", NULL},
	{"", NULL},
	{"exa mple.com", NULL},
	{"caf\xc3\xa9.example", NULL},
	{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", NULL}, /* 64 */
};

static void test_domain(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dom_cases) / sizeof(dom_cases[0]); i++) {
		char out[MD_DOMAIN_MAX + 1];
		const char *why = NULL;
		bool ok = md_domain_normalize(dom_cases[i].in, out, sizeof(out), &why);

		if (ok != (dom_cases[i].out != NULL))
			fail_msg("%s: ok got %d (%s)", dom_cases[i].in, ok, why ? why : "");
		if (ok)
			assert_string_equal(out, dom_cases[i].out);
		else
			assert_non_null(why);
	}
	assert_true(md_domain_in("mx.google.com", "google.com"));
	assert_true(md_domain_in("google.com", "google.com"));
	assert_false(md_domain_in("notgoogle.com", "google.com"));
	assert_true(md_domain_is_ip_literal("10.0.0.5"));
	assert_true(md_domain_is_ip_literal("[192.0.2.1]"));
	assert_false(md_domain_is_ip_literal("mx.example.com"));
}

static void test_num(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(md_parse_uint_c("65535", 65535, &v));
	assert_int_equal(v, 65535);
	assert_false(md_parse_uint_c("65536", 65535, &v));
	assert_false(md_parse_uint_c("", 10, &v));
	assert_false(md_parse_uint_c("-1", 10, &v));
	assert_false(md_parse_uint_c("1 ", 10, &v));
	assert_false(md_parse_uint_c("99999999999999999999999", UINT64_MAX, &v));
}

/* The plain definition md_ifind must agree with. */
static const char *naive_ifind(const char *h, size_t n, const char *needle, size_t k)
{
	size_t i, j;

	for (i = 0; i + k <= n; i++) {
		for (j = 0; j < k && md_tolower(h[i + j]) == needle[j]; j++)
			;
		if (j == k)
			return h + i;
	}
	return NULL;
}

static void test_ifind(void **state)
{
	static const char alphabet[] = "aAbB -\xc3\xa9\x00";
	const char *h = "Delivery to the following RECIPIENT failed permanently";
	char hay[64], nee[6];
	unsigned seed = 12345;
	size_t round;

	(void)state;
	assert_ptr_equal(md_ifind(h, strlen(h), "recipient", 9), h + 26);
	assert_ptr_equal(md_ifind(h, strlen(h), "delivery", 8), h);
	assert_ptr_equal(md_ifind(h, strlen(h), "permanently", 11), h + strlen(h) - 11);
	assert_null(md_ifind(h, strlen(h), "permanentlyx", 12));
	assert_null(md_ifind(h, 8, "delivery ", 9));
	assert_ptr_equal(md_ifind(h, 0, "", 0), h);
	/* random haystacks over a small alphabet (case pairs, a byte >= 0x80,
	 * NUL): every answer is the naive one, at every length and offset */
	for (round = 0; round < 20000; round++) {
		size_t n = (seed = seed * 1103515245u + 12345u) >> 16 & 63, k, i;

		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			hay[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		seed = seed * 1103515245u + 12345u;
		k = 1 + (seed >> 16) % 4;
		for (i = 0; i < k; i++) {
			seed = seed * 1103515245u + 12345u;
			nee[i] = (char)md_tolower(alphabet[(seed >> 16) % (sizeof(alphabet) - 1)]);
		}
		assert_ptr_equal(md_ifind(hay, n, nee, k), naive_ifind(hay, n, nee, k));
	}
}

static void test_alloc_fault(void **state)
{
	md_arena *a;

	(void)state;
	md_alloc_fail_after(0);
	a = md_arena_new();
	assert_null(a);
	assert_int_equal(md_alloc_failures(), 1);
	md_alloc_fail_after(-1);
	a = md_arena_new();
	assert_non_null(a);
	md_alloc_fail_after(0);
	assert_null(md_arena_alloc(a, 10)); /* needs a chunk: fails cleanly */
	md_alloc_fail_after(-1);
	assert_non_null(md_arena_alloc(a, 10));
	md_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_limit),
		cmocka_unit_test(test_buf_binary),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_cursor_sticky),
		cmocka_unit_test(test_tagvalue),
		cmocka_unit_test(test_tagvalue_duplicate_and_lenient),
		cmocka_unit_test(test_ip),
		cmocka_unit_test(test_ip_prefix),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_num),
		cmocka_unit_test(test_ifind),
		cmocka_unit_test(test_alloc_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
