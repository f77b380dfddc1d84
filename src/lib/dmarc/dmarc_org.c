/*
 * dmarc_org.c - organisational domains: by the public suffix list (RFC
 * 7489 section 3.2, libpsl) and the names an RFC 9989 section 4.10 DNS
 * tree walk asks (the walk itself needs DNS answers: dmarc_eval.c).
 *
 * Tree walk names for a domain of x labels: the domain itself; then, when
 * x >= 8, the name of its 7 rightmost labels; then one label less each
 * time down to the top-level domain. At most DMARC_WALK_MAX names.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libpsl.h>

#include "core/ascii.h"
#include "dmarc_internal.h"

static pthread_once_t psl_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t *psl;

static void psl_init(void)
{
	/* The system's list (Debian publicsuffix) when it is newer than the
	 * built-in one; loaded once, read-only afterwards. */
	psl = psl_latest(NULL);
	if (psl == NULL)
		psl = psl_builtin();
}

bool dmarc_norm_domain(const char *domain, char *out, size_t len)
{
	size_t i, n;

	if (domain == NULL)
		return false;
	n = strlen(domain);
	if (n > 0 && domain[n - 1] == '.')
		n--;
	if (n == 0 || n >= len || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		char c = domain[i];

		if (!(md_isalnum(c) || c == '-' || c == '_' || c == '.' ||
		      (unsigned char)c >= 0x80))
			return false;
		if (c == '.' && (i == 0 || domain[i - 1] == '.'))
			return false;
		out[i] = (char)md_tolower(c);
	}
	out[n] = '\0';
	return true;
}

md_status dmarc_org_psl(const char *domain, char *out, size_t len)
{
	char d[256];
	const char *reg;

	if (!dmarc_norm_domain(domain, d, sizeof(d)))
		return MD_EINVAL;
	pthread_once(&psl_once, psl_init);
	reg = psl ? psl_registrable_domain(psl, d) : NULL;
	/* a public suffix itself (or an unlisted single label) is its own
	 * organisational domain */
	if (reg == NULL)
		reg = d;
	if (strlen(reg) >= len)
		return MD_ELIMIT;
	memcpy(out, reg, strlen(reg) + 1);
	return MD_OK;
}

md_status md_dmarc_org_domain_psl(const char *domain, char *out, size_t len)
{
	return dmarc_org_psl(domain, out, len);
}

size_t dmarc_walk_names(const char *domain, char names[][256], size_t max)
{
	size_t labels = 1, n = 0, want;
	const char *p;

	if (max == 0 || strlen(domain) >= 256)
		return 0;
	for (p = domain; *p; p++)
		if (*p == '.')
			labels++;
	memcpy(names[n++], domain, strlen(domain) + 1);
	want = labels >= 8 ? 7 : labels - 1;
	while (want >= 1 && n < max) {
		/* the rightmost WANT labels */
		size_t skip = labels - want;

		p = domain;
		while (skip > 0) {
			p = strchr(p, '.') + 1;
			skip--;
		}
		memcpy(names[n++], p, strlen(p) + 1);
		want--;
	}
	return n;
}
