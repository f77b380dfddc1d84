/*
 * dkim_canon.c - DKIM canonicalisation (RFC 6376 section 3.4): "simple"
 * and "relaxed" for header fields and for the body, the body hash with
 * the l= limit, and the signed header block (section 3.7, 5.4.2).
 *
 * Header, relaxed (3.4.2): name lower-cased; CRLF of folded lines removed;
 * runs of WSP made one SP; WSP at the end of the value and around the
 * colon removed. Header, simple (3.4.1): unchanged.
 * Body, simple (3.4.3): trailing empty lines removed; an empty body is one
 * CRLF. Body, relaxed (3.4.4): WSP at line ends removed, inner runs of WSP
 * made one SP, trailing empty lines removed; a non-empty body ends in CRLF,
 * an empty one stays empty (erratum 1384).
 */
#include <string.h>

#include <maildiag/mime.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "dkim_internal.h"

/* --- header fields --- */

/* Append VALUE (P/N) relaxed-canonicalised: unfold, squeeze, trim. */
static md_status relaxed_value(md_buf *out, const char *p, size_t n)
{
	size_t i;
	bool wsp = false, any = false;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (c == '\r' && i + 1 < n && p[i + 1] == '\n') {
			i++;
			continue; /* unfold */
		}
		if (c == ' ' || c == '\t') {
			wsp = true;
			continue;
		}
		if (wsp && any)
			md_buf_putc(out, ' ');
		wsp = false;
		any = true;
		md_buf_putc(out, c);
	}
	return out->err;
}

md_status dkim_canon_header(md_buf *out, dkim_canon c, md_str raw, md_str b_value, bool crlf)
{
	const char *colon;
	size_t end = raw.n, del_from = 0, del_to = 0;

	/* the field without its final CRLF */
	if (end >= 2 && raw.p[end - 2] == '\r' && raw.p[end - 1] == '\n')
		end -= 2;
	if (b_value.p != NULL && b_value.p >= raw.p && b_value.p <= raw.p + end) {
		/* delete from just after "b=" to the next ';' or the end */
		const char *q = b_value.p;

		while (q > raw.p && q[-1] != '=')
			q--;
		del_from = (size_t)(q - raw.p);
		q = b_value.p + b_value.n;
		while (q < raw.p + end && *q != ';')
			q++;
		del_to = (size_t)(q - raw.p);
	}
	if (c == DKIM_CANON_SIMPLE) {
		if (del_to > del_from) {
			md_buf_append(out, raw.p, del_from);
			md_buf_append(out, raw.p + del_to, end - del_to);
		} else {
			md_buf_append(out, raw.p, end);
		}
	} else {
		size_t i, nlen;

		colon = memchr(raw.p, ':', end);
		if (colon == NULL)
			return MD_EINVAL;
		nlen = (size_t)(colon - raw.p);
		while (nlen > 0 && md_iswsp(raw.p[nlen - 1]))
			nlen--;
		for (i = 0; i < nlen; i++)
			md_buf_putc(out, (char)md_tolower(raw.p[i]));
		md_buf_putc(out, ':');
		if (del_to > del_from) {
			/* value before b=, then after: canonicalise as one value
			 * by copying the pieces into a scratch buffer */
			md_buf tmp;
			size_t vstart = (size_t)(colon + 1 - raw.p);

			md_buf_init(&tmp, end + 1);
			md_buf_append(&tmp, raw.p + vstart, del_from - vstart);
			md_buf_append(&tmp, raw.p + del_to, end - del_to);
			if (tmp.err == MD_OK)
				relaxed_value(out, tmp.p ? tmp.p : "", tmp.n);
			else
				out->err = tmp.err;
			md_buf_free(&tmp);
		} else {
			relaxed_value(out, colon + 1, end - (size_t)(colon + 1 - raw.p));
		}
	}
	if (crlf)
		md_buf_append(out, "\r\n", 2);
	return out->err;
}

/* --- body --- */

typedef struct emitter {
	char buf[8192];
	size_t n;
	size_t total;
	dkim_sink sink;
	void *ud;
	bool stop;
} emitter;

static void flush(emitter *e)
{
	if (e->n > 0 && !e->stop && e->sink(e->ud, e->buf, e->n) != 0)
		e->stop = true;
	e->n = 0;
}

static void emit(emitter *e, const char *p, size_t n)
{
	e->total += n;
	while (n > 0) {
		size_t k = sizeof(e->buf) - e->n;

		if (k > n)
			k = n;
		memcpy(e->buf + e->n, p, k);
		e->n += k;
		p += k;
		n -= k;
		if (e->n == sizeof(e->buf))
			flush(e);
	}
}

static void emit_c(emitter *e, char c)
{
	e->total++;
	e->buf[e->n++] = c;
	if (e->n == sizeof(e->buf))
		flush(e);
}

