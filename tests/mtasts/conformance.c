/*
 * conformance.c - run ../shared/conformance/mtasts/cases.json: MTA-STS and
 * TLS-RPT TXT records, MTA-STS policies (with the parsed values of valid
 * ones) and MX pattern matches. Prints one line per failure and
 * "N passed, N failed" last; exits non-zero when any case fails.
 *
 * Usage: mtasts_conformance CASES.json
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "mtasts/sts.h"

static int check_policy(json_t *c, const md_sts_policy *p, char *why, size_t len)
{
	json_t *want = json_object_get(c, "parsed"), *mx;
	const char *v;
	size_t i;

	if (want == NULL)
		return 1;
	v = json_string_value(json_object_get(want, "mode"));
	if (v && strcmp(v, md_sts_mode_name(p->mode)) != 0) {
		snprintf(why, len, "mode %s, want %s", md_sts_mode_name(p->mode), v);
		return 0;
	}
	if (json_object_get(want, "max_age") &&
	    (json_int_t)p->max_age != json_integer_value(json_object_get(want, "max_age"))) {
		snprintf(why, len, "max_age %u", p->max_age);
		return 0;
	}
	mx = json_object_get(want, "mx");
	if (mx != NULL) {
		if (json_array_size(mx) != p->nmx) {
			snprintf(why, len, "%zu mx, want %zu", p->nmx, json_array_size(mx));
			return 0;
		}
		for (i = 0; i < p->nmx; i++) {
			const char *m = json_string_value(json_array_get(mx, i));

			if (m == NULL || strlen(m) != p->mx[i].n || memcmp(m, p->mx[i].p, p->mx[i].n) != 0) {
				snprintf(why, len, "mx[%zu] %.*s", i, (int)p->mx[i].n, p->mx[i].p);
				return 0;
			}
		}
	}
	return 1;
}

static int check_record(json_t *c, const md_sts_record *r, char *why, size_t len)
{
	json_t *want = json_object_get(c, "parsed");
	const char *id;

	if (want == NULL)
		return 1;
	id = json_string_value(json_object_get(want, "id"));
	if (id && (strlen(id) != r->id.n || memcmp(id, r->id.p, r->id.n) != 0)) {
		snprintf(why, len, "id %.*s, want %s", (int)r->id.n, r->id.p, id);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	json_error_t jerr;
	json_t *cases, *c;
	size_t i;
	int pass = 0, fail = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CASES.json\n", argv[0]);
		return 2;
	}
	cases = json_load_file(argv[1], 0, &jerr);
	if (!json_is_array(cases)) {
		fprintf(stderr, "%s: %s\n", argv[1], jerr.text);
		return 2;
	}
	json_array_foreach(cases, i, c) {
		const char *kind = json_string_value(json_object_get(c, "kind"));
		json_t *input = json_object_get(c, "input"), *expect = json_object_get(c, "expect");
		char why[256] = "";
		int ok = 0;

		if (kind == NULL) {
			snprintf(why, sizeof(why), "no kind");
		} else if (strcmp(kind, "sts-txt") == 0 || strcmp(kind, "tlsrpt-txt") == 0) {
			const char *in = json_string_value(input);
			md_sts_record r;
			bool valid = strcmp(kind, "sts-txt") == 0 ? md_sts_record_parse(in, strlen(in), &r)
			                                          : md_tlsrpt_record_parse(in, strlen(in), &r);
			bool want = strcmp(json_string_value(expect), "valid") == 0;

			ok = valid == want;
			if (!ok)
				snprintf(why, sizeof(why), "got %s (%s)", valid ? "valid" : "invalid",
				         r.error ? r.error : "");
			else if (valid)
				ok = check_record(c, &r, why, sizeof(why));
		} else if (strcmp(kind, "sts-policy") == 0) {
			const char *in = json_string_value(input);
			md_sts_policy p;
			bool valid = md_sts_policy_parse(in, strlen(in), &p);
			bool want = strcmp(json_string_value(expect), "valid") == 0;

			ok = valid == want;
			if (!ok)
				snprintf(why, sizeof(why), "got %s (line %zu: %s)", valid ? "valid" : "invalid",
				         p.error_line, p.error ? p.error : "");
			else if (valid)
				ok = check_policy(c, &p, why, sizeof(why));
		} else if (strcmp(kind, "mx-match") == 0) {
			const char *mx = json_string_value(json_object_get(input, "mx"));
			json_t *pats = json_object_get(input, "patterns"), *pt;
			size_t k;
			bool got = false;

			json_array_foreach(pats, k, pt) {
				if (md_sts_mx_match(md_str_c(json_string_value(pt)), mx))
					got = true;
			}
			ok = got == json_is_true(expect);
			if (!ok)
				snprintf(why, sizeof(why), "match %s", got ? "true" : "false");
		} else {
			snprintf(why, sizeof(why), "unknown kind %s", kind);
		}
		if (ok) {
			pass++;
		} else {
			fail++;
			printf("FAIL case %zu (%s): %s\n", i, kind ? kind : "?", why);
		}
	}
	json_decref(cases);
	printf("%d passed, %d failed\n", pass, fail);
	return fail == 0 && pass > 0 ? 0 : 1;
}
