/*
 * ip.c - address parsing and classification; inet_pton does the parsing.
 */
#include "ip.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

bool md_ip_parse_n(const char *s, size_t n, md_ip *out)
{
	char tmp[64];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return md_ip_parse(tmp, out);
}

bool md_ip_parse(const char *s, md_ip *out)
{
	memset(out, 0, sizeof(*out));
	if (strchr(s, ':') != NULL) {
		if (inet_pton(AF_INET6, s, out->a) != 1)
			return false;
		out->family = 6;
		return true;
	}
	if (inet_pton(AF_INET, s, out->a) != 1)
		return false;
	out->family = 4;
	return true;
}

void md_ip_from_bytes(md_ip *ip, int family, const uint8_t *bytes)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = family;
	memcpy(ip->a, bytes, family == 4 ? 4 : 16);
}

md_ip md_ip_unmap(md_ip ip)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	md_ip v4;

	if (ip.family != 6 || memcmp(ip.a, mapped, 12) != 0)
		return ip;
	md_ip_from_bytes(&v4, 4, ip.a + 12);
	return v4;
}

const char *md_ip_str(const md_ip *ip, char *buf, size_t len)
{
	if (inet_ntop(ip->family == 4 ? AF_INET : AF_INET6, ip->a, buf,
	              (socklen_t)len) == NULL && len > 0)
		buf[0] = '\0';
	return buf;
}

const char *md_ip_reverse_labels(const md_ip *ip, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	int i;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (ip->family == 4) {
		snprintf(buf, len, "%u.%u.%u.%u", ip->a[3], ip->a[2], ip->a[1], ip->a[0]);
		return buf;
	}
	for (i = 15; i >= 0 && o + 4 < len; i--) {
		buf[o++] = hex[ip->a[i] & 0xf];
		buf[o++] = '.';
		buf[o++] = hex[ip->a[i] >> 4];
		buf[o++] = i > 0 ? '.' : '\0';
	}
	buf[o < len ? o : len - 1] = '\0';
	return buf;
}

const char *md_ip_reverse_name(const md_ip *ip, char *buf, size_t len)
{
	char labels[80];

	md_ip_reverse_labels(ip, labels, sizeof(labels));
	snprintf(buf, len, "%s.%s", labels, ip->family == 4 ? "in-addr.arpa" : "ip6.arpa");
	return buf;
}

bool md_ip_prefix_match(const md_ip *a, const md_ip *b, unsigned prefix)
{
	unsigned bytes = prefix / 8, bits = prefix % 8;
	unsigned max = a->family == 4 ? 32 : 128;

	if (a->family != b->family || prefix > max)
		return false;
	if (memcmp(a->a, b->a, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	return ((a->a[bytes] ^ b->a[bytes]) & (0xff00 >> bits)) == 0;
}

struct range {
	int family;
	const char *net;
	unsigned prefix;
	md_ip_scope scope;
};

/* RFC 6890 special-purpose registries, most specific first. */
static const struct range ranges[] = {
	{4, "0.0.0.0", 8, MD_IP_UNSPECIFIED},
	{4, "10.0.0.0", 8, MD_IP_PRIVATE},
	{4, "100.64.0.0", 10, MD_IP_PRIVATE},
	{4, "127.0.0.0", 8, MD_IP_LOOPBACK},
	{4, "169.254.0.0", 16, MD_IP_LINK_LOCAL},
	{4, "172.16.0.0", 12, MD_IP_PRIVATE},
	{4, "192.0.0.0", 24, MD_IP_RESERVED},
	{4, "192.0.2.0", 24, MD_IP_DOCUMENTATION},
	{4, "192.168.0.0", 16, MD_IP_PRIVATE},
	{4, "198.18.0.0", 15, MD_IP_RESERVED},
	{4, "198.51.100.0", 24, MD_IP_DOCUMENTATION},
	{4, "203.0.113.0", 24, MD_IP_DOCUMENTATION},
	{4, "224.0.0.0", 4, MD_IP_MULTICAST},
	{4, "240.0.0.0", 4, MD_IP_RESERVED},
	{6, "::", 128, MD_IP_UNSPECIFIED},
	{6, "::1", 128, MD_IP_LOOPBACK},
	{6, "fc00::", 7, MD_IP_PRIVATE},
	{6, "fe80::", 10, MD_IP_LINK_LOCAL},
	{6, "2001:db8::", 32, MD_IP_DOCUMENTATION},
	{6, "3fff::", 20, MD_IP_DOCUMENTATION},
	{6, "ff00::", 8, MD_IP_MULTICAST},
};

md_ip_scope md_ip_classify(const md_ip *in)
{
	md_ip ip = md_ip_unmap(*in), net;
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (ranges[i].family != ip.family)
			continue;
		md_ip_parse(ranges[i].net, &net);
		if (md_ip_prefix_match(&ip, &net, ranges[i].prefix))
			return ranges[i].scope;
	}
	return MD_IP_GLOBAL;
}

const char *md_ip_scope_name(md_ip_scope s)
{
	switch (s) {
	case MD_IP_GLOBAL: return "global";
	case MD_IP_PRIVATE: return "private";
	case MD_IP_LOOPBACK: return "loopback";
	case MD_IP_LINK_LOCAL: return "link-local";
	case MD_IP_DOCUMENTATION: return "documentation";
	case MD_IP_UNSPECIFIED: return "unspecified";
	case MD_IP_MULTICAST: return "multicast";
	case MD_IP_RESERVED: return "reserved";
	}
	return "unknown";
}
