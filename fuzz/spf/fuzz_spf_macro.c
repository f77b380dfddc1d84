/*
 * fuzz_spf_macro.c - libFuzzer target for the SPF macro expander: the
 * first byte picks the mode (explanation text or domain-spec, IPv4 or
 * IPv6 client), the rest up to a NUL is the macro-string and what follows
 * is the sender. Checks the syntax check and the expansion agree and that
 * the output respects its maximum.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <maildiag/maildiag.h>

#include "spf/spf_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *p_value(void *ud)
{
	(void)ud;
	return "mx.example.com";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	spf_macro_ctx c;
	const char *s, *nul, *at;
	size_t n, eo = 0, eo2 = 0;
	const char *why = NULL, *why2 = NULL;
	bool exp, ok;
	md_buf out;
	md_status st;

	if (size < 1)
		return 0;
	exp = (data[0] & 1) != 0;
	memset(&c, 0, sizeof(c));
	md_ip_parse((data[0] & 2) ? "2001:db8::cb01" : "192.0.2.3", &c.ip);
	s = (const char *)data + 1;
	n = size - 1;
	nul = memchr(s, '\0', n);
	c.local = md_str_c("strong-bad");
	c.sender_dom = md_str_c("email.example.com");
	if (nul != NULL) {
		const char *sender = nul + 1;
		size_t sn = n - (size_t)(sender - s);

		at = memchr(sender, '@', sn);
		if (at != NULL) {
			c.local = (md_str){sender, (size_t)(at - sender)};
			c.sender_dom = (md_str){at + 1, sn - (size_t)(at - sender) - 1};
		}
		n = (size_t)(nul - s);
	}
	c.domain = "email.example.com";
	c.helo = "mx.example.org";
	c.receiver = "receiver.example.net";
	c.now = 1700000000;
	c.get_p = p_value;
	ok = spf_macro_check(s, n, exp, &eo, &why);
	md_buf_init(&out, 2048);
	st = spf_macro_expand(&c, s, n, exp, &out, &eo2, &why2);
	if (ok != (st != MD_EPARSE))
		__builtin_trap();
	if (!ok && (eo >= n || eo != eo2))
		__builtin_trap();
	if (out.n > out.max)
		__builtin_trap();
	if (st == MD_OK)
		(void)spf_domain_finish(&out);
	if (out.n > 2048)
		__builtin_trap();
	md_buf_free(&out);
	return 0;
}
