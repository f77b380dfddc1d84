/*
 * alloc.h - the one allocator of libmaildiag, with a fault-injection hook.
 *
 * Every allocation in the library goes through md_malloc and friends so a
 * torture test can fail the Nth allocation and prove that MD_ENOMEM is
 * returned cleanly with nothing leaked.
 */
#ifndef MD_CORE_ALLOC_H
#define MD_CORE_ALLOC_H

#include <stddef.h>

void *md_malloc(size_t n);
void *md_calloc(size_t nmemb, size_t size);
void *md_realloc(void *p, size_t n);
void md_free(void *p);
char *md_strdup(const char *s);
char *md_strndup(const char *s, size_t n);

/*
 * Testing hook: after N more successful allocations, every allocation
 * fails until reset with a negative N. Not thread-safe; tests only.
 */
void md_alloc_fail_after(long n);
/* How many allocations have failed because of the hook. */
unsigned long md_alloc_failures(void);

#endif
