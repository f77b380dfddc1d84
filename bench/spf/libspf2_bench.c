/*
 * libspf2_bench.c - the openspf RFC 7208 suite through libspf2 (Debian
 * libspf2-dev) with its in-memory zone DNS layer, for bench/spf/run.
 *
 * Reads the flattened suite (rfc7208-tests.tsv, made from the same YAML:
 * Z lines are the zone after the SPF->TXT copying and NONE removal, in
 * file order; see conformance/spf/SPEC.md section 4). TIMEOUT: every type
 * without an entry before the marker answers TRY_AGAIN. libspf2's zone
 * layer cannot tell NXDOMAIN from NODATA (both HOST_NOT_FOUND) nor chase
 * CNAMEs; its MX records carry no preference.
 *
 * Usage: libspf2_bench SUITE.tsv [SECONDS] [--raw]
 * Prints "SCORE passed total" and "BENCH evaluations seconds rate".
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#define MAXF 64

typedef struct zrow {
	int section;
	char *name, *type;
	char *f[MAXF];
	int nf;
} zrow;

typedef struct trow {
	char *name, *host, *helo, *mailfrom, *results, *exp;
	int section;
} trow;

static zrow *zr;
static size_t nzr;
static trow *tr;
static size_t ntr;
static int nsections;

static char *unescape(const char *s)
{
	char *d = malloc(strlen(s) + 1), *o = d;

	while (*s) {
		if (*s == '\\' && s[1]) {
			s++;
			switch (*s) {
			case 't': *o++ = '\t'; s++; break;
			case 'n': *o++ = '\n'; s++; break;
			case 'r': *o++ = '\r'; s++; break;
			case 'x': {
				char h[3] = {s[1], s[2], 0};

				*o++ = (char)strtol(h, NULL, 16);
				s += 3;
				break;
			}
			default: *o++ = *s++; break;
			}
		} else {
			*o++ = *s++;
		}
	}
	*o = 0;
	return d;
}

/* Split LINE on tabs into at most MAX unescaped fields. */
static int split(char *line, char **out, int max)
{
	int n = 0;
	char *p = line, *t;

	while (n < max) {
		t = strchr(p, '\t');
		if (t)
			*t = 0;
		out[n++] = unescape(p);
		if (!t)
			break;
		p = t + 1;
	}
	return n;
}

static void load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[70000];

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		char *fl[MAXF + 4];
		int n;

		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || line[0] == 0)
			continue;
		n = split(line, fl, MAXF + 4);
		if (strcmp(fl[0], "S") == 0) {
			nsections = atoi(fl[1]) + 1;
		} else if (strcmp(fl[0], "Z") == 0) {
			zrow *z;

			zr = realloc(zr, (nzr + 1) * sizeof(*zr));
			z = &zr[nzr++];
			z->section = atoi(fl[1]);
			z->name = fl[2];
			z->type = fl[3];
			z->nf = 0;
			for (int i = 4; i < n && z->nf < MAXF; i++)
				z->f[z->nf++] = fl[i];
		} else if (strcmp(fl[0], "T") == 0 && n >= 9) {
			trow *t;

			tr = realloc(tr, (ntr + 1) * sizeof(*tr));
			t = &tr[ntr++];
			t->section = atoi(fl[1]);
			t->name = fl[2];
			t->host = fl[4];
			t->helo = fl[5];
			t->mailfrom = fl[6];
			t->results = fl[7];
			t->exp = fl[8];
		}
	}
	fclose(f);
}

static ns_type type_of(const char *t)
{
	if (!strcmp(t, "A")) return ns_t_a;
	if (!strcmp(t, "AAAA")) return ns_t_aaaa;
	if (!strcmp(t, "MX")) return ns_t_mx;
	if (!strcmp(t, "TXT")) return ns_t_txt;
	if (!strcmp(t, "SPF")) return (ns_type)99;
	if (!strcmp(t, "PTR")) return ns_t_ptr;
	if (!strcmp(t, "CNAME")) return ns_t_cname;
	return ns_t_invalid;
}

