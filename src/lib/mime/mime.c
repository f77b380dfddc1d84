/*
 * mime.c - the message reader: header blocks, the MIME part tree, enclosed
 * messages and delivery-status blocks, from untrusted bytes.
 *
 * Grammar (RFC 5322 section 2.2 and 3.6, RFC 2045 section 5.1, RFC 2046
 * section 5.1.1), read line by line with any line end (LF, CRLF, CR):
 *     header-block = *field blank-line
 *     field        = field-name *WSP ":" unstructured line-end
 *                    *(WSP-led continuation line)
 *     field-name   = 1*ftext            ; %d33-57 / %d59-126
 *     content      = "Content-Type" ":" type "/" subtype *(";" parameter)
 *     parameter    = attribute "=" (token / quoted-string)  ; + RFC 2231
 *     multipart-body = [preamble CRLF] dash-boundary transport-padding CRLF
 *                      body-part *(CRLF dash-boundary ... ) close-delimiter
 *     delimiter    = CRLF "--" boundary ; the line end belongs to the delimiter
 * A line that is neither a field nor a continuation ends the header block
 * (a defect: the blank line is missing); a multipart without its closing
 * delimiter ends at the end of its body (a defect: the message was
 * truncated, as bounces that return only part of the original often are).
 * Limits: md_mime_limits (mime.h), each reported as a defect when hit.
 */
#include "mime_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/utf8.h"

/* RFC 5322 section 2.1.1: a line is at most 998 characters. */
#define MD_RFC5322_MAX_LINE 998
/* Header-like blocks in one delivery-status or feedback-report part. */
#define MD_MIME_MAX_BLOCKS 1000
/* Content-Type parameters kept per part. */
#define MD_MIME_MAX_PARAMS 32

/* --- defects --- */

void md_message_add_defect(md_message *m, const char *id, const char *fmt, ...)
{
	va_list ap;
	char *d;

	if (m->ndefects == m->defects_cap) {
		size_t cap = m->defects_cap ? m->defects_cap * 2 : 8;
		struct md_defect *v;

		if (m->ndefects >= 256)
			return; /* enough to say the input is hostile */
		v = md_arena_alloc(m->arena, cap * sizeof(*v));
		if (v == NULL)
			return;
		if (m->ndefects > 0)
			memcpy(v, m->defects, m->ndefects * sizeof(*v));
		m->defects = v;
		m->defects_cap = cap;
	}
	va_start(ap, fmt);
	d = md_arena_vprintf(m->arena, fmt, ap);
	va_end(ap);
	if (d == NULL)
		return;
	m->defects[m->ndefects].id = id;
	m->defects[m->ndefects].detail = d;
	m->ndefects++;
}

static bool has_defect(const md_message *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->ndefects; i++)
		if (strcmp(m->defects[i].id, id) == 0)
			return true;
	return false;
}

/* --- header blocks --- */

static bool is_ftext(int c)
{
	return c >= 33 && c <= 126 && c != ':';
}

/* Length of the field name if LINE starts a field ("Name:" or "Name :"). */
static size_t field_name_len(const char *line, size_t len, size_t *colon)
{
	size_t i = 0, nl;

	while (i < len && is_ftext(line[i]))
		i++;
	nl = i;
	if (nl == 0)
		return 0;
	while (i < len && md_iswsp(line[i]))
		i++;
	if (i >= len || line[i] != ':')
		return 0;
	*colon = i;
	return nl;
}

static md_status fields_push(md_message *m, md_fields *f, md_header **out)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		md_header *v = md_arena_alloc(m->arena, cap * sizeof(*v));

		if (v == NULL)
			return MD_ENOMEM;
		if (f->n > 0)
			memcpy(v, f->v, f->n * sizeof(*v));
		f->v = v;
		f->cap = cap;
	}
	*out = &f->v[f->n++];
	memset(*out, 0, sizeof(**out));
	return MD_OK;
}

/* Fill the derived members of H (name, unfolded, value) from its raw bytes. */
/* Does P[0..N) hold only ASCII bytes? (A loop the compiler vectorises:
 * most header values are ASCII and skip the UTF-8 check.) */
static bool all_ascii(const char *p, size_t n)
{
	unsigned char acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= (unsigned char)p[i];
	return acc < 0x80;
}

