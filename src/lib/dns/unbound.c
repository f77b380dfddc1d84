/*
 * unbound.c - the live resolver backend: libunbound, asynchronous.
 *
 * Set-up (DESIGN.md "DNS notes learned the hard way"):
 *   - forward to the system's resolvers (ub_ctx_resolvconf), to one given
 *     "ADDR" or "ADDR@PORT" (ub_ctx_set_fwd), or recurse from the root;
 *   - "do-not-query-localhost: no", so 127.0.0.1 forwarders work;
 *   - when forwarding, unbound's default local zones (RFC 6761 test.,
 *     invalid., localhost., onion., home.arpa., the RFC 1918 / TEST-NET /
 *     RFC 6303 reverse zones) are made transparent so the forwarder is
 *     asked for them like for any name;
 *   - "rrset-roundrobin: no" keeps records in the order served;
 *   - DNSSEC validation with a trust anchor file, or the system's root
 *     anchor when asked (opts->dnssec).
 * Questions go out with ub_resolve_async (a background thread);
 * md_dns_wait() polls ub_fd() and calls ub_process() until every question
 * is answered or its deadline (opts->timeout, default 5 s) passes; then
 * ub_cancel() and MD_DNS_TIMEOUT. Replies are decoded by wire.c from
 * answer_packet, so records look the same as the fixture's.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <unbound.h>

#include "core/alloc.h"
#include "core/ip.h"
#include "core/num.h"
#include "dns/dns_internal.h"

enum { DEFAULT_TIMEOUT_MS = 5000 };

/* unbound's default local zones (services/localzone.c and the AS112 /
 * RFC 6303 list); made transparent when forwarding. */
static const char *const default_local_zones[] = {
	"localhost.", "127.in-addr.arpa.",
	"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
	"0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
	"home.arpa.", "resolver.arpa.", "service.arpa.", "onion.", "test.", "invalid.",
	"10.in-addr.arpa.", "16.172.in-addr.arpa.", "17.172.in-addr.arpa.", "18.172.in-addr.arpa.",
	"19.172.in-addr.arpa.", "20.172.in-addr.arpa.", "21.172.in-addr.arpa.",
	"22.172.in-addr.arpa.", "23.172.in-addr.arpa.", "24.172.in-addr.arpa.",
	"25.172.in-addr.arpa.", "26.172.in-addr.arpa.", "27.172.in-addr.arpa.",
	"28.172.in-addr.arpa.", "29.172.in-addr.arpa.", "30.172.in-addr.arpa.",
	"31.172.in-addr.arpa.", "168.192.in-addr.arpa.", "0.in-addr.arpa.",
	"254.169.in-addr.arpa.", "2.0.192.in-addr.arpa.", "100.51.198.in-addr.arpa.",
	"113.0.203.in-addr.arpa.", "255.255.255.255.in-addr.arpa.", "d.f.ip6.arpa.",
	"8.e.f.ip6.arpa.", "9.e.f.ip6.arpa.", "a.e.f.ip6.arpa.", "b.e.f.ip6.arpa.",
	"8.b.d.0.1.0.0.2.ip6.arpa.", "64.100.in-addr.arpa.", "65.100.in-addr.arpa.",
	"66.100.in-addr.arpa.", "67.100.in-addr.arpa.", "68.100.in-addr.arpa.",
	"69.100.in-addr.arpa.", "70.100.in-addr.arpa.", "71.100.in-addr.arpa.",
	"72.100.in-addr.arpa.", "73.100.in-addr.arpa.", "74.100.in-addr.arpa.",
	"75.100.in-addr.arpa.", "76.100.in-addr.arpa.", "77.100.in-addr.arpa.",
	"78.100.in-addr.arpa.", "79.100.in-addr.arpa.", "80.100.in-addr.arpa.",
	"81.100.in-addr.arpa.", "82.100.in-addr.arpa.", "83.100.in-addr.arpa.",
	"84.100.in-addr.arpa.", "85.100.in-addr.arpa.", "86.100.in-addr.arpa.",
	"87.100.in-addr.arpa.", "88.100.in-addr.arpa.", "89.100.in-addr.arpa.",
	"90.100.in-addr.arpa.", "91.100.in-addr.arpa.", "92.100.in-addr.arpa.",
	"93.100.in-addr.arpa.", "94.100.in-addr.arpa.", "95.100.in-addr.arpa.",
	"96.100.in-addr.arpa.", "97.100.in-addr.arpa.", "98.100.in-addr.arpa.",
	"99.100.in-addr.arpa.", "100.100.in-addr.arpa.", "101.100.in-addr.arpa.",
	"102.100.in-addr.arpa.", "103.100.in-addr.arpa.", "104.100.in-addr.arpa.",
	"105.100.in-addr.arpa.", "106.100.in-addr.arpa.", "107.100.in-addr.arpa.",
	"108.100.in-addr.arpa.", "109.100.in-addr.arpa.", "110.100.in-addr.arpa.",
	"111.100.in-addr.arpa.", "112.100.in-addr.arpa.", "113.100.in-addr.arpa.",
	"114.100.in-addr.arpa.", "115.100.in-addr.arpa.", "116.100.in-addr.arpa.",
	"117.100.in-addr.arpa.", "118.100.in-addr.arpa.", "119.100.in-addr.arpa.",
	"120.100.in-addr.arpa.", "121.100.in-addr.arpa.", "122.100.in-addr.arpa.",
	"123.100.in-addr.arpa.", "124.100.in-addr.arpa.", "125.100.in-addr.arpa.",
	"126.100.in-addr.arpa.", "127.100.in-addr.arpa.",
};

