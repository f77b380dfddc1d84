/*
 * maildiag/render.h - format a report as text, JSON, NDJSON or CSV.
 *
 * Renderers never decide anything: they read a finished md_report and write
 * bytes through a caller-supplied sink. The library itself never prints.
 * JSON output is UTF-8 (invalid bytes become U+FFFD), has a fixed key order
 * and carries "schema": MD_JSON_SCHEMA; it is documented in docs/json.md.
 */
#ifndef MAILDIAG_RENDER_H
#define MAILDIAG_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <maildiag/report.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MD_JSON_SCHEMA 1

typedef enum md_format {
	MD_FORMAT_TEXT = 0,
	MD_FORMAT_JSON = 1,
	MD_FORMAT_NDJSON = 2,
	MD_FORMAT_CSV = 3
} md_format;

/* Receives output bytes; returns 0 on success, non-zero to stop. */
typedef int (*md_sink_fn)(void *ud, const char *data, size_t len);

typedef struct md_render_opts {
	md_format format;
	bool color;   /* ANSI colour in text output */
	int verbose;  /* text: >0 shows explanations, fixes and the trace */
} md_render_opts;

/* Parse "text", "json", "ndjson" or "csv". Returns MD_EINVAL otherwise. */
MD_API md_status md_format_parse(const char *name, md_format *out);

/*
 * Render R. Returns MD_OK, MD_ENOMEM, or MD_EIO when the sink refused.
 */
MD_API md_status md_render(const md_report *r, const md_render_opts *opts,
                           md_sink_fn sink, void *ud);

/* Escape S for a terminal: control characters become \xNN. Returns a
 * malloc'd string the caller frees with free(), or NULL. */
MD_API char *md_printable(const char *s);

#ifdef __cplusplus
}
#endif
#endif
