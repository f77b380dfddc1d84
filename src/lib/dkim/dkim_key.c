/*
 * dkim_key.c - parse a DKIM key record (RFC 6376 section 3.6.1, RFC 8463
 * section 4) and turn its p= into an OpenSSL key.
 *
 *   key-v-tag = "v=DKIM1"                 ; first tag when present
 *   key-h-tag = "h=" hash *( ":" hash )   ; sha1, sha256; others ignored
 *   key-k-tag = "k=" ("rsa" / "ed25519")  ; default rsa
 *   key-n-tag = "n=" qp-section           ; notes for people
 *   key-p-tag = "p=" [base64string]       ; empty: revoked
 *   key-s-tag = "s=" ("*" / "email" / x) *( ":" ... )
 *   key-t-tag = "t=" ("y" / "s" / x) *( ":" ... )
 *
 * Unknown tags and unknown list values are ignored (section 3.6.1). The
 * record length is bounded by DKIM_MAX_KEY_RECORD.
 */
#include <string.h>

#include <openssl/x509.h>

#include "core/ascii.h"
#include "dkim_internal.h"

static void kfail(dkim_key *key, dkim_err e, const char *detail, const char *base, md_str at)
{
	if (key->err != DKIM_OK)
		return;
	key->err = e;
	key->err_detail = detail;
	key->err_offset = at.p ? (size_t)(at.p - base) : 0;
}

/* Call FN for every ':'-separated item of S (trimmed). */
static void each_item(md_str s, void (*fn)(dkim_key *, md_str), dkim_key *key)
{
	size_t i = 0;

	while (i <= s.n) {
		size_t j = i;

		while (j < s.n && s.p[j] != ':')
			j++;
		fn(key, md_str_trim((md_str){s.p + i, j - i}));
		i = j + 1;
	}
}

static void h_item(dkim_key *key, md_str it)
{
	if (md_str_ieq_c(it, "sha256"))
		key->h_sha256 = true;
	else if (md_str_ieq_c(it, "sha1"))
		key->h_sha1 = true;
}

static void s_item(dkim_key *key, md_str it)
{
	if ((it.n == 1 && it.p[0] == '*') || md_str_ieq_c(it, "email"))
		key->s_email = true;
}

static void t_item(dkim_key *key, md_str it)
{
	if (md_str_ieq_c(it, "y"))
		key->t_testing = true;
	else if (md_str_ieq_c(it, "s"))
		key->t_strict = true;
}

void dkim_key_parse(dkim_key *key, const char *p, size_t n)
{
	const md_str *v;

	memset(key, 0, sizeof(*key));
	if (n > DKIM_MAX_KEY_RECORD) {
		kfail(key, DKIM_E_KEY_SYNTAX, "record longer than 8192 bytes", p, (md_str){p, 0});
		return;
	}
	if (!md_tagvalue_parse(p, n, MD_TV_LENIENT, &key->tags))
		kfail(key, DKIM_E_KEY_SYNTAX, key->tags.error_msg, p,
		      (md_str){p + key->tags.error_offset, 0});
	if (key->tags.duplicate)
		kfail(key, DKIM_E_KEY_SYNTAX, "a tag appears twice", p, key->tags.duplicate_name);
#define GET(t) ((v = md_tagvalue_get(&key->tags, #t)) ? *v : MD_STR_NULL)
	key->v = GET(v);
	key->h = GET(h);
	key->k = GET(k);
	key->n = GET(n);
	key->p = GET(p);
	key->s = GET(s);
	key->t = GET(t);
#undef GET
	if (key->v.p != NULL) {
		if (key->tags.count > 0 && key->tags.tags[0].value.p != key->v.p)
			key->v_not_first = true;
		if (!(key->v.n == 5 && memcmp(key->v.p, "DKIM1", 5) == 0))
			kfail(key, DKIM_E_KEY_VERSION, NULL, p, key->v);
	}
	if (key->h.p != NULL)
		each_item(key->h, h_item, key);
	else
		key->h_sha256 = key->h_sha1 = true;
	if (key->k.p == NULL || md_str_ieq_c(key->k, "rsa"))
		key->k_rsa = true;
	else if (md_str_ieq_c(key->k, "ed25519"))
		key->k_ed25519 = true;
	else
		kfail(key, DKIM_E_KEY_K_UNKNOWN, NULL, p, key->k);
	if (key->s.p != NULL)
		each_item(key->s, s_item, key);
	else
		key->s_email = true;
	if (key->t.p != NULL)
		each_item(key->t, t_item, key);
	if (key->p.p == NULL)
		kfail(key, DKIM_E_KEY_SYNTAX, "p= is missing", p, (md_str){p + n, 0});
	else if (md_str_trim(key->p).n == 0) {
		key->revoked = true;
		kfail(key, DKIM_E_KEY_REVOKED, NULL, p, key->p);
	}
	if (key->err == DKIM_OK && !key->s_email)
		kfail(key, DKIM_E_KEY_SERVICE, NULL, p, key->s);
}

EVP_PKEY *dkim_pkey_load(const dkim_key *key, unsigned *bits, dkim_err *err)
{
	/* 4096-bit SubjectPublicKeyInfo is about 550 bytes; allow 8192 bits */
	uint8_t der[1200];
	const unsigned char *q;
	EVP_PKEY *pk = NULL;
	long n;

	*bits = 0;
	*err = DKIM_OK;
	n = dkim_base64_decode(key->p.p, key->p.n, der, sizeof(der));
	if (n <= 0) {
		*err = DKIM_E_KEY_BASE64;
		return NULL;
	}
	if (key->k_ed25519) {
		/* RFC 8463 section 4: the raw 32-byte public key */
		if (n != 32) {
			*err = DKIM_E_KEY_DECODE;
			return NULL;
		}
		pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, 32);
		if (pk == NULL)
			*err = DKIM_E_KEY_DECODE;
		else
			*bits = 256;
		return pk;
	}
	q = der;
	pk = d2i_PUBKEY(NULL, &q, n);
	if (pk == NULL || q != der + n) {
		/* Some publish a bare PKCS#1 RSAPublicKey; receivers accept it. */
		EVP_PKEY_free(pk);
		q = der;
		pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, n);
		if (pk != NULL && q != der + n) {
			EVP_PKEY_free(pk);
			pk = NULL;
		}
	}
	if (pk == NULL || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pk);
		*err = DKIM_E_KEY_DECODE;
		return NULL;
	}
	*bits = (unsigned)EVP_PKEY_get_bits(pk);
	if (*bits < DKIM_MIN_RSA_BITS)
		*err = DKIM_E_KEY_TOO_SHORT;
	else if (*bits > DKIM_MAX_RSA_BITS)
		*err = DKIM_E_KEY_TOO_LONG;
	if (*err != DKIM_OK) {
		EVP_PKEY_free(pk);
		return NULL;
	}
	return pk;
}

md_status dkim_join_txt(md_buf *out, const uint8_t *const *txt, const uint8_t *lens, size_t n)
{
	size_t i;

	md_buf_reset(out);
	for (i = 0; i < n; i++)
		if (md_buf_append(out, txt[i], lens[i]) != MD_OK)
			return out->err;
	if (out->p == NULL)
		return md_buf_append(out, "", 0);
	return MD_OK;
}
