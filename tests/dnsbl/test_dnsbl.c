/*
 * test_dnsbl.c - unit tests of the DNSBL module: the list-file reader
 * (valid and broken files, limits, allocation failures), the RFC 5782
 * return-code rules (table-driven), the built-in list file, and the check
 * against fixture zones. Failures print got/want with the row name.
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

/* ------------------------------------------------------------ list file */

static const struct {
	const char *name;
	const char *text;
	md_status want;
	const char *err; /* substring of the error message */
	size_t nlists;
} parse_cases[] = {
	{"minimal", "zone bl.example.net\n", MD_OK, NULL, 1},
	{"comments and blanks", "# hi\n\n   \t\nzone bl.example.net\n  # indented comment\n", MD_OK,
	 NULL, 1},
	{"crlf", "zone bl.example.net\r\nweight 70\r\ncode 127.0.0.2 listed spam\r\n", MD_OK, NULL, 1},
	{"no final newline", "zone bl.example.net\nweight 70", MD_OK, NULL, 1},
	{"full entry",
	 "zone zen.example.net\nname Example ZEN\nlists ip\nipv6 yes\nweight 100\n"
	 "delist https://example.net/#remove\ninfo https://example.net/codes\ntxt no\n"
	 "selftest no\ntest 127.0.0.2\ndefault unknown\n"
	 "code 127.0.0.2 listed SBL\ncode 127.0.0.4-127.0.0.7 listed XBL\n"
	 "code 127.0.0.10 policy PBL\ncode 127.255.255.254 refused public resolver\n"
	 "code 127.255.255.252 error typo\ncode 127.0.0.20 ignore fine\ncode 127.0.0.21 unknown\n"
	 "zone dbl.example.net\nlists domain\ntest dbltest.example.com\nbit 2 listed black\n",
	 MD_OK, NULL, 2},
	{"empty file", "", MD_EPARSE, "no \"zone\" line", 0},
	{"only comments", "# nothing\n", MD_EPARSE, "no \"zone\" line", 0},
	{"keyword before zone", "weight 10\nzone a.example.net\n", MD_EPARSE, "lists:1:", 0},
	{"unknown keyword", "zone a.example.net\ncolour red\n", MD_EPARSE, "lists:2: colour: unknown keyword", 0},
	{"bad zone", "zone bad..example.net\n", MD_EPARSE, "empty label", 0},
	{"zone not ascii", "zone b\xc3\xa4" "d.example.net\n", MD_EPARSE, "non-ASCII", 0},
	{"duplicate zone", "zone a.example.net\nzone A.example.net.\n", MD_EPARSE, "already listed at line 1", 0},
	{"weight too big", "zone a.example.net\nweight 101\n", MD_EPARSE, "weight 101", 0},
	{"weight not number", "zone a.example.net\nweight high\n", MD_EPARSE, "whole number", 0},
	{"weight missing", "zone a.example.net\nweight\n", MD_EPARSE, "needs a value", 0},
	{"lists bad", "zone a.example.net\nlists url\n", MD_EPARSE, "use ip or domain", 0},
	{"bool bad", "zone a.example.net\ntxt maybe\n", MD_EPARSE, "use yes or no", 0},
	{"code bad address", "zone a.example.net\ncode 127.0.0.256 listed\n", MD_EPARSE, "IPv4 address", 0},
	{"code ipv6", "zone a.example.net\ncode ::1 listed\n", MD_EPARSE, "IPv4 address", 0},
	{"code range reversed", "zone a.example.net\ncode 127.0.0.9-127.0.0.2 listed\n", MD_EPARSE, "ends before", 0},
	{"code no class", "zone a.example.net\ncode 127.0.0.2\n", MD_EPARSE, "needs a value and a class", 0},
	{"code bad class", "zone a.example.net\ncode 127.0.0.2 naughty\n", MD_EPARSE, "unknown class", 0},
	{"bit not power", "zone a.example.net\nbit 3 listed\n", MD_EPARSE, "bit 3", 0},
	{"bit zero", "zone a.example.net\nbit 0 listed\n", MD_EPARSE, "bit 0", 0},
	{"bit too big", "zone a.example.net\nbit 256 listed\n", MD_EPARSE, "bit 256", 0},
	{"default bad", "zone a.example.net\ndefault maybe\n", MD_EPARSE, "unknown class", 0},
	{"ipv6 on domain list", "zone a.example.net\nlists domain\nipv6 yes\n", MD_EPARSE, "only for IP lists", 0},
	{"ip test not ip", "zone a.example.net\ntest test\n", MD_EPARSE, "not an IP address", 0},
	{"domain test bad", "zone a.example.net\nlists domain\ntest bad..name\n", MD_EPARSE, "empty label", 0},
	{"control char", "zone a.example.net\nname a\x01" "b\n", MD_EPARSE, "control character", 0},
	{"nul byte", "zone a.example.net\nname a\0b\n", MD_EPARSE, "NUL byte", 0},
	{"text too long", NULL, MD_ELIMIT, "longer than 300", 0},
	{"line too long", NULL, MD_ELIMIT, "line longer than 1024", 0},
	{"too many codes", NULL, MD_ELIMIT, "more than 64 code", 0},
	{"too many lists", NULL, MD_ELIMIT, "more than 256 lists", 0},
	{"zone too long for ipv6", NULL, MD_EPARSE, "too long for IPv6", 0},
};

