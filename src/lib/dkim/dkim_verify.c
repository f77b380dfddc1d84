/*
 * dkim_verify.c - verify every DKIM-Signature of a message (RFC 6376
 * section 6) and keep the evidence a person needs when one fails.
 *
 * Steps per signature: parse the tags (dkim_sig.c); ask for every key at
 * once through the resolver; check x=/t=, the key record and its
 * constraints (k=, h=, s=, t=s); compute the body hash (cached per
 * canonicalisation, hash and l=) and compare it with bh=; build the signed
 * header block and verify b= with OpenSSL. On failure find the likely
 * cause: content appended after the signed body (a canonical-body prefix
 * hashes to bh=), body otherwise changed, or a signed header changed /
 * the key rotated (body hash good, signature bad).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <maildiag/dkim.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/ascii.h"
#include "dkim_internal.h"
#include "dkim_verify.h"

/* Longest canonical header block kept as evidence. */
#define DKIM_MAX_BLOCK (256 * 1024)
/* How many line boundaries the footer search tries. */
#define DKIM_MAX_PREFIX_PROBES 200000
/* Appended text shown as evidence. */
#define DKIM_APPENDED_SHOWN 240
/* Default tolerated clock skew for t= in the future (seconds). */
#define DKIM_DEFAULT_SKEW 300

const char *md_dkim_verdict_name(md_dkim_verdict v)
{
	static const char *const names[] = {"none",    "pass",      "fail",     "policy",
	                                    "neutral", "temperror", "permerror"};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "permerror";
}

const char *md_dkim_cause_name(md_dkim_cause c)
{
	static const char *const names[] = {"none",         "body_appended",  "body_whitespace",
	                                    "body_changed", "header_changed", "key",
	                                    "signature"};

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "none";
}

/* ------------------------------------------------------------------ */
/* keys */

void dkim_keycache_clear(dkim_keycache *kc)
{
	size_t i;

	if (kc == NULL)
		return;
	for (i = 0; i < kc->n; i++) {
		md_free(kc->e[i].record);
		EVP_PKEY_free(kc->e[i].pkey);
	}
	kc->n = kc->next = 0;
}

/* The key for RECORD from the cache, or parsed (and remembered). */
static EVP_PKEY *cached_pkey(dkim_keycache *kc, const dkim_key *key, const char *record, size_t len,
                             unsigned *bits, dkim_err *err)
{
	dkim_keycache_entry *e;
	EVP_PKEY *pk;
	char *copy;
	size_t i;

	if (kc != NULL)
		for (i = 0; i < kc->n; i++)
			if (kc->e[i].len == len && memcmp(kc->e[i].record, record, len) == 0 &&
			    EVP_PKEY_up_ref(kc->e[i].pkey) == 1) {
				*bits = kc->e[i].bits;
				*err = DKIM_OK;
				return kc->e[i].pkey;
			}
	pk = dkim_pkey_load(key, bits, err);
	if (pk == NULL || kc == NULL)
		return pk;
	/* remember it, replacing the oldest entry when full; when memory is
	 * short the key is simply not remembered */
	copy = md_malloc(len ? len : 1);
	if (copy == NULL || EVP_PKEY_up_ref(pk) != 1) {
		md_free(copy);
		return pk;
	}
	memcpy(copy, record, len);
	if (kc->n < DKIM_KEY_CACHE) {
		e = &kc->e[kc->n++];
	} else {
		e = &kc->e[kc->next];
		md_free(e->record);
		EVP_PKEY_free(e->pkey);
		kc->next = (kc->next + 1) % DKIM_KEY_CACHE;
	}
	e->record = copy;
	e->len = len;
	e->pkey = pk;
	e->bits = *bits;
	return pk;
}

