/*
 * fuzz_dkim_sig.c - libFuzzer target for the DKIM-Signature / ARC tag
 * parser: the input is parsed as each of DKIM-Signature, ARC-Message-
 * Signature and ARC-Seal, every slice must stay inside the input, and the
 * canonicalisation of the field (with b= emptied) must not overrun.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "dkim/dkim_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(md_str s, const char *p, size_t n)
{
	if (s.p != NULL && (s.p < p || s.p + s.n > p + n))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	int kind;

	for (kind = DKIM_KIND_SIGNATURE; kind <= DKIM_KIND_SEAL; kind++) {
		dkim_sig *sig = malloc(sizeof(*sig));
		uint8_t out[DKIM_MAX_SIG_BYTES];
		md_buf b;
		size_t k;
		char *raw;

		if (sig == NULL)
			return 0;
		dkim_sig_parse(sig, (dkim_kind)kind, p, size);
		inside(sig->d, p, size);
		inside(sig->s, p, size);
		inside(sig->b, p, size);
		inside(sig->bh, p, size);
		for (k = 0; k < sig->nh; k++)
			inside(sig->hnames[k], p, size);
		if (sig->err_offset > size)
			__builtin_trap();
		(void)dkim_base64_decode(sig->b.p, sig->b.n, out, sizeof(out));
		(void)dkim_base64_decode(sig->bh.p, sig->bh.n, out, sizeof(out));
		/* the field as it would be hashed: "DKIM-Signature:" + value */
		raw = malloc(size + 16);
		if (raw != NULL) {
			dkim_sig whole;
			const md_str *bv;

			memcpy(raw, "DKIM-Signature:", 15);
			memcpy(raw + 15, p, size);
			dkim_sig_parse(&whole, (dkim_kind)kind, raw + 15, size);
			bv = md_tagvalue_get(&whole.tags, "b");
			md_buf_init(&b, 1 << 20);
			dkim_canon_header(&b, DKIM_CANON_RELAXED, (md_str){raw, size + 15},
			                  bv ? *bv : MD_STR_NULL, false);
			dkim_canon_header(&b, DKIM_CANON_SIMPLE, (md_str){raw, size + 15},
			                  bv ? *bv : MD_STR_NULL, true);
			md_buf_free(&b);
			free(raw);
		}
		free(sig);
	}
	return 0;
}
