/*
 * test_mime.c - unit tests of the MIME reader: header fields (raw,
 * unfolded, decoded), RFC 2047, charsets, multipart trees, enclosed
 * messages, delivery-status blocks, limits, line ends and mbox splitting.
 * Every message-level case runs three times: LF, CRLF and bare CR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

#include <cmocka.h>
#include <maildiag/maildiag.h>

#include "core/alloc.h"
#include "mime/mime_internal.h"
#include "eol.h"

/* S with its LF line ends written as EOL ("\n", "\r\n" or "\r"); free it. */
static char *with_eol(const char *s, const char *eol, size_t *len)
{
	char *out = test_with_eol(s, strlen(s), eol, len);

	assert_non_null(out);
	return out;
}

static const char *eols[] = {"\n", "\r\n", "\r"};

static md_message *parse_eol(const char *text, const char *eol, char **buf)
{
	size_t n;
	md_message *m = NULL;

	*buf = with_eol(text, eol, &n);
	assert_int_equal(md_message_parse(*buf, n, NULL, &m), MD_OK);
	assert_non_null(m);
	return m;
}

/* --- header fields --- */

static void test_header_fields(void **state)
{
	const char *msg = "From: Sender <a@example.com>\n"
	                  "Subject: a folded\n"
	                  "\tsubject line\n"
	                  "Received: one\n"
	                  "Received: two\n"
	                  "  continued\n"
	                  "X-Empty:\n"
	                  "\n"
	                  "body line 1\n"
	                  "body line 2\n";
	size_t e;

	(void)state;
	for (e = 0; e < 3; e++) {
		char *buf, want_raw[128];
		md_message *m = parse_eol(msg, eols[e], &buf);
		const md_fields *h = md_part_headers(md_message_root(m));
		const md_header *f;
		size_t bl;
		const char *body;

		assert_int_equal(md_fields_count(h), 5);
		f = md_fields_find(h, "SUBJECT", 0);
		assert_non_null(f);
		assert_string_equal(f->name, "Subject");
		snprintf(want_raw, sizeof(want_raw), "Subject: a folded%s\tsubject line%s", eols[e], eols[e]);
		assert_int_equal(f->raw_len, strlen(want_raw));
		assert_memory_equal(f->raw, want_raw, f->raw_len);
		snprintf(want_raw, sizeof(want_raw), " a folded%s\tsubject line", eols[e]);
		assert_int_equal(f->raw_value_len, strlen(want_raw));
		assert_memory_equal(f->raw_value, want_raw, f->raw_value_len);
		assert_string_equal(f->unfolded, " a folded\tsubject line");
		assert_string_equal(f->value, "a folded\tsubject line");
		assert_int_equal(md_fields_count_name(h, "received"), 2);
		assert_string_equal(md_fields_find(h, "received", 1)->value, "two  continued");
		assert_null(md_fields_find(h, "received", 2));
		assert_string_equal(md_fields_get(h, "x-empty"), "");
		assert_null(md_fields_get(h, "x-missing"));
		body = md_part_raw_body(md_message_root(m), &bl);
		snprintf(want_raw, sizeof(want_raw), "body line 1%sbody line 2%s", eols[e], eols[e]);
		assert_int_equal(bl, strlen(want_raw));
		assert_memory_equal(body, want_raw, bl);
		assert_string_equal(md_part_type(md_message_root(m)), "text/plain");
		assert_int_equal(md_message_defect_count(m), 0);
		md_message_free(m);
		free(buf);
	}
}

