/*
 * test_dmarc.c - unit tests of DMARC record parsing (RFC 7489 section 6.4,
 * RFC 9989 section 4.7), usability under each reading, tree-walk names,
 * public-suffix organisational domains, and allocation failures during an
 * evaluation. Table-driven; failures print got/want.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <maildiag/maildiag.h>

#include "core/alloc.h"
#include "dmarc/dmarc_internal.h"

static const struct {
	const char *in;
	bool is_dmarc, usable9989, usable7489;
	md_dmarc_policy p;
	const char *problem; /* an id that must be among the problems, or NULL */
} rec_cases[] = {
    {"v=DMARC1; p=reject", true, true, true, MD_DMARC_POLICY_REJECT, NULL},
    {"v=DMARC1;p=quarantine;", true, true, true, MD_DMARC_POLICY_QUARANTINE, NULL},
    {"v=DMARC1 ;  p = none ; adkim = s", true, true, true, MD_DMARC_POLICY_NONE, NULL},
    {"v=dmarc1; p=reject", false, false, false, MD_DMARC_POLICY_NONE, NULL},
    {"p=reject; v=DMARC1", false, false, false, MD_DMARC_POLICY_NONE, NULL},
    {"v=DMARC1; p=bogus", true, false, false, MD_DMARC_POLICY_NONE, "dmarc.invalid_policy"},
    {"v=DMARC1; rua=mailto:d@example.com", true, true, true, MD_DMARC_POLICY_NONE,
     "dmarc.missing_policy"},
    {"v=DMARC1; adkim=s", true, true, false, MD_DMARC_POLICY_NONE, "dmarc.missing_policy"},
    {"v=DMARC1; p=reject; pct=20", true, true, true, MD_DMARC_POLICY_REJECT, "dmarc.removed_tag"},
    {"v=DMARC1; p=reject; pct=200", true, true, true, MD_DMARC_POLICY_REJECT,
     "dmarc.invalid_tag_value"},
    {"v=DMARC1; p=reject; rua=ftp://x", true, true, true, MD_DMARC_POLICY_REJECT,
     "dmarc.invalid_uri"},
    {"v=DMARC1; p=reject; rua=mailto:a@b.example!10m", true, true, true, MD_DMARC_POLICY_REJECT,
     "dmarc.uri_size_limit"},
    {"v=DMARC1; p=reject; np=sometimes", true, true, true, MD_DMARC_POLICY_REJECT,
     "dmarc.invalid_tag_value"},
    {"v=DMARC1; p=reject; xyz=1", true, true, true, MD_DMARC_POLICY_REJECT, "dmarc.unknown_tag"},
    {"v=DMARC1; p=reject; fo=2", true, true, true, MD_DMARC_POLICY_REJECT,
     "dmarc.invalid_tag_value"},
};

static void test_record(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(rec_cases) / sizeof(rec_cases[0]); i++) {
		dmarc_record r;
		bool found = rec_cases[i].problem == NULL;

		dmarc_record_parse(&r, rec_cases[i].in, strlen(rec_cases[i].in));
		if (r.is_dmarc != rec_cases[i].is_dmarc ||
		    dmarc_record_usable(&r, MD_DMARC_RFC9989) != rec_cases[i].usable9989 ||
		    dmarc_record_usable(&r, MD_DMARC_RFC7489) != rec_cases[i].usable7489 ||
		    dmarc_record_p(&r) != rec_cases[i].p)
			fail_msg("%s: got dmarc=%d 9989=%d 7489=%d p=%d", rec_cases[i].in,
			         r.is_dmarc, dmarc_record_usable(&r, MD_DMARC_RFC9989),
			         dmarc_record_usable(&r, MD_DMARC_RFC7489), dmarc_record_p(&r));
		for (k = 0; k < r.nproblems; k++)
			if (rec_cases[i].problem &&
			    strcmp(r.problems[k].id, rec_cases[i].problem) == 0)
				found = true;
		if (!found)
			fail_msg("%s: problem %s not reported", rec_cases[i].in,
			         rec_cases[i].problem);
	}
}

static void test_record_fields(void **state)
{
	static const char in[] = "v=DMARC1; p=reject; sp=quarantine; np=none; psd=y; t=y; "
	                         "adkim=s; aspf=r; rua=mailto:a@x.example, mailto:b@y.example; "
	                         "ruf=mailto:f@x.example";
	dmarc_record r;

	(void)state;
	dmarc_record_parse(&r, in, strlen(in));
	assert_true(r.is_dmarc);
	assert_int_equal(r.sp, MD_DMARC_POLICY_QUARANTINE);
	assert_int_equal(r.np, MD_DMARC_POLICY_NONE);
	assert_int_equal(r.psd, 'y');
	assert_true(r.t_testing && r.adkim_strict && !r.aspf_strict);
	assert_int_equal(r.nrua, 2);
	assert_true(md_str_eq(r.rua[1].domain, md_str_c("y.example")));
	assert_int_equal(r.nruf, 1);
	assert_int_equal(r.nproblems, 0);
}

