/*
 * spf_suite.c - the openspf RFC 7208 test suite through the fixture
 * resolver: every test is one md_spf_check_mailfrom() call.
 *
 * Usage: spf_suite [--raw] [--bench SECONDS] [--quiet] SUITE.yml
 *
 * The mock DNS follows the suite's conventions (conformance/spf/SPEC.md
 * section 2, the way its authors ran it): SPF entries are also served as
 * TXT when a name has no TXT entry; "NONE" values are dropped; a TIMEOUT
 * marker makes every type that has no entry before it time out (a bare
 * TIMEOUT: every type), "TYPE: TIMEOUT" makes that type time out; names
 * absent from zonedata do not exist. YAML "\xNN" escapes are raw octets
 * (code points 0-255 become single bytes).
 *
 * A test passes when the result is one of the accepted results and, for
 * "fail" with an explanation, the explanation is equal (the default
 * explanation is set to "DEFAULT", the receiver to "localhost").
 * Prints one FAIL line per failing test and "N passed, N failed" last;
 * --raw prints "R<TAB>name<TAB>result<TAB>explanation" lines (the peers'
 * protocol, bench/spf); --bench runs the whole suite repeatedly for the
 * given time and prints evaluations per second.
 */
#include <arpa/inet.h>
#include <maildiag/maildiag.h>
#include <maildiag/spf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <yaml.h>

typedef struct test {
	char *name, *helo, *host, *mailfrom, *explanation;
	char *results[8];
	int nresults;
	int section;
} test;

typedef struct suite {
	md_resolver **zones; /* one per section */
	int nsections;
	test *tests;
	size_t ntests, cap;
} suite;

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		fprintf(stderr, "spf_suite: out of memory\n");
		exit(3);
	}
	return q;
}

/* A YAML scalar as bytes: UTF-8 code points 0-255 become one octet. */
static char *scalar_bytes(yaml_node_t *n, size_t *len)
{
	const unsigned char *s = n->data.scalar.value;
	size_t l = n->data.scalar.length, i = 0, o = 0;
	char *d = xrealloc(NULL, l + 1);

	while (i < l) {
		unsigned char c = s[i];

		if (c == 0xc2 || c == 0xc3) {
			if (i + 1 < l) {
				d[o++] = (char)(((c & 0x1f) << 6) | (s[i + 1] & 0x3f));
				i += 2;
				continue;
			}
		}
		d[o++] = (char)c;
		i++;
	}
	d[o] = '\0';
	if (len)
		*len = o;
	return d;
}

static char *scalar(yaml_document_t *doc, yaml_node_t *n)
{
	(void)doc;
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return scalar_bytes(n, NULL);
}

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

/* Wire-format name; false when a label does not fit. */
static bool wire_name(const char *name, unsigned char *out, size_t *len)
{
	size_t o = 0, start = 0, i, n = strlen(name);

	if (n > 0 && name[n - 1] == '.')
		n--;
	for (i = 0; i <= n; i++) {
		if (i == n || name[i] == '.') {
			size_t l = i - start;

			if (l == 0 && n > 0)
				return false;
			if (l > 63 || o + l + 2 > 255)
				return false;
			if (l > 0) {
				out[o++] = (unsigned char)l;
				memcpy(out + o, name + start, l);
				o += l;
			}
			start = i + 1;
		}
	}
	out[o++] = 0;
	*len = o;
	return true;
}

typedef struct entry {
	uint16_t type;
	bool timeout_marker;
	unsigned char rd[4096];
	size_t rdlen;
} entry;

static uint16_t type_of(const char *t)
{
	static const struct { const char *n; uint16_t t; } types[] = {
		{"A", MD_DNS_A}, {"AAAA", MD_DNS_AAAA}, {"MX", MD_DNS_MX}, {"TXT", MD_DNS_TXT},
		{"SPF", MD_DNS_SPF}, {"PTR", MD_DNS_PTR}, {"CNAME", MD_DNS_CNAME},
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].n, t) == 0)
			return types[i].t;
	return 0;
}

