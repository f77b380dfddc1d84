/*
 * fuzz_dnswire.c - the DNS reply parser (wire.c): parse the input as a
 * reply to its own question (or to example.com A when it has none), as
 * its CNAME, and print every decoded record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <maildiag/dns.h>

#include "core/arena.h"
#include "dns/dns_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(md_arena *a, const uint8_t *data, size_t size, const dns_name *qn, uint16_t qt)
{
	md_dns_result res;

	if (dns_wire_parse_reply(a, data, size, qn, qt, &res) != NULL)
		return;
	for (size_t k = 0; k < res.nrr; k++) {
		char *t = md_dns_rr_text(&res.rr[k]);

		free(t);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	md_arena *a = md_arena_new();
	dns_name qn;
	uint16_t qt;

	if (a == NULL)
		return 0;
	if (dns_wire_question(data, size, &qn, &qt) != NULL) {
		dns_name_parse("example.com", 11, NULL, &qn);
		qt = MD_DNS_A;
	}
	one(a, data, size, &qn, qt);
	one(a, data, size, &qn, MD_DNS_CNAME);
	md_arena_free(a);
	return 0;
}
