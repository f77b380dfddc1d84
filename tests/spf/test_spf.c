/*
 * test_spf.c - the SPF module, table-driven: the record grammar with error
 * offsets, macro expansion (the RFC 7208 section 7.4 examples), the
 * section 7.3 domain clean-up, check_host() verdicts and limits against the
 * fixture zone tests/spf/zones/spf.example.com.zone, the report's JSON and
 * the linter's finding ids.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>

#include <maildiag/maildiag.h>

#include "core/alloc.h"
#include "spf/spf_internal.h"

/* --- parser --- */

struct pcase {
	const char *record;
	bool valid;
	size_t err_off; /* when invalid */
	size_t nterms;  /* when valid */
};

static const struct pcase pcases[] = {
	{"v=spf1", true, 0, 0},
	{"v=spf1 -all", true, 0, 1},
	{"V=SPF1 -ALL", true, 0, 1},
	{"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx ptr -all", true, 0, 6},
	{"v=spf1 a:mail.example.com/24//64 mx/28 mx//64 a//0 ~all", true, 0, 5},
	{"v=spf1 include:_spf.example.com exists:%{i}._spf.%{d} ?all", true, 0, 3},
	{"v=spf1 redirect=_spf.example.com", true, 0, 1},
	{"v=spf1 -all exp=explain._spf.%{d}", true, 0, 2},
	{"v=spf1 foo=bar%{d} -all", true, 0, 2},
	{"v=spf1 a:foo.example.com.", true, 0, 1},
	{"v=spf1 a:%{d}", true, 0, 1},
	{"v=spf1 a:foo.example.xn--zckzah -all", true, 0, 2},
	{"v=spf1   -all   ", true, 0, 1},
	{"v=spf1 ip6:::ffff:192.0.2.1/128 -all", true, 0, 2},
	/* errors, with the offset of the bad byte or term */
	{"v=spf", false, 0, 0},
	{"v=spf1x -all", false, 0, 0},
	{"v=spf1 -al", false, 8, 0},
	{"v=spf1 inclde:example.com", false, 7, 0},
	{"v=spf1 -all:foo", false, 11, 0},
	{"v=spf1 ip4:192.0.2.256", false, 11, 0},
	{"v=spf1 ip4:192.0.02.1", false, 11, 0},
	{"v=spf1 ip4:192.0.2.0/33", false, 21, 0},
	{"v=spf1 ip4:192.0.2.0/024", false, 21, 0},
	{"v=spf1 ip6:2001:db8::/129", false, 22, 0},
	{"v=spf1 ip6:192.0.2.1", false, 11, 0},
	{"v=spf1 a:museum", false, 9, 0},
	{"v=spf1 a:foo.example.123", false, 21, 0},
	{"v=spf1 a:", false, 9, 0},
	{"v=spf1 include:", false, 15, 0},
	{"v=spf1 include", false, 14, 0},
	{"v=spf1 exists:%{x}.example.com", false, 16, 0},
	{"v=spf1 exists:%{c}.example.com", false, 16, 0},
	{"v=spf1 a:%{d0}.example.com", false, 12, 0},
	{"v=spf1 a:%.example.com", false, 9, 0},
	{"v=spf1 ptr/24", false, 10, 0},
	{"v=spf1 redirect=a.example.com redirect=b.example.com", false, 30, 0},
	{"v=spf1 exp=a.example.com exp=b.example.com", false, 25, 0},
	{"v=spf1 -all\tmx", false, 11, 0},
	{"v=spf1 a:\xef\xbb\xbfgarbage.example.net", false, 9, 0},
	{"v=spf1 mx:example.-com", false, 18, 0},
	{"v=spf1 +", false, 8, 0},
	{"v=spf1 a/", false, 8, 0},
};

