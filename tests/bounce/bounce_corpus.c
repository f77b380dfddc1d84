/*
 * bounce_corpus.c - the bounce corpus test: parse every message of
 * ../shared/corpus/bounces, compare reason, status, replycode and
 * hardbounce with answer-key.tsv, and print the accuracy of each field,
 * for the files as they are (LF) and for CRLF and bare-CR copies made in
 * memory. The messages in not-bounces/ must be recognised as such.
 *
 * Usage: bounce_corpus [-v] CORPUS_DIR
 * Exit 0 when reason >= 95%, status and hardbounce >= 98% in every
 * line-end style and every not-bounce is recognised (the targets). Last line:
 * "N passed, N failed" (messages whose every field matches, over the three
 * styles).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <maildiag/maildiag.h>

#include "eol.h"

#define MAX_ROWS 4096

struct row {
	char file[256];
	int rcpt;
	char status[32], replycode[8], reason[32];
	int hard;
};

static struct row rows[MAX_ROWS];
static int nrows;
static int verbose;

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t cap = 1 << 16, n = 0, got;

	if (f == NULL)
		return NULL;
	buf = malloc(cap);
	while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2);

			if (nb == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Truncates silently: key fields longer than the row's buffers are not
 * valid answers anyway and would simply never match. */
static void copy_field(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int load_key(const char *dir)
{
	char path[1024], line[2048];
	FILE *f;

	snprintf(path, sizeof(path), "%s/answer-key.tsv", dir);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL && nrows < MAX_ROWS) {
		char *fld[8], *p = line;
		int nf = 0;

		line[strcspn(line, "\r\n")] = '\0';
		while (nf < 8) {
			char *t = strchr(p, '\t');

			fld[nf++] = p;
			if (t == NULL)
				break;
			*t = '\0';
			p = t + 1;
		}
		if (nf < 6 || strcmp(fld[0], "file") == 0)
			continue;
		copy_field(rows[nrows].file, sizeof(rows[nrows].file), fld[0]);
		rows[nrows].rcpt = (int)strtol(fld[1], NULL, 10);
		copy_field(rows[nrows].status, sizeof(rows[nrows].status), fld[2]);
		copy_field(rows[nrows].replycode, sizeof(rows[nrows].replycode), fld[3]);
		copy_field(rows[nrows].reason, sizeof(rows[nrows].reason), fld[4]);
		rows[nrows].hard = fld[5][0] == '1';
		nrows++;
	}
	fclose(f);
	return 0;
}

struct got {
	char reason[32], status[32], replycode[8];
	int hard;
};

/* Parse DATA (a message or an mbox) and collect its records. */
static int collect(const md_bounce_rules *rules, const char *data, size_t n, struct got *g,
                   int max, int *kinds_not_bounce)
{
	md_source *s = md_source_new(NULL);
	md_source_item it;
	md_bounce_opts o = {0};
	int k = 0;

	o.rules = rules;
	*kinds_not_bounce = 0;
	md_source_add_buffer(s, "corpus", data, n);
	while (md_source_next(s, &it)) {
		md_message *m;
		md_bounce *b;
		size_t i;

		if (it.data == NULL)
			continue;
		if (md_message_parse(it.data, it.len, NULL, &m) != MD_OK)
			continue;
		if (md_bounce_parse(m, &o, &b) == MD_OK) {
			if (md_bounce_get_kind(b) == MD_BOUNCE_NOT_BOUNCE)
				(*kinds_not_bounce)++;
			for (i = 0; i < md_bounce_count(b) && k < max; i++) {
				const md_bounce_record *r = md_bounce_record_at(b, i);

				snprintf(g[k].reason, sizeof(g[k].reason), "%s", r->reason);
				snprintf(g[k].status, sizeof(g[k].status), "%s", r->status);
				snprintf(g[k].replycode, sizeof(g[k].replycode), "%s", r->replycode);
				g[k].hard = r->hardbounce;
				k++;
			}
			md_bounce_free(b);
		}
		md_message_free(m);
	}
	md_source_free(s);
	return k;
}

