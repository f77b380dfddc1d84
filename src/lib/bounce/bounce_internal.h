/*
 * bounce_internal.h - the bounce reader's shared pieces: the record being
 * built, the rules engine, the readers of each notice format.
 */
#ifndef MD_BOUNCE_INTERNAL_H
#define MD_BOUNCE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <maildiag/bounce.h>

#include "core/arena.h"
#include "core/bigram.h"
#include "core/buf.h"

/* Records per message: a DSN for a mailing list can name many. */
#define MD_BOUNCE_MAX_RECORDS 1000
/* Diagnostic text kept per record. */
#define MD_BOUNCE_MAX_DIAG 2048

/* A record while it is built: the same members as md_bounce_record, plus
 * the format reader's hint. */
typedef struct bounce_rec {
	md_bounce_record r;
	const char *hint; /* a reason the format reader is sure of, or NULL */
	bool tempwording; /* the diagnostic matches the phrase set "tempfail" */
	const char *pseudo; /* status from a "pseudo" rule line, or NULL */
	/* the comment of the DSN's Status field ("5.2.1 (mailbox disabled,
	 * not accepting messages)"): the MTA's own words, read by the rules
	 * with the diagnostic; NULL when none */
	const char *status_comment;
} bounce_rec;

struct md_bounce {
	md_arena *arena;
	md_bounce_kind kind;
	bounce_rec *recs;
	size_t n, cap;
	/* facts about the message shared by its records */
	const char *addresser;
	const char *messageid;
	const char *lhost;
	const char *format;
	const char *orig_received_ip; /* first public IP in the original's Received */
	const char *orig_from_domain;
	const char *orig_to;          /* first address of the original's To */
	bool has_original;
	/* the non-standard format the notice's wording names (formats.c),
	 * once decided */
	const void *text_format;
	bool text_format_known;
	/* notice_text()'s answer, once found */
	const char *notice;
	size_t notice_len;
	const md_mime_part *notice_part;
	bool notice_known;
};

/* Append an empty record (all strings ""), NULL when out of memory or at
 * the limit. */
bounce_rec *bounce_add(md_bounce *b);
/* Copy N bytes as a NUL-terminated arena string ("" for N == 0). */
const char *bounce_strn(md_bounce *b, const char *p, size_t n);
/* A Message-ID field's value without its angle brackets (readers.c). */
const char *bounce_message_id(md_bounce *b, const char *v);

/* --- rules (rules.c) --- */

typedef struct reason_info {
	const char *name;
	const char *failure_class;
	const char *pillar;
	bool retryable;
	int hard;             /* 0 no, 1 yes, 2 yes unless the notice is temporary */
	const char *pseudo;   /* Sisimai's internal status when none is given */
	const char *hint;     /* action_hint */
} reason_info;

/* Decide the reason of REC with RULES; fills reason and matched. */
/* A record's diagnostic lowercased once, with its byte pairs: the
 * command search and the rules' phrase searches share them. */
typedef struct lowered_text {
	const char *p; /* N bytes, NUL-terminated */
	size_t n;
	md_bigrams pairs;
} lowered_text;

/* Fill LT from P[0..N): the lowercase copy goes to DST (N + 1 bytes). */
void lowered_text_fill(lowered_text *lt, char *dst, const char *p, size_t n);
/* The same with the copy in B's arena. */
md_status lowered_text_set(md_bounce *b, lowered_text *lt, const char *p, size_t n);
/* Decide REC's reason; DIAG is its diagnostic, lowered. */
md_status rules_classify(const md_bounce_rules *rules, md_bounce *b, bounce_rec *rec,
                         const lowered_text *diag);
const reason_info *rules_reason(const md_bounce_rules *rules, const char *name);
/* The provider whose host suffixes match HOST ("" when none). */
const char *rules_provider(const md_bounce_rules *rules, const char *host);
/* The reason the rules' status table gives CODE, or "". */
const char *rules_status_reason(const md_bounce_rules *rules, const char *code);

/* --- text helpers (text.c) --- */

/* Find an enhanced status code (RFC 3463 "5.1.1") in P; true and the
 * code copied to OUT (at least 12 bytes). */
bool text_find_status(const char *p, size_t n, char *out, size_t outlen);
/* Find an SMTP reply code at the start of P or after "said:" etc. */
bool text_find_replycode(const char *p, size_t n, char *out);
/* The same, 4xx and 5xx only: the reply that refused a failed delivery
 * (a "220" greeting quoted in the transcript is not it). */
bool text_find_failure_replycode(const char *p, size_t n, char *out);
/* The SMTP command a diagnostic text says failed ("RCPT", ...), or NULL. */
const char *text_find_command(const char *p, size_t n);
/* The same on a lowered text. */
const char *text_find_command_lowered(const lowered_text *lt);
/* The remote host named in a diagnostic text, copied to OUT, or false. */
bool text_find_rhost(const char *p, size_t n, char *out, size_t outlen);
/* Extract the address of an addr-spec in P ("<a@b>", "rfc822; a@b"). */
bool text_find_address(const char *p, size_t n, size_t *start, size_t *len);
/* Collapse white space and line ends into single spaces, trim. */
const char *text_one_line(md_bounce *b, const char *p, size_t n);

/* --- readers --- */

/* RFC 3464: records from message/delivery-status parts. True when read. */
md_status read_dsn(md_bounce *b, const md_message *m, bool *found);
/* RFC 5965 feedback reports. */
md_status read_arf(md_bounce *b, const md_message *m, bool *found);
/* RFC 3834 auto-replies. */
md_status read_autoreply(md_bounce *b, const md_message *m, bool *found);
/* Non-standard formats (formats.c): a table of MTA notices. */
md_status read_text(md_bounce *b, const md_message *m, bool *found);
/* The same, only for the formats whose text is more precise than their
 * own delivery-status part; tried before the DSN reader. */
md_status read_text_first(md_bounce *b, const md_message *m, bool *found);
/* JSON notices (Amazon SES via SNS, ...). */
md_status read_json(md_bounce *b, const md_message *m, bool *found);
/* The returned original: addresser, Message-ID, Received IP. */
md_status read_original(md_bounce *b, const md_message *m);
/* The best text of a notice: the first text part outside any enclosed
 * message, decoded to UTF-8 (HTML reduced to text). */
const char *notice_text(md_bounce *b, const md_message *m, size_t *len,
                        const md_mime_part **part);

/* --- suspicious notices (suspicious.c) --- */
md_status check_suspicious(md_bounce *b, const md_message *m, const md_bounce_opts *o);

#endif
