/*
 * dkim_sig.c - parse DKIM-Signature (RFC 6376 section 3.5), and the
 * ARC-Message-Signature and ARC-Seal fields that share its tags
 * (RFC 8617 sections 4.1.2 and 4.1.3).
 *
 *   sig-v-tag   = "v=1"                           (DKIM only)
 *   sig-a-tag   = "a=" ("rsa" / "ed25519") "-" ("sha1" / "sha256")
 *   sig-b-tag   = "b=" base64string               sig-bh-tag = "bh=" base64
 *   sig-c-tag   = "c=" ("simple" / "relaxed") ["/" ("simple" / "relaxed")]
 *   sig-d-tag   = "d=" domain-name                sig-s-tag = "s=" selector
 *   sig-h-tag   = "h=" hdr-name *( [FWS] ":" [FWS] hdr-name )
 *   sig-i-tag   = "i=" [ Local-part ] "@" domain-name   (ARC: 1..50)
 *   sig-l-tag   = "l=" 1*76DIGIT   sig-t-tag = "t=" 1*12DIGIT   x= likewise
 *   sig-q-tag   = "q=" "dns/txt" *( ":" other methods )
 *   ARC-Seal: cv= "none" / "fail" / "pass"; no h= allowed.
 *
 * The tag list itself is read by the one tag=value parser (core/tagvalue).
 * Limits: DKIM_MAX_SIGNED_HEADERS names in h=; numbers up to 2^63.
 */
#include <string.h>

#include "core/ascii.h"
#include "core/num.h"
#include "dkim_internal.h"

/* RFC 8617 section 4.2.1: instance values run from 1 to 50. */
#define ARC_MAX_INSTANCE 50

static void fail(dkim_sig *sig, dkim_err e, const char *detail, const md_str *at)
{
	if (sig->err != DKIM_OK)
		return;
	sig->err = e;
	sig->err_detail = detail;
	sig->err_offset = (at && at->p) ? (size_t)(at->p - sig->value.p) : 0;
}

static md_str get(const dkim_sig *sig, const char *name)
{
	const md_str *v = md_tagvalue_get(&sig->tags, name);

	return v ? *v : MD_STR_NULL;
}

static bool present(md_str s)
{
	return s.p != NULL;
}

/* Strip all FWS from inside a slice for comparisons like "relaxed / simple". */
static size_t squeeze(md_str s, char *out, size_t cap)
{
	size_t i, k = 0;

	for (i = 0; i < s.n && k + 1 < cap; i++)
		if (!md_isspace(s.p[i]))
			out[k++] = (char)md_tolower(s.p[i]);
	out[k] = '\0';
	return k;
}

static bool parse_alg(md_str a, dkim_alg *alg)
{
	char buf[32];

	if (a.n >= sizeof(buf))
		return false;
	squeeze(a, buf, sizeof(buf));
	if (strcmp(buf, "rsa-sha256") == 0)
		*alg = DKIM_ALG_RSA_SHA256;
	else if (strcmp(buf, "rsa-sha1") == 0)
		*alg = DKIM_ALG_RSA_SHA1;
	else if (strcmp(buf, "ed25519-sha256") == 0)
		*alg = DKIM_ALG_ED25519_SHA256;
	else
		return false;
	return true;
}

static bool canon_word(const char *w, size_t n, dkim_canon *c)
{
	if (n == 6 && memcmp(w, "simple", 6) == 0)
		*c = DKIM_CANON_SIMPLE;
	else if (n == 7 && memcmp(w, "relaxed", 7) == 0)
		*c = DKIM_CANON_RELAXED;
	else
		return false;
	return true;
}

static bool parse_canon(md_str c, dkim_canon *h, dkim_canon *b)
{
	char buf[40];
	const char *slash;
	size_t n;

	*h = *b = DKIM_CANON_SIMPLE;
	if (!present(c))
		return true;
	if (c.n >= sizeof(buf))
		return false;
	n = squeeze(c, buf, sizeof(buf));
	slash = memchr(buf, '/', n);
	if (slash == NULL)
		return canon_word(buf, n, h);
	return canon_word(buf, (size_t)(slash - buf), h) &&
	       canon_word(slash + 1, n - (size_t)(slash - buf) - 1, b);
}

