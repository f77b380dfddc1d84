/*
 * spf_eval.h - the evaluation state shared by check_host() (spf_eval.c)
 * and its report (spf_report.c): the verdict and the trace tree.
 */
#ifndef MD_SPF_EVAL_H
#define MD_SPF_EVAL_H

#include "spf_internal.h"

typedef enum spf_node_kind {
	SPF_N_CHECK = 1, /* check_host() of one domain */
	SPF_N_LOOKUP,    /* one DNS question and what came back */
	SPF_N_TERM,      /* one term of a record */
	SPF_N_NOTE       /* a remark (limit passed, loop, exp) */
} spf_node_kind;

/* One node of the trace; nodes are stored in pre-order with a depth. */
typedef struct spf_node {
	spf_node_kind kind;
	int depth;
	const char *a;        /* CHECK: domain; TERM: term; LOOKUP: qname; NOTE: text */
	const char *b;        /* CHECK: record; TERM: what happened; LOOKUP: answers */
	uint16_t qtype;       /* LOOKUP */
	md_dns_outcome outcome; /* LOOKUP */
	unsigned at;          /* TERM: its own number among the counted terms */
	unsigned lookups;     /* TERM: cumulative DNS-querying terms after it */
	unsigned voids;       /* TERM: cumulative void lookups after it */
	int match;            /* TERM: 1 matched, 0 did not, -1 error/not run */
	md_spf_result result; /* CHECK: the result of this check_host() */
	bool counts;          /* TERM: counted against the 10 */
	bool decided;         /* TERM: decided the final result */
} spf_node;

/* The allocation behind an md_spf_verdict (the public part comes first). */
typedef struct spf_verdict_impl {
	md_spf_verdict v;
	md_arena *arena;
	spf_node *nodes;
	size_t nnodes, capnodes;
	unsigned max_lookups;
	bool traced;
} spf_verdict_impl;

#endif