/* Texts too big to write inline; built for the rows with text NULL. */
static char *make_text(const char *name, size_t *len)
{
	size_t cap = 1 << 20, n = 0, i;
	char *t = malloc(cap);

	assert_non_null(t);
	if (strcmp(name, "text too long") == 0) {
		n += (size_t)snprintf(t + n, cap - n, "zone a.example.net\nname ");
		for (i = 0; i < 301; i++)
			t[n++] = 'x';
		t[n++] = '\n';
	} else if (strcmp(name, "line too long") == 0) {
		n += (size_t)snprintf(t + n, cap - n, "zone a.example.net\n# ");
		for (i = 0; i < 1100; i++)
			t[n++] = 'x';
		t[n++] = '\n';
	} else if (strcmp(name, "too many codes") == 0) {
		n += (size_t)snprintf(t + n, cap - n, "zone a.example.net\n");
		for (i = 0; i < 65; i++)
			n += (size_t)snprintf(t + n, cap - n, "code 127.0.1.%zu listed x\n", i);
	} else if (strcmp(name, "too many lists") == 0) {
		for (i = 0; i < 257; i++)
			n += (size_t)snprintf(t + n, cap - n, "zone l%zu.example.net\n", i);
	} else if (strcmp(name, "zone too long for ipv6") == 0) {
		/* 200 octets: fits an IPv4 prefix, not 64 octets of nibbles */
		n += (size_t)snprintf(t + n, cap - n, "zone ");
		for (i = 0; i < 4; i++)
			n += (size_t)snprintf(t + n, cap - n, "%.49s.",
			                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
		n += (size_t)snprintf(t + n, cap - n, "net\nipv6 yes\n");
	}
	*len = n;
	return t;
}

static void test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		char err[512] = "";
		md_dnsbl_lists *l = NULL;
		char *big = NULL;
		const char *text = parse_cases[i].text;
		size_t len;
		md_status st;

		if (text == NULL) {
			big = make_text(parse_cases[i].name, &len);
			text = big;
		} else if (strcmp(parse_cases[i].name, "nul byte") == 0) {
			len = sizeof("zone a.example.net\nname a\0b\n") - 1;
		} else {
			len = strlen(text);
		}
		st = md_dnsbl_lists_parse(text, len, "lists", &l, err, sizeof(err));
		if (st != parse_cases[i].want)
			fail_msg("%s: status got %s, want %s (err: %s)", parse_cases[i].name,
			         md_status_str(st), md_status_str(parse_cases[i].want), err);
		if (parse_cases[i].err != NULL && strstr(err, parse_cases[i].err) == NULL)
			fail_msg("%s: error got [%s], want it to contain [%s]", parse_cases[i].name, err,
			         parse_cases[i].err);
		if (st == MD_OK && md_dnsbl_lists_count(l) != parse_cases[i].nlists)
			fail_msg("%s: lists got %zu, want %zu", parse_cases[i].name,
			         md_dnsbl_lists_count(l), parse_cases[i].nlists);
		if (st != MD_OK && l != NULL)
			fail_msg("%s: lists returned on error", parse_cases[i].name);
		md_dnsbl_lists_free(l);
		free(big);
	}
}

