/*
 * lazylib.h - a shared library opened when first needed (dlopen), for
 * the dependencies only one or two checks use.
 *
 * libcurl (HTTPS fetches) and libarchive (zipped reports) each pull in
 * a tree of libraries (TLS stacks, Kerberos, LDAP, ICU, the C++ runtime)
 * whose loading and relocation cost every run of maildiag some tens of
 * milliseconds, though most commands never call them. Their headers are
 * used at build time as usual; their functions are looked up here on
 * first use. Without the library installed, only the feature that needs
 * it fails, with the reason.
 */
#ifndef MD_CORE_LAZYLIB_H
#define MD_CORE_LAZYLIB_H

#include <stdbool.h>
#include <stddef.h>

/* dlopen the first of the N SONAMES that loads (the handle stays open for
 * the process); NULL with the reason in WHY. */
void *md_lazylib_open(const char *const *sonames, size_t n, char *why, size_t whylen);
/* Look NAME up in H into the function pointer at FN (FNSIZE bytes);
 * false with the reason in WHY. */
bool md_lazylib_fn(void *h, const char *name, void *fn, size_t fnsize, char *why,
                   size_t whylen);

#endif
