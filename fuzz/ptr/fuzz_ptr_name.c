/*
 * fuzz_ptr_name.c - libFuzzer target for the reverse-name heuristics:
 * the input is "NAME" or "NAME\nIP"; classify NAME as the PTR name of IP
 * (and without an address).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <maildiag/maildiag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[600], ip[100], why[160];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl ? (size_t)(nl - data) : size, m;

	if (n >= sizeof(name))
		return 0;
	memcpy(name, data, n);
	name[n] = '\0';
	m = nl ? size - n - 1 : 0;
	if (m >= sizeof(ip))
		m = sizeof(ip) - 1;
	if (nl)
		memcpy(ip, nl + 1, m);
	ip[m] = '\0';
	if (md_ptr_classify_name(name, nl ? ip : NULL, why, sizeof(why)) > MD_PTR_NAME_DYNAMIC)
		__builtin_trap();
	(void)md_ptr_classify_name(name, NULL, NULL, 0);
	(void)md_ptr_classify_name(name, ip, why, 1);
	return 0;
}