static void test_parse_fields(void **state)
{
	const char *text = "zone ZEN.Example.NET.\nname Example ZEN\nipv6 yes\nweight 100\n"
	                   "delist https://example.net/#remove\ncode 127.0.0.2 listed SBL\n"
	                   "zone dbl.example.net\nlists domain\nbit 2 listed black\n";
	md_dnsbl_lists *l;
	md_dnsbl_list_info info;

	(void)state;
	assert_int_equal(md_dnsbl_lists_parse(text, strlen(text), "t", &l, NULL, 0), MD_OK);
	assert_true(md_dnsbl_list_get(l, 0, &info));
	assert_string_equal(info.zone, "zen.example.net");
	assert_string_equal(info.name, "Example ZEN");
	assert_int_equal(info.kind, MD_DNSBL_KIND_IP);
	assert_true(info.ipv6);
	assert_int_equal(info.weight, 100);
	assert_string_equal(info.delist, "https://example.net/#remove");
	assert_null(info.info);
	assert_int_equal(info.ncodes, 1);
	assert_true(md_dnsbl_list_get(l, 1, &info));
	assert_string_equal(info.name, "dbl.example.net"); /* defaults to the zone */
	assert_int_equal(info.kind, MD_DNSBL_KIND_DOMAIN);
	assert_int_equal(info.weight, 50);
	assert_false(md_dnsbl_list_get(l, 2, &info));
	md_dnsbl_lists_free(l);
}

static void test_load_file(void **state)
{
	char err[512], path[] = "/tmp/md_dnsbl_test_XXXXXX";
	md_dnsbl_lists *l;
	FILE *f;
	int fd;

	(void)state;
	assert_int_equal(md_dnsbl_lists_load("/nonexistent/lists.conf", &l, err, sizeof(err)),
	                 MD_ENOTFOUND);
	assert_non_null(strstr(err, "/nonexistent/lists.conf"));
	assert_null(l);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("zone bl.example.net\nweight x\n", f);
	fclose(f);
	assert_int_equal(md_dnsbl_lists_load(path, &l, err, sizeof(err)), MD_EPARSE);
	assert_non_null(strstr(err, ":2: weight x"));
	remove(path);
}

