/*
 * readers.c - the standard notices: RFC 3464 delivery status
 * notifications, RFC 5965 feedback reports, RFC 3834 auto-replies, and
 * the returned original message they carry.
 *
 * RFC 3464 section 2: a message/delivery-status body is a per-message
 * block then per-recipient blocks:
 *     per-message   = [original-envelope-id] reporting-mta
 *                     [dsn-gateway] [received-from-mta] [arrival-date]
 *     per-recipient = [original-recipient] final-recipient action status
 *                     [remote-mta] [diagnostic-code] [last-attempt-date] ...
 *     final-recipient = "Final-Recipient" ":" address-type ";" address
 *     diagnostic-code = "Diagnostic-Code" ":" diagnostic-type ";" *text
 * Real DSNs omit the blank line between the blocks, repeat fields, put
 * "<>" around addresses and leave the address-type out: all accepted.
 */
#include "bounce_internal.h"

#include <string.h>

#include "core/ascii.h"
#include "core/buf.h"

/* --- small helpers --- */

/* "rfc822; <a@b>" -> "a@b" (an arena copy), "" when there is none. */
static const char *field_address(md_bounce *b, const char *v)
{
	size_t s, l;
	const char *semi;

	if (v == NULL)
		return "";
	semi = strchr(v, ';');
	if (semi != NULL)
		v = semi + 1;
	if (!text_find_address(v, strlen(v), &s, &l)) {
		/* an address without a domain ("root"): keep the token */
		md_str t = md_str_trim(md_str_c(v));

		while (t.n > 0 && (t.p[0] == '<'))
			t.p++, t.n--;
		while (t.n > 0 && (t.p[t.n - 1] == '>'))
			t.n--;
		if (t.n == 0 || memchr(t.p, ' ', t.n) != NULL)
			return "";
		return bounce_strn(b, t.p, t.n);
	}
	return bounce_strn(b, v + s, l);
}

/* "dns; mx.example.com" -> "mx.example.com". */
static const char *field_host(md_bounce *b, const char *v)
{
	const char *semi;
	md_str t;
	size_t k = 0;

	if (v == NULL)
		return "";
	semi = strchr(v, ';');
	if (semi != NULL)
		v = semi + 1;
	t = md_str_trim(md_str_c(v));
	if (t.n > 0 && t.p[0] == '[') {
		/* an address literal: keep it as written */
		while (k < t.n && t.p[k] != ']')
			k++;
		return bounce_strn(b, t.p + 1, k > 0 ? k - 1 : 0);
	}
	while (k < t.n && !md_isspace(t.p[k]) && t.p[k] != '(' && t.p[k] != '[')
		k++;
	while (k > 0 && t.p[k - 1] == '.')
		k--;
	return bounce_strn(b, t.p, k);
}

static const char *lower_word(md_bounce *b, const char *v)
{
	md_str t = md_str_trim(md_str_c(v ? v : ""));
	size_t k = 0;
	char *s;

	while (k < t.n && !md_isspace(t.p[k]) && t.p[k] != '(' && t.p[k] != ';')
		k++;
	s = (char *)bounce_strn(b, t.p, k);
	if (s != NULL)
		for (k = 0; s[k]; k++)
			s[k] = (char)md_tolower(s[k]);
	return s;
}

/* The text of the notice's paragraph about ADDR: from the line naming it
 * to the next blank line (at most a few lines). Lines end in LF, CRLF or
 * CR (RFC 5322 says CRLF; files on disk use any of the three). */