dkim_err dkim_key_from_dns(const md_dns_result *res, const dkim_sig *sig, dkim_keyinfo *ki,
                           md_arena *a, dkim_keycache *kc)
{
	size_t i;
	dkim_err first = DKIM_OK;
	md_buf txt;

	memset(ki, 0, sizeof(*ki));
	if (res == NULL)
		return DKIM_E_INTERNAL;
	if (md_dns_failed(res))
		return DKIM_E_KEY_TEMP;
	if (res->outcome != MD_DNS_ANSWER || res->nrr == 0)
		return DKIM_E_KEY_NOT_FOUND;
	md_buf_init(&txt, DKIM_MAX_KEY_RECORD + 1);
	/* RFC 6376 section 6.1.2 step 4: several records may be returned;
	 * use the first that is a usable key. */
	for (i = 0; i < res->nrr; i++) {
		const md_dns_rr *rr = &res->rr[i];
		dkim_key key;
		dkim_err e;
		char *rec;

		if (dkim_join_txt(&txt, rr->txt, rr->txtlen, rr->ntxt) != MD_OK) {
			e = DKIM_E_KEY_SYNTAX;
			if (first == DKIM_OK)
				first = e;
			continue;
		}
		rec = md_arena_strndup(a, txt.p, txt.n);
		if (rec == NULL) {
			md_buf_free(&txt);
			return DKIM_E_INTERNAL;
		}
		dkim_key_parse(&key, rec, txt.n);
		if (ki->record == NULL || key.err == DKIM_OK) {
			ki->record = rec;
			ki->key = key;
		}
		e = key.err;
		if (e == DKIM_OK && sig != NULL) {
			bool ed = sig->alg == DKIM_ALG_ED25519_SHA256;

			if ((ed && !key.k_ed25519) || (!ed && !key.k_rsa))
				e = DKIM_E_KEY_K_MISMATCH;
			else if ((sig->alg == DKIM_ALG_RSA_SHA1 && !key.h_sha1) ||
			         (sig->alg != DKIM_ALG_RSA_SHA1 && !key.h_sha256))
				e = DKIM_E_KEY_H_MISMATCH;
			else if (key.t_strict && sig->kind == DKIM_KIND_SIGNATURE &&
			         !md_str_ieq(sig->auid_domain, sig->d))
				e = DKIM_E_KEY_T_STRICT;
		}
		if (e == DKIM_OK) {
			ki->pkey = cached_pkey(kc, &key, rec, txt.n, &ki->bits, &e);
			ki->key = key;
			ki->record = rec;
		}
		if (e == DKIM_OK) {
			md_buf_free(&txt);
			return DKIM_OK;
		}
		if (first == DKIM_OK)
			first = e;
		if (ki->bits == 0 && key.err == DKIM_OK) {
			unsigned bits;
			dkim_err e2;
			EVP_PKEY *pk = dkim_pkey_load(&key, &bits, &e2);

			ki->bits = bits;
			EVP_PKEY_free(pk);
		}
	}
	md_buf_free(&txt);
	return first;
}

/* ------------------------------------------------------------------ */
/* body hashes, cached per (canon, hash, l=) */

static md_status body_hash(dkim_ctx *cx, dkim_canon c, dkim_alg alg, bool has_l, uint64_t l,
                           uint8_t *out, unsigned *olen, size_t *canon_len)
{
	size_t i;
	const EVP_MD *md = dkim_alg_md(alg);
	md_status st;

	for (i = 0; i < cx->nbh; i++) {
		dkim_bh_cache *e = &cx->bh[i];

		if (e->canon == c && e->md == md && e->has_l == has_l && e->l == l) {
			memcpy(out, e->digest, e->dlen);
			*olen = e->dlen;
			*canon_len = e->canon_len;
			return MD_OK;
		}
	}
	st = dkim_body_hash(cx->msg, c, md, has_l, l, out, olen, canon_len);
	if (st == MD_OK && cx->nbh < DKIM_BH_CACHE) {
		dkim_bh_cache *e = &cx->bh[cx->nbh++];

		e->canon = c;
		e->md = md;
		e->has_l = has_l;
		e->l = l;
		memcpy(e->digest, out, *olen);
		e->dlen = *olen;
		e->canon_len = *canon_len;
	}
	return st;
}

/* Footer search: does a prefix of the canonical body, ending at a line
 * boundary, hash to WANT? */