static const struct {
	const char *name;
	const char *in;
	const char *want;
} words[] = {
	{"plain", "hello world", "hello world"},
	{"b utf-8", "=?UTF-8?B?w6l0w6k=?=", "\xc3\xa9t\xc3\xa9"},
	{"q latin1", "=?ISO-8859-1?Q?caf=E9_au_lait?=", "caf\xc3\xa9 au lait"},
	{"adjacent words join", "=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab"},
	{"word then text", "=?UTF-8?Q?a?= b", "a b"},
	{"text then word", "Re: =?UTF-8?Q?x?=", "Re: x"},
	{"iso-2022-jp", "=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88"},
	{"shift_jis", "=?Shift_JIS?B?g2WDWINn?=", "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88"},
	{"lower-case encoding and language", "=?utf-8*en?q?hi?=", "hi"},
	{"broken word stays", "=?UTF-8?X?abc?=", "=?UTF-8?X?abc?="},
	{"unterminated", "=?UTF-8?Q?abc", "=?UTF-8?Q?abc"},
	{"unknown charset keeps ascii", "=?x-nonsense?Q?abc?=", "abc"},
};

static void test_encoded_words(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		md_buf b;

		md_buf_init(&b, 4096);
		assert_int_equal(md_decode_words(NULL, &b, words[i].in, strlen(words[i].in)), MD_OK);
		if (b.n != strlen(words[i].want) || memcmp(b.p, words[i].want, b.n) != 0)
			fail_msg("%s: got [%.*s], want [%s]", words[i].name, (int)b.n, b.p, words[i].want);
		md_buf_free(&b);
	}
}

static void test_transfer_decoding(void **state)
{
	static const struct {
		int qp;
		const char *in, *want;
	} cases[] = {
		{0, "aGVsbG8gd29ybGQ=", "hello world"},
		{0, "aGVs\nbG8g\r\nd29y bGQ=", "hello world"},
		{0, "aGk=aGk=", "hihi"},
		{1, "caf=E9 =\nau lait", "caf\xe9 au lait"},
		{1, "soft=\r\nbreak", "softbreak"},
		{1, "soft=  \rbreak", "softbreak"},
		{1, "a=zz=4", "a=zz=4"},
		{1, "=3D", "="},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		md_buf b;

		md_buf_init(&b, 4096);
		if (cases[i].qp)
			assert_int_equal(md_qp_decode(&b, cases[i].in, strlen(cases[i].in)), MD_OK);
		else
			assert_int_equal(md_base64_decode(&b, cases[i].in, strlen(cases[i].in)), MD_OK);
		if (b.n != strlen(cases[i].want) || memcmp(b.p, cases[i].want, b.n) != 0)
			fail_msg("case %zu: got [%.*s], want [%s]", i, (int)b.n, b.p, cases[i].want);
		md_buf_free(&b);
	}
}

/* --- a bounce: nested multipart, delivery-status, enclosed message --- */

static const char dsn[] =
	"From: MAILER-DAEMON@example.net\n"
	"Subject: =?UTF-8?Q?Undelivered_Mail?=\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status;\n"
	"\tboundary=\"B1/x\"\n"
	"\n"
	"preamble\n"
	"--B1/x\n"
	"Content-Type: text/plain; charset=ISO-2022-JP\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"GyRCJUYlOSVIGyhC\n"
	"\n"
	"--B1/x\n"
	"Content-Type: message/delivery-status\n"
	"\n"
	"Reporting-MTA: dns; mx.example.net\n"
	"Arrival-Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
	"\n"
	"Final-Recipient: rfc822; a@example.org\n"
	"Action: failed\n"
	"Status: 5.1.1\n"
	"Diagnostic-Code: smtp; 550 5.1.1 <a@example.org>:\n"
	"    Recipient address rejected\n"
	"\n"
	"Final-Recipient: rfc822; b@example.org\n"
	"Action: delayed\n"
	"Status: 4.2.2\n"
	"\n"
	"--B1/x\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"Message-ID: <orig@example.com>\n"
	"Subject: original\n"
	"Content-Type: multipart/alternative; boundary=inner\n"
	"\n"
	"--inner\n"
	"Content-Type: text/plain; charset=iso-8859-1\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"caf=E9\n"
	"--inner\n"
	"Content-Type: text/html\n"
	"\n"
	"<p>x</p>\n"
	"--inner--\n"
	"\n"
	"--B1/x--\n"
	"epilogue\n";