static bool paragraph_about(const char *t, size_t tn, size_t from, const char *addr, size_t *ps,
                            size_t *pl)
{
	size_t al = strlen(addr), i, j;
	char lower[1024]; /* longer than any address (RFC 5321: 256) */
	const char *at;

	if (al == 0 || al > sizeof(lower) || t == NULL || from > tn)
		return false;
	for (j = 0; j < al; j++)
		lower[j] = (char)md_tolower(addr[j]);
	at = md_ifind(t + from, tn - from, lower, al);
	if (at != NULL) {
		size_t s, e, lines = 0;

		i = (size_t)(at - t);
		s = i;
		while (s > 0 && t[s - 1] != '\n' && t[s - 1] != '\r')
			s--;
		e = i;
		while (e < tn && lines < 12) {
			size_t ls = e, as, alen;

			/* lines end in LF, CRLF or a lone CR */
			while (e < tn && t[e] != '\n' && t[e] != '\r')
				e++;
			/* a later line about another address ends the paragraph */
			if (lines > 0 && text_find_address(t + ls, e - ls, &as, &alen) &&
			    !(alen == al && md_str_ieq((md_str){t + ls + as, alen}, (md_str){addr, al}))) {
				e = ls;
				break;
			}
			if (e < tn) {
				if (t[e] == '\r' && e + 1 < tn && t[e + 1] == '\n')
					e++;
				e++;
			}
			lines++;
			/* stop after a blank line that follows some text */
			if (md_str_trim((md_str){t + ls, e - ls}).n == 0 && lines > 1)
				break;
		}
		*ps = s;
		*pl = e - s;
		return true;
	}
	return false;
}

/* --- the notice's text --- */

static bool inside_enclosed(const md_mime_part *p)
{
	for (p = md_part_parent(p); p != NULL; p = md_part_parent(p))
		if (md_part_is_message(p) && md_part_parent(p) != NULL)
			return true;
	return false;
}

