/*
 * test_ndjson.c - the streamed NDJSON of bounce records is, byte for
 * byte, what jansson prints for the same records: the line writer against
 * json_dumps() of the record's jansson object for tricky strings (control
 * characters, quotes, backslashes, invalid UTF-8, non-ASCII, NULL), and a
 * batch with a sink against md_render() NDJSON of a batch without one on
 * the whole bounce corpus (same lines, same summary, findings and exit
 * code). Also: a refusing sink gives MD_EIO, a line over the buffer's max
 * leaves the buffer as it was.
 *
 * Usage: test_ndjson CORPUS_DIR (../shared/corpus/bounces)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include <maildiag/maildiag.h>

#include "bounce/ndjson.h"
#include "core/alloc.h"
#include "core/buf.h"

static const char *corpus_dir;

/* Compare the writer with jansson for one record; on a difference print
 * both lines and where they part. */
static void check_record(const char *name, const md_bounce_record *r, const char *file,
                         size_t index, const char *kind)
{
	json_t *o = bounce_record_json(r, file, index, kind);
	char *want;
	md_buf got;
	size_t wl, i;

	assert_non_null(o);
	want = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	assert_non_null(want);
	md_buf_init(&got, 1 << 20);
	assert_int_equal(bounce_ndjson_record(&got, r, file, index, kind), MD_OK);
	wl = strlen(want);
	if (got.n != wl + 1 || memcmp(got.p, want, wl) != 0 || got.p[wl] != '\n') {
		for (i = 0; i < got.n && i < wl && got.p[i] == want[i]; i++)
			;
		print_error("%s: differs at byte %zu\n got:  %s want: %s\n", name, i, got.p, want);
		free(want);
		md_buf_free(&got);
		fail();
	}
	free(want);
	md_buf_free(&got);
}

/* A record whose every string is S (NULL allowed) and booleans B. */
static md_bounce_record all_fields(const char *s, bool b)
{
	md_bounce_record r = {
		.recipient = s, .addresser = s, .messageid = s, .action = s, .status = s,
		.replycode = s, .diagnostic = s, .diagnostic_type = s, .rhost = s, .lhost = s,
		.smtpcommand = s, .reason = s, .hardbounce = b, .failure_class = s, .pillar = s,
		.provider = s, .retryable = !b, .action_hint = s, .matched = s,
		.feedback_type = s, .source_ip = s, .format = s, .temporary = b,
		.backscatter = b, .phishing = !b, .suspicion = s,
	};

	return r;
}

