/*
 * curl_lazy.c - libcurl's functions, loaded on first use (curl_lazy.h).
 */
#include "curl_lazy.h"

#include <pthread.h>
#include <stdio.h>

#include "core/lazylib.h"

/* The sonames of libcurl's ABI 4: the OpenSSL build (libcurl4), then the
 * GnuTLS one (libcurl3-gnutls); the headers are the same. */
static const char *const sonames[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct md_curl fns;
static const struct md_curl *loaded;
static char failure[256];

#define LOOK(field, name) md_lazylib_fn(h, name, &fns.field, sizeof(fns.field), failure, sizeof(failure))

static void load(void)
{
	void *h = md_lazylib_open(sonames, sizeof(sonames) / sizeof(sonames[0]), failure,
	                          sizeof(failure));

	if (h == NULL)
		return;
	if (!LOOK(global_init, "curl_global_init") || !LOOK(easy_init, "curl_easy_init") ||
	    !LOOK(easy_setopt, "curl_easy_setopt") || !LOOK(easy_perform, "curl_easy_perform") ||
	    !LOOK(easy_getinfo, "curl_easy_getinfo") || !LOOK(easy_strerror, "curl_easy_strerror") ||
	    !LOOK(easy_cleanup, "curl_easy_cleanup") || !LOOK(slist_append, "curl_slist_append") ||
	    !LOOK(slist_free_all, "curl_slist_free_all"))
		return;
	/* once per process, as libcurl asks (it is not thread-safe itself:
	 * pthread_once makes it so) */
	if (fns.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(failure, sizeof(failure), "curl_global_init failed");
		return;
	}
	loaded = &fns;
}

const struct md_curl *md_curl_get(char *why, size_t whylen)
{
	pthread_once(&once, load);
	if (loaded == NULL && why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", failure);
	return loaded;
}
