/*
 * maildiag/bounce.h - read bounces (RFC 3464 DSNs and the non-standard
 * formats real MTAs send), feedback reports (RFC 5965) and auto-replies
 * (RFC 3834), and classify every failed recipient.
 *
 * md_bounce_parse() turns one parsed message (maildiag/mime.h) into one
 * record per recipient. Each record carries what the notice says (the
 * recipient, the original sender and Message-ID, action, enhanced status
 * code, SMTP reply code, diagnostic text, remote and reporting MTA, the
 * SMTP command that failed) and what it means: a reason in Sisimai's
 * vocabulary (userunknown, mailboxfull, authfailure, ...), whether the
 * address is dead (hardbounce), the failure class, the pillar (who must
 * act), the mailbox provider, whether a retry can succeed, the action to
 * take and which rule decided (matched).
 *
 * Classification is data: a rules file (data/bounce-rules.tsv, built in
 * as the default, replaceable with md_bounce_rules_load()) maps status
 * codes, reply codes, phrases, SMTP commands and providers to reasons,
 * and gives each reason its class, pillar, retryability and advice. See
 * docs/bounce.md for the format.
 *
 * Memory: a result owns its records and every string in them until
 * md_bounce_free(). Rules are immutable once loaded and may be shared by
 * threads; everything else is per thread.
 */
#ifndef MAILDIAG_BOUNCE_H
#define MAILDIAG_BOUNCE_H

#include <stdbool.h>
#include <stddef.h>
#include <maildiag/mime.h>
#include <maildiag/report.h>
#include <maildiag/render.h>
#include <maildiag/status.h>
#include <maildiag/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- rules --- */

typedef struct md_bounce_rules md_bounce_rules;

/* The built-in rules (a compiled-in copy of data/bounce-rules.tsv).
 * Returns MD_ENOMEM or MD_OK. */
MD_API md_status md_bounce_rules_builtin(md_bounce_rules **out);
/*
 * Rules from a file in the same format. On a syntax error returns
 * MD_EPARSE with "FILE:LINE: problem" in ERR (ERRLEN bytes, may be NULL);
 * MD_ENOTFOUND or MD_EIO when the file cannot be read.
 */
MD_API md_status md_bounce_rules_load(const char *path, md_bounce_rules **out,
                                      char *err, size_t errlen);
/* The same from text in memory; NAME is used in error messages. */
MD_API md_status md_bounce_rules_load_text(const char *name, const char *text,
                                           size_t len, md_bounce_rules **out,
                                           char *err, size_t errlen);
MD_API void md_bounce_rules_free(md_bounce_rules *r);
/* Number of classification rules (rule lines) loaded. */
MD_API size_t md_bounce_rules_count(const md_bounce_rules *r);

/* --- sent log, for backscatter detection --- */

typedef struct md_sent_log md_sent_log;

/*
 * Load the Message-IDs of mail the sender really sent: every "<...>"
 * token containing '@' on every line of PATH (a Postfix/Exim log or a
 * plain list both work). MD_ENOTFOUND/MD_EIO/MD_ENOMEM.
 */
MD_API md_status md_sent_log_load(const char *path, md_sent_log **out);
MD_API void md_sent_log_free(md_sent_log *s);
MD_API size_t md_sent_log_count(const md_sent_log *s);

/* --- parsing --- */

/* What a message is. */
typedef enum md_bounce_kind {
	MD_BOUNCE_NOT_BOUNCE = 0, /* an ordinary message: no records */
	MD_BOUNCE_FAILURE = 1,    /* a delivery failure (or delay) notice */
	MD_BOUNCE_FEEDBACK = 2,   /* an ARF feedback report (RFC 5965) */
	MD_BOUNCE_AUTOREPLY = 3,  /* an auto-reply such as a vacation notice */
	MD_BOUNCE_DELIVERED = 4   /* a success DSN (Action: delivered/relayed) */
} md_bounce_kind;

typedef struct md_bounce_opts {
	const md_bounce_rules *rules; /* NULL: the built-in rules */
	/* Backscatter: the sender's own IPs ("192.0.2.1", "2001:db8::/32")
	 * and domains. A returned original that was not sent from them is
	 * flagged. Empty lists disable the check. */
	const char *const *our_ips;
	size_t n_our_ips;
	const char *const *our_domains;
	size_t n_our_domains;
	const md_sent_log *sent_log; /* NULL: no Message-ID check */
} md_bounce_opts;

/*
 * One record per recipient. Strings are never NULL ("" when unknown).
 * Fields are appended at the end in later versions.
 */
typedef struct md_bounce_record {
	const char *recipient;     /* the failed address */
	const char *addresser;     /* the original sender */
	const char *messageid;     /* Message-ID of the original, without <> */
	const char *action;        /* failed, delayed, delivered, ... */
	const char *status;        /* enhanced status code "5.1.1", or "" */
	const char *replycode;     /* "550", or "" */
	const char *diagnostic;    /* the error text, one line */
	const char *diagnostic_type; /* "SMTP", "X-UNIX", ... or "" */
	const char *rhost;         /* remote MTA that said no */
	const char *lhost;         /* MTA that reported */
	const char *smtpcommand;   /* CONN, EHLO, MAIL, RCPT, DATA, ... or "" */
	const char *reason;        /* Sisimai's vocabulary */
	bool hardbounce;           /* the address is dead */
	const char *failure_class; /* hard_bounce, soft_bounce, filtered, throttled */
	const char *pillar;        /* authentication, reputation, infrastructure,
	                              content_behaviour, recipient */
	const char *provider;      /* gmail, microsoft, yahoo, ... or "" */
	bool retryable;            /* a later retry can succeed */
	const char *action_hint;   /* what to do */
	const char *matched;       /* which rule decided, e.g.
	                              "bounce-rules.tsv:212 phrases=mailboxfull \"mailbox full\"" */
	const char *feedback_type; /* ARF: abuse, fraud, ...; else "" */
	const char *source_ip;     /* ARF Source-IP; else "" */
	const char *format;        /* which reader understood it: "rfc3464",
	                              "arf", "rfc3834", "qmail", "exim", ... */
	bool temporary;            /* a 4xx / delayed notice */
	bool backscatter;          /* about a message the sender never sent */
	bool phishing;             /* a fake delivery notice */
	const char *suspicion;     /* why backscatter/phishing was flagged */
} md_bounce_record;

