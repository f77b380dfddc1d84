/*
 * jsonzone.h - test helper: load the conformance suites' JSON zone maps
 * (name -> TXT string | [strings] | "TIMEOUT" | {"A": "addr", "TXT": ...})
 * into a fixture resolver through the public fixture API.
 */
#ifndef MD_TEST_JSONZONE_H
#define MD_TEST_JSONZONE_H

#include <jansson.h>
#include <maildiag/dns.h>

enum {
	JZ_LIST_IS_STRINGS = 0, /* a JSON list is one TXT RR's character-strings */
	JZ_LIST_IS_RECORDS = 1  /* a JSON list is several TXT RRs */
};

/* Add one TXT record whose text is S (split into 255-byte strings). */
int jz_add_txt(md_resolver *r, const char *name, const char *s);
/* Load every member of OBJ; returns 0 on success. */
int jz_load(md_resolver *r, json_t *obj, int list_mode);
/* Read a whole file; returns malloc'd bytes (NUL-terminated) or NULL. */
char *jz_read_file(const char *path, size_t *len);

#endif
