/*
 * formats.c - the non-standard failure notices real MTAs send (qmail,
 * Exim, Sendmail without DSN, DragonFly, Gmail, Yahoo, Exchange, ...),
 * read by one table-driven parser.
 *
 * Each format is data: phrases that identify it (in the subject, the
 * sender or the text), and marker lines that end the error block (where
 * the returned original starts). The parser is the same for all:
 *   1. pick the notice's text (the first text part outside any enclosed
 *      message) and cut it at the first end marker;
 *   2. recipients are the lines that start with an address ("<a@b>:",
 *      "  a@b", "a@b on <date>"); failing that, the lines that name one
 *      ("... delivering your mail to <a@b>."); failing that, the
 *      X-Failed-Recipients field or the original's To;
 *   3. each recipient's diagnostic is the text from its line to the next
 *      recipient; status, reply code, command and remote host are read
 *      from it (text.c).
 * The returned original's headers after the end marker give the sender
 * and Message-ID when no message/rfc822 part does.
 * Limits: MD_TEXT_MAX_DIAG_LINES lines of diagnostic per recipient.
 */
#include "bounce_internal.h"

#include <string.h>

#include "core/ascii.h"
#include "core/bigram.h"
#include "mime/mime_internal.h"

#define MD_TEXT_MAX_DIAG_LINES 40
/* Where a format's phrases are looked for: the start of the notice's
 * text, of its Subject and of its From. */
#define MD_DETECT_TEXT_BYTES 4096
#define MD_DETECT_FIELD_BYTES 1024

struct text_format {
	const char *name;
	const char *const *detect; /* lowercase phrases in subject, from or text */
	const char *const *end;    /* lowercase line prefixes (trimmed) ending the error block */
	/* lines (trimmed, lowercase prefix) after which each indented line
	 * holding one token is a failed recipient, even without a domain */
	const char *const *rcpt_after;
	/* the reason this format's own wording states: pairs of a lowercase
	 * phrase and a reason, NULL-terminated; "*" as phrase: always */
	const char *const *hints;
	unsigned flags; /* TF_* */
};

/* The MTA's delivery-status part restates its text with a generic Status
 * (OpenSMTPD writes 4.4.7 for every delay, X.0.0 for every error without
 * a code): read the text, not the DSN. */
#define TF_TEXT_FIRST 1u
/* A recipient's diagnostic is the rest of its line; the lines that
 * follow are the notice's boilerplate ("Please note that this is only a
 * temporary failure report"). */