/* Reduce HTML to text: drop tags, keep line structure at block tags. */
static const char *html_to_text(md_bounce *b, const char *p, size_t n, size_t *outlen)
{
	char *o = md_arena_alloc(b->arena, n + 1);
	size_t i, k = 0;
	bool tag = false;

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (c == '<') {
			tag = true;
			if (i + 3 < n && (md_tolower(p[i + 1]) == 'b' || md_tolower(p[i + 1]) == 'p' ||
			                  md_tolower(p[i + 1]) == 'd' || md_tolower(p[i + 1]) == 't' ||
			                  p[i + 1] == '/'))
				o[k++] = '\n';
			continue;
		}
		if (c == '>' && tag) {
			tag = false;
			continue;
		}
		if (tag)
			continue;
		if (c == '&' && i + 5 < n && memcmp(p + i, "&nbsp;", 6) == 0) {
			o[k++] = ' ';
			i += 5;
			continue;
		}
		if (c == '&' && i + 3 < n && memcmp(p + i, "&lt;", 4) == 0) {
			o[k++] = '<';
			i += 3;
			continue;
		}
		if (c == '&' && i + 3 < n && memcmp(p + i, "&gt;", 4) == 0) {
			o[k++] = '>';
			i += 3;
			continue;
		}
		if (c == '&' && i + 4 < n && memcmp(p + i, "&amp;", 5) == 0) {
			o[k++] = '&';
			i += 4;
			continue;
		}
		o[k++] = c;
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

static const char *find_notice_text(md_bounce *b, const md_message *m, size_t *len,
                                    const md_mime_part **part);

/* Every reader asks for the notice's text: decoded and converted once. */
const char *notice_text(md_bounce *b, const md_message *m, size_t *len,
                        const md_mime_part **part)
{
	if (!b->notice_known) {
		b->notice = find_notice_text(b, m, &b->notice_len, &b->notice_part);
		if (b->notice == NULL)
			return NULL; /* out of memory: not cached, asked again */
		b->notice_known = true;
	}
	*len = b->notice_len;
	if (part)
		*part = b->notice_part;
	return b->notice;
}

static const char *find_notice_text(md_bounce *b, const md_message *m, size_t *len,
                                    const md_mime_part **part)
{
	const md_mime_part *p, *html = NULL;

	*len = 0;
	if (part)
		*part = NULL;
	for (p = md_message_root(m); p != NULL; p = md_part_next(p)) {
		const char *t = md_part_type(p);

		if (md_part_child_count(p) > 0 || inside_enclosed(p))
			continue;
		if (strcmp(t, "text/plain") == 0) {
			if (part)
				*part = p;
			return md_part_text(p, len);
		}
		if (html == NULL && strcmp(t, "text/html") == 0)
			html = p;
	}
	if (html != NULL) {
		size_t n;
		const char *t = md_part_text(html, &n);

		if (part)
			*part = html;
		return t ? html_to_text(b, t, n, len) : NULL;
	}
	/* a single-part message of another type: its body as text */
	p = md_message_root(m);
	if (md_part_child_count(p) == 0) {
		if (part)
			*part = p;
		return md_part_text(p, len);
	}
	return "";
}

/* --- RFC 3464 --- */

/* Paragraphs of the notice about one recipient (the list of failed
 * addresses, then the transcript) are read together, at most this many. */
#define MD_DSN_MAX_PARAGRAPHS 4

static void fill_from_text(md_bounce *b, bounce_rec *rec, const char *t, size_t tn)
{
	size_t ps, pl, from = 0, k;
	char buf[256];
	const char *cmd, *para;
	md_buf all;

	md_buf_init(&all, MD_BOUNCE_MAX_DIAG * 2);
	for (k = 0; k < MD_DSN_MAX_PARAGRAPHS && paragraph_about(t, tn, from, rec->r.recipient, &ps, &pl); k++) {
		if (all.n > 0)
			md_buf_putc(&all, ' ');
		md_buf_append(&all, t + ps, pl);
		from = ps + (pl > 0 ? pl : 1);
	}
	if (all.n == 0) {
		md_buf_free(&all);
		return;
	}
	/* one line, so that phrases folded across lines are found */
	para = text_one_line(b, all.p, all.n);
	md_buf_free(&all);
	if (para == NULL)
		return;
	if (rec->r.diagnostic[0] == '\0') {
		/* completing the record reads the command and host from it */
		rec->r.diagnostic = para;
		return;
	}
	if (rec->r.smtpcommand[0] == '\0' && (cmd = text_find_command(para, strlen(para))) != NULL)
		rec->r.smtpcommand = cmd;
	if (rec->r.rhost[0] == '\0' && text_find_rhost(para, strlen(para), buf, sizeof(buf)))
		rec->r.rhost = bounce_strn(b, buf, strlen(buf));
}

/* The value of the first field NAME among fields [S, E) of F, or NULL. */
static const char *group_get(const md_fields *f, size_t s, size_t e, const char *name)
{
	size_t i;

	for (i = s; i < e; i++) {
		const md_header *h = md_fields_at(f, i);

		if (md_str_ieq_c(md_str_c(h->name), name))
			return h->value;
	}
	return NULL;
}

static bool field_is(const md_fields *f, size_t i, const char *name)
{
	return md_str_ieq_c(md_str_c(md_fields_at(f, i)->name), name);
}

/* One record from the fields [S, E) of a per-recipient block. */
static md_status dsn_record(md_bounce *b, const md_message *m, const md_fields *f, size_t s,
                            size_t e, const char **text, size_t *tn)
{
	const char *fr = group_get(f, s, e, "final-recipient");
	const char *orr = group_get(f, s, e, "original-recipient");
	const char *v, *xr;
	bounce_rec *rec;
	char code[16];

	if (fr == NULL)
		fr = group_get(f, s, e, "x-actual-recipient");
	if (fr == NULL && orr == NULL)
		return MD_OK;
	rec = bounce_add(b);
	if (rec == NULL)
		return MD_ENOMEM;
	rec->r.recipient = field_address(b, fr ? fr : orr);
	if ((rec->r.recipient[0] == '\0' || rec->r.recipient[0] == '@') && orr != NULL)
		rec->r.recipient = field_address(b, orr);
	/* X-Actual-Recipient of a pipe or file is not an address */
	xr = group_get(f, s, e, "x-actual-recipient");
	if (xr != NULL && strchr(xr, '|') != NULL)
		rec->r.diagnostic_type = "X-UNIX";
	rec->r.action = lower_word(b, group_get(f, s, e, "action"));
	v = group_get(f, s, e, "status");
	if (v != NULL && text_find_status(v, strlen(v), code, sizeof(code))) {
		const char *open = strchr(v, '('), *close = open ? strchr(open, ')') : NULL;

		rec->r.status = bounce_strn(b, code, strlen(code));
		if (open != NULL && close != NULL && close > open + 1)
			rec->status_comment = bounce_strn(b, open + 1, (size_t)(close - open - 1));
	}
	rec->r.rhost = field_host(b, group_get(f, s, e, "remote-mta"));
	v = group_get(f, s, e, "diagnostic-code");
	if (v != NULL) {
		const char *semi = strchr(v, ';');
		size_t tl = semi ? (size_t)(semi - v) : 0;

		if (semi != NULL && tl < 32 && memchr(v, ' ', tl) == NULL) {
			char *dt = (char *)bounce_strn(b, v, tl);
			size_t k;

			for (k = 0; dt && dt[k]; k++)
				dt[k] = (char)md_toupper(dt[k]);
			if (rec->r.diagnostic_type[0] == '\0' && dt != NULL)
				rec->r.diagnostic_type = dt;
			v = semi + 1;
		}
		rec->r.diagnostic = text_one_line(b, v, strlen(v));
		if (rec->r.diagnostic == NULL)
			return MD_ENOMEM;
	}
	if (rec->r.lhost[0] == '\0' && b->lhost != NULL)
		rec->r.lhost = b->lhost;
	if (*text == NULL)
		*text = notice_text(b, m, tn, NULL);
	if (*text != NULL)
		fill_from_text(b, rec, *text, *tn);
	return MD_OK;
}

static md_status dsn_parts(md_bounce *b, const md_message *m, bool enclosed_too, bool *found)
{
	const md_mime_part *p;
	const char *text = NULL;
	size_t tn = 0;
	md_status st;

	for (p = md_message_root(m); p != NULL; p = md_part_next(p)) {
		const char *t = md_part_type(p);
		size_t i, before = b->n;

		if (strcmp(t, "message/delivery-status") != 0 &&
		    strcmp(t, "message/global-delivery-status") != 0)
			continue;
		if (!enclosed_too && inside_enclosed(p))
			continue; /* a DSN about a DSN: only the outer one counts */
		for (i = 0; i < md_part_block_count(p) && b->lhost == NULL; i++) {
			const char *rm = md_fields_get(md_part_block(p, i), "reporting-mta");

			if (rm != NULL)
				b->lhost = field_host(b, rm);
		}
		for (i = 0; i < md_part_block_count(p); i++) {
			const md_fields *f = md_part_block(p, i);
			size_t n = md_fields_count(f), k, start = 0;
			bool has_final = false, has_orig = false;

			/* a block may hold several recipients without blank lines
			 * between them: a second Final-Recipient starts a new one */
			for (k = 0; k < n; k++) {
				bool fin = field_is(f, k, "final-recipient");
				bool orig = field_is(f, k, "original-recipient");

				if ((fin && has_final) || (orig && has_orig && has_final)) {
					size_t cut = k;

					if (fin && k > start && field_is(f, k - 1, "original-recipient") && has_orig &&
					    k - 1 > start)
						cut = k - 1;
					st = dsn_record(b, m, f, start, cut, &text, &tn);
					if (st != MD_OK)
						return st;
					start = cut;
					has_final = false;
					has_orig = cut < k;
				}
				has_final |= fin;
				has_orig |= orig;
			}
			st = dsn_record(b, m, f, start, n, &text, &tn);
			if (st != MD_OK)
				return st;
		}
		if (b->n > before)
			*found = true;
	}
	return MD_OK;
}

md_status read_dsn(md_bounce *b, const md_message *m, bool *found)
{
	md_status st;

	*found = false;
	st = dsn_parts(b, m, false, found);
	/* a notice that forwards the DSN as an attachment */
	if (st == MD_OK && !*found)
		st = dsn_parts(b, m, true, found);
	if (*found)
		b->format = "rfc3464";
	return st;
}

/* --- RFC 5965 --- */

md_status read_arf(md_bounce *b, const md_message *m, bool *found)
{
	const md_mime_part *p, *orig = NULL;
	const md_fields *fr = NULL;

	*found = false;
	for (p = md_message_root(m); p != NULL; p = md_part_next(p)) {
		if (strcmp(md_part_type(p), "message/feedback-report") == 0 && fr == NULL &&
		    md_part_block_count(p) > 0)
			fr = md_part_block(p, 0);
		if (md_part_is_message(p) && md_part_parent(p) != NULL && orig == NULL)
			orig = p;
	}
	if (fr == NULL) {
		/* "ARF-like" reports that put the fields in a text part */
		size_t tn;
		const char *t = notice_text(b, m, &tn, NULL);

		if (t == NULL || tn == 0)
			return MD_OK;
		if (strstr(t, "Feedback-Type:") == NULL)
			return MD_OK;
		{
			md_message *fm;
			const char *ft = strstr(t, "Feedback-Type:");
			md_status st = md_message_parse(ft, tn - (size_t)(ft - t), NULL, &fm);
			const md_fields *ff;
			bounce_rec *rec;
			const char *v;

			if (st != MD_OK)
				return st;
			ff = md_part_headers(md_message_root(fm));
			rec = bounce_add(b);
			if (rec == NULL) {
				md_message_free(fm);
				return MD_ENOMEM;
			}
			v = md_fields_get(ff, "feedback-type");
			rec->r.feedback_type = lower_word(b, v);
			rec->r.source_ip = field_host(b, md_fields_get(ff, "source-ip"));
			v = md_fields_get(ff, "original-mail-from");
			if (v != NULL)
				rec->r.addresser = field_address(b, v);
			v = md_fields_get(ff, "original-rcpt-to");
			if (v != NULL)
				rec->r.recipient = field_address(b, v);
			rec->hint = "feedback";
			md_message_free(fm);
			*found = true;
			b->kind = MD_BOUNCE_FEEDBACK;
			b->format = "arf";
			return MD_OK;
		}
	}
	{
		size_t nrcpt = md_fields_count_name(fr, "original-rcpt-to"), i;
		const char *ftype = lower_word(b, md_fields_get(fr, "feedback-type"));
		const char *sip = field_host(b, md_fields_get(fr, "source-ip"));
		const char *omf = md_fields_get(fr, "original-mail-from");
		const char *rmta = md_fields_get(fr, "reporting-mta");
		const char *addresser = omf ? field_address(b, omf) : "";
		const char *fallback_rcpt = "";

		if (orig != NULL) {
			const char *to = md_fields_get(md_part_headers(orig), "to");

			if (to != NULL)
				fallback_rcpt = field_address(b, to);
			if (addresser[0] == '\0') {
				const char *from = md_fields_get(md_part_headers(orig), "from");

				if (from != NULL)
					addresser = field_address(b, from);
			}
		}
		for (i = 0; i < (nrcpt > 0 ? nrcpt : 1); i++) {
			bounce_rec *rec = bounce_add(b);
			const md_header *h = md_fields_find(fr, "original-rcpt-to", i);

			if (rec == NULL)
				return MD_ENOMEM;
			rec->r.recipient = h ? field_address(b, h->value) : fallback_rcpt;
			if (rec->r.recipient[0] == '\0')
				rec->r.recipient = fallback_rcpt;
			rec->r.feedback_type = ftype;
			rec->r.source_ip = sip;
			rec->r.addresser = addresser;
			rec->r.diagnostic = text_one_line(b, md_fields_get(fr, "user-agent") ? md_fields_get(fr, "user-agent") : "", strlen(md_fields_get(fr, "user-agent") ? md_fields_get(fr, "user-agent") : ""));
			if (rmta != NULL)
				rec->r.lhost = field_host(b, rmta);
			rec->hint = "feedback";
		}
	}
	*found = true;
	b->kind = MD_BOUNCE_FEEDBACK;
	b->format = "arf";
	return MD_OK;
}

/* --- RFC 3834 --- */

/* Subject prefixes of auto-replies, lowercase. */
static const char *const autoreply_subjects[] = {
	"auto:", "automatic reply", "autoreply", "auto-reply", "auto reply", "out of office",
	"out of the office", "away from the office", "on vacation", "vacation reply",
	"abwesenheitsnotiz", "absence", "automatische antwort", "r\xc3\xa9ponse automatique",
	"\xe8\x87\xaa\xe5\x8b\x95\xe5\xbf\x9c\xe7\xad\x94", /* 自動応答 */
	"\xe4\xb8\x8d\xe5\x9c\xa8", /* 不在 */
};

md_status read_autoreply(md_bounce *b, const md_message *m, bool *found)
{
	const md_fields *h = md_part_headers(md_message_root(m));
	const char *as = md_fields_get(h, "auto-submitted");
	const char *subj = md_fields_get(h, "subject");
	bool yes = false;
	bounce_rec *rec;
	size_t i;

	*found = false;
	/* RFC 3834 section 5: "auto-replied" marks responses; auto-generated
	 * (used by bounces too) is not enough on its own */
	if (as != NULL && md_str_istarts(md_str_trim(md_str_c(as)), "auto-replied"))
		yes = true;
	if (md_fields_find(h, "x-autoreply", 0) || md_fields_find(h, "x-autorespond", 0) ||
	    md_fields_find(h, "x-autoresponder", 0))
		yes = true;
	{
		const char *prec = md_fields_get(h, "precedence");

		if (prec != NULL && md_str_ieq_c(md_str_trim(md_str_c(prec)), "auto_reply"))
			yes = true;
	}
	if (!yes && subj != NULL) {
		md_str s = md_str_trim(md_str_c(subj));

		for (i = 0; i < sizeof(autoreply_subjects) / sizeof(autoreply_subjects[0]); i++)
			if (md_str_istarts(s, autoreply_subjects[i]))
				yes = true;
	}
	if (!yes)
		return MD_OK;
	rec = bounce_add(b);
	if (rec == NULL)
		return MD_ENOMEM;
	{
		const char *from = md_fields_get(h, "from");
		const char *to = md_fields_get(h, "to");
		size_t tn;
		const char *t = notice_text(b, m, &tn, NULL);

		rec->r.recipient = from ? field_address(b, from) : "";
		rec->r.addresser = to ? field_address(b, to) : "";
		rec->r.diagnostic = t ? text_one_line(b, t, tn < 400 ? tn : 400) : "";
		if (rec->r.diagnostic == NULL)
			rec->r.diagnostic = "";
	}
	rec->hint = "vacation";
	*found = true;
	b->kind = MD_BOUNCE_AUTOREPLY;
	b->format = "rfc3834";
	return MD_OK;
}

/* --- the returned original --- */

md_status read_original(md_bounce *b, const md_message *m)
{
	const md_mime_part *p;
	const md_fields *h = NULL;

	for (p = md_message_root(m); p != NULL; p = md_part_next(p))
		if (md_part_is_message(p) && md_part_parent(p) != NULL) {
			h = md_part_headers(p);
			if (md_fields_count(h) > 0)
				break;
			h = NULL;
		}
	if (h == NULL)
		return MD_OK;
	b->has_original = true;
	{
		const char *from = md_fields_get(h, "from");
		const char *rp = md_fields_get(h, "return-path");
		const char *mid = md_fields_get(h, "message-id");

		if (b->addresser == NULL || b->addresser[0] == '\0') {
			if (from != NULL)
				b->addresser = field_address(b, from);
			if ((b->addresser == NULL || b->addresser[0] == '\0') && rp != NULL)
				b->addresser = field_address(b, rp);
		}
		if (mid != NULL && (b->messageid == NULL || b->messageid[0] == '\0')) {
			md_str t = md_str_trim(md_str_c(mid));

			if (t.n > 0 && t.p[0] == '<') {
				const char *gt = memchr(t.p, '>', t.n);

				t.p++;
				t.n = gt ? (size_t)(gt - t.p) : t.n - 1;
			}
			b->messageid = bounce_strn(b, t.p, t.n);
		}
		if (b->orig_to == NULL && md_fields_get(h, "to") != NULL)
			b->orig_to = field_address(b, md_fields_get(h, "to"));
		if (from != NULL) {
			const char *a = field_address(b, from), *at = strrchr(a, '@');

			if (at != NULL)
				b->orig_from_domain = at + 1;
		}
	}
	/* the first Received field names the client the original came from */
	{
		size_t i, n = md_fields_count_name(h, "received");

		for (i = n; i > 0; i--) {
			const char *v = md_fields_find(h, "received", i - 1)->value;
			const char *lb = strchr(v, '[');

			if (lb != NULL) {
				const char *rb = strchr(lb, ']');

				if (rb != NULL && rb - lb < 48) {
					b->orig_received_ip = bounce_strn(b, lb + 1, (size_t)(rb - lb - 1));
					break;
				}
			}
		}
	}
	return MD_OK;
}
