/*
 * test_dkim.c - unit tests of the DKIM pieces: DKIM-Signature and ARC tag
 * parsing, key records, base64, header and body canonicalisation (RFC 6376
 * section 3.4 examples), the From domain, and allocation failures during a
 * whole verification. Table-driven; failures print got/want.
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
#include "core/arena.h"
#include "dkim/dkim_internal.h"
#include "dkim/dkim_verify.h"

static const struct {
	const char *name;
	dkim_kind kind;
	const char *in;
	dkim_err want;
} sig_cases[] = {
    {"minimal", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; d=example.org; s=s; h=from; bh=AA==; b=AA==", DKIM_OK},
    {"ed25519 folded", DKIM_KIND_SIGNATURE,
     "v=1;\r\n a=ed25519-sha256; c=relaxed/relaxed;\r\n d=example.org; s=s;\r\n h=From : To; "
     "bh=AA==; b=A\r\n A==",
     DKIM_OK},
    {"no v", DKIM_KIND_SIGNATURE,
     "a=rsa-sha256; d=example.org; s=s; h=from; bh=AA==; b=AA==", DKIM_E_SIG_MISSING_TAG},
    {"v=2", DKIM_KIND_SIGNATURE,
     "v=2; a=rsa-sha256; d=example.org; s=s; h=from; bh=AA==; b=AA==", DKIM_E_SIG_VERSION},
    {"no bh", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; d=example.org; s=s; h=from; b=AA==", DKIM_E_SIG_MISSING_TAG},
    {"sha1", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha1; d=example.org; s=s; h=from; bh=AA==; b=AA==", DKIM_E_SIG_SHA1},
    {"sha512", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha512; d=example.org; s=s; h=from; bh=AA==; b=AA==", DKIM_E_SIG_ALG_UNKNOWN},
    {"c=future", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; c=future; d=example.org; s=s; h=from; bh=AA==; b=AA==",
     DKIM_E_SIG_CANON_UNKNOWN},
    {"q=http", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; q=http/well-known; d=example.org; s=s; h=from; bh=AA==; b=AA==",
     DKIM_E_SIG_QUERY_UNKNOWN},
    {"q list", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; q=http:dns/txt; d=example.org; s=s; h=from; bh=AA==; b=AA==", DKIM_OK},
    {"from not signed", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; d=example.org; s=s; h=to:subject; bh=AA==; b=AA==",
     DKIM_E_SIG_FROM_UNSIGNED},
    {"i outside d", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; d=example.org; i=a@example.net; s=s; h=from; bh=AA==; b=AA==",
     DKIM_E_SIG_IDENTITY},
    {"i subdomain", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; d=example.org; i=a@mail.EXAMPLE.org; s=s; h=from; bh=AA==; b=AA==",
     DKIM_OK},
    {"i suffix trick", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; d=example.org; i=a@badexample.org; s=s; h=from; bh=AA==; b=AA==",
     DKIM_E_SIG_IDENTITY},
    {"x before t", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; d=example.org; s=s; h=from; t=200; x=100; bh=AA==; b=AA==",
     DKIM_E_SIG_X_BEFORE_T},
    {"bad l", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; d=example.org; s=s; h=from; l=12a; bh=AA==; b=AA==",
     DKIM_E_SIG_BAD_NUMBER},
    {"dup tag", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; d=example.org; d=example.org; s=s; h=from; bh=AA==; b=AA==",
     DKIM_E_SIG_DUPLICATE_TAG},
    {"empty tag", DKIM_KIND_SIGNATURE,
     "v=1;; a=rsa-sha256; d=example.org; s=s; h=from; bh=AA==; b=AA==", DKIM_E_SIG_SYNTAX},
    {"bad d", DKIM_KIND_SIGNATURE,
     "v=1; a=rsa-sha256; d=example...; s=s; h=from; bh=AA==; b=AA==", DKIM_E_SIG_BAD_DOMAIN},
    {"ams", DKIM_KIND_AMS, "i=1; a=rsa-sha256; d=example.org; s=s; h=; bh=AA==; b=AA==", DKIM_OK},
    {"ams no i", DKIM_KIND_AMS,
     "a=rsa-sha256; d=example.org; s=s; h=from; bh=AA==; b=AA==", DKIM_E_SIG_MISSING_TAG},
    {"ams i=0", DKIM_KIND_AMS,
     "i=0; a=rsa-sha256; d=example.org; s=s; h=from; bh=AA==; b=AA==", DKIM_E_SIG_BAD_NUMBER},
    {"ams i=51", DKIM_KIND_AMS,
     "i=51; a=rsa-sha256; d=example.org; s=s; h=from; bh=AA==; b=AA==", DKIM_E_SIG_BAD_NUMBER},
    {"seal", DKIM_KIND_SEAL, "i=2; a=rsa-sha256; cv=pass; d=example.org; s=s; b=AA==", DKIM_OK},
    {"seal with h", DKIM_KIND_SEAL,
     "i=1; a=rsa-sha256; cv=none; d=example.org; s=s; h=from; b=AA==", DKIM_E_SIG_SYNTAX},
    {"seal bad cv", DKIM_KIND_SEAL,
     "i=1; a=rsa-sha256; cv=maybe; d=example.org; s=s; b=AA==", DKIM_E_SIG_SYNTAX},
    {"seal no cv", DKIM_KIND_SEAL,
     "i=1; a=rsa-sha256; d=example.org; s=s; b=AA==", DKIM_E_SIG_MISSING_TAG},
};

static void test_sig_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sig_cases) / sizeof(sig_cases[0]); i++) {
		dkim_sig sig;

		dkim_sig_parse(&sig, sig_cases[i].kind, sig_cases[i].in, strlen(sig_cases[i].in));
		if (sig.err != sig_cases[i].want)
			fail_msg("%s: got %s, want %s", sig_cases[i].name,
			         dkim_reason_get(sig.err)->id,
			         dkim_reason_get(sig_cases[i].want)->id);
	}
}

static void test_sig_fields(void **state)
{
	static const char in[] = "v=1; a=ed25519-sha256; c=relaxed; d=Example.org; s=sel.sub; "
	                         "h=From : to::Subject; l=10; t=5; x=6; bh=AA==; b=AA==";
	dkim_sig sig;

	(void)state;
	dkim_sig_parse(&sig, DKIM_KIND_SIGNATURE, in, strlen(in));
	assert_int_equal(sig.err, DKIM_OK);
	assert_int_equal(sig.alg, DKIM_ALG_ED25519_SHA256);
	assert_int_equal(sig.hcanon, DKIM_CANON_RELAXED);
	assert_int_equal(sig.bcanon, DKIM_CANON_SIMPLE); /* c=relaxed alone: body simple */
	assert_int_equal(sig.nh, 3);                     /* the empty name is skipped */
	assert_true(md_str_ieq_c(sig.hnames[2], "subject"));
	assert_true(sig.has_l && sig.len == 10);
	assert_true(md_str_eq(sig.s, md_str_c("sel.sub")));
	assert_true(md_str_ieq(sig.auid_domain, md_str_c("example.org")));
}