#define TF_ONE_LINE 2u

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Ends shared by every format (tried after the format's own). */
static const char *const common_end[] = {
	"--- below this line is a copy of the message",
	"--- enclosed are the original headers of the message",
	"------ this is a copy of the message",
	"------ this is a copy of your message",
	"------ the body of the message is",
	"------ this is a copy of the message's headers",
	"----- original message -----",
	"----- original message follows -----",
	"----- unsent message follows -----",
	"----- message header follows -----",
	"------ original message -----",
	"--- original message follows",
	"-----original message-----",
	"original message follows.",
	"original message follows",
	"message headers follow.",
	"below is a copy of the original message:",
	"--- the header of the original message is following. ---",
	"content-type: message/rfc822",
	"------ failed message headers ------",
	"----- the following is a copy of the original message",
	"original message headers:",
	"original-message:",
	"--------original message--------",
	"the original message headers are included as attachment",
	"------- returned message --------",
	"original message:",
	NULL,
};

static const struct text_format formats[] = {
	{"qmail", L("this is the qmail-send program", "i'm afraid i wasn't able to deliver your message",
	            "this is the qmail", "qmail-send"),
	 L("--- below this line is a copy of the message"), NULL,
	 L("sorry, i couldn't find any host named", "hostunknown",
	   "sorry, i wasn't able to establish an smtp connection", "networkerror"), 0},
	{"exim", L("this message was created automatically by mail delivery software",
	           "a message that you sent could not be delivered to one or more of its",
	           "a message that you sent has not yet been delivered to one or more of its"),
	 L("------ this is a copy of the message"),
	 L("the following address(es) failed:", "address(es) failed:", "following address(es) failed:"),
	 L("malformed address:", "syntaxerror", "retry timeout exceeded", "expired",
	   "all hosts have been failing for a long time", "expired"), 0},
	{"dragonfly", L("this is the dragonfly mail agent"), L("message headers follow."), NULL,
	 L("could not deliver for the last", "expired", "dns lookup failure: host", "hostunknown"), 0},
	{"gmail", L("delivery to the following recipient failed", "technical details of permanent failure",
	            "technical details of temporary failure", "google tried to deliver your message",
	            "delivery to the following recipients failed"),
	 L("----- original message -----", "----- message header follows -----"), NULL,
	 L("the recipient server did not accept our requests to connect", "expired",
	   "message will be retried for", "expired"), 0},
	{"yahoo", L("sorry, we were unable to deliver your message to the following address"),
	 L("--- below this line is a copy of the message"), NULL, NULL, 0},
	{"sendmail", L("----- transcript of session follows -----", "the original message was received at",
	               "----- the following addresses had permanent fatal errors -----"),
	 L("----- unsent message follows -----", "----- original message follows -----",
	   "----- message header follows -----"), NULL, NULL, 0},
	{"postfix", L("this is the mail system at host", "this is the postfix program at host"),
	 L("--- delivery report unavailable ---", "--- below this line is a copy"), NULL, NULL, 0},
	{"exchange", L("did not reach the following recipient(s)", "your message did not reach some or all",
	               "delivery has failed to these recipients or groups", "microsoft exchange"),
	 L("original message headers:"), NULL,
	 L("the recipient name is not recognized", "userunknown", "unknown recipient", "userunknown",
	   "the message could not be delivered because the recipient's mailbox is full", "mailboxfull",
	   "the message reached the recipient's e-mail system, but delivery was refused", "filtered"), 0},
	{"imail", L("original message follows.", "unknown user:"), L("original message follows."), NULL,
	 L("unknown user:", "userunknown", "user mailbox exceeds allowed size", "mailboxfull",
	   "delivery failed ", "expired", "smtp session failed", "networkerror"), 0},
	{"opensmtpd", L("this is the mailer-daemon, please do not reply to this",
	                "an error has occurred while attempting to deliver a message"),
	 L("below is a copy of the original message:"), NULL, NULL, TF_TEXT_FIRST | TF_ONE_LINE},
	{"courier", L("courier mail server", "this is a delivery status notification, automatically generated by courier"),
	 NULL, NULL, NULL, 0},
	{"domino", L("your message was not delivered to", "lotus domino"), NULL, NULL,
	 L("not listed in domino directory", "userunknown", "not listed in public name & address book", "userunknown"), 0},
	{"mailru", L("mail.ru", "\xd1\x8d\xd1\x82\xd0\xbe \xd0\xbf\xd0\xb8\xd1\x81\xd1\x8c\xd0\xbc\xd0\xbe"),
	 L("------ this is a copy of the message"),
	 L("the following address(es) failed:", "address(es) failed:"), NULL, 0},
	{"fml", L("you are not a member of this mailing list", "is not a member of this ml",
	          "you are not member", "fml", "duplicated message-id in <",
	          "has detected a loop condition so that", "loop back warning:"),
	 L("original mail as follows:"), NULL,
	 L("you are not a member of this mailing list", "rejected", "not member", "rejected",
	   "error: the following commands could not be executed", "systemerror",
	   "mailing list is not available", "systemerror", "duplicated message-id", "systemerror",
	   "has detected a loop condition", "systemerror", "loop back warning", "systemerror",
	   "security alert", "securityerror", "*", "rejected"), 0},
	{"googlegroups", L("google groups", "google \xe3\x82\xb0\xe3\x83\xab\xe3\x83\xbc\xe3\x83\x97"),
	 L("----- original message -----"), NULL,
	 L("*", "rejected"), 0},
	{"ezweb", L("ezweb", "the user(s) account is disabled", "user unknown.", "au one net"),
	 L("------ original message -----", "--------------------------------------------------"), NULL,
	 L("each of the following recipients was rejected by a remote mail server", "filtered",
	   "the user(s) account is disabled", "suspend"), 0},
	{"verizon", L("error message below:", "message could not be delivered to mobile"), NULL, NULL,
	 L("invalid user address", "userunknown", "no valid recipients for this mm", "userunknown"), 0},
	{"generic", L("undeliver", "delivery status notification", "returned mail", "failure notice",
	              "delivery failure", "mail delivery failed", "delivery failed", "could not be delivered",
	              "mail system error", "nondeliverable", "non-deliverable", "not delivered", "mailer-daemon",
	              "postmaster", "mail delivery subsystem", "rejected", "delivery notification",
	              "warning: could not send", "permanent error", "non remis", "unzustellbar"),
	 NULL, NULL, NULL, 0},
};

/* Does P[0..N) hold the lowercase phrase PH, ignoring ASCII case? */
static bool icontains(const char *p, size_t n, const char *ph)
{
	return md_ifind(p, n, ph, strlen(ph)) != NULL;
}

/* Lowercase copy of at most MAX bytes of P into the arena; its byte
 * pairs are added to PAIRS. */
static char *lower_head(md_bounce *b, const char *p, size_t n, size_t max, size_t *outlen,
                        md_bigrams *pairs)
{
	char *l;

	if (p == NULL)
		p = "";
	if (n > max)
		n = max;
	l = md_arena_alloc(b->arena, n + 1);
	if (l == NULL)
		return NULL;
	md_bigrams_add_lower(pairs, l, p, n);
	l[n] = '\0';
	*outlen = n;
	return l;
}

/* Is the trimmed line at P (N bytes) one of the end markers? */
static bool is_end_line(const char *p, size_t n, const char *const *list)
{
	md_str t = md_str_trim((md_str){p, n});
	size_t i;

	if (list == NULL)
		return false;
	for (i = 0; list[i] != NULL; i++)
		if (md_str_istarts(t, list[i]))
			return true;
	return false;
}

struct rline {
	size_t off, len;  /* the line */
	size_t as, al;    /* the address in it */
};

static void add_line(struct rline *lines, size_t *n, size_t off, size_t len, size_t as, size_t al)
{
	lines[*n].off = off;
	lines[*n].len = len;
	lines[*n].as = as;
	lines[*n].al = al;
	(*n)++;
}

/* Does the line start with an address (after '<', quotes, "rcpt to:")? */
static bool starts_with_address(const char *p, size_t n, size_t *as, size_t *al)
{
	size_t i = 0;

	while (i < n && md_isspace(p[i]))
		i++;
	while (i < n && (p[i] == '<' || p[i] == '>' || p[i] == '"' || p[i] == '\'' || p[i] == ' '))
		i++;
	if (!text_find_address(p + i, n - i, as, al) || *as != 0)
		return false;
	*as += i;
	return true;
}

/* Headers of the returned original after the end marker. */
static void original_from_text(md_bounce *b, const char *t, size_t n)
{
	md_message *om;
	const md_fields *h;
	size_t off = 0, len, eol;

	/* skip to the first line that looks like a header field */
	while (off < n) {
		size_t nx = md_line_next(t, n, off, &len, &eol);
		const char *colon = memchr(t + off, ':', len);

		if (colon != NULL && colon > t + off && memchr(t + off, ' ', (size_t)(colon - (t + off))) == NULL)
			break;
		off = nx;
	}
	if (off >= n || md_message_parse(t + off, n - off, NULL, &om) != MD_OK)
		return;
	h = md_part_headers(md_message_root(om));
	if (b->addresser == NULL || b->addresser[0] == '\0') {
		const char *v = md_fields_get(h, "from");
		size_t s, l;

		if (v == NULL)
			v = md_fields_get(h, "return-path");
		if (v != NULL && text_find_address(v, strlen(v), &s, &l))
			b->addresser = bounce_strn(b, v + s, l);
	}
	if (b->messageid == NULL || b->messageid[0] == '\0') {
		const char *v = md_fields_get(h, "message-id");

		if (v != NULL)
			b->messageid = bounce_message_id(b, v);
	}
	if (b->orig_to == NULL) {
		const char *v = md_fields_get(h, "to");
		size_t s0, l0;

		if (v != NULL && text_find_address(v, strlen(v), &s0, &l0))
			b->orig_to = bounce_strn(b, v + s0, l0);
	}
	if (md_fields_count(h) > 0)
		b->has_original = true;
	md_message_free(om);
}

static bool seen_recipient(md_bounce *b, const char *p, size_t n, size_t upto)
{
	size_t i;

	for (i = upto; i < b->n; i++)
		if (strlen(b->recs[i].r.recipient) == n &&
		    md_str_ieq((md_str){b->recs[i].r.recipient, n}, (md_str){p, n}))
			return true;
	return false;
}

static md_status add_text_record(md_bounce *b, const char *addr, size_t al, const char *diag,
                                 size_t dl)
{
	bounce_rec *rec = bounce_add(b);
	char buf[256];

	if (rec == NULL)
		return MD_ENOMEM;
	rec->r.recipient = bounce_strn(b, addr, al);
	rec->r.diagnostic = text_one_line(b, diag, dl);
	if (rec->r.recipient == NULL || rec->r.diagnostic == NULL)
		return MD_ENOMEM;
	if (text_find_status(diag, dl, buf, sizeof(buf)))
		rec->r.status = bounce_strn(b, buf, strlen(buf));
	if (text_find_failure_replycode(diag, dl, buf))
		rec->r.replycode = bounce_strn(b, buf, 3);
	/* the command and the remote host are read from the one-line
	 * diagnostic when the record is completed (bounce.c) */
	rec->r.diagnostic_type = rec->r.replycode[0] || rec->r.status[0] ? "SMTP" : "";
	return MD_OK;
}

/* Remove the lines that name SENDER (the notice's recipient, i.e. the
 * original sender: "A message sent by <a@b> could not be delivered").
 * When every line names it, keep them all. */
/* A sendmail transcript ("----- Transcript of session follows -----"):
 *     While talking to mx.example.edu:
 *     >>> MAIL From:<a@example.jp>
 *     <<< 550 Insecure Mail Relay
 *     554 <b@example.edu>... Remote protocol error
 *     421 example.org (smtp)... Deferred: Connection timed out
 * The server's reply ("<<<") above the line naming the recipient is its
 * error, and the next "NNN host... " line is another entry. Widens [*DS,
 * *DE) (the recipient's line onwards) up over the dialogue and cuts it at
 * the next entry. Lines end in LF, CRLF or CR. */
static void sendmail_transcript(const char *t, size_t *ds, size_t *de)
{
	size_t ps = *ds, o, le;
	bool reply = false;

	for (;;) {
		size_t q = ps, ls;

		if (q == 0)
			break;
		q--;
		if (t[q] == '\n' && q > 0 && t[q - 1] == '\r')
			q--;
		ls = q;
		while (ls > 0 && t[ls - 1] != '\n' && t[ls - 1] != '\r')
			ls--;
		if (q - ls >= 4 && memcmp(t + ls, "<<< ", 4) == 0)
			reply = true;
		else if (!(q - ls >= 4 && memcmp(t + ls, ">>> ", 4) == 0))
			break;
		ps = ls;
	}
	if (!reply)
		return;
	*ds = ps;
	/* cut at the next transcript entry after the recipient's line */
	for (o = *ds; o < *de && t[o] != '\n' && t[o] != '\r'; o++)
		;
	while (o < *de) {
		while (o < *de && (t[o] == '\n' || t[o] == '\r'))
			o++;
		for (le = o; le < *de && t[le] != '\n' && t[le] != '\r'; le++)
			;
		if (le - o >= 4 && md_isdigit(t[o]) && md_isdigit(t[o + 1]) && md_isdigit(t[o + 2]) &&
		    t[o + 3] == ' ' && memmem(t + o, le - o, "... ", 4) != NULL) {
			*de = o;
			return;
		}
		o = le;
	}
}

static size_t drop_sender(md_bounce *b, const char *t, struct rline *lines, size_t n,
                          const char *sender)
{
	size_t i, k = 0, sl = sender ? strlen(sender) : 0;

	(void)b;
	if (sl == 0)
		return n;
	for (i = 0; i < n; i++)
		if (!(lines[i].al == sl && md_str_ieq((md_str){t + lines[i].as, sl}, (md_str){sender, sl})))
			lines[k++] = lines[i];
	return k > 0 ? k : n;
}

/* The reason the format's own wording states, if any. */
static void set_hint(bounce_rec *rec, const struct text_format *fmt, const char *d, size_t dn)
{
	size_t i;

	if (fmt->hints == NULL)
		return;
	for (i = 0; fmt->hints[i] != NULL && fmt->hints[i + 1] != NULL; i += 2)
		if (strcmp(fmt->hints[i], "*") == 0 || icontains(d, dn, fmt->hints[i])) {
			rec->hint = fmt->hints[i + 1];
			return;
		}
}

/* Does any of the lowercase texts T[0..3) hold a phrase of LIST? PAIRS
 * holds the byte pairs of all three: most phrases fail there. */
static bool any_phrase(const md_bigrams *pairs, const char *const t[3], const size_t tl[3],
                       const char *const *list)
{
	size_t i, k;

	for (i = 0; list != NULL && list[i] != NULL; i++) {
		size_t pl = strlen(list[i]);

		if (!md_bigrams_may_hold(pairs, list[i], pl))
			continue;
		for (k = 0; k < 3; k++)
			if (memmem(t[k], tl[k], list[i], pl) != NULL)
				return true;
	}
	return false;
}

/* The format whose phrases the notice's text, subject or sender holds
 * (*FMT NULL when none). Decided once per notice: both text readers ask. */
static md_status detect_format(md_bounce *b, const md_fields *h, const char *t, size_t tn,
                               const struct text_format **fmt)
{
	const char *subj = md_fields_get(h, "subject"), *from = md_fields_get(h, "from");
	const char *lt[3];
	size_t ll[3] = {0, 0, 0}, i;
	md_bigrams pairs;

	if (b->text_format_known) {
		*fmt = b->text_format;
		return MD_OK;
	}
	*fmt = NULL;
	memset(pairs.w, 0, sizeof(pairs.w));
	lt[0] = lower_head(b, t, tn, MD_DETECT_TEXT_BYTES, &ll[0], &pairs);
	lt[1] = lower_head(b, subj, subj ? strlen(subj) : 0, MD_DETECT_FIELD_BYTES, &ll[1], &pairs);
	lt[2] = lower_head(b, from, from ? strlen(from) : 0, MD_DETECT_FIELD_BYTES, &ll[2], &pairs);
	if (lt[0] == NULL || lt[1] == NULL || lt[2] == NULL)
		return MD_ENOMEM;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]) && *fmt == NULL; i++)
		if (any_phrase(&pairs, lt, ll, formats[i].detect))
			*fmt = &formats[i];
	if (*fmt == NULL && md_fields_find(h, "x-failed-recipients", 0) != NULL)
		*fmt = &formats[sizeof(formats) / sizeof(formats[0]) - 1];
	b->text_format = *fmt;
	b->text_format_known = true;
	return MD_OK;
}

