/*
 * report.c - findings, tables, trace and JSON data of one report.
 *
 * Everything is copied into the report's arena; growable arrays are kept
 * with md_realloc. An allocation failure is remembered (md_report_status)
 * rather than returned from every setter, so check code stays readable.
 */
#include <stdarg.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "report_internal.h"
#include "utf8.h"

struct md_table {
	const char *name;
	size_t ncols, nrows, cap;
	const char **cols;
	const char **cells; /* nrows * ncols */
};

struct trace_line {
	int depth;
	const char *text;
};

struct summary_line {
	const char *key, *text;
};

struct md_report {
	md_arena *arena;
	const char *command, *subject;
	md_status status;
	md_finding **findings;
	size_t nfindings, capfindings;
	md_table **tables;
	size_t ntables, captables;
	struct trace_line *trace;
	size_t ntrace, captrace;
	struct summary_line *summary;
	size_t nsummary, capsummary;
	json_t *data;
	const char *stream_key;
};

static bool grow(md_report *r, void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 8;
	p = md_realloc(*arr, ncap * elem);
	if (p == NULL) {
		r->status = MD_ENOMEM;
		return false;
	}
	*arr = p;
	*cap = ncap;
	return true;
}

md_report *md_report_new(const char *command, const char *subject)
{
	md_report *r = md_calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->arena = md_arena_new();
	r->data = json_object();
	if (r->arena == NULL || r->data == NULL) {
		md_report_free(r);
		return NULL;
	}
	r->command = md_arena_strdup(r->arena, command ? command : "");
	r->subject = md_arena_strdup(r->arena, subject ? subject : "");
	if (r->command == NULL || r->subject == NULL) {
		md_report_free(r);
		return NULL;
	}
	return r;
}

void md_report_free(md_report *r)
{
	if (r == NULL)
		return;
	md_free(r->findings);
	md_free(r->tables);
	md_free(r->trace);
	md_free(r->summary);
	json_decref(r->data);
	md_arena_free(r->arena);
	md_free(r);
}

md_arena *md_report_arena(md_report *r) { return r->arena; }
json_t *md_report_data(const md_report *r) { return r->data; }
const char *md_report_command(const md_report *r) { return r->command; }
const char *md_report_subject(const md_report *r) { return r->subject; }
md_status md_report_status(const md_report *r) { return r->status; }
const char *md_report_stream_key(const md_report *r) { return r->stream_key; }

static const char *dup(md_report *r, const char *s)
{
	const char *d;

	if (s == NULL)
		return NULL;
	d = md_arena_strdup(r->arena, s);
	if (d == NULL)
		r->status = MD_ENOMEM;
	return d;
}

md_finding *md_report_add(md_report *r, const char *id, md_severity sev,
                          md_pillar pillar, const char *subject, const char *title)
{
	md_finding *f;

	if (!grow(r, (void **)&r->findings, &r->capfindings, r->nfindings,
	          sizeof(*r->findings)))
		return NULL;
	f = md_arena_zalloc(r->arena, sizeof(*f));
	if (f == NULL) {
		r->status = MD_ENOMEM;
		return NULL;
	}
	f->id = dup(r, id);
	f->severity = sev;
	f->pillar = pillar;
	f->subject = dup(r, subject ? subject : r->subject);
	f->title = dup(r, title ? title : "");
	if (f->id == NULL || f->subject == NULL || f->title == NULL)
		return NULL;
	r->findings[r->nfindings++] = f;
	return f;
}

static const char *vfmt(md_report *r, const char *fmt, va_list ap)
{
	const char *s = md_arena_vprintf(r->arena, fmt, ap);

	if (s == NULL)
		r->status = MD_ENOMEM;
	return s;
}

#define FINDING_SETTER(fn, field)                                          \
	void fn(md_report *r, md_finding *f, const char *fmt, ...)         \
	{                                                                  \
		va_list ap;                                                \
		if (f == NULL)                                             \
			return;                                            \
		va_start(ap, fmt);                                         \
		f->field = vfmt(r, fmt, ap);                               \
		va_end(ap);                                                \
	}

