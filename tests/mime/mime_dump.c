/*
 * mime_dump.c - print the structure the MIME reader sees in each input:
 * parts with their types, header fields, delivery-status blocks and
 * defects. Used by tests and by people debugging a message.
 * Usage: mime_dump [-t] [--eol crlf|cr] FILE... ("-t" also prints each
 * text part; --eol rewrites every line end of each message before parsing,
 * to check that the reader sees the same structure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <maildiag/maildiag.h>

#include "eol.h"

static void dump(const md_message *m, int text)
{
	const md_mime_part *p;
	size_t i, j;

	for (p = md_message_root(m); p != NULL; p = md_part_next(p)) {
		size_t bl;
		const md_fields *h = md_part_headers(p);

		md_part_raw_body(p, &bl);
		printf("%*spart %s enc=%s msg=%d fields=%zu body=%zu\n", (int)md_part_depth(p) * 2, "",
		       md_part_type(p), md_part_encoding(p), md_part_is_message(p),
		       md_fields_count(h), bl);
		if (md_part_is_message(p)) {
			const char *s = md_fields_get(h, "subject");

			if (s)
				printf("%*s  subject: %s\n", (int)md_part_depth(p) * 2, "", s);
		}
		for (i = 0; i < md_part_block_count(p); i++) {
			const md_fields *b = md_part_block(p, i);

			printf("%*s  block %zu:\n", (int)md_part_depth(p) * 2, "", i);
			for (j = 0; j < md_fields_count(b); j++)
				printf("%*s    %s: %s\n", (int)md_part_depth(p) * 2, "",
				       md_fields_at(b, j)->name, md_fields_at(b, j)->value);
		}
		if (text && strncmp(md_part_type(p), "text/", 5) == 0 && md_part_child_count(p) == 0) {
			size_t n;
			const char *t = md_part_text(p, &n);

			printf("----\n%.*s\n----\n", (int)n, t ? t : "");
		}
	}
	for (i = 0; i < md_message_defect_count(m); i++) {
		const char *id, *d = md_message_defect(m, i, &id);

		printf("defect %s: %s\n", id, d);
	}
}

int main(int argc, char **argv)
{
	md_source *s = md_source_new(NULL);
	md_source_item it;
	int i, text = 0, rc = 0;
	const char *eol = NULL;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0)
			text = 1;
		else if (strcmp(argv[i], "--eol") == 0 && i + 1 < argc) {
			eol = strcmp(argv[++i], "cr") == 0 ? "\r" : "\r\n";
		} else
			md_source_add(s, argv[i]);
	}
	while (md_source_next(s, &it)) {
		md_message *m;

		if (it.data == NULL) {
			fprintf(stderr, "mime_dump: %s#%zu: %s\n", it.file, it.index, it.error);
			rc = 2;
			continue;
		}
		printf("== %s#%zu\n", it.file, it.index);
		if (eol != NULL) {
			size_t cl;
			char *c = test_with_eol(it.data, it.len, eol, &cl);
			md_status st = c ? md_message_parse(c, cl, NULL, &m) : MD_ENOMEM;

			free(c);
			if (st != MD_OK) {
				fprintf(stderr, "mime_dump: %s#%zu: parse failed\n", it.file, it.index);
				rc = 2;
				continue;
			}
			dump(m, text);
			md_message_free(m);
			continue;
		}
		if (md_message_parse(it.data, it.len, NULL, &m) != MD_OK) {
			fprintf(stderr, "mime_dump: %s#%zu: parse failed\n", it.file, it.index);
			rc = 2;
			continue;
		}
		dump(m, text);
		md_message_free(m);
	}
	md_source_free(s);
	return rc;
}