static md_status read_format(md_bounce *b, const md_message *m, const struct text_format *fmt,
                             const char *t, size_t tn, bool *found);

/* Could detect_format() name a TF_TEXT_FIRST format? Only when one of
 * their phrases occurs where it looks (the same texts and bounds): a
 * cheap test that spares most DSNs the full detection. */
static bool names_text_first_format(const md_fields *h, const char *t, size_t tn)
{
	const char *subj = md_fields_get(h, "subject"), *from = md_fields_get(h, "from");
	size_t sn = subj ? strlen(subj) : 0, fn = from ? strlen(from) : 0, i, k;

	if (tn > MD_DETECT_TEXT_BYTES)
		tn = MD_DETECT_TEXT_BYTES;
	if (sn > MD_DETECT_FIELD_BYTES)
		sn = MD_DETECT_FIELD_BYTES;
	if (fn > MD_DETECT_FIELD_BYTES)
		fn = MD_DETECT_FIELD_BYTES;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (!(formats[i].flags & TF_TEXT_FIRST))
			continue;
		for (k = 0; formats[i].detect[k] != NULL; k++) {
			const char *ph = formats[i].detect[k];

			if (icontains(t, tn, ph) || (subj && icontains(subj, sn, ph)) ||
			    (from && icontains(from, fn, ph)))
				return true;
		}
	}
	return false;
}

