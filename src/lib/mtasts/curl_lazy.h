/*
 * curl_lazy.h - libcurl, loaded when the first HTTPS fetch needs it.
 *
 * Linking libcurl loads some forty libraries (TLS stacks, Kerberos,
 * LDAP, SSH, HTTP/2, IDN) at every start of maildiag, about 25 ms,
 * though only the MTA-STS and BIMI checks fetch anything; so its
 * functions are looked up on first use (core/lazylib.h). The headers
 * (types, constants) are libcurl's own. A system without libcurl gets
 * an error from the fetch, not from every command.
 */
#ifndef MD_MTASTS_CURL_LAZY_H
#define MD_MTASTS_CURL_LAZY_H

#include <curl/curl.h>

struct md_curl {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode rc);
	void (*easy_cleanup)(CURL *c);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
};

/* libcurl's functions, loaded and initialised (curl_global_init) once,
 * thread-safely; NULL when it cannot be loaded, with the reason in
 * WHY (WHYLEN bytes). */
const struct md_curl *md_curl_get(char *why, size_t whylen);

#endif
