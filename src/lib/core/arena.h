/*
 * arena.h - region allocator: many small allocations freed in one call.
 *
 * A parsed message, a DNS answer set, a report: each owns one arena.
 * Allocation failure returns NULL; the arena stays usable.
 */
#ifndef MD_CORE_ARENA_H
#define MD_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <maildiag/visibility.h>

typedef struct md_arena md_arena;

md_arena *md_arena_new(void);
void md_arena_free(md_arena *a);             /* accepts NULL */
void *md_arena_alloc(md_arena *a, size_t n); /* aligned for any type */
void *md_arena_zalloc(md_arena *a, size_t n);
char *md_arena_strdup(md_arena *a, const char *s);
char *md_arena_strndup(md_arena *a, const char *s, size_t n);
void *md_arena_memdup(md_arena *a, const void *p, size_t n);
char *md_arena_printf(md_arena *a, const char *fmt, ...) MD_PRINTF(2, 3);
char *md_arena_vprintf(md_arena *a, const char *fmt, va_list ap);
/* Bytes handed out so far (for limits and tests). */
size_t md_arena_used(const md_arena *a);

#endif
