/*
 * reply.h - incremental parser of SMTP server replies (RFC 5321 4.2),
 * safe on hostile input: bounded line length, line count and total size.
 *
 *   Reply-line     = *( Reply-code "-" [ textstring ] CRLF )
 *                    Reply-code [ SP textstring ] CRLF
 *   Reply-code     = %x32-35 %x30-35 %x30-39
 *   textstring     = 1*(%d09 / %d32-126)
 *
 * Bytes arrive in any pieces (one byte at a time, several replies at once);
 * md_smtp_rparse_feed() consumes up to the end of one complete reply and
 * says how much it used, so pipelined replies and data sent after a reply
 * (a STARTTLS injection) stay visible to the caller.
 *
 * Tolerated but recorded (a diagnostic tool reports them): bare LF line
 * ends, lines over the RFC limit but under the hard one, bytes outside
 * textstring (NUL, 8-bit, control characters).
 * Errors (the reply cannot be trusted): a line not starting with three
 * digits in range, a separator other than SP, "-" or end of line, a
 * continuation line whose code differs, a line over MD_SMTP_LINE_HARD_MAX,
 * more than MD_SMTP_REPLY_MAX_LINES lines.
 */
#ifndef MD_SMTP_REPLY_H
#define MD_SMTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with its CRLF. */
#define MD_SMTP_LINE_RFC_MAX 512
/* What we read before calling a line hostile (real servers stay far below). */
#define MD_SMTP_LINE_HARD_MAX 4096
/* RFC 5321 sets no bound on the lines of a reply; EHLO replies of real
 * servers have under 30. */
#define MD_SMTP_REPLY_MAX_LINES 128
/* The whole reply, all lines with their line ends. */
#define MD_SMTP_REPLY_MAX_BYTES (64 * 1024)

typedef enum md_smtp_rstate {
	MD_SMTP_R_MORE = 0,  /* need more bytes */
	MD_SMTP_R_DONE = 1,  /* a complete reply is in the parser */
	MD_SMTP_R_ERROR = 2  /* malformed; see md_smtp_rparser.error */
} md_smtp_rstate;

typedef struct md_smtp_reply {
	int code;              /* 200..559 */
	char esc[16];          /* RFC 3463 enhanced code of the first line, or "" */
	size_t nlines;
	/* Text of each line after "NNN-" / "NNN ", without the line end.
	 * Offsets into text, which joins the lines with '\n'. */
	size_t off[MD_SMTP_REPLY_MAX_LINES];
	size_t len[MD_SMTP_REPLY_MAX_LINES];
	md_buf text;
	md_buf raw;            /* the reply as received (for evidence) */
	bool overlong;         /* some line over MD_SMTP_LINE_RFC_MAX */
	bool bare_lf;          /* some line ended in LF without CR */
	bool bad_chars;        /* some byte outside textstring */
} md_smtp_reply;

typedef struct md_smtp_rparser {
	md_smtp_reply reply;
	md_buf line;           /* the line being read */
	size_t total;          /* bytes of the reply so far */
	md_smtp_rstate state;
	const char *error;     /* static text when state == MD_SMTP_R_ERROR */
} md_smtp_rparser;

void md_smtp_rparse_init(md_smtp_rparser *p);
void md_smtp_rparse_free(md_smtp_rparser *p);
/* Forget the finished reply (or error) and start on the next one. */
void md_smtp_rparse_reset(md_smtp_rparser *p);
/*
 * Feed N bytes. *USED is set to how many were consumed: all of them when
 * MD_SMTP_R_MORE is returned, up to and including the final line end when
 * MD_SMTP_R_DONE is returned. After DONE or ERROR, feed nothing more until
 * md_smtp_rparse_reset(). Out of memory is an error ("out of memory").
 */
md_smtp_rstate md_smtp_rparse_feed(md_smtp_rparser *p, const char *data, size_t n,
                                   size_t *used);

/* Line I of the reply as a slice. */
md_str md_smtp_reply_line(const md_smtp_reply *r, size_t i);

/*
 * Parse an RFC 3463 enhanced status code "class.subject.detail" at the
 * start of S (class 2, 4 or 5; subject 0-999; detail 0-999) into OUT
 * (at least 16 bytes). Returns its length, 0 when S does not start with one.
 */
size_t md_smtp_parse_esc(md_str s, char *out, size_t outlen);

#endif
