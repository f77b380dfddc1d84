/*
 * render.c - text, JSON, NDJSON and CSV renderers.
 *
 * Renderers read a finished report and decide nothing. Text output escapes
 * control characters from untrusted strings; JSON output is valid UTF-8
 * with a fixed key order (jansson keeps insertion order) and no locale.
 */
#include <maildiag/render.h>
#include <maildiag/maildiag.h>

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "report_internal.h"
#include "utf8.h"

enum { RENDER_MAX = 256u << 20 }; /* refuse to build output past 256 MiB */

md_status md_format_parse(const char *name, md_format *out)
{
	static const struct {
		const char *name;
		md_format f;
	} names[] = {{"text", MD_FORMAT_TEXT}, {"json", MD_FORMAT_JSON},
	             {"ndjson", MD_FORMAT_NDJSON}, {"csv", MD_FORMAT_CSV}};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].f;
			return MD_OK;
		}
	}
	return MD_EINVAL;
}

/* Append S for a terminal: valid UTF-8 kept, control bytes as \xNN.
 * Newlines become NEWLINE_INDENT so multi-line evidence stays aligned. */
static void put_printable(md_buf *b, const char *s, const char *newline_indent)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	while (i < n) {
		if (u[i] == '\n' && newline_indent != NULL) {
			md_buf_putc(b, '\n');
			md_buf_puts(b, newline_indent);
			i++;
			continue;
		}
		if (u[i] == '\r' && i + 1 < n && u[i + 1] == '\n' && newline_indent != NULL) {
			i++;
			continue;
		}
		if (u[i] < 0x20 || u[i] == 0x7f) {
			md_buf_printf(b, "\\x%02x", u[i]);
			i++;
			continue;
		}
		k = md_utf8_seqlen(u + i, n - i);
		if (k == 0) {
			md_buf_printf(b, "\\x%02x", u[i]);
			i++;
			continue;
		}
		md_buf_append(b, s + i, k);
		i += k;
	}
}

char *md_printable(const char *s)
{
	md_buf b;
	char *out;

	md_buf_init(&b, RENDER_MAX);
	put_printable(&b, s, NULL);
	if (b.err != MD_OK) {
		md_buf_free(&b);
		return NULL;
	}
	/* md_malloc is malloc underneath, so the caller may free() it */
	out = md_buf_steal(&b);
	return out;
}

static const char *sev_color(md_severity s)
{
	switch (s) {
	case MD_SEV_CRITICAL: return "\033[1;31m";
	case MD_SEV_ERROR: return "\033[31m";
	case MD_SEV_WARNING: return "\033[33m";
	case MD_SEV_NOTICE: return "\033[36m";
	case MD_SEV_OK: return "\033[32m";
	}
	return "";
}

static const char *sev_label(md_severity s)
{
	switch (s) {
	case MD_SEV_CRITICAL: return "CRITICAL";
	case MD_SEV_ERROR: return "ERROR";
	case MD_SEV_WARNING: return "WARNING";
	case MD_SEV_NOTICE: return "NOTICE";
	case MD_SEV_OK: return "OK";
	}
	return "?";
}

static size_t display_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void render_table_text(md_buf *b, const md_table *t, const md_render_opts *o)
{
	size_t ncols = md_table_ncols(t), nrows = md_table_nrows(t), r, c;
	size_t *w = md_calloc(ncols ? ncols : 1, sizeof(size_t));

	if (w == NULL) {
		b->err = MD_ENOMEM;
		return;
	}
	for (c = 0; c < ncols; c++) {
		w[c] = display_width(md_table_col(t, c));
		for (r = 0; r < nrows; r++) {
			size_t cw = display_width(md_table_cell(t, r, c));
			if (cw > w[c])
				w[c] = cw > 60 ? 60 : cw;
		}
	}
	md_buf_puts(b, "  ");
	for (c = 0; c < ncols; c++) {
		if (o->color)
			md_buf_puts(b, "\033[1m");
		md_buf_printf(b, "%-*s", c + 1 < ncols ? (int)w[c] + 2 : 0, md_table_col(t, c));
		if (o->color)
			md_buf_puts(b, "\033[0m");
	}
	md_buf_putc(b, '\n');
	for (r = 0; r < nrows; r++) {
		md_buf_puts(b, "  ");
		for (c = 0; c < ncols; c++) {
			const char *cell = md_table_cell(t, r, c);
			size_t cw = display_width(cell);

			put_printable(b, cell, NULL);
			if (c + 1 < ncols)
				md_buf_printf(b, "%*s", (int)(cw < w[c] ? w[c] - cw : 0) + 2, "");
		}
		md_buf_putc(b, '\n');
	}
	md_free(w);
}

