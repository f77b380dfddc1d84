/*
 * maildiag/mime.h - read an Internet message (RFC 5322, MIME RFC 2045-2049)
 * from untrusted bytes, and find the messages in files, mboxes, Maildirs
 * and stdin.
 *
 * md_message_parse() splits a message into header fields and a tree of
 * MIME parts. Nothing is lost: every header field keeps its raw bytes
 * (name, colon, value with its folding and its original line ends) and
 * every part keeps its raw body bytes exactly as received, so DKIM can
 * canonicalise what was signed. Alongside, each field has an unfolded
 * value and a decoded one (RFC 2047 encoded words, charsets to UTF-8).
 * Bodies are transfer-decoded (base64, quoted-printable) and converted to
 * UTF-8 on request.
 *
 * Line ends: LF, CRLF and bare CR are all accepted, mixed or not; raw
 * bytes keep whatever was received.
 *
 * Structured bodies are parsed too: message/rfc822 (and message/global)
 * has one child part, the enclosed message; text/rfc822-headers (and
 * message/global-headers) has one child holding the header fields;
 * message/delivery-status (RFC 3464) and message/feedback-report
 * (RFC 5965) are read as "blocks" of header-like fields separated by
 * blank lines (per-message block first, then one per recipient).
 *
 * Hostile input never crashes the reader: depth, part count, header
 * count and sizes have named limits (md_mime_limits). When one is hit the
 * reader stops descending or truncates at that point, keeps what it has,
 * and records a defect (md_message_defect) that md_message_report_defects()
 * turns into a finding.
 *
 * Memory: a message owns one arena; every pointer handed out (fields,
 * parts, decoded text) lives until md_message_free(). A message is not
 * thread-safe (decoded bodies are cached on first use); use one per thread.
 */
#ifndef MAILDIAG_MIME_H
#define MAILDIAG_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <maildiag/report.h>
#include <maildiag/status.h>
#include <maildiag/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Limits. Zero in any member means the default (MD_MIME_DEFAULT_*).
 */
typedef struct md_mime_limits {
	size_t max_depth;        /* nesting of multiparts and enclosed messages */
	size_t max_parts;        /* parts in the whole tree */
	size_t max_fields;       /* header fields in one header block */
	size_t max_header_bytes; /* bytes of one header block */
	size_t max_message_bytes;/* bytes of the whole message */
	size_t max_decoded_bytes;/* bytes of one decoded body */
} md_mime_limits;

/* Postfix's mime_nesting_limit is 100; real mail nests a handful deep
 * (a bounce: multipart/report > message/rfc822 > multipart/alternative). */
#define MD_MIME_DEFAULT_MAX_DEPTH 32
#define MD_MIME_DEFAULT_MAX_PARTS 1000
/* Postfix header_size_limit is 102400 bytes per field; we bound the block. */
#define MD_MIME_DEFAULT_MAX_FIELDS 2000
#define MD_MIME_DEFAULT_MAX_HEADER_BYTES (1024 * 1024)
/* Postfix message_size_limit defaults to 10240000; bounces with an
 * enclosed original can be larger, so we read up to 64 MiB. */
#define MD_MIME_DEFAULT_MAX_MESSAGE_BYTES (64u * 1024 * 1024)
#define MD_MIME_DEFAULT_MAX_DECODED_BYTES (64u * 1024 * 1024)

/* Options for md_message_parse(). Zero-initialise and set what you need. */
/*
 * Open charset conversions (iconv descriptors) kept across messages.
 * Opening a conversion loads its gconv module, and closing the last one
 * unloads it: a mailbox of Japanese bounces would load and unload the
 * ISO-2022-JP module once per message. One md_charsets given to every
 * md_message_parse keeps them open. Not thread-safe: use one per thread,
 * and free it after the last message parsed with it.
 */
typedef struct md_iconv_cache md_charsets;
/* NULL when out of memory. */
MD_API md_charsets *md_charsets_new(void);
/* Accepts NULL. */
MD_API void md_charsets_free(md_charsets *c);

typedef struct md_mime_opts {
	md_mime_limits limits;
	/* When true the message points into the caller's bytes instead of
	 * copying them: they must then outlive the message. */
	bool no_copy;
	/* Conversions shared across messages (NULL: each message opens its
	 * own); must outlive the message. */
	md_charsets *charsets;
} md_mime_opts;

