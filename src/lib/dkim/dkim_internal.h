/*
 * dkim_internal.h - the pieces of DKIM (RFC 6376, RFC 8463, RFC 8301) that
 * ARC (RFC 8617) and DMARC reuse inside the library: signature and key
 * record parsing, canonicalisation, base64, and OpenSSL verification.
 *
 * Nothing here prints or allocates outside md_malloc / arenas. Parsed
 * structures hold md_str slices into the caller's bytes: keep the bytes
 * alive as long as the structure.
 */
#ifndef MD_DKIM_INTERNAL_H
#define MD_DKIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "core/buf.h"
#include "core/tagvalue.h"

/*
 * Limits (RFC 6376 sets none of these; we name them and report hitting
 * them). A signature naming more header fields than this is refused.
 */
#define DKIM_MAX_SIGNED_HEADERS 128
/* Signatures looked at per message (RFC 6376 section 6.1 lets a verifier
 * limit the number it checks; opendkim's default is also small). */
#define DKIM_MAX_SIGNATURES 16
/* RFC 8301 section 3.2: keys shorter than 1024 bits MUST NOT be
 * considered valid. */
#define DKIM_MIN_RSA_BITS 1024
/* RFC 6376 section 3.3.3 asks verifiers for 512..2048 bits and lets them
 * do more; we verify up to 8192 bits and refuse larger keys (cost). */
#define DKIM_MAX_RSA_BITS 8192
/* Longest base64 b= value we decode: a 8192-bit RSA signature. */
#define DKIM_MAX_SIG_BYTES 1024
/* Longest key record we accept (several TXT strings joined). */
#define DKIM_MAX_KEY_RECORD 8192

/* Which header field carries the tag list. */
typedef enum dkim_kind {
	DKIM_KIND_SIGNATURE = 0, /* DKIM-Signature */
	DKIM_KIND_AMS = 1,       /* ARC-Message-Signature */
	DKIM_KIND_SEAL = 2       /* ARC-Seal */
} dkim_kind;

typedef enum dkim_alg {
	DKIM_ALG_UNKNOWN = 0,
	DKIM_ALG_RSA_SHA256,
	DKIM_ALG_RSA_SHA1,
	DKIM_ALG_ED25519_SHA256
} dkim_alg;

typedef enum dkim_canon { DKIM_CANON_SIMPLE = 0, DKIM_CANON_RELAXED = 1 } dkim_canon;

/*
 * Why a signature or key is unusable, or why verification failed. Each
 * code has a row in dkim_reasons[] (dkim_reason.c) with a stable id, the
 * RFC 8601 result it leads to, a sentence and the RFC section.
 */
typedef enum dkim_err {
	DKIM_OK = 0,
	/* signature problems: permerror */
	DKIM_E_SIG_SYNTAX,
	DKIM_E_SIG_DUPLICATE_TAG,
	DKIM_E_SIG_VERSION,
	DKIM_E_SIG_MISSING_TAG,
	DKIM_E_SIG_ALG_UNKNOWN,
	DKIM_E_SIG_SHA1,
	DKIM_E_SIG_CANON_UNKNOWN,
	DKIM_E_SIG_QUERY_UNKNOWN,
	DKIM_E_SIG_FROM_UNSIGNED,
	DKIM_E_SIG_IDENTITY,
	DKIM_E_SIG_EXPIRED,
	DKIM_E_SIG_X_BEFORE_T,
	DKIM_E_SIG_BAD_NUMBER,
	DKIM_E_SIG_BAD_DOMAIN,
	DKIM_E_SIG_BAD_BASE64,
	DKIM_E_SIG_L_TOO_LONG,
	DKIM_E_SIG_TOO_MANY_HEADERS,
	/* key problems: permerror (temperror for the lookup) */
	DKIM_E_KEY_NOT_FOUND,
	DKIM_E_KEY_TEMP,
	DKIM_E_KEY_MULTIPLE,
	DKIM_E_KEY_SYNTAX,
	DKIM_E_KEY_VERSION,
	DKIM_E_KEY_REVOKED,
	DKIM_E_KEY_K_UNKNOWN,
	DKIM_E_KEY_K_MISMATCH,
	DKIM_E_KEY_H_MISMATCH,
	DKIM_E_KEY_SERVICE,
	DKIM_E_KEY_T_STRICT,
	DKIM_E_KEY_BASE64,
	DKIM_E_KEY_DECODE,
	DKIM_E_KEY_TOO_SHORT,
	DKIM_E_KEY_TOO_LONG,
	/* verification failures: fail */
	DKIM_E_BODY_HASH,
	DKIM_E_SIGNATURE,
	/* not a verdict: the library failed (out of memory, crypto error) */
	DKIM_E_INTERNAL,
	DKIM_E__COUNT
} dkim_err;

