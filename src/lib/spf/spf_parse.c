/*
 * spf_parse.c - the SPF record grammar of RFC 7208 section 12, with the
 * byte offset of the first syntax error.
 *
 *   record           = version terms *SP
 *   version          = "v=spf1"
 *   terms            = *( 1*SP ( directive / modifier ) )
 *   directive        = [ qualifier ] mechanism
 *   qualifier        = "+" / "-" / "?" / "~"
 *   mechanism        = ( all / include / a / mx / ptr / ip4 / ip6 / exists )
 *   all              = "all"
 *   include          = "include"  ":" domain-spec
 *   a                = "a"      [ ":" domain-spec ] [ dual-cidr-length ]
 *   mx               = "mx"     [ ":" domain-spec ] [ dual-cidr-length ]
 *   ptr              = "ptr"    [ ":" domain-spec ]
 *   ip4              = "ip4"      ":" ip4-network   [ ip4-cidr-length ]
 *   ip6              = "ip6"      ":" ip6-network   [ ip6-cidr-length ]
 *   exists           = "exists"   ":" domain-spec
 *   modifier         = redirect / explanation / unknown-modifier
 *   redirect         = "redirect" "=" domain-spec
 *   explanation      = "exp" "=" domain-spec
 *   unknown-modifier = name "=" macro-string
 *   name             = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
 *   ip4-cidr-length  = "/" ("0" / %x31-39 0*1DIGIT)   ; 0-32
 *   ip6-cidr-length  = "/" ("0" / %x31-39 0*2DIGIT)   ; 0-128
 *   dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
 *   ip4-network      = qnum "." qnum "." qnum "." qnum ; no leading zeros
 *   ip6-network      = <RFC 4291 section 2.2 text form>
 *   domain-spec      = macro-string domain-end
 *   domain-end       = ( "." toplabel [ "." ] ) / macro-expand
 *   toplabel         = ( *alphanum ALPHA *alphanum ) /
 *                      ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
 *
 * ABNF strings are case-insensitive (RFC 5234 section 2.3), so "V=SPF1"
 * and "Include:" parse; the linter notes them because some receivers
 * disagree. Modifiers redirect= and exp= may appear once each (section
 * 6). A syntax error anywhere makes the whole record a permerror (section
 * 4.6), so the parser stops at the first one and says where it is.
 * Limits: a record is at most SPF_MAX_RECORD bytes (a TXT RR's rdata).
 */
#include "spf_internal.h"

#include <string.h>

#include "core/ascii.h"
#include "core/num.h"

static const struct {
	const char *name;
	spf_kind kind;
} mechanisms[] = {
	{"all", SPF_T_ALL},     {"include", SPF_T_INCLUDE}, {"a", SPF_T_A},
	{"mx", SPF_T_MX},       {"ptr", SPF_T_PTR},         {"ip4", SPF_T_IP4},
	{"ip6", SPF_T_IP6},     {"exists", SPF_T_EXISTS},
};

const char *spf_kind_name(spf_kind k)
{
	switch (k) {
	case SPF_T_ALL: return "all";
	case SPF_T_INCLUDE: return "include";
	case SPF_T_A: return "a";
	case SPF_T_MX: return "mx";
	case SPF_T_PTR: return "ptr";
	case SPF_T_IP4: return "ip4";
	case SPF_T_IP6: return "ip6";
	case SPF_T_EXISTS: return "exists";
	case SPF_T_REDIRECT: return "redirect";
	case SPF_T_EXP: return "exp";
	case SPF_T_UNKNOWN: return "unknown";
	}
	return "?";
}

/* RFC 7208 section 4.6.4: the terms that cause DNS queries. */
bool spf_kind_counts(spf_kind k)
{
	return k == SPF_T_INCLUDE || k == SPF_T_A || k == SPF_T_MX ||
	       k == SPF_T_PTR || k == SPF_T_EXISTS || k == SPF_T_REDIRECT;
}

bool spf_is_v1(const char *text, size_t len)
{
	static const char v[] = "v=spf1";
	size_t i;

	if (len < 6)
		return false;
	for (i = 0; i < 6; i++)
		if (md_tolower((unsigned char)text[i]) != v[i])
			return false;
	return len == 6 || text[6] == ' ';
}

typedef struct pstate {
	md_arena *a;
	spf_record *rec;
} pstate;

static bool fail(pstate *ps, size_t off, const char *why)
{
	if (!ps->rec->bad) {
		ps->rec->bad = true;
		ps->rec->err_off = off;
		ps->rec->err = why;
	}
	return false;
}