typedef struct md_bounce md_bounce;

/*
 * Read message M. *OUT gets a new result (free with md_bounce_free) whose
 * kind says what M is; a message that is not a bounce gives kind
 * MD_BOUNCE_NOT_BOUNCE and no records. OPTS may be NULL.
 * Errors: MD_EINVAL, MD_ENOMEM.
 */
MD_API md_status md_bounce_parse(const md_message *m, const md_bounce_opts *opts,
                                 md_bounce **out);
MD_API void md_bounce_free(md_bounce *b);
MD_API md_bounce_kind md_bounce_get_kind(const md_bounce *b);
/* "not_bounce", "failure", "feedback", "autoreply", "delivered" */
MD_API const char *md_bounce_kind_name(md_bounce_kind k);
MD_API size_t md_bounce_count(const md_bounce *b);
MD_API const md_bounce_record *md_bounce_record_at(const md_bounce *b, size_t i);

/* --- many messages into one report --- */

typedef struct md_bounce_batch md_bounce_batch;

/*
 * Collect results into REPORT: a "records" JSON array (the NDJSON stream
 * key), a "bounces" table for text and CSV, summary counts by reason,
 * provider and class, and findings (bounce.hard_bounce,
 * bounce.authentication, bounce.backscatter, ...). NULL when out of memory.
 */
MD_API md_bounce_batch *md_bounce_batch_new(md_report *report);
/* Wide: one column per record field (for CSV); default: a narrow table
 * that reads well in a terminal. Call before adding messages. */
MD_API void md_bounce_batch_set_wide(md_bounce_batch *b, bool wide);
/*
 * Stream the records instead of keeping them. Call before adding
 * messages. From then on md_bounce_batch_add() writes each record at once
 * as one NDJSON line (the bytes md_render() prints for the "records"
 * member with MD_FORMAT_NDJSON, "\n" after each) and hands the lines to
 * SINK(UD, ...) in writes of about 64 KiB; md_bounce_batch_finish() writes
 * the rest. The report then gets no "records" member and no "bounces"
 * table (so do not md_render() it as NDJSON: that would print the
 * findings); summaries and findings are the same as without a sink.
 * When SINK returns non-zero nothing more is written, and that
 * md_bounce_batch_add() call, every later one and md_bounce_batch_finish()
 * return MD_EIO (records are still counted). SINK NULL: keep the records
 * (the default).
 */
MD_API void md_bounce_batch_set_sink(md_bounce_batch *b, md_sink_fn sink, void *ud);
/*
 * Add the records of one message; FILE and INDEX say where it came from.
 * Errors: MD_ENOMEM; with a sink, MD_EIO (the sink refused) and MD_ELIMIT
 * (one record's line above 64 MiB).
 */
MD_API md_status md_bounce_batch_add(md_bounce_batch *b, const char *file,
                                     size_t index, const md_bounce *res);
/* Note an input that could not be read (an "input.unreadable" finding). */
MD_API md_status md_bounce_batch_add_error(md_bounce_batch *b, const char *file,
                                           size_t index, const char *error);
/* Write summaries and findings into the report. Call once, at the end.
 * Returns the report's status (MD_OK, MD_ENOMEM), or MD_EIO when a sink
 * refused output (the summaries and findings are written all the same). */
MD_API md_status md_bounce_batch_finish(md_bounce_batch *b);
MD_API void md_bounce_batch_free(md_bounce_batch *b);

/* --- a whole source, on several threads --- */

/* An input that could not be read or a message that could not be parsed
 * (ERROR says why), in input order, on the calling thread. */
typedef void (*md_bounce_error_fn)(void *ud, const char *file, size_t index,
                                   const char *error);

typedef struct md_bounce_scan_opts {
	const md_bounce_opts *bounce; /* NULL: the defaults */
	const md_mime_opts *mime;     /* NULL: the defaults; its charsets serve
	                                 the calling thread only */
	unsigned jobs;                /* threads that parse: 0 one per online
	                                 CPU (at most 8), 1 none (all on the
	                                 calling thread) */
	md_bounce_error_fn on_error;  /* may be NULL */
	void *ud;
} md_bounce_scan_opts;

/*
 * Read every item of SRC, parse and classify each message, and add the
 * results to BATCH (md_bounce_batch_add) in input order: the batch gets
 * the same records, summaries and findings for any number of jobs.
 * Unreadable inputs and messages that fail to parse go to ON_ERROR and
 * md_bounce_batch_add_error; *NFAILED (may be NULL) counts them. Files
 * found in SRC's directories are read by the parsing threads (so
 * md_source_errors(SRC) does not count those that fail: *NFAILED does).
 * The batch is used from the calling thread only.
 * Errors: MD_EINVAL, MD_ENOMEM, MD_EIO (the batch's sink refused output:
 * reading stops there).
 */
MD_API md_status md_bounce_scan(md_source *src, const md_bounce_scan_opts *opts,
                                md_bounce_batch *batch, size_t *nfailed);

#ifdef __cplusplus
}
#endif
#endif
