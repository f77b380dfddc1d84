/*
 * fuzz_dkim_key.c - libFuzzer target for the DKIM key record parser and
 * the public key loader (base64, DER SubjectPublicKeyInfo / PKCS#1, raw
 * ed25519).
 */
#include <stddef.h>
#include <stdint.h>

#include "dkim/dkim_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dkim_key key;
	unsigned bits;
	dkim_err err;
	EVP_PKEY *pk;

	dkim_key_parse(&key, (const char *)data, size);
	if (key.err_offset > size)
		__builtin_trap();
	if (key.p.p != NULL &&
	    (key.p.p < (const char *)data || key.p.p + key.p.n > (const char *)data + size))
		__builtin_trap();
	if (key.err == DKIM_OK) {
		pk = dkim_pkey_load(&key, &bits, &err);
		if ((pk == NULL) == (err == DKIM_OK))
			__builtin_trap();
		EVP_PKEY_free(pk);
	}
	return 0;
}
