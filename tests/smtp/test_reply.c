/*
 * test_reply.c - SMTP reply parser: table of replies, each fed whole, one
 * byte at a time and in 7-byte pieces; limits; pipelined replies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "smtp/reply.h"

struct rcase {
	const char *name, *in;
	md_smtp_rstate want;
	int code;
	size_t nlines;
	const char *last;     /* text of the last line */
	const char *esc;
	size_t used;          /* bytes consumed (0: all) */
	bool bare_lf, bad_chars;
};

static const struct rcase cases[] = {
	{"banner", "220 mx.example.com ESMTP\r\n", MD_SMTP_R_DONE, 220, 1, "mx.example.com ESMTP", "", 0, false, false},
	{"code only", "250\r\n", MD_SMTP_R_DONE, 250, 1, "", "", 0, false, false},
	{"multi", "250-mx.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n", MD_SMTP_R_DONE, 250, 3, "STARTTLS", "", 0, false, false},
	{"esc", "554 5.7.1 Service unavailable; client blocked\r\n", MD_SMTP_R_DONE, 554, 1, "5.7.1 Service unavailable; client blocked", "5.7.1", 0, false, false},
	{"esc three digits", "550 5.1.10 RESOLVER.ADR.RecipientNotFound\r\n", MD_SMTP_R_DONE, 550, 1, NULL, "5.1.10", 0, false, false},
	{"not esc", "550 5.7 no\r\n", MD_SMTP_R_DONE, 550, 1, NULL, "", 0, false, false},
	{"bare lf", "220 hi\n", MD_SMTP_R_DONE, 220, 1, "hi", "", 0, true, false},
	{"nul byte", "220 h\0i\r\n", MD_SMTP_R_DONE, 220, 1, NULL, "", 9, false, true},
	{"8bit", "220 h\xc3\xa9llo\r\n", MD_SMTP_R_DONE, 220, 1, NULL, "", 0, false, true},
	{"pipelined", "250 ok\r\n250 ok too\r\n", MD_SMTP_R_DONE, 250, 1, "ok", "", 8, false, false},
	{"partial", "220-first\r\n220-sec", MD_SMTP_R_MORE, 0, 0, NULL, "", 0, false, false},
	{"stall dash", "220-", MD_SMTP_R_MORE, 0, 0, NULL, "", 0, false, false},
	{"code mismatch", "250-a\r\n251 b\r\n", MD_SMTP_R_ERROR, 0, 0, NULL, "", 0, false, false},
	{"no code", "hello\r\n", MD_SMTP_R_ERROR, 0, 0, NULL, "", 0, false, false},
	{"short code", "25\r\n", MD_SMTP_R_ERROR, 0, 0, NULL, "", 0, false, false},
	{"code 1yz", "150 x\r\n", MD_SMTP_R_ERROR, 0, 0, NULL, "", 0, false, false},
	{"code 260", "260 x\r\n", MD_SMTP_R_ERROR, 0, 0, NULL, "", 0, false, false},
	{"bad separator", "250_x\r\n", MD_SMTP_R_ERROR, 0, 0, NULL, "", 0, false, false},
	{"http", "HTTP/1.1 400 Bad Request\r\n", MD_SMTP_R_ERROR, 0, 0, NULL, "", 0, false, false},
};

static md_smtp_rstate feed(md_smtp_rparser *p, const char *in, size_t n, size_t step, size_t *total)
{
	size_t off = 0;
	md_smtp_rstate st = MD_SMTP_R_MORE;

	*total = 0;
	while (off < n) {
		size_t k = n - off < step ? n - off : step, used;

		st = md_smtp_rparse_feed(p, in + off, k, &used);
		*total += used;
		off += used;
		if (st != MD_SMTP_R_MORE)
			break;
		assert_int_equal(used, k);
	}
	return st;
}

static size_t case_len(const struct rcase *c)
{
	/* inputs with a NUL: the length is given in used */
	return strcmp(c->name, "nul byte") == 0 ? 9 : strlen(c->in);
}

static void test_table(void **state)
{
	static const size_t steps[] = {1, 7, 100000};
	size_t i, s;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rcase *c = &cases[i];

		for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
			md_smtp_rparser p;
			size_t used;
			md_smtp_rstate st;

			md_smtp_rparse_init(&p);
			st = feed(&p, c->in, case_len(c), steps[s], &used);
			if (st != c->want) {
				print_error("%s (step %zu): state %d, want %d (%s)\n", c->name, steps[s], st,
				            c->want, p.error ? p.error : "");
				fail();
			}
			if (st == MD_SMTP_R_DONE) {
				md_str last = md_smtp_reply_line(&p.reply, p.reply.nlines - 1);

				assert_int_equal(p.reply.code, c->code);
				assert_int_equal(p.reply.nlines, c->nlines);
				if (c->last != NULL) {
					assert_int_equal(last.n, strlen(c->last));
					assert_memory_equal(last.p, c->last, last.n);
				}
				assert_string_equal(p.reply.esc, c->esc);
				assert_int_equal(used, c->used ? c->used : case_len(c));
				assert_int_equal(p.reply.bare_lf, c->bare_lf);
				assert_int_equal(p.reply.bad_chars, c->bad_chars);
			}
			md_smtp_rparse_free(&p);
		}
	}
}

static void test_limits(void **state)
{
	md_smtp_rparser p;
	char line[MD_SMTP_LINE_HARD_MAX + 16];
	size_t used, i;
	md_smtp_rstate st;

	(void)state;
	/* a line over the hard limit is refused, never buffered further */
	md_smtp_rparse_init(&p);
	memset(line, 'a', sizeof(line));
	memcpy(line, "220 ", 4);
	st = md_smtp_rparse_feed(&p, line, sizeof(line), &used);
	assert_int_equal(st, MD_SMTP_R_ERROR);
	md_smtp_rparse_free(&p);

	/* over the RFC limit but under the hard one: accepted, flagged */
	md_smtp_rparse_init(&p);
	memset(line, 'b', 600);
	memcpy(line, "220 ", 4);
	memcpy(line + 600, "\r\n", 2);
	st = md_smtp_rparse_feed(&p, line, 602, &used);
	assert_int_equal(st, MD_SMTP_R_DONE);
	assert_true(p.reply.overlong);
	md_smtp_rparse_free(&p);

	/* too many lines */
	md_smtp_rparse_init(&p);
	st = MD_SMTP_R_MORE;
	for (i = 0; i < MD_SMTP_REPLY_MAX_LINES + 2 && st == MD_SMTP_R_MORE; i++)
		st = md_smtp_rparse_feed(&p, "250-X\r\n", 7, &used);
	assert_int_equal(st, MD_SMTP_R_ERROR);
	assert_int_equal(i, MD_SMTP_REPLY_MAX_LINES + 1);
	md_smtp_rparse_free(&p);

	/* reset reuses the parser for the next reply */
	md_smtp_rparse_init(&p);
	st = md_smtp_rparse_feed(&p, "250 a\r\n354 b\r\n", 14, &used);
	assert_int_equal(st, MD_SMTP_R_DONE);
	assert_int_equal(used, 7);
	md_smtp_rparse_reset(&p);
	st = md_smtp_rparse_feed(&p, "354 b\r\n", 7, &used);
	assert_int_equal(st, MD_SMTP_R_DONE);
	assert_int_equal(p.reply.code, 354);
	md_smtp_rparse_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