/* Root trust anchors shipped by Debian (dns-root-data, unbound-anchor). */
static const char *const root_anchor_files[] = {
	"/usr/share/dns/root.key",
	"/var/lib/unbound/root.key",
	"/etc/unbound/root.key",
};

typedef struct ub_impl {
	struct ub_ctx *ctx;
	md_resolver *r;
	dns_entry *pending;
	long timeout_ms;
	bool validating;
	char timeout_why[64];
} ub_impl;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void unlink_pending(dns_entry *e)
{
	if (e->pprev == NULL)
		return;
	*e->pprev = e->pnext;
	if (e->pnext != NULL)
		e->pnext->pprev = e->pprev;
	e->pnext = NULL;
	e->pprev = NULL;
}

static void fill_from_result(md_resolver *r, dns_entry *e, int err, struct ub_result *res)
{
	ub_impl *u = r->impl;
	const char *why;

	if (err != 0 || res == NULL) {
		dns_fail(r, e, MD_DNS_ERROR, -1, err != 0 ? ub_strerror(err) : "no result");
		return;
	}
	if (res->bogus) {
		/* RFC 4035 section 5.5: a bogus answer is not an answer */
		dns_fail(r, e, MD_DNS_SERVFAIL, res->rcode,
		         res->why_bogus != NULL ? res->why_bogus : "DNSSEC validation failed");
		e->res.dnssec = MD_DNSSEC_BOGUS;
		return;
	}
	if (res->answer_packet == NULL || res->answer_len <= 0) {
		if (res->rcode == 2 || res->rcode == 5)
			dns_fail(r, e, MD_DNS_SERVFAIL, res->rcode,
			         res->rcode == 5 ? "refused" : "server failure");
		else
			dns_fail(r, e, MD_DNS_ERROR, res->rcode, "no reply packet");
		return;
	}
	why = dns_wire_parse_reply(r->arena, res->answer_packet, (size_t)res->answer_len, &e->name,
	                           e->type, &e->res);
	if (why != NULL) {
		char msg[128];

		snprintf(msg, sizeof(msg), "malformed reply: %s", why);
		dns_fail(r, e, MD_DNS_ERROR, res->rcode, msg);
		return;
	}
	if (e->res.outcome == MD_DNS_SERVFAIL && e->res.why == NULL)
		e->res.why = res->rcode == 5 ? "refused" : "server failure";
	else if (e->res.outcome == MD_DNS_ERROR && e->res.why == NULL) {
		e->res.why = md_arena_printf(r->arena, "rcode %d", res->rcode);
	}
	e->res.dnssec = res->secure && u->validating ? MD_DNSSEC_SECURE : MD_DNSSEC_INSECURE;
}