/* The built-in file parses and carries the documented codes. */
static void test_default_lists(void **state)
{
	md_dnsbl_lists *l;
	md_dnsbl_list_info info;
	size_t i, zen = SIZE_MAX, dbl = SIZE_MAX, uribl = SIZE_MAX;
	const char *m;

	(void)state;
	assert_int_equal(md_dnsbl_lists_default(&l), MD_OK);
	assert_true(md_dnsbl_lists_count(l) >= 12);
	for (i = 0; md_dnsbl_list_get(l, i, &info); i++) {
		if (strcmp(info.zone, "zen.spamhaus.org") == 0)
			zen = i;
		if (strcmp(info.zone, "dbl.spamhaus.org") == 0)
			dbl = i;
		if (strcmp(info.zone, "multi.uribl.com") == 0)
			uribl = i;
		assert_non_null(info.delist);
		assert_true(info.weight <= 100);
	}
	assert_true(zen != SIZE_MAX && dbl != SIZE_MAX && uribl != SIZE_MAX);
	assert_int_equal(md_dnsbl_interpret(l, zen, (const uint8_t[]){127, 0, 0, 2}, &m),
	                 MD_DNSBL_LISTED);
	assert_non_null(strstr(m, "SBL"));
	assert_int_equal(md_dnsbl_interpret(l, zen, (const uint8_t[]){127, 0, 0, 11}, &m),
	                 MD_DNSBL_POLICY);
	assert_int_equal(md_dnsbl_interpret(l, zen, (const uint8_t[]){127, 255, 255, 254}, &m),
	                 MD_DNSBL_REFUSED);
	assert_int_equal(md_dnsbl_interpret(l, zen, (const uint8_t[]){127, 255, 255, 252}, &m),
	                 MD_DNSBL_LIST_ERROR);
	assert_int_equal(md_dnsbl_interpret(l, dbl, (const uint8_t[]){127, 0, 1, 255}, &m),
	                 MD_DNSBL_LIST_ERROR);
	assert_int_equal(md_dnsbl_interpret(l, dbl, (const uint8_t[]){127, 0, 1, 104}, &m),
	                 MD_DNSBL_LISTED);
	assert_int_equal(md_dnsbl_interpret(l, uribl, (const uint8_t[]){127, 0, 0, 1}, &m),
	                 MD_DNSBL_REFUSED);
	assert_int_equal(md_dnsbl_interpret(l, uribl, (const uint8_t[]){127, 0, 0, 14}, &m),
	                 MD_DNSBL_LISTED);
	assert_string_equal(md_dnsbl_default_text(), md_dnsbl_default_text());
	md_dnsbl_lists_free(l);
}

/* ------------------------------------------------------- return codes */

static const char interpret_lists[] =
	"zone zen.example.net\n"
	"code 127.0.0.2 listed SBL\n"
	"code 127.0.0.4-127.0.0.7 listed XBL\n"
	"code 127.0.0.10-127.0.0.11 policy PBL\n"
	"code 127.0.0.20 ignore good reputation\n"
	"code 127.255.255.252 error typing error\n"
	"code 127.255.255.254 refused public resolver\n"
	"code 127.255.255.255 refused rate limit\n"
	"zone multi.example.net\n"
	"lists domain\n"
	"code 127.0.0.1 refused blocked\n"
	"bit 2 listed black\n"
	"bit 4 policy grey\n"
	"bit 8 listed red\n"
	"zone plain.example.net\n"
	"zone strict.example.net\n"
	"default unknown\n"
	"code 127.0.0.2 listed spam\n";