typedef struct prefix_probe {
	EVP_MD_CTX *ctx, *tmp;
	const uint8_t *want;
	unsigned wlen;
	size_t pos;   /* canonical bytes seen so far */
	size_t match; /* prefix length that matched, or (size_t)-1 */
	unsigned probes;
	char shown[DKIM_APPENDED_SHOWN + 1];
	size_t nshown;
	bool err;
} prefix_probe;

static bool probe_here(prefix_probe *pp)
{
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned dl;

	if (pp->probes++ >= DKIM_MAX_PREFIX_PROBES)
		return false;
	if (EVP_MD_CTX_copy_ex(pp->tmp, pp->ctx) != 1 || EVP_DigestFinal_ex(pp->tmp, d, &dl) != 1) {
		pp->err = true;
		return false;
	}
	return dl == pp->wlen && memcmp(d, pp->want, dl) == 0;
}

static int probe_cb(void *ud, const char *p, size_t n)
{
	prefix_probe *pp = ud;
	size_t i = 0;

	if (pp->match != (size_t)-1) {
		/* keep the start of the appended text */
		size_t k = DKIM_APPENDED_SHOWN - pp->nshown;

		if (k > n)
			k = n;
		memcpy(pp->shown + pp->nshown, p, k);
		pp->nshown += k;
		return pp->nshown >= DKIM_APPENDED_SHOWN;
	}
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t j = nl ? (size_t)(nl - p) + 1 : n;

		if (EVP_DigestUpdate(pp->ctx, p + i, j - i) != 1) {
			pp->err = true;
			return 1;
		}
		pp->pos += j - i;
		i = j;
		if (nl != NULL && probe_here(pp)) {
			pp->match = pp->pos;
			return probe_cb(ud, p + i, n - i);
		}
		if (pp->err)
			return 1;
	}
	return 0;
}

static void diagnose_body(dkim_ctx *cx, const dkim_sig *sig, const uint8_t *want, unsigned wlen,
                          dkim_eval *ev)
{
	prefix_probe pp;

	memset(&pp, 0, sizeof(pp));
	pp.want = want;
	pp.wlen = wlen;
	pp.match = (size_t)-1;
	pp.ctx = EVP_MD_CTX_new();
	pp.tmp = EVP_MD_CTX_new();
	ev->cause = MD_DKIM_CAUSE_BODY_CHANGED;
	if (pp.ctx != NULL && pp.tmp != NULL &&
	    EVP_DigestInit_ex(pp.ctx, dkim_alg_md(sig->alg), NULL) == 1) {
		/* an empty signed body: relaxed hashes nothing, simple one CRLF */
		if (sig->bcanon == DKIM_CANON_RELAXED && probe_here(&pp)) {
			pp.match = 0;
		}
		dkim_canon_body(sig->bcanon, cx->msg->body.p ? cx->msg->body.p : "",
		                cx->msg->body.n, probe_cb, &pp);
		if (!pp.err && pp.match != (size_t)-1 && pp.match < ev->canon_len) {
			ev->cause = MD_DKIM_CAUSE_BODY_APPENDED;
			ev->appended = (long long)(ev->canon_len - pp.match);
			ev->appended_text = md_arena_strndup(cx->arena, pp.shown, pp.nshown);
		}
	}
	EVP_MD_CTX_free(pp.ctx);
	EVP_MD_CTX_free(pp.tmp);
	if (ev->cause == MD_DKIM_CAUSE_BODY_CHANGED && sig->bcanon == DKIM_CANON_SIMPLE) {
		/* would the same body pass with relaxed? Not provable without the
		 * original, but the usual cause of simple-body failures is
		 * whitespace rewritten by a relay: say so when the body has
		 * trailing whitespace or tabs. */
		ev->simple_body = true;
	}
}

/* ------------------------------------------------------------------ */
/* one signature */

