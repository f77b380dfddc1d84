/*
 * eol.c - line-end rewriting for the tests (eol.h).
 */
#include "eol.h"

#include <stdlib.h>
#include <string.h>

char *test_with_eol(const char *p, size_t n, const char *eol, size_t *outlen)
{
	size_t el = strlen(eol), i, k = 0;
	/* at most two bytes per input byte: each line end becomes CRLF */
	char *o = malloc(n * 2 + 1);

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;
		if (p[i] == '\n' || p[i] == '\r') {
			memcpy(o + k, eol, el);
			k += el;
		} else
			o[k++] = p[i];
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}