static md_status field_finish(md_message *m, md_header *h, size_t name_len)
{
	const char *rv = h->raw_value;
	size_t i, k = 0, n = h->raw_value_len;
	char *unf;
	md_str v;

	h->name = md_arena_strndup(m->arena, h->raw, name_len);
	unf = md_arena_alloc(m->arena, n + 1);
	if (h->name == NULL || unf == NULL)
		return MD_ENOMEM;
	/* copy line by line without the line ends (RFC 5322 unfolding); a
	 * continuation line read leniently (no leading white space: see
	 * parse_fields) gets one space, so words do not run together */
	for (i = 0; i < n;) {
		size_t len, eol, nx = md_line_next(rv, n, i, &len, &eol);

		memcpy(unf + k, rv + i, len);
		k += len;
		if (nx < n && eol > 0 && !md_iswsp(rv[nx]))
			unf[k++] = ' ';
		i = nx;
	}
	unf[k] = '\0';
	h->unfolded = unf;
	v = md_str_trim((md_str){unf, k});
	if ((all_ascii(v.p, v.n) || md_utf8_valid(v.p, v.n)) &&
	    (v.n < 2 || memchr(v.p, '?', v.n) == NULL)) {
		/* the common case: plain ASCII or UTF-8 without encoded words;
		 * the value is the unfolded text itself when nothing trails it */
		const char *val = v.p + v.n == unf + k ? v.p : md_arena_strndup(m->arena, v.p, v.n);

		if (val == NULL)
			return MD_ENOMEM;
		h->value = val;
		h->value_len = v.n;
		return MD_OK;
	}
	{
		md_buf b;
		md_status st;

		md_buf_init(&b, m->lim.max_header_bytes * 4 + 16);
		st = md_decode_words(&m->iconv, &b, v.p, v.n);
		if (st == MD_OK) {
			char *val = md_arena_strndup(m->arena, b.p ? b.p : "", b.n);

			if (val == NULL)
				st = MD_ENOMEM;
			h->value = val;
			h->value_len = b.n;
		}
		md_buf_free(&b);
		return st;
	}
}

/* Is LINE ("boundary=..." without folding) a parameter of field CUR, a
 * Content-Type? */
static bool unfolded_parameter(const md_header *cur, const char *line, size_t len)
{
	size_t i = 0;

	if (!(cur->raw_len >= 13 && md_str_ieq((md_str){cur->raw, 12}, md_str_c("content-type"))))
		return false;
	while (i < len && (md_isalnum(line[i]) || line[i] == '-' || line[i] == '*'))
		i++;
	return i > 0 && i < len && line[i] == '=';
}

/* The line ending at P[END] (its line end up to P[NEXT]) continues field
 * CUR. */
static void extend_field(md_header *cur, const char *p, size_t end, size_t next)
{
	cur->raw_len = next - (size_t)(cur->raw - p);
	cur->raw_value_len = end - (size_t)(cur->raw_value - p);
}

/*
 * Read a header block from P[OFF..N) into F. Returns MD_OK or MD_ENOMEM;
 * *BODY gets the offset after the blank line (or of the first line that is
 * not a field, or N).
 */
static md_status parse_fields(md_message *m, const char *p, size_t n, size_t off,
                              md_fields *f, size_t *body, bool dsn)
{
	size_t start = off, len, eol, next, cur_name = 0;
	md_header *cur = NULL;
	bool long_line = false, over = false;
	md_status st;

	f->raw = p + off;
	while (off < n) {
		size_t colon = 0, nl;

		next = md_line_next(p, n, off, &len, &eol);
		if (len > MD_RFC5322_MAX_LINE && !long_line) {
			long_line = true;
			md_message_add_defect(m, "mime.line_too_long",
			                      "a header line has %zu characters (RFC 5322 section 2.1.1 allows 998)",
			                      len);
		}
		if (len == 0) {
			/* the blank line */
			if (cur != NULL && !over) {
				st = field_finish(m, cur, cur_name);
				if (st != MD_OK)
					return st;
			}
			f->raw_len = off - start;
			*body = next;
			return MD_OK;
		}
		if (off - start > m->lim.max_header_bytes) {
			md_message_add_defect(m, "mime.header_too_big",
			                      "a header block is larger than %zu bytes; the rest is read as body",
			                      m->lim.max_header_bytes);
			break;
		}
		if (md_iswsp(p[off])) {
			if (cur != NULL) {
				/* continuation: extend the current field */
				extend_field(cur, p, off + len, next);
			} else if (off != start || f->n > 0) {
				/* continuation of a field we dropped: ignore */
			} else {
				md_message_add_defect(m, "mime.header_continuation_first",
				                      "the header block starts with a folded line");
			}
			off = next;
			continue;
		}
		nl = field_name_len(p + off, len, &colon);
		if (nl == 0 && cur != NULL && unfolded_parameter(cur, p + off, len)) {
			/* a Content-Type parameter on a line of its own without the
			 * leading white space folding needs (seen from real MTAs):
			 * read it as a continuation */
			md_message_add_defect(m, "mime.header_unfolded_parameter",
			                      "a Content-Type parameter line is not folded (no leading white space)");
			extend_field(cur, p, off + len, next);
			off = next;
			continue;
		}
		if (nl == 0 && dsn && cur != NULL && !over) {
			/* a delivery-status or feedback-report block: a line that
			 * is not a field continues the one above. MTAs write a
			 * multi-line SMTP reply into Diagnostic-Code without folding
			 * ("550-Please turn on ...\n550 relay ..."); ending the
			 * block there would part the recipient from its fields */
			if (!has_defect(m, "mime.dsn_unfolded_line"))
				md_message_add_defect(m, "mime.dsn_unfolded_line",
				                      "a line in a delivery-status block is not folded (no leading white space)");
			extend_field(cur, p, off + len, next);
			off = next;
			continue;
		}
		if (nl == 0) {
			/* not a field: the header block ends here */
			md_message_add_defect(m, "mime.header_no_blank_line",
			                      "a line that is not a header field ends the header (no blank line before the body)");
			break;
		}
		if (cur != NULL && !over) {
			st = field_finish(m, cur, cur_name);
			if (st != MD_OK)
				return st;
		}
		cur = NULL;
		if (f->n >= m->lim.max_fields) {
			if (!over)
				md_message_add_defect(m, "mime.too_many_fields",
				                      "more than %zu header fields in one block; the rest are ignored",
				                      m->lim.max_fields);
			over = true;
		} else {
			st = fields_push(m, f, &cur);
			if (st != MD_OK)
				return st;
			cur->raw = p + off;
			cur->raw_len = next - off;
			cur->raw_value = p + off + colon + 1;
			cur->raw_value_len = len - colon - 1;
			cur_name = nl;
		}
		off = next;
	}
	if (cur != NULL && !over) {
		st = field_finish(m, cur, cur_name);
		if (st != MD_OK)
			return st;
	}
	f->raw_len = off - start;
	*body = off;
	return MD_OK;
}