static void test_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		const struct pcase *c = &pcases[i];
		md_arena *a = md_arena_new();
		spf_record rec;
		size_t off = 999;
		const char *why = NULL;
		bool ok;

		assert_non_null(a);
		assert_int_equal(spf_parse(a, c->record, strlen(c->record), &rec), MD_OK);
		ok = md_spf_record_valid(c->record, strlen(c->record), &off, &why);
		if (ok != c->valid || ok == rec.bad)
			fail_msg("%s:%d [%s]: valid %d, want %d (%s)", __FILE__, __LINE__, c->record, ok,
			         c->valid, why ? why : "");
		if (c->valid && rec.nterms != c->nterms)
			fail_msg("[%s]: %zu terms, want %zu", c->record, rec.nterms, c->nterms);
		if (!c->valid && off != c->err_off)
			fail_msg("[%s]: error at %zu (%s), want %zu", c->record, off, why, c->err_off);
		md_arena_free(a);
	}
}

/* --- macros (RFC 7208 section 7.4) --- */

struct mcase {
	const char *ip, *macro;
	bool exp;
	const char *want; /* NULL: syntax error */
};

static const struct mcase mcases[] = {
	{"192.0.2.3", "%{s}", false, "strong-bad@email.example.com"},
	{"192.0.2.3", "%{o}", false, "email.example.com"},
	{"192.0.2.3", "%{d}", false, "email.example.com"},
	{"192.0.2.3", "%{d4}", false, "email.example.com"},
	{"192.0.2.3", "%{d3}", false, "email.example.com"},
	{"192.0.2.3", "%{d2}", false, "example.com"},
	{"192.0.2.3", "%{d1}", false, "com"},
	{"192.0.2.3", "%{dr}", false, "com.example.email"},
	{"192.0.2.3", "%{d2r}", false, "example.email"},
	{"192.0.2.3", "%{l}", false, "strong-bad"},
	{"192.0.2.3", "%{l-}", false, "strong.bad"},
	{"192.0.2.3", "%{lr}", false, "strong-bad"},
	{"192.0.2.3", "%{lr-}", false, "bad.strong"},
	{"192.0.2.3", "%{l1r-}", false, "strong"},
	{"192.0.2.3", "%{ir}.%{v}._spf.%{d2}", false, "3.2.0.192.in-addr._spf.example.com"},
	{"192.0.2.3", "%{lr-}.lp._spf.%{d2}", false, "bad.strong.lp._spf.example.com"},
	{"192.0.2.3", "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", false,
	 "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
	{"192.0.2.3", "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", false,
	 "3.2.0.192.in-addr.strong.lp._spf.example.com"},
	{"192.0.2.3", "%{d2}.trusted-domains.example.net", false,
	 "example.com.trusted-domains.example.net"},
	{"2001:db8::cb01", "%{ir}.%{v}._spf.%{d2}", false,
	 "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com"},
	{"192.0.2.3", "%{S}", false, "strong-bad%40email.example.com"},
	{"192.0.2.3", "%%%_%-", false, "% %20"},
	{"192.0.2.3", "%{d999}", false, "email.example.com"},
	{"192.0.2.3", "%{d2+-}", false, "email.example.com"},
	{"192.0.2.3", "%{d2.-}", false, "example.com"},
	{"192.0.2.3", "%{l1.-}", false, "bad"},
	{"192.0.2.3", "%{c} %{r} %{t}", true, "192.0.2.3 receiver.example.org 1700000000"},
	{"2001:db8::cb01", "%{c}", true, "2001:db8::cb01"},
	{"192.0.2.3", "%{c}", false, NULL},
	{"192.0.2.3", "%{d0}", false, NULL},
	{"192.0.2.3", "%{x}", false, NULL},
	{"192.0.2.3", "%{d", false, NULL},
	{"192.0.2.3", "%{d2x}", false, NULL},
	{"192.0.2.3", "100%", false, NULL},
	{"192.0.2.3", "a b", false, NULL},
	{"192.0.2.3", "a b", true, "a b"},
};

static void test_macro(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
		const struct mcase *c = &mcases[i];
		spf_macro_ctx ctx;
		md_buf out;
		size_t eo;
		const char *why;
		md_status st;

		memset(&ctx, 0, sizeof(ctx));
		ctx.local = md_str_c("strong-bad");
		ctx.sender_dom = md_str_c("email.example.com");
		ctx.domain = "email.example.com";
		ctx.helo = "mx.example.org";
		ctx.receiver = "receiver.example.org";
		ctx.now = 1700000000;
		assert_true(md_ip_parse(c->ip, &ctx.ip));
		md_buf_init(&out, 4096);
		st = spf_macro_expand(&ctx, c->macro, strlen(c->macro), c->exp, &out, &eo, &why);
		if (c->want == NULL) {
			if (st != MD_EPARSE)
				fail_msg("[%s]: expanded to [%s], want a syntax error", c->macro, out.p);
		} else if (st != MD_OK || strcmp(out.p ? out.p : "", c->want) != 0) {
			fail_msg("[%s]: got [%s] (%s), want [%s]", c->macro, out.p ? out.p : "",
			         md_status_str(st), c->want);
		}
		md_buf_free(&out);
	}
}