static void test_walk_names(void **state)
{
	char names[DMARC_WALK_MAX][256];
	size_t n;

	(void)state;
	n = dmarc_walk_names("a.mail.example.com", names, DMARC_WALK_MAX);
	assert_int_equal(n, 4);
	assert_string_equal(names[1], "mail.example.com");
	assert_string_equal(names[3], "com");
	/* 8 labels or more: jump to the 7 rightmost (RFC 9989 section 4.10) */
	n = dmarc_walk_names("a.b.c.d.e.f.g.h.i.example.com", names, DMARC_WALK_MAX);
	assert_int_equal(n, 8);
	assert_string_equal(names[1], "e.f.g.h.i.example.com");
	assert_string_equal(names[7], "com");
}

static const struct {
	const char *in, *want;
} psl_cases[] = {
    {"mail.example.com", "example.com"},
    {"Example.COM.", "example.com"},
    {"a.b.example.co.uk", "example.co.uk"},
    {"co.uk", "co.uk"},
    {"com", "com"},
};

static void test_org_psl(void **state)
{
	size_t i;
	char out[256];

	(void)state;
	for (i = 0; i < sizeof(psl_cases) / sizeof(psl_cases[0]); i++) {
		assert_int_equal(md_dmarc_org_domain_psl(psl_cases[i].in, out, sizeof(out)), MD_OK);
		if (strcmp(out, psl_cases[i].want) != 0)
			fail_msg("%s: got %s, want %s", psl_cases[i].in, out, psl_cases[i].want);
	}
	assert_int_equal(md_dmarc_org_domain_psl("bad..name", out, sizeof(out)), MD_EINVAL);
	assert_int_equal(md_dmarc_org_domain_psl("example.com", out, 5), MD_ELIMIT);
}

static void test_evaluate_alloc_failures(void **state)
{
	static const char zone[] = "$ORIGIN example.com.\n"
	                           "_dmarc IN TXT \"v=DMARC1; p=reject; sp=quarantine\"\n"
	                           "mail IN A 192.0.2.1\n";
	md_dmarc_ident dk = {"mail.example.com", true, "pass", "s"},
	               sp = {"example.net", true, "pass", NULL};
	md_dmarc_input in = {"sub.example.com", &dk, 1, &sp, MD_DMARC_RFC9989};
	long n;
	int ok = 0, nomem = 0;

	(void)state;
	for (n = 0; n < 300; n++) {
		md_resolver *r = md_resolver_fixture_new();
		md_dmarc_result *res = NULL;
		md_report *rep = NULL;
		char err[64];
		md_status st;

		assert_int_equal(md_resolver_fixture_load_text(r, "z", zone, sizeof(zone) - 1, NULL,
		                                               err, sizeof(err)),
		                 MD_OK);
		md_alloc_fail_after(n);
		st = md_dmarc_evaluate(r, &in, &res);
		if (st == MD_OK && (rep = md_report_new("dmarc", "t")) != NULL)
			(void)md_dmarc_result_report(rep, res);
		md_alloc_fail_after(-1);
		assert_true(st == MD_OK || st == MD_ENOMEM);
		if (st == MD_OK)
			ok++;
		else
			nomem++;
		md_report_free(rep);
		md_dmarc_result_free(res);
		md_resolver_free(r);
	}
	assert_true(ok > 0 && nomem > 0);
}

/* maildiag auth on the bundled example with the Nth allocation failing:
 * SPF input, DKIM, ARC and DMARC all see failures; MD_OK or MD_ENOMEM. */
static void test_auth_alloc_failures(void **state)
{
	const char *root = getenv("MD_SOURCE_ROOT");
	char path[4096], err[256];
	static char msg[65536];
	size_t len;
	FILE *f;
	long n;
	int ok = 0, nomem = 0;

	(void)state;
	if (root == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/examples/messages/list-footer.eml", root);
	f = fopen(path, "rb");
	assert_non_null(f);
	len = fread(msg, 1, sizeof(msg), f);
	fclose(f);
	for (n = 0; n < 3000; n += (n < 600 ? 1 : 37)) {
		md_resolver *r = md_resolver_fixture_new();
		md_auth_result *res = NULL;
		md_report *rep = NULL;
		md_auth_opts o = {.ip = "192.0.2.25",
		                  .spf_result = "pass",
		                  .spf_domain = "lists.auth-example.org"};
		md_status st;

		snprintf(path, sizeof(path), "%s/examples/zones", root);
		assert_int_equal(md_resolver_fixture_load_dir(r, path, err, sizeof(err)), MD_OK);
		md_alloc_fail_after(n);
		st = md_auth_check(r, msg, len, &o, &res, err, sizeof(err));
		if (st == MD_OK && (rep = md_report_new("auth", "t")) != NULL)
			(void)md_auth_result_report(rep, res);
		md_alloc_fail_after(-1);
		assert_true(st == MD_OK || st == MD_ENOMEM);
		if (st == MD_OK)
			ok++;
		else
			nomem++;
		md_report_free(rep);
		md_auth_result_free(res);
		md_resolver_free(r);
	}
	assert_true(ok > 0 && nomem > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_record),
	    cmocka_unit_test(test_record_fields),
	    cmocka_unit_test(test_walk_names),
	    cmocka_unit_test(test_org_psl),
	    cmocka_unit_test(test_evaluate_alloc_failures),
	    cmocka_unit_test(test_auth_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