size_t md_fields_count(const md_fields *f)
{
	return f ? f->n : 0;
}

const md_header *md_fields_at(const md_fields *f, size_t i)
{
	return (f && i < f->n) ? &f->v[i] : NULL;
}

/* Are the field names A and B equal, ignoring ASCII case? Most names
 * differ in their first byte: no strlen first. */
static bool name_ieq(const char *a, const char *b)
{
	for (; *a != '\0'; a++, b++)
		if (md_tolower(*a) != md_tolower(*b))
			return false;
	return *b == '\0';
}

const md_header *md_fields_find(const md_fields *f, const char *name, size_t nth)
{
	size_t i;

	if (f == NULL || name == NULL)
		return NULL;
	for (i = 0; i < f->n; i++)
		if (name_ieq(f->v[i].name, name) && nth-- == 0)
			return &f->v[i];
	return NULL;
}

size_t md_fields_count_name(const md_fields *f, const char *name)
{
	size_t i, k = 0;

	if (f == NULL || name == NULL)
		return 0;
	for (i = 0; i < f->n; i++)
		if (name_ieq(f->v[i].name, name))
			k++;
	return k;
}

const char *md_fields_get(const md_fields *f, const char *name)
{
	const md_header *h = md_fields_find(f, name, 0);

	return h ? h->value : NULL;
}

const char *md_fields_raw(const md_fields *f, size_t *len)
{
	if (len)
		*len = f ? f->raw_len : 0;
	return f ? f->raw : NULL;
}

/* --- Content-Type --- */

static bool is_token(int c)
{
	/* RFC 2045 section 5.1: any CHAR except SPACE, CTLs, or tspecials */
	return c > 32 && c < 127 && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

static void skip_cfws(const char *s, size_t n, size_t *i)
{
	int depth = 0;

	while (*i < n) {
		char c = s[*i];

		if (depth > 0) {
			if (c == '\\' && *i + 1 < n)
				(*i)++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			(*i)++;
		} else if (c == '(') {
			depth = 1;
			(*i)++;
		} else if (md_isspace(c))
			(*i)++;
		else
			break;
	}
}

static char *lower_dup(md_arena *a, const char *p, size_t n)
{
	char *s = md_arena_strndup(a, p, n);
	size_t i;

	if (s != NULL)
		for (i = 0; i < n; i++)
			s[i] = (char)md_tolower(s[i]);
	return s;
}

/* Percent-decode an RFC 2231 extended value, dropping charset'lang'. */
static void rfc2231_value(md_buf *b, const char *v, size_t n, bool first)
{
	size_t i = 0;

	if (first) {
		const char *q1 = memchr(v, '\'', n), *q2;

		if (q1 != NULL) {
			q2 = memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - v));
			if (q2 != NULL)
				i = (size_t)(q2 + 1 - v);
		}
	}
	for (; i < n; i++) {
		if (v[i] == '%' && i + 2 < n && md_isxdigit(v[i + 1]) && md_isxdigit(v[i + 2])) {
			md_buf_putc(b, (char)(md_hexval(v[i + 1]) * 16 + md_hexval(v[i + 2])));
			i += 2;
		} else
			md_buf_putc(b, v[i]);
	}
}