static bool has_upper(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (md_isupper((unsigned char)p[i]))
			return true;
	return false;
}

/* toplabel of the ABNF above. */
bool spf_toplabel_ok(const char *p, size_t n)
{
	size_t i;
	bool alpha = false, dash = false;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '-')
			dash = true;
		else if (md_isalpha(c))
			alpha = true;
		else if (!md_isdigit(c))
			return false;
	}
	if (dash)
		return p[0] != '-' && p[n - 1] != '-';
	return alpha;
}

/* Length of the macro-expand token at P (P[0] == '%'), 0 when malformed
 * (spf_macro_check reports the details). */
static size_t macro_token_len(const char *p, size_t n)
{
	size_t i;

	if (n < 2)
		return 0;
	if (p[1] == '%' || p[1] == '_' || p[1] == '-')
		return 2;
	if (p[1] != '{')
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] == '}')
			return i + 1;
	return 0;
}

/* domain-spec = macro-string domain-end. OFF is S's offset in the record. */
static bool domain_spec(pstate *ps, const char *s, size_t n, size_t off)
{
	size_t err_off, i = 0, tail = 0, end, dot;
	const char *why;

	if (n == 0)
		return fail(ps, off, "empty domain-spec: a domain name must follow");
	if (!spf_macro_check(s, n, false, &err_off, &why))
		return fail(ps, off + err_off, why);
	while (i < n) {
		if (s[i] == '%') {
			size_t t = macro_token_len(s + i, n - i);

			i += t ? t : 1;
			tail = i;
		} else {
			i++;
		}
	}
	if (tail == n)
		return true; /* ends in a macro-expand */
	end = n;
	if (s[end - 1] == '.' && end - 1 > tail)
		end--;
	dot = end;
	while (dot > tail && s[dot - 1] != '.')
		dot--;
	if (dot == tail || dot == 0 || s[dot - 1] != '.')
		return fail(ps, off, "domain-spec must end in a top-level label (\".com\") or a macro");
	if (!spf_toplabel_ok(s + dot, end - dot))
		return fail(ps, off + dot, "invalid top-level label: letters, digits and inner hyphens, not all digits");
	return true;
}

/* ip4-cidr-length / ip6-cidr-length digits: "0" or no leading zero. */
static bool cidr_value(pstate *ps, const char *p, size_t n, unsigned max,
                       size_t off, int *out)
{
	uint64_t v;

	if (n == 0 || n > 3 || (n > 1 && p[0] == '0') ||
	    !md_parse_uint(p, n, max, &v))
		return fail(ps, off, max == 32 ? "invalid IPv4 prefix length (0 to 32, no leading zero)"
		                              : "invalid IPv6 prefix length (0 to 128, no leading zero)");
	*out = (int)v;
	return true;
}

/* ip4-network: four qnums without leading zeros. */
static bool ip4_network(const char *p, size_t n, md_ip *out)
{
	size_t i = 0, parts = 0;

	while (parts < 4) {
		size_t start = i;
		uint64_t v;

		while (i < n && md_isdigit((unsigned char)p[i]))
			i++;
		if (i == start || i - start > 3 || (i - start > 1 && p[start] == '0') ||
		    !md_parse_uint(p + start, i - start, 255, &v))
			return false;
		parts++;
		if (parts < 4) {
			if (i >= n || p[i] != '.')
				return false;
			i++;
		}
	}
	return i == n && md_ip_parse_n(p, n, out) && out->family == 4;
}

/* Strip a dual-cidr-length from the end of R[0..*N); fills the term. */
static bool dual_cidr(pstate *ps, const char *r, size_t *n, size_t off, spf_term *t)
{
	size_t e = *n, d;

	d = e;
	while (d > 0 && md_isdigit((unsigned char)r[d - 1]))
		d--;
	if (d < e && d >= 2 && r[d - 1] == '/' && r[d - 2] == '/') {
		if (!cidr_value(ps, r + d, e - d, 128, off + d, &t->cidr6))
			return false;
		e = d - 2;
		d = e;
		while (d > 0 && md_isdigit((unsigned char)r[d - 1]))
			d--;
	}
	if (d < e && d >= 1 && r[d - 1] == '/') {
		if (!cidr_value(ps, r + d, e - d, 32, off + d, &t->cidr4))
			return false;
		e = d - 1;
	}
	*n = e;
	return true;
}