/* The resolver is reached through a small record passed as mydata. */
typedef struct ub_q {
	md_resolver *r;
	dns_entry *e;
} ub_q;

static void ub_callback(void *mydata, int err, struct ub_result *res)
{
	ub_q *q = mydata;
	dns_entry *e = q->e;
	md_resolver *r = q->r;

	if (e->done) {
		if (res != NULL)
			ub_resolve_free(res);
		return;
	}
	unlink_pending(e);
	fill_from_result(r, e, err, res);
	if (res != NULL)
		ub_resolve_free(res);
	dns_complete(r, e);
}

static void ub_ask(md_resolver *r, dns_entry *e)
{
	ub_impl *u = r->impl;
	ub_q *q = md_arena_zalloc(r->arena, sizeof(*q));
	char name[DNS_NAME_TEXT_MAX + 2];
	int rc;

	if (q == NULL) {
		dns_fail(r, e, MD_DNS_ERROR, -1, "out of memory");
		dns_complete(r, e);
		return;
	}
	q->r = r;
	q->e = e;
	snprintf(name, sizeof(name), "%s.", e->key);
	e->deadline = now_ms() + (double)u->timeout_ms;
	/* in flight before the call: the callback may come from another
	 * thread's result only through ub_process(), never during this call */
	e->pnext = u->pending;
	if (u->pending != NULL)
		u->pending->pprev = &e->pnext;
	e->pprev = &u->pending;
	u->pending = e;
	rc = ub_resolve_async(u->ctx, name, e->type, 1, q, ub_callback, &e->async_id);
	if (rc != 0) {
		unlink_pending(e);
		dns_fail(r, e, MD_DNS_ERROR, -1, ub_strerror(rc));
		dns_complete(r, e);
	}
}

static md_status ub_wait_all(md_resolver *r)
{
	ub_impl *u = r->impl;
	int fd = ub_fd(u->ctx);

	while (u->pending != NULL) {
		double now = now_ms(), next = -1;
		dns_entry *e;
		struct pollfd pfd;
		int prc;

		/* end the questions past their deadline, one at a time: the
		 * callbacks may submit more */
		for (e = u->pending; e != NULL; e = e->pnext)
			if (e->deadline <= now)
				break;
		if (e != NULL) {
			unlink_pending(e);
			ub_cancel(u->ctx, e->async_id);
			dns_fail(r, e, MD_DNS_TIMEOUT, -1, u->timeout_why);
			dns_complete(r, e);
			continue;
		}
		for (e = u->pending; e != NULL; e = e->pnext)
			if (next < 0 || e->deadline < next)
				next = e->deadline;
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		prc = poll(&pfd, 1, (int)(next - now) + 1);
		if (prc < 0 && errno != EINTR)
			return MD_ENET;
		if (prc > 0 && ub_process(u->ctx) != 0)
			return MD_ENET;
	}
	return MD_OK;
}

static void ub_destroy(md_resolver *r)
{
	ub_impl *u = r->impl;

	if (u == NULL)
		return;
	if (u->ctx != NULL)
		ub_ctx_delete(u->ctx);
	md_free(u);
}

static const dns_backend unbound_backend = {
	.name = "unbound",
	.ask = ub_ask,
	.wait = ub_wait_all,
	.destroy = ub_destroy,
};

/* "ADDR" or "ADDR@PORT", checked before unbound sees it. */
static bool valid_forward(const char *s, char *why, size_t len)
{
	const char *at = strchr(s, '@');
	size_t n = at != NULL ? (size_t)(at - s) : strlen(s);
	md_ip ip;
	uint64_t port;

	if (!md_ip_parse_n(s, n, &ip)) {
		snprintf(why, len, "not an IP address (want ADDR or ADDR@PORT)");
		return false;
	}
	if (at != NULL && (!md_parse_uint_c(at + 1, 65535, &port) || port == 0)) {
		snprintf(why, len, "bad port (want ADDR@PORT with PORT 1-65535)");
		return false;
	}
	return true;
}