int main(int argc, char **argv)
{
	const char *dir;
	static const char *const eols[] = {NULL, "\r\n", "\r"};
	static const char *const names[] = {"LF", "CRLF", "CR"};
	md_bounce_rules *rules;
	int v, pass = 0, fail = 0, ok = 1;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: bounce_corpus [-v] CORPUS_DIR\n");
		return 2;
	}
	dir = argv[1];
	if (load_key(dir) != 0) {
		printf("SKIP: no answer key in %s\n", dir);
		return 77;
	}
	if (md_bounce_rules_builtin(&rules) != MD_OK)
		return 2;
	for (v = 0; v < 3; v++) {
		int m_reason = 0, m_status = 0, m_code = 0, m_hard = 0, i = 0, nb_ok = 0, nb_total = 0;
		DIR *d;
		struct dirent *de;
		char path[1024];

		while (i < nrows) {
			int j = i, k, n, nb;
			size_t len, clen;
			char *raw, *data;
			struct got g[64];
			int msg_ok = 1;

			while (j < nrows && strcmp(rows[j].file, rows[i].file) == 0)
				j++;
			snprintf(path, sizeof(path), "%s/%s", dir, rows[i].file);
			raw = slurp(path, &len);
			if (raw == NULL) {
				printf("FAIL: cannot read %s\n", path);
				fail++;
				i = j;
				continue;
			}
			data = eols[v] ? test_with_eol(raw, len, eols[v], &clen) : raw;
			if (!eols[v])
				clen = len;
			n = collect(rules, data, clen, g, 64, &nb);
			for (k = i; k < j; k++) {
				int idx = rows[k].rcpt - 1;
				const struct got *x = idx >= 0 && idx < n ? &g[idx] : NULL;
				int r_ok = x && strcmp(x->reason, rows[k].reason) == 0;
				int s_ok = x && strcmp(x->status, rows[k].status) == 0;
				int c_ok = x && strcmp(x->replycode, rows[k].replycode) == 0;
				int h_ok = x && x->hard == rows[k].hard;

				m_reason += r_ok;
				m_status += s_ok;
				m_code += c_ok;
				m_hard += h_ok;
				if (!(r_ok && s_ok && c_ok && h_ok))
					msg_ok = 0;
				if (verbose && v == 0 && !(r_ok && s_ok && h_ok && c_ok))
					printf("  %s#%d: want %s %s %s %d, got %s %s %s %d\n", rows[k].file,
					       rows[k].rcpt, rows[k].reason, rows[k].status, rows[k].replycode,
					       rows[k].hard, x ? x->reason : "-", x ? x->status : "-",
					       x ? x->replycode : "-", x ? x->hard : -1);
			}
			if (msg_ok)
				pass++;
			else
				fail++;
			if (data != raw)
				free(data);
			free(raw);
			i = j;
		}
		/* not-bounces */
		snprintf(path, sizeof(path), "%s/not-bounces", dir);
		d = opendir(path);
		while (d != NULL && (de = readdir(d)) != NULL) {
			char fp[1536];
			size_t len, clen;
			char *raw, *data;
			struct got g[4];
			int nb, n;

			if (de->d_name[0] == '.')
				continue;
			snprintf(fp, sizeof(fp), "%s/%s", path, de->d_name);
			raw = slurp(fp, &len);
			if (raw == NULL)
				continue;
			data = eols[v] ? test_with_eol(raw, len, eols[v], &clen) : raw;
			if (!eols[v])
				clen = len;
			n = collect(rules, data, clen, g, 4, &nb);
			nb_total++;
			if (n == 0 && nb > 0) {
				nb_ok++;
				pass++;
			} else {
				printf("FAIL: %s (%s) read as a bounce\n", de->d_name, names[v]);
				fail++;
			}
			if (data != raw)
				free(data);
			free(raw);
		}
		if (d != NULL)
			closedir(d);
		printf("%-4s reason %.1f%% (%d/%d)  status %.1f%%  replycode %.1f%%  hardbounce %.1f%%  not-bounces %d/%d\n",
		       names[v], 100.0 * m_reason / nrows, m_reason, nrows, 100.0 * m_status / nrows,
		       100.0 * m_code / nrows, 100.0 * m_hard / nrows, nb_ok, nb_total);
		if (m_reason * 100 < nrows * 95 || m_status * 100 < nrows * 98 ||
		    m_hard * 100 < nrows * 98 || nb_ok != nb_total)
			ok = 0;
	}
	md_bounce_rules_free(rules);
	printf("%d passed, %d failed\n", pass, fail);
	return ok ? 0 : 1;
}
