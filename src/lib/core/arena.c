/*
 * arena.c - region allocator with a chunk list; large requests get their
 * own chunk so a big allocation does not waste a whole standard chunk.
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

enum { ARENA_CHUNK = 8192 };

struct chunk {
	struct chunk *next;
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

struct md_arena {
	struct chunk *head;
	size_t total;
};

md_arena *md_arena_new(void)
{
	return md_calloc(1, sizeof(md_arena));
}

void md_arena_free(md_arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		md_free(c);
	}
	md_free(a);
}

void *md_arena_alloc(md_arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct chunk *c = a->head;
	size_t off;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - align)
		return NULL;
	n = (n + align - 1) & ~(align - 1);
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;

		if (size > SIZE_MAX - sizeof(struct chunk))
			return NULL;
		c = md_malloc(sizeof(struct chunk) + size);
		if (c == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		if (size > ARENA_CHUNK && a->head != NULL) {
			/* keep the current chunk on top: it still has room */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	off = c->used;
	c->used += n;
	a->total += n;
	return c->data + off;
}

void *md_arena_zalloc(md_arena *a, size_t n)
{
	void *p = md_arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void *md_arena_memdup(md_arena *a, const void *p, size_t n)
{
	void *d = md_arena_alloc(a, n);

	if (d != NULL && n > 0)
		memcpy(d, p, n);
	return d;
}

char *md_arena_strndup(md_arena *a, const char *s, size_t n)
{
	char *d = md_arena_alloc(a, n + 1);

	if (d == NULL)
		return NULL;
	if (n > 0)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *md_arena_strdup(md_arena *a, const char *s)
{
	return s == NULL ? NULL : md_arena_strndup(a, s, strlen(s));
}

char *md_arena_vprintf(md_arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *d;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	d = md_arena_alloc(a, (size_t)n + 1);
	if (d == NULL)
		return NULL;
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	return d;
}

char *md_arena_printf(md_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *d;

	va_start(ap, fmt);
	d = md_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return d;
}

size_t md_arena_used(const md_arena *a)
{
	return a->total;
}