void dkim_eval_sig(dkim_ctx *cx, const dkim_sig *sig, const dkim_field *self,
                   const md_dns_result *keyres, dkim_eval *ev)
{
	uint8_t bh_want[EVP_MAX_MD_SIZE], bh_got[EVP_MAX_MD_SIZE], sigbytes[DKIM_MAX_SIG_BYTES];
	unsigned bhlen = 0;
	long want_len, siglen;
	int rc;

	memset(ev, 0, sizeof(*ev));
	ev->appended = -1;
	ev->err = sig->err;
	if (ev->err != DKIM_OK)
		return;
	if (sig->kind == DKIM_KIND_SIGNATURE && sig->has_x && (int64_t)sig->exp <= cx->now) {
		ev->err = DKIM_E_SIG_EXPIRED;
		return;
	}
	if (sig->has_t && (int64_t)sig->ts > cx->now + (int64_t)cx->skew)
		ev->t_future = true;
	want_len = dkim_base64_decode(sig->bh.p, sig->bh.n, bh_want, sizeof(bh_want));
	siglen = dkim_base64_decode(sig->b.p, sig->b.n, sigbytes, sizeof(sigbytes));
	if ((sig->kind != DKIM_KIND_SEAL && want_len <= 0) || siglen <= 0) {
		ev->err = DKIM_E_SIG_BAD_BASE64;
		return;
	}
	/* the key */
	ev->err = dkim_key_from_dns(keyres, sig, &ev->key, cx->arena, cx->keys);
	if (ev->err != DKIM_OK)
		return;
	/* the body */
	if (sig->kind != DKIM_KIND_SEAL) {
		if (body_hash(cx, sig->bcanon, sig->alg, sig->has_l, sig->len, bh_got, &bhlen,
		              &ev->canon_len) != MD_OK) {
			ev->err = DKIM_E_INTERNAL;
			return;
		}
		ev->bh_computed = true;
		dkim_base64_encode(bh_got, bhlen, ev->bh_b64);
		if (sig->has_l && sig->len > ev->canon_len) {
			ev->err = DKIM_E_SIG_L_TOO_LONG;
			return;
		}
		ev->bh_ok = (long)bhlen == want_len && memcmp(bh_got, bh_want, bhlen) == 0;
	}
	/* the header block */
	md_buf_init(&ev->block, DKIM_MAX_BLOCK);
	if (cx->build_block(cx, sig, self, &ev->block) != MD_OK) {
		ev->err =
		    ev->block.err == MD_ELIMIT ? DKIM_E_SIG_TOO_MANY_HEADERS : DKIM_E_INTERNAL;
		return;
	}
	if (sig->kind != DKIM_KIND_SEAL && !ev->bh_ok) {
		ev->err = DKIM_E_BODY_HASH;
		if (cx->diagnose)
			diagnose_body(cx, sig, bh_want, (unsigned)want_len, ev);
		return;
	}
	rc = dkim_crypto_verify(ev->key.pkey, sig->alg, (const uint8_t *)ev->block.p, ev->block.n,
	                        sigbytes, (size_t)siglen);
	if (rc < 0)
		ev->err = DKIM_E_KEY_DECODE;
	else if (rc == 0) {
		ev->err = DKIM_E_SIGNATURE;
		ev->cause = MD_DKIM_CAUSE_HEADER_CHANGED;
	}
}

void dkim_eval_free(dkim_eval *ev)
{
	EVP_PKEY_free(ev->key.pkey);
	ev->key.pkey = NULL;
	md_buf_free(&ev->block);
}

md_status dkim_block_for_sig(dkim_ctx *cx, const dkim_sig *sig, const dkim_field *self, md_buf *out)
{
	return dkim_header_block(out, cx->msg, sig, self);
}

/* ------------------------------------------------------------------ */
/* the From domain (RFC 7489 section 6.6.1: exactly one address) */

/* Find the addr-spec domain in a From field value; NULL when there is
 * not exactly one mailbox. Comments and quoted strings are skipped. */