md_status read_text_first(md_bounce *b, const md_message *m, bool *found)
{
	const struct text_format *fmt;
	size_t tn;
	const char *t = notice_text(b, m, &tn, NULL);
	md_status st;

	*found = false;
	if (t == NULL)
		return MD_ENOMEM;
	if (!names_text_first_format(md_part_headers(md_message_root(m)), t, tn))
		return MD_OK; /* the common case: no full detection needed yet */
	st = detect_format(b, md_part_headers(md_message_root(m)), t, tn, &fmt);
	if (st != MD_OK || fmt == NULL || !(fmt->flags & TF_TEXT_FIRST))
		return st;
	return read_format(b, m, fmt, t, tn, found);
}

md_status read_text(md_bounce *b, const md_message *m, bool *found)
{
	const md_fields *h = md_part_headers(md_message_root(m));
	const struct text_format *fmt = NULL;
	size_t tn;
	const char *t = notice_text(b, m, &tn, NULL);
	md_status st;

	*found = false;
	if (t == NULL)
		return MD_ENOMEM;
	/* a delivery-status part that the MIME structure failed to announce
	 * (a missing or wrong boundary): read the text after its header */
	{
		const char *ct = NULL, *q = t;

		while ((q = strstr(q, "message/delivery-status")) != NULL) {
			const char *ls = q;

			while (ls > t && ls[-1] != '\n' && ls[-1] != '\r')
				ls--;
			if (md_str_istarts((md_str){ls, (size_t)(tn - (size_t)(ls - t))}, "content-type:")) {
				ct = ls;
				break;
			}
			q += 23;
		}
		if (ct != NULL) {
			md_message *em;

			if (md_message_parse(ct, tn - (size_t)(ct - t), NULL, &em) == MD_OK) {
				st = read_dsn(b, em, found);
				md_message_free(em);
				if (st != MD_OK || *found) {
					if (*found)
						b->format = "rfc3464";
					return st;
				}
			}
		}
	}
	st = detect_format(b, h, t, tn, &fmt);
	if (st != MD_OK || fmt == NULL)
		return st;
	return read_format(b, m, fmt, t, tn, found);
}

