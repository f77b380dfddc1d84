/*
 * name.c - domain names: presentation form <-> uncompressed wire form.
 *
 * Grammar (RFC 1035 section 5.1, RFC 4343 for case):
 *     name    = "." / label *("." label) ["."]
 *     label   = 1*63(char / "\" DIGIT DIGIT DIGIT / "\" char)
 * A \DDD escape is a byte value 0..255; \X is X itself (so "\." is a dot
 * inside a label). ASCII letters are folded to lower case.
 * Limits: 63 octets per label, 255 octets per name in wire form
 * (RFC 1035 section 2.3.4).
 */
#include <string.h>

#include "core/ascii.h"
#include "dns/dns_internal.h"

const char *dns_name_parse(const char *s, size_t n, const dns_name *origin, dns_name *out)
{
	uint8_t label[DNS_LABEL_MAX + 1];
	size_t ll = 0, i = 0, o = 0, end = n;
	bool absolute = false;

	if (s == NULL || n == 0)
		return "empty name";
	if (n == 1 && s[0] == '.') {
		out->w[0] = 0;
		out->n = 1;
		return NULL;
	}
	/* Is the last character an unescaped dot? Walk the escapes to know. */
	while (i < n) {
		if (s[i] == '\\')
			i += (i + 1 < n && md_isdigit(s[i + 1])) ? 4 : 2;
		else if (s[i] == '.' && i == n - 1)
			absolute = true, i++;
		else
			i++;
	}
	if (absolute)
		end = n - 1;
	i = 0;
	for (;;) {
		if (i == end || s[i] == '.') {
			if (ll == 0)
				return "empty label";
			if (o + 1 + ll > DNS_NAME_WIRE_MAX - 1)
				return "name longer than 255 octets";
			out->w[o++] = (uint8_t)ll;
			memcpy(out->w + o, label, ll);
			o += ll;
			ll = 0;
			if (i == end)
				break;
			i++;
			continue;
		}
		if (ll == DNS_LABEL_MAX)
			return "label longer than 63 octets";
		if (s[i] == '\\') {
			if (i + 1 >= end)
				return "'\\' at the end of a name";
			if (md_isdigit(s[i + 1])) {
				unsigned v;

				if (i + 3 >= end || !md_isdigit(s[i + 2]) || !md_isdigit(s[i + 3]))
					return "bad \\DDD escape";
				v = (unsigned)(s[i + 1] - '0') * 100 + (unsigned)(s[i + 2] - '0') * 10 +
				    (unsigned)(s[i + 3] - '0');
				if (v > 255)
					return "\\DDD escape above 255";
				label[ll++] = (uint8_t)md_tolower((int)v);
				i += 4;
			} else {
				label[ll++] = (uint8_t)md_tolower((unsigned char)s[i + 1]);
				i += 2;
			}
			continue;
		}
		label[ll++] = (uint8_t)md_tolower((unsigned char)s[i]);
		i++;
	}
	if (!absolute && origin != NULL && origin->n > 1) {
		if (o + origin->n > DNS_NAME_WIRE_MAX)
			return "name longer than 255 octets";
		memcpy(out->w + o, origin->w, origin->n);
		o += origin->n;
	} else {
		out->w[o++] = 0;
	}
	out->n = o;
	return NULL;
}

const char *dns_name_from_wire(const uint8_t *p, size_t len, dns_name *out, size_t *used)
{
	size_t o = 0;

	for (;;) {
		size_t l;

		if (o >= len)
			return "name runs past the end of the data";
		l = p[o];
		if (l > DNS_LABEL_MAX)
			return "label longer than 63 octets (or a compression pointer)";
		if (o + 1 + l > len)
			return "name runs past the end of the data";
		if (o + 1 + l > DNS_NAME_WIRE_MAX)
			return "name longer than 255 octets";
		out->w[o] = (uint8_t)l;
		for (size_t k = 0; k < l; k++)
			out->w[o + 1 + k] = (uint8_t)md_tolower(p[o + 1 + k]);
		o += 1 + l;
		if (l == 0)
			break;
	}
	out->n = o;
	if (used != NULL)
		*used = o;
	return NULL;
}

/* Characters that must be escaped to read back as the same label. */
static bool special(uint8_t c)
{
	return c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')' ||
	       c == '@' || c == '$';
}

char *dns_name_text(const uint8_t *w, char *buf, size_t len)
{
	size_t o = 0, i = 0;

	if (len == 0)
		return buf;
	while (w[i] != 0) {
		size_t l = w[i++];

		if (o > 0 && o + 1 < len)
			buf[o++] = '.';
		for (size_t k = 0; k < l; k++, i++) {
			uint8_t c = w[i];

			if (o + 5 >= len)
				break;
			if (c > 0x20 && c < 0x7f) {
				if (special(c))
					buf[o++] = '\\';
				buf[o++] = (char)md_tolower(c);
			} else {
				buf[o++] = '\\';
				buf[o++] = (char)('0' + c / 100);
				buf[o++] = (char)('0' + c / 10 % 10);
				buf[o++] = (char)('0' + c % 10);
			}
		}
	}
	buf[o] = '\0';
	return buf;
}

size_t dns_name_labels(const uint8_t *w)
{
	size_t n = 0;

	while (*w != 0) {
		n++;
		w += *w + 1;
	}
	return n;
}

size_t dns_name_wlen(const uint8_t *w)
{
	size_t i = 0;

	while (w[i] != 0)
		i += (size_t)w[i] + 1;
	return i + 1;
}

bool dns_name_eq(const uint8_t *a, const uint8_t *b)
{
	size_t na = dns_name_wlen(a);

	return na == dns_name_wlen(b) && memcmp(a, b, na) == 0;
}