static void test_bounce_tree(void **state)
{
	size_t e;

	(void)state;
	for (e = 0; e < 3; e++) {
		char *buf;
		md_message *m = parse_eol(dsn, eols[e], &buf);
		const md_mime_part *root = md_message_root(m), *p, *ds, *enc, *inner;
		const md_fields *b;
		size_t n;
		const char *t;

		assert_string_equal(md_part_type(root), "multipart/report");
		assert_string_equal(md_part_param(root, "report-type"), "delivery-status");
		assert_string_equal(md_part_param(root, "boundary"), "B1/x");
		assert_string_equal(md_fields_get(md_part_headers(root), "subject"), "Undelivered Mail");
		assert_int_equal(md_part_child_count(root), 3);
		p = md_part_child(root, 0);
		t = md_part_text(p, &n);
		assert_string_equal(t, "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88");
		ds = md_part_child(root, 1);
		assert_string_equal(md_part_type(ds), "message/delivery-status");
		assert_int_equal(md_part_block_count(ds), 3);
		assert_string_equal(md_fields_get(md_part_block(ds, 0), "reporting-mta"), "dns; mx.example.net");
		b = md_part_block(ds, 1);
		assert_string_equal(md_fields_get(b, "status"), "5.1.1");
		assert_string_equal(md_fields_get(b, "diagnostic-code"),
		                    "smtp; 550 5.1.1 <a@example.org>:    Recipient address rejected");
		assert_string_equal(md_fields_get(md_part_block(ds, 2), "action"), "delayed");
		enc = md_part_child(root, 2);
		assert_string_equal(md_part_type(enc), "message/rfc822");
		assert_int_equal(md_part_child_count(enc), 1);
		inner = md_part_child(enc, 0);
		assert_true(md_part_is_message(inner));
		assert_string_equal(md_fields_get(md_part_headers(inner), "message-id"), "<orig@example.com>");
		assert_string_equal(md_part_type(inner), "multipart/alternative");
		assert_int_equal(md_part_child_count(inner), 2);
		assert_string_equal(md_part_text(md_part_child(inner, 0), NULL), "caf\xc3\xa9");
		assert_string_equal(md_part_type(md_part_child(inner, 1)), "text/html");
		assert_int_equal(md_message_part_count(m), 7);
		/* depth-first walk visits every part once */
		n = 0;
		for (p = root; p != NULL; p = md_part_next(p))
			n++;
		assert_int_equal(n, 7);
		/* the line end before a boundary belongs to the boundary */
		{
			size_t bl;
			const char *body = md_part_raw_body(md_part_child(inner, 1), &bl);

			assert_int_equal(bl, 8);
			assert_memory_equal(body, "<p>x</p>", 8);
		}
		assert_int_equal(md_message_defect_count(m), 0);
		md_message_free(m);
		free(buf);
	}
}

/* A multi-line SMTP reply written into Diagnostic-Code without folding
 * (MessageLabs) continues the field; the block keeps its recipient. */
static void test_dsn_unfolded_lines(void **state)
{
	static const char dsn_unfolded[] =
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
		"\n"
		"--b\n"
		"Content-Type: message/delivery-status\n"
		"\n"
		"Reporting-MTA: dns; mx.example.net\n"
		"\n"
		"Diagnostic-Code: smtp; 550-Please turn on SMTP Authentication.\n"
		"550-mx.example.net [192.0.2.1]:25 is not permitted to\n"
		"550 relay without authentication.\n"
		"Status: 5.0.0\n"
		"Final-Recipient: rfc822; a@example.org\n"
		"--b--\n";
	size_t e;

	(void)state;
	for (e = 0; e < 3; e++) {
		char *buf;
		md_message *m = parse_eol(dsn_unfolded, eols[e], &buf);
		const md_mime_part *ds = md_part_child(md_message_root(m), 0);
		const md_fields *b;

		assert_int_equal(md_part_block_count(ds), 2);
		b = md_part_block(ds, 1);
		assert_string_equal(md_fields_get(b, "diagnostic-code"),
		                    "smtp; 550-Please turn on SMTP Authentication. 550-mx.example.net "
		                    "[192.0.2.1]:25 is not permitted to 550 relay without authentication.");
		assert_string_equal(md_fields_get(b, "status"), "5.0.0");
		assert_string_equal(md_fields_get(b, "final-recipient"), "rfc822; a@example.org");
		assert_int_equal(md_message_defect_count(m), 1);
		md_message_free(m);
		free(buf);
	}
}

