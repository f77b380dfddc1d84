/*
 * maildiag/smtp.h - SMTP and submission probes with TLS.
 *
 * A probe connects to a host (or to every MX host of a domain), reads the
 * banner, sends EHLO, upgrades with STARTTLS (or starts with TLS on the
 * implicit-TLS port 465), inspects the TLS session and the certificate
 * (protocol, cipher, chain against the system trust store, host name,
 * days to expiry), and on submission ports the AUTH mechanisms offered
 * before and after TLS. It never sends DATA; it sends MAIL and RCPT only
 * when an RCPT probe is asked for. Each phase has its own timeout and its
 * own outcome, so the report says exactly where the probe stopped.
 *
 * Sockets are non-blocking and waited on with poll(); nothing blocks past
 * a phase's deadline. SIGPIPE is blocked in the calling thread while a
 * probe runs.
 */
#ifndef MAILDIAG_SMTP_H
#define MAILDIAG_SMTP_H

#include <stdbool.h>
#include <stdint.h>
#include <maildiag/dns.h>
#include <maildiag/report.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum md_smtp_mode {
	MD_SMTP_MODE_AUTO = 0,       /* from the port: 465 smtps, 587 submission, else mx */
	MD_SMTP_MODE_MX = 1,         /* MTA to MTA (port 25): STARTTLS is opportunistic */
	MD_SMTP_MODE_SUBMISSION = 2, /* port 587: STARTTLS then AUTH (RFC 6409) */
	MD_SMTP_MODE_SMTPS = 3       /* port 465: implicit TLS (RFC 8314) */
} md_smtp_mode;

/* The phases of a probe, in order. */
typedef enum md_smtp_phase {
	MD_SMTP_PHASE_RESOLVE = 0,
	MD_SMTP_PHASE_CONNECT,
	MD_SMTP_PHASE_TLS_IMPLICIT, /* handshake before the banner (smtps) */
	MD_SMTP_PHASE_BANNER,
	MD_SMTP_PHASE_EHLO,
	MD_SMTP_PHASE_STARTTLS,
	MD_SMTP_PHASE_TLS,          /* handshake after STARTTLS */
	MD_SMTP_PHASE_EHLO_TLS,
	MD_SMTP_PHASE_MAIL,
	MD_SMTP_PHASE_RCPT,
	MD_SMTP_PHASE_QUIT,
	MD_SMTP_PHASE_COUNT
} md_smtp_phase;

/* What happened in one phase. */
typedef enum md_smtp_outcome {
	MD_SMTP_OK = 0,
	MD_SMTP_SKIPPED,     /* not attempted (not offered, not asked for) */
	MD_SMTP_REFUSED,     /* TCP connection refused */
	MD_SMTP_UNREACHABLE, /* no route from here (network unreachable) */
	MD_SMTP_TIMEOUT,     /* no (complete) answer before the phase deadline */
	MD_SMTP_CLOSED,      /* the server closed the connection */
	MD_SMTP_REJECTED,    /* 5yz reply */
	MD_SMTP_TEMPFAIL,    /* 4yz reply */
	MD_SMTP_PROTOCOL,    /* malformed or unexpected reply */
	MD_SMTP_TLS_FAILED,  /* TLS handshake failed */
	MD_SMTP_ERROR        /* local error (DNS failure, out of memory, ...) */
} md_smtp_outcome;

typedef struct md_smtp_opts {
	uint16_t port;         /* 0: 25, or 465 / 587 for those modes */
	md_smtp_mode mode;
	double timeout;        /* seconds for each phase; <= 0 means 10 */
	const char *helo;      /* EHLO name; NULL: this host's name when it is a
	                          FQDN, else the local address literal */
	const char *ca_file;   /* extra PEM trust anchors (tests, private CAs) */
	const char *rcpt;      /* RCPT probe address; NULL: no MAIL/RCPT */
	const char *mail_from; /* reverse path for the RCPT probe; NULL: <> */
	bool no_starttls;      /* do not try STARTTLS */
	unsigned max_addrs;    /* addresses probed per host; 0 means 2 */
	unsigned max_mx;       /* MX hosts probed per domain; 0 means 10 */
	/* Appended fields: */
	bool ptr;              /* also check the reverse DNS (md_check_ptr) of
	                          every probed address */
} md_smtp_opts;

/*
 * Probe HOST (a host name or an IP address literal) and append findings
 * ("smtp.*"), a "smtp_phases" table and a JSON member "smtp" (array of
 * sessions: address, port, mode, phases with outcome and milliseconds,
 * banner, extensions, TLS and certificate details, AUTH mechanisms,
 * stopped_at) to REPORT. Returns MD_OK when the probe ran, whatever it
 * found; MD_EINVAL for a HOST that is neither, MD_ENOMEM.
 */
MD_API md_status md_check_smtp(md_resolver *res, const char *host,
                               const md_smtp_opts *opts, md_report *report);

/*
 * With opts->ptr, each probed address also gets md_check_ptr() (PTR,
 * forward confirmation, pool-style names): its findings are added to
 * REPORT and its result is the session's "reverse_dns" JSON member.
 *
 * Probe every MX host of DOMAIN (the implicit MX when there is none; up to
 * opts->max_mx hosts in preference order). Findings as md_check_smtp(),
 * plus "smtp.null_mx" / "smtp.no_mx_hosts"; the JSON member "smtp" holds
 * the sessions of every host.
 */
MD_API md_status md_check_smtp_mx(md_resolver *res, const char *domain,
                                  const md_smtp_opts *opts, md_report *report);

/* "resolve", "connect", ... "quit". */
MD_API const char *md_smtp_phase_name(md_smtp_phase p);
/* "ok", "skipped", "refused", ... */
MD_API const char *md_smtp_outcome_name(md_smtp_outcome o);
/* Parse "mx", "submission", "smtps" (or "auto"); MD_EINVAL otherwise. */
MD_API md_status md_smtp_mode_parse(const char *s, md_smtp_mode *out);
MD_API const char *md_smtp_mode_name(md_smtp_mode m);

#ifdef __cplusplus
}
#endif
#endif