static void test_domain_finish(void **state)
{
	md_buf b;
	char longname[400];
	size_t i, o = 0;

	(void)state;
	md_buf_init(&b, 4096);
	md_buf_puts(&b, "foo.example.com.");
	assert_true(spf_domain_finish(&b));
	assert_string_equal(b.p, "foo.example.com");
	md_buf_reset(&b);
	/* 30 labels of 9 bytes + "example.com": cut from the left to <= 253 */
	for (i = 0; i < 30; i++)
		o += (size_t)snprintf(longname + o, sizeof(longname) - o, "abcdefgh%c.", (char)('a' + i % 26));
	snprintf(longname + o, sizeof(longname) - o, "example.com");
	md_buf_puts(&b, longname);
	assert_true(spf_domain_finish(&b));
	assert_true(b.n <= 253);
	assert_true(b.n > 240);
	assert_int_equal(strcmp(b.p + b.n - 11, "example.com"), 0);
	md_buf_reset(&b);
	md_buf_puts(&b, "a..example.com");
	assert_false(spf_domain_finish(&b));
	md_buf_free(&b);
	assert_true(spf_domain_valid("example.com", 11));
	assert_false(spf_domain_valid("localhost", 9));
	assert_false(spf_domain_valid("a..b", 4));
}

/* --- check_host() --- */

static md_resolver *zone(void)
{
	md_resolver *r = md_resolver_fixture_new();
	char path[1024], err[512] = "";
	const char *root = getenv("MD_SOURCE_ROOT");

	assert_non_null(r);
	snprintf(path, sizeof(path), "%s/tests/spf/zones/spf.example.com.zone", root ? root : ".");
	if (md_resolver_fixture_load_file(r, path, err, sizeof(err)) != MD_OK)
		fail_msg("cannot load %s: %s", path, err);
	return r;
}

struct ecase {
	const char *ip, *domain, *sender;
	md_spf_result want;
	const char *term;        /* deciding term, NULL: none */
	const char *explanation; /* NULL: not checked */
	unsigned lookups;        /* (unsigned)-1: not checked */
	bool over_limit;
};

#define ANY ((unsigned)-1)