char *dkim_from_domain_of(md_arena *a, md_str v)
{
	size_t i, at = (size_t)-1, lt = (size_t)-1, gt = (size_t)-1, end;
	int depth = 0, commas = 0, ats = 0;
	bool quoted = false;
	char *d;
	size_t k, start;

	for (i = 0; i < v.n; i++) {
		char c = v.p[i];

		if (quoted) {
			if (c == '\\')
				i++;
			else if (c == '"')
				quoted = false;
			continue;
		}
		if (depth > 0) {
			if (c == '\\')
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			continue;
		}
		if (c == '"')
			quoted = true;
		else if (c == '(')
			depth++;
		else if (c == '<' && lt == (size_t)-1)
			lt = i;
		else if (c == '>' && lt != (size_t)-1 && gt == (size_t)-1)
			gt = i;
		else if (c == ',')
			commas++;
		else if (c == '@') {
			if (lt == (size_t)-1 || (i > lt && gt == (size_t)-1))
				at = i;
			ats++;
		}
	}
	if (at == (size_t)-1)
		return NULL;
	/* a comma outside <...> and quotes separates mailboxes; allow a
	 * trailing group-less comma only when nothing follows */
	if (commas > 0) {
		md_str rest = md_str_trim((md_str){v.p, v.n});

		if (!(commas == 1 && rest.n > 0 && rest.p[rest.n - 1] == ','))
			return NULL;
	}
	start = at + 1;
	end = (lt != (size_t)-1 && gt != (size_t)-1) ? gt : v.n;
	d = md_arena_zalloc(a, end - start + 1);
	if (d == NULL)
		return NULL;
	for (i = start, k = 0; i < end; i++) {
		char c = v.p[i];

		if (c == '(' || c == ';' || c == ',' || c == '>')
			break;
		if (md_isspace(c))
			continue;
		d[k++] = (char)md_tolower(c);
	}
	while (k > 0 && d[k - 1] == '.')
		d[--k] = '\0';
	return k > 0 ? d : NULL;
}

/* ------------------------------------------------------------------ */
/* the public API */

struct md_dkim_result {
	md_arena *arena;
	md_dkim_sig_info *sigs;
	size_t n;
	const char *from_domain;
	bool lf_fixed;
};

typedef struct pending_key {
	const md_dns_result *res;
} pending_key;

static void key_cb(void *ud, const md_dns_result *res)
{
	((pending_key *)ud)->res = res;
}

static const char *astr(md_arena *a, md_str s)
{
	return s.p ? md_arena_strndup(a, s.p, s.n) : NULL;
}

/* h= as written, with the folding whitespace removed. */
static const char *squeeze_ws(md_arena *a, md_str s)
{
	char *o;
	size_t i, k = 0;

	if (s.p == NULL)
		return NULL;
	o = md_arena_alloc(a, s.n + 1);
	if (o == NULL)
		return NULL;
	for (i = 0; i < s.n; i++)
		if (!md_isspace(s.p[i]))
			o[k++] = s.p[i];
	o[k] = '\0';
	return o;
}

static void add_warning(md_arena *a, const char **w, const char *text)
{
	*w = *w ? md_arena_printf(a, "%s\n%s", *w, text) : md_arena_strdup(a, text);
}

