/*
 * report_internal.h - library-internal access to a report's structured data.
 */
#ifndef MD_CORE_REPORT_INTERNAL_H
#define MD_CORE_REPORT_INTERNAL_H

#include <jansson.h>
#include <maildiag/report.h>

#include "arena.h"

/* The report's arena, for check code that builds strings it hands over. */
md_arena *md_report_arena(md_report *r);
/* The object holding command-specific JSON members (owned by the report). */
json_t *md_report_data(const md_report *r);
/* Set member KEY to VALUE, taking the reference (VALUE may be NULL: then
 * the report records MD_ENOMEM). */
md_status md_report_set_json_value(md_report *r, const char *key, json_t *value);
const char *md_report_stream_key(const md_report *r);
/* A jansson string from bytes that may not be UTF-8 (bad bytes become
 * U+FFFD). NULL P gives JSON null. */
json_t *md_json_string(const char *p, size_t n);
json_t *md_json_cstr(const char *s);

#endif