static bool directive(pstate *ps, const char *p, size_t n, size_t off, spf_term *t)
{
	size_t i = 0, nl, k;
	const char *r;
	size_t rn, roff;

	t->qual = '+';
	if (n > 0 && (p[0] == '+' || p[0] == '-' || p[0] == '~' || p[0] == '?')) {
		t->qual = p[0];
		t->qual_given = true;
		i = 1;
	}
	nl = i;
	while (nl < n && md_isalnum((unsigned char)p[nl]))
		nl++;
	t->name = (md_str){p + i, nl - i};
	for (k = 0; k < sizeof(mechanisms) / sizeof(mechanisms[0]); k++)
		if (md_str_ieq_c(t->name, mechanisms[k].name))
			break;
	if (k == sizeof(mechanisms) / sizeof(mechanisms[0])) {
		if (nl == i)
			return fail(ps, off + i, "a mechanism name must follow the qualifier");
		return fail(ps, off + i, "unknown mechanism (all, include, a, mx, ptr, ip4, ip6, exists)");
	}
	t->kind = mechanisms[k].kind;
	if (has_upper(t->name.p, t->name.n))
		ps->rec->style |= SPF_STYLE_UPPER;
	r = p + nl;
	rn = n - nl;
	roff = off + nl;
	switch (t->kind) {
	case SPF_T_ALL:
		if (rn != 0)
			return fail(ps, roff, "\"all\" takes no argument");
		return true;
	case SPF_T_INCLUDE:
	case SPF_T_EXISTS:
		if (rn == 0 || r[0] != ':')
			return fail(ps, roff, "a \":domain\" must follow this mechanism");
		t->spec = (md_str){r + 1, rn - 1};
		return domain_spec(ps, r + 1, rn - 1, roff + 1);
	case SPF_T_PTR:
		if (rn == 0)
			return true;
		if (r[0] != ':')
			return fail(ps, roff, "only \":domain\" may follow \"ptr\"");
		t->spec = (md_str){r + 1, rn - 1};
		return domain_spec(ps, r + 1, rn - 1, roff + 1);
	case SPF_T_A:
	case SPF_T_MX: {
		size_t e = rn;

		if (!dual_cidr(ps, r, &e, roff, t))
			return false;
		if (e == 0)
			return true;
		if (r[0] != ':')
			return fail(ps, roff, "\":domain\" or \"/prefix\" expected after the mechanism name");
		t->spec = (md_str){r + 1, e - 1};
		return domain_spec(ps, r + 1, e - 1, roff + 1);
	}
	case SPF_T_IP4:
	case SPF_T_IP6: {
		size_t s;
		bool v4 = t->kind == SPF_T_IP4;

		if (rn == 0 || r[0] != ':')
			return fail(ps, roff, v4 ? "\":address\" must follow ip4" : "\":address\" must follow ip6");
		for (s = 1; s < rn && r[s] != '/'; s++)
			;
		if (v4 ? !ip4_network(r + 1, s - 1, &t->net)
		       : !(md_ip_parse_n(r + 1, s - 1, &t->net) && t->net.family == 6))
			return fail(ps, roff + 1, v4 ? "invalid IPv4 address (dotted quad, no leading zeros)"
			                              : "invalid IPv6 address");
		if (s < rn) {
			int *dst = v4 ? &t->cidr4 : &t->cidr6;

			if (!cidr_value(ps, r + s + 1, rn - s - 1, v4 ? 32 : 128, roff + s + 1, dst))
				return false;
		}
		return true;
	}
	default:
		break;
	}
	return fail(ps, off, "internal: unhandled mechanism");
}

static bool modifier(pstate *ps, const char *p, size_t n, size_t eq, size_t off,
                     spf_term *t, size_t idx)
{
	spf_record *rec = ps->rec;
	size_t err_off;
	const char *why;

	t->name = (md_str){p, eq};
	t->spec = (md_str){p + eq + 1, n - eq - 1};
	if (has_upper(p, eq))
		rec->style |= SPF_STYLE_UPPER;
	if (md_str_ieq_c(t->name, "redirect")) {
		t->kind = SPF_T_REDIRECT;
		if (rec->redirect >= 0)
			return fail(ps, off, "redirect= may appear only once");
		rec->redirect = (int)idx;
		return domain_spec(ps, t->spec.p, t->spec.n, off + eq + 1);
	}
	if (md_str_ieq_c(t->name, "exp")) {
		t->kind = SPF_T_EXP;
		if (rec->exp >= 0)
			return fail(ps, off, "exp= may appear only once");
		rec->exp = (int)idx;
		return domain_spec(ps, t->spec.p, t->spec.n, off + eq + 1);
	}
	t->kind = SPF_T_UNKNOWN;
	/* RFC 7208 section 6: unknown modifiers are ignored, but must still
	 * be macro-strings (section 12). */
	if (!spf_macro_check(t->spec.p, t->spec.n, false, &err_off, &why))
		return fail(ps, off + eq + 1 + err_off, why);
	return true;
}