static const struct {
	const char *name;
	size_t list;
	uint8_t addr[4];
	md_dnsbl_class want;
	const char *meaning; /* substring */
} interpret_cases[] = {
	{"documented code", 0, {127, 0, 0, 2}, MD_DNSBL_LISTED, "SBL"},
	{"range start", 0, {127, 0, 0, 4}, MD_DNSBL_LISTED, "XBL"},
	{"range end", 0, {127, 0, 0, 7}, MD_DNSBL_LISTED, "XBL"},
	{"policy", 0, {127, 0, 0, 11}, MD_DNSBL_POLICY, "PBL"},
	{"ignore", 0, {127, 0, 0, 20}, MD_DNSBL_IGNORE, "good"},
	{"typo error", 0, {127, 255, 255, 252}, MD_DNSBL_LIST_ERROR, "typing"},
	{"public resolver", 0, {127, 255, 255, 254}, MD_DNSBL_REFUSED, "public"},
	{"rate limit", 0, {127, 255, 255, 255}, MD_DNSBL_REFUSED, "rate"},
	{"error range undocumented", 0, {127, 255, 255, 1}, MD_DNSBL_REFUSED, "error range"},
	{"undocumented code is listed", 0, {127, 0, 0, 99}, MD_DNSBL_LISTED, "not documented"},
	{"outside 127/8", 0, {10, 0, 0, 1}, MD_DNSBL_UNKNOWN, "outside 127.0.0.0/8"},
	{"public address", 0, {93, 184, 215, 14}, MD_DNSBL_UNKNOWN, "outside"},
	{"127.0.0.1 undocumented", 0, {127, 0, 0, 1}, MD_DNSBL_UNKNOWN, "RFC 5782"},
	{"bit black", 1, {127, 0, 0, 2}, MD_DNSBL_LISTED, "black"},
	{"bit grey", 1, {127, 0, 0, 4}, MD_DNSBL_POLICY, "grey"},
	{"bits grey+red: highest", 1, {127, 0, 0, 12}, MD_DNSBL_LISTED, "red"},
	{"bits all", 1, {127, 0, 0, 14}, MD_DNSBL_LISTED, "black"},
	{"bit refused by code", 1, {127, 0, 0, 1}, MD_DNSBL_REFUSED, "blocked"},
	{"unknown bit: default", 1, {127, 0, 0, 64}, MD_DNSBL_LISTED, "not documented"},
	{"known and unknown bit", 1, {127, 0, 0, 68}, MD_DNSBL_LISTED, "not documented"},
	{"bitmask error range", 1, {127, 255, 255, 254}, MD_DNSBL_REFUSED, "error range"},
	{"bitmask outside", 1, {192, 0, 2, 2}, MD_DNSBL_UNKNOWN, "outside"},
	{"plain 127.0.0.2", 2, {127, 0, 0, 2}, MD_DNSBL_LISTED, ""},
	{"plain 127.1.2.3", 2, {127, 1, 2, 3}, MD_DNSBL_LISTED, ""},
	{"plain 127.0.0.1", 2, {127, 0, 0, 1}, MD_DNSBL_UNKNOWN, ""},
	{"plain 127.255.255.254", 2, {127, 255, 255, 254}, MD_DNSBL_REFUSED, ""},
	{"plain non-127", 2, {8, 8, 8, 8}, MD_DNSBL_UNKNOWN, ""},
	{"strict documented", 3, {127, 0, 0, 2}, MD_DNSBL_LISTED, "spam"},
	{"strict undocumented", 3, {127, 0, 0, 3}, MD_DNSBL_UNKNOWN, "not documented"},
	{"no such list", 9, {127, 0, 0, 2}, MD_DNSBL_UNKNOWN, ""},
};

static void test_interpret_table(void **state)
{
	md_dnsbl_lists *l;
	size_t i;

	(void)state;
	assert_int_equal(md_dnsbl_lists_parse(interpret_lists, strlen(interpret_lists), "t", &l,
	                                      NULL, 0),
	                 MD_OK);
	for (i = 0; i < sizeof(interpret_cases) / sizeof(interpret_cases[0]); i++) {
		const char *m = NULL;
		md_dnsbl_class c = md_dnsbl_interpret(l, interpret_cases[i].list,
		                                      interpret_cases[i].addr, &m);

		if (c != interpret_cases[i].want)
			fail_msg("%s: class got %s, want %s", interpret_cases[i].name,
			         md_dnsbl_class_name(c), md_dnsbl_class_name(interpret_cases[i].want));
		if (m == NULL || strstr(m, interpret_cases[i].meaning) == NULL)
			fail_msg("%s: meaning got [%s], want [%s]", interpret_cases[i].name,
			         m ? m : "(null)", interpret_cases[i].meaning);
	}
	assert_int_equal(md_dnsbl_interpret(l, 0, (const uint8_t[]){127, 0, 0, 2}, NULL),
	                 MD_DNSBL_LISTED);
	md_dnsbl_lists_free(l);
}

/* ---------------------------------------------------------- the check */