typedef struct dkim_reason {
	const char *id;   /* "dkim.body_hash_mismatch" */
	int verdict;      /* md_dkim_verdict */
	const char *text; /* one line */
	const char *ref;  /* "RFC 6376 section 3.7" */
	const char *fix;  /* what to do, or NULL */
} dkim_reason;

const dkim_reason *dkim_reason_get(dkim_err e);

/* A DKIM-Signature, ARC-Message-Signature or ARC-Seal value, parsed. */
typedef struct dkim_sig {
	dkim_kind kind;
	md_str value; /* header field value (after the colon) */
	md_tag_list tags;
	/* tag values (slices of VALUE; p == NULL when absent) */
	md_str v, a, b, bh, c, d, h, i, l, q, s, t, x, z, cv;
	dkim_alg alg;
	dkim_canon hcanon, bcanon;
	md_str hnames[DKIM_MAX_SIGNED_HEADERS];
	size_t nh;
	bool has_l, has_t, has_x;
	uint64_t len, ts, exp;
	uint64_t instance;  /* ARC i= */
	md_str auid_domain; /* domain part of i= (DKIM) */
	/* first problem found while parsing (DKIM_OK if none) */
	dkim_err err;
	const char *err_detail; /* static text naming the tag, or NULL */
	size_t err_offset;      /* byte offset in VALUE */
} dkim_sig;

/*
 * Parse header field VALUE (P/N) as KIND. Always fills SIG as far as it
 * can; SIG->err says whether the signature is usable. Checks done here are
 * the ones that need no message or key: tags present and well-formed,
 * algorithms and canonicalisations known, i= under d=, From in h= (DKIM),
 * x= >= t=.
 */
void dkim_sig_parse(dkim_sig *sig, dkim_kind kind, const char *p, size_t n);

/* The service/hash/flag facts of a key record (RFC 6376 section 3.6.1). */
typedef struct dkim_key {
	md_tag_list tags;
	md_str v, h, k, n, p, s, t;
	bool v_not_first;         /* v= present but not the first tag */
	bool k_rsa, k_ed25519;    /* k= names a type we know (default rsa) */
	bool h_sha256, h_sha1;    /* allowed hashes (both when h= absent) */
	bool s_email;             /* s= absent, "*" or contains "email" */
	bool t_testing, t_strict; /* t=y, t=s */
	bool revoked;             /* p= present and empty */
	dkim_err err;             /* first problem (DKIM_OK if none) */
	const char *err_detail;
	size_t err_offset;
} dkim_key;

/* Parse a key record's text (TXT strings already joined). */
void dkim_key_parse(dkim_key *key, const char *p, size_t n);

/*
 * Decode base64 P/N into OUT (capacity CAP), skipping folding whitespace
 * (RFC 6376 section 2.4). Returns the decoded length, or -1 on a bad
 * character, bad padding or when OUT is too small.
 */
long dkim_base64_decode(const char *p, size_t n, uint8_t *out, size_t cap);
/* Encode into OUT (capacity >= 4*ceil(n/3)+1, NUL-terminated). */
void dkim_base64_encode(const uint8_t *p, size_t n, char *out);