static md_status parse_content_type(md_mime_part *pt, const char *s)
{
	md_message *m = pt->msg;
	size_t n = strlen(s), i = 0, t0, t1, s0, s1;
	const char *names[MD_MIME_MAX_PARAMS];
	md_buf vals[MD_MIME_MAX_PARAMS];
	size_t np = 0, k;
	md_status st = MD_OK;

	skip_cfws(s, n, &i);
	t0 = i;
	while (i < n && is_token(s[i]))
		i++;
	t1 = i;
	skip_cfws(s, n, &i);
	if (t1 == t0 || i >= n || s[i] != '/') {
		if (n > 0)
			md_message_add_defect(m, "mime.bad_content_type",
			                      "Content-Type \"%.60s\" has no type/subtype; read as text/plain", s);
		return MD_OK;
	}
	i++;
	skip_cfws(s, n, &i);
	s0 = i;
	while (i < n && is_token(s[i]))
		i++;
	s1 = i;
	if (s1 == s0) {
		md_message_add_defect(m, "mime.bad_content_type",
		                      "Content-Type \"%.60s\" has no subtype; read as text/plain", s);
		return MD_OK;
	}
	{
		char *t = md_arena_alloc(m->arena, (t1 - t0) + (s1 - s0) + 2);

		if (t == NULL)
			return MD_ENOMEM;
		for (k = 0; k < t1 - t0; k++)
			t[k] = (char)md_tolower(s[t0 + k]);
		t[k++] = '/';
		memcpy(t + k, s + s0, s1 - s0);
		for (; k < (t1 - t0) + 1 + (s1 - s0); k++)
			t[k] = (char)md_tolower(t[k]);
		t[k] = '\0';
		pt->type = t;
	}
	/* parameters */
	while (i < n) {
		size_t a0, a1, base, j;
		bool ext = false, first_seg = true;
		md_buf *vb = NULL;

		while (i < n && s[i] != ';')
			i++;
		if (i >= n)
			break;
		i++;
		skip_cfws(s, n, &i);
		a0 = i;
		while (i < n && is_token(s[i]) && s[i] != '*')
			i++;
		base = i;
		while (i < n && is_token(s[i]))
			i++;
		a1 = i;
		if (base == a0)
			continue;
		if (a1 > base) {
			/* RFC 2231: name*, name*0, name*0*, name*1* ... */
			ext = s[a1 - 1] == '*';
			first_seg = (a1 - base == 1) || (s[base + 1] == '0');
		}
		skip_cfws(s, n, &i);
		if (i >= n || s[i] != '=')
			continue;
		i++;
		skip_cfws(s, n, &i);
		for (j = 0; j < np; j++)
			if (strlen(names[j]) == base - a0 &&
			    md_str_ieq((md_str){names[j], base - a0}, (md_str){s + a0, base - a0}))
				break;
		if (j == np) {
			if (np == MD_MIME_MAX_PARAMS)
				continue;
			names[np] = lower_dup(m->arena, s + a0, base - a0);
			if (names[np] == NULL) {
				st = MD_ENOMEM;
				break;
			}
			md_buf_init(&vals[np], n + 1);
			np++;
		} else if (a1 == base) {
			continue; /* a repeated plain parameter: the first wins */
		}
		vb = &vals[j];
		if (i < n && s[i] == '"') {
			i++;
			while (i < n && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				md_buf_putc(vb, s[i]);
				i++;
			}
			if (i < n)
				i++;
		} else {
			size_t v0 = i;

			/* lenient: a value runs to ';' or white space (real mail puts
			 * unquoted '/' and '=' in boundaries) */
			while (i < n && s[i] != ';' && !md_isspace(s[i]))
				i++;
			if (ext)
				rfc2231_value(vb, s + v0, i - v0, first_seg);
			else
				md_buf_append(vb, s + v0, i - v0);
		}
	}
	if (st == MD_OK && np > 0) {
		pt->pnames = md_arena_alloc(m->arena, np * sizeof(char *));
		pt->pvalues = md_arena_alloc(m->arena, np * sizeof(char *));
		if (pt->pnames == NULL || pt->pvalues == NULL)
			st = MD_ENOMEM;
	}
	for (k = 0; k < np; k++) {
		if (st == MD_OK) {
			pt->pnames[k] = names[k];
			pt->pvalues[k] = md_arena_strndup(m->arena, vals[k].p ? vals[k].p : "", vals[k].n);
			if (pt->pvalues[k] == NULL)
				st = MD_ENOMEM;
		}
		md_buf_free(&vals[k]);
	}
	if (st == MD_OK)
		pt->nparams = np;
	return st;
}

/* --- the part tree --- */

static md_status parse_part(md_message *m, md_mime_part *parent, const char *p,
                            size_t n, const char *deftype, md_mime_part **out);

static md_status add_child(md_message *m, md_mime_part *pt, md_mime_part *c)
{
	md_mime_part **v = md_arena_alloc(m->arena, (pt->nchildren + 1) * sizeof(*v));

	if (v == NULL)
		return MD_ENOMEM;
	if (pt->nchildren > 0)
		memcpy(v, pt->children, pt->nchildren * sizeof(*v));
	v[pt->nchildren++] = c;
	pt->children = v;
	return MD_OK;
}

/* Does the line at P (LEN bytes) delimit boundary B? 1: delimiter,
 * 2: close-delimiter, 0: no. */