static const char check_zone[] =
	"$ORIGIN bl.example.net.\n"
	"@ 300 IN SOA ns.example.net. h.example.net. 1 2 3 4 300\n"
	"2.0.0.127 300 IN A 127.0.0.2\n"
	"10.113.0.203 300 IN A 127.0.0.2\n"
	"10.113.0.203 300 IN TXT \"spam seen\" \" from here\"\n"
	"11.113.0.203 300 IN A 127.0.0.10\n"
	"12.113.0.203 300 IN A 127.255.255.254\n"
	"13.113.0.203 300 IN A 10.0.0.1\n"
	";! timeout 16.113.0.203.bl.example.net.\n"
	"$ORIGIN wild.example.net.\n"
	"@ 300 IN SOA ns.example.net. h.example.net. 1 2 3 4 300\n"
	"* 300 IN A 127.0.0.2\n";

static const char check_lists[] =
	"zone bl.example.net\nweight 80\ndelist https://bl.example.net/remove\n"
	"code 127.0.0.2 listed spam source\ncode 127.0.0.10 policy end-user range\n"
	"code 127.255.255.254 refused public resolver\n"
	"zone dbl.example.net\nlists domain\n";

/* the same and a list that answers "listed" for everything */
static const char check_lists_wild[] =
	"zone bl.example.net\nweight 80\ndelist https://bl.example.net/remove\n"
	"code 127.0.0.2 listed spam source\n"
	"zone wild.example.net\nweight 30\n";

static const struct {
	const char *target;
	const char *want_id;
	md_severity want_sev;
	int want_exit;
} check_cases[] = {
	{"203.0.113.10", "dnsbl.listed", MD_SEV_ERROR, 1},
	{"203.0.113.11", "dnsbl.policy_listed", MD_SEV_ERROR, 1},
	{"203.0.113.12", "dnsbl.resolver_refused", MD_SEV_WARNING, 3},
	{"203.0.113.13", "dnsbl.unknown_answer", MD_SEV_WARNING, 3},
	{"203.0.113.16", "dnsbl.could_not_check", MD_SEV_WARNING, 3},
	{"203.0.113.99", "dnsbl.not_listed", MD_SEV_OK, 0},
	{"::ffff:203.0.113.10", "dnsbl.listed", MD_SEV_ERROR, 1},
	{"2001:db8::1", "dnsbl.no_lists", MD_SEV_WARNING, 3},
};

static void test_check(void **state)
{
	md_dnsbl_lists *l;
	char err[256];
	size_t i;

	(void)state;
	assert_int_equal(md_dnsbl_lists_parse(check_lists, strlen(check_lists), "t", &l, err,
	                                      sizeof(err)),
	                 MD_OK);
	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		md_resolver *r = md_resolver_fixture_new();
		md_report *rep = md_report_new("dnsbl", check_cases[i].target);
		const md_finding *f;

		assert_int_equal(md_resolver_fixture_load_text(r, "zone", check_zone,
		                                               strlen(check_zone), NULL, err,
		                                               sizeof(err)),
		                 MD_OK);
		assert_int_equal(md_check_dnsbl(r, l, check_cases[i].target, rep), MD_OK);
		f = md_report_find(rep, check_cases[i].want_id);
		if (f == NULL)
			fail_msg("%s: no finding %s", check_cases[i].target, check_cases[i].want_id);
		if (f->severity != check_cases[i].want_sev)
			fail_msg("%s: severity got %s, want %s", check_cases[i].target,
			         md_severity_name(f->severity), md_severity_name(check_cases[i].want_sev));
		if (md_report_exit_code(rep) != check_cases[i].want_exit)
			fail_msg("%s: exit got %d, want %d", check_cases[i].target,
			         md_report_exit_code(rep), check_cases[i].want_exit);
		md_report_free(rep);
		md_resolver_free(r);
	}
	md_dnsbl_lists_free(l);
}

