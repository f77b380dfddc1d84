/*
 * unbound.c - live DNS through libunbound (placeholder until the backend
 * lands: reports that it is not available).
 */
#include <stdio.h>

#include "dns/dns_internal.h"

md_resolver *md_resolver_unbound_new(const md_unbound_opts *opts, char *err, size_t errlen)
{
	(void)opts;
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "live DNS is not built yet");
	return NULL;
}
