/*
 * ascii.h - locale-free character classes for protocol text.
 *
 * <ctype.h> depends on the locale and is undefined for negative chars;
 * mail and DNS grammars are defined on ASCII, so these never look at the
 * locale and accept any char value.
 */
#ifndef MD_CORE_ASCII_H
#define MD_CORE_ASCII_H

#include <stdbool.h>

static inline bool md_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool md_isalpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool md_isalnum(int c) { return md_isdigit(c) || md_isalpha(c); }
static inline bool md_isxdigit(int c) { return md_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static inline bool md_isspace(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
static inline bool md_iswsp(int c) { return c == ' ' || c == '\t'; }
static inline bool md_isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline bool md_isprint(int c) { return c >= 0x20 && c < 0x7f; }
static inline int md_tolower(int c) { return md_isupper(c) ? c + ('a' - 'A') : c; }
static inline int md_toupper(int c) { return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c; }
static inline int md_hexval(int c)
{
	if (md_isdigit(c))
		return c - '0';
	c = md_tolower(c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

#endif