static int finding_cmp_worst_first(const void *a, const void *b)
{
	const md_finding *fa = *(const md_finding *const *)a;
	const md_finding *fb = *(const md_finding *const *)b;

	if (fa->could_not_check != fb->could_not_check)
		return fa->could_not_check ? -1 : 1;
	if (fa->severity != fb->severity)
		return fa->severity > fb->severity ? -1 : 1;
	return 0;
}

static void render_finding_text(md_buf *b, const md_finding *f, const md_render_opts *o)
{
	const char *indent = "              ";
	size_t i;

	md_buf_puts(b, "  ");
	if (o->color)
		md_buf_puts(b, f->could_not_check ? "\033[35m" : sev_color(f->severity));
	md_buf_printf(b, "%-10s", f->could_not_check ? "UNCHECKED" : sev_label(f->severity));
	if (o->color)
		md_buf_puts(b, "\033[0m");
	md_buf_puts(b, "  ");
	put_printable(b, f->title, NULL);
	md_buf_puts(b, "\n");
	md_buf_printf(b, "%s[%s] ", indent, f->id);
	put_printable(b, f->subject, NULL);
	md_buf_putc(b, '\n');
	if (f->evidence != NULL && *f->evidence) {
		md_buf_printf(b, "%sevidence: ", indent);
		put_printable(b, f->evidence, "                        ");
		md_buf_putc(b, '\n');
	}
	if (f->explanation != NULL && *f->explanation && (o->verbose > 0 || f->severity >= MD_SEV_WARNING)) {
		md_buf_printf(b, "%swhy:      ", indent);
		put_printable(b, f->explanation, "                        ");
		md_buf_putc(b, '\n');
	}
	if (f->fix != NULL && *f->fix && f->severity >= MD_SEV_NOTICE) {
		md_buf_printf(b, "%sfix:      ", indent);
		put_printable(b, f->fix, "                        ");
		md_buf_putc(b, '\n');
	}
	if (f->nrefs > 0 && o->verbose > 0) {
		md_buf_printf(b, "%sref:      ", indent);
		for (i = 0; i < f->nrefs; i++) {
			if (i > 0)
				md_buf_puts(b, "; ");
			put_printable(b, f->refs[i], NULL);
		}
		md_buf_putc(b, '\n');
	}
}

static void render_text(md_buf *b, const md_report *r, const md_render_opts *o)
{
	size_t n = md_report_count(r), i, j;
	const md_finding **sorted;
	md_severity worst = md_report_worst(r);
	static const md_pillar order[] = {MD_PILLAR_AUTHENTICATION, MD_PILLAR_REPUTATION,
	                                  MD_PILLAR_INFRASTRUCTURE, MD_PILLAR_CONTENT_BEHAVIOUR,
	                                  MD_PILLAR_RECIPIENT};

	if (o->color)
		md_buf_puts(b, "\033[1m");
	md_buf_printf(b, "maildiag %s ", md_report_command(r));
	put_printable(b, md_report_subject(r), NULL);
	if (o->color)
		md_buf_puts(b, "\033[0m");
	md_buf_puts(b, "\n");
	for (i = 0; i < md_report_summary_count(r); i++) {
		const char *key, *line = md_report_summary_line(r, i, &key);

		md_buf_printf(b, "  %-14s ", key);
		put_printable(b, line, "                  ");
		md_buf_putc(b, '\n');
	}
	for (i = 0; i < md_report_table_count(r); i++) {
		md_buf_putc(b, '\n');
		render_table_text(b, md_report_table(r, i), o);
	}
	if (md_report_trace_count(r) > 0) {
		md_buf_puts(b, "\nTrace:\n");
		for (i = 0; i < md_report_trace_count(r); i++) {
			int depth;
			const char *line = md_report_trace_line(r, i, &depth);

			md_buf_printf(b, "  %*s", depth * 2, "");
			put_printable(b, line, NULL);
			md_buf_putc(b, '\n');
		}
	}
	if (n == 0) {
		md_buf_puts(b, "\nNo findings.\n");
		return;
	}
	sorted = md_calloc(n, sizeof(*sorted));
	if (sorted == NULL) {
		b->err = MD_ENOMEM;
		return;
	}
	/* group by pillar in the seed's order; worst first inside each group */
	for (j = 0; j < sizeof(order) / sizeof(order[0]); j++) {
		size_t k = 0;

		for (i = 0; i < n; i++) {
			const md_finding *f = md_report_finding(r, i);
			if (f->pillar == order[j])
				sorted[k++] = f;
		}
		if (k == 0)
			continue;
		qsort(sorted, k, sizeof(*sorted), finding_cmp_worst_first);
		md_buf_printf(b, "\n%s:\n", md_pillar_name(order[j]));
		for (i = 0; i < k; i++)
			render_finding_text(b, sorted[i], o);
	}
	md_free(sorted);
	{
		int code = md_report_exit_code(r);

		md_buf_printf(b, "\nResult: %s\n",
		              code == 3 ? "incomplete: some checks could not be done"
		              : code == 1 ? "problems found"
		              : worst >= MD_SEV_WARNING ? "no errors, some warnings"
		                                        : "no problems found");
	}
}

