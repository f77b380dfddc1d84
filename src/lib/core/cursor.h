/*
 * cursor.h - read untrusted bytes with a sticky error.
 *
 * Once a read fails (past the end), every later read fails too and returns
 * zeros, so a sequence of reads is checked once at the end:
 *     md_cursor c; md_cursor_init(&c, p, n);
 *     uint16_t t = md_cursor_u16(&c); uint32_t ttl = md_cursor_u32(&c);
 *     if (!md_cursor_ok(&c)) ... malformed ...
 */
#ifndef MD_CORE_CURSOR_H
#define MD_CORE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct md_cursor {
	const uint8_t *p;
	size_t n;   /* total length */
	size_t off; /* read position */
	bool err;
} md_cursor;

void md_cursor_init(md_cursor *c, const void *p, size_t n);
bool md_cursor_ok(const md_cursor *c);
size_t md_cursor_left(const md_cursor *c);
uint8_t md_cursor_u8(md_cursor *c);
uint16_t md_cursor_u16(md_cursor *c);  /* network byte order */
uint32_t md_cursor_u32(md_cursor *c);  /* network byte order */
/* Pointer to the next N bytes and advance, or NULL (and error). */
const uint8_t *md_cursor_bytes(md_cursor *c, size_t n);
void md_cursor_skip(md_cursor *c, size_t n);
/* Move to absolute offset OFF (error when past the end). */
void md_cursor_seek(md_cursor *c, size_t off);
void md_cursor_fail(md_cursor *c);

#endif
