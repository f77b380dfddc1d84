/*
 * test_ptr.c - unit tests of the reverse DNS module: the pool-name
 * heuristics (table of real-world name shapes, example domains) and the
 * check against fixture zones (PTR, FCrDNS, HELO). Failures print got/want.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <maildiag/maildiag.h>

#include "core/alloc.h"

static const struct {
	const char *name;
	const char *ip;
	md_ptr_name_class want;
	const char *why; /* substring of the reason, or NULL */
} names[] = {
	/* named hosts */
	{"mail.example.com", "192.0.2.1", MD_PTR_NAME_SPECIFIC, NULL},
	{"mx1.example.com", "93.184.215.20", MD_PTR_NAME_SPECIFIC, NULL},
	{"mta1.out.example.com", "93.184.215.60", MD_PTR_NAME_SPECIFIC, NULL},
	{"host.example.com", "192.0.2.1", MD_PTR_NAME_SPECIFIC, NULL},
	{"smtp.dsl.example.net", "192.0.2.1", MD_PTR_NAME_SPECIFIC, NULL},
	{"dslextreme.example", "192.0.2.1", MD_PTR_NAME_SPECIFIC, NULL},
	{"example.com", "192.0.2.1", MD_PTR_NAME_SPECIFIC, NULL},
	{"com", "192.0.2.1", MD_PTR_NAME_SPECIFIC, NULL},
	{"not a name!", "192.0.2.1", MD_PTR_NAME_SPECIFIC, NULL},
	/* dynamic / residential pools */
	{"dsl-192-0-2-1.dynamic.example.net", "192.0.2.1", MD_PTR_NAME_DYNAMIC, "dsl"},
	{"c-198-51-100-9.hsd1.ca.example.net", "198.51.100.9", MD_PTR_NAME_DYNAMIC, "hsd"},
	{"pool-203-0-113-3.lsanca.fios.example.net", "203.0.113.3", MD_PTR_NAME_DYNAMIC, "pool"},
	{"cpe-203-0-113-1.nyc.res.example.com", "203.0.113.1", MD_PTR_NAME_DYNAMIC, "cpe"},
	{"1.2.0.192.dhcp.example.net", "192.0.2.1", MD_PTR_NAME_DYNAMIC, "reversed"},
	{"ppp-192-0-2-1.example.net", "192.0.2.1", MD_PTR_NAME_DYNAMIC, "written"},
	{"dynamic.customer.example.net", "192.0.2.1", MD_PTR_NAME_DYNAMIC, "dynamic"},
	{"mail-192-0-2-1.dyn.example.net", "192.0.2.1", MD_PTR_NAME_DYNAMIC, "dyn"},
	{"dsl-192-0-2-1.example.net", NULL, MD_PTR_NAME_DYNAMIC, "dsl"},
	{"2001-db8-0-0-0-0-0-1.dyn.example.net", "2001:db8::1", MD_PTR_NAME_DYNAMIC, "written"},
	/* generic provider names */
	{"ec2-198-51-100-7.compute-1.example.com", "198.51.100.7", MD_PTR_NAME_GENERIC, "written"},
	{"static.7.100.51.198.clients.example.de", "198.51.100.7", MD_PTR_NAME_GENERIC, "written"},
	{"ip68-100-1-2.ri.ri.example.net", "68.100.1.2", MD_PTR_NAME_GENERIC, "written"},
	{"host86-1-2-3.range86-1.example.com", "86.1.2.3", MD_PTR_NAME_GENERIC, "written"},
	{"mail-192-0-2-1.example.net", "192.0.2.1", MD_PTR_NAME_GENERIC, "written"},
	{"c0000201.example.net", "192.0.2.1", MD_PTR_NAME_GENERIC, "written"},
	{"192000002001.example.net", "192.0.2.1", MD_PTR_NAME_GENERIC, "written"},
	{"static-2-1.example.net", "192.0.2.1", MD_PTR_NAME_GENERIC, "part of the address"},
	{"20010db8000000000000000000000001.example.net", "2001:db8::1", MD_PTR_NAME_GENERIC,
	 "written"},
	{"1-2-0-192.example.net", "::ffff:192.0.2.1", MD_PTR_NAME_GENERIC, "written"},
	/* numbers that are not this address */
	{"web-192-0-2-7.example.net", "192.0.2.1", MD_PTR_NAME_SPECIFIC, NULL},
	{"host-192-0-2-7.example.net", "192.0.2.1", MD_PTR_NAME_GENERIC, "part of the address"},
	{"0-0-0-0.example.net", "2001:db8::1", MD_PTR_NAME_SPECIFIC, NULL},
};