md_status spf_parse(md_arena *a, const char *text, size_t len, spf_record *rec)
{
	pstate ps = {a, rec};
	size_t pos, cap = 0, i;

	memset(rec, 0, sizeof(*rec));
	rec->text = text;
	rec->len = len;
	rec->redirect = rec->exp = rec->all = -1;
	if (len > SPF_MAX_RECORD) {
		fail(&ps, SPF_MAX_RECORD, "record longer than a TXT record can be");
		return MD_OK;
	}
	if (!spf_is_v1(text, len)) {
		fail(&ps, 0, "not an SPF record: must start with \"v=spf1\" and a space");
		return MD_OK;
	}
	if (memcmp(text, "v=spf1", 6) != 0)
		rec->style |= SPF_STYLE_UPPER;
	/* Count terms first so the array is allocated once. */
	for (i = 6; i < len; i++)
		if (text[i] != ' ' && (i == 6 || text[i - 1] == ' '))
			cap++;
	if (cap > 0) {
		rec->terms = md_arena_zalloc(a, cap * sizeof(spf_term));
		if (rec->terms == NULL)
			return MD_ENOMEM;
	}
	pos = 6;
	for (;;) {
		size_t sp = 0, start, end, j;
		spf_term *t;

		while (pos < len && text[pos] == ' ') {
			pos++;
			sp++;
		}
		if (pos == len) {
			if (sp > 0)
				rec->style |= SPF_STYLE_TRAILSPACE;
			break;
		}
		if (sp > 1)
			rec->style |= SPF_STYLE_MULTISPACE;
		start = pos;
		while (pos < len && text[pos] != ' ')
			pos++;
		end = pos;
		/* Only VCHAR inside a term: tabs, CR, LF, NUL and 8-bit bytes
		 * are errors (receivers split on them differently). */
		for (j = start; j < end; j++) {
			unsigned char c = (unsigned char)text[j];

			if (c < 0x21 || c > 0x7e) {
				fail(&ps, j, c == '\t' ? "tab inside the record: separate terms with spaces only"
				             : c >= 0x80 ? "non-ASCII byte in the record"
				                         : "control character in the record");
				return MD_OK;
			}
		}
		t = &rec->terms[rec->nterms];
		t->off = start;
		t->len = end - start;
		t->cidr4 = t->cidr6 = -1;
		/* name "=" makes a modifier. */
		j = start;
		if (md_isalpha((unsigned char)text[j])) {
			while (j < end && (md_isalnum((unsigned char)text[j]) || text[j] == '-' ||
			                   text[j] == '_' || text[j] == '.'))
				j++;
		}
		if (j > start && j < end && text[j] == '=') {
			if (!modifier(&ps, text + start, end - start, j - start, start, t, rec->nterms))
				return MD_OK;
		} else {
			if (!directive(&ps, text + start, end - start, start, t))
				return MD_OK;
			if (t->kind == SPF_T_ALL && rec->all < 0)
				rec->all = (int)rec->nterms;
			if (rec->redirect >= 0)
				rec->style |= SPF_STYLE_REDIR_NOTLAST;
		}
		rec->nterms++;
	}
	if (rec->redirect >= 0 && rec->all >= 0)
		rec->style |= SPF_STYLE_REDIR_ALL;
	return MD_OK;
}

bool md_spf_record_valid(const char *record, size_t len, size_t *err_off,
                         const char **why)
{
	md_arena *a;
	spf_record rec;
	bool ok;

	if (record == NULL)
		return false;
	a = md_arena_new();
	if (a == NULL || spf_parse(a, record, len, &rec) != MD_OK) {
		md_arena_free(a);
		if (err_off)
			*err_off = 0;
		if (why)
			*why = "out of memory";
		return false;
	}
	ok = !rec.bad;
	if (!ok) {
		if (err_off)
			*err_off = rec.err_off;
		if (why)
			*why = rec.err; /* static strings only */
	}
	md_arena_free(a);
	return ok;
}
