/*
 * test_report.c - findings, exit codes and the four renderers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include <maildiag/maildiag.h>

#include "core/alloc.h"
#include "core/buf.h"

static int buf_sink(void *ud, const char *p, size_t n)
{
	return md_buf_append(ud, p, n) == MD_OK ? 0 : -1;
}

static char *render(const md_report *r, md_format fmt, bool color)
{
	md_render_opts o = {.format = fmt, .color = color, .verbose = 1};
	md_buf b;

	md_buf_init(&b, 1 << 20);
	assert_int_equal(md_render(r, &o, buf_sink, &b), MD_OK);
	return md_buf_steal(&b);
}

static md_report *sample(void)
{
	md_report *r = md_report_new("mx", "example.com");
	md_finding *f;
	static const char *const cols[] = {"pref", "host"};
	static const char *const row1[] = {"10", "mx1.example.com"};
	static const char *const row2[] = {"20", "=cmd|evil"};
	md_table *t;

	if (r == NULL)
		return NULL;
	f = md_report_add(r, "mx.host_no_address", MD_SEV_ERROR, MD_PILLAR_INFRASTRUCTURE,
	                  "mx2.example.com", "MX host has no address");
	md_finding_set_evidence(r, f, "bad bytes \xff\xfe and a control \x1b[31m");
	md_finding_set_fix(r, f, "Publish an A record for %s.", "mx2.example.com");
	md_finding_add_ref(r, f, "RFC 5321 section 5.1");
	md_report_add(r, "mx.note", MD_SEV_NOTICE, MD_PILLAR_INFRASTRUCTURE, NULL, "a notice");
	t = md_report_add_table(r, "mx_hosts", 2, cols);
	md_table_add_row(r, t, row1);
	md_table_add_row(r, t, row2);
	md_report_set_json(r, "records", "[{\"n\":1},{\"n\":2}]");
	md_report_set_string(r, "weird", "x\xc3(");
	return r;
}

static void test_exit_codes(void **state)
{
	md_report *r = md_report_new("t", "s");
	md_finding *f;

	(void)state;
	assert_int_equal(md_report_exit_code(r), 0);
	md_report_add(r, "a.warn", MD_SEV_WARNING, MD_PILLAR_REPUTATION, NULL, "w");
	assert_int_equal(md_report_exit_code(r), 0);
	md_report_add(r, "a.err", MD_SEV_ERROR, MD_PILLAR_REPUTATION, NULL, "e");
	assert_int_equal(md_report_exit_code(r), 1);
	f = md_report_add(r, "a.unchecked", MD_SEV_WARNING, MD_PILLAR_REPUTATION, NULL, "u");
	md_finding_set_could_not_check(f);
	assert_int_equal(md_report_exit_code(r), 3);
	assert_int_equal(md_report_worst(r), MD_SEV_ERROR);
	assert_non_null(md_report_find(r, "a.err"));
	assert_null(md_report_find(r, "a.none"));
	md_report_free(r);
}

static void test_json(void **state)
{
	md_report *r = sample();
	char *out = render(r, MD_FORMAT_JSON, false);
	json_error_t err;
	json_t *doc = json_loads(out, 0, &err), *f;
	const char *first_key;
	void *it;

	(void)state;
	assert_non_null(doc);
	it = json_object_iter(doc);
	first_key = json_object_iter_key(it);
	assert_string_equal(first_key, "schema");
	assert_int_equal(json_integer_value(json_object_get(doc, "schema")), 1);
	assert_string_equal(json_string_value(json_object_get(doc, "command")), "mx");
	assert_string_equal(json_string_value(json_object_get(doc, "status")), "problems");
	assert_int_equal(json_integer_value(json_object_get(doc, "exit_code")), 1);
	/* invalid UTF-8 replaced, not dropped */
	assert_string_equal(json_string_value(json_object_get(doc, "weird")), "x\xef\xbf\xbd(");
	f = json_array_get(json_object_get(doc, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "id")), "mx.host_no_address");
	assert_string_equal(json_string_value(json_object_get(f, "severity")), "error");
	assert_string_equal(json_string_value(json_object_get(f, "pillar")), "infrastructure");
	assert_non_null(strstr(json_string_value(json_object_get(f, "evidence")), "\xef\xbf\xbd"));
	assert_string_equal(json_string_value(json_array_get(json_object_get(f, "references"), 0)),
	                    "RFC 5321 section 5.1");
	json_decref(doc);
	free(out);
	md_report_free(r);
}

static void test_ndjson_stream(void **state)
{
	md_report *r = sample();
	char *out;

	(void)state;
	out = render(r, MD_FORMAT_NDJSON, false);
	/* findings by default: two lines */
	assert_non_null(strstr(out, "\"id\":\"mx.host_no_address\""));
	assert_int_equal(strchr(strchr(out, '\n') + 1, '\n')[1], '\0');
	free(out);
	md_report_set_stream_key(r, "records");
	out = render(r, MD_FORMAT_NDJSON, false);
	assert_string_equal(out, "{\"n\":1}\n{\"n\":2}\n");
	free(out);
	md_report_free(r);
}

static void test_text(void **state)
{
	md_report *r = sample();
	char *out = render(r, MD_FORMAT_TEXT, false);

	(void)state;
	assert_non_null(strstr(out, "maildiag mx example.com"));
	assert_non_null(strstr(out, "ERROR"));
	assert_non_null(strstr(out, "[mx.host_no_address] mx2.example.com"));
	assert_non_null(strstr(out, "fix:      Publish an A record for mx2.example.com."));
	/* the escape character from untrusted evidence is shown, not sent */
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "\\x1b[31m"));
	/* worst first: the error comes before the notice */
	assert_true(strstr(out, "ERROR") < strstr(out, "NOTICE"));
	free(out);
	out = render(r, MD_FORMAT_TEXT, true);
	assert_non_null(strchr(out, '\x1b'));
	free(out);
	md_report_free(r);
}

static void test_csv(void **state)
{
	md_report *r = sample();
	char *out = render(r, MD_FORMAT_CSV, false);

	(void)state;
	assert_string_equal(out, "pref,host\r\n10,mx1.example.com\r\n20,\"'=cmd|evil\"\r\n");
	free(out);
	md_report_free(r);
}

static void test_printable(void **state)
{
	char *p = md_printable("a\nb\x7f\xff");

	(void)state;
	assert_string_equal(p, "a\\x0ab\\x7f\\xff");
	free(p);
}

/* Every allocation of building and rendering a report may fail: the
 * result is MD_ENOMEM or a complete report, never a crash or a leak. */
static void test_torture(void **state)
{
	long n;

	(void)state;
	for (n = 0; n < 400; n++) {
		md_report *r;
		md_render_opts o = {.format = MD_FORMAT_JSON};
		md_buf b;

		md_alloc_fail_after(n);
		r = sample();
		md_buf_init(&b, 1 << 20);
		if (r != NULL)
			(void)md_render(r, &o, buf_sink, &b);
		md_alloc_fail_after(-1);
		md_buf_free(&b);
		md_report_free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_ndjson_stream),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_torture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