static void fill_info(md_dkim_result *r, dkim_ctx *cx, const dkim_sig *sig, const dkim_field *self,
                      dkim_eval *ev, md_dkim_sig_info *info)
{
	md_arena *a = r->arena;
	const dkim_reason *why = dkim_reason_get(ev->err);
	size_t k, nfrom = 0, hfrom = 0;

	info->verdict = (md_dkim_verdict)why->verdict;
	info->reason_id = why->id;
	info->reason = why->text;
	info->ref = why->ref;
	if (ev->err == DKIM_OK) {
		info->detail = NULL;
	} else if (sig->err_detail != NULL && ev->err == sig->err) {
		info->detail = md_arena_printf(a, "%s (%s)", why->text, sig->err_detail);
	} else if (ev->err >= DKIM_E_KEY_SYNTAX && ev->err <= DKIM_E_KEY_TOO_LONG &&
	           ev->key.key.err_detail != NULL) {
		info->detail = md_arena_printf(a, "%s (%s)", why->text, ev->key.key.err_detail);
	}
	info->domain = astr(a, sig->d);
	info->selector = astr(a, sig->s);
	info->identity =
	    sig->i.p ? astr(a, md_str_trim(sig->i))
	             : (sig->d.p ? md_arena_printf(a, "@%.*s", (int)sig->d.n, sig->d.p) : NULL);
	info->algorithm = squeeze_ws(a, sig->a);
	info->canonicalization =
	    md_arena_printf(a, "%s/%s", sig->hcanon == DKIM_CANON_RELAXED ? "relaxed" : "simple",
	                    sig->bcanon == DKIM_CANON_RELAXED ? "relaxed" : "simple");
	info->signed_headers = squeeze_ws(a, sig->h);
	info->signed_at = sig->has_t ? (long long)sig->ts : -1;
	info->expires_at = sig->has_x ? (long long)sig->exp : -1;
	info->body_length = sig->has_l ? (long long)sig->len : -1;
	info->body_hash_expected = squeeze_ws(a, sig->bh);
	info->body_hash_computed = ev->bh_computed ? md_arena_strdup(a, ev->bh_b64) : NULL;
	if (!cx->no_evidence && ev->block.p != NULL)
		info->header_block = md_arena_strndup(a, ev->block.p, ev->block.n);
	if (sig->d.p && sig->s.p)
		info->key_name = md_arena_printf(a, "%.*s._domainkey.%.*s", (int)sig->s.n, sig->s.p,
		                                 (int)sig->d.n, sig->d.p);
	info->key_record = ev->key.record ? md_arena_strdup(a, ev->key.record) : NULL;
	if (ev->key.record)
		info->key_type = ev->key.key.k_ed25519 ? "ed25519"
		                 : ev->key.key.k_rsa   ? "rsa"
		                                       : NULL;
	info->key_bits = ev->key.bits;
	info->key_testing = ev->key.key.t_testing;
	info->appended_bytes = ev->appended;
	info->body_canon_length = ev->bh_computed ? (long long)ev->canon_len : -1;
	info->appended_text = ev->appended_text;
	info->raw = astr(a, self->raw);
	info->cause = ev->cause;
	if (ev->err >= DKIM_E_KEY_NOT_FOUND && ev->err <= DKIM_E_KEY_TOO_LONG)
		info->cause = MD_DKIM_CAUSE_KEY;
	else if (ev->err != DKIM_OK && ev->err < DKIM_E_KEY_NOT_FOUND)
		info->cause = MD_DKIM_CAUSE_SIGNATURE;

	switch (info->cause) {
	case MD_DKIM_CAUSE_BODY_APPENDED:
		info->cause_text = md_arena_printf(
		    a,
		    "%lld bytes were added to the end of the body after signing (a mailing-list "
		    "footer, a disclaimer or an antivirus notice); the body up to that point is "
		    "unchanged and still hashes to bh=",
		    ev->appended);
		break;
	case MD_DKIM_CAUSE_BODY_CHANGED:
		info->cause_text =
		    ev->simple_body
		        ? "the body changed after signing; with c=.../simple any whitespace or "
		          "line-ending change by a relay breaks the hash (relaxed body "
		          "canonicalisation tolerates it)"
		        : "the body changed after signing (rewritten by a relay, a forwarder, a "
		          "list "
		          "manager, or a content filter); it is not just text appended at the end";
		break;
	case MD_DKIM_CAUSE_HEADER_CHANGED:
		info->cause_text =
		    "the body is intact but the signature does not verify: a signed header field "
		    "was changed in transit (e.g. a list tag in Subject), or the key at the "
		    "selector was replaced after signing (key rotated too early)";
		break;
	case MD_DKIM_CAUSE_KEY:
		info->cause_text =
		    md_arena_printf(a, "the key record at %s: %s",
		                    info->key_name ? info->key_name : "the selector", why->text);
		break;
	case MD_DKIM_CAUSE_SIGNATURE:
		info->cause_text = md_arena_printf(a, "the signature itself: %s", why->text);
		break;
	default:
		break;
	}

	/* warnings that do not change the verdict */
	if (sig->has_l)
		add_warning(a, &info->warnings,
		            "l= limits the signed body length: anyone can append content and the "
		            "signature still passes (RFC 6376 section 8.2)");
	if (ev->t_future)
		add_warning(a, &info->warnings, "t= (signing time) is in the future");
	if (ev->key.key.t_testing)
		add_warning(a, &info->warnings, "the key is in testing mode (t=y)");
	if (ev->key.key.v_not_first)
		add_warning(a, &info->warnings, "the key record's v= is not the first tag");
	if (ev->key.bits > 0 && ev->key.bits < 2048 && ev->key.key.k_rsa)
		add_warning(a, &info->warnings,
		            "the RSA key is shorter than 2048 bits (RFC 8301 section 3.2 asks "
		            "signers for at least 2048)");
	for (k = 0; k < cx->msg->nf; k++)
		if (md_str_ieq_c(cx->msg->f[k].name, "from"))
			nfrom++;
	for (k = 0; k < sig->nh; k++)
		if (md_str_ieq_c(sig->hnames[k], "from"))
			hfrom++;
	info->from_oversigned = hfrom > nfrom;
	if (sig->err == DKIM_OK && hfrom > 0 && hfrom <= nfrom)
		add_warning(a, &info->warnings,
		            "From is not over-signed: a second From field could be added without "
		            "breaking the signature (RFC 6376 section 8.15)");
}