static void test_tricky_strings(void **state)
{
	static const struct {
		const char *name, *s;
	} cases[] = {
		{"empty", ""},
		{"plain", "550 5.1.1 <alice@example.com>: Recipient address rejected"},
		{"quotes and backslashes", "say \"no\" \\ C:\\path\\ \\\"x\\\""},
		{"named escapes", "a\bb\fc\nd\re\tf"},
		{"other controls", "\x01\x02\x07\x0b\x0e\x1a\x1b\x1f end"},
		{"DEL and slash", "a\x7f/b</c>"},
		{"non-ASCII", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87"},
		{"lone continuation", "a\x80z"},
		{"bad lead bytes", "\xc0\xc1\xf5\xf8\xfe\xff"},
		{"overlong", "\xc0\xaf \xe0\x80\xaf \xf0\x80\x80\xaf"},
		{"surrogate", "\xed\xa0\x80\xed\xbf\xbf"},
		{"above U+10FFFF", "\xf4\x90\x80\x80"},
		{"truncated at end", "abc\xe2\x82"},
		{"truncated mid", "\xe2\x82z\xf0\x9f\x98y"},
		{"latin-1", "M\xfcller Stra\xdf" "e"},
		{"mixed", "\"\xc3\xa9\x80\\\n\xf0\x9f\x98\x80\x01"},
		{"max code points", "\xef\xbf\xbf \xf4\x8f\xbf\xbf \xc2\x80 \xe0\xa0\x80 \xf0\x90\x80\x80"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		md_bounce_record r = all_fields(cases[i].s, i % 2 == 0);

		check_record(cases[i].name, &r, cases[i].s, i, "failure");
	}
}

/* Every byte value alone, and in the middle of text. */
static void test_every_byte(void **state)
{
	unsigned c;

	(void)state;
	for (c = 1; c < 256; c++) {
		char one[2] = {(char)c, 0}, mid[8] = {'a', (char)c, 'b', 0};
		md_bounce_record r = all_fields(one, c & 1);
		char name[32];

		snprintf(name, sizeof(name), "byte 0x%02x", c);
		check_record(name, &r, mid, c, "feedback");
		r = all_fields(mid, false);
		check_record(name, &r, one, c, "autoreply");
	}
}

/* Random byte strings biased toward the interesting bytes (fixed seed). */
static void test_random_strings(void **state)
{
	static const unsigned char pick[] = {'a', 'Z', ' ', '"', '\\', '/', '\n', '\t', 0x01,
	                                     0x1f, 0x7f, 0x80, 0xbf, 0xc2, 0xc3, 0xe2, 0xed,
	                                     0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f};
	uint32_t x = 12345;
	char s[8][48], name[32];
	int iter, f, k;

	(void)state;
	for (iter = 0; iter < 3000; iter++) {
		for (f = 0; f < 8; f++) {
			int len;

			x = x * 1103515245u + 12345u;
			len = (int)((x >> 16) % 40);
			for (k = 0; k < len; k++) {
				x = x * 1103515245u + 12345u;
				s[f][k] = (char)((x >> 20) % 3 == 0 ? pick[(x >> 8) % sizeof(pick)]
				                                     : (unsigned char)((x >> 8) % 255 + 1));
			}
			s[f][len] = '\0';
		}
		{
			md_bounce_record r = all_fields(s[0], iter & 1);

			r.recipient = s[1];
			r.diagnostic = s[2];
			r.messageid = s[3];
			r.matched = s[4];
			r.suspicion = s[5];
			r.rhost = s[6];
			snprintf(name, sizeof(name), "random %d", iter);
			check_record(name, &r, s[7], (size_t)iter * 7919u, "delivered");
		}
	}
}

static void test_null_and_numbers(void **state)
{
	md_bounce_record r = all_fields(NULL, true);

	(void)state;
	check_record("NULL strings", &r, NULL, 0, "failure");
	r = all_fields("x", false);
	check_record("NULL kind", &r, "f", 1, NULL);
	check_record("big index", &r, "f", (size_t)INT64_MAX, "failure");
	check_record("index wraps as json_int_t", &r, "f", SIZE_MAX, "failure");
	check_record("index 10^k", &r, "f", 1000000000u, "failure");
}

/* At its max the buffer is left as it was, error cleared. */
static void test_limit_rolls_back(void **state)
{
	md_bounce_record r = all_fields("0123456789", false);
	md_buf b;

	size_t one;

	(void)state;
	md_buf_init(&b, 1 << 20);
	assert_int_equal(bounce_ndjson_record(&b, &r, "f", 1, "failure"), MD_OK);
	one = b.n;
	md_buf_free(&b);
	md_buf_init(&b, one + one / 2);
	assert_int_equal(bounce_ndjson_record(&b, &r, "f", 1, "failure"), MD_OK);
	assert_int_equal(bounce_ndjson_record(&b, &r, "f", 2, "failure"), MD_ELIMIT);
	assert_int_equal(b.err, MD_OK);
	assert_int_equal(b.n, one);
	assert_int_equal(strlen(b.p), b.n);
	assert_int_equal(b.p[b.n - 1], '\n');
	assert_non_null(strstr(b.p, "\"index\":1,"));
	assert_null(strstr(b.p, "\"index\":2,"));
	md_buf_free(&b);
	md_buf_init(&b, 10);
	assert_int_equal(bounce_ndjson_record(&b, &r, "f", 1, "failure"), MD_ELIMIT);
	assert_int_equal(b.n, 0);
	md_buf_free(&b);
}

static int buf_sink(void *ud, const char *p, size_t n)
{
	return md_buf_append(ud, p, n) == MD_OK ? 0 : -1;
}

struct run {
	md_report *rep;
	md_bounce_batch *batch;
	md_buf stream; /* what the sink got */
	size_t sink_calls;
};

static int counting_sink(void *ud, const char *p, size_t n)
{
	struct run *r = ud;

	r->sink_calls++;
	return buf_sink(&r->stream, p, n);
}

/* Parse every message of PATHS into one batch; with a sink when STREAM.
 * The first message of each "-01" file is added a second time under a
 * file name with control bytes, quotes, backslashes and invalid UTF-8. */
static void run_batch(struct run *run, const char *const *paths, size_t npaths, bool stream)
{
	md_bounce_rules *rules = NULL;
	md_bounce_opts bo = {0};
	md_mime_opts mo = {.no_copy = true};
	md_source *src = md_source_new(NULL);
	md_source_item it;
	size_t i;

	memset(run, 0, sizeof(*run));
	md_buf_init(&run->stream, 512u << 20);
	assert_non_null(src);
	assert_int_equal(md_bounce_rules_builtin(&rules), MD_OK);
	bo.rules = rules;
	run->rep = md_report_new("bounce", "inputs");
	assert_non_null(run->rep);
	run->batch = md_bounce_batch_new(run->rep);
	assert_non_null(run->batch);
	if (stream)
		md_bounce_batch_set_sink(run->batch, counting_sink, run);
	for (i = 0; i < npaths; i++)
		assert_int_equal(md_source_add(src, paths[i]), MD_OK);
	while (md_source_next(src, &it)) {
		md_message *m = NULL;
		md_bounce *b = NULL;

		if (it.data == NULL) {
			assert_int_equal(md_bounce_batch_add_error(run->batch, it.file, it.index, it.error), MD_OK);
			continue;
		}
		assert_int_equal(md_message_parse(it.data, it.len, &mo, &m), MD_OK);
		assert_int_equal(md_bounce_parse(m, &bo, &b), MD_OK);
		assert_int_equal(md_bounce_batch_add(run->batch, it.file, it.index, b), MD_OK);
		/* the same message again under a hostile file name */
		if (it.index == 1 && strstr(it.file, "-01") != NULL)
			assert_int_equal(md_bounce_batch_add(run->batch, "dir\x01/\"q\"\\\xff\xc3(\xe2\x82\xac\n.eml",
			                                     7, b), MD_OK);
		md_bounce_free(b);
		md_message_free(m);
	}
	assert_int_equal(md_bounce_batch_finish(run->batch), MD_OK);
	md_source_free(src);
	md_bounce_rules_free(rules);
}

static void run_free(struct run *run)
{
	md_bounce_batch_free(run->batch);
	md_report_free(run->rep);
	md_buf_free(&run->stream);
}

static char *render(const md_report *r, md_format f, size_t *len)
{
	md_render_opts o = {.format = f};
	md_buf b;

	md_buf_init(&b, 512u << 20);
	assert_int_equal(md_render(r, &o, buf_sink, &b), MD_OK);
	*len = b.n;
	return md_buf_steal(&b);
}

static void test_corpus_stream_equals_render(void **state)
{
	char emails[4096], notb[4096];
	const char *paths[2] = {emails, notb};
	struct run kept, streamed;
	char *want, *jk, *js;
	size_t wl, jkl, jsl, lines = 0, i;
	json_t *dk, *ds;

	(void)state;
	snprintf(emails, sizeof(emails), "%s/emails", corpus_dir);
	snprintf(notb, sizeof(notb), "%s/not-bounces", corpus_dir);
	run_batch(&kept, paths, 2, false);
	run_batch(&streamed, paths, 2, true);

	want = render(kept.rep, MD_FORMAT_NDJSON, &wl);
	for (i = 0; i < wl; i++)
		lines += want[i] == '\n';
	print_message("corpus: %zu records, %zu bytes, %zu sink writes\n", lines, wl,
	              streamed.sink_calls);
	assert_true(lines > 400);
	assert_non_null(strstr(want, "\"file\":\"dir\\u0001/\\\"q\\\"\\\\\xef\xbf\xbd\xef\xbf\xbd(\xe2\x82\xac\\n.eml\""));
	assert_int_equal(streamed.stream.n, wl);
	assert_memory_equal(streamed.stream.p, want, wl);
	/* writes are batched: far fewer than records */
	assert_true(streamed.sink_calls >= 1 && streamed.sink_calls <= wl / (32u * 1024) + 2);

	/* everything but the records is the same */
	jk = render(kept.rep, MD_FORMAT_JSON, &jkl);
	js = render(streamed.rep, MD_FORMAT_JSON, &jsl);
	dk = json_loads(jk, 0, NULL);
	ds = json_loads(js, 0, NULL);
	assert_non_null(dk);
	assert_non_null(ds);
	assert_true(json_is_array(json_object_get(dk, "records")));
	assert_null(json_object_get(ds, "records"));
	assert_int_equal(json_object_del(dk, "records"), 0);
	assert_true(json_equal(dk, ds));
	assert_true(json_array_size(json_object_get(ds, "findings")) > 0);
	assert_int_equal(md_report_exit_code(kept.rep), md_report_exit_code(streamed.rep));
	json_decref(dk);
	json_decref(ds);
	md_free(want);
	md_free(jk);
	md_free(js);
	run_free(&kept);
	run_free(&streamed);
}

static int failing_sink(void *ud, const char *p, size_t n)
{
	(void)p;
	(void)n;
	++*(size_t *)ud;
	return -1;
}

/* A sink that refuses: MD_EIO from add (once the buffer is handed over)
 * and from finish; it is not called again; findings are still made. */
static void test_sink_failure_is_eio(void **state)
{
	char emails[4096];
	md_bounce_rules *rules = NULL;
	md_bounce_opts bo = {0};
	md_mime_opts mo = {.no_copy = true};
	md_source *src = md_source_new(NULL);
	md_report *rep = md_report_new("bounce", "inputs");
	md_bounce_batch *batch;
	md_source_item it;
	size_t calls = 0, eio = 0, ok_after = 0;

	(void)state;
	assert_non_null(src);
	assert_non_null(rep);
	assert_int_equal(md_bounce_rules_builtin(&rules), MD_OK);
	bo.rules = rules;
	batch = md_bounce_batch_new(rep);
	assert_non_null(batch);
	md_bounce_batch_set_sink(batch, failing_sink, &calls);
	snprintf(emails, sizeof(emails), "%s/emails", corpus_dir);
	assert_int_equal(md_source_add(src, emails), MD_OK);
	while (md_source_next(src, &it)) {
		md_message *m = NULL;
		md_bounce *b = NULL;
		md_status st;

		if (it.data == NULL)
			continue;
		assert_int_equal(md_message_parse(it.data, it.len, &mo, &m), MD_OK);
		assert_int_equal(md_bounce_parse(m, &bo, &b), MD_OK);
		st = md_bounce_batch_add(batch, it.file, it.index, b);
		if (st == MD_EIO)
			eio++;
		else if (eio > 0)
			ok_after++;
		md_bounce_free(b);
		md_message_free(m);
	}
	assert_true(eio > 0);
	assert_int_equal(ok_after, 0);
	assert_int_equal(calls, 1);
	assert_int_equal(md_bounce_batch_finish(batch), MD_EIO);
	assert_int_equal(calls, 1);
	assert_true(md_report_count(rep) > 0);
	md_bounce_batch_free(batch);
	md_report_free(rep);
	md_source_free(src);
	md_bounce_rules_free(rules);
}

/* Fewer records than one write: the sink gets them all at finish. */
static void test_small_batch_flushes_at_finish(void **state)
{
	md_report *rep = md_report_new("bounce", "x");
	md_bounce_batch *batch;
	size_t calls = 0;

	(void)state;
	assert_non_null(rep);
	batch = md_bounce_batch_new(rep);
	assert_non_null(batch);
	md_bounce_batch_set_sink(batch, failing_sink, &calls);
	assert_int_equal(md_bounce_batch_add_error(batch, "x", 1, "cannot open"), MD_OK);
	/* nothing buffered: the sink is not called and nothing fails */
	assert_int_equal(md_bounce_batch_finish(batch), MD_OK);
	assert_int_equal(calls, 0);
	md_bounce_batch_free(batch);
	md_report_free(rep);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tricky_strings),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_random_strings),
		cmocka_unit_test(test_null_and_numbers),
		cmocka_unit_test(test_limit_rolls_back),
		cmocka_unit_test(test_small_batch_flushes_at_finish),
		cmocka_unit_test(test_corpus_stream_equals_render),
		cmocka_unit_test(test_sink_failure_is_eio),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: test_ndjson CORPUS_DIR\n");
		return 2;
	}
	corpus_dir = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