typedef struct md_message md_message;
typedef struct md_mime_part md_mime_part;
typedef struct md_fields md_fields;

/*
 * One header field (or one field of a delivery-status block). Never
 * allocate this yourself; it belongs to its message.
 */
typedef struct md_header {
	const char *name;      /* the field name as received, NUL-terminated */
	const char *raw;       /* the whole field: name, colon, value, every
	                          folded line and the final line end (raw_len) */
	size_t raw_len;
	const char *raw_value; /* the bytes after the colon up to (not incl.)
	                          the final line end: folding and the original
	                          line ends kept (raw_value_len) */
	size_t raw_value_len;
	const char *unfolded;  /* raw_value with every CR and LF removed
	                          (RFC 5322 section 2.2.3 unfolding), not
	                          decoded, not trimmed; NUL-terminated */
	const char *value;     /* unfolded, trimmed, RFC 2047 encoded words
	                          decoded to UTF-8; NUL-terminated (a NUL
	                          byte from the input may occur before
	                          value_len) */
	size_t value_len;
} md_header;

/* --- parsing --- */

/*
 * Parse LEN bytes at DATA as one message. On success *OUT is a new message
 * (free it with md_message_free) even when the input was malformed or a
 * limit was hit: defects say what was wrong. A leading mbox "From " line
 * is skipped. OPTS may be NULL.
 * Errors: MD_EINVAL (NULL arguments), MD_ENOMEM. MD_ELIMIT when the
 * message is larger than max_message_bytes (nothing is parsed).
 */
MD_API md_status md_message_parse(const void *data, size_t len,
                                  const md_mime_opts *opts, md_message **out);
/* Free the message and everything it handed out. Accepts NULL. */
MD_API void md_message_free(md_message *m);

/* The raw bytes of the whole message as parsed (after a skipped From_ line). */
MD_API const char *md_message_raw(const md_message *m, size_t *len);
/* The top-level part: the message itself (its headers are the message's). */
MD_API const md_mime_part *md_message_root(const md_message *m);
/* Number of parts in the whole tree (the root counts). */
MD_API size_t md_message_part_count(const md_message *m);

/* --- defects: malformed input and limits hit --- */

/*
 * Defect I: ID is a stable dotted id ("mime.depth_limit",
 * "mime.boundary_missing", ...); the return value is a one-line detail.
 * Returns NULL when I is out of range.
 */
MD_API size_t md_message_defect_count(const md_message *m);
MD_API const char *md_message_defect(const md_message *m, size_t i,
                                     const char **id);
/* Add one finding per defect to REPORT (limits are warnings, malformed
 * structure notices), SUBJECT naming the input. */
MD_API md_status md_message_report_defects(const md_message *m, md_report *r,
                                           const char *subject);

/* --- header fields --- */

/* The header fields of a part in the order received. */
MD_API const md_fields *md_part_headers(const md_mime_part *p);
MD_API size_t md_fields_count(const md_fields *f);
MD_API const md_header *md_fields_at(const md_fields *f, size_t i);
/* The NTH (0-based) field named NAME (case-insensitive), or NULL. */
MD_API const md_header *md_fields_find(const md_fields *f, const char *name,
                                       size_t nth);
/* How many fields are named NAME. */
MD_API size_t md_fields_count_name(const md_fields *f, const char *name);
/* The decoded value of the first field named NAME, or NULL. */
MD_API const char *md_fields_get(const md_fields *f, const char *name);
/* Raw bytes of the whole header block, without the blank line that ends it. */
MD_API const char *md_fields_raw(const md_fields *f, size_t *len);

/* --- parts --- */

/* The media type, lowercase "type/subtype"; "text/plain" when absent or
 * unparseable (RFC 2045 section 5.2), "message/rfc822" as the default
 * inside multipart/digest. Never NULL. */
MD_API const char *md_part_type(const md_mime_part *p);
/* A Content-Type parameter (NAME lowercase, e.g. "charset", "boundary",
 * "report-type"), unquoted; NULL when absent. */
MD_API const char *md_part_param(const md_mime_part *p, const char *name);
/* The Content-Transfer-Encoding, lowercase; "7bit" when absent. */
MD_API const char *md_part_encoding(const md_mime_part *p);
/* Nesting depth: 0 for the root. */
MD_API size_t md_part_depth(const md_mime_part *p);
MD_API const md_mime_part *md_part_parent(const md_mime_part *p);
/* Children: the parts of a multipart, or the one enclosed message of a
 * message/rfc822 part, or the header-only part of text/rfc822-headers. */
