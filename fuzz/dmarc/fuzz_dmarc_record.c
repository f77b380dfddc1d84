/*
 * fuzz_dmarc_record.c - libFuzzer target for the DMARC record parser, the
 * tree-walk name list and the public-suffix organisational domain.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmarc/dmarc_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dmarc_record *rec = malloc(sizeof(*rec));
	char names[DMARC_WALK_MAX][256], org[256], d[256];
	size_t i, n;
	char *s;

	if (rec == NULL)
		return 0;
	dmarc_record_parse(rec, (const char *)data, size);
	for (i = 0; i < rec->nproblems; i++)
		if (rec->problems[i].offset > size)
			__builtin_trap();
	for (i = 0; i < rec->nrua; i++)
		if (rec->rua[i].domain.p &&
		    rec->rua[i].domain.p + rec->rua[i].domain.n > (const char *)data + size)
			__builtin_trap();
	(void)dmarc_record_usable(rec, MD_DMARC_RFC9989);
	(void)dmarc_record_usable(rec, MD_DMARC_RFC7489);
	free(rec);
	/* the same bytes as a domain name */
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (dmarc_norm_domain(s, d, sizeof(d))) {
		n = dmarc_walk_names(d, names, DMARC_WALK_MAX);
		if (n > DMARC_WALK_MAX)
			__builtin_trap();
		(void)dmarc_org_psl(d, org, sizeof(org));
	}
	free(s);
	return 0;
}
