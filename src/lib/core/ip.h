/*
 * ip.h - IPv4/IPv6 addresses: parsing, formatting, CIDR matching, reverse
 * names and special-purpose ranges (RFC 6890 registries).
 */
#ifndef MD_CORE_IP_H
#define MD_CORE_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct md_ip {
	int family; /* 4 or 6; 0 when unset */
	uint8_t a[16];
} md_ip;

/* Parse dotted quad or IPv6 text. "::ffff:1.2.3.4" stays IPv6; use
 * md_ip_unmap() to get the IPv4 address out of it. */
bool md_ip_parse(const char *s, md_ip *out);
bool md_ip_parse_n(const char *s, size_t n, md_ip *out);
void md_ip_from_bytes(md_ip *ip, int family, const uint8_t *bytes);
/* IPv4-mapped IPv6 (::ffff:a.b.c.d) to IPv4; others unchanged. */
md_ip md_ip_unmap(md_ip ip);
/* Text form into BUF (at least 46 bytes). Returns BUF. */
const char *md_ip_str(const md_ip *ip, char *buf, size_t len);
/* "4.3.2.1.in-addr.arpa" or the ip6.arpa nibble name, into BUF (>= 74). */
const char *md_ip_reverse_name(const md_ip *ip, char *buf, size_t len);
/* Reverse-order labels without the suffix ("4.3.2.1"), for DNSBL names. */
const char *md_ip_reverse_labels(const md_ip *ip, char *buf, size_t len);
/* True when the first PREFIX bits of A and B are equal (same family). */
bool md_ip_prefix_match(const md_ip *a, const md_ip *b, unsigned prefix);

typedef enum md_ip_scope {
	MD_IP_GLOBAL = 0,
	MD_IP_PRIVATE,       /* RFC 1918, RFC 4193 ULA, RFC 6598 CGN */
	MD_IP_LOOPBACK,
	MD_IP_LINK_LOCAL,
	MD_IP_DOCUMENTATION, /* RFC 5737, RFC 3849 */
	MD_IP_UNSPECIFIED,   /* 0.0.0.0/8, :: */
	MD_IP_MULTICAST,
	MD_IP_RESERVED       /* 240/4, broadcast, benchmarking, ... */
} md_ip_scope;

md_ip_scope md_ip_classify(const md_ip *ip);
const char *md_ip_scope_name(md_ip_scope s);

#endif
