/*
 * maildiag/arc.h - Authenticated Received Chain validation (RFC 8617).
 *
 * An intermediary (a mailing list, a forwarder) that changes a message
 * breaks the author's DKIM signature; with ARC it records what it saw
 * (ARC-Authentication-Results), signs the message (ARC-Message-Signature)
 * and seals the chain so far (ARC-Seal). md_arc_verify() validates the
 * chain (section 5.2): the sets are complete and numbered 1..N, the seals'
 * cv= values are consistent, the newest AMS verifies, and every seal
 * verifies. The result is none, pass or fail, with the hop and part that
 * failed.
 */
#ifndef MAILDIAG_ARC_H
#define MAILDIAG_ARC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <maildiag/dns.h>
#include <maildiag/report.h>
#include <maildiag/status.h>
#include <maildiag/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum md_arc_verdict {
	MD_ARC_NONE = 0, /* no ARC sets */
	MD_ARC_PASS = 1,
	MD_ARC_FAIL = 2
} md_arc_verdict;

MD_API const char *md_arc_verdict_name(md_arc_verdict v);

/* The chain's outcome; strings owned by the md_arc_result. */
typedef struct md_arc_info {
	md_arc_verdict verdict;
	const char *reason_id;    /* "arc.pass", "arc.seal_invalid", ... */
	const char *reason;       /* one sentence */
	unsigned instances;       /* N, the newest instance (0 when none) */
	unsigned failed_instance; /* the hop that failed, 0 when none */
	const char *failed_part;  /* "structure", "ARC-Seal", "ARC-Message-Signature" */
	int oldest_pass;          /* oldest instance whose AMS still verifies
	                             (RFC 8617 section 5.2 step 7), 0 = none */
	const char *sealer;       /* d= of the newest ARC-Seal */
	const char *sealer_selector;
	const char *latest_aar; /* ARC-Authentication-Results of instance N */
	const char *detail;     /* more precise text, or NULL */
} md_arc_info;

typedef struct md_arc_verify_opts {
	int64_t now; /* 0: now */
} md_arc_verify_opts;

typedef struct md_arc_result md_arc_result;

/*
 * Validate the ARC chain of MSG/LEN (CRLF or bare LF line ends), asking
 * keys through RES. *OUT gets a result freed with md_arc_result_free().
 * Returns MD_OK (fail is a verdict), MD_EINVAL, MD_ENOMEM.
 */
MD_API md_status md_arc_verify(md_resolver *res, const char *msg, size_t len,
                               const md_arc_verify_opts *opts, md_arc_result **out);
MD_API const md_arc_info *md_arc_result_info(const md_arc_result *r);
MD_API void md_arc_result_free(md_arc_result *r);
/* A finding (arc.none, arc.pass or the failure id), JSON member "arc". */
MD_API md_status md_arc_result_report(md_report *report, const md_arc_result *r);

#ifdef __cplusplus
}
#endif
#endif
