/*
 * sts.c - MTA-STS and TLS-RPT record parsers, the MTA-STS policy parser
 * and MX pattern matching (grammars and limits in sts.h).
 */
#include "sts.h"

#include <string.h>

#include "core/ascii.h"
#include "core/num.h"
#include "core/tagvalue.h"

const char *md_sts_mode_name(md_sts_mode m)
{
	switch (m) {
	case MD_STS_MODE_ENFORCE: return "enforce";
	case MD_STS_MODE_TESTING: return "testing";
	case MD_STS_MODE_NONE: return "none";
	default: return "unset";
	}
}

static bool starts_version(const char *p, size_t n, const char *v)
{
	size_t k = strlen(v);

	/* %s: case-sensitive */
	if (n < k || memcmp(p, v, k) != 0)
		return false;
	return n == k || p[k] == ';' || md_iswsp(p[k]);
}

bool md_sts_is_sts(const char *p, size_t n)
{
	return starts_version(p, n, "v=STSv1");
}

bool md_sts_is_tlsrpt(const char *p, size_t n)
{
	return starts_version(p, n, "v=TLSRPTv1");
}

/* RFC 8461 3.1 / RFC 8460 3 extension field "name=value" (trimmed). */
static bool ext_field(md_str f, md_sts_field *out)
{
	size_t i = 0, j;

	f = md_str_trim(f);
	if (f.n == 0 || !md_isalnum(f.p[0]))
		return false;
	for (i = 1; i < f.n && f.p[i] != '='; i++)
		if (!(md_isalnum(f.p[i]) || f.p[i] == '_' || f.p[i] == '-' || f.p[i] == '.'))
			return false;
	if (i >= f.n || i > 32)
		return false;
	if (i + 1 >= f.n)
		return false;
	for (j = i + 1; j < f.n; j++) {
		unsigned char c = (unsigned char)f.p[j];

		if (!((c >= 0x21 && c <= 0x3a) || c == 0x3c || (c >= 0x3e && c <= 0x7e)))
			return false;
	}
	out->name = (md_str){f.p, i};
	out->value = (md_str){f.p + i + 1, f.n - i - 1};
	return true;
}

/*
 * Split a record into fields with the tag=value parser; a segment it
 * refuses is kept when it is a valid extension field. Returns NULL or the
 * first error.
 */
static const char *fields_parse(const char *p, size_t n, md_sts_record *r)
{
	size_t base = 0;

	while (base < n) {
		md_tag_list l;
		size_t k, seg_start, seg_end;
		bool ok = md_tagvalue_parse(p + base, n - base, MD_TV_LENIENT, &l);

		if (ok) {
			seg_start = n - base; /* keep every tag */
		} else {
			if (strcmp(l.error_msg, "too many tags") == 0)
				return "too many fields";
			seg_start = l.error_offset;
			while (seg_start > 0 && p[base + seg_start - 1] != ';')
				seg_start--;
		}
		for (k = 0; k < l.count; k++) {
			if (l.tags[k].offset >= seg_start)
				break;
			if (r->nfields == MD_STS_MAX_FIELDS)
				return "too many fields";
			r->fields[r->nfields].name = l.tags[k].name;
			r->fields[r->nfields].value = l.tags[k].value;
			r->nfields++;
		}
		if (ok)
			break;
		/* the refused segment */
		seg_end = seg_start;
		while (base + seg_end < n && p[base + seg_end] != ';')
			seg_end++;
		{
			md_str seg = md_str_trim((md_str){p + base + seg_start, seg_end - seg_start});
			md_sts_field f;

			if (seg.n > 0) {
				if (!ext_field(seg, &f))
					return l.error_msg;
				if (r->nfields == MD_STS_MAX_FIELDS)
					return "too many fields";
				r->fields[r->nfields++] = f;
			}
		}
		base += seg_end + 1;
	}
	return NULL;
}

static const md_str *field(const md_sts_record *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (md_str_eq(r->fields[i].name, md_str_c(name)))
			return &r->fields[i].value;
	return NULL;
}

static bool duplicate_field(const md_sts_record *r)
{
	size_t i, j;

	for (i = 0; i < r->nfields; i++)
		for (j = i + 1; j < r->nfields; j++)
			if (md_str_eq(r->fields[i].name, r->fields[j].name))
				return true;
	return false;
}

static bool fail_rec(md_sts_record *r, const char *msg)
{
	r->valid = false;
	r->error = msg;
	return false;
}