MD_API size_t md_part_child_count(const md_mime_part *p);
MD_API const md_mime_part *md_part_child(const md_mime_part *p, size_t i);
/* True for a part made from an enclosed message or header block. */
MD_API bool md_part_is_message(const md_mime_part *p);

/* The body bytes exactly as received: from after the blank line that
 * ends the headers to the end of the part (for a part of a multipart,
 * up to the line end before the next boundary, RFC 2046 section 5.1.1). */
MD_API const char *md_part_raw_body(const md_mime_part *p, size_t *len);
/*
 * The body with its Content-Transfer-Encoding undone (base64,
 * quoted-printable; other encodings as received). NUL-terminated; *LEN
 * (may be NULL) gets the length. NULL only when out of memory.
 */
MD_API const char *md_part_decoded(const md_mime_part *p, size_t *len);
/*
 * The body decoded and converted to UTF-8 from its charset (iconv; the
 * charset parameter, else UTF-8 when the bytes are valid UTF-8, else
 * ISO-8859-1). Bytes that cannot be converted become U+FFFD.
 * NUL-terminated. NULL only when out of memory.
 */
MD_API const char *md_part_text(const md_mime_part *p, size_t *len);

/*
 * Fields of a message/delivery-status, message/global-delivery-status or
 * message/feedback-report part: BLOCK 0 is the per-message block, later
 * ones the per-recipient blocks (RFC 3464 section 2.1). Zero blocks for
 * other types.
 */
MD_API size_t md_part_block_count(const md_mime_part *p);
MD_API const md_fields *md_part_block(const md_mime_part *p, size_t i);

/*
 * Walk the tree depth-first in document order: start with
 * md_message_root(); returns NULL after the last part.
 */
MD_API const md_mime_part *md_part_next(const md_mime_part *p);

/* --- helpers on field text --- */

/*
 * Decode RFC 2047 encoded words in TEXT (LEN bytes) into UTF-8, appending
 * into a new string allocated from message M's arena. NULL when out of
 * memory.
 */
MD_API const char *md_message_decode_words(md_message *m, const char *text,
                                           size_t len);

/* --- inputs: files, mboxes, directories, Maildirs, stdin --- */

typedef struct md_source md_source;

/* Biggest file (or stdin) read as input. */
#define MD_SOURCE_DEFAULT_MAX_FILE_BYTES (256u * 1024 * 1024)

typedef struct md_source_opts {
	size_t max_file_bytes; /* 0: MD_SOURCE_DEFAULT_MAX_FILE_BYTES */
} md_source_opts;

/*
 * One item from a source: a message (data != NULL) or an input that could
 * not be read (status != MD_OK, error says why). FILE names the input
 * ("-" for stdin); INDEX is the 1-based position of the message in it
 * (an mbox holds several). Valid until the next md_source_next().
 */
typedef struct md_source_item {
	const char *file;
	size_t index;
	const char *data;
	size_t len;
	md_status status;
	const char *error;
} md_source_item;

/* A new source reading nothing yet. OPTS may be NULL. NULL when out of memory. */
MD_API md_source *md_source_new(const md_source_opts *opts);
MD_API void md_source_free(md_source *s);
/*
 * Queue PATH: "-" is stdin; a regular file is one message, or an mbox
 * when it starts with "From "; a directory is read in name order (a
 * Maildir's cur/ and new/ are read, tmp/ is not; dot files are skipped).
 * Paths are opened when their turn comes, so a missing file is reported
 * by md_source_next() in order. MD_ENOMEM only.
 */
MD_API md_status md_source_add(md_source *s, const char *path);
/*
 * Queue a message held in memory (NAME is shown as its file).
 */
MD_API md_status md_source_add_buffer(md_source *s, const char *name,
                                      const void *data, size_t len);
/*
 * The next item into *ITEM. Returns true while there is one; false at
 * the end. An unreadable input gives one item with status set and the
 * source moves on to the next input.
 */
MD_API bool md_source_next(md_source *s, md_source_item *item);
/* How many inputs could not be read so far. */
MD_API size_t md_source_errors(const md_source *s);

#ifdef __cplusplus
}
#endif
#endif
