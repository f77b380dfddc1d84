/*
 * dkim_verify.h - the verification engine shared by DKIM (dkim_verify.c)
 * and ARC (arc/): one signature evaluated against a message and a key
 * answer, with the evidence kept.
 */
#ifndef MD_DKIM_VERIFY_H
#define MD_DKIM_VERIFY_H

#include <maildiag/dkim.h>
#include <maildiag/dns.h>

#include "core/arena.h"
#include "dkim_internal.h"

/* Body hashes remembered per message (distinct c=/hash/l= combinations). */
#define DKIM_BH_CACHE 8

typedef struct dkim_bh_cache {
	dkim_canon canon;
	const EVP_MD *md;
	bool has_l;
	uint64_t l;
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned dlen;
	size_t canon_len;
} dkim_bh_cache;

typedef struct dkim_ctx dkim_ctx;

/* Parsed public keys remembered across messages by a verifier: parsing a
 * SubjectPublicKeyInfo with OpenSSL 3's decoders costs more than the RSA
 * verification itself. Keyed by the exact record text. */
#define DKIM_KEY_CACHE 64

typedef struct dkim_keycache_entry {
	char *record;
	size_t len;
	EVP_PKEY *pkey;
	unsigned bits;
} dkim_keycache_entry;

typedef struct dkim_keycache {
	dkim_keycache_entry e[DKIM_KEY_CACHE];
	size_t n, next;
} dkim_keycache;

void dkim_keycache_clear(dkim_keycache *kc);

/* Builds the data the signature covers (DKIM: h= fields + itself; ARC-Seal:
 * the ARC sets). */
typedef md_status (*dkim_block_fn)(dkim_ctx *cx, const dkim_sig *sig, const dkim_field *self,
                                   md_buf *out);

struct dkim_ctx {
	const dkim_msg *msg;
	md_arena *arena;
	int64_t now;
	unsigned skew;
	bool no_evidence;
	bool diagnose;
	dkim_block_fn build_block;
	void *ud;            /* for build_block */
	dkim_keycache *keys; /* may be NULL */
	dkim_bh_cache bh[DKIM_BH_CACHE];
	size_t nbh;
};

/* The key found for a signature. */
typedef struct dkim_keyinfo {
	const char *record; /* joined TXT text (arena) */
	dkim_key key;       /* slices into RECORD */
	EVP_PKEY *pkey;
	unsigned bits;
} dkim_keyinfo;

/* One signature's evaluation. */
typedef struct dkim_eval {
	dkim_err err;
	dkim_keyinfo key;
	bool bh_computed, bh_ok;
	char bh_b64[EVP_MAX_MD_SIZE * 2];
	size_t canon_len;
	md_buf block;
	md_dkim_cause cause;
	long long appended;
	const char *appended_text;
	bool simple_body;
	bool t_future;
} dkim_eval;

md_status dkim_ctx_init(dkim_ctx *cx, const dkim_msg *m, md_arena *a, int64_t now);
md_status dkim_block_for_sig(dkim_ctx *cx, const dkim_sig *sig, const dkim_field *self,
                             md_buf *out);
/* Evaluate SIG (field SELF) with the key answer KEYRES. Free EV with
 * dkim_eval_free(). */
void dkim_eval_sig(dkim_ctx *cx, const dkim_sig *sig, const dkim_field *self,
                   const md_dns_result *keyres, dkim_eval *ev);
void dkim_eval_free(dkim_eval *ev);
/* Turn a TXT answer into a usable key for SIG (SIG may be NULL: only the
 * record is checked). */
dkim_err dkim_key_from_dns(const md_dns_result *res, const dkim_sig *sig, dkim_keyinfo *ki,
                           md_arena *a, dkim_keycache *kc);

/* md_dkim_verify() on a message already split (auth verifies DKIM, ARC
 * and DMARC on one parse). */
md_status dkim_verify_msg(md_resolver *res, const dkim_msg *m, const md_dkim_verify_opts *opts,
                          dkim_keycache *kc, md_dkim_result **out);

/* The RFC5322.From domain: lower case, NULL unless exactly one From with
 * one mailbox. */
char *dkim_msg_from_domain(const dkim_msg *m, md_arena *a);
char *dkim_from_domain_of(md_arena *a, md_str value);

#endif