static const struct {
	const char *in;
	dkim_err want;
	bool revoked, testing, strict, ed;
} key_cases[] = {
    {"v=DKIM1; k=rsa; p=AAAA", DKIM_OK, false, false, false, false},
    {"p=AAAA", DKIM_OK, false, false, false, false},
    {"v=DKIM1; k=ed25519; p=AAAA", DKIM_OK, false, false, false, true},
    {"v=DKIM1; p=", DKIM_E_KEY_REVOKED, true, false, false, false},
    {"v=DKIM1; t=y:s; p=AAAA", DKIM_OK, false, true, true, false},
    {"v=DKIM2; p=AAAA", DKIM_E_KEY_VERSION, false, false, false, false},
    {"v=DKIM1; k=dsa; p=AAAA", DKIM_E_KEY_K_UNKNOWN, false, false, false, false},
    {"v=DKIM1; s=tlsrpt; p=AAAA", DKIM_E_KEY_SERVICE, false, false, false, false},
    {"v=DKIM1; s=tlsrpt:email; p=AAAA", DKIM_OK, false, false, false, false},
    {"v=DKIM1; k=rsa", DKIM_E_KEY_SYNTAX, false, false, false, false},
    {"v=DKIM1; k=rsa; p=AAAA; 9=x", DKIM_E_KEY_SYNTAX, false, false, false, false},
};

static void test_key_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
		dkim_key k;

		dkim_key_parse(&k, key_cases[i].in, strlen(key_cases[i].in));
		if (k.err != key_cases[i].want)
			fail_msg("%s: got %s, want %s", key_cases[i].in, dkim_reason_get(k.err)->id,
			         dkim_reason_get(key_cases[i].want)->id);
		assert_int_equal(k.revoked, key_cases[i].revoked);
		assert_int_equal(k.t_testing, key_cases[i].testing);
		assert_int_equal(k.t_strict, key_cases[i].strict);
		assert_int_equal(k.k_ed25519, key_cases[i].ed);
	}
}

static void test_key_v_not_first(void **state)
{
	dkim_key k;

	(void)state;
	dkim_key_parse(&k, "k=rsa; v=DKIM1; p=AAAA", 22);
	assert_int_equal(k.err, DKIM_OK);
	assert_true(k.v_not_first);
}

