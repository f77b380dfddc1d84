/*
 * fetch.h - one bounded HTTPS GET through libcurl (library-internal; used
 * by MTA-STS and BIMI).
 *
 * HTTPS only, no redirects followed (RFC 8461 3.3: "HTTP 3xx redirects
 * MUST NOT be followed"; the Location is reported), no proxy when a
 * connect-to mapping is set, a body limit, an overall timeout. The host
 * name is resolved through the injected resolver and pinned with
 * CURLOPT_RESOLVE, so curl does no DNS of its own.
 */
#ifndef MD_MTASTS_FETCH_H
#define MD_MTASTS_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include <maildiag/dns.h>
#include <maildiag/mtasts.h>

#include "core/buf.h"

#define MD_FETCH_DEFAULT_TIMEOUT 10.0

typedef enum md_fetch_outcome {
	MD_FETCH_OK = 0,        /* a response arrived (any HTTP status) */
	MD_FETCH_NO_ADDRESS,    /* the host has no A/AAAA */
	MD_FETCH_DNS_FAILED,    /* resolving failed (SERVFAIL, timeout) */
	MD_FETCH_CONNECT,       /* could not connect */
	MD_FETCH_TLS,           /* TLS handshake failed (other than the certificate) */
	MD_FETCH_CERT,          /* certificate not trusted or not for this host */
	MD_FETCH_TIMEOUT,
	MD_FETCH_TOO_LARGE,     /* body over the limit */
	MD_FETCH_ERROR          /* anything else (curl's message says what) */
} md_fetch_outcome;

typedef struct md_fetch_result {
	md_fetch_outcome outcome;
	long http_status;       /* 0 when no response */
	char content_type[128]; /* "" when none */
	char location[512];     /* Location of a 3xx, "" when none */
	char error[256];        /* curl's message, "" when none */
	char address[64];       /* the address connected to, "" when none */
	md_buf body;            /* free with md_buf_free() */
	double seconds;
} md_fetch_result;

/*
 * GET URL (https://HOST/...) whose host is HOST, reading at most MAX body
 * bytes. Fills *OUT (always; free out->body). Returns MD_OK when the fetch
 * was attempted (its outcome is in OUT), MD_ENOMEM, MD_EINVAL for a URL
 * that is not https.
 */
md_status md_https_get(md_resolver *res, const char *url, const char *host,
                       const md_fetch_opts *o, size_t max, md_fetch_result *out);

const char *md_fetch_outcome_name(md_fetch_outcome o);

#endif
