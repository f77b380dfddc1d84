/*
 * fuzz_mime.c - libFuzzer target for the MIME reader: parse, walk every
 * part, decode every body and block, and split the input as an mbox.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <maildiag/maildiag.h>

#include "core/alloc.h"
#include "mime/mime_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	md_message *m = NULL;
	md_mime_opts o = {0};
	const md_mime_part *p;
	size_t off = 0, ml, i, j, n;
	char *msg;

	o.no_copy = (size & 1) != 0;
	o.limits.max_depth = 12;
	o.limits.max_parts = 200;
	if (md_message_parse(data, size, &o, &m) == MD_OK) {
		for (p = md_message_root(m); p != NULL; p = md_part_next(p)) {
			const md_fields *h = md_part_headers(p);

			(void)md_part_text(p, &n);
			(void)md_part_param(p, "charset");
			for (i = 0; i < md_fields_count(h); i++) {
				const md_header *f = md_fields_at(h, i);

				if (strlen(f->value) > f->value_len || f->value[f->value_len] != '\0')
					__builtin_trap();
			}
			(void)md_fields_find(h, "received", 1);
			for (i = 0; i < md_part_block_count(p); i++)
				for (j = 0; j < md_fields_count(md_part_block(p, i)); j++)
					(void)md_fields_at(md_part_block(p, i), j)->value;
		}
		md_message_free(m);
	}
	while (md_mbox_next((const char *)data, size, &off, &msg, &ml) == 1)
		md_free(msg);
	return 0;
}
