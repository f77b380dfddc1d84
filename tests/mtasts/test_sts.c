/*
 * test_sts.c - MTA-STS / TLS-RPT record and policy edge cases beyond the
 * shared conformance cases: extension names with '-' and '.', case
 * sensitivity, rua URIs, policy line ends and limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mtasts/sts.h"

struct tcase {
	const char *in;
	bool valid;
};

static void test_sts_records(void **state)
{
	static const struct tcase c[] = {
		{"v=STSv1;id=abc", true},
		{"v=STSv1; id=abc; my-ext.v2=1", true},
		{"v=STSv1; id=abc;", true},
		{"v=stsv1; id=abc", false},
		{"id=abc; v=STSv1", false},
		{"v=STSv1; id=", false},
		{"v=STSv1; id=a b", false},
		{"v=STSv1; id=abc; -bad=1", false},
		{"v=STSv1; id=abc; =x", false},
		{"v=STSv1 ; id=abc", true},
		{"v=STSv10; id=abc", false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		md_sts_record r;
		bool got = md_sts_record_parse(c[i].in, strlen(c[i].in), &r);

		if (got != c[i].valid) {
			print_error("%s: got %d (%s)\n", c[i].in, got, r.error ? r.error : "");
			fail();
		}
	}
	assert_true(md_sts_is_sts("v=STSv1; id=1", 13));
	assert_false(md_sts_is_sts("v=STSv12", 8));
}

static void test_tlsrpt_records(void **state)
{
	static const struct tcase c[] = {
		{"v=TLSRPTv1; rua=mailto:tls@example.com", true},
		{"v=TLSRPTv1; rua=mailto:a@example.com, https://r.example.com/x", true},
		{"v=TLSRPTv1; rua=ftp://r.example.com/", false},
		{"v=TLSRPTv1; rua=mailto:", false},
		{"v=TLSRPTv1; rua=https://", false},
		{"v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com", false},
		{"v=TLSRPTv1; rua=mailto:a@example.com; x-y=z", true},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		md_sts_record r;
		bool got = md_tlsrpt_record_parse(c[i].in, strlen(c[i].in), &r);

		if (got != c[i].valid) {
			print_error("%s: got %d (%s)\n", c[i].in, got, r.error ? r.error : "");
			fail();
		}
	}
}

static void test_policies(void **state)
{
	md_sts_policy p;
	const char *s;
	char big[MD_STS_MAX_MX * 24 + 200];
	size_t i, n;

	(void)state;
	s = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 604800";
	assert_true(md_sts_policy_parse(s, strlen(s), &p));
	assert_true(p.lf_only);
	s = "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 604800\r\n\r\n";
	assert_true(md_sts_policy_parse(s, strlen(s), &p));
	assert_true(p.blank_lines);
	s = "version: STSv1\r\nmode: enforce\r\nmx: mx..example.com\r\nmax_age: 1\r\n";
	assert_false(md_sts_policy_parse(s, strlen(s), &p));
	assert_int_equal(p.error_line, 3);
	s = "version: STSv1\r\nMode: enforce\r\nmx: mx.example.com\r\nmax_age: 1\r\n";
	assert_false(md_sts_policy_parse(s, strlen(s), &p)); /* Mode is an extension: no mode */
	s = "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 31557601\r\n";
	assert_false(md_sts_policy_parse(s, strlen(s), &p));
	s = "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 31557600\r\n";
	assert_true(md_sts_policy_parse(s, strlen(s), &p));
	s = "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 00000000001\r\n";
	assert_false(md_sts_policy_parse(s, strlen(s), &p)); /* 11 digits */
	/* too many mx lines is an error, not a silent cut */
	n = (size_t)snprintf(big, sizeof(big), "version: STSv1\nmode: enforce\nmax_age: 1\n");
	for (i = 0; i <= MD_STS_MAX_MX; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "mx: m%zu.example.com\n", i);
	assert_false(md_sts_policy_parse(big, n, &p));
	assert_string_equal(p.error, "too many mx lines");
}

static void test_mx_match(void **state)
{
	(void)state;
	assert_true(md_sts_mx_match(md_str_c("*.example.com"), "MX1.example.com."));
	assert_false(md_sts_mx_match(md_str_c("*.example.com"), ".example.com"));
	assert_false(md_sts_mx_match(md_str_c("mail.example.com"), "mail.example.com.evil"));
	assert_true(md_sts_mx_match(md_str_c("mail.example.com."), "mail.example.com"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sts_records),
		cmocka_unit_test(test_tlsrpt_records),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_mx_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
