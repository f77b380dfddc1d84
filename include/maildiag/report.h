/*
 * maildiag/report.h - findings and the report that carries them.
 *
 * Every check appends findings to an md_report. A finding has a stable
 * dotted id ("mx.null_mx"), a severity, the pillar it belongs to, the
 * subject it is about, a one-line title, the raw evidence, an explanation,
 * a concrete fix and references. A report may also carry tables (for text
 * and CSV output), a trace (indented lines a person can follow) and
 * command-specific structured data (for JSON output).
 *
 * All strings added to a report are copied into the report's arena and live
 * until md_report_free(). Strings read from a report are valid as long as
 * the report is. Reports are not thread-safe; use one per thread.
 */
#ifndef MAILDIAG_REPORT_H
#define MAILDIAG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <maildiag/status.h>
#include <maildiag/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Ordered from least to most severe; compare with < and >. */
typedef enum md_severity {
	MD_SEV_OK = 0,
	MD_SEV_NOTICE = 1,
	MD_SEV_WARNING = 2,
	MD_SEV_ERROR = 3,
	MD_SEV_CRITICAL = 4
} md_severity;

/* The seed's pillars: who must act. */
typedef enum md_pillar {
	MD_PILLAR_AUTHENTICATION = 0,
	MD_PILLAR_REPUTATION = 1,
	MD_PILLAR_INFRASTRUCTURE = 2,
	MD_PILLAR_CONTENT_BEHAVIOUR = 3,
	MD_PILLAR_RECIPIENT = 4
} md_pillar;

/*
 * One finding. Fields are appended at the end in later versions; never
 * allocate this struct yourself, use md_report_add().
 */
typedef struct md_finding {
	const char *id;          /* stable dotted id, e.g. "spf.too_many_lookups" */
	md_severity severity;
	md_pillar pillar;
	const char *subject;     /* domain, IP, host or address; never NULL */
	const char *title;       /* one line; never NULL */
	const char *evidence;    /* raw record / DNS answer / SMTP reply, or NULL */
	const char *explanation; /* why it matters, or NULL */
	const char *fix;         /* the concrete fix, or NULL */
	const char *const *refs; /* references, e.g. "RFC 7208 section 4.6.4" */
	size_t nrefs;
	/* true when the check could not be done (DNS timeout, SERVFAIL,
	 * network error): the finding says "could not check", never "missing" */
	bool could_not_check;
} md_finding;

typedef struct md_report md_report;
typedef struct md_table md_table;

/* Create an empty report for COMMAND ("mx") about SUBJECT ("example.com").
 * Returns NULL when out of memory. */
MD_API md_report *md_report_new(const char *command, const char *subject);
/* Free a report and every string it owns. Accepts NULL. */
MD_API void md_report_free(md_report *r);

MD_API const char *md_report_command(const md_report *r);
MD_API const char *md_report_subject(const md_report *r);

/*
 * Append a finding and return it for the md_finding_set_* calls below, or
 * NULL when out of memory (the report remembers MD_ENOMEM; see
 * md_report_status()).
 */
MD_API md_finding *md_report_add(md_report *r, const char *id, md_severity sev,
                                 md_pillar pillar, const char *subject,
                                 const char *title);
/* printf-style setters; each copies its text into the report. */
MD_API void md_finding_set_evidence(md_report *r, md_finding *f, const char *fmt, ...) MD_PRINTF(3, 4);
MD_API void md_finding_set_explanation(md_report *r, md_finding *f, const char *fmt, ...) MD_PRINTF(3, 4);
MD_API void md_finding_set_fix(md_report *r, md_finding *f, const char *fmt, ...) MD_PRINTF(3, 4);
MD_API void md_finding_add_ref(md_report *r, md_finding *f, const char *ref);
MD_API void md_finding_set_title(md_report *r, md_finding *f, const char *fmt, ...) MD_PRINTF(3, 4);
/* Mark the finding as "could not check" (severity stays as given). */
MD_API void md_finding_set_could_not_check(md_finding *f);

MD_API size_t md_report_count(const md_report *r);
MD_API const md_finding *md_report_finding(const md_report *r, size_t i);
/* The first finding with this id, or NULL. */
MD_API const md_finding *md_report_find(const md_report *r, const char *id);
/* The most severe severity among the findings (MD_SEV_OK when empty). */
MD_API md_severity md_report_worst(const md_report *r);

/*
 * The process exit code DESIGN.md defines: 3 when any finding could not be
 * checked (the answer is incomplete), else 1 when any finding is at error
 * level or above, else 0. (2, bad usage or input, is the caller's.)
 */
MD_API int md_report_exit_code(const md_report *r);

/* MD_OK, or the first allocation failure met while building the report. */
MD_API md_status md_report_status(const md_report *r);

/* --- tables: rows for text and CSV output --- */

/* Add a table named NAME ("mx_hosts") with NCOLS column names. */
MD_API md_table *md_report_add_table(md_report *r, const char *name,
                                     size_t ncols, const char *const *cols);
/* Append a row of NCOLS values (NULL is shown as empty). */
MD_API md_status md_table_add_row(md_report *r, md_table *t, const char *const *vals);
MD_API size_t md_report_table_count(const md_report *r);
MD_API const md_table *md_report_table(const md_report *r, size_t i);
MD_API const char *md_table_name(const md_table *t);
MD_API size_t md_table_ncols(const md_table *t);
MD_API size_t md_table_nrows(const md_table *t);
MD_API const char *md_table_col(const md_table *t, size_t col);
MD_API const char *md_table_cell(const md_table *t, size_t row, size_t col);

/* --- trace: indented lines a person can follow --- */

MD_API void md_report_trace(md_report *r, int depth, const char *fmt, ...) MD_PRINTF(3, 4);
MD_API size_t md_report_trace_count(const md_report *r);
MD_API const char *md_report_trace_line(const md_report *r, size_t i, int *depth);

/* --- summary lines: short "key: value" facts shown at the top of text --- */

MD_API void md_report_summary(md_report *r, const char *key, const char *fmt, ...) MD_PRINTF(3, 4);
MD_API size_t md_report_summary_count(const md_report *r);
MD_API const char *md_report_summary_line(const md_report *r, size_t i, const char **key);

/* --- structured data for JSON --- */

/*
 * Set a top-level JSON member of the report document from JSON text
 * ("result" -> "\"pass\"", "hosts" -> "[...]"). Members appear after the
 * fixed ones, in the order first set; setting a key again replaces it.
 * Returns MD_EINVAL when JSON is not valid JSON.
 */
MD_API md_status md_report_set_json(md_report *r, const char *key, const char *json);
/* Set a string member; bytes that are not UTF-8 are replaced by U+FFFD. */
MD_API md_status md_report_set_string(md_report *r, const char *key, const char *val);
/*
 * Name the array member whose elements NDJSON output streams one per line
 * (e.g. "records" for bounces). By default NDJSON streams the findings.
 */
MD_API void md_report_set_stream_key(md_report *r, const char *key);

/* Severity and pillar names as used in JSON ("critical", "content_behaviour"). */
MD_API const char *md_severity_name(md_severity s);
MD_API const char *md_pillar_name(md_pillar p);

#ifdef __cplusplus
}
#endif
#endif