static void test_check_reason_and_bad_target(void **state)
{
	md_dnsbl_lists *l;
	md_resolver *r = md_resolver_fixture_new();
	md_report *rep = md_report_new("dnsbl", "x");
	const md_finding *f;
	char err[256];

	(void)state;
	assert_int_equal(md_dnsbl_lists_parse(check_lists_wild, strlen(check_lists_wild), "t", &l,
	                                      err, sizeof(err)),
	                 MD_OK);
	assert_int_equal(md_resolver_fixture_load_text(r, "zone", check_zone, strlen(check_zone),
	                                               NULL, err, sizeof(err)),
	                 MD_OK);
	assert_int_equal(md_check_dnsbl(r, l, "not a target!", rep), MD_EINVAL);
	assert_int_equal(md_check_dnsbl(r, l, "203.0.113.10", rep), MD_OK);
	f = md_report_find(rep, "dnsbl.listed");
	assert_non_null(f);
	/* the TXT reason, both strings joined */
	assert_non_null(strstr(f->evidence, "spam seen from here"));
	assert_non_null(strstr(f->fix, "https://bl.example.net/remove"));
	/* the wildcard list is not believed: not a listing, could not check */
	assert_non_null(md_report_find(rep, "dnsbl.list_unreliable"));
	assert_true(md_report_find(rep, "dnsbl.list_unreliable")->could_not_check);
	assert_int_equal(md_report_exit_code(rep), 3);
	/* a documentation address is said to be one */
	assert_non_null(md_report_find(rep, "dnsbl.not_public"));
	md_report_free(rep);
	md_resolver_free(r);
	md_dnsbl_lists_free(l);
}

/* Every allocation of the parser failing in turn: MD_ENOMEM, no leak. */
static void test_parse_torture(void **state)
{
	const char *text = interpret_lists;
	long n;

	(void)state;
	for (n = 0;; n++) {
		md_dnsbl_lists *l = NULL;
		md_status st;

		md_alloc_fail_after(n);
		st = md_dnsbl_lists_parse(text, strlen(text), "t", &l, NULL, 0);
		md_alloc_fail_after(-1);
		if (st == MD_OK) {
			md_dnsbl_lists_free(l);
			break;
		}
		assert_int_equal(st, MD_ENOMEM);
		assert_null(l);
		assert_true(n < 10000);
	}
}

/* The check with every allocation failing in turn, from the first one
 * after the resolver and the lists are set up: no crash, no leak, and
 * MD_ENOMEM (from the call or recorded in the report) whenever one failed. */
static void test_check_torture(void **state)
{
	const char *targets[] = {"203.0.113.10", "2001:db8::1", "spam.example.net"};
	md_dnsbl_lists *l;
	char err[256];
	size_t t;
	long n;

	(void)state;
	assert_int_equal(md_dnsbl_lists_parse(check_lists_wild, strlen(check_lists_wild), "t", &l,
	                                      err, sizeof(err)),
	                 MD_OK);
	for (t = 0; t < sizeof(targets) / sizeof(targets[0]); t++)
		for (n = 0;; n++) {
			md_resolver *r = md_resolver_fixture_new();
			md_report *rep = md_report_new("dnsbl", targets[t]);
			md_status st;
			unsigned long failed;

			assert_non_null(r);
			assert_non_null(rep);
			assert_int_equal(md_resolver_fixture_load_text(r, "zone", check_zone,
			                                               strlen(check_zone), NULL, err,
			                                               sizeof(err)),
			                 MD_OK);
			md_alloc_fail_after(n);
			st = md_check_dnsbl(r, l, targets[t], rep);
			failed = md_alloc_failures();
			md_alloc_fail_after(-1);
			if (failed == 0) {
				assert_int_equal(st, MD_OK);
				md_report_free(rep);
				md_resolver_free(r);
				break;
			}
			if (st == MD_OK)
				assert_int_equal(md_report_status(rep), MD_ENOMEM);
			else
				assert_int_equal(st, MD_ENOMEM);
			md_report_free(rep);
			md_resolver_free(r);
			assert_true(n < 100000);
		}
	md_dnsbl_lists_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_default_lists),
		cmocka_unit_test(test_interpret_table),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_check_reason_and_bad_target),
		cmocka_unit_test(test_parse_torture),
		cmocka_unit_test(test_check_torture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
