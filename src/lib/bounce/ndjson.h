/*
 * ndjson.h - one bounce record as JSON: the jansson object of the JSON
 * document and the fast NDJSON line writer that prints the same bytes.
 */
#ifndef MD_BOUNCE_NDJSON_H
#define MD_BOUNCE_NDJSON_H

#include <stddef.h>
#include <jansson.h>
#include <maildiag/bounce.h>

#include "core/buf.h"

/* Record R of message INDEX of FILE (KIND: md_bounce_kind_name()) as a
 * jansson object (the "records" member of the JSON document); NULL when
 * out of memory. */
json_t *bounce_record_json(const md_bounce_record *r, const char *file, size_t index,
                           const char *kind);

/*
 * Append the same record to OUT as one NDJSON line: exactly the bytes
 * json_dumps(bounce_record_json(...), JSON_COMPACT) gives, then "\n".
 * Strings go through the same repair as md_json_cstr() (each invalid
 * UTF-8 byte becomes U+FFFD; a NULL string is null). On failure
 * (MD_ENOMEM, MD_ELIMIT at OUT's max) OUT is left as it was, error
 * cleared, and the error is returned.
 */
md_status bounce_ndjson_record(md_buf *out, const md_bounce_record *r, const char *file,
                               size_t index, const char *kind);

#endif