FINDING_SETTER(md_finding_set_evidence, evidence)
FINDING_SETTER(md_finding_set_explanation, explanation)
FINDING_SETTER(md_finding_set_fix, fix)

void md_finding_set_title(md_report *r, md_finding *f, const char *fmt, ...)
{
	va_list ap;
	const char *t;

	if (f == NULL)
		return;
	va_start(ap, fmt);
	t = vfmt(r, fmt, ap);
	va_end(ap);
	if (t != NULL)
		f->title = t;
}

void md_finding_add_ref(md_report *r, md_finding *f, const char *ref)
{
	const char **refs;

	if (f == NULL || ref == NULL)
		return;
	refs = md_arena_alloc(r->arena, (f->nrefs + 1) * sizeof(*refs));
	if (refs == NULL) {
		r->status = MD_ENOMEM;
		return;
	}
	if (f->nrefs > 0)
		memcpy(refs, f->refs, f->nrefs * sizeof(*refs));
	refs[f->nrefs] = dup(r, ref);
	if (refs[f->nrefs] == NULL)
		return;
	f->refs = refs;
	f->nrefs++;
}

void md_finding_set_could_not_check(md_finding *f)
{
	if (f != NULL)
		f->could_not_check = true;
}

size_t md_report_count(const md_report *r) { return r->nfindings; }

const md_finding *md_report_finding(const md_report *r, size_t i)
{
	return i < r->nfindings ? r->findings[i] : NULL;
}

const md_finding *md_report_find(const md_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i]->id, id) == 0)
			return r->findings[i];
	return NULL;
}

md_severity md_report_worst(const md_report *r)
{
	md_severity w = MD_SEV_OK;
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i]->severity > w)
			w = r->findings[i]->severity;
	return w;
}

int md_report_exit_code(const md_report *r)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i]->could_not_check)
			return 3;
	return md_report_worst(r) >= MD_SEV_ERROR ? 1 : 0;
}

md_table *md_report_add_table(md_report *r, const char *name, size_t ncols,
                              const char *const *cols)
{
	md_table *t;
	size_t i;

	if (!grow(r, (void **)&r->tables, &r->captables, r->ntables, sizeof(*r->tables)))
		return NULL;
	t = md_arena_zalloc(r->arena, sizeof(*t));
	if (t == NULL || (t->cols = md_arena_alloc(r->arena, ncols * sizeof(char *))) == NULL) {
		r->status = MD_ENOMEM;
		return NULL;
	}
	t->name = dup(r, name);
	t->ncols = ncols;
	for (i = 0; i < ncols; i++)
		t->cols[i] = dup(r, cols[i]);
	r->tables[r->ntables++] = t;
	return t;
}

md_status md_table_add_row(md_report *r, md_table *t, const char *const *vals)
{
	size_t i;

	if (t == NULL)
		return MD_EINVAL;
	if (t->nrows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		const char **cells = md_arena_alloc(r->arena, ncap * t->ncols * sizeof(char *));

		if (cells == NULL)
			return r->status = MD_ENOMEM;
		if (t->nrows > 0)
			memcpy(cells, t->cells, t->nrows * t->ncols * sizeof(char *));
		t->cells = cells;
		t->cap = ncap;
	}
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = dup(r, vals[i] ? vals[i] : "");
	t->nrows++;
	return r->status;
}

size_t md_report_table_count(const md_report *r) { return r->ntables; }
const md_table *md_report_table(const md_report *r, size_t i)
{
	return i < r->ntables ? r->tables[i] : NULL;
}
const char *md_table_name(const md_table *t) { return t->name; }
size_t md_table_ncols(const md_table *t) { return t->ncols; }
size_t md_table_nrows(const md_table *t) { return t->nrows; }
const char *md_table_col(const md_table *t, size_t c) { return c < t->ncols ? t->cols[c] : NULL; }
const char *md_table_cell(const md_table *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		return NULL;
	return t->cells[row * t->ncols + col];
}

