/*
 * fuzz_spf_record.c - libFuzzer target for the SPF record grammar and for
 * check_host() and the linter running on a hostile record: the input is
 * the TXT record of fuzz.example.com (split into 255-byte strings) in a
 * fixture resolver that also answers a few include, a and mx names.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <maildiag/maildiag.h>

#include "core/arena.h"
#include "spf/spf_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char zone[] =
	"$ORIGIN example.com.\n"
	"@ 300 IN A 192.0.2.1\n"
	"@ 300 IN MX 10 mx.example.com.\n"
	"mx 300 IN A 192.0.2.25\n"
	"mx 300 IN AAAA 2001:db8::25\n"
	"inc 300 IN TXT \"v=spf1 ip4:198.51.100.0/24 include:fuzz.example.com ~all\"\n"
	"red 300 IN TXT \"v=spf1 a mx redirect=inc.example.com\"\n"
	"exp 300 IN TXT \"%{i} is not %{d} (%{c} %{r} %{t})\"\n"
	"1.2.0.192.in-addr.arpa. 300 IN PTR mx.example.com.\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	md_arena *a;
	spf_record rec;
	uint8_t rd[65535];
	size_t i, o = 0;
	md_resolver *r;
	md_spf_verdict *v = NULL;
	md_report *rep;
	md_spf_opts opts = {.receiver = "mx.example.net", .now = 1};

	if (size > 60000)
		return 0;
	a = md_arena_new();
	if (a == NULL)
		return 0;
	if (spf_parse(a, (const char *)data, size, &rec) == MD_OK) {
		if (rec.bad && rec.err_off > size)
			__builtin_trap();
		for (i = 0; !rec.bad && i < rec.nterms; i++)
			if (rec.terms[i].off + rec.terms[i].len > size)
				__builtin_trap();
	}
	md_arena_free(a);

	r = md_resolver_fixture_new();
	if (r == NULL)
		return 0;
	if (md_resolver_fixture_load_text(r, "fuzz", zone, sizeof(zone) - 1, NULL, NULL, 0) != MD_OK) {
		md_resolver_free(r);
		return 0;
	}
	for (i = 0; i < size || i == 0; i += 255) {
		size_t n = size - i > 255 ? 255 : size - i;

		rd[o++] = (uint8_t)n;
		memcpy(rd + o, data + i, n);
		o += n;
		if (size == 0)
			break;
	}
	md_resolver_fixture_add(r, "fuzz.example.com", MD_DNS_TXT, 300, rd, o);
	if (md_spf_check_host(r, "192.0.2.1", "fuzz.example.com", "user@fuzz.example.com",
	                      "helo.example.net", &opts, &v) == MD_OK) {
		rep = md_report_new("spf", "fuzz.example.com");
		if (rep != NULL)
			md_spf_verdict_report(v, rep);
		md_report_free(rep);
		md_spf_verdict_free(v);
	}
	if (md_spf_check_host(r, "2001:db8::25", "fuzz.example.com", "@fuzz.example.com",
	                      "helo.example.net", &opts, &v) == MD_OK)
		md_spf_verdict_free(v);
	rep = md_report_new("spf", "fuzz.example.com");
	if (rep != NULL)
		md_check_spf(r, "fuzz.example.com", &opts, rep);
	md_report_free(rep);
	md_resolver_free(r);
	return 0;
}