static const struct {
	const char *in;
	long want; /* -1: invalid */
	const char *out;
} b64_cases[] = {
    {"", 0, ""},
    {"Zm9v", 3, "foo"},
    {"Zm9vYg==", 4, "foob"},
    {"Zm9v\r\n YmE=", 5, "fooba"},
    {"Zm9vYg", 4, "foob"}, /* missing padding tolerated */
    {"Zm9vY", -1, NULL},
    {"Zm9v!", -1, NULL},
    {"Zm==9v", -1, NULL},
    {"Z===", -1, NULL},
};

static void test_base64(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(b64_cases) / sizeof(b64_cases[0]); i++) {
		uint8_t out[64];
		long n =
		    dkim_base64_decode(b64_cases[i].in, strlen(b64_cases[i].in), out, sizeof(out));

		if (n != b64_cases[i].want)
			fail_msg("%s: got %ld, want %ld", b64_cases[i].in, n, b64_cases[i].want);
		if (n > 0)
			assert_memory_equal(out, b64_cases[i].out, (size_t)n);
	}
	{
		char enc[16];

		dkim_base64_encode((const uint8_t *)"fooba", 5, enc);
		assert_string_equal(enc, "Zm9vYmE=");
	}
}

/* RFC 6376 section 3.4.6 example, and the b= emptying of section 3.7 */
static const struct {
	dkim_canon c;
	const char *raw;
	const char *b; /* substring that is the b= value, or NULL */
	bool crlf;
	const char *want;
} hdr_cases[] = {
    {DKIM_CANON_RELAXED, "A: X\r\n", NULL, true, "a:X\r\n"},
    {DKIM_CANON_RELAXED, "B : Y\t\r\n\tZ  \r\n", NULL, true, "b:Y Z\r\n"},
    {DKIM_CANON_SIMPLE, "B : Y\t\r\n\tZ  \r\n", NULL, true, "B : Y\t\r\n\tZ  \r\n"},
    {DKIM_CANON_RELAXED, "Subject:   \r\n", NULL, true, "subject:\r\n"},
    {DKIM_CANON_RELAXED, "DKIM-Signature: a=x; b=abc\r\n def; c=y\r\n", "abc\r\n def", false,
     "dkim-signature:a=x; b=; c=y"},
    {DKIM_CANON_SIMPLE, "DKIM-Signature: a=x; b=abc\r\n def ; c=y\r\n", "abc\r\n def", false,
     "DKIM-Signature: a=x; b=; c=y"},
    {DKIM_CANON_SIMPLE, "DKIM-Signature: a=x; b= abc\r\n", "abc", false, "DKIM-Signature: a=x; b="},
};

static void test_canon_header(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hdr_cases) / sizeof(hdr_cases[0]); i++) {
		md_buf b;
		md_str raw = md_str_c(hdr_cases[i].raw), bv = MD_STR_NULL;

		if (hdr_cases[i].b) {
			bv.p = strstr(hdr_cases[i].raw, hdr_cases[i].b);
			bv.n = strlen(hdr_cases[i].b);
		}
		md_buf_init(&b, 4096);
		assert_int_equal(dkim_canon_header(&b, hdr_cases[i].c, raw, bv, hdr_cases[i].crlf),
		                 MD_OK);
		if (strcmp(b.p, hdr_cases[i].want) != 0)
			fail_msg("case %zu: got [%s], want [%s]", i, b.p, hdr_cases[i].want);
		md_buf_free(&b);
	}
}

static int collect(void *ud, const char *p, size_t n)
{
	return md_buf_append(ud, p, n) == MD_OK ? 0 : 1;
}

static const struct {
	dkim_canon c;
	const char *in, *want;
} body_cases[] = {
    /* RFC 6376 section 3.4.6 */
    {DKIM_CANON_RELAXED, " C \r\nD \t E\r\n\r\n\r\n", " C\r\nD E\r\n"},
    {DKIM_CANON_SIMPLE, " C \r\nD \t E\r\n\r\n\r\n", " C \r\nD \t E\r\n"},
    {DKIM_CANON_SIMPLE, "", "\r\n"},
    {DKIM_CANON_RELAXED, "", ""},
    {DKIM_CANON_SIMPLE, "\r\n\r\n", "\r\n"},
    {DKIM_CANON_RELAXED, "  \r\n\t\r\n", ""},
    {DKIM_CANON_RELAXED, "a\r\n \r\nb", "a\r\n\r\nb\r\n"},
    {DKIM_CANON_SIMPLE, "no newline", "no newline\r\n"},
    {DKIM_CANON_RELAXED, "x\ry \r\n", "x\ry\r\n"},
};

