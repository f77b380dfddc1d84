/*
 * dkim_crypto.c - base64 (RFC 4648 section 4, with the folding whitespace
 * RFC 6376 section 2.4 allows inside b=, bh= and p=) and signature
 * verification through OpenSSL.
 *
 * rsa-sha256 / rsa-sha1: RSASSA-PKCS1-v1_5 (RFC 8017) over the hash of the
 * canonicalised header block, with EVP_DigestVerify.
 * ed25519-sha256 (RFC 8463 section 3): PureEd25519 over the SHA-256 hash of
 * the same block, i.e. EVP_DigestVerify with no digest on the 32 bytes.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/sha.h>

#include "core/ascii.h"
#include "dkim_internal.h"

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long dkim_base64_decode(const char *p, size_t n, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	size_t i, k = 0;
	int bits = 0, pad = 0, digits = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		int v;

		if (md_isspace(c))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0)
			return -1; /* data after padding */
		v = b64val(c);
		if (v < 0)
			return -1;
		digits++;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (k >= cap)
				return -1;
			out[k++] = (uint8_t)(acc >> bits);
		}
	}
	/* padding, when present, must complete the last group; a missing
	 * padding is tolerated (seen in published keys) */
	if (pad > 2 || (pad > 0 && (digits + pad) % 4 != 0) || digits % 4 == 1)
		return -1;
	/* leftover bits must be zero padding of a partial group */
	if (bits >= 6)
		return -1;
	return (long)k;
}

void dkim_base64_encode(const uint8_t *p, size_t n, char *out)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, k = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = ((uint32_t)p[i] << 16) | ((uint32_t)p[i + 1] << 8) | p[i + 2];

		out[k++] = tab[(v >> 18) & 63];
		out[k++] = tab[(v >> 12) & 63];
		out[k++] = tab[(v >> 6) & 63];
		out[k++] = tab[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		out[k++] = tab[(v >> 18) & 63];
		out[k++] = tab[(v >> 12) & 63];
		out[k++] = (i + 1 < n) ? tab[(v >> 6) & 63] : '=';
		out[k++] = '=';
	}
	out[k] = '\0';
}

/* The digests, fetched from the default provider once: with OpenSSL 3 the
 * legacy EVP_sha256() makes every EVP_DigestInit fetch again under a lock,
 * which costs more than hashing a short body. Read-only after init. */
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static const EVP_MD *md_sha256, *md_sha1;

static void md_init(void)
{
	md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	md_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	if (md_sha256 == NULL)
		md_sha256 = EVP_sha256();
	if (md_sha1 == NULL)
		md_sha1 = EVP_sha1();
}

const EVP_MD *dkim_alg_md(dkim_alg alg)
{
	pthread_once(&md_once, md_init);
	return alg == DKIM_ALG_RSA_SHA1 ? md_sha1 : md_sha256;
}

const char *dkim_alg_name(dkim_alg alg)
{
	switch (alg) {
	case DKIM_ALG_RSA_SHA256:
		return "rsa-sha256";
	case DKIM_ALG_RSA_SHA1:
		return "rsa-sha1";
	case DKIM_ALG_ED25519_SHA256:
		return "ed25519-sha256";
	default:
		return "unknown";
	}
}

int dkim_crypto_verify(EVP_PKEY *key, dkim_alg alg, const uint8_t *data, size_t n,
                       const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = -1;

	if (ctx == NULL)
		return -1;
	if (alg == DKIM_ALG_ED25519_SHA256) {
		uint8_t h[SHA256_DIGEST_LENGTH];

		if (EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519 ||
		    EVP_Digest(data, n, h, NULL, dkim_alg_md(DKIM_ALG_ED25519_SHA256), NULL) != 1 ||
		    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) != 1)
			goto done;
		rc = EVP_DigestVerify(ctx, sig, siglen, h, sizeof(h)) == 1 ? 1 : 0;
	} else {
		if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
		    EVP_DigestVerifyInit(ctx, NULL, dkim_alg_md(alg), NULL, key) != 1)
			goto done;
		rc = EVP_DigestVerify(ctx, sig, siglen, data, n) == 1 ? 1 : 0;
	}
done:
	EVP_MD_CTX_free(ctx);
	ERR_clear_error(); /* a bad signature leaves errors on the queue */
	return rc;
}
