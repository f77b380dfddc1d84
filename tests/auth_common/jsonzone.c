/*
 * jsonzone.c - see jsonzone.h.
 */
#include "jsonzone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_strings(md_resolver *r, const char *name, const char *const *s, size_t n)
{
	unsigned char rd[65535];
	size_t k = 0, i;

	for (i = 0; i < n; i++) {
		size_t len = strlen(s[i]), off = 0;

		do {
			size_t part = len - off > 255 ? 255 : len - off;

			if (k + 1 + part > sizeof(rd))
				return -1;
			rd[k++] = (unsigned char)part;
			memcpy(rd + k, s[i] + off, part);
			k += part;
			off += part;
		} while (off < len);
	}
	return md_resolver_fixture_add(r, name, MD_DNS_TXT, 300, rd, k) == MD_OK ? 0 : -1;
}

int jz_add_txt(md_resolver *r, const char *name, const char *s)
{
	return add_strings(r, name, &s, 1);
}

static int add_a(md_resolver *r, const char *name, const char *addr)
{
	unsigned char rd[4];
	unsigned v[4];
	int i = 0;
	const char *p = addr;

	for (i = 0; i < 4; i++) {
		char *end;

		v[i] = (unsigned)strtoul(p, &end, 10);
		if (v[i] > 255 || (i < 3 && *end != '.'))
			return -1;
		rd[i] = (unsigned char)v[i];
		p = end + 1;
	}
	return md_resolver_fixture_add(r, name, MD_DNS_A, 300, rd, 4) == MD_OK ? 0 : -1;
}

static int load_value(md_resolver *r, const char *name, json_t *v, int mode)
{
	size_t i;

	if (json_is_string(v)) {
		if (strcmp(json_string_value(v), "TIMEOUT") == 0)
			return md_resolver_fixture_fault(r, name, 0, MD_DNS_TIMEOUT) == MD_OK ? 0
			                                                                      : -1;
		return jz_add_txt(r, name, json_string_value(v));
	}
	if (json_is_array(v)) {
		const char *s[64];
		size_t n = json_array_size(v);

		if (n > 64)
			return -1;
		for (i = 0; i < n; i++)
			s[i] = json_string_value(json_array_get(v, i));
		if (mode == JZ_LIST_IS_STRINGS)
			return add_strings(r, name, s, n);
		for (i = 0; i < n; i++)
			if (jz_add_txt(r, name, s[i]) != 0)
				return -1;
		return 0;
	}
	if (json_is_object(v)) {
		const char *type;
		json_t *val;

		json_object_foreach(v, type, val)
		{
			if (strcmp(type, "A") == 0) {
				if (json_is_array(val)) {
					for (i = 0; i < json_array_size(val); i++)
						if (add_a(
						        r, name,
						        json_string_value(json_array_get(val, i))))
							return -1;
				} else if (add_a(r, name, json_string_value(val))) {
					return -1;
				}
			} else if (strcmp(type, "TXT") == 0) {
				if (load_value(r, name, val, JZ_LIST_IS_RECORDS))
					return -1;
			}
		}
		return 0;
	}
	return -1;
}

int jz_load(md_resolver *r, json_t *obj, int mode)
{
	const char *name;
	json_t *v;

	if (obj == NULL)
		return 0;
	json_object_foreach(obj, name, v)
	{
		if (load_value(r, name, v, mode) != 0) {
			fprintf(stderr, "jsonzone: cannot load %s\n", name);
			return -1;
		}
	}
	return 0;
}

char *jz_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			char *nb = realloc(buf, cap ? cap * 2 : 65536);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}
