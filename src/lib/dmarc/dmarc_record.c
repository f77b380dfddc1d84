/*
 * dmarc_record.c - parse and lint a DMARC policy record (RFC 7489 sections
 * 6.3-6.4, RFC 9989 section 4.7).
 *
 *   dmarc-record = dmarc-version *( dmarc-sep dmarc-tag ) [dmarc-sep]
 *   dmarc-version = "v" *WSP "=" *WSP %s"DMARC1"        ; case-sensitive
 *   p / sp / np  = "none" / "quarantine" / "reject"
 *   psd          = "y" / "n" / "u"                       ; RFC 9989
 *   t            = "y" / "n"                             ; RFC 9989
 *   adkim / aspf = "r" / "s"
 *   rua / ruf    = dmarc-uri *( *WSP "," *WSP dmarc-uri )
 *   dmarc-uri    = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]
 *   fo           = ("0" / "1" / "d" / "s") *( ":" ... )
 *   pct          = 1*3DIGIT (0..100); rf = "afrf"; ri = 1*32DIGIT
 *                  (RFC 7489 only: removed by RFC 9989 section A.6)
 *
 * Unknown tags are ignored (both RFCs). Invalid values of optional tags
 * fall back to the default and are reported. Limits: DMARC_MAX_URIS per
 * report tag, DMARC_MAX_PROBLEMS problems, DMARC_MAX_RECORD bytes.
 */
#include <string.h>

#include "core/ascii.h"
#include "core/num.h"
#include "dmarc_internal.h"

static void problem(dmarc_record *rec, const char *id, md_severity sev, const char *text,
                    md_str tag)
{
	dmarc_problem *pr;

	if (rec->nproblems == DMARC_MAX_PROBLEMS)
		return;
	pr = &rec->problems[rec->nproblems++];
	pr->id = id;
	pr->sev = sev;
	pr->text = text;
	pr->tag = tag;
	pr->offset = tag.p ? (size_t)(tag.p - rec->text.p) : 0;
}

static bool parse_policy(md_str v, md_dmarc_policy *out)
{
	if (md_str_ieq_c(v, "none"))
		*out = MD_DMARC_POLICY_NONE;
	else if (md_str_ieq_c(v, "quarantine"))
		*out = MD_DMARC_POLICY_QUARANTINE;
	else if (md_str_ieq_c(v, "reject"))
		*out = MD_DMARC_POLICY_REJECT;
	else
		return false;
	return true;
}

static void parse_uris(dmarc_record *rec, const md_tag *t, dmarc_uri *uris, size_t *n)
{
	md_str v = t->value;
	size_t i = 0;

	while (i <= v.n) {
		size_t j = i;
		md_str u;
		dmarc_uri *d;
		const char *bang, *at;

		while (j < v.n && v.p[j] != ',')
			j++;
		u = md_str_trim((md_str){v.p + i, j - i});
		i = j + 1;
		if (u.n == 0) {
			problem(rec, "dmarc.invalid_uri", MD_SEV_WARNING, "empty report URI",
			        t->name);
			continue;
		}
		if (*n == DMARC_MAX_URIS) {
			problem(rec, "dmarc.too_many_uris", MD_SEV_WARNING,
			        "more report URIs than maildiag checks (8)", t->name);
			return;
		}
		d = &uris[(*n)++];
		memset(d, 0, sizeof(*d));
		d->text = u;
		bang = memchr(u.p, '!', u.n);
		if (bang != NULL) {
			d->size_limit = true;
			u.n = (size_t)(bang - u.p);
		}
		if (md_str_istarts(u, "mailto:")) {
			d->mailto = true;
			at = memchr(u.p, '@', u.n);
			if (at != NULL && at > u.p + 7 && (size_t)(at - u.p) + 1 < u.n) {
				d->domain = (md_str){at + 1, u.n - (size_t)(at + 1 - u.p)};
				d->valid = true;
			}
		} else if (md_str_istarts(u, "https:") || md_str_istarts(u, "http:")) {
			/* RFC 7489 allows any URI, but receivers only send mail */
			d->valid = true;
		}
		if (!d->valid)
			problem(rec, "dmarc.invalid_uri", MD_SEV_ERROR,
			        "report URI is not a valid mailto: address", t->name);
		else if (!d->mailto)
			problem(rec, "dmarc.non_mailto_uri", MD_SEV_WARNING,
			        "report URI is not mailto:; receivers only send reports by mail",
			        t->name);
		if (d->size_limit)
			problem(rec, "dmarc.uri_size_limit", MD_SEV_NOTICE,
			        "the !size suffix on a report URI is obsolete: RFC 9989 tells "
			        "reporters to ignore it",
			        t->name);
	}
}

