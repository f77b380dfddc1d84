/*
 * maildiag/status.h - whether the tool worked (not what the mail verdict is).
 *
 * Every library call that can fail returns an md_status. A status says if
 * maildiag could do its job; verdicts (SPF results, findings) are data in
 * the results. Codes are never renumbered: new ones are appended.
 */
#ifndef MAILDIAG_STATUS_H
#define MAILDIAG_STATUS_H

#include <maildiag/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum md_status {
	MD_OK = 0,
	MD_ENOMEM = 1,   /* an allocation failed */
	MD_EINVAL = 2,   /* bad argument or malformed input */
	MD_ELIMIT = 3,   /* a named limit was exceeded */
	MD_ETIMEOUT = 4, /* a network operation timed out */
	MD_EIO = 5,      /* a file or socket could not be read or written */
	MD_ENOTFOUND = 6,/* the named file or object does not exist */
	MD_ENET = 7,     /* network or resolver failure */
	MD_EPARSE = 8,   /* input could not be parsed */
	MD_EINTERNAL = 9 /* a bug: please report it */
} md_status;

/* A short, static, English description of a status ("out of memory"). */
MD_API const char *md_status_str(md_status st);

#ifdef __cplusplus
}
#endif
#endif