/* TXT/SPF rdata from a scalar or a sequence of scalars. */
static bool txt_rdata(yaml_document_t *doc, yaml_node_t *v, entry *e)
{
	yaml_node_item_t *it;

	e->rdlen = 0;
	if (v->type == YAML_SCALAR_NODE) {
		size_t l, off = 0;
		char *s = scalar_bytes(v, &l);

		/* A long string becomes several 255-byte character-strings. */
		do {
			size_t take = l - off > 255 ? 255 : l - off;

			if (e->rdlen + take + 1 > sizeof(e->rd))
				break;
			e->rd[e->rdlen++] = (unsigned char)take;
			memcpy(e->rd + e->rdlen, s + off, take);
			e->rdlen += take;
			off += take;
		} while (off < l);
		free(s);
		return true;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return false;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *s = yaml_document_get_node(doc, *it);
		size_t l;
		char *b;

		if (s == NULL || s->type != YAML_SCALAR_NODE)
			return false;
		b = scalar_bytes(s, &l);
		if (l > 255 || e->rdlen + l + 1 > sizeof(e->rd)) {
			free(b);
			return false;
		}
		e->rd[e->rdlen++] = (unsigned char)l;
		memcpy(e->rd + e->rdlen, b, l);
		e->rdlen += l;
		free(b);
	}
	return true;
}

static void load_name(yaml_document_t *doc, md_resolver *r, const char *owner, yaml_node_t *list)
{
	entry *es = NULL;
	size_t ne = 0, i, marker = (size_t)-1;
	bool has_txt = false;
	yaml_node_item_t *it;
	static const uint16_t all_types[] = {MD_DNS_A, MD_DNS_AAAA, MD_DNS_MX, MD_DNS_TXT,
	                                     MD_DNS_SPF, MD_DNS_PTR, MD_DNS_CNAME};

	if (list == NULL || list->type != YAML_SEQUENCE_NODE)
		return;
	/* Pass 1: does the name have an explicit TXT entry? */
	for (it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(doc, *it);

		if (n && n->type == YAML_MAPPING_NODE && map_get(doc, n, "TXT") != NULL)
			has_txt = true;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
			yaml_node_t *n = yaml_document_get_node(doc, *it);
			yaml_node_pair_t *p;

			if (n == NULL)
				continue;
			if (n->type == YAML_SCALAR_NODE) {
				if (pass == 0 && strcmp((const char *)n->data.scalar.value, "TIMEOUT") == 0) {
					es = xrealloc(es, (ne + 1) * sizeof(*es));
					memset(&es[ne], 0, sizeof(es[ne]));
					es[ne].timeout_marker = true;
					if (marker == (size_t)-1)
						marker = ne;
					ne++;
				}
				continue;
			}
			if (n->type != YAML_MAPPING_NODE)
				continue;
			for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
				yaml_node_t *k = yaml_document_get_node(doc, p->key);
				yaml_node_t *v = yaml_document_get_node(doc, p->value);
				const char *ks = (const char *)k->data.scalar.value;
				uint16_t t = type_of(ks);
				entry e;
				char *s = NULL;

				memset(&e, 0, sizeof(e));
				if (t == 0)
					continue;
				/* Pass 1 copies SPF to TXT when there is no TXT. */
				if (pass == 1) {
					if (t != MD_DNS_SPF || has_txt)
						continue;
					t = MD_DNS_TXT;
				}
				e.type = t;
				if (v->type == YAML_SCALAR_NODE) {
					const char *vs = (const char *)v->data.scalar.value;

					if (strcmp(vs, "NONE") == 0 && (t == MD_DNS_TXT || t == MD_DNS_SPF))
						continue;
					if (strcmp(vs, "TIMEOUT") == 0) {
						md_resolver_fixture_fault(r, owner, t, MD_DNS_TIMEOUT);
						continue;
					}
				}
				switch (t) {
				case MD_DNS_A:
				case MD_DNS_AAAA: {
					bool ok;
					unsigned char buf[16];
					char *a = scalar(doc, v);

					ok = a && inet_pton(t == MD_DNS_A ? AF_INET : AF_INET6, a, buf) == 1;
					free(a);
					if (!ok)
						continue;
					e.rdlen = t == MD_DNS_A ? 4 : 16;
					memcpy(e.rd, buf, e.rdlen);
					break;
				}
				case MD_DNS_MX: {
					yaml_node_t *pref, *host;
					size_t wl;

					if (v->type != YAML_SEQUENCE_NODE ||
					    v->data.sequence.items.top - v->data.sequence.items.start != 2)
						continue;
					pref = yaml_document_get_node(doc, v->data.sequence.items.start[0]);
					host = yaml_document_get_node(doc, v->data.sequence.items.start[1]);
					s = scalar(doc, host);
					{
						long pv = strtol((const char *)pref->data.scalar.value, NULL, 10);

						e.rd[0] = (unsigned char)(pv >> 8);
						e.rd[1] = (unsigned char)pv;
					}
					if (s == NULL || !wire_name(s, e.rd + 2, &wl)) {
						free(s);
						continue;
					}
					e.rdlen = 2 + wl;
					break;
				}
				case MD_DNS_PTR:
				case MD_DNS_CNAME:
					s = scalar(doc, v);
					if (s == NULL || !wire_name(s, e.rd, &e.rdlen)) {
						free(s);
						continue;
					}
					break;
				case MD_DNS_TXT:
				case MD_DNS_SPF:
					if (!txt_rdata(doc, v, &e))
						continue;
					break;
				default:
					continue;
				}
				free(s);
				es = xrealloc(es, (ne + 1) * sizeof(*es));
				es[ne++] = e;
			}
		}
	}
	if (marker == (size_t)-1) {
		for (i = 0; i < ne; i++)
			md_resolver_fixture_add(r, owner, es[i].type, 300, es[i].rd, es[i].rdlen);
	} else {
		/* Types with an entry before the marker answer with those
		 * entries; every other type times out. */
		bool any = false;

		for (size_t k = 0; k < sizeof(all_types) / sizeof(all_types[0]); k++) {
			bool before = false;

			for (i = 0; i < marker; i++)
				if (es[i].type == all_types[k])
					before = true;
			if (before)
				any = true;
			else
				md_resolver_fixture_fault(r, owner, all_types[k], MD_DNS_TIMEOUT);
		}
		if (!any)
			md_resolver_fixture_fault(r, owner, 0, MD_DNS_TIMEOUT);
		for (i = 0; i < marker; i++)
			md_resolver_fixture_add(r, owner, es[i].type, 300, es[i].rd, es[i].rdlen);
	}
	free(es);
}