/* Common part: version first, fields, no duplicates. */
static bool record_common(const char *p, size_t n, md_sts_record *r, const char *version,
                          const char *vvalue)
{
	const char *err;

	memset(r, 0, sizeof(*r));
	if (!starts_version(p, n, version))
		return fail_rec(r, "does not start with the version tag");
	err = fields_parse(p, n, r);
	if (err != NULL)
		return fail_rec(r, err);
	if (r->nfields == 0 || !md_str_eq(r->fields[0].name, md_str_c("v")) ||
	    !md_str_eq(r->fields[0].value, md_str_c(vvalue)))
		return fail_rec(r, "does not start with the version tag");
	if (duplicate_field(r))
		return fail_rec(r, "a field appears twice");
	return true;
}

bool md_sts_record_parse(const char *p, size_t n, md_sts_record *r)
{
	const md_str *id;
	size_t i;

	if (!record_common(p, n, r, "v=STSv1", "STSv1"))
		return false;
	id = field(r, "id");
	if (id == NULL)
		return fail_rec(r, "no id= field (RFC 8461 3.1: required)");
	if (id->n == 0 || id->n > MD_STS_ID_MAX)
		return fail_rec(r, "id must be 1 to 32 letters and digits");
	for (i = 0; i < id->n; i++)
		if (!md_isalnum(id->p[i]))
			return fail_rec(r, "id must be 1 to 32 letters and digits");
	r->id = *id;
	r->nextensions = r->nfields - 2;
	r->valid = true;
	return true;
}

bool md_tlsrpt_rua_valid(md_str rua, md_str *bad, const char **why)
{
	size_t i = 0;

	if (rua.n == 0) {
		*bad = rua;
		*why = "empty rua";
		return false;
	}
	while (i <= rua.n) {
		size_t j = i;
		md_str u;

		while (j < rua.n && rua.p[j] != ',')
			j++;
		u = md_str_trim((md_str){rua.p + i, j - i});
		*bad = u;
		if (md_str_istarts(u, "mailto:")) {
			const char *at = memchr(u.p + 7, '@', u.n - 7);

			if (at == NULL || at == u.p + 7 || at == u.p + u.n - 1) {
				*why = "mailto: URI without an address";
				return false;
			}
		} else if (md_str_istarts(u, "https://")) {
			if (u.n == 8) {
				*why = "https: URI without a host";
				return false;
			}
		} else {
			*why = "only mailto: and https: URIs are allowed";
			return false;
		}
		for (size_t k = 0; k < u.n; k++)
			if (!md_isprint((unsigned char)u.p[k]) || u.p[k] == ' ') {
				*why = "URI contains spaces or control characters";
				return false;
			}
		i = j + 1;
	}
	return true;
}

bool md_tlsrpt_record_parse(const char *p, size_t n, md_sts_record *r)
{
	const md_str *rua;
	md_str bad;
	const char *why;

	if (!record_common(p, n, r, "v=TLSRPTv1", "TLSRPTv1"))
		return false;
	rua = field(r, "rua");
	if (rua == NULL)
		return fail_rec(r, "no rua= field (RFC 8460 3: required)");
	if (!md_tlsrpt_rua_valid(*rua, &bad, &why))
		return fail_rec(r, why);
	r->rua = *rua;
	r->nextensions = r->nfields - 2;
	r->valid = true;
	return true;
}

/* --- policy ------------------------------------------------------------- */

static bool fail_pol(md_sts_policy *pol, size_t line, const char *msg)
{
	pol->valid = false;
	if (pol->error == NULL) {
		pol->error = msg;
		pol->error_line = line;
	}
	return false;
}

/* RFC 5321 Domain: sub-domain *("." sub-domain), Let-dig [Ldh-str] */
static bool domain_ok(md_str d)
{
	size_t i = 0;

	if (d.n == 0 || d.n > 253)
		return false;
	while (i < d.n) {
		size_t j = i;

		while (j < d.n && d.p[j] != '.')
			j++;
		if (j == i || j - i > 63 || !md_isalnum(d.p[i]) || !md_isalnum(d.p[j - 1]))
			return false;
		for (size_t k = i; k < j; k++)
			if (!md_isalnum(d.p[k]) && d.p[k] != '-')
				return false;
		if (j == d.n)
			break;
		i = j + 1;
		if (i == d.n)
			return false; /* trailing dot */
	}
	return true;
}

static bool policy_ext_name(md_str n)
{
	size_t i;

	if (n.n == 0 || n.n > 32 || !md_isalnum(n.p[0]))
		return false;
	for (i = 1; i < n.n; i++)
		if (!(md_isalnum(n.p[i]) || n.p[i] == '_' || n.p[i] == '-' || n.p[i] == '.'))
			return false;
	return true;
}

