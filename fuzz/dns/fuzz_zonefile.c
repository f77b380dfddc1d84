/*
 * fuzz_zonefile.c - the RFC 1035 master-file reader of the fixture
 * backend: load the input as zone text, then ask a few questions and
 * print every record in presentation form.
 */
#include <stdint.h>
#include <stdlib.h>

#include <maildiag/dns.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *name;
		uint16_t type;
	} q[] = {
		{"example.com", MD_DNS_SOA},  {"example.com", MD_DNS_MX},
		{"example.com", MD_DNS_TXT},  {"www.example.com", MD_DNS_A},
		{"www.example.com", MD_DNS_AAAA}, {"a.b.example.com", MD_DNS_TXT},
		{"x.wild.example.com", MD_DNS_A}, {"example.com", MD_DNS_CNAME},
		{"_domainkey.example.com", MD_DNS_TXT}, {"x", MD_DNS_SPF},
		{"example.com", 65280},       {".", MD_DNS_NS},
	};
	md_resolver *r = md_resolver_fixture_new();
	char err[256];

	if (r == NULL)
		return 0;
	if (md_resolver_fixture_load_text(r, "fuzz", (const char *)data, size, "example.com", err,
	                                  sizeof(err)) == MD_OK) {
		for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
			const md_dns_result *res;

			if (md_dns_query(r, q[i].name, q[i].type, &res) != MD_OK)
				continue;
			for (size_t k = 0; k < res->nrr; k++)
				free(md_dns_rr_text(&res->rr[k]));
		}
	}
	md_resolver_free(r);
	return 0;
}
