/*
 * cursor.c - bounds-checked reads with a sticky error.
 */
#include "cursor.h"

void md_cursor_init(md_cursor *c, const void *p, size_t n)
{
	c->p = p;
	c->n = p != NULL ? n : 0;
	c->off = 0;
	c->err = false;
}

bool md_cursor_ok(const md_cursor *c)
{
	return !c->err;
}

size_t md_cursor_left(const md_cursor *c)
{
	return c->err ? 0 : c->n - c->off;
}

void md_cursor_fail(md_cursor *c)
{
	c->err = true;
}

const uint8_t *md_cursor_bytes(md_cursor *c, size_t n)
{
	const uint8_t *p;

	if (c->err || n > c->n - c->off) {
		c->err = true;
		return NULL;
	}
	p = c->p + c->off;
	c->off += n;
	return p;
}

void md_cursor_skip(md_cursor *c, size_t n)
{
	(void)md_cursor_bytes(c, n);
}

void md_cursor_seek(md_cursor *c, size_t off)
{
	if (c->err || off > c->n)
		c->err = true;
	else
		c->off = off;
}

uint8_t md_cursor_u8(md_cursor *c)
{
	const uint8_t *p = md_cursor_bytes(c, 1);

	return p ? p[0] : 0;
}

uint16_t md_cursor_u16(md_cursor *c)
{
	const uint8_t *p = md_cursor_bytes(c, 2);

	return p ? (uint16_t)((p[0] << 8) | p[1]) : 0;
}

uint32_t md_cursor_u32(md_cursor *c)
{
	const uint8_t *p = md_cursor_bytes(c, 4);

	return p ? ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	               ((uint32_t)p[2] << 8) | p[3]
	         : 0;
}
