/*
 * bigram.c - the byte-pair set of bigram.h.
 */
#include "core/bigram.h"
#include "core/buf.h"

#include <string.h>

void md_bigrams_add_lower(md_bigrams *s, char *dst, const char *src, size_t n)
{
	unsigned prev;
	size_t i;

	if (n == 0)
		return;
	prev = (unsigned char)md_tolower(src[0]);
	dst[0] = (char)prev;
	for (i = 1; i < n; i++) {
		unsigned c = (unsigned char)md_tolower(src[i]), k = (prev << 8) | c;

		dst[i] = (char)c;
		s->w[k >> 6] |= (uint64_t)1 << (k & 63);
		prev = c;
	}
}

bool md_bigrams_may_hold(const md_bigrams *s, const char *needle, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (!md_bigrams_has(s, md_bigram_key(needle[i], needle[i + 1])))
			return false;
	return true;
}

size_t md_bigram_keys(const char *needle, size_t n, uint16_t *keys, size_t max)
{
	int score[64];
	size_t k = 0, i, j;

	if (max > 64)
		max = 64;
	for (i = 0; i + 1 < n; i++) {
		uint16_t key = (uint16_t)md_bigram_key(needle[i], needle[i + 1]);
		int sc = md_byte_commonness(needle[i]) + md_byte_commonness(needle[i + 1]);
		bool dup = false;

		for (j = 0; j < k; j++)
			if (keys[j] == key)
				dup = true;
		if (dup)
			continue;
		/* insertion into the MAX rarest so far */
		if (k < max) {
			keys[k] = key;
			score[k] = sc;
			k++;
		} else if (sc < score[k - 1]) {
			keys[k - 1] = key;
			score[k - 1] = sc;
		} else {
			continue;
		}
		for (j = k - 1; j > 0 && score[j] < score[j - 1]; j--) {
			uint16_t tk = keys[j];
			int ts = score[j];

			keys[j] = keys[j - 1];
			score[j] = score[j - 1];
			keys[j - 1] = tk;
			score[j - 1] = ts;
		}
	}
	return k;
}

bool md_bigrams_has_all(const md_bigrams *s, const uint16_t *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!md_bigrams_has(s, keys[i]))
			return false;
	return true;
}
