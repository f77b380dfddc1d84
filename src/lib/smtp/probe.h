/*
 * probe.h - one SMTP probe session and its results, shared by the SMTP,
 * DANE and MTA-STS checks (library-internal).
 *
 * smtp_probe_host() resolves a host, probes its addresses and fills one
 * smtp_session per address; smtp_session_report() turns a session into
 * findings. All strings of a session live in the arena passed in.
 */
#ifndef MD_SMTP_PROBE_H
#define MD_SMTP_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/ssl.h>
#include <maildiag/dns.h>
#include <maildiag/smtp.h>

#include "core/arena.h"
#include "core/ip.h"

/* EHLO keywords kept per reply (RFC 5321 does not bound them). */
#define SMTP_MAX_EXTENSIONS 64
/* Certificates of the peer chain kept (for DANE matching). */
#define SMTP_MAX_CHAIN 10
/* Default per-phase timeout, seconds. RFC 5321 4.5.3.2 lets servers take
 * minutes; a diagnostic probe reports a slow phase instead of waiting. */
#define SMTP_DEFAULT_TIMEOUT 10.0
/* QUIT is a courtesy: wait at most this long for its reply. */
#define SMTP_QUIT_TIMEOUT 2.0
/* Days before expiry at which a certificate is reported (Let's Encrypt
 * renews at 30 days left; 14 leaves time to act). */
#define SMTP_CERT_WARN_DAYS 14

typedef struct smtp_phase_rec {
	md_smtp_outcome outcome; /* MD_SMTP_SKIPPED when not attempted */
	bool attempted;
	long ms;
	int code;                /* SMTP reply code, 0 when none */
	const char *reply;       /* reply text as received, or NULL */
	const char *detail;      /* what happened, or NULL */
} smtp_phase_rec;

typedef struct smtp_cert {
	const char *subject, *issuer;
	const char *not_before, *not_after; /* "2026-11-23T10:00:00Z" */
	long days_left;          /* negative when expired */
	bool not_yet_valid;
	bool self_signed;
	const char *key;         /* "RSA 2048", "EC 256" */
	const char *sig_alg;
	size_t nsan;
	const char **san;        /* DNS names and IP addresses */
} smtp_cert;

typedef struct smtp_session {
	const char *host;        /* the name probed (SNI, name check) */
	const char *addr;        /* address text, NULL when resolving failed */
	uint16_t port;
	md_smtp_mode mode;
	smtp_phase_rec phase[MD_SMTP_PHASE_COUNT];
	md_smtp_phase stopped_at;
	bool completed;          /* every phase that was due ran */
	md_dns_outcome dns_outcome; /* of the resolve phase */
	const char *helo_name;
	/* the banner */
	int banner_code;
	const char *banner;
	/* EHLO before and after TLS */
	bool helo_fallback;      /* EHLO refused, HELO used */
	size_t next, next_tls;
	const char *ext[SMTP_MAX_EXTENSIONS];
	const char *ext_tls[SMTP_MAX_EXTENSIONS];
	bool starttls_offered;
	const char *auth_plain;  /* AUTH mechanisms offered before TLS, or NULL */
	const char *auth_tls;    /* AUTH mechanisms offered after TLS, or NULL */
	size_t starttls_leftover; /* bytes the server sent after its 220 */
	/* reply oddities seen in any reply */
	bool overlong, bare_lf, bad_chars;
	/* TLS */
	bool tls;                /* a handshake completed */
	const char *tls_version, *cipher;
	int cipher_bits;
	bool verified;           /* chain verified against the trust store */
	long verify_code;        /* X509_V_* */
	const char *verify_error;
	bool name_checked, name_match;
	bool have_cert;
	smtp_cert leaf;
	size_t nchain;           /* peer chain, leaf first, DER */
	const uint8_t *chain_der[SMTP_MAX_CHAIN];
	size_t chain_len[SMTP_MAX_CHAIN];
	/* RCPT probe */
	int rcpt_code;
	const char *rcpt_reply;
} smtp_session;

/* A client context: system trust store plus opts->ca_file. NULL on failure
 * with a reason in ERR. Free with SSL_CTX_free(). */
SSL_CTX *smtp_tls_ctx(const md_smtp_opts *o, char *err, size_t errlen);

/* Effective port / mode / timeout of OPTS. */
uint16_t smtp_opts_port(const md_smtp_opts *o);
md_smtp_mode smtp_opts_mode(const md_smtp_opts *o);

/*
 * Resolve HOST (name or address literal) through RES and probe up to
 * opts->max_addrs of its addresses. *OUT gets an array of *N sessions in
 * arena A (one with only the resolve phase when resolving failed).
 */
md_status smtp_probe_host(md_resolver *res, md_arena *a, SSL_CTX *ctx, const char *host,
                          const md_smtp_opts *o, smtp_session **out, size_t *n);

/* Probe one address IP of HOST into S. */
md_status smtp_probe_addr(md_arena *a, SSL_CTX *ctx, const char *host, const md_ip *ip,
                          const md_smtp_opts *o, smtp_session *s);

/* Findings for S in REP, rows in table T ("smtp_phases", may be NULL),
 * and S as a JSON object appended to ARR. */
md_status smtp_session_report(md_report *rep, md_table *t, const smtp_session *s, json_t *arr);
/* Add the "smtp_phases" table to REP. */
md_table *smtp_phase_table(md_report *rep);

#endif
