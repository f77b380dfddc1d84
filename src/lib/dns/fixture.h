/*
 * fixture.h - the zone-file fixture backend's store, shared by fixture.c
 * (records in memory, answering) and zonefile.c (the master-file reader).
 */
#ifndef MD_DNS_FIXTURE_H
#define MD_DNS_FIXTURE_H

#include "dns/dns_internal.h"

/* True when R is a fixture resolver. */
bool fx_is_fixture(const md_resolver *r);
/*
 * Add one record. STRICT applies the master-file rules (RFC 1034 section
 * 3.6.2: a CNAME cannot sit beside other data). Identical records are
 * kept once (RFC 2181 section 5). Returns NULL or a static reason.
 */
const char *fx_add(md_resolver *r, const dns_name *owner, uint16_t type, uint32_t ttl,
                   const uint8_t *rdata, size_t rdlen, bool strict);
/* Add a fault; NULL or a static reason. */
const char *fx_fault(md_resolver *r, const dns_name *owner, uint16_t type,
                     md_dns_outcome outcome);

#endif