static md_status read_format(md_bounce *b, const md_message *m, const struct text_format *fmt,
                             const char *t, size_t tn, bool *found)
{
	const md_fields *h = md_part_headers(md_message_root(m));
	const char *to = md_fields_get(h, "to"), *sender = NULL;
	size_t i, off, len, eol, bend, first = b->n, nlines = 0;
	struct rline *lines;
	md_status st;
	bool pass1 = false;

	if (to != NULL) {
		size_t s0, l0;

		if (text_find_address(to, strlen(to), &s0, &l0))
			sender = bounce_strn(b, to + s0, l0);
	}
	/* the error block ends at the first end marker */
	bend = tn;
	for (off = 0; off < tn;) {
		size_t nx = md_line_next(t, tn, off, &len, &eol);

		if (is_end_line(t + off, len, fmt->end) || is_end_line(t + off, len, common_end)) {
			bend = off;
			original_from_text(b, t + nx, tn - nx);
			break;
		}
		off = nx;
	}
	lines = md_arena_alloc(b->arena, (bend / 2 + 2) * sizeof(*lines));
	if (lines == NULL)
		return MD_ENOMEM;
	/* pass 0: the format lists its recipients after a marker line */
	if (fmt->rcpt_after != NULL) {
		bool after = false;

		for (off = 0; off < bend;) {
			size_t nx = md_line_next(t, bend, off, &len, &eol);
			md_str ln = md_str_trim((md_str){t + off, len});

			if (is_end_line(t + off, len, fmt->rcpt_after)) {
				after = true;
			} else if (after && ln.n > 0 && len > 0 && md_iswsp(t[off]) &&
			           memchr(ln.p, ' ', ln.n) == NULL && memchr(ln.p, '\t', ln.n) == NULL) {
				size_t as = (size_t)(ln.p - t), al = ln.n;

				while (al > 0 && (t[as] == '<')) {
					as++;
					al--;
				}
				while (al > 0 && (t[as + al - 1] == '>' || t[as + al - 1] == ':'))
					al--;
				if (al > 0)
					add_line(lines, &nlines, off, len, as, al);
			} else if (after && ln.n > 0 && !md_iswsp(t[off])) {
				after = false;
			}
			off = nx;
		}
	}
	/* pass 1: lines that start with an address */
	pass1 = nlines > 0;
	for (off = 0; off < bend && !pass1;) {
		size_t nx = md_line_next(t, bend, off, &len, &eol), as, al;

		if (starts_with_address(t + off, len, &as, &al))
			add_line(lines, &nlines, off, len, off + as, al);
		off = nx;
	}
	nlines = drop_sender(b, t, lines, nlines, sender);
	pass1 = nlines > 0;
	if (!pass1) {
		/* pass 1.5: "RCPT TO: a@b", "Recipient: <a@b>": the whole block
		 * is the diagnostic (the error text is above or below) */
		for (off = 0; off < bend;) {
			size_t nx = md_line_next(t, bend, off, &len, &eol), as, al;
			md_str ln = md_str_trim((md_str){t + off, len});

			if ((md_str_istarts(ln, "rcpt to:") || md_str_istarts(ln, "recipient:") ||
			     md_str_istarts(ln, "recipient address:") || md_str_istarts(ln, "original-recipient:")) &&
			    text_find_address(t + off, len, &as, &al)) {
				if (!seen_recipient(b, t + off + as, al, first)) {
					st = add_text_record(b, t + off + as, al, t, bend);
					if (st != MD_OK)
						return st;
					set_hint(&b->recs[b->n - 1], fmt, t, bend);
				}
			}
			off = nx;
		}
		if (b->n > first)
			nlines = 0;
	}
	if (!pass1 && b->n == first) {
		/* pass 2: lines that name an address */
		for (off = 0; off < bend;) {
			size_t nx = md_line_next(t, bend, off, &len, &eol), as, al;

			if (text_find_address(t + off, len, &as, &al))
				add_line(lines, &nlines, off, len, off + as, al);
			off = nx;
		}
		nlines = drop_sender(b, t, lines, nlines, sender);
	}
	for (i = 0; i < nlines; i++) {
		size_t ds = pass1 ? lines[i].as + lines[i].al : lines[i].off;
		size_t j = i + 1, de, k = 0, o;

		/* lines naming the same address again belong to this recipient */
		while (j < nlines && lines[j].al == lines[i].al &&
		       md_str_ieq((md_str){t + lines[j].as, lines[j].al}, (md_str){t + lines[i].as, lines[i].al}))
			j++;
		de = j < nlines ? lines[j].off : bend;
		/* at most MD_TEXT_MAX_DIAG_LINES lines */
		for (o = ds; o < de && k < MD_TEXT_MAX_DIAG_LINES; k++) {
			size_t l2, e2;

			o = md_line_next(t, de, o, &l2, &e2);
		}
		if (o < de)
			de = o;
		if ((fmt->flags & TF_ONE_LINE) && pass1) {
			size_t l1, e1;

			md_line_next(t, de, lines[i].off, &l1, &e1);
			if (lines[i].off + l1 < de)
				de = lines[i].off + l1;
		}
		while (ds < de && (t[ds] == '>' || t[ds] == ':' || t[ds] == '"' || t[ds] == '\''))
			ds++;
		if (md_str_trim((md_str){t + ds, de > ds ? de - ds : 0}).n == 0) {
			/* nothing after the address: the error text is above it
			 * ("The user(s) account is disabled.\n\n<a@b>") */
			ds = i > 0 ? lines[i - 1].off + lines[i - 1].len : 0;
			de = lines[i].off;
		}
		if (!pass1 && ds == lines[i].off)
			sendmail_transcript(t, &ds, &de);
		if (!seen_recipient(b, t + lines[i].as, lines[i].al, first)) {
			st = add_text_record(b, t + lines[i].as, lines[i].al, t + ds, de > ds ? de - ds : 0);
			if (st != MD_OK)
				return st;
			set_hint(&b->recs[b->n - 1], fmt, t + ds, de > ds ? de - ds : 0);
		}
		i = j - 1;
	}
	if (b->n == first) {
		/* no address in the block: X-Failed-Recipients or nothing */
		const md_header *xf = md_fields_find(h, "x-failed-recipients", 0);

		if (xf != NULL) {
			const char *v = xf->value;
			size_t s, l;

			while (text_find_address(v, strlen(v), &s, &l)) {
				st = add_text_record(b, v + s, l, t, bend);
				if (st != MD_OK)
					return st;
				v += s + l;
			}
		}
	}
	if (b->n == first && b->orig_to != NULL && b->orig_to[0] != '\0') {
		/* no recipient in the notice: the returned original's To, with
		 * the error block as the diagnostic (empty when it says nothing) */
		st = add_text_record(b, b->orig_to, strlen(b->orig_to), t, bend);
		if (st != MD_OK)
			return st;
		set_hint(&b->recs[b->n - 1], fmt, t, bend);
	}
	if (b->n == first)
		return MD_OK;
	*found = true;
	b->format = fmt->name;
	/* the reporting host: "This is the qmail-send program at HOST." */
	if (b->lhost == NULL) {
		static const char *const at_markers[] = {" program at ", " mail agent v", " at host ", NULL};
		size_t k;

		for (k = 0; at_markers[k] != NULL && b->lhost == NULL; k++) {
			const char *p = strstr(t, at_markers[k]);

			if (p != NULL && p - t < 512) {
				const char *q = strstr(p, " at ");
				size_t e = 0;

				if (q == NULL)
					continue;
				q += 4;
				while (q[e] && (md_isalnum(q[e]) || q[e] == '.' || q[e] == '-'))
					e++;
				while (e > 0 && q[e - 1] == '.')
					e--;
				if (e > 0)
					b->lhost = bounce_strn(b, q, e);
			}
		}
	}
	return MD_OK;
}

