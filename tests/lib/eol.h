/*
 * eol.h - the line-end rewriting the tests share: a message as it is on
 * disk (LF), and the same message with CRLF or bare-CR line ends, must
 * read the same.
 */
#ifndef MD_TESTS_EOL_H
#define MD_TESTS_EOL_H

#include <stddef.h>

/* P[0..N) with every line end (LF, CRLF or CR) written as EOL: malloc'd,
 * NUL-terminated, its length in *OUTLEN; NULL when out of memory. */
char *test_with_eol(const char *p, size_t n, const char *eol, size_t *outlen);

#endif