void dmarc_record_parse(dmarc_record *rec, const char *p, size_t n)
{
	size_t k;

	memset(rec, 0, sizeof(*rec));
	rec->text = (md_str){p, n};
	rec->psd = 'u';
	rec->pct = 100;
	if (n > DMARC_MAX_RECORD) {
		problem(rec, "dmarc.record_too_long", MD_SEV_ERROR, "record longer than 4096 bytes",
		        (md_str){p, 0});
		return;
	}
	if (!md_tagvalue_parse(p, n, MD_TV_LENIENT, &rec->tags))
		problem(rec, "dmarc.syntax", MD_SEV_WARNING, rec->tags.error_msg,
		        (md_str){p + rec->tags.error_offset, 0});
	if (rec->tags.count == 0)
		return;
	{
		const md_tag *v = &rec->tags.tags[0];

		if (md_str_eq(v->name, md_str_c("v")) && md_str_eq(v->value, md_str_c("DMARC1")))
			rec->is_dmarc = true;
		else if (md_str_ieq_c(v->name, "v") && md_str_ieq_c(v->value, "DMARC1"))
			rec->v_wrong_case = true;
	}
	if (!rec->is_dmarc)
		return;
	if (rec->tags.duplicate)
		problem(rec, "dmarc.duplicate_tag", MD_SEV_WARNING, "a tag appears twice",
		        rec->tags.duplicate_name);
	for (k = 1; k < rec->tags.count; k++) {
		const md_tag *t = &rec->tags.tags[k];
		md_str v = t->value;

		if (md_str_eq(t->name, md_str_c("p"))) {
			rec->has_p = true;
			rec->p_valid = parse_policy(v, &rec->p);
			if (!rec->p_valid)
				problem(rec, "dmarc.invalid_policy", MD_SEV_ERROR,
				        "p= is not none, quarantine or reject", t->name);
			if (k != 1)
				rec->p_not_second = true;
		} else if (md_str_eq(t->name, md_str_c("sp"))) {
			rec->has_sp = true;
			rec->sp_valid = parse_policy(v, &rec->sp);
			if (!rec->sp_valid)
				problem(
				    rec, "dmarc.invalid_tag_value", MD_SEV_WARNING,
				    "sp= is not none, quarantine or reject (p= applies instead)",
				    t->name);
		} else if (md_str_eq(t->name, md_str_c("np"))) {
			rec->has_np = true;
			rec->np_valid = parse_policy(v, &rec->np);
			if (!rec->np_valid)
				problem(rec, "dmarc.invalid_tag_value", MD_SEV_WARNING,
				        "np= is not none, quarantine or reject", t->name);
		} else if (md_str_eq(t->name, md_str_c("psd"))) {
			if (md_str_ieq_c(v, "y") || md_str_ieq_c(v, "n") || md_str_ieq_c(v, "u"))
				rec->psd = (char)md_tolower(v.p[0]);
			else
				problem(rec, "dmarc.invalid_tag_value", MD_SEV_WARNING,
				        "psd= is not y, n or u", t->name);
		} else if (md_str_eq(t->name, md_str_c("t"))) {
			rec->has_t = true;
			if (md_str_ieq_c(v, "y"))
				rec->t_testing = true;
			else if (!md_str_ieq_c(v, "n"))
				problem(rec, "dmarc.invalid_tag_value", MD_SEV_WARNING,
				        "t= is not y or n", t->name);
		} else if (md_str_eq(t->name, md_str_c("adkim")) ||
		           md_str_eq(t->name, md_str_c("aspf"))) {
			bool *strict = t->name.n == 5 ? &rec->adkim_strict : &rec->aspf_strict;

			if (md_str_ieq_c(v, "s"))
				*strict = true;
			else if (!md_str_ieq_c(v, "r"))
				problem(rec, "dmarc.invalid_tag_value", MD_SEV_WARNING,
				        "alignment mode is not r or s (relaxed applies)", t->name);
		} else if (md_str_eq(t->name, md_str_c("rua"))) {
			parse_uris(rec, t, rec->rua, &rec->nrua);
		} else if (md_str_eq(t->name, md_str_c("ruf"))) {
			parse_uris(rec, t, rec->ruf, &rec->nruf);
		} else if (md_str_eq(t->name, md_str_c("fo"))) {
			size_t i = 0;

			rec->has_fo = true;
			rec->fo = v;
			while (i <= v.n) {
				size_t j = i;
				md_str it;

				while (j < v.n && v.p[j] != ':')
					j++;
				it = md_str_trim((md_str){v.p + i, j - i});
				if (!(it.n == 1 && strchr("01ds", md_tolower(it.p[0])) != NULL))
					problem(rec, "dmarc.invalid_tag_value", MD_SEV_WARNING,
					        "fo= holds a value other than 0, 1, d or s",
					        t->name);
				i = j + 1;
			}
		} else if (md_str_eq(t->name, md_str_c("pct"))) {
			uint64_t pct;

			rec->has_pct = true;
			if (md_parse_uint(v.p, v.n, 100, &pct))
				rec->pct = (int)pct;
			else
				problem(rec, "dmarc.invalid_tag_value", MD_SEV_WARNING,
				        "pct= is not a number from 0 to 100", t->name);
			problem(
			    rec, "dmarc.removed_tag", MD_SEV_NOTICE,
			    "pct= was removed by RFC 9989 (receivers following it ignore it; use "
			    "t=y to test a policy)",
			    t->name);
		} else if (md_str_eq(t->name, md_str_c("rf"))) {
			rec->has_rf = true;
			problem(rec, "dmarc.removed_tag", MD_SEV_NOTICE,
			        "rf= was removed by RFC 9989 (only afrf was ever defined)",
			        t->name);
		} else if (md_str_eq(t->name, md_str_c("ri"))) {
			uint64_t ri;

			rec->has_ri = true;
			if (!md_parse_uint(v.p, v.n, UINT32_MAX, &ri))
				problem(rec, "dmarc.invalid_tag_value", MD_SEV_WARNING,
				        "ri= is not a 32-bit number of seconds", t->name);
			problem(rec, "dmarc.removed_tag", MD_SEV_NOTICE,
			        "ri= was removed by RFC 9989 (reports are daily)", t->name);
		} else if (md_str_eq(t->name, md_str_c("v"))) {
			problem(rec, "dmarc.duplicate_tag", MD_SEV_WARNING, "v= appears again",
			        t->name);
		} else {
			problem(rec, "dmarc.unknown_tag", MD_SEV_NOTICE,
			        "unknown tag (ignored by receivers; a typo?)", t->name);
		}
	}
	if (!rec->has_p)
		problem(rec, "dmarc.missing_policy", MD_SEV_WARNING,
		        "p= is missing (RFC 9989 reads it as p=none; RFC 7489 only with a valid "
		        "rua=)",
		        (md_str){p, 0});
}

bool dmarc_record_usable(const dmarc_record *rec, md_dmarc_reading reading)
{
	size_t i;
	bool rua_ok = false;

	if (!rec->is_dmarc)
		return false;
	if (rec->has_p)
		return rec->p_valid;
	if (reading == MD_DMARC_RFC9989)
		return true;
	for (i = 0; i < rec->nrua; i++)
		if (rec->rua[i].valid)
			rua_ok = true;
	return rua_ok;
}

md_dmarc_policy dmarc_record_p(const dmarc_record *rec)
{
	return (rec->has_p && rec->p_valid) ? rec->p : MD_DMARC_POLICY_NONE;
}
