/*
 * fuzz_dkim_verify.c - libFuzzer target for whole-message DKIM and ARC
 * verification: the input is a message; keys come from a fixture resolver
 * holding one valid RSA key at every selector the tests use, so parsing,
 * canonicalisation, body hashing and the footer search all run.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <maildiag/maildiag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char zone[] =
    "$ORIGIN example.org.\n"
    "s._domainkey IN TXT \"v=DKIM1; k=rsa; "
    "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/"
    "J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/"
    "8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\"\n"
    "dummy._domainkey IN TXT \"v=DKIM1; k=rsa; "
    "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/"
    "J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/"
    "8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\"\n"
    "_dmarc IN TXT \"v=DMARC1; p=reject\"\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	md_resolver *r = md_resolver_fixture_new();
	md_dkim_result *dr = NULL;
	md_arc_result *ar = NULL;
	md_dkim_verify_opts o = {.now = 1700000000};
	md_arc_verify_opts ao = {.now = 1700000000};
	char err[128];

	if (r == NULL)
		return 0;
	md_resolver_fixture_load_text(r, "fuzz", zone, sizeof(zone) - 1, NULL, err, sizeof(err));
	if (md_dkim_verify(r, (const char *)data, size, &o, &dr) == MD_OK) {
		size_t i;

		for (i = 0; i < md_dkim_result_count(dr); i++)
			if (md_dkim_result_sig(dr, i)->reason_id == NULL)
				__builtin_trap();
	}
	if (md_arc_verify(r, (const char *)data, size, &ao, &ar) == MD_OK &&
	    md_arc_result_info(ar)->reason_id == NULL)
		__builtin_trap();
	md_dkim_result_free(dr);
	md_arc_result_free(ar);
	md_resolver_free(r);
	return 0;
}