static void test_classify_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char why[160];
		md_ptr_name_class c = md_ptr_classify_name(names[i].name, names[i].ip, why, sizeof(why));

		if (c != names[i].want)
			fail_msg("%s (%s): class got %s, want %s (why: %s)", names[i].name,
			         names[i].ip ? names[i].ip : "-", md_ptr_name_class_name(c),
			         md_ptr_name_class_name(names[i].want), why);
		if (names[i].why != NULL && strcmp(names[i].why, "reversed") != 0 &&
		    strstr(why, names[i].why) == NULL)
			fail_msg("%s: why got [%s], want [%s]", names[i].name, why, names[i].why);
	}
	assert_int_equal(md_ptr_classify_name(NULL, NULL, NULL, 0), MD_PTR_NAME_SPECIFIC);
	assert_string_equal(md_ptr_name_class_name(MD_PTR_NAME_DYNAMIC), "dynamic");
}

static const char zones[] =
	"$ORIGIN out.example.com.\n"
	"@ 300 IN SOA ns.example.com. h.example.com. 1 2 3 4 300\n"
	"mta1 300 IN A 192.0.2.10\n"
	"mta1 300 IN AAAA 2001:db8::10\n"
	"mta2 300 IN A 192.0.2.99\n"
	"alias 300 IN CNAME mta1\n"
	"other 300 IN A 192.0.2.77\n"
	"multi 300 IN A 192.0.2.12\n"
	";! timeout slow.out.example.com.\n"
	"$ORIGIN 2.0.192.in-addr.arpa.\n"
	"@ 300 IN SOA ns.example.com. h.example.com. 1 2 3 4 300\n"
	"10 300 IN PTR mta1.out.example.com.\n"
	"11 300 IN PTR mta2.out.example.com.\n"
	"12 300 IN PTR mta2.out.example.com.\n"
	"12 300 IN PTR multi.out.example.com.\n"
	"13 300 IN PTR slow.out.example.com.\n"
	";! timeout 14.2.0.192.in-addr.arpa.\n"
	"$ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.\n"
	"@ 300 IN SOA ns.example.com. h.example.com. 1 2 3 4 300\n"
	"0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 300 IN PTR mta1.out.example.com.\n";

static const struct {
	const char *ip, *helo;
	const char *ids; /* space-separated ids that must all be present */
	int want_exit;
} checks[] = {
	{"192.0.2.10", NULL, "ptr.ok ptr.not_public", 0},
	{"192.0.2.10", "mta1.out.example.com", "ptr.ok helo.matches_ptr", 0},
	{"192.0.2.10", "MTA1.Out.Example.COM.", "helo.matches_ptr", 0},
	{"192.0.2.10", "alias.out.example.com", "ptr.ok helo.mismatch", 0},
	{"192.0.2.10", "other.out.example.com", "helo.mismatch", 0},
	{"192.0.2.10", "nowhere.out.example.com", "helo.unresolvable", 0},
	{"192.0.2.10", "localhost", "helo.not_fqdn", 0},
	{"192.0.2.10", "192.0.2.10", "helo.not_fqdn", 0},
	{"192.0.2.10", "[192.0.2.10]", "helo.address_literal", 0},
	{"192.0.2.10", "[192.0.2.11]", "helo.address_literal", 0},
	{"192.0.2.10", "slow.out.example.com", "helo.could_not_check", 3},
	{"192.0.2.11", NULL, "ptr.fcrdns_failed", 1},
	{"192.0.2.12", NULL, "ptr.ok ptr.multiple", 0},
	{"192.0.2.13", NULL, "ptr.could_not_check", 3},
	{"192.0.2.14", NULL, "ptr.could_not_check", 3},
	{"192.0.2.15", NULL, "ptr.missing", 1},
	{"2001:db8::10", "mta1.out.example.com", "ptr.ok helo.matches_ptr", 0},
	{"::ffff:192.0.2.10", NULL, "ptr.ok", 0},
};