static const struct ecase ecases[] = {
	{"192.0.2.7", "basic.spf.example.com", NULL, MD_SPF_PASS, "ip4:192.0.2.0/24", NULL, 0, false},
	{"198.51.100.10", "basic.spf.example.com", NULL, MD_SPF_PASS, "a:mail.basic.spf.example.com", NULL, 1, false},
	{"2001:db8::10", "basic.spf.example.com", NULL, MD_SPF_PASS, "a:mail.basic.spf.example.com", NULL, 1, false},
	{"198.51.100.25", "basic.spf.example.com", NULL, MD_SPF_PASS, "mx", NULL, 2, false},
	{"::ffff:198.51.100.25", "basic.spf.example.com", NULL, MD_SPF_PASS, "mx", NULL, 2, false},
	{"203.0.113.9", "basic.spf.example.com", NULL, MD_SPF_FAIL, "-all",
	 "203.0.113.9 is not allowed to send mail for basic.spf.example.com", 2, false},
	{"203.0.113.9", "redir.spf.example.com", NULL, MD_SPF_FAIL, "-all",
	 "203.0.113.9 is not allowed to send mail for basic.spf.example.com", 3, false},
	{"203.0.113.9", "inc.spf.example.com", NULL, MD_SPF_PASS, "include:_spf.inc.spf.example.com", NULL, 1, false},
	{"2001:db8:1::5", "inc.spf.example.com", NULL, MD_SPF_PASS, "include:_spf.inc.spf.example.com", NULL, 1, false},
	{"192.0.2.9", "inc.spf.example.com", NULL, MD_SPF_SOFTFAIL, "~all", NULL, 1, false},
	{"192.0.2.9", "slow.spf.example.com", NULL, MD_SPF_TEMPERROR, NULL, NULL, 1, false},
	{"192.0.2.9", "none.spf.example.com", NULL, MD_SPF_NONE, NULL, NULL, 0, false},
	{"192.0.2.9", "nxdomain.spf.example.com", NULL, MD_SPF_NONE, NULL, NULL, 0, false},
	{"192.0.2.9", "multi.spf.example.com", NULL, MD_SPF_PERMERROR, NULL, NULL, 0, false},
	{"192.0.2.1", "syntax.spf.example.com", NULL, MD_SPF_PERMERROR, NULL, NULL, 0, false},
	{"192.0.2.9", "loop.spf.example.com", NULL, MD_SPF_PERMERROR, NULL, NULL, 2, true},
	{"192.0.2.9", "missing.spf.example.com", NULL, MD_SPF_PERMERROR, NULL, NULL, 1, false},
	{"192.0.2.9", "noall.spf.example.com", NULL, MD_SPF_NEUTRAL, NULL, NULL, 0, false},
	{"192.0.2.9", "void.spf.example.com", NULL, MD_SPF_PERMERROR, NULL, NULL, 3, true},
	{"192.0.2.9", "mx11.spf.example.com", NULL, MD_SPF_PERMERROR, NULL, NULL, 1, true},
	{"198.51.100.5", "many.spf.example.com", NULL, MD_SPF_PASS, "a:h5.spf.example.com", NULL, 5, false},
	{"198.51.100.10", "many.spf.example.com", NULL, MD_SPF_PERMERROR, NULL, NULL, 11, true},
	{"192.0.2.9", "many.spf.example.com", NULL, MD_SPF_PERMERROR, NULL, NULL, 11, true},
	{"192.0.2.1", "macro.spf.example.com", "user@macro.spf.example.com", MD_SPF_PASS,
	 "exists:%{ir}.%{l1r+-}._spf.%{d}", NULL, 1, false},
	{"192.0.2.2", "macro.spf.example.com", "user@macro.spf.example.com", MD_SPF_FAIL, "-all", NULL, 1, false},
	{"192.0.2.9", "redirall.spf.example.com", NULL, MD_SPF_FAIL, "-all", NULL, 0, false},
	{"192.0.2.9", "ptrto.spf.example.com", NULL, MD_SPF_FAIL, "-all", NULL, 1, false},
	{"192.0.2.1", "[192.0.2.1]", NULL, MD_SPF_NONE, NULL, NULL, 0, false},
	{"192.0.2.1", "localhost", NULL, MD_SPF_NONE, NULL, NULL, 0, false},
};

static void test_check_host(void **state)
{
	md_resolver *r = zone();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ecases) / sizeof(ecases[0]); i++) {
		const struct ecase *c = &ecases[i];
		md_spf_verdict *v = NULL;
		char sender[300];

		snprintf(sender, sizeof(sender), "postmaster@%s", c->domain);
		assert_int_equal(md_spf_check_host(r, c->ip, c->domain, c->sender ? c->sender : sender,
		                                   "mail.example.net", NULL, &v), MD_OK);
		if (v->result != c->want)
			fail_msg("%s from %s: %s, want %s (%s)", c->domain, c->ip,
			         md_spf_result_name(v->result), md_spf_result_name(c->want), v->reason);
		if ((c->term == NULL) != (v->term == NULL) ||
		    (c->term && strcmp(c->term, v->term) != 0))
			fail_msg("%s from %s: term %s, want %s", c->domain, c->ip, v->term ? v->term : "-",
			         c->term ? c->term : "-");
		if (c->explanation && strcmp(c->explanation, v->explanation ? v->explanation : "") != 0)
			fail_msg("%s: explanation [%s], want [%s]", c->domain, v->explanation, c->explanation);
		if (c->lookups != ANY && v->lookups != c->lookups)
			fail_msg("%s from %s: %u lookups, want %u", c->domain, c->ip, v->lookups, c->lookups);
		if (v->over_limit != c->over_limit)
			fail_msg("%s from %s: over_limit %d (%s)", c->domain, c->ip, v->over_limit, v->reason);
		assert_non_null(v->reason);
		if (v->result != MD_SPF_FAIL)
			assert_null(v->explanation);
		md_spf_verdict_free(v);
	}
	md_resolver_free(r);
}