static json_t *finding_json(const md_finding *f)
{
	json_t *o = json_object(), *refs = json_array();
	size_t i;

	if (o == NULL || refs == NULL) {
		json_decref(o);
		json_decref(refs);
		return NULL;
	}
	json_object_set_new(o, "id", md_json_cstr(f->id));
	json_object_set_new(o, "severity", json_string(md_severity_name(f->severity)));
	json_object_set_new(o, "pillar", json_string(md_pillar_name(f->pillar)));
	json_object_set_new(o, "subject", md_json_cstr(f->subject));
	json_object_set_new(o, "title", md_json_cstr(f->title));
	json_object_set_new(o, "evidence", md_json_cstr(f->evidence));
	json_object_set_new(o, "explanation", md_json_cstr(f->explanation));
	json_object_set_new(o, "fix", md_json_cstr(f->fix));
	for (i = 0; i < f->nrefs; i++)
		json_array_append_new(refs, md_json_cstr(f->refs[i]));
	json_object_set_new(o, "references", refs);
	json_object_set_new(o, "could_not_check", json_boolean(f->could_not_check));
	return o;
}

static const char *status_word(const md_report *r)
{
	int code = md_report_exit_code(r);

	return code == 3 ? "incomplete" : code == 1 ? "problems" : "ok";
}

static json_t *report_json(const md_report *r)
{
	json_t *doc = json_object(), *findings = json_array();
	const char *key;
	json_t *val;
	size_t i;

	if (doc == NULL || findings == NULL) {
		json_decref(doc);
		json_decref(findings);
		return NULL;
	}
	json_object_set_new(doc, "schema", json_integer(MD_JSON_SCHEMA));
	json_object_set_new(doc, "tool", json_string("maildiag"));
	json_object_set_new(doc, "version", json_string(md_version()));
	json_object_set_new(doc, "command", md_json_cstr(md_report_command(r)));
	json_object_set_new(doc, "subject", md_json_cstr(md_report_subject(r)));
	json_object_set_new(doc, "status", json_string(status_word(r)));
	json_object_set_new(doc, "exit_code", json_integer(md_report_exit_code(r)));
	json_object_set_new(doc, "worst_severity", json_string(md_severity_name(md_report_worst(r))));
	json_object_foreach(md_report_data(r), key, val)
		json_object_set(doc, key, val);
	for (i = 0; i < md_report_count(r); i++)
		json_array_append_new(findings, finding_json(md_report_finding(r, i)));
	json_object_set_new(doc, "findings", findings);
	if (md_report_trace_count(r) > 0) {
		json_t *trace = json_array();

		for (i = 0; i < md_report_trace_count(r); i++) {
			int depth;
			const char *line = md_report_trace_line(r, i, &depth);

			json_array_append_new(trace, json_pack("{s:i,s:o}", "depth", depth,
			                                       "text", md_json_cstr(line)));
		}
		json_object_set_new(doc, "trace", trace);
	}
	return doc;
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	return md_buf_append(data, buf, size) == MD_OK ? 0 : -1;
}