static int boundary_line(const char *p, size_t len, const char *b, size_t bl)
{
	size_t i;
	int kind = 1;

	if (len < bl + 2 || p[0] != '-' || p[1] != '-' || memcmp(p + 2, b, bl) != 0)
		return 0;
	i = bl + 2;
	if (i + 1 < len + 0 && p[i] == '-' && p[i + 1] == '-') {
		kind = 2;
		i += 2;
	}
	while (i < len && md_isspace(p[i]))
		i++;
	return i == len ? kind : 0;
}

static size_t strip_eol_before(const char *p, size_t from, size_t at)
{
	if (at > from && p[at - 1] == '\n') {
		at--;
		if (at > from && p[at - 1] == '\r')
			at--;
	} else if (at > from && p[at - 1] == '\r')
		at--;
	return at;
}

static md_status parse_multipart(md_message *m, md_mime_part *pt)
{
	const char *b = md_part_param(pt, "boundary");
	const char *p = pt->raw_body;
	size_t n = pt->raw_body_len, bl, off = 0, len, eol, next;
	size_t part_start = 0;
	bool in_part = false, closed = false;
	char dashbuf[128], *dash;
	const char *deftype = strcmp(pt->type, "multipart/digest") == 0 ? "message/rfc822"
	                                                                 : "text/plain";
	md_status st;

	if (b == NULL || b[0] == '\0') {
		md_message_add_defect(m, "mime.boundary_missing",
		                      "a %s part has no boundary parameter; its body is read as text",
		                      pt->type);
		return MD_OK;
	}
	bl = strlen(b);
	if (bl > 70 && !has_defect(m, "mime.boundary_too_long"))
		md_message_add_defect(m, "mime.boundary_too_long",
		                      "a boundary has %zu characters (RFC 2046 section 5.1.1 allows 70)", bl);
	dash = bl + 2 <= sizeof(dashbuf) ? dashbuf : md_arena_alloc(m->arena, bl + 2);
	if (dash == NULL)
		return MD_ENOMEM;
	dash[0] = '-';
	dash[1] = '-';
	memcpy(dash + 2, b, bl);
	while (off < n) {
		/* jump to the next "--boundary" (memmem, not line by line: the
		 * body may hold a whole returned message); only one at the start
		 * of a line can be a boundary line */
		const char *hit = memmem(p + off, n - off, dash, bl + 2);
		int kind;

		if (hit == NULL)
			break;
		off = (size_t)(hit - p);
		if (off > 0 && p[off - 1] != '\n' && p[off - 1] != '\r') {
			off++;
			continue;
		}
		next = md_line_next(p, n, off, &len, &eol);
		kind = boundary_line(p + off, len, b, bl);
		if (kind != 0) {
			if (in_part) {
				md_mime_part *c;
				size_t end = strip_eol_before(p, part_start, off);

				if (part_start > end)
					end = part_start;
				if (m->nparts >= m->lim.max_parts) {
					md_message_add_defect(m, "mime.too_many_parts",
					                      "more than %zu MIME parts; the rest are not read",
					                      m->lim.max_parts);
					return MD_OK;
				}
				st = parse_part(m, pt, p + part_start, end - part_start, deftype, &c);
				if (st != MD_OK)
					return st;
				st = add_child(m, pt, c);
				if (st != MD_OK)
					return st;
			}
			if (kind == 2) {
				closed = true;
				break;
			}
			in_part = true;
			part_start = next;
		}
		off = next;
	}
	if (!closed) {
		if (in_part) {
			md_mime_part *c;

			if (m->nparts >= m->lim.max_parts)
				return MD_OK;
			md_message_add_defect(m, "mime.boundary_unclosed",
			                      "the %s part has no closing boundary (truncated?)", pt->type);
			st = parse_part(m, pt, p + part_start, n - part_start, deftype, &c);
			if (st != MD_OK)
				return st;
			st = add_child(m, pt, c);
			if (st != MD_OK)
				return st;
		} else {
			md_message_add_defect(m, "mime.boundary_not_found",
			                      "the boundary of a %s part never occurs in its body", pt->type);
		}
	}
	return MD_OK;
}

static bool type_is(const md_mime_part *pt, const char *t)
{
	return strcmp(pt->type, t) == 0;
}

/* Bytes to parse as an enclosed message or field blocks: the decoded body
 * when a transfer encoding was (wrongly, RFC 2046 section 5.2.1) applied. */
static const char *structured_body(md_mime_part *pt, size_t *len)
{
	if (strcmp(pt->encoding, "base64") == 0 ||
	    strcmp(pt->encoding, "quoted-printable") == 0)
		return md_part_decoded(pt, len);
	*len = pt->raw_body_len;
	return pt->raw_body;
}