static void test_rfc822_headers_and_feedback(void **state)
{
	const char *msg = "Content-Type: multipart/report; report-type=feedback-report; boundary=\"b\"\n"
	                  "\n"
	                  "--b\n"
	                  "Content-Type: message/feedback-report\n"
	                  "\n"
	                  "Feedback-Type: abuse\n"
	                  "User-Agent: test/1.0\n"
	                  "Version: 1\n"
	                  "Source-IP: 192.0.2.1\n"
	                  "\n"
	                  "--b\n"
	                  "Content-Type: text/rfc822-headers\n"
	                  "\n"
	                  "From: a@example.com\n"
	                  "Subject: hi\n"
	                  "--b--\n";
	char *buf;
	md_message *m = parse_eol(msg, "\n", &buf);
	const md_mime_part *root = md_message_root(m), *fr, *rh;

	(void)state;
	fr = md_part_child(root, 0);
	assert_int_equal(md_part_block_count(fr), 1);
	assert_string_equal(md_fields_get(md_part_block(fr, 0), "feedback-type"), "abuse");
	assert_string_equal(md_fields_get(md_part_block(fr, 0), "source-ip"), "192.0.2.1");
	rh = md_part_child(root, 1);
	assert_int_equal(md_part_child_count(rh), 1);
	assert_string_equal(md_fields_get(md_part_headers(md_part_child(rh, 0)), "subject"), "hi");
	md_message_free(m);
	free(buf);
}

/* --- malformed input and limits --- */

static void test_truncated_multipart(void **state)
{
	const char *msg = "Content-Type: multipart/mixed; boundary=zz\n"
	                  "\n"
	                  "--zz\n"
	                  "\n"
	                  "first\n"
	                  "--zz\n"
	                  "Content-Type: text/plain\n"
	                  "\n"
	                  "second, cut off";
	char *buf;
	md_message *m = parse_eol(msg, "\n", &buf);
	const md_mime_part *root = md_message_root(m);
	const char *id;
	size_t bl;

	(void)state;
	assert_int_equal(md_part_child_count(root), 2);
	md_part_raw_body(md_part_child(root, 1), &bl);
	assert_int_equal(bl, strlen("second, cut off"));
	assert_int_equal(md_message_defect_count(m), 1);
	md_message_defect(m, 0, &id);
	assert_string_equal(id, "mime.boundary_unclosed");
	md_message_free(m);
	free(buf);
}

static void test_depth_limit(void **state)
{
	md_buf b;
	md_message *m;
	md_mime_opts o = {0};
	size_t i, d = 0;
	const md_mime_part *p;
	const char *id;
	md_report *r;

	(void)state;
	md_buf_init(&b, 1 << 20);
	for (i = 0; i < 50; i++)
		md_buf_printf(&b, "Content-Type: multipart/mixed; boundary=b%zu\n\n--b%zu\n", i, i);
	md_buf_puts(&b, "\nleaf\n");
	o.limits.max_depth = 10;
	assert_int_equal(md_message_parse(b.p, b.n, &o, &m), MD_OK);
	for (p = md_message_root(m); p != NULL; p = md_part_next(p))
		if (md_part_depth(p) > d)
			d = md_part_depth(p);
	assert_int_equal(d, 10);
	assert_true(md_message_defect_count(m) >= 1);
	for (i = 0; i < md_message_defect_count(m); i++) {
		md_message_defect(m, i, &id);
		if (strcmp(id, "mime.depth_limit") == 0)
			break;
	}
	assert_true(i < md_message_defect_count(m));
	r = md_report_new("test", "x");
	assert_int_equal(md_message_report_defects(m, r, "x.eml"), MD_OK);
	assert_non_null(md_report_find(r, "mime.depth_limit"));
	assert_int_equal(md_report_find(r, "mime.depth_limit")->severity, MD_SEV_WARNING);
	md_report_free(r);
	md_message_free(m);
	md_buf_free(&b);
}

