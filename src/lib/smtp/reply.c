/*
 * reply.c - incremental SMTP reply parser (grammar and limits in reply.h).
 *
 * Bytes are collected into the current line until LF; each finished line
 * is checked (code, separator, code continuity) and its text appended to
 * the reply. The reply is complete at the first line whose separator is
 * SP or nothing.
 */
#include "reply.h"

#include <string.h>

#include "core/ascii.h"

void md_smtp_rparse_init(md_smtp_rparser *p)
{
	memset(p, 0, sizeof(*p));
	md_buf_init(&p->line, MD_SMTP_LINE_HARD_MAX);
	md_buf_init(&p->reply.text, MD_SMTP_REPLY_MAX_BYTES);
	md_buf_init(&p->reply.raw, MD_SMTP_REPLY_MAX_BYTES);
}

void md_smtp_rparse_free(md_smtp_rparser *p)
{
	md_buf_free(&p->line);
	md_buf_free(&p->reply.text);
	md_buf_free(&p->reply.raw);
}

void md_smtp_rparse_reset(md_smtp_rparser *p)
{
	md_smtp_reply *r = &p->reply;

	md_buf_reset(&p->line);
	md_buf_reset(&r->text);
	md_buf_reset(&r->raw);
	r->code = 0;
	r->esc[0] = '\0';
	r->nlines = 0;
	r->overlong = r->bare_lf = r->bad_chars = false;
	p->total = 0;
	p->state = MD_SMTP_R_MORE;
	p->error = NULL;
}

md_str md_smtp_reply_line(const md_smtp_reply *r, size_t i)
{
	if (i >= r->nlines)
		return MD_STR_NULL;
	return (md_str){r->text.p + r->off[i], r->len[i]};
}

/* up to 3 digits, no leading zeros required or forbidden; value <= 999 */
static size_t digits(const char *p, size_t n, size_t i, size_t maxd)
{
	size_t j = i;

	while (j < n && j - i < maxd && md_isdigit(p[j]))
		j++;
	return j - i;
}

size_t md_smtp_parse_esc(md_str s, char *out, size_t outlen)
{
	size_t i = 0, d;

	/* RFC 3463 section 2: status-code = class "." subject "." detail,
	 * class = "2" / "4" / "5", subject and detail = 1*3digit */
	if (s.n < 5 || (s.p[0] != '2' && s.p[0] != '4' && s.p[0] != '5') || s.p[1] != '.')
		return 0;
	i = 2;
	d = digits(s.p, s.n, i, 3);
	if (d == 0 || i + d >= s.n || s.p[i + d] != '.')
		return 0;
	i += d + 1;
	d = digits(s.p, s.n, i, 3);
	if (d == 0)
		return 0;
	i += d;
	/* must end the word: "5.7.1 text" or "5.7.1" at the end */
	if (i < s.n && !md_iswsp(s.p[i]))
		return 0;
	if (outlen <= i)
		return 0;
	memcpy(out, s.p, i);
	out[i] = '\0';
	return i;
}

static md_smtp_rstate fail(md_smtp_rparser *p, const char *msg)
{
	p->state = MD_SMTP_R_ERROR;
	p->error = msg;
	return p->state;
}

/* A complete line L/N (without its line end) of the reply. */
static md_smtp_rstate end_line(md_smtp_rparser *p, const char *l, size_t n)
{
	md_smtp_reply *r = &p->reply;
	int code;
	size_t i, start;
	bool last;

	if (n < 3 || !md_isdigit(l[0]) || !md_isdigit(l[1]) || !md_isdigit(l[2]))
		return fail(p, "reply line does not start with a three-digit code");
	if (l[0] < '2' || l[0] > '5' || l[1] > '5')
		return fail(p, "reply code out of range (RFC 5321 4.2: 2yz to 5yz)");
	code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
	if (n == 3)
		last = true;
	else if (l[3] == ' ')
		last = true;
	else if (l[3] == '-')
		last = false;
	else
		return fail(p, "reply code not followed by space, '-' or end of line");
	if (r->nlines > 0 && code != r->code)
		return fail(p, "continuation line with a different reply code");
	if (r->nlines == MD_SMTP_REPLY_MAX_LINES)
		return fail(p, "too many lines in one reply");
	r->code = code;
	start = n > 3 ? 4 : 3;
	for (i = start; i < n; i++) {
		unsigned char c = (unsigned char)l[i];

		if (!(c == '\t' || (c >= 32 && c <= 126)))
			r->bad_chars = true;
	}
	if ((r->nlines > 0 && md_buf_putc(&r->text, '\n') != MD_OK) ||
	    md_buf_append(&r->text, l + start, n - start) != MD_OK)
		return fail(p, r->text.err == MD_ENOMEM ? "out of memory" : "reply too large");
	r->off[r->nlines] = r->text.n - (n - start);
	r->len[r->nlines] = n - start;
	if (r->nlines == 0)
		md_smtp_parse_esc((md_str){l + start, n - start}, r->esc, sizeof(r->esc));
	r->nlines++;
	if (last) {
		p->state = MD_SMTP_R_DONE;
		return p->state;
	}
	return MD_SMTP_R_MORE;
}

md_smtp_rstate md_smtp_rparse_feed(md_smtp_rparser *p, const char *data, size_t n,
                                   size_t *used)
{
	size_t i = 0;

	*used = 0;
	if (p->state != MD_SMTP_R_MORE)
		return p->state;
	while (i < n) {
		const char *nl = memchr(data + i, '\n', n - i);
		size_t take = nl ? (size_t)(nl - (data + i)) + 1 : n - i;
		md_smtp_rstate st;
		size_t len;

		if (p->total + take > MD_SMTP_REPLY_MAX_BYTES) {
			*used = i;
			return fail(p, "reply too large");
		}
		if (md_buf_append(&p->reply.raw, data + i, take) != MD_OK) {
			*used = i;
			return fail(p, p->reply.raw.err == MD_ENOMEM ? "out of memory" : "reply too large");
		}
		if (md_buf_append(&p->line, data + i, take) != MD_OK) {
			*used = i;
			return fail(p, p->line.err == MD_ENOMEM ? "out of memory" : "reply line too long");
		}
		p->total += take;
		i += take;
		if (nl == NULL)
			break;
		/* a whole line with its LF is in p->line */
		len = p->line.n - 1;
		if (len > 0 && p->line.p[len - 1] == '\r')
			len--;
		else
			p->reply.bare_lf = true;
		if (p->line.n > MD_SMTP_LINE_RFC_MAX)
			p->reply.overlong = true;
		st = end_line(p, p->line.p, len);
		md_buf_reset(&p->line);
		if (st != MD_SMTP_R_MORE) {
			*used = i;
			return st;
		}
	}
	*used = i;
	return MD_SMTP_R_MORE;
}