static void add_test(suite *st, yaml_document_t *doc, const char *name, yaml_node_t *t, int section)
{
	test *x;
	yaml_node_t *res;

	if (st->ntests == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 256;
		st->tests = xrealloc(st->tests, st->cap * sizeof(test));
	}
	x = &st->tests[st->ntests++];
	memset(x, 0, sizeof(*x));
	x->name = strdup(name);
	x->section = section;
	x->helo = scalar(doc, map_get(doc, t, "helo"));
	x->host = scalar(doc, map_get(doc, t, "host"));
	x->mailfrom = scalar(doc, map_get(doc, t, "mailfrom"));
	x->explanation = scalar(doc, map_get(doc, t, "explanation"));
	res = map_get(doc, t, "result");
	if (res && res->type == YAML_SCALAR_NODE) {
		x->results[x->nresults++] = scalar(doc, res);
	} else if (res && res->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it;

		for (it = res->data.sequence.items.start; it < res->data.sequence.items.top && x->nresults < 8; it++)
			x->results[x->nresults++] = scalar(doc, yaml_document_get_node(doc, *it));
	}
}

static int load_suite(suite *st, const char *path)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t parser;
	yaml_document_t doc;

	if (f == NULL) {
		fprintf(stderr, "spf_suite: %s: cannot open\n", path);
		return -1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	for (;;) {
		yaml_node_t *root, *tests, *zone;
		yaml_node_pair_t *p;
		md_resolver *r;

		if (!yaml_parser_load(&parser, &doc)) {
			fprintf(stderr, "spf_suite: %s: YAML error: %s (line %zu)\n", path,
			        parser.problem ? parser.problem : "?", parser.problem_mark.line + 1);
			yaml_parser_delete(&parser);
			fclose(f);
			return -1;
		}
		root = yaml_document_get_root_node(&doc);
		if (root == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		r = md_resolver_fixture_new();
		if (r == NULL) {
			fprintf(stderr, "spf_suite: out of memory\n");
			exit(3);
		}
		st->zones = xrealloc(st->zones, (size_t)(st->nsections + 1) * sizeof(*st->zones));
		st->zones[st->nsections] = r;
		zone = map_get(&doc, root, "zonedata");
		if (zone && zone->type == YAML_MAPPING_NODE)
			for (p = zone->data.mapping.pairs.start; p < zone->data.mapping.pairs.top; p++) {
				yaml_node_t *k = yaml_document_get_node(&doc, p->key);
				char *owner = scalar(&doc, k);

				if (owner)
					load_name(&doc, r, owner, yaml_document_get_node(&doc, p->value));
				free(owner);
			}
		tests = map_get(&doc, root, "tests");
		if (tests && tests->type == YAML_MAPPING_NODE)
			for (p = tests->data.mapping.pairs.start; p < tests->data.mapping.pairs.top; p++) {
				yaml_node_t *k = yaml_document_get_node(&doc, p->key);

				add_test(st, &doc, (const char *)k->data.scalar.value,
				         yaml_document_get_node(&doc, p->value), st->nsections);
			}
		st->nsections++;
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return 0;
}

static void free_suite(suite *st)
{
	size_t i;
	int k;

	for (i = 0; i < st->ntests; i++) {
		test *t = &st->tests[i];

		free(t->name);
		free(t->helo);
		free(t->host);
		free(t->mailfrom);
		free(t->explanation);
		for (k = 0; k < t->nresults; k++)
			free(t->results[k]);
	}
	free(st->tests);
	for (k = 0; k < st->nsections; k++)
		md_resolver_free(st->zones[k]);
	free(st->zones);
}

static void put_escaped(const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\')
			fputs("\\\\", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02X", c);
		else
			putchar(c);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	suite st;
	const char *path = NULL;
	bool raw = false, quiet = false;
	double bench = 0;
	size_t i, passed = 0, failed = 0;
	int a;
	md_spf_opts opts = {.receiver = "localhost", .default_explanation = "DEFAULT"};

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--raw") == 0)
			raw = true;
		else if (strcmp(argv[a], "--quiet") == 0)
			quiet = true;
		else if (strcmp(argv[a], "--bench") == 0 && a + 1 < argc)
			bench = strtod(argv[++a], NULL);
		else
			path = argv[a];
	}
	if (path == NULL) {
		fprintf(stderr, "usage: spf_suite [--raw] [--bench SECONDS] SUITE.yml\n");
		return 2;
	}
	memset(&st, 0, sizeof(st));
	if (load_suite(&st, path) != 0)
		return 2;
	for (i = 0; i < st.ntests; i++) {
		test *t = &st.tests[i];
		md_spf_verdict *v = NULL;
		md_status s;
		const char *got;
		bool ok = false;
		int k;

		s = md_spf_check_mailfrom(st.zones[t->section], t->host ? t->host : "",
		                          t->mailfrom ? t->mailfrom : "", t->helo ? t->helo : "",
		                          &opts, &v);
		if (s != MD_OK) {
			failed++;
			printf("FAIL %s: md_spf_check_mailfrom: %s\n", t->name, md_status_str(s));
			continue;
		}
		got = md_spf_result_name(v->result);
		for (k = 0; k < t->nresults; k++)
			if (strcmp(t->results[k], got) == 0)
				ok = true;
		if (ok && t->explanation && v->result == MD_SPF_FAIL &&
		    strcmp(t->explanation, v->explanation ? v->explanation : "") != 0)
			ok = false;
		if (raw) {
			printf("R\t%s\t%s\t", t->name, got);
			put_escaped(v->explanation);
			putchar('\n');
		}
		if (ok) {
			passed++;
		} else {
			failed++;
			if (!quiet) {
				printf("FAIL %s: got %s", t->name, got);
				if (v->explanation)
					printf(" (explanation \"%s\")", v->explanation);
				printf(", want");
				for (k = 0; k < t->nresults; k++)
					printf(" %s", t->results[k]);
				if (t->explanation)
					printf(" (explanation \"%s\")", t->explanation);
				printf("; reason: %s\n", v->reason ? v->reason : "-");
			}
		}
		md_spf_verdict_free(v);
	}
	if (bench > 0) {
		md_spf_opts bo = opts;
		double t0 = now_s(), el;
		size_t evals = 0, rounds = 0;

		bo.no_trace = true;
		do {
			for (i = 0; i < st.ntests; i++) {
				test *t = &st.tests[i];
				md_spf_verdict *v = NULL;

				if (md_spf_check_mailfrom(st.zones[t->section], t->host ? t->host : "",
				                          t->mailfrom ? t->mailfrom : "",
				                          t->helo ? t->helo : "", &bo, &v) == MD_OK)
					md_spf_verdict_free(v);
				evals++;
			}
			rounds++;
			el = now_s() - t0;
		} while (el < bench);
		printf("BENCH\t%zu\t%.6f\t%.0f\n", evals, el, (double)evals / el);
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	free_suite(&st);
	return failed == 0 ? 0 : 1;
}