static void test_check_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		md_resolver *r = md_resolver_fixture_new();
		md_report *rep = md_report_new("ptr", checks[i].ip);
		char err[256], ids[256], *id, *save = NULL;

		assert_int_equal(md_resolver_fixture_load_text(r, "zones", zones, strlen(zones), NULL,
		                                               err, sizeof(err)),
		                 MD_OK);
		assert_int_equal(md_check_ptr(r, checks[i].ip, checks[i].helo, rep), MD_OK);
		snprintf(ids, sizeof(ids), "%s", checks[i].ids);
		for (id = strtok_r(ids, " ", &save); id != NULL; id = strtok_r(NULL, " ", &save))
			if (md_report_find(rep, id) == NULL)
				fail_msg("%s helo %s: no finding %s", checks[i].ip,
				         checks[i].helo ? checks[i].helo : "-", id);
		if (md_report_exit_code(rep) != checks[i].want_exit)
			fail_msg("%s helo %s: exit got %d, want %d", checks[i].ip,
			         checks[i].helo ? checks[i].helo : "-", md_report_exit_code(rep),
			         checks[i].want_exit);
		md_report_free(rep);
		md_resolver_free(r);
	}
}

static void test_severities(void **state)
{
	md_resolver *r = md_resolver_fixture_new();
	md_report *rep = md_report_new("ptr", "x");
	char err[256];

	(void)state;
	assert_int_equal(md_resolver_fixture_load_text(r, "zones", zones, strlen(zones), NULL, err,
	                                               sizeof(err)),
	                 MD_OK);
	assert_int_equal(md_check_ptr(r, "not-an-ip", NULL, rep), MD_EINVAL);
	assert_int_equal(md_check_ptr(r, "192.0.2.10", "other.out.example.com", rep), MD_OK);
	/* a HELO that differs but is a real name never cries wolf */
	assert_int_equal(md_report_find(rep, "helo.mismatch")->severity, MD_SEV_NOTICE);
	assert_int_equal(md_report_find(rep, "ptr.not_public")->severity, MD_SEV_NOTICE);
	md_report_free(rep);
	md_resolver_free(r);
}

/* The check with every allocation failing in turn: no crash, no leak,
 * MD_ENOMEM (returned or recorded) whenever one failed. */
static void test_check_torture(void **state)
{
	static const char *const cases[][2] = {
		{"192.0.2.12", "other.out.example.com"},
		{"192.0.2.11", "[192.0.2.10]"},
		{"2001:db8::10", "localhost"},
	};
	size_t c;
	long n;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (n = 0;; n++) {
			md_resolver *r = md_resolver_fixture_new();
			md_report *rep = md_report_new("ptr", cases[c][0]);
			char err[256];
			md_status st;
			unsigned long failed;

			assert_int_equal(md_resolver_fixture_load_text(r, "zones", zones, strlen(zones),
			                                               NULL, err, sizeof(err)),
			                 MD_OK);
			md_alloc_fail_after(n);
			st = md_check_ptr(r, cases[c][0], cases[c][1], rep);
			failed = md_alloc_failures();
			md_alloc_fail_after(-1);
			if (failed == 0) {
				assert_int_equal(st, MD_OK);
				md_report_free(rep);
				md_resolver_free(r);
				break;
			}
			if (st == MD_OK && md_report_status(rep) != MD_ENOMEM) {
				size_t k;

				for (k = 0; k < md_report_count(rep); k++)
					print_message("n=%ld %s %s\n", n, md_report_finding(rep, k)->id,
					              md_report_finding(rep, k)->evidence
					                  ? md_report_finding(rep, k)->evidence
					                  : "");
				fail_msg("case %zu n=%ld: allocation failed, status OK", c, n);
			}
			else
				assert_int_equal(st, MD_ENOMEM);
			md_report_free(rep);
			md_resolver_free(r);
			assert_true(n < 100000);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_table),
		cmocka_unit_test(test_check_table),
		cmocka_unit_test(test_severities),
		cmocka_unit_test(test_check_torture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