static void test_part_limit(void **state)
{
	md_buf b;
	md_message *m;
	md_mime_opts o = {0};
	size_t i;

	(void)state;
	md_buf_init(&b, 1 << 20);
	md_buf_puts(&b, "Content-Type: multipart/mixed; boundary=b\n\n");
	for (i = 0; i < 100; i++)
		md_buf_puts(&b, "--b\n\nx\n");
	md_buf_puts(&b, "--b--\n");
	o.limits.max_parts = 20;
	assert_int_equal(md_message_parse(b.p, b.n, &o, &m), MD_OK);
	assert_int_equal(md_message_part_count(m), 20);
	assert_int_equal(md_part_child_count(md_message_root(m)), 19);
	md_message_free(m);
	o.limits.max_parts = 0;
	o.limits.max_message_bytes = 10;
	assert_int_equal(md_message_parse(b.p, b.n, &o, &m), MD_ELIMIT);
	md_buf_free(&b);
}

static void test_no_blank_line(void **state)
{
	const char *msg = "Subject: x\nthis is body text\nmore\n";
	char *buf;
	md_message *m = parse_eol(msg, "\n", &buf);
	size_t bl;
	const char *body = md_part_raw_body(md_message_root(m), &bl);

	(void)state;
	assert_int_equal(md_fields_count(md_part_headers(md_message_root(m))), 1);
	assert_int_equal(bl, strlen("this is body text\nmore\n"));
	assert_memory_equal(body, "this is body", 12);
	md_message_free(m);
	free(buf);
}

static void test_garbage_never_crashes(void **state)
{
	static const char *inputs[] = {
		"", ":", "\n\n\n", "Content-Type: multipart/mixed; boundary=\"\n\n--\n",
		"Content-Type: message/rfc822\n\n", "Content-Type: message/delivery-status\n\n\n\nx\n",
		"Content-Type: /\n\n", "Content-Type: multipart/x; boundary*0*=us-ascii''a%62; x\n\n--ab\n\n--ab--\n",
		"Subject: =?=?=?\n\n", "\t\tfolded first\n\nbody",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		md_message *m;
		const md_mime_part *p;

		assert_int_equal(md_message_parse(inputs[i], strlen(inputs[i]), NULL, &m), MD_OK);
		for (p = md_message_root(m); p != NULL; p = md_part_next(p)) {
			md_part_text(p, NULL);
			(void)md_part_type(p);
		}
		md_message_free(m);
	}
}

static void test_rfc2231_boundary(void **state)
{
	const char *msg = "Content-Type: multipart/x; boundary*0*=us-ascii''a%62; x=1\n\n--ab\n\nhi\n--ab--\n";
	md_message *m;

	(void)state;
	assert_int_equal(md_message_parse(msg, strlen(msg), NULL, &m), MD_OK);
	assert_string_equal(md_part_param(md_message_root(m), "boundary"), "ab");
	assert_int_equal(md_part_child_count(md_message_root(m)), 1);
	md_message_free(m);
}

static void test_out_of_memory(void **state)
{
	long k;

	(void)state;
	/* fail each allocation in turn: MD_ENOMEM, never a crash or a leak */
	for (k = 0; k < 400; k++) {
		md_message *m = NULL;
		md_status st;

		md_alloc_fail_after(k);
		st = md_message_parse(dsn, strlen(dsn), NULL, &m);
		if (st == MD_OK) {
			const md_mime_part *p;

			for (p = md_message_root(m); p != NULL; p = md_part_next(p))
				md_part_text(p, NULL);
			md_message_free(m);
		} else
			assert_int_equal(st, MD_ENOMEM);
		md_alloc_fail_after(-1);
	}
}

/* --- inputs --- */