static SPF_server_t *make_server(int section)
{
	/* libspf2's zone layer takes no type 99 (it queries TXT only) and no
	 * CNAME (it cannot follow one). */
	static const char *types[] = {"A", "AAAA", "MX", "TXT", "PTR"};
	SPF_dns_server_t *dns = SPF_dns_zone_new(NULL, "suite", 0);
	SPF_server_t *s;
	SPF_response_t *resp = NULL;
	size_t i, j;

	for (i = 0; i < nzr; i++) {
		zrow *z = &zr[i];

		if (z->section != section)
			continue;
		if (!strcmp(z->type, "TIMEOUT")) {
			/* types with no entry of this name before the marker */
			for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
				int before = 0;

				for (j = 0; j < i; j++)
					if (zr[j].section == section &&
					    !strcasecmp(zr[j].name, z->name) && !strcmp(zr[j].type, types[k]))
						before = 1;
				if (!before)
					SPF_dns_zone_add_str(dns, z->name, type_of(types[k]), TRY_AGAIN, NULL);
			}
			continue;
		}
		/* entries after a TIMEOUT marker of the same name are not served */
		{
			int after = 0;

			for (j = 0; j < i; j++)
				if (zr[j].section == section && !strcasecmp(zr[j].name, z->name) &&
				    !strcmp(zr[j].type, "TIMEOUT"))
					after = 1;
			if (after)
				continue;
		}
		if (!strcmp(z->type, "SPF") || !strcmp(z->type, "CNAME"))
			continue;
		if (!strcmp(z->type, "TXT")) {
			char buf[70000] = "";

			for (int k = 0; k < z->nf; k++)
				strncat(buf, z->f[k], sizeof(buf) - strlen(buf) - 1);
			SPF_dns_zone_add_str(dns, z->name, type_of(z->type), NETDB_SUCCESS, buf);
		} else if (!strcmp(z->type, "MX")) {
			SPF_dns_zone_add_str(dns, z->name, ns_t_mx, NETDB_SUCCESS, z->nf > 1 ? z->f[1] : "");
		} else if (z->nf > 0) {
			SPF_dns_zone_add_str(dns, z->name, type_of(z->type), NETDB_SUCCESS, z->f[0]);
		}
	}
	s = SPF_server_new_dns(dns, 0);
	SPF_server_set_rec_dom(s, "localhost");
	SPF_server_set_explanation(s, "DEFAULT", &resp);
	if (resp)
		SPF_response_free(resp);
	return s;
}

static const char *result_name(SPF_result_t r)
{
	switch (r) {
	case SPF_RESULT_NEUTRAL: return "neutral";
	case SPF_RESULT_PASS: return "pass";
	case SPF_RESULT_FAIL: return "fail";
	case SPF_RESULT_SOFTFAIL: return "softfail";
	case SPF_RESULT_NONE: return "none";
	case SPF_RESULT_TEMPERROR: return "temperror";
	case SPF_RESULT_PERMERROR: return "permerror";
	default: return "invalid";
	}
}

static const char *run(SPF_server_t *s, const trow *t, char *exp, size_t explen)
{
	SPF_request_t *rq = SPF_request_new(s);
	SPF_response_t *resp = NULL;
	const char *res;
	char from[600];

	exp[0] = 0;
	if (strchr(t->host, ':'))
		SPF_request_set_ipv6_str(rq, t->host);
	else
		SPF_request_set_ipv4_str(rq, t->host);
	SPF_request_set_helo_dom(rq, t->helo);
	if (t->mailfrom[0])
		snprintf(from, sizeof(from), "%s", t->mailfrom);
	else
		snprintf(from, sizeof(from), "postmaster@%s", t->helo);
	SPF_request_set_env_from(rq, from);
	SPF_request_query_mailfrom(rq, &resp);
	res = resp ? result_name(SPF_response_result(resp)) : "invalid";
	if (resp && SPF_response_get_explanation(resp))
		snprintf(exp, explen, "%s", SPF_response_get_explanation(resp));
	if (resp)
		SPF_response_free(resp);
	SPF_request_free(rq);
	return res;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	SPF_server_t **servers;
	double seconds = 0;
	int raw = 0, passed = 0;
	const char *path = NULL;
	size_t i;
	char exp[4096];

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--raw"))
			raw = 1;
		else if (!path)
			path = argv[a];
		else
			seconds = atof(argv[a]);
	}
	if (!path) {
		fprintf(stderr, "usage: libspf2_bench SUITE.tsv [SECONDS] [--raw]\n");
		return 2;
	}
	load(path);
	servers = calloc((size_t)nsections, sizeof(*servers));
	for (int k = 0; k < nsections; k++)
		servers[k] = make_server(k);
	for (i = 0; i < ntr; i++) {
		const trow *t = &tr[i];
		const char *res = run(servers[t->section], t, exp, sizeof(exp));
		int ok = 0;
		char rs[128], *p, *save = NULL;

		snprintf(rs, sizeof(rs), "%s", t->results);
		for (p = strtok_r(rs, ",", &save); p; p = strtok_r(NULL, ",", &save))
			if (!strcmp(p, res))
				ok = 1;
		if (ok && t->exp[0] && !strcmp(res, "fail") && strcmp(t->exp, exp) != 0)
			ok = 0;
		passed += ok;
		if (raw)
			printf("R\t%s\t%s\t%s\n", t->name, res, exp);
	}
	printf("SCORE\t%d\t%zu\n", passed, ntr);
	if (seconds > 0) {
		double t0 = now_s(), el;
		size_t evals = 0;

		do {
			for (i = 0; i < ntr; i++) {
				run(servers[tr[i].section], &tr[i], exp, sizeof(exp));
				evals++;
			}
			el = now_s() - t0;
		} while (el < seconds);
		printf("BENCH\t%zu\t%.6f\t%.0f\n", evals, el, (double)evals / el);
	}
	for (int k = 0; k < nsections; k++)
		SPF_server_free(servers[k]);
	return 0;
}
