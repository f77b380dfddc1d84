/*
 * conformance_arc.c - run the ValiMail ARC validation suite
 * (../shared/conformance/arc/arc-draft-validation-tests.yml) against
 * md_arc_verify() with the fixture resolver.
 *
 * Usage: conformance_arc SUITE.yml [-v]
 * The YAML is a stream of scenarios: tests (name -> message, cv) and
 * txt-records (name -> key record). An empty cv counts as Fail, as the
 * suite's README says. Last line: "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>
#include <maildiag/maildiag.h>
#include <maildiag/arc.h>

#include "jsonzone.h"

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *scalar(yaml_node_t *n)
{
	return (n && n->type == YAML_SCALAR_NODE) ? (const char *)n->data.scalar.value : "";
}

int main(int argc, char **argv)
{
	FILE *f;
	yaml_parser_t parser;
	int passed = 0, failed = 0, verbose = argc > 2;

	if (argc < 2) {
		fprintf(stderr, "usage: conformance_arc SUITE.yml [-v]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (f == NULL) {
		perror(argv[1]);
		return 2;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	for (;;) {
		yaml_document_t doc;
		yaml_node_t *root, *tests, *txt;
		yaml_node_pair_t *p;

		if (!yaml_parser_load(&parser, &doc)) {
			fprintf(stderr, "%s: YAML error: %s\n", argv[1], parser.problem);
			return 2;
		}
		root = yaml_document_get_root_node(&doc);
		if (root == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		tests = map_get(&doc, root, "tests");
		txt = map_get(&doc, root, "txt-records");
		if (txt == NULL)
			txt = map_get(&doc, root, "txt_records");
		for (p = tests ? tests->data.mapping.pairs.start : NULL;
		     tests && p < tests->data.mapping.pairs.top; p++) {
			yaml_node_t *name = yaml_document_get_node(&doc, p->key);
			yaml_node_t *t = yaml_document_get_node(&doc, p->value);
			const char *msg = scalar(map_get(&doc, t, "message"));
			const char *cv = scalar(map_get(&doc, t, "cv"));
			const char *want = (*cv == '\0') ? "fail" : cv;
			md_resolver *r = md_resolver_fixture_new();
			md_arc_result *res = NULL;
			const md_arc_info *in;
			yaml_node_pair_t *q;
			char wantl[16];
			size_t i;
			bool dup = false;

			/* a key given twice: the later test wins (as YAML loaders do) */
			for (q = p + 1; q < tests->data.mapping.pairs.top; q++)
				if (strcmp(scalar(yaml_document_get_node(&doc, q->key)),
				           scalar(name)) == 0)
					dup = true;
			if (dup) {
				md_resolver_free(r);
				continue;
			}

			for (i = 0; i < sizeof(wantl) - 1 && want[i] && want[i] != ' '; i++)
				wantl[i] = (char)(want[i] | 0x20);
			wantl[i] = '\0';
			for (q = txt ? txt->data.mapping.pairs.start : NULL;
			     txt && q < txt->data.mapping.pairs.top; q++) {
				const char *owner = scalar(yaml_document_get_node(&doc, q->key));
				char *val = strdup(scalar(yaml_document_get_node(&doc, q->value)));
				size_t k, o = 0;

				/* a folded key record: join the lines */
				for (k = 0; val[k]; k++)
					if (val[k] != '\n')
						val[o++] = val[k];
				val[o] = '\0';
				jz_add_txt(r, owner, val);
				free(val);
			}
			if (md_arc_verify(r, msg, strlen(msg), NULL, &res) != MD_OK) {
				printf("ERROR %s\n", scalar(name));
				failed++;
			} else {
				in = md_arc_result_info(res);
				if (strcmp(md_arc_verdict_name(in->verdict), wantl) == 0) {
					passed++;
					if (verbose)
						printf("ok   %s: %s\n", scalar(name), wantl);
				} else {
					failed++;
					printf("FAIL %s: got %s (%s%s%s), want %s\n", scalar(name),
					       md_arc_verdict_name(in->verdict),
					       in->reason ? in->reason : "", in->detail ? ": " : "",
					       in->detail ? in->detail : "", wantl);
				}
			}
			md_arc_result_free(res);
			md_resolver_free(r);
		}
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
