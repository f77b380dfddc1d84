/*
 * conformance_dkim.c - run a DKIM verification manifest (../shared/
 * conformance/dkim/generated/cases.json or external_cases.json) against
 * md_dkim_verify() with the fixture resolver.
 *
 * Usage: conformance_dkim MANIFEST [-v]
 * A case passes when, for every signature, pass / not-pass agrees with the
 * expectation (the "binary" score of the suite's README) and the overall
 * class is in "accept" (default [expect]). Informational cases are shown,
 * not scored. Last line: "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <maildiag/maildiag.h>
#include <maildiag/dkim.h>

#include "jsonzone.h"

static char *dir_of(const char *path)
{
	char *d = strdup(path), *slash = strrchr(d, '/');

	if (slash)
		*slash = '\0';
	else
		strcpy(d, ".");
	return d;
}

int main(int argc, char **argv)
{
	json_error_t jerr;
	json_t *man, *cases, *shared = NULL, *c;
	char *dir, path[4096];
	size_t idx;
	int passed = 0, failed = 0, info = 0, verbose = argc > 2;
	long long vt;

	if (argc < 2) {
		fprintf(stderr, "usage: conformance_dkim MANIFEST [-v]\n");
		return 2;
	}
	man = json_load_file(argv[1], 0, &jerr);
	if (man == NULL) {
		fprintf(stderr, "%s: %s\n", argv[1], jerr.text);
		return 2;
	}
	dir = dir_of(argv[1]);
	cases = json_object_get(man, "cases");
	vt = json_integer_value(json_object_get(man, "verify_time"));
	if (json_is_string(json_object_get(man, "dns"))) {
		snprintf(path, sizeof(path), "%s/%s", dir,
		         json_string_value(json_object_get(man, "dns")));
		shared = json_load_file(path, 0, &jerr);
	}
	json_array_foreach(cases, idx, c)
	{
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *expect = json_string_value(json_object_get(c, "expect"));
		json_t *sigs = json_object_get(c, "signatures"),
		       *accept = json_object_get(c, "accept");
		bool informational = json_is_true(json_object_get(c, "informational"));
		md_resolver *r = md_resolver_fixture_new();
		md_dkim_verify_opts opts = {.now = vt};
		md_dkim_result *res = NULL;
		char *msg, got[512] = "";
		size_t len, i, n;
		bool ok = true, in_accept = false;
		const char *overall;
		json_t *merged = json_object();

		if (shared)
			json_object_update(merged, shared);
		json_object_update(merged, json_object_get(c, "dns"));
		json_object_update(merged, json_object_get(c, "dns_override"));
		jz_load(r, merged, JZ_LIST_IS_STRINGS);
		json_decref(merged);
		snprintf(path, sizeof(path), "%s/%s", dir,
		         json_string_value(json_object_get(c, "file")));
		msg = jz_read_file(path, &len);
		if (msg == NULL || md_dkim_verify(r, msg, len, &opts, &res) != MD_OK) {
			printf("ERROR %s: cannot verify %s\n", id, path);
			failed++;
			free(msg);
			md_resolver_free(r);
			continue;
		}
		n = md_dkim_result_count(res);
		if (n != json_array_size(sigs))
			ok = false;
		for (i = 0; i < n; i++) {
			const md_dkim_sig_info *s = md_dkim_result_sig(res, i);
			const char *want = json_string_value(json_array_get(sigs, i));

			if (want && ((strcmp(want, "pass") == 0) != (s->verdict == MD_DKIM_PASS)))
				ok = false;
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s(%s)",
			         i ? "," : "", md_dkim_verdict_name(s->verdict), s->reason_id);
		}
		overall = md_dkim_verdict_name(md_dkim_result_verdict(res));
		if (json_is_array(accept)) {
			for (i = 0; i < json_array_size(accept); i++)
				if (strcmp(json_string_value(json_array_get(accept, i)), overall) ==
				    0)
					in_accept = true;
		} else {
			in_accept = strcmp(overall, expect) == 0;
		}
		ok = ok && in_accept;
		if (informational) {
			info++;
			printf("INFO %s: got %s (expect %s)\n", id, got, expect);
		} else if (ok) {
			passed++;
			if (verbose)
				printf("ok   %s: %s\n", id, got);
		} else {
			failed++;
			printf("FAIL %s: got %s, want %s\n", id, got, expect);
		}
		md_dkim_result_free(res);
		md_resolver_free(r);
		free(msg);
	}
	json_decref(shared);
	json_decref(man);
	free(dir);
	printf("%d informational\n", info);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