static void put_json(md_buf *b, json_t *j)
{
	if (j == NULL || json_dump_callback(j, dump_cb, b, JSON_COMPACT) != 0) {
		if (b->err == MD_OK)
			b->err = MD_ENOMEM;
	}
}

static void render_json(md_buf *b, const md_report *r)
{
	json_t *doc = report_json(r);

	if (doc == NULL || json_dump_callback(doc, dump_cb, b, JSON_INDENT(2)) != 0) {
		if (b->err == MD_OK)
			b->err = MD_ENOMEM;
	}
	md_buf_putc(b, '\n');
	json_decref(doc);
}

static void render_ndjson(md_buf *b, const md_report *r)
{
	const char *key = md_report_stream_key(r);
	json_t *arr = key ? json_object_get(md_report_data(r), key) : NULL;
	size_t i;

	if (json_is_array(arr)) {
		for (i = 0; i < json_array_size(arr); i++) {
			put_json(b, json_array_get(arr, i));
			md_buf_putc(b, '\n');
		}
		return;
	}
	for (i = 0; i < md_report_count(r); i++) {
		json_t *o = finding_json(md_report_finding(r, i));

		if (o != NULL) {
			json_object_set_new(o, "command", md_json_cstr(md_report_command(r)));
			json_object_set_new(o, "report_subject", md_json_cstr(md_report_subject(r)));
		}
		put_json(b, o);
		md_buf_putc(b, '\n');
		json_decref(o);
	}
}

/* RFC 4180 field; a leading = + @ is defused so spreadsheets do not
 * evaluate text taken from mail or DNS as a formula. */
static void put_csv_field(md_buf *b, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL || *s == '=' || *s == '+' || *s == '@';

	if (!quote) {
		md_utf8_sanitize(b, s, strlen(s));
		return;
	}
	md_buf_putc(b, '"');
	if (*s == '=' || *s == '+' || *s == '@')
		md_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			md_buf_putc(b, '"');
		md_buf_putc(b, *s);
	}
	md_buf_putc(b, '"');
}

static void render_csv(md_buf *b, const md_report *r)
{
	size_t i, c;

	if (md_report_table_count(r) > 0) {
		const md_table *t = md_report_table(r, 0);

		for (c = 0; c < md_table_ncols(t); c++) {
			if (c > 0)
				md_buf_putc(b, ',');
			put_csv_field(b, md_table_col(t, c));
		}
		md_buf_puts(b, "\r\n");
		for (i = 0; i < md_table_nrows(t); i++) {
			for (c = 0; c < md_table_ncols(t); c++) {
				if (c > 0)
					md_buf_putc(b, ',');
				put_csv_field(b, md_table_cell(t, i, c));
			}
			md_buf_puts(b, "\r\n");
		}
		return;
	}
	md_buf_puts(b, "id,severity,pillar,subject,title,could_not_check\r\n");
	for (i = 0; i < md_report_count(r); i++) {
		const md_finding *f = md_report_finding(r, i);

		put_csv_field(b, f->id);
		md_buf_printf(b, ",%s,%s,", md_severity_name(f->severity), md_pillar_name(f->pillar));
		put_csv_field(b, f->subject);
		md_buf_putc(b, ',');
		put_csv_field(b, f->title);
		md_buf_printf(b, ",%s\r\n", f->could_not_check ? "true" : "false");
	}
}

md_status md_render(const md_report *r, const md_render_opts *opts, md_sink_fn sink, void *ud)
{
	md_render_opts def = {0};
	md_buf b;
	md_status st;

	if (opts == NULL)
		opts = &def;
	md_buf_init(&b, RENDER_MAX);
	switch (opts->format) {
	case MD_FORMAT_TEXT: render_text(&b, r, opts); break;
	case MD_FORMAT_JSON: render_json(&b, r); break;
	case MD_FORMAT_NDJSON: render_ndjson(&b, r); break;
	case MD_FORMAT_CSV: render_csv(&b, r); break;
	}
	st = b.err;
	if (st == MD_OK && b.n > 0 && sink(ud, b.p, b.n) != 0)
		st = MD_EIO;
	md_buf_free(&b);
	return st;
}
