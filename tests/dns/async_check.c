/*
 * async_check.c - the resolver core with the libunbound backend against
 * the NSD of integration.sh: many questions in flight at once, a callback
 * that asks more (MX, then each exchange's A), the same question asked
 * twice while in flight (one query sent), cache hits after the wait.
 * Usage: async_check PORT ; prints "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <maildiag/dns.h>

static int pass, failed;

#define CHECK(cond, ...)                                 \
	do {                                                 \
		if (cond)                                        \
			pass++;                                      \
		else {                                           \
			failed++;                                    \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                \
			fputc('\n', stderr);                         \
		}                                                \
	} while (0)

typedef struct state {
	md_resolver *r;
	int mx_done, addr_done, dup_done;
	char addrs[512];
} state;

static void on_addr(void *ud, const md_dns_result *res)
{
	state *s = ud;

	s->addr_done++;
	for (size_t i = 0; i < res->nrr; i++) {
		size_t o = strlen(s->addrs);

		snprintf(s->addrs + o, sizeof(s->addrs) - o, "%s%s=%u.%u.%u.%u", o ? " " : "",
		         res->qname, res->rr[i].addr[0], res->rr[i].addr[1], res->rr[i].addr[2],
		         res->rr[i].addr[3]);
	}
}

static void on_mx(void *ud, const md_dns_result *res)
{
	state *s = ud;

	s->mx_done++;
	for (size_t i = 0; i < res->nrr; i++)
		md_dns_submit(s->r, res->rr[i].name, MD_DNS_A, on_addr, s);
}

static void on_dup(void *ud, const md_dns_result *res)
{
	state *s = ud;

	(void)res;
	s->dup_done++;
}

int main(int argc, char **argv)
{
	char fwd[64], err[256];
	md_unbound_opts o = {.timeout = 3};
	state s = {0};
	const md_dns_result *res;
	size_t sent;

	if (argc != 2) {
		fprintf(stderr, "usage: async_check PORT\n");
		return 2;
	}
	snprintf(fwd, sizeof(fwd), "127.0.0.1@%s", argv[1]);
	o.forward = fwd;
	s.r = md_resolver_unbound_new(&o, err, sizeof(err));
	if (s.r == NULL) {
		fprintf(stderr, "resolver: %s\n", err);
		return 1;
	}
	CHECK(md_dns_submit(s.r, "example.com", MD_DNS_MX, on_mx, &s) == MD_OK, "submit");
	CHECK(md_dns_submit(s.r, "www.example.com", MD_DNS_A, on_dup, &s) == MD_OK, "submit");
	CHECK(md_dns_submit(s.r, "WWW.example.com.", MD_DNS_A, on_dup, &s) == MD_OK, "submit");
	CHECK(md_dns_submit(s.r, "nothere.example.com", MD_DNS_TXT, on_dup, &s) == MD_OK, "submit");
	CHECK(md_dns_submit(s.r, "a..b", MD_DNS_A, on_dup, &s) == MD_OK, "invalid name");
	CHECK(s.dup_done == 1, "the invalid name is answered at once: %d", s.dup_done);
	CHECK(s.mx_done == 0, "nothing answered before the wait");
	CHECK(md_dns_wait(s.r) == MD_OK, "wait");
	CHECK(s.mx_done == 1, "mx callback: %d", s.mx_done);
	CHECK(s.addr_done == 2, "address callbacks from inside the MX callback: %d", s.addr_done);
	CHECK(s.dup_done == 4, "every waiter called: %d", s.dup_done);
	CHECK(strstr(s.addrs, "mx1.example.com=192.0.2.25") != NULL, "addrs: %s", s.addrs);
	CHECK(strstr(s.addrs, "mx2.example.net=198.51.100.25") != NULL, "addrs: %s", s.addrs);
	sent = md_resolver_queries_sent(s.r);
	CHECK(sent == 5, "queries sent: %zu (MX, www A once, nothere TXT, two A)", sent);
	CHECK(md_dns_query(s.r, "www.example.com", MD_DNS_A, &res) == MD_OK, "query");
	CHECK(res->outcome == MD_DNS_ANSWER && res->ncname == 2 &&
	          strcmp(res->canonical, "host.example.net") == 0,
	      "www: %s %zu %s", md_dns_outcome_name(res->outcome), res->ncname, res->canonical);
	CHECK(md_dns_query(s.r, "nothere.example.com", MD_DNS_TXT, &res) == MD_OK &&
	          res->outcome == MD_DNS_NXDOMAIN && res->rcode == 3,
	      "nxdomain");
	CHECK(md_resolver_queries_sent(s.r) == sent, "answers came from the cache");
	CHECK(md_dns_wait(s.r) == MD_OK, "wait with nothing in flight");
	md_resolver_free(s.r);
	printf("%d passed, %d failed\n", pass, failed);
	return failed != 0;
}