static void test_mbox_split(void **state)
{
	const char *mbox = "From a@example.com Mon Jan  1 00:00:00 2024\n"
	                   "Subject: one\n"
	                   "\n"
	                   ">From the body\n"
	                   ">>From deeper\n"
	                   "From here without a date\n"
	                   "\n"
	                   "From b@example.com Tue Jan  2 00:00:00 2024\n"
	                   "Subject: two\n"
	                   "\n"
	                   "second\n";
	size_t e;

	(void)state;
	for (e = 0; e < 3; e++) {
		size_t n, off = 0, ml, k = 0;
		char *buf = with_eol(mbox, eols[e], &n), *msg;
		md_source *s = md_source_new(NULL);
		md_source_item it;
		char want[256];

		assert_int_equal(md_mbox_next(buf, n, &off, &msg, &ml), 1);
		snprintf(want, sizeof(want), "Subject: one%s%sFrom the body%s>From deeper%sFrom here without a date%s%s",
		         eols[e], eols[e], eols[e], eols[e], eols[e], eols[e]);
		assert_int_equal(ml, strlen(want));
		assert_memory_equal(msg, want, ml);
		md_free(msg);
		assert_int_equal(md_mbox_next(buf, n, &off, &msg, &ml), 1);
		assert_memory_equal(msg, "Subject: two", 12);
		md_free(msg);
		assert_int_equal(md_mbox_next(buf, n, &off, &msg, &ml), 0);
		/* the same through a source */
		md_source_add_buffer(s, "box", buf, n);
		md_source_add(s, "/nonexistent/file.eml");
		md_source_add_buffer(s, "single", "Subject: x\n\nhi\n", 15);
		while (md_source_next(s, &it)) {
			k++;
			if (k <= 2) {
				assert_string_equal(it.file, "box");
				assert_int_equal(it.index, k);
				assert_non_null(it.data);
			} else if (k == 3) {
				assert_null(it.data);
				assert_int_equal(it.status, MD_ENOTFOUND);
				assert_string_equal(it.file, "/nonexistent/file.eml");
			} else {
				assert_string_equal(it.file, "single");
				assert_int_equal(it.len, 15);
			}
		}
		assert_int_equal(k, 4);
		assert_int_equal(md_source_errors(s), 1);
		md_source_free(s);
		free(buf);
	}
}

static void test_maildir(void **state)
{
	char dir[] = "/tmp/md_mime_test_XXXXXX", path[512];
	const char *subs[] = {"cur", "new", "tmp"};
	md_source *s;
	md_source_item it;
	size_t i, k = 0;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
		assert_int_equal(mkdir(path, 0700), 0);
		snprintf(path, sizeof(path), "%s/%s/1.host:2,S", dir, subs[i]);
		f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "Subject: %s\n\nbody\n", subs[i]);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/cur/.hidden", dir);
	f = fopen(path, "w");
	fputs("x", f);
	fclose(f);
	s = md_source_new(NULL);
	md_source_add(s, dir);
	while (md_source_next(s, &it)) {
		assert_non_null(it.data);
		assert_null(strstr(it.data, "tmp"));
		k++;
	}
	assert_int_equal(k, 2);
	md_source_free(s);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s/1.host:2,S", dir, subs[i]);
		unlink(path);
		if (i == 0) {
			snprintf(path, sizeof(path), "%s/cur/.hidden", dir);
			unlink(path);
		}
		snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
		rmdir(path);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_encoded_words),
		cmocka_unit_test(test_transfer_decoding),
		cmocka_unit_test(test_bounce_tree),
		cmocka_unit_test(test_dsn_unfolded_lines),
		cmocka_unit_test(test_rfc822_headers_and_feedback),
		cmocka_unit_test(test_truncated_multipart),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_part_limit),
		cmocka_unit_test(test_no_blank_line),
		cmocka_unit_test(test_garbage_never_crashes),
		cmocka_unit_test(test_rfc2231_boundary),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_mbox_split),
		cmocka_unit_test(test_maildir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
