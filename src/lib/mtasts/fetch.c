/*
 * fetch.c - bounded HTTPS GET with libcurl (contract in fetch.h).
 */
#include "fetch.h"

#include <stdio.h>
#include <string.h>

#include "core/ip.h"
#include "curl_lazy.h"

const char *md_fetch_outcome_name(md_fetch_outcome o)
{
	static const char *const names[] = {
		"ok", "no_address", "dns_failed", "connect_failed", "tls_failed",
		"certificate_invalid", "timeout", "too_large", "error",
	};

	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

typedef struct sink {
	md_buf *body;
	bool too_large;
} sink;

static size_t write_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	sink *s = ud;
	size_t n = size * nmemb;

	if (md_buf_append(s->body, p, n) != MD_OK) {
		s->too_large = true;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	return n;
}

/* Resolve HOST through the resolver into "HOST:443:a,b" for CURLOPT_RESOLVE. */
static md_fetch_outcome resolve(md_resolver *res, const char *host, char *line, size_t len,
                                char *why, size_t whylen)
{
	static const uint16_t types[] = {MD_DNS_A, MD_DNS_AAAA};
	size_t t, k, n, naddr = 0;
	bool failed = false;

	n = (size_t)snprintf(line, len, "%s:443:", host);
	for (t = 0; t < 2; t++) {
		const md_dns_result *r;

		if (md_dns_query(res, host, types[t], &r) != MD_OK)
			return MD_FETCH_ERROR;
		if (md_dns_failed(r)) {
			failed = true;
			snprintf(why, whylen, "%s %s: %s", host, t == 0 ? "A" : "AAAA",
			         md_dns_outcome_name(r->outcome));
			continue;
		}
		for (k = 0; k < r->nrr; k++) {
			char buf[64];
			md_ip ip;

			if (r->rr[k].type != types[t])
				continue;
			md_ip_from_bytes(&ip, t == 0 ? 4 : 6, r->rr[k].addr);
			md_ip_str(&ip, buf, sizeof(buf));
			if (n + strlen(buf) + 4 >= len)
				break;
			n += (size_t)snprintf(line + n, len - n, t == 0 ? "%s%s" : "%s[%s]",
			                      naddr ? "," : "", buf);
			naddr++;
		}
	}
	if (naddr > 0)
		return MD_FETCH_OK;
	if (failed)
		return MD_FETCH_DNS_FAILED;
	snprintf(why, whylen, "%s has no A or AAAA record", host);
	return MD_FETCH_NO_ADDRESS;
}

md_status md_https_get(md_resolver *res, const char *url, const char *host,
                       const md_fetch_opts *o, size_t max, md_fetch_result *out)
{
	struct curl_slist *resolve_list = NULL, *connect_list = NULL;
	char line[1024], errbuf[CURL_ERROR_SIZE] = "";
	md_fetch_opts def = {0};
	sink s;
	const struct md_curl *cu;
	CURL *c;
	CURLcode rc;
	double t;
	const char *ct = NULL, *ip = NULL, *loc = NULL;

	if (o == NULL)
		o = &def;
	memset(out, 0, sizeof(*out));
	md_buf_init(&out->body, max);
	if (strncmp(url, "https://", 8) != 0)
		return MD_EINVAL;
	out->outcome = resolve(res, host, line, sizeof(line), out->error, sizeof(out->error));
	if (out->outcome != MD_FETCH_OK)
		return out->outcome == MD_FETCH_ERROR ? MD_ENOMEM : MD_OK;
	cu = md_curl_get(out->error, sizeof(out->error));
	if (cu == NULL) {
		out->outcome = MD_FETCH_ERROR;
		return MD_OK;
	}
	c = cu->easy_init();
	if (c == NULL)
		return MD_ENOMEM;
	resolve_list = cu->slist_append(NULL, line);
	if (resolve_list == NULL) {
		cu->easy_cleanup(c);
		return MD_ENOMEM;
	}
	if (o->connect_to != NULL) {
		connect_list = cu->slist_append(NULL, o->connect_to);
		if (connect_list == NULL) {
			cu->slist_free_all(resolve_list);
			cu->easy_cleanup(c);
			return MD_ENOMEM;
		}
		cu->easy_setopt(c, CURLOPT_CONNECT_TO, connect_list);
		cu->easy_setopt(c, CURLOPT_PROXY, "");
	}
	t = o->timeout > 0 ? o->timeout : MD_FETCH_DEFAULT_TIMEOUT;
	s.body = &out->body;
	s.too_large = false;
	cu->easy_setopt(c, CURLOPT_URL, url);
	cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	cu->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	cu->easy_setopt(c, CURLOPT_RESOLVE, resolve_list);
	cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu->easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(t * 1000));
	cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(t * 1000));
	cu->easy_setopt(c, CURLOPT_USERAGENT, "maildiag (+MTA-STS/BIMI check)");
	cu->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	cu->easy_setopt(c, CURLOPT_WRITEDATA, &s);
	cu->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	cu->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_file != NULL)
		cu->easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	/* RFC 8461 3.3: HTTP caching MUST NOT be used */
	rc = cu->easy_perform(c);
	cu->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->http_status);
	cu->easy_getinfo(c, CURLINFO_TOTAL_TIME, &out->seconds);
	if (cu->easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != NULL)
		snprintf(out->content_type, sizeof(out->content_type), "%s", ct);
	if (cu->easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc != NULL)
		snprintf(out->location, sizeof(out->location), "%s", loc);
	if (cu->easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != NULL)
		snprintf(out->address, sizeof(out->address), "%s", ip);
	if (rc != CURLE_OK)
		snprintf(out->error, sizeof(out->error), "%s", errbuf[0] ? errbuf : cu->easy_strerror(rc));
	switch (rc) {
	case CURLE_OK: out->outcome = MD_FETCH_OK; break;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST: out->outcome = MD_FETCH_CONNECT; break;
	case CURLE_OPERATION_TIMEDOUT: out->outcome = MD_FETCH_TIMEOUT; break;
	case CURLE_PEER_FAILED_VERIFICATION: out->outcome = MD_FETCH_CERT; break;
	case CURLE_SSL_CONNECT_ERROR: out->outcome = MD_FETCH_TLS; break;
	case CURLE_WRITE_ERROR:
		out->outcome = s.too_large ? MD_FETCH_TOO_LARGE : MD_FETCH_ERROR;
		break;
	default: out->outcome = MD_FETCH_ERROR; break;
	}
	cu->easy_cleanup(c);
	cu->slist_free_all(resolve_list);
	cu->slist_free_all(connect_list);
	return out->body.err == MD_ENOMEM ? MD_ENOMEM : MD_OK;
}
