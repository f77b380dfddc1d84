/*
 * maildiag/dmarc.h - DMARC policy records checked, and DMARC verdicts.
 *
 * Two readings of DMARC are supported and can be compared:
 *  - RFC 9989 (DMARCbis, the default): the organisational domain comes
 *    from the DNS tree walk (psd=, fewest labels with a record); np=, t=
 *    and psd= are honoured; pct=, rf= and ri= are removed;
 *  - RFC 7489: the organisational domain comes from the public suffix list
 *    (libpsl); pct= applies (pct=0 means the next-lower policy).
 *
 * md_check_dmarc() lints a domain's record and says which record applies;
 * md_dmarc_evaluate() turns an author domain plus SPF and DKIM results
 * into the DMARC result and disposition with the alignment evidence.
 */
#ifndef MAILDIAG_DMARC_H
#define MAILDIAG_DMARC_H

#include <stdbool.h>
#include <stddef.h>
#include <maildiag/dns.h>
#include <maildiag/report.h>
#include <maildiag/status.h>
#include <maildiag/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum md_dmarc_reading {
	MD_DMARC_RFC9989 = 0, /* DMARCbis: tree walk, np/psd/t, no pct */
	MD_DMARC_RFC7489 = 1  /* public suffix list, pct */
} md_dmarc_reading;

/* RFC 8601 / RFC 9989 section 4.8 results. */
typedef enum md_dmarc_verdict {
	MD_DMARC_NONE = 0, /* no policy record applies */
	MD_DMARC_PASS = 1,
	MD_DMARC_FAIL = 2,
	MD_DMARC_TEMPERROR = 3, /* a DNS question could not be answered */
	MD_DMARC_PERMERROR = 4
} md_dmarc_verdict;

typedef enum md_dmarc_policy {
	MD_DMARC_POLICY_NONE = 0,
	MD_DMARC_POLICY_QUARANTINE = 1,
	MD_DMARC_POLICY_REJECT = 2
} md_dmarc_policy;

MD_API const char *md_dmarc_verdict_name(md_dmarc_verdict v);
MD_API const char *md_dmarc_policy_name(md_dmarc_policy p);
/* "rfc9989" or "rfc7489"; md_dmarc_reading_parse accepts "9989", "7489",
 * "rfc9989", "rfc7489", "dmarcbis". */
MD_API const char *md_dmarc_reading_name(md_dmarc_reading r);
MD_API md_status md_dmarc_reading_parse(const char *s, md_dmarc_reading *out);

/* An authenticated identifier: a DKIM d= or the SPF (MAIL FROM or HELO)
 * domain, with whether it authenticated. */
typedef struct md_dmarc_ident {
	const char *domain;
	bool pass;            /* DKIM result pass / SPF result pass */
	const char *result;   /* RFC 8601 word for the evidence ("pass", "fail") */
	const char *selector; /* DKIM s= (reports only), or NULL */
} md_dmarc_ident;

typedef struct md_dmarc_input {
	const char *from_domain;    /* RFC5322.From domain */
	const md_dmarc_ident *dkim; /* every DKIM signature's result */
	size_t ndkim;
	const md_dmarc_ident *spf; /* SPF result, or NULL when not checked */
	md_dmarc_reading reading;
} md_dmarc_input;

/* One identifier's alignment with the author domain. */
typedef struct md_dmarc_alignment {
	const char *method; /* "dkim" or "spf" */
	const char *domain; /* the identifier's domain */
	const char *org_domain;
	bool pass;          /* the identifier authenticated */
	bool aligned;       /* its domain aligns in the record's mode */
	bool strict;        /* alignment mode was strict */
	const char *result; /* the identifier's own result word */
} md_dmarc_alignment;

/* The outcome of md_dmarc_evaluate(); strings owned by it. */
typedef struct md_dmarc_outcome {
	md_dmarc_verdict verdict;
	md_dmarc_policy disposition; /* what the receiver applies (none on pass) */
	md_dmarc_policy requested;   /* the policy the record asks for */
	const char *policy_tag;      /* "p", "sp" or "np": which tag applied */
	const char *from_domain;
	const char *policy_domain;   /* where the record was found, or NULL */
	const char *record;          /* the record text, or NULL */
	const char *org_domain;      /* organisational domain of From (this reading) */
	const char *org_domain_psl;  /* by the public suffix list */
	const char *org_domain_walk; /* by the RFC 9989 tree walk */
	bool adkim_strict, aspf_strict;
	bool testing;                    /* t=y (RFC 9989) */
	int pct;                         /* pct= (RFC 7489), 100 when absent */
	bool from_exists;                /* false when the From domain is NXDOMAIN */
	const md_dmarc_alignment *align; /* every identifier considered */
	size_t nalign;
	const char *reason; /* one sentence on the verdict */
	md_dmarc_reading reading;
} md_dmarc_outcome;

typedef struct md_dmarc_result md_dmarc_result;

/*
 * Evaluate DMARC for IN, asking DNS through RES (all questions of the
 * tree walks at once). *OUT gets a result the caller frees with
 * md_dmarc_result_free(). Returns MD_OK (temperror is a verdict),
 * MD_EINVAL on a NULL argument, MD_ENOMEM.
 */
MD_API md_status md_dmarc_evaluate(md_resolver *res, const md_dmarc_input *in,
                                   md_dmarc_result **out);
MD_API const md_dmarc_outcome *md_dmarc_result_outcome(const md_dmarc_result *r);
MD_API void md_dmarc_result_free(md_dmarc_result *r);
/*
 * Describe R in REPORT: a finding (dmarc.pass, dmarc.fail, dmarc.none,
 * dmarc.temperror), an "alignment" table, JSON member "dmarc" with the
 * evidence, and trace lines.
 */
MD_API md_status md_dmarc_result_report(md_report *report, const md_dmarc_result *r);

typedef struct md_dmarc_check_opts {
	md_dmarc_reading reading;
} md_dmarc_check_opts;

/*
 * Check DOMAIN's DMARC record: found where (at the domain, at the
 * organisational domain by tree walk and/or PSL, naming both when they
 * differ), parsed (p, sp, np, psd, t, adkim, aspf, rua, ruf, fo; pct, rf,
 * ri flagged as removed by RFC 9989), several records, syntax errors with
 * position, external report destinations checked for their
 * DOMAIN._report._dmarc.DEST authorisation record, and the safe path from
 * p=none to quarantine to reject stated as the fix. Findings and JSON
 * members "record", "tags", "policy_domain", "org_domain",
 * "report_destinations" go to REPORT. Returns MD_OK when the check ran,
 * MD_EINVAL for a name that is not a domain, MD_ENOMEM.
 */
MD_API md_status md_check_dmarc(md_resolver *res, const char *domain,
                                const md_dmarc_check_opts *opts, md_report *report);

/*
 * The organisational domain of DOMAIN by the public suffix list (RFC 7489
 * section 3.2), written lower case into OUT (LEN bytes). Returns MD_OK,
 * MD_EINVAL for a bad name, MD_ELIMIT when OUT is too small.
 */
MD_API md_status md_dmarc_org_domain_psl(const char *domain, char *out, size_t len);

#ifdef __cplusplus
}
#endif
#endif
