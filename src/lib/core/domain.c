/*
 * domain.c - domain name syntax checks and normal form.
 */
#include "domain.h"

#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "ip.h"

bool md_domain_normalize(const char *name, char *out, size_t outlen, const char **why)
{
	size_t n = strlen(name), i, label = 0;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0) {
		*why = "empty name";
		return false;
	}
	if (n > MD_DOMAIN_MAX) {
		*why = "name longer than 253 octets";
		return false;
	}
	if (outlen < n + 1) {
		*why = "name too long";
		return false;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (label == 0) {
				*why = "empty label";
				return false;
			}
			label = 0;
		} else if (c >= 0x80) {
			*why = "non-ASCII name: give its A-label (xn--) form";
			return false;
		} else if (!md_isalnum(c) && c != '-' && c != '_') {
			*why = "character not allowed in a domain name";
			return false;
		} else if (++label > MD_LABEL_MAX) {
			*why = "label longer than 63 octets";
			return false;
		}
		out[i] = (char)md_tolower(c);
	}
	out[n] = '\0';
	return true;
}

bool md_domain_is_ip_literal(const char *name)
{
	md_ip ip;
	size_t n = strlen(name);

	if (n > 2 && name[0] == '[' && name[n - 1] == ']')
		return true;
	return md_ip_parse(name, &ip);
}

bool md_domain_in(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (n < s)
		return false;
	if (strcasecmp(name + n - s, suffix) != 0)
		return false;
	return n == s || name[n - s - 1] == '.';
}