static md_status parse_blocks(md_message *m, md_mime_part *pt)
{
	size_t n, off = 0, len, eol, cap = 0;
	const char *p = structured_body(pt, &n);
	md_status st;

	if (p == NULL)
		return MD_ENOMEM;
	while (off < n) {
		md_fields f;
		size_t body;

		/* skip blank lines between blocks */
		size_t next = md_line_next(p, n, off, &len, &eol);

		if (len == 0 || md_str_trim((md_str){p + off, len}).n == 0) {
			off = next;
			continue;
		}
		if (pt->nblocks >= MD_MIME_MAX_BLOCKS) {
			md_message_add_defect(m, "mime.too_many_blocks",
			                      "more than %d field blocks in a %s part", MD_MIME_MAX_BLOCKS,
			                      pt->type);
			break;
		}
		memset(&f, 0, sizeof(f));
		st = parse_fields(m, p, n, off, &f, &body, true);
		if (st != MD_OK)
			return st;
		if (f.n > 0) {
			if (pt->nblocks == cap) {
				md_fields *v;

				cap = cap ? cap * 2 : 4;
				v = md_arena_alloc(m->arena, cap * sizeof(*v));
				if (v == NULL)
					return MD_ENOMEM;
				if (pt->nblocks > 0)
					memcpy(v, pt->blocks, pt->nblocks * sizeof(*v));
				pt->blocks = v;
			}
			pt->blocks[pt->nblocks++] = f;
		}
		if (body <= off)
			body = next; /* a line that is not a field: skip it */
		off = body;
	}
	return MD_OK;
}

static md_status parse_part(md_message *m, md_mime_part *parent, const char *p,
                            size_t n, const char *deftype, md_mime_part **out)
{
	md_mime_part *pt = md_arena_zalloc(m->arena, sizeof(*pt));
	const md_header *h;
	size_t body = 0;
	md_status st;

	if (pt == NULL)
		return MD_ENOMEM;
	*out = pt;
	m->nparts++;
	pt->msg = m;
	pt->parent = parent;
	pt->depth = parent ? parent->depth + 1 : 0;
	pt->type = deftype;
	pt->encoding = "7bit";
	st = parse_fields(m, p, n, 0, &pt->headers, &body, false);
	if (st != MD_OK)
		return st;
	pt->raw_body = p + body;
	pt->raw_body_len = n - body;
	h = md_fields_find(&pt->headers, "content-type", 0);
	if (h != NULL) {
		st = parse_content_type(pt, h->unfolded);
		if (st != MD_OK)
			return st;
	}
	h = md_fields_find(&pt->headers, "content-transfer-encoding", 0);
	if (h != NULL) {
		md_str e = md_str_trim(md_str_c(h->unfolded));
		size_t k = 0;

		while (k < e.n && is_token(e.p[k]))
			k++;
		if (k > 0) {
			pt->encoding = lower_dup(m->arena, e.p, k);
			if (pt->encoding == NULL)
				return MD_ENOMEM;
		}
	}
	if (strncmp(pt->type, "multipart/", 10) != 0 && strncmp(pt->type, "message/", 8) != 0 &&
	    !type_is(pt, "text/rfc822-headers"))
		return MD_OK;
	if (pt->depth + 1 > m->lim.max_depth) {
		if (!has_defect(m, "mime.depth_limit"))
			md_message_add_defect(m, "mime.depth_limit",
			                      "MIME parts nest deeper than %zu; deeper parts are not read",
			                      m->lim.max_depth);
		return MD_OK;
	}
	if (strncmp(pt->type, "multipart/", 10) == 0)
		return parse_multipart(m, pt);
	if (type_is(pt, "message/rfc822") || type_is(pt, "message/global") ||
	    type_is(pt, "text/rfc822-headers") || type_is(pt, "message/global-headers")) {
		md_mime_part *c;
		size_t bn;
		const char *bp = structured_body(pt, &bn);
		bool headers_only = type_is(pt, "text/rfc822-headers") ||
		                    type_is(pt, "message/global-headers");

		if (bp == NULL)
			return MD_ENOMEM;
		if (m->nparts >= m->lim.max_parts) {
			md_message_add_defect(m, "mime.too_many_parts",
			                      "more than %zu MIME parts; the rest are not read",
			                      m->lim.max_parts);
			return MD_OK;
		}
		/* skip leading blank lines some MTAs put before the enclosed header */
		{
			size_t off = 0, len, eol, nx;

			while (off < bn) {
				nx = md_line_next(bp, bn, off, &len, &eol);
				if (len != 0 || eol == 0)
					break;
				off = nx;
			}
			bp += off;
			bn -= off;
		}
		st = parse_part(m, pt, bp, bn, "text/plain", &c);
		if (st != MD_OK)
			return st;
		c->is_message = true;
		if (headers_only) {
			/* a header section alone: nothing after it is a body */
			c->raw_body_len = 0;
		}
		return add_child(m, pt, c);
	}
	if (type_is(pt, "message/delivery-status") ||
	    type_is(pt, "message/global-delivery-status") ||
	    type_is(pt, "message/feedback-report") ||
	    type_is(pt, "message/disposition-notification") ||
	    type_is(pt, "message/global-disposition-notification"))
		return parse_blocks(m, pt);
	return MD_OK;
}

/* --- the message --- */