/*
 * Build an EVP_PKEY from the key record's decoded p= (DER
 * SubjectPublicKeyInfo or PKCS#1 RSAPublicKey for rsa; 32 raw bytes for
 * ed25519). Returns NULL and sets *ERR (DKIM_E_KEY_DECODE,
 * DKIM_E_KEY_TOO_SHORT, DKIM_E_KEY_TOO_LONG) when unusable; *BITS gets the
 * key size either way when known.
 */
EVP_PKEY *dkim_pkey_load(const dkim_key *key, unsigned *bits, dkim_err *err);

/* Digest for ALG (SHA-256 or SHA-1). */
const EVP_MD *dkim_alg_md(dkim_alg alg);
const char *dkim_alg_name(dkim_alg alg);

/*
 * Verify signature SIG/SIGLEN over DATA/N (the canonicalised header block)
 * with KEY under ALG. RSA: PKCS#1 v1.5 over SHA-256/SHA-1 of DATA.
 * Ed25519 (RFC 8463 section 3): PureEd25519 over SHA-256 of DATA.
 * Returns 1 good, 0 bad, -1 library error.
 */
int dkim_crypto_verify(EVP_PKEY *key, dkim_alg alg, const uint8_t *data, size_t n,
                       const uint8_t *sig, size_t siglen);

/* --- canonicalisation (RFC 6376 section 3.4) --- */

/* Receives canonical bytes; returns 0 to continue. */
typedef int (*dkim_sink)(void *ud, const char *p, size_t n);

/*
 * Canonicalise header field RAW (name ":" value, with its folding, without
 * or with the final CRLF) into OUT. With STRIP_B, the value of the b= tag
 * is emptied first (the signature's own header, RFC 6376 section 3.7);
 * B_VALUE is that tag's value slice inside RAW. With CRLF, a final CRLF is
 * appended (every header but the signature's own).
 */
md_status dkim_canon_header(md_buf *out, dkim_canon c, md_str raw, md_str b_value, bool crlf);

/*
 * Canonicalise BODY into SINK. Returns the canonical length (all of it,
 * not limited by l=). A sink error stops the walk and is returned as
 * (size_t)-1.
 */
size_t dkim_canon_body(dkim_canon c, const char *body, size_t n, dkim_sink sink, void *ud);

/* --- a message as DKIM sees it: header fields in order, raw body --- */

typedef struct dkim_field {
	md_str name;  /* field name, as written */
	md_str raw;   /* the whole field: name, colon, value, folding, CRLF */
	md_str value; /* after the colon, up to (not including) the final CRLF */
} dkim_field;

typedef struct dkim_msg {
	dkim_field *f;
	size_t nf;
	md_str body;
	char *owned;           /* CRLF-normalised copy when the input used bare LF */
	bool lf_fixed;         /* true when bare LF line ends were turned into CRLF */
	struct md_message *mm; /* the MIME reader's parse (fields point into it) */
} dkim_msg;

/* Split P/N into header fields and body with the MIME reader
 * (maildiag/mime.h). Bare LF line ends are made CRLF first (the message
 * was saved by a Unix tool). P must outlive M. */
md_status dkim_msg_parse(dkim_msg *m, const char *p, size_t n);
void dkim_msg_free(dkim_msg *m);

/*
 * Build the signed header block for SIG on message M into OUT: for each
 * name in h=, the last not yet used instance of that field (RFC 6376
 * section 5.4.2), canonicalised; then SELF (the signature's own field)
 * with b= emptied and no final CRLF.
 */
md_status dkim_header_block(md_buf *out, const dkim_msg *m, const dkim_sig *sig,
                            const dkim_field *self);

/* Hash canonical body for SIG: digest of the first l= bytes (or all).
 * CANON_LEN gets the full canonical length. Returns MD_OK or MD_ENOMEM. */
md_status dkim_body_hash(const dkim_msg *m, dkim_canon c, const EVP_MD *md, bool has_l, uint64_t l,
                         uint8_t *digest, unsigned *dlen, size_t *canon_len);

/* Decode the raw TXT answer strings into one record string (joined) in
 * OUT. */
md_status dkim_join_txt(md_buf *out, const uint8_t *const *txt, const uint8_t *lens, size_t n);

#endif