void md_report_trace(md_report *r, int depth, const char *fmt, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, fmt);
	s = vfmt(r, fmt, ap);
	va_end(ap);
	if (s == NULL || !grow(r, (void **)&r->trace, &r->captrace, r->ntrace, sizeof(*r->trace)))
		return;
	r->trace[r->ntrace].depth = depth;
	r->trace[r->ntrace].text = s;
	r->ntrace++;
}

size_t md_report_trace_count(const md_report *r) { return r->ntrace; }
const char *md_report_trace_line(const md_report *r, size_t i, int *depth)
{
	if (i >= r->ntrace)
		return NULL;
	if (depth != NULL)
		*depth = r->trace[i].depth;
	return r->trace[i].text;
}

void md_report_summary(md_report *r, const char *key, const char *fmt, ...)
{
	va_list ap;
	const char *s, *k = dup(r, key);

	va_start(ap, fmt);
	s = vfmt(r, fmt, ap);
	va_end(ap);
	if (s == NULL || k == NULL ||
	    !grow(r, (void **)&r->summary, &r->capsummary, r->nsummary, sizeof(*r->summary)))
		return;
	r->summary[r->nsummary].key = k;
	r->summary[r->nsummary].text = s;
	r->nsummary++;
}

size_t md_report_summary_count(const md_report *r) { return r->nsummary; }
const char *md_report_summary_line(const md_report *r, size_t i, const char **key)
{
	if (i >= r->nsummary)
		return NULL;
	if (key != NULL)
		*key = r->summary[i].key;
	return r->summary[i].text;
}

json_t *md_json_string(const char *p, size_t n)
{
	md_buf b;
	json_t *j;

	if (p == NULL)
		return json_null();
	if (md_utf8_valid(p, n))
		return json_stringn(p, n);
	md_buf_init(&b, n * 3 + 16);
	if (md_utf8_sanitize(&b, p, n) != MD_OK) {
		md_buf_free(&b);
		return NULL;
	}
	j = json_stringn(b.p, b.n);
	md_buf_free(&b);
	return j;
}

json_t *md_json_cstr(const char *s)
{
	return md_json_string(s, s ? strlen(s) : 0);
}

md_status md_report_set_json_value(md_report *r, const char *key, json_t *value)
{
	if (value == NULL)
		return r->status = MD_ENOMEM;
	if (json_object_set_new(r->data, key, value) != 0)
		return r->status = MD_ENOMEM;
	return MD_OK;
}

md_status md_report_set_json(md_report *r, const char *key, const char *json)
{
	json_error_t err;
	json_t *v = json_loads(json, JSON_DECODE_ANY, &err);

	if (v == NULL)
		return MD_EINVAL;
	return md_report_set_json_value(r, key, v);
}

md_status md_report_set_string(md_report *r, const char *key, const char *val)
{
	return md_report_set_json_value(r, key, md_json_cstr(val));
}

void md_report_set_stream_key(md_report *r, const char *key)
{
	r->stream_key = dup(r, key);
}

const char *md_severity_name(md_severity s)
{
	switch (s) {
	case MD_SEV_OK: return "ok";
	case MD_SEV_NOTICE: return "notice";
	case MD_SEV_WARNING: return "warning";
	case MD_SEV_ERROR: return "error";
	case MD_SEV_CRITICAL: return "critical";
	}
	return "unknown";
}

const char *md_pillar_name(md_pillar p)
{
	switch (p) {
	case MD_PILLAR_AUTHENTICATION: return "authentication";
	case MD_PILLAR_REPUTATION: return "reputation";
	case MD_PILLAR_INFRASTRUCTURE: return "infrastructure";
	case MD_PILLAR_CONTENT_BEHAVIOUR: return "content_behaviour";
	case MD_PILLAR_RECIPIENT: return "recipient";
	}
	return "unknown";
}