static void limits_defaults(md_mime_limits *l)
{
	if (l->max_depth == 0)
		l->max_depth = MD_MIME_DEFAULT_MAX_DEPTH;
	if (l->max_parts == 0)
		l->max_parts = MD_MIME_DEFAULT_MAX_PARTS;
	if (l->max_fields == 0)
		l->max_fields = MD_MIME_DEFAULT_MAX_FIELDS;
	if (l->max_header_bytes == 0)
		l->max_header_bytes = MD_MIME_DEFAULT_MAX_HEADER_BYTES;
	if (l->max_message_bytes == 0)
		l->max_message_bytes = MD_MIME_DEFAULT_MAX_MESSAGE_BYTES;
	if (l->max_decoded_bytes == 0)
		l->max_decoded_bytes = MD_MIME_DEFAULT_MAX_DECODED_BYTES;
}

md_status md_message_parse(const void *data, size_t len, const md_mime_opts *opts,
                           md_message **out)
{
	md_message *m;
	md_arena *a;
	const char *p = data;
	md_status st;

	if (out == NULL || (data == NULL && len > 0))
		return MD_EINVAL;
	*out = NULL;
	if (p == NULL)
		p = "";
	a = md_arena_new();
	if (a == NULL)
		return MD_ENOMEM;
	m = md_arena_zalloc(a, sizeof(*m));
	if (m == NULL) {
		md_arena_free(a);
		return MD_ENOMEM;
	}
	m->arena = a;
	if (opts != NULL) {
		m->lim = opts->limits;
		if (opts->charsets != NULL) {
			m->iconv = opts->charsets;
			m->iconv_shared = true;
		}
	}
	limits_defaults(&m->lim);
	if (len > m->lim.max_message_bytes) {
		md_arena_free(a);
		return MD_ELIMIT;
	}
	/* an mbox envelope line is not a header field */
	if (len >= 5 && memcmp(p, "From ", 5) == 0) {
		size_t l, e, nx = md_line_next(p, len, 0, &l, &e);

		p += nx;
		len -= nx;
	}
	if (opts == NULL || !opts->no_copy) {
		char *copy = md_arena_alloc(a, len + 1);

		if (copy == NULL) {
			md_arena_free(a);
			return MD_ENOMEM;
		}
		memcpy(copy, p, len);
		copy[len] = '\0';
		p = copy;
	}
	m->raw = p;
	m->raw_len = len;
	st = parse_part(m, NULL, p, len, "text/plain", &m->root);
	if (st != MD_OK) {
		md_message_free(m);
		return st;
	}
	m->root->is_message = true;
	*out = m;
	return MD_OK;
}

void md_message_free(md_message *m)
{
	if (m == NULL)
		return;
	if (!m->iconv_shared)
		md_iconv_cache_free(m->iconv);
	md_arena_free(m->arena);
}

const char *md_message_raw(const md_message *m, size_t *len)
{
	if (len)
		*len = m->raw_len;
	return m->raw;
}

const md_mime_part *md_message_root(const md_message *m)
{
	return m->root;
}

size_t md_message_part_count(const md_message *m)
{
	return m->nparts;
}

size_t md_message_defect_count(const md_message *m)
{
	return m->ndefects;
}

const char *md_message_defect(const md_message *m, size_t i, const char **id)
{
	if (i >= m->ndefects)
		return NULL;
	if (id)
		*id = m->defects[i].id;
	return m->defects[i].detail;
}

static bool defect_is_limit(const char *id)
{
	return strcmp(id, "mime.depth_limit") == 0 || strcmp(id, "mime.too_many_parts") == 0 ||
	       strcmp(id, "mime.too_many_fields") == 0 || strcmp(id, "mime.header_too_big") == 0 ||
	       strcmp(id, "mime.too_many_blocks") == 0 || strcmp(id, "mime.body_too_big") == 0;
}

md_status md_message_report_defects(const md_message *m, md_report *r, const char *subject)
{
	size_t i;

	for (i = 0; i < m->ndefects; i++) {
		bool lim = defect_is_limit(m->defects[i].id);
		md_finding *f = md_report_add(r, m->defects[i].id,
		                              lim ? MD_SEV_WARNING : MD_SEV_NOTICE,
		                              MD_PILLAR_CONTENT_BEHAVIOUR, subject,
		                              m->defects[i].detail);

		if (f == NULL)
			return MD_ENOMEM;
		md_finding_set_explanation(r, f, "%s",
		                           lim ? "maildiag stopped reading this part of the message at a safety limit; what it did read is reported."
		                               : "The message does not follow the MIME or RFC 5322 syntax here; maildiag read it the way receivers usually do.");
		md_finding_add_ref(r, f, lim ? "RFC 2046 section 5.1" : "RFC 5322 section 2.2");
	}
	return md_report_status(r);
}

const char *md_message_decode_words(md_message *m, const char *text, size_t len)
{
	md_buf b;
	char *s = NULL;

	md_buf_init(&b, len * 4 + 16);
	if (md_decode_words(&m->iconv, &b, text, len) == MD_OK)
		s = md_arena_strndup(m->arena, b.p ? b.p : "", b.n);
	md_buf_free(&b);
	return s;
}

/* --- part accessors --- */