static void test_identities(void **state)
{
	md_resolver *r = zone();
	md_spf_verdict *v;

	(void)state;
	/* empty MAIL FROM: the HELO identity */
	assert_int_equal(md_spf_check_mailfrom(r, "192.0.2.7", "", "basic.spf.example.com", NULL, &v), MD_OK);
	assert_int_equal(v->result, MD_SPF_PASS);
	assert_string_equal(v->domain, "basic.spf.example.com");
	md_spf_verdict_free(v);
	assert_int_equal(md_spf_check_mailfrom(r, "203.0.113.1", "bob@inc.spf.example.com",
	                                       "x.example.net", NULL, &v), MD_OK);
	assert_int_equal(v->result, MD_SPF_PASS);
	md_spf_verdict_free(v);
	assert_int_equal(md_spf_check_helo(r, "192.0.2.7", "[192.0.2.7]", NULL, &v), MD_OK);
	assert_int_equal(v->result, MD_SPF_NONE);
	md_spf_verdict_free(v);
	/* bad input */
	assert_int_equal(md_spf_check_host(r, "not-an-ip", "basic.spf.example.com", "a@b.c", NULL, NULL, &v),
	                 MD_EINVAL);
	assert_null(v);
	/* a raised lookup limit shows what lies past 10, still flagged */
	{
		md_spf_opts o = {.max_lookups = 20};

		assert_int_equal(md_spf_check_host(r, "198.51.100.10", "many.spf.example.com",
		                                   "postmaster@many.spf.example.com", NULL, &o, &v), MD_OK);
		assert_int_equal(v->result, MD_SPF_PASS);
		assert_int_equal(v->lookups, 11);
		md_spf_verdict_free(v);
	}
	md_resolver_free(r);
}

static int sink(void *ud, const char *p, size_t n)
{
	md_buf *b = ud;

	return md_buf_append(b, p, n) == MD_OK ? 0 : 1;
}

static json_t *render_json(const md_report *rep)
{
	md_render_opts ro = {.format = MD_FORMAT_JSON};
	md_buf b;
	json_error_t je;
	json_t *j;

	md_buf_init(&b, 1 << 22);
	assert_int_equal(md_render(rep, &ro, sink, &b), MD_OK);
	j = json_loadb(b.p, b.n, 0, &je);
	if (j == NULL)
		fail_msg("JSON does not parse: %s", je.text);
	md_buf_free(&b);
	return j;
}