static bool q_has_dns_txt(md_str q)
{
	size_t i = 0;

	while (i <= q.n) {
		size_t j = i;
		md_str item;

		while (j < q.n && q.p[j] != ':')
			j++;
		item = md_str_trim((md_str){q.p + i, j - i});
		/* "dns/txt" possibly with options after it is not defined;
		 * accept the exact method only (case-insensitively). */
		if (md_str_ieq_c(item, "dns/txt"))
			return true;
		i = j + 1;
	}
	return false;
}

/* A domain name as DKIM uses it: labels of letters, digits, '-', '_'. */
static bool valid_domain(md_str d)
{
	size_t i, label = 0;

	if (d.n == 0 || d.n > 253)
		return false;
	for (i = 0; i < d.n; i++) {
		char ch = d.p[i];

		if (ch == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!(md_isalnum(ch) || ch == '-' || ch == '_' || (unsigned char)ch >= 0x80))
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 || d.n > 1;
}

static bool domain_under(md_str sub, md_str parent)
{
	if (sub.n < parent.n)
		return false;
	if (!md_str_ieq((md_str){sub.p + sub.n - parent.n, parent.n}, parent))
		return false;
	return sub.n == parent.n || sub.p[sub.n - parent.n - 1] == '.';
}

static bool parse_num(dkim_sig *sig, md_str v, uint64_t *out)
{
	md_str t = md_str_trim(v);

	if (!md_parse_uint(t.p, t.n, (uint64_t)INT64_MAX, out)) {
		fail(sig, DKIM_E_SIG_BAD_NUMBER, NULL, &v);
		return false;
	}
	return true;
}

static void parse_h(dkim_sig *sig)
{
	md_str h = sig->h;
	size_t i = 0;

	while (i <= h.n) {
		size_t j = i;
		md_str name;

		while (j < h.n && h.p[j] != ':')
			j++;
		name = md_str_trim((md_str){h.p + i, j - i});
		i = j + 1;
		if (name.n == 0)
			continue; /* "a::b" or "h=": the empty name matches no field */
		if (sig->nh == DKIM_MAX_SIGNED_HEADERS) {
			fail(sig, DKIM_E_SIG_TOO_MANY_HEADERS, NULL, &h);
			return;
		}
		sig->hnames[sig->nh++] = name;
	}
}

void dkim_sig_parse(dkim_sig *sig, dkim_kind kind, const char *p, size_t n)
{
	bool ok;
	size_t k;

	memset(sig, 0, sizeof(*sig));
	sig->kind = kind;
	sig->value = (md_str){p, n};
	ok = md_tagvalue_parse(p, n, MD_TV_STRICT, &sig->tags);
	if (!ok) {
		md_str at = {p + sig->tags.error_offset, 0};

		fail(sig, DKIM_E_SIG_SYNTAX, sig->tags.error_msg, &at);
	}
	if (sig->tags.duplicate)
		fail(sig, DKIM_E_SIG_DUPLICATE_TAG, NULL, &sig->tags.duplicate_name);
	sig->v = get(sig, "v");
	sig->a = get(sig, "a");
	sig->b = get(sig, "b");
	sig->bh = get(sig, "bh");
	sig->c = get(sig, "c");
	sig->d = get(sig, "d");
	sig->h = get(sig, "h");
	sig->i = get(sig, "i");
	sig->l = get(sig, "l");
	sig->q = get(sig, "q");
	sig->s = get(sig, "s");
	sig->t = get(sig, "t");
	sig->x = get(sig, "x");
	sig->z = get(sig, "z");
	sig->cv = get(sig, "cv");

	/* required tags (RFC 6376 section 6.1.1; RFC 8617 sections 4.1.2-3) */
	if (kind == DKIM_KIND_SIGNATURE && !present(sig->v))
		fail(sig, DKIM_E_SIG_MISSING_TAG, "v=", NULL);
	if (kind != DKIM_KIND_SIGNATURE && !present(sig->i))
		fail(sig, DKIM_E_SIG_MISSING_TAG, "i=", NULL);
	if (!present(sig->a))
		fail(sig, DKIM_E_SIG_MISSING_TAG, "a=", NULL);
	if (!present(sig->b))
		fail(sig, DKIM_E_SIG_MISSING_TAG, "b=", NULL);
	if (kind != DKIM_KIND_SEAL && !present(sig->bh))
		fail(sig, DKIM_E_SIG_MISSING_TAG, "bh=", NULL);
	if (!present(sig->d))
		fail(sig, DKIM_E_SIG_MISSING_TAG, "d=", NULL);
	if (kind != DKIM_KIND_SEAL && !present(sig->h))
		fail(sig, DKIM_E_SIG_MISSING_TAG, "h=", NULL);
	if (!present(sig->s))
		fail(sig, DKIM_E_SIG_MISSING_TAG, "s=", NULL);
	if (kind == DKIM_KIND_SEAL && !present(sig->cv))
		fail(sig, DKIM_E_SIG_MISSING_TAG, "cv=", NULL);
	if (kind == DKIM_KIND_SEAL && present(sig->h))
		fail(sig, DKIM_E_SIG_SYNTAX, "h= is not allowed in ARC-Seal", &sig->h);

	if (kind == DKIM_KIND_SIGNATURE && present(sig->v) &&
	    !(sig->v.n == 1 && sig->v.p[0] == '1'))
		fail(sig, DKIM_E_SIG_VERSION, NULL, &sig->v);
	if (present(sig->a) && !parse_alg(sig->a, &sig->alg)) {
		sig->alg = DKIM_ALG_UNKNOWN;
		fail(sig, DKIM_E_SIG_ALG_UNKNOWN, NULL, &sig->a);
	}
	if (!parse_canon(sig->c, &sig->hcanon, &sig->bcanon))
		fail(sig, DKIM_E_SIG_CANON_UNKNOWN, NULL, &sig->c);
	if (present(sig->q) && !q_has_dns_txt(sig->q))
		fail(sig, DKIM_E_SIG_QUERY_UNKNOWN, NULL, &sig->q);
	if (present(sig->d) && !valid_domain(md_str_trim(sig->d)))
		fail(sig, DKIM_E_SIG_BAD_DOMAIN, "d=", &sig->d);
	if (present(sig->s) && !valid_domain(md_str_trim(sig->s)))
		fail(sig, DKIM_E_SIG_BAD_DOMAIN, "s=", &sig->s);
	if (present(sig->h))
		parse_h(sig);
	if (present(sig->l) && parse_num(sig, sig->l, &sig->len))
		sig->has_l = true;
	if (present(sig->t) && parse_num(sig, sig->t, &sig->ts))
		sig->has_t = true;
	if (present(sig->x) && parse_num(sig, sig->x, &sig->exp))
		sig->has_x = true;

	if (kind == DKIM_KIND_SIGNATURE) {
		bool from = false;

		for (k = 0; k < sig->nh; k++)
			if (md_str_ieq_c(sig->hnames[k], "from"))
				from = true;
		if (present(sig->h) && !from)
			fail(sig, DKIM_E_SIG_FROM_UNSIGNED, NULL, &sig->h);
		if (present(sig->i) && present(sig->d)) {
			md_str i = md_str_trim(sig->i);
			const char *at = memchr(i.p, '@', i.n);

			if (at == NULL) {
				fail(sig, DKIM_E_SIG_IDENTITY, "i= has no '@'", &sig->i);
			} else {
				sig->auid_domain = (md_str){at + 1, i.n - (size_t)(at + 1 - i.p)};
				if (!domain_under(sig->auid_domain, md_str_trim(sig->d)))
					fail(sig, DKIM_E_SIG_IDENTITY, NULL, &sig->i);
			}
		} else if (present(sig->d)) {
			sig->auid_domain = md_str_trim(sig->d);
		}
	} else if (present(sig->i)) {
		md_str i = md_str_trim(sig->i);

		if (!md_parse_uint(i.p, i.n, ARC_MAX_INSTANCE, &sig->instance) || sig->instance < 1)
			fail(sig, DKIM_E_SIG_BAD_NUMBER, "i= (ARC instance 1..50)", &sig->i);
	}
	if (kind == DKIM_KIND_SEAL && present(sig->cv)) {
		md_str cv = md_str_trim(sig->cv);

		if (!md_str_ieq_c(cv, "none") && !md_str_ieq_c(cv, "pass") &&
		    !md_str_ieq_c(cv, "fail"))
			fail(sig, DKIM_E_SIG_SYNTAX, "cv= is not none, pass or fail", &sig->cv);
	}
	if (sig->has_t && sig->has_x && sig->exp < sig->ts)
		fail(sig, DKIM_E_SIG_X_BEFORE_T, NULL, &sig->x);
	if (sig->alg == DKIM_ALG_RSA_SHA1)
		fail(sig, DKIM_E_SIG_SHA1, NULL, &sig->a);
	sig->d = md_str_trim(sig->d);
	sig->s = md_str_trim(sig->s);
}
