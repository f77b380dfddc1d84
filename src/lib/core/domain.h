/*
 * domain.h - domain name syntax for names a user or a record gives us.
 *
 * A checked name is ASCII, labels of 1..63 octets of letters, digits,
 * hyphens and underscores (underscores occur in _dmarc, _domainkey and
 * SRV-style names), at most 253 octets without the trailing dot
 * (RFC 1035 section 2.3.4, RFC 2181 section 11).
 */
#ifndef MD_CORE_DOMAIN_H
#define MD_CORE_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#define MD_DOMAIN_MAX 253 /* RFC 1035 2.3.4: 255 octets on the wire */
#define MD_LABEL_MAX 63

/*
 * Check NAME and write its normal form (lower case, no trailing dot) into
 * OUT (at least MD_DOMAIN_MAX + 1 bytes). On failure returns false and
 * points *WHY at a static reason.
 */
bool md_domain_normalize(const char *name, char *out, size_t outlen, const char **why);
/* True when NAME is a dotted-quad or IPv6 literal rather than a name. */
bool md_domain_is_ip_literal(const char *name);
/* True when NAME equals SUFFIX or ends with "." SUFFIX (case-insensitive). */
bool md_domain_in(const char *name, const char *suffix);

#endif