static int64_t resolve_now(const md_dkim_verify_opts *opts)
{
	return (opts && opts->now) ? opts->now : (int64_t)time(NULL);
}

md_status dkim_ctx_init(dkim_ctx *cx, const dkim_msg *m, md_arena *a, int64_t now)
{
	memset(cx, 0, sizeof(*cx));
	cx->msg = m;
	cx->arena = a;
	cx->now = now;
	cx->skew = DKIM_DEFAULT_SKEW;
	cx->diagnose = true;
	cx->build_block = dkim_block_for_sig;
	return MD_OK;
}

md_status dkim_verify_msg(md_resolver *res, const dkim_msg *mp, const md_dkim_verify_opts *opts,
                          dkim_keycache *kc, md_dkim_result **out)
{
	md_dkim_result *r;
	const dkim_msg *m = mp;
	dkim_ctx cx;
	dkim_sig *sigs = NULL;
	const dkim_field **selfs = NULL;
	pending_key *keys = NULL;
	size_t i, n = 0;
	md_status st = MD_OK;

	*out = NULL;
	r = md_calloc(1, sizeof(*r));
	if (r == NULL || (r->arena = md_arena_new()) == NULL) {
		md_free(r);
		return MD_ENOMEM;
	}
	r->lf_fixed = m->lf_fixed;
	dkim_ctx_init(&cx, m, r->arena, resolve_now(opts));
	if (opts && opts->skew)
		cx.skew = opts->skew;
	cx.no_evidence = opts && opts->no_evidence;
	cx.diagnose = !(opts && opts->no_evidence);
	cx.keys = kc;
	r->from_domain = dkim_msg_from_domain(m, r->arena);

	for (i = 0; i < m->nf; i++)
		if (md_str_ieq_c(m->f[i].name, "DKIM-Signature"))
			n++;
	if (n > DKIM_MAX_SIGNATURES)
		n = DKIM_MAX_SIGNATURES;
	if (n > 0) {
		sigs = md_calloc(n, sizeof(*sigs));
		selfs = md_calloc(n, sizeof(*selfs));
		keys = md_calloc(n, sizeof(*keys));
		r->sigs = md_arena_zalloc(r->arena, n * sizeof(*r->sigs));
		if (sigs == NULL || selfs == NULL || keys == NULL || r->sigs == NULL) {
			st = MD_ENOMEM;
			goto fail;
		}
	}
	for (i = 0; i < m->nf && r->n < n; i++) {
		if (!md_str_ieq_c(m->f[i].name, "DKIM-Signature"))
			continue;
		selfs[r->n] = &m->f[i];
		dkim_sig_parse(&sigs[r->n], DKIM_KIND_SIGNATURE, m->f[i].value.p, m->f[i].value.n);
		r->n++;
	}
	/* every key question in flight at once */
	for (i = 0; i < r->n; i++) {
		char name[600];

		if (sigs[i].err != DKIM_OK || sigs[i].s.n + sigs[i].d.n + 13 >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s._domainkey.%.*s", (int)sigs[i].s.n, sigs[i].s.p,
		         (int)sigs[i].d.n, sigs[i].d.p);
		if (md_dns_submit(res, name, MD_DNS_TXT, key_cb, &keys[i]) == MD_EINVAL)
			sigs[i].err = DKIM_E_SIG_BAD_DOMAIN;
	}
	md_dns_wait(res);
	for (i = 0; i < r->n; i++) {
		dkim_eval ev;

		dkim_eval_sig(&cx, &sigs[i], selfs[i], keys[i].res, &ev);
		fill_info(r, &cx, &sigs[i], selfs[i], &ev, &r->sigs[i]);
		dkim_eval_free(&ev);
	}
	md_free(sigs);
	md_free(selfs);
	md_free(keys);
	*out = r;
	return MD_OK;
fail:
	md_free(sigs);
	md_free(selfs);
	md_free(keys);
	md_dkim_result_free(r);
	return st;
}

