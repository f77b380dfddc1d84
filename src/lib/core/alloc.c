/*
 * alloc.c - the library allocator and its fault-injection hook.
 */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static long fail_countdown = -1;
static unsigned long failures;

static int should_fail(void)
{
	if (fail_countdown < 0)
		return 0;
	if (fail_countdown == 0) {
		failures++;
		return 1;
	}
	fail_countdown--;
	return 0;
}

void md_alloc_fail_after(long n)
{
	fail_countdown = n;
	failures = 0;
}

unsigned long md_alloc_failures(void)
{
	return failures;
}

void *md_malloc(size_t n)
{
	if (should_fail())
		return NULL;
	return malloc(n ? n : 1);
}

void *md_calloc(size_t nmemb, size_t size)
{
	if (should_fail())
		return NULL;
	return calloc(nmemb ? nmemb : 1, size ? size : 1);
}

void *md_realloc(void *p, size_t n)
{
	if (should_fail())
		return NULL;
	return realloc(p, n ? n : 1);
}

void md_free(void *p)
{
	free(p);
}

char *md_strndup(const char *s, size_t n)
{
	char *d = md_malloc(n + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *md_strdup(const char *s)
{
	return md_strndup(s, strlen(s));
}
