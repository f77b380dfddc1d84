/*
 * fuzz_smtp_reply.c - the SMTP reply parser on hostile bytes: the input is
 * fed in pieces whose sizes come from the first byte, replies are read
 * one after another (pipelining), and every finished reply is walked.
 */
#include <stddef.h>
#include <stdint.h>

#include "smtp/reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	md_smtp_rparser p;
	size_t step, off = 0;

	if (size == 0)
		return 0;
	step = (size_t)(data[0] % 31) + 1;
	data++;
	size--;
	md_smtp_rparse_init(&p);
	while (off < size) {
		size_t k = size - off < step ? size - off : step, used;
		md_smtp_rstate st = md_smtp_rparse_feed(&p, (const char *)data + off, k, &used);

		off += used;
		if (st == MD_SMTP_R_DONE) {
			size_t i, sum = 0;

			for (i = 0; i < p.reply.nlines; i++)
				sum += md_smtp_reply_line(&p.reply, i).n;
			if (sum > p.reply.text.n)
				__builtin_trap();
			md_smtp_rparse_reset(&p);
		} else if (st == MD_SMTP_R_ERROR) {
			md_smtp_rparse_reset(&p);
			if (used == 0)
				off++; /* skip the byte that broke it */
		}
	}
	md_smtp_rparse_free(&p);
	return 0;
}
