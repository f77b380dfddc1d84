/*
 * tagvalue.c - RFC 6376 section 3.2 tag-list parser (grammar in tagvalue.h).
 */
#include "tagvalue.h"

#include <string.h>

#include "ascii.h"

static bool is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_valchar(unsigned char c)
{
	return (c >= 0x21 && c <= 0x3a) || (c >= 0x3c && c <= 0x7e);
}

static void set_error(md_tag_list *l, size_t off, const char *msg)
{
	if (!l->error) {
		l->error = true;
		l->error_offset = off;
		l->error_msg = msg;
	}
}

static size_t skip_fws(const char *p, size_t n, size_t i)
{
	while (i < n && is_fws(p[i]))
		i++;
	return i;
}

bool md_tagvalue_parse(const char *p, size_t n, int flags, md_tag_list *l)
{
	size_t i = 0;

	memset(l, 0, sizeof(*l));
	while (i < n) {
		size_t name_start, name_end, val_start, val_end, j;
		md_tag *t;

		i = skip_fws(p, n, i);
		if (i >= n)
			break;
		if (p[i] == ';') { /* empty tag-spec: ";;" */
			set_error(l, i, "empty tag");
			i++;
			continue;
		}
		name_start = i;
		if (!md_isalpha(p[i])) {
			set_error(l, i, "tag name must start with a letter");
			if (!(flags & MD_TV_LENIENT))
				return false;
		}
		while (i < n && (md_isalnum(p[i]) || p[i] == '_'))
			i++;
		name_end = i;
		i = skip_fws(p, n, i);
		if (i >= n || p[i] != '=') {
			set_error(l, i, "expected '=' after tag name");
			if (!(flags & MD_TV_LENIENT))
				return false;
			while (i < n && p[i] != ';')
				i++;
			if (i < n)
				i++;
			continue;
		}
		i++;
		i = skip_fws(p, n, i);
		val_start = i;
		while (i < n && p[i] != ';') {
			if (!is_fws(p[i]) && !is_valchar((unsigned char)p[i])) {
				set_error(l, i, "invalid character in tag value");
				if (!(flags & MD_TV_LENIENT))
					return false;
			}
			i++;
		}
		val_end = i;
		while (val_end > val_start && is_fws(p[val_end - 1]))
			val_end--;
		if (i < n)
			i++; /* the ';' */
		if (name_end == name_start)
			continue;
		for (j = 0; j < l->count; j++) {
			if (l->tags[j].name.n == name_end - name_start &&
			    memcmp(l->tags[j].name.p, p + name_start, name_end - name_start) == 0 &&
			    !l->duplicate) {
				l->duplicate = true;
				l->duplicate_name = l->tags[j].name;
			}
		}
		if (l->count == MD_TAGVALUE_MAX_TAGS) {
			set_error(l, name_start, "too many tags");
			return false;
		}
		t = &l->tags[l->count++];
		t->name = (md_str){p + name_start, name_end - name_start};
		t->value = (md_str){p + val_start, val_end - val_start};
		t->offset = name_start;
	}
	return !l->error;
}

const md_str *md_tagvalue_get(const md_tag_list *l, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < l->count; i++)
		if (l->tags[i].name.n == n && memcmp(l->tags[i].name.p, name, n) == 0)
			return &l->tags[i].value;
	return NULL;
}