size_t dkim_canon_body(dkim_canon c, const char *body, size_t n, dkim_sink sink, void *ud)
{
	emitter em, *e = &em; /* 8 KiB on the stack: no allocation per body */
	size_t total;

	e->n = 0;
	e->total = 0;
	e->sink = sink;
	e->ud = ud;
	e->stop = false;
	if (c == DKIM_CANON_SIMPLE) {
		size_t end = n;

		while (end >= 2 && body[end - 2] == '\r' && body[end - 1] == '\n')
			end -= 2;
		/* emit in one go: no copy for the bulk */
		e->total = end;
		if (end > 0 && sink(ud, body, end) != 0)
			e->stop = true;
		emit(e, "\r\n", 2);
	} else {
		size_t i = 0, pending = 0;

		while (i < n) {
			const char *cr = NULL;
			size_t j, lend, next;
			bool wsp = false, any = false;

			/* the line runs to the next CRLF (a lone CR is data) */
			j = i;
			for (;;) {
				cr = memchr(body + j, '\r', n - j);
				if (cr == NULL || (cr + 1 < body + n && cr[1] == '\n'))
					break;
				j = (size_t)(cr - body) + 1;
			}
			lend = cr ? (size_t)(cr - body) : n;
			next = cr ? lend + 2 : n;
			for (j = i; j < lend; j++) {
				char ch = body[j];

				if (ch == ' ' || ch == '\t') {
					wsp = true;
					continue;
				}
				if (!any) {
					for (; pending > 0; pending--)
						emit(e, "\r\n", 2);
					any = true;
				}
				if (wsp)
					emit_c(e, ' ');
				wsp = false;
				emit_c(e, ch);
			}
			if (any)
				emit(e, "\r\n", 2);
			else
				pending++;
			i = next;
		}
	}
	flush(e);
	total = e->stop ? (size_t)-1 : e->total;
	return total;
}

typedef struct hash_sink {
	EVP_MD_CTX *ctx;
	bool limited;
	uint64_t left;
	bool err;
} hash_sink;

static int hash_cb(void *ud, const char *p, size_t n)
{
	hash_sink *h = ud;

	if (h->limited) {
		if (h->left == 0)
			return 0;
		if (n > h->left)
			n = (size_t)h->left;
		h->left -= n;
	}
	if (EVP_DigestUpdate(h->ctx, p, n) != 1) {
		h->err = true;
		return 1;
	}
	return 0;
}

md_status dkim_body_hash(const dkim_msg *m, dkim_canon c, const EVP_MD *md, bool has_l, uint64_t l,
                         uint8_t *digest, unsigned *dlen, size_t *canon_len)
{
	hash_sink h = {EVP_MD_CTX_new(), has_l, l, false};
	size_t total;

	if (h.ctx == NULL || EVP_DigestInit_ex(h.ctx, md, NULL) != 1) {
		EVP_MD_CTX_free(h.ctx);
		return MD_ENOMEM;
	}
	total = dkim_canon_body(c, m->body.p ? m->body.p : "", m->body.n, hash_cb, &h);
	if (total == (size_t)-1 || h.err || EVP_DigestFinal_ex(h.ctx, digest, dlen) != 1) {
		EVP_MD_CTX_free(h.ctx);
		return MD_ENOMEM;
	}
	EVP_MD_CTX_free(h.ctx);
	*canon_len = total;
	return MD_OK;
}

/* --- the signed header block --- */

md_status dkim_header_block(md_buf *out, const dkim_msg *m, const dkim_sig *sig,
                            const dkim_field *self)
{
	bool *used;
	size_t k;
	const md_str *bval;

	used = md_calloc(m->nf ? m->nf : 1, sizeof(*used));
	if (used == NULL)
		return MD_ENOMEM;
	for (k = 0; k < sig->nh; k++) {
		size_t j = m->nf;

		while (j > 0) {
			j--;
			if (!used[j] && md_str_ieq(m->f[j].name, sig->hnames[k])) {
				used[j] = true;
				dkim_canon_header(out, sig->hcanon, m->f[j].raw, MD_STR_NULL, true);
				break;
			}
		}
	}
	md_free(used);
	bval = md_tagvalue_get(&sig->tags, "b");
	dkim_canon_header(out, sig->hcanon, self->raw, bval ? *bval : MD_STR_NULL, false);
	return out->err;
}

/* --- a message as DKIM sees it, from the MIME reader --- */

md_status dkim_msg_parse(dkim_msg *m, const char *p, size_t n)
{
	md_mime_opts mo;
	const md_mime_part *root;
	const md_fields *hf;
	size_t i, bare = 0, nf;
	md_status st;

	memset(m, 0, sizeof(*m));
	/* DKIM hashes CRLF line ends (RFC 6376 section 2.8): a message saved
	 * by a Unix tool has bare LF; make them CRLF before anything else. */
	for (i = 0; i < n; i++)
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			bare++;
	if (bare > 0) {
		char *q = md_malloc(n + bare + 1);
		size_t k = 0;

		if (q == NULL)
			return MD_ENOMEM;
		for (i = 0; i < n; i++) {
			if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
				q[k++] = '\r';
			q[k++] = p[i];
		}
		q[k] = '\0';
		m->owned = q;
		m->lf_fixed = true;
		p = q;
		n = k;
	}
	memset(&mo, 0, sizeof(mo));
	mo.no_copy = true;
	st = md_message_parse(p, n, &mo, &m->mm);
	if (st != MD_OK)
		return st;
	root = md_message_root(m->mm);
	hf = md_part_headers(root);
	nf = md_fields_count(hf);
	m->f = md_calloc(nf ? nf : 1, sizeof(*m->f));
	if (m->f == NULL)
		return MD_ENOMEM;
	for (i = 0; i < nf; i++) {
		const md_header *h = md_fields_at(hf, i);
		dkim_field *f = &m->f[m->nf++];

		f->name = md_str_c(h->name);
		f->raw = (md_str){h->raw, h->raw_len};
		f->value = (md_str){h->raw_value, h->raw_value_len};
	}
	m->body.p = md_part_raw_body(root, &m->body.n);
	if (m->body.p == NULL)
		m->body = (md_str){p + n, 0};
	return MD_OK;
}

void dkim_msg_free(dkim_msg *m)
{
	if (m == NULL)
		return;
	md_free(m->f);
	md_message_free(m->mm);
	md_free(m->owned);
	memset(m, 0, sizeof(*m));
}