md_resolver *md_resolver_unbound_new(const md_unbound_opts *opts, char *err, size_t errlen)
{
	md_unbound_opts none = {0};
	ub_impl *u;
	md_resolver *r;
	char dummy[1], why[160];
	int rc;
	bool forwarding;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (opts == NULL)
		opts = &none;
	if (opts->forward != NULL && !opts->recursive && !valid_forward(opts->forward, why, sizeof(why))) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	u = md_calloc(1, sizeof(*u));
	if (u == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u->timeout_ms = opts->timeout > 0 ? (long)(opts->timeout * 1000.0 + 0.5) : DEFAULT_TIMEOUT_MS;
	if (u->timeout_ms < 1)
		u->timeout_ms = 1;
	snprintf(u->timeout_why, sizeof(u->timeout_why), "no answer within %g s",
	         (double)u->timeout_ms / 1000.0);
	u->ctx = ub_ctx_create();
	if (u->ctx == NULL) {
		snprintf(err, errlen, "cannot create the libunbound context");
		md_free(u);
		return NULL;
	}
#define SETOPT(o, v)                                                                        \
	do {                                                                                    \
		if ((rc = ub_ctx_set_option(u->ctx, o, v)) != 0) {                                  \
			snprintf(err, errlen, "libunbound option %s %s: %s", o, v, ub_strerror(rc));    \
			goto fail;                                                                      \
		}                                                                                   \
	} while (0)
	if ((rc = ub_ctx_async(u->ctx, 1)) != 0) {
		snprintf(err, errlen, "libunbound async: %s", ub_strerror(rc));
		goto fail;
	}
	SETOPT("do-not-query-localhost:", "no");
	SETOPT("rrset-roundrobin:", "no");
	forwarding = !opts->recursive;
	if (opts->recursive) {
		/* the built-in root hints */
	} else if (opts->forward != NULL) {
		if ((rc = ub_ctx_set_fwd(u->ctx, opts->forward)) != 0) {
			snprintf(err, errlen, "%s", ub_strerror(rc));
			goto fail;
		}
	} else if ((rc = ub_ctx_resolvconf(u->ctx, NULL)) != 0) {
		snprintf(err, errlen, "cannot read /etc/resolv.conf: %s", ub_strerror(rc));
		goto fail;
	}
	if (opts->trust_anchor_file != NULL) {
		if (access(opts->trust_anchor_file, R_OK) != 0) {
			snprintf(err, errlen, "trust anchor %s: %s", opts->trust_anchor_file, strerror(errno));
			goto fail;
		}
		if ((rc = ub_ctx_add_ta_file(u->ctx, opts->trust_anchor_file)) != 0) {
			snprintf(err, errlen, "trust anchor %s: %s", opts->trust_anchor_file, ub_strerror(rc));
			goto fail;
		}
		u->validating = true;
	} else if (opts->dnssec) {
		for (size_t i = 0; i < sizeof(root_anchor_files) / sizeof(root_anchor_files[0]); i++) {
			if (access(root_anchor_files[i], R_OK) != 0)
				continue;
			if ((rc = ub_ctx_add_ta_file(u->ctx, root_anchor_files[i])) != 0) {
				snprintf(err, errlen, "trust anchor %s: %s", root_anchor_files[i],
				         ub_strerror(rc));
				goto fail;
			}
			u->validating = true;
			break;
		}
		if (!u->validating) {
			snprintf(err, errlen,
			         "DNSSEC asked for but no root trust anchor found (install dns-root-data, "
			         "or give a trust anchor file)");
			goto fail;
		}
	}
	if (forwarding) {
		for (size_t i = 0; i < sizeof(default_local_zones) / sizeof(default_local_zones[0]); i++)
			if ((rc = ub_ctx_zone_add(u->ctx, default_local_zones[i], "transparent")) != 0) {
				snprintf(err, errlen, "libunbound local zone %s: %s", default_local_zones[i],
				         ub_strerror(rc));
				goto fail;
			}
	}
#undef SETOPT
	r = dns_resolver_new(&unbound_backend, u);
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	u->r = r;
	return r;
fail:
	ub_ctx_delete(u->ctx);
	md_free(u);
	return NULL;
}
