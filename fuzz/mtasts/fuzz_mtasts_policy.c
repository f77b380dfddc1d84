/*
 * fuzz_mtasts_policy.c - the MTA-STS policy parser, the _mta-sts and
 * _smtp._tls record parsers and MX pattern matching on hostile bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mtasts/sts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	md_sts_policy pol;
	md_sts_record rec;
	size_t i;

	if (md_sts_policy_parse(p, size, &pol)) {
		for (i = 0; i < pol.nmx; i++) {
			if (pol.mx[i].p < p || pol.mx[i].p + pol.mx[i].n > p + size)
				__builtin_trap();
			md_sts_mx_match(pol.mx[i], "mx.example.com");
			md_sts_mx_match(pol.mx[i], "");
		}
	}
	md_sts_record_parse(p, size, &rec);
	md_tlsrpt_record_parse(p, size, &rec);
	return 0;
}
