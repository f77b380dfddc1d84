/*
 * conformance_dmarc.c - run ../shared/conformance/dmarc/policy/cases.json
 * against md_dmarc_evaluate() with the fixture resolver, under one reading.
 *
 * Usage: conformance_dmarc CASES.json 9989|7489 [-v]
 * A case passes when the result (and, when expected, the disposition)
 * matches expect_<reading> or else expect. Last line: "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <maildiag/maildiag.h>
#include <maildiag/dmarc.h>

#include "jsonzone.h"

int main(int argc, char **argv)
{
	json_error_t jerr;
	json_t *root, *cases, *c;
	md_dmarc_reading reading;
	size_t idx;
	int passed = 0, failed = 0, verbose = argc > 3;
	char key[32];

	if (argc < 3 || md_dmarc_reading_parse(argv[2], &reading) != MD_OK) {
		fprintf(stderr, "usage: conformance_dmarc CASES.json 9989|7489 [-v]\n");
		return 2;
	}
	root = cases = json_load_file(argv[1], 0, &jerr);
	if (cases == NULL) {
		fprintf(stderr, "%s: %s\n", argv[1], jerr.text);
		return 2;
	}
	if (json_is_object(cases))
		cases = json_object_get(cases, "cases");
	snprintf(key, sizeof(key), "expect_%s", reading == MD_DMARC_RFC7489 ? "7489" : "9989");
	json_array_foreach(cases, idx, c)
	{
		const char *id = json_string_value(json_object_get(c, "id"));
		json_t *exp = json_object_get(c, key), *dk = json_object_get(c, "dkim");
		json_t *spf = json_object_get(c, "spf");
		md_resolver *r = md_resolver_fixture_new();
		md_dmarc_ident dkim[16], sp;
		md_dmarc_input in = {0};
		md_dmarc_result *res = NULL;
		const md_dmarc_outcome *o;
		const char *want_res, *want_disp;
		size_t i;
		bool ok;

		if (exp == NULL)
			exp = json_object_get(c, "expect");
		want_res = json_string_value(json_object_get(exp, "result"));
		want_disp = json_string_value(json_object_get(exp, "disposition"));
		jz_load(r, json_object_get(c, "dns"), JZ_LIST_IS_RECORDS);
		in.from_domain = json_string_value(json_object_get(c, "from_domain"));
		in.reading = reading;
		for (i = 0; i < json_array_size(dk) && i < 16; i++) {
			json_t *d = json_array_get(dk, i);

			dkim[i].domain = json_string_value(json_object_get(d, "domain"));
			dkim[i].result = json_string_value(json_object_get(d, "result"));
			dkim[i].pass = strcmp(dkim[i].result, "pass") == 0;
			dkim[i].selector = NULL;
		}
		in.dkim = dkim;
		in.ndkim = i;
		if (json_is_object(spf)) {
			sp.domain = json_string_value(json_object_get(spf, "domain"));
			sp.result = json_string_value(json_object_get(spf, "result"));
			sp.pass = strcmp(sp.result, "pass") == 0;
			sp.selector = NULL;
			in.spf = &sp;
		}
		if (md_dmarc_evaluate(r, &in, &res) != MD_OK) {
			printf("ERROR %s\n", id);
			failed++;
			md_resolver_free(r);
			continue;
		}
		o = md_dmarc_result_outcome(res);
		ok = strcmp(md_dmarc_verdict_name(o->verdict), want_res) == 0 &&
		     (want_disp == NULL ||
		      strcmp(md_dmarc_policy_name(o->disposition), want_disp) == 0);
		if (ok) {
			passed++;
			if (verbose)
				printf("ok   %s: %s/%s\n", id, md_dmarc_verdict_name(o->verdict),
				       md_dmarc_policy_name(o->disposition));
		} else {
			failed++;
			printf("FAIL %s: got %s/%s, want %s/%s (%s)\n", id,
			       md_dmarc_verdict_name(o->verdict),
			       md_dmarc_policy_name(o->disposition), want_res,
			       want_disp ? want_disp : "-", o->reason ? o->reason : "");
		}
		md_dmarc_result_free(res);
		md_resolver_free(r);
	}
	json_decref(root);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
