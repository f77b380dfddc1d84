/*
 * dmarc_eval.h - DMARC questions asked together and read back: the set of
 * _dmarc names of one evaluation or check, and the RFC 9989 tree walk
 * over their answers.
 */
#ifndef MD_DMARC_EVAL_H
#define MD_DMARC_EVAL_H

#include <maildiag/dns.h>

#include "core/arena.h"
#include "dmarc_internal.h"

typedef enum dmarc_state {
	DMARC_NONE = 0,     /* no DMARC record at the name */
	DMARC_ONE = 1,      /* exactly one v=DMARC1 record */
	DMARC_MULTIPLE = 2, /* several: none applies */
	DMARC_FAILED = 3    /* the question failed */
} dmarc_state;

typedef struct dmarc_q dmarc_q;
typedef struct dmarc_qset dmarc_qset;

dmarc_qset *dmarc_qset_new(md_resolver *r, md_arena *a);
void dmarc_qset_free(dmarc_qset *s);
/* Submit _dmarc.DOMAIN TXT (once); NULL when the set is full. */
dmarc_q *dmarc_qset_ask(dmarc_qset *s, const char *domain);
/* Submit every name of DOMAIN's tree walk. */
void dmarc_qset_walk(dmarc_qset *s, const char *domain);
dmarc_q *dmarc_qset_get(dmarc_qset *s, const char *domain);
/* After md_dns_wait(): what the answer holds. */
dmarc_state dmarc_q_state(dmarc_qset *s, dmarc_q *q);
const dmarc_record *dmarc_q_record(const dmarc_q *q);
const char *dmarc_q_text(const dmarc_q *q);
const char *dmarc_q_name(const dmarc_q *q);
/* The raw answer (NULL when not asked or failed to submit). */
const md_dns_result *dmarc_q_result(const dmarc_q *q);
/* RFC 9989 section 4.10.2 organisational domain of DOMAIN from the walk's
 * answers; false when a question failed (OUT still holds a best guess). */
bool dmarc_org_walk(dmarc_qset *s, const char *domain, char *out, size_t len);

#endif