static void test_canon_body(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]); i++) {
		md_buf b;
		size_t n;

		md_buf_init(&b, 4096);
		md_buf_append(&b, "", 0);
		n = dkim_canon_body(body_cases[i].c, body_cases[i].in, strlen(body_cases[i].in),
		                    collect, &b);
		if (strcmp(b.p, body_cases[i].want) != 0)
			fail_msg("case %zu: got [%s], want [%s]", i, b.p, body_cases[i].want);
		assert_int_equal(n, strlen(body_cases[i].want));
		md_buf_free(&b);
	}
}

static const struct {
	const char *value, *want;
} from_cases[] = {
    {" Alice <alice@Example.ORG>", "example.org"},
    {" alice@example.org", "example.org"},
    {" \"a@b\" <alice@example.org>", "example.org"},
    {" alice@example.org (Alice)", "example.org"},
    {" (c@d.example) alice@example.org", "example.org"},
    {" a@example.org, b@example.net", NULL},
    {" Undisclosed recipients:;", NULL},
    {" <alice@example.org.>", "example.org"},
};

static void test_from_domain(void **state)
{
	md_arena *a = md_arena_new();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(from_cases) / sizeof(from_cases[0]); i++) {
		const char *got = dkim_from_domain_of(a, md_str_c(from_cases[i].value));

		if ((got == NULL) != (from_cases[i].want == NULL) ||
		    (got && strcmp(got, from_cases[i].want) != 0))
			fail_msg("[%s]: got %s, want %s", from_cases[i].value, got ? got : "NULL",
			         from_cases[i].want ? from_cases[i].want : "NULL");
	}
	md_arena_free(a);
}

static void test_msg_parse(void **state)
{
	static const char m[] = "From: a@example.org\nSubject: x\n  y\n\nbody\n";
	dkim_msg msg;

	(void)state;
	assert_int_equal(dkim_msg_parse(&msg, m, sizeof(m) - 1), MD_OK);
	assert_true(msg.lf_fixed);
	assert_int_equal(msg.nf, 2);
	assert_true(md_str_eq(msg.f[1].raw, md_str_c("Subject: x\r\n  y\r\n")));
	assert_true(md_str_eq(msg.body, md_str_c("body\r\n")));
	dkim_msg_free(&msg);
}

/* A whole verification with the Nth allocation failing, for every N:
 * MD_OK or MD_ENOMEM, never a crash or a leak (ASan checks the leaks). */
static void test_verify_alloc_failures(void **state)
{
	static const char zone[] =
	    "$ORIGIN example.org.\n"
	    "s._domainkey IN TXT \"v=DKIM1; k=rsa; "
	    "p="
	    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jL"
	    "QiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/"
	    "8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/"
	    "K4w3QIDAQAB\"\n";
	static const char msg[] = "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s; "
	                          "h=from:subject; bh=AAAA; b=AAAA\r\n"
	                          "From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n";
	long n;
	int ok = 0, nomem = 0;

	(void)state;
	for (n = 0; n < 400; n++) {
		md_resolver *r = md_resolver_fixture_new();
		md_dkim_result *res = NULL;
		md_report *rep = NULL;
		md_dkim_verify_opts o = {.now = 1700000000};
		char err[64];
		md_status st;

		assert_non_null(r);
		assert_int_equal(md_resolver_fixture_load_text(r, "z", zone, sizeof(zone) - 1, NULL,
		                                               err, sizeof(err)),
		                 MD_OK);
		md_alloc_fail_after(n);
		st = md_dkim_verify(r, msg, sizeof(msg) - 1, &o, &res);
		if (st == MD_OK) {
			rep = md_report_new("dkim", "t");
			if (rep)
				(void)md_dkim_result_report(rep, res);
		}
		md_alloc_fail_after(-1);
		assert_true(st == MD_OK || st == MD_ENOMEM);
		if (st == MD_OK)
			ok++;
		else
			nomem++;
		md_report_free(rep);
		md_dkim_result_free(res);
		md_resolver_free(r);
	}
	assert_true(ok > 0 && nomem > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sig_parse),  cmocka_unit_test(test_sig_fields),
	    cmocka_unit_test(test_key_parse),  cmocka_unit_test(test_key_v_not_first),
	    cmocka_unit_test(test_base64),     cmocka_unit_test(test_canon_header),
	    cmocka_unit_test(test_canon_body), cmocka_unit_test(test_from_domain),
	    cmocka_unit_test(test_msg_parse),  cmocka_unit_test(test_verify_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