bool md_sts_policy_parse(const char *p, size_t n, md_sts_policy *pol)
{
	size_t i = 0, line = 0;

	memset(pol, 0, sizeof(*pol));
	pol->valid = true;
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n, k;
		md_str l = {p + i, end - i}, name, value;

		line++;
		i = nl ? end + 1 : n;
		if (l.n > 0 && l.p[l.n - 1] == '\r')
			l.n--;
		else if (nl != NULL)
			pol->lf_only = true;
		if (l.n == 0) {
			pol->blank_lines = true;
			continue;
		}
		for (k = 0; k < l.n; k++) {
			unsigned char c = (unsigned char)l.p[k];

			if (c < 0x20 && c != '\t')
				return fail_pol(pol, line, "control character in the policy");
		}
		for (k = 0; k < l.n && l.p[k] != ':'; k++)
			;
		if (k == l.n)
			return fail_pol(pol, line, "line is not a \"name: value\" pair");
		name = (md_str){l.p, k};
		value = (md_str){l.p + k + 1, l.n - k - 1};
		while (value.n > 0 && md_iswsp(value.p[0])) {
			value.p++;
			value.n--;
		}
		while (value.n > 0 && md_iswsp(value.p[value.n - 1]))
			value.n--;
		if (md_str_eq(name, md_str_c("version"))) {
			if (pol->has_version)
				return fail_pol(pol, line, "version given twice");
			pol->has_version = true;
			if (!md_str_eq(value, md_str_c("STSv1")))
				return fail_pol(pol, line, "version is not STSv1");
		} else if (md_str_eq(name, md_str_c("mode"))) {
			if (pol->mode != MD_STS_MODE_UNSET)
				return fail_pol(pol, line, "mode given twice");
			if (md_str_eq(value, md_str_c("enforce")))
				pol->mode = MD_STS_MODE_ENFORCE;
			else if (md_str_eq(value, md_str_c("testing")))
				pol->mode = MD_STS_MODE_TESTING;
			else if (md_str_eq(value, md_str_c("none")))
				pol->mode = MD_STS_MODE_NONE;
			else
				return fail_pol(pol, line, "mode must be enforce, testing or none");
		} else if (md_str_eq(name, md_str_c("max_age"))) {
			uint64_t v;

			if (pol->has_max_age)
				return fail_pol(pol, line, "max_age given twice");
			/* 1*10DIGIT, at most 31557600 */
			if (value.n == 0 || value.n > 10 || !md_parse_uint(value.p, value.n, UINT32_MAX, &v))
				return fail_pol(pol, line, "max_age is not a number of seconds");
			if (v > MD_STS_MAX_AGE_MAX)
				return fail_pol(pol, line, "max_age is above 31557600 (RFC 8461 3.2)");
			pol->has_max_age = true;
			pol->max_age = (uint32_t)v;
		} else if (md_str_eq(name, md_str_c("mx"))) {
			md_str d = value;

			if (d.n >= 2 && d.p[0] == '*' && d.p[1] == '.') {
				d.p += 2;
				d.n -= 2;
			}
			if (!domain_ok(d))
				return fail_pol(pol, line, "mx is not a host name or *.domain pattern");
			if (pol->nmx == MD_STS_MAX_MX)
				return fail_pol(pol, line, "too many mx lines");
			pol->mx[pol->nmx++] = value;
		} else {
			/* RFC 8461 3.2: unknown fields SHOULD be ignored */
			if (!policy_ext_name(name))
				return fail_pol(pol, line, "field name is not valid");
			pol->nunknown++;
		}
	}
	if (!pol->has_version)
		return fail_pol(pol, 0, "no version field");
	if (pol->mode == MD_STS_MODE_UNSET)
		return fail_pol(pol, 0, "no mode field");
	if (!pol->has_max_age)
		return fail_pol(pol, 0, "no max_age field");
	if (pol->nmx == 0 && pol->mode != MD_STS_MODE_NONE)
		return fail_pol(pol, 0, "no mx field (required unless mode is none)");
	return pol->valid;
}

bool md_sts_mx_match(md_str pattern, const char *host)
{
	md_str h = md_str_c(host);

	if (h.n > 0 && h.p[h.n - 1] == '.')
		h.n--;
	if (pattern.n > 0 && pattern.p[pattern.n - 1] == '.')
		pattern.n--;
	if (pattern.n >= 2 && pattern.p[0] == '*' && pattern.p[1] == '.') {
		md_str rest = {pattern.p + 1, pattern.n - 1}; /* ".example.com" */
		const char *dot = memchr(h.p, '.', h.n);
		size_t label;

		if (dot == NULL)
			return false;
		label = (size_t)(dot - h.p);
		if (label == 0)
			return false;
		/* exactly one label before the rest */
		return md_str_ieq((md_str){dot, h.n - label}, rest);
	}
	return md_str_ieq(pattern, h);
}