const md_fields *md_part_headers(const md_mime_part *p)
{
	return &p->headers;
}

const char *md_part_type(const md_mime_part *p)
{
	return p->type;
}

const char *md_part_param(const md_mime_part *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nparams; i++)
		if (strcmp(p->pnames[i], name) == 0)
			return p->pvalues[i];
	return NULL;
}

const char *md_part_encoding(const md_mime_part *p)
{
	return p->encoding;
}

size_t md_part_depth(const md_mime_part *p)
{
	return p->depth;
}

const md_mime_part *md_part_parent(const md_mime_part *p)
{
	return p->parent;
}

size_t md_part_child_count(const md_mime_part *p)
{
	return p->nchildren;
}

const md_mime_part *md_part_child(const md_mime_part *p, size_t i)
{
	return i < p->nchildren ? p->children[i] : NULL;
}

bool md_part_is_message(const md_mime_part *p)
{
	return p->is_message;
}

const char *md_part_raw_body(const md_mime_part *p, size_t *len)
{
	if (len)
		*len = p->raw_body_len;
	return p->raw_body;
}

const char *md_part_decoded(const md_mime_part *cp, size_t *len)
{
	md_mime_part *p = (md_mime_part *)(uintptr_t)cp; /* fills the cache */
	md_message *m = p->msg;
	size_t n = p->raw_body_len;
	md_buf b;
	md_status st;
	bool b64, qp;

	if (p->decoded != NULL) {
		if (len)
			*len = p->decoded_len;
		return p->decoded;
	}
	b64 = strcmp(p->encoding, "base64") == 0;
	qp = strcmp(p->encoding, "quoted-printable") == 0;
	if (!b64 && !qp) {
		/* a copy, so that it is NUL-terminated */
		p->decoded = md_arena_strndup(m->arena, p->raw_body, p->raw_body_len);
		p->decoded_len = p->decoded ? p->raw_body_len : 0;
		if (len)
			*len = p->decoded_len;
		return p->decoded;
	}
	if (n > m->lim.max_decoded_bytes) {
		md_message_add_defect(m, "mime.body_too_big",
		                      "a %s body is larger than %zu bytes; only the start is decoded",
		                      p->encoding, m->lim.max_decoded_bytes);
		n = m->lim.max_decoded_bytes;
	}
	md_buf_init(&b, m->lim.max_decoded_bytes + 8);
	st = b64 ? md_base64_decode(&b, p->raw_body, n) : md_qp_decode(&b, p->raw_body, n);
	if (st == MD_OK) {
		char *d = md_arena_alloc(m->arena, b.n + 1);

		if (d != NULL) {
			if (b.n > 0)
				memcpy(d, b.p, b.n);
			d[b.n] = '\0';
			p->decoded = d;
			p->decoded_len = b.n;
		}
	}
	md_buf_free(&b);
	if (len)
		*len = p->decoded_len;
	return p->decoded;
}

const char *md_part_text(const md_mime_part *cp, size_t *len)
{
	md_mime_part *p = (md_mime_part *)(uintptr_t)cp; /* fills the cache */
	md_message *m = p->msg;
	const char *d;
	size_t dn = 0;
	md_buf b;

	if (p->text != NULL) {
		if (len)
			*len = p->text_len;
		return p->text;
	}
	d = md_part_decoded(p, &dn);
	if (d == NULL)
		return NULL;
	if (md_charset_keeps(md_part_param(p, "charset"), d, dn)) {
		p->text = d; /* unchanged: share the bytes */
		p->text_len = dn;
		if (len)
			*len = dn;
		return d;
	}
	md_buf_init(&b, m->lim.max_decoded_bytes * 4 + 8);
	if (md_charset_to_utf8(&m->iconv, &b, md_part_param(p, "charset"), d, dn) == MD_OK) {
		if (b.n == dn && (dn == 0 || memcmp(b.p, d, dn) == 0)) {
			p->text = d; /* unchanged: share the bytes */
			p->text_len = dn;
		} else {
			char *t = md_arena_alloc(m->arena, b.n + 1);

			if (t != NULL) {
				if (b.n > 0)
					memcpy(t, b.p, b.n);
				t[b.n] = '\0';
				p->text = t;
				p->text_len = b.n;
			}
		}
	}
	md_buf_free(&b);
	if (len)
		*len = p->text_len;
	return p->text;
}

size_t md_part_block_count(const md_mime_part *p)
{
	return p->nblocks;
}

const md_fields *md_part_block(const md_mime_part *p, size_t i)
{
	return i < p->nblocks ? &p->blocks[i] : NULL;
}

const md_mime_part *md_part_next(const md_mime_part *p)
{
	if (p->nchildren > 0)
		return p->children[0];
	while (p->parent != NULL) {
		const md_mime_part *up = p->parent;
		size_t i;

		for (i = 0; i < up->nchildren; i++)
			if (up->children[i] == p)
				break;
		if (i + 1 < up->nchildren)
			return up->children[i + 1];
		p = up;
	}
	return NULL;
}