struct md_dkim_verifier {
	md_resolver *res;
	md_dkim_verify_opts opts;
	dkim_keycache keys;
};

md_dkim_verifier *md_dkim_verifier_new(md_resolver *res, const md_dkim_verify_opts *opts)
{
	md_dkim_verifier *v;

	if (res == NULL)
		return NULL;
	v = md_calloc(1, sizeof(*v));
	if (v == NULL)
		return NULL;
	v->res = res;
	if (opts != NULL)
		v->opts = *opts;
	return v;
}

void md_dkim_verifier_free(md_dkim_verifier *v)
{
	if (v == NULL)
		return;
	dkim_keycache_clear(&v->keys);
	md_free(v);
}

md_status md_dkim_verifier_run(md_dkim_verifier *v, const char *msg, size_t len,
                               md_dkim_result **out)
{
	dkim_msg m;
	md_status st;

	if (v == NULL || msg == NULL || out == NULL)
		return MD_EINVAL;
	*out = NULL;
	st = dkim_msg_parse(&m, msg, len);
	if (st == MD_OK)
		st = dkim_verify_msg(v->res, &m, &v->opts, &v->keys, out);
	dkim_msg_free(&m);
	return st;
}

md_status md_dkim_verify(md_resolver *res, const char *msg, size_t len,
                         const md_dkim_verify_opts *opts, md_dkim_result **out)
{
	dkim_msg m;
	md_status st;

	if (res == NULL || msg == NULL || out == NULL)
		return MD_EINVAL;
	*out = NULL;
	st = dkim_msg_parse(&m, msg, len);
	if (st == MD_OK)
		st = dkim_verify_msg(res, &m, opts, NULL, out);
	dkim_msg_free(&m);
	return st;
}

void md_dkim_result_free(md_dkim_result *r)
{
	if (r == NULL)
		return;
	md_arena_free(r->arena);
	md_free(r);
}

size_t md_dkim_result_count(const md_dkim_result *r)
{
	return r ? r->n : 0;
}

const md_dkim_sig_info *md_dkim_result_sig(const md_dkim_result *r, size_t i)
{
	return (r && i < r->n) ? &r->sigs[i] : NULL;
}

md_dkim_verdict md_dkim_result_verdict(const md_dkim_result *r)
{
	size_t i;

	if (r == NULL || r->n == 0)
		return MD_DKIM_NONE;
	for (i = 0; i < r->n; i++)
		if (r->sigs[i].verdict == MD_DKIM_PASS)
			return MD_DKIM_PASS;
	return r->sigs[0].verdict;
}

const char *md_dkim_result_from_domain(const md_dkim_result *r)
{
	return r ? r->from_domain : NULL;
}

char *dkim_msg_from_domain(const dkim_msg *m, md_arena *a)
{
	size_t i, nfrom = 0;
	const dkim_field *from = NULL;

	for (i = 0; i < m->nf; i++)
		if (md_str_ieq_c(m->f[i].name, "from")) {
			from = &m->f[i];
			nfrom++;
		}
	if (nfrom != 1)
		return NULL;
	return dkim_from_domain_of(a, from->value);
}
