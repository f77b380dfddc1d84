/*
 * fuzz_dnsbl_lists.c - libFuzzer target for the DNSBL list-file reader:
 * parse the input as a list file; for every entry read it back and read
 * a set of answers (documented, bitmask, error range, outside 127/8) as
 * md_dnsbl_interpret() does.
 */
#include <stddef.h>
#include <stdint.h>
#include <maildiag/maildiag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t answers[][4] = {
		{127, 0, 0, 1},  {127, 0, 0, 2},     {127, 0, 0, 10},      {127, 0, 0, 255},
		{127, 0, 1, 2},  {127, 255, 255, 254}, {127, 255, 255, 252}, {10, 0, 0, 1},
		{127, 1, 2, 3},  {0, 0, 0, 0},
	};
	md_dnsbl_lists *l = NULL;
	char err[256];
	size_t i, k;

	if (md_dnsbl_lists_parse((const char *)data, size, "fuzz", &l, err, sizeof(err)) != MD_OK)
		return 0;
	for (i = 0; i < md_dnsbl_lists_count(l); i++) {
		md_dnsbl_list_info info;
		const char *m;

		if (!md_dnsbl_list_get(l, i, &info) || info.zone == NULL || info.name == NULL)
			__builtin_trap();
		for (k = 0; k < sizeof(answers) / sizeof(answers[0]); k++)
			if (md_dnsbl_interpret(l, i, answers[k], &m) > MD_DNSBL_REFUSED || m == NULL)
				__builtin_trap();
	}
	md_dnsbl_lists_free(l);
	return 0;
}