static void test_report_json(void **state)
{
	md_resolver *r = zone();
	md_spf_verdict *v;
	md_report *rep = md_report_new("spf", "basic.spf.example.com");
	json_t *j, *tree;

	(void)state;
	assert_int_equal(md_spf_check_host(r, "203.0.113.9", "basic.spf.example.com",
	                                   "postmaster@basic.spf.example.com", NULL, NULL, &v), MD_OK);
	assert_int_equal(md_spf_verdict_report(v, rep), MD_OK);
	assert_non_null(md_report_find(rep, "spf.result.fail"));
	assert_int_equal(md_report_exit_code(rep), 1);
	j = render_json(rep);
	assert_string_equal(json_string_value(json_object_get(j, "result")), "fail");
	assert_string_equal(json_string_value(json_object_get(j, "explanation")),
	                    "203.0.113.9 is not allowed to send mail for basic.spf.example.com");
	assert_string_equal(json_string_value(json_object_get(j, "term")), "-all");
	assert_int_equal(json_integer_value(json_object_get(j, "lookups")), 2);
	tree = json_object_get(j, "tree");
	assert_string_equal(json_string_value(json_object_get(tree, "type")), "check_host");
	assert_true(json_array_size(json_object_get(tree, "children")) >= 4);
	json_decref(j);
	md_report_free(rep);
	md_spf_verdict_free(v);

	/* temperror is "could not check": exit code 3 */
	rep = md_report_new("spf", "slow.spf.example.com");
	assert_int_equal(md_spf_check_host(r, "192.0.2.9", "slow.spf.example.com",
	                                   "postmaster@slow.spf.example.com", NULL, NULL, &v), MD_OK);
	assert_int_equal(md_spf_verdict_report(v, rep), MD_OK);
	assert_true(md_report_find(rep, "spf.result.temperror")->could_not_check);
	assert_int_equal(md_report_exit_code(rep), 3);
	md_report_free(rep);
	md_spf_verdict_free(v);
	md_resolver_free(r);
}

/* --- lint --- */

struct lcase {
	const char *domain;
	const char *ids; /* space-separated ids that must be present */
	const char *absent; /* ids that must not be present */
	int exit_code;
};

static const struct lcase lcases[] = {
	{"ok.spf.example.com", "spf.ok", "spf.no_all", 0},
	{"none.spf.example.com", "spf.no_record", "spf.ok", 1},
	{"nxdomain.spf.example.com", "spf.no_record", NULL, 1},
	{"multi.spf.example.com", "spf.multiple_records", "spf.ok", 1},
	{"type99.spf.example.com", "spf.type99_record", NULL, 0},
	{"syntax.spf.example.com", "spf.syntax_error", "spf.ok", 1},
	{"split.spf.example.com", "spf.syntax_error", NULL, 1},
	{"loop.spf.example.com", "spf.loop", "spf.ok", 1},
	{"missing.spf.example.com", "spf.include_no_record", NULL, 1},
	{"plusall.spf.example.com", "spf.all_pass", NULL, 1},
	{"qall.spf.example.com", "spf.all_neutral", NULL, 0},
	{"noall.spf.example.com", "spf.no_all", NULL, 0},
	{"ptr.spf.example.com", "spf.ptr_mechanism", NULL, 0},
	{"broad.spf.example.com", "spf.broad_range spf.non_public_range", NULL, 0},
	{"senderid.spf.example.com", "spf.sender_id_record", NULL, 0},
	{"space.spf.example.com", "spf.whitespace", NULL, 0},
	{"upper.spf.example.com", "spf.case", NULL, 0},
	{"redirall.spf.example.com", "spf.redirect_ignored", NULL, 0},
	{"afterall.spf.example.com", "spf.terms_after_all", NULL, 0},
	{"void.spf.example.com", "spf.too_many_void_lookups", NULL, 1},
	{"dyn.spf.example.com", "spf.dynamic_target", NULL, 0},
	{"mx11.spf.example.com", "spf.mx_too_many", NULL, 1},
	{"many.spf.example.com", "spf.too_many_lookups", "spf.ok spf.lookups_near_limit", 1},
	{"big.spf.example.com", "spf.udp_size", NULL, 0},
	{"slow.spf.example.com", "spf.dns_error", "spf.ok", 3},
	{"basic.spf.example.com", "spf.ok", NULL, 0},
	{"quoted.spf.example.com", "spf.malformed_version spf.no_record", NULL, 1},
	{"nospace.spf.example.com", "spf.malformed_version spf.no_record", NULL, 1},
};

static bool has_id(const md_report *rep, const char *ids, size_t n)
{
	char id[64];

	if (n >= sizeof(id))
		return false;
	memcpy(id, ids, n);
	id[n] = '\0';
	return md_report_find(rep, id) != NULL;
}

