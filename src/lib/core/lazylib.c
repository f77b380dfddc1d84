/*
 * lazylib.c - dlopen and dlsym with the reasons kept (lazylib.h).
 */
#include "lazylib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

void *md_lazylib_open(const char *const *sonames, size_t n, char *why, size_t whylen)
{
	const char *err = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		void *h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);

		if (h != NULL)
			return h;
		if (err == NULL)
			err = dlerror();
	}
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "cannot load %s: %s", n > 0 ? sonames[0] : "?",
		         err ? err : "not found");
	return NULL;
}

bool md_lazylib_fn(void *h, const char *name, void *fn, size_t fnsize, char *why,
                   size_t whylen)
{
	void *p = dlsym(h, name);

	if (p == NULL || fnsize != sizeof(p)) {
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "the library lacks %s", name);
		return false;
	}
	/* POSIX: a dlsym result converts to a function pointer of the same size */
	memcpy(fn, &p, sizeof(p));
	return true;
}