static void test_lint(void **state)
{
	md_resolver *r = zone();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lcases) / sizeof(lcases[0]); i++) {
		const struct lcase *c = &lcases[i];
		md_report *rep = md_report_new("spf", c->domain);
		const char *p;

		assert_int_equal(md_check_spf(r, c->domain, NULL, rep), MD_OK);
		for (p = c->ids; *p;) {
			size_t n = strcspn(p, " ");

			if (!has_id(rep, p, n))
				fail_msg("%s: finding %.*s missing", c->domain, (int)n, p);
			p += n + (p[n] == ' ');
		}
		for (p = c->absent ? c->absent : ""; *p;) {
			size_t n = strcspn(p, " ");

			if (has_id(rep, p, n))
				fail_msg("%s: unexpected finding %.*s", c->domain, (int)n, p);
			p += n + (p[n] == ' ');
		}
		if (md_report_exit_code(rep) != c->exit_code)
			fail_msg("%s: exit code %d, want %d", c->domain, md_report_exit_code(rep), c->exit_code);
		md_report_free(rep);
	}
	md_resolver_free(r);
}

static void test_lint_limit_detail(void **state)
{
	md_resolver *r = zone();
	md_report *rep = md_report_new("spf", "many.spf.example.com");
	const md_finding *f;
	json_t *j, *over, *flat;

	(void)state;
	assert_int_equal(md_check_spf(r, "many.spf.example.com", NULL, rep), MD_OK);
	f = md_report_find(rep, "spf.too_many_lookups");
	assert_non_null(f);
	/* a:h1..h5 (5), include (6) with nothing below, a:h6..h10 (7-11) */
	assert_non_null(strstr(f->evidence, "lookup 11 is \"a:h10.spf.example.com\""));
	assert_non_null(strstr(f->fix, "brings the total to"));
	j = render_json(rep);
	assert_int_equal(json_integer_value(json_object_get(j, "lookups")), 11);
	over = json_object_get(j, "over_limit");
	assert_string_equal(json_string_value(json_object_get(over, "term")), "a:h10.spf.example.com");
	flat = json_object_get(j, "flatten");
	assert_int_equal(json_integer_value(json_object_get(flat, "lookups")), 0);
	assert_int_equal(json_array_size(json_object_get(flat, "ranges")), 12);
	assert_true(json_integer_value(json_object_get(flat, "minimal_lookups")) <= 10);
	json_decref(j);
	md_report_free(rep);
	md_resolver_free(r);
}

/* Every allocation failure ends in MD_ENOMEM or a clean result, no leak. */
static void test_alloc_failures(void **state)
{
	md_resolver *r = zone();
	long n;

	(void)state;
	for (n = 0; n < 4000; n++) {
		md_spf_verdict *v = NULL;
		md_report *rep;
		md_status st, st2 = MD_OK;
		unsigned long nf;

		/* warm the resolver cache so its allocations are not counted */
		if (n == 0) {
			rep = md_report_new("spf", "x");
			md_check_spf(r, "basic.spf.example.com", NULL, rep);
			md_report_free(rep);
			md_spf_check_host(r, "203.0.113.9", "redir.spf.example.com",
			                  "postmaster@redir.spf.example.com", NULL, NULL, &v);
			md_spf_verdict_free(v);
			v = NULL;
		}
		md_alloc_fail_after(n);
		st = md_spf_check_host(r, "203.0.113.9", "redir.spf.example.com",
		                       "postmaster@redir.spf.example.com", NULL, NULL, &v);
		md_spf_verdict_free(v);
		rep = md_report_new("spf", "basic.spf.example.com");
		if (rep != NULL) {
			st2 = md_check_spf(r, "basic.spf.example.com", NULL, rep);
			md_report_free(rep);
		}
		nf = md_alloc_failures();
		md_alloc_fail_after(-1);
		assert_true(st == MD_OK || st == MD_ENOMEM);
		assert_true(st2 == MD_OK || st2 == MD_ENOMEM);
		if (nf == 0)
			break;
	}
	assert_true(n > 10);
	assert_true(n < 4000);
	md_resolver_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_macro),
		cmocka_unit_test(test_domain_finish),
		cmocka_unit_test(test_check_host),
		cmocka_unit_test(test_identities),
		cmocka_unit_test(test_report_json),
		cmocka_unit_test(test_lint),
		cmocka_unit_test(test_lint_limit_detail),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
