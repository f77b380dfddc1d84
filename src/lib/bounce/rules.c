/*
 * rules.c - the bounce classification rules: load them from the rules
 * file format (data/bounce-rules.tsv) and decide a record's reason.
 *
 * Format: one directive per line, fields separated by TABs, '#' starts a
 * comment line.
 *     reason   NAME CLASS PILLAR RETRYABLE HARD PSEUDO HINT
 *     provider NAME SUFFIX[,SUFFIX...]
 *     status   CODE REASON
 *     phrase   SET TEXT
 *     phrase-not SET TEXT      (any of these vetoes the set)
 *     group    [COND...]
 *     rule     REASON [COND...]
 * A rule holds when all its conditions (and those of the current group)
 * hold; rules are tried in file order and the first that holds decides.
 * REASON "@status" means "the reason the status table gives the code",
 * "@hint" the reason the format reader read from the notice's wording.
 * COND is KEY=VALUE or !KEY=VALUE (negated); VALUE may list alternatives
 * separated by '|', '-' stands for the empty value, '*' in a value
 * matches any run of characters. Keys:
 *     status statusname code text phrases command dtype action provider
 *     hint temporary hasdiag rhost format reason
 * A "pseudo CODE COND..." line gives the status of a notice that carries
 * none when its conditions hold (checked after the reason is decided;
 * the first that holds wins; class 4 when the notice is temporary);
 * otherwise the reason's PSEUDO column applies.
 * Limits: MD_RULES_MAX_LINE bytes per line, MD_RULES_MAX_CONDS conditions
 * per rule.
 */
#include "bounce_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/bigram.h"

#define MD_RULES_MAX_LINE 4096
#define MD_RULES_MAX_CONDS 16
#define MD_RULES_MAX_FIELDS 24

enum cond_key {
	K_STATUS, K_STATUSNAME, K_CODE, K_TEXT, K_PHRASES, K_COMMAND, K_DTYPE,
	K_ACTION, K_PROVIDER, K_HINT, K_TEMPORARY, K_HASDIAG, K_RHOST, K_FORMAT, K_REASON
};

static const struct {
	const char *name;
	enum cond_key key;
} cond_keys[] = {
	{"status", K_STATUS},     {"statusname", K_STATUSNAME}, {"code", K_CODE},
	{"text", K_TEXT},         {"phrases", K_PHRASES},       {"command", K_COMMAND},
	{"dtype", K_DTYPE},       {"action", K_ACTION},         {"provider", K_PROVIDER},
	{"hint", K_HINT},         {"temporary", K_TEMPORARY},   {"hasdiag", K_HASDIAG},
	{"rhost", K_RHOST},       {"format", K_FORMAT},         {"reason", K_REASON},
};

/* A lowercase glob split at '*' into literal segments. */
struct glob {
	const char *src;
	const char **seg;
	size_t *len;
	size_t n;
	/* the rarest byte pairs of the longest segment: a diagnostic that
	 * lacks one of them cannot match, so most phrases are rejected
	 * without a search (core/bigram.h) */
	uint16_t keys[MD_BIGRAM_KEYS];
	size_t nkeys;
};

struct cond {
	enum cond_key key;
	bool neg;
	char **alts; /* lowercase for text keys */
	size_t nalts;
	size_t set;  /* K_PHRASES: index of the phrase set */
	const char *src; /* as written, for "matched" */
	/* the same condition written on many rules (a group's, a provider's)
	 * shares one id, so a record tests it once (struct eval.condcache) */
	unsigned id;
	struct glob text; /* K_TEXT: the compiled pattern */
};

struct rule {
	const char *reason;
	struct cond *conds;
	size_t nconds;
	/* the conditions in the order they are tested: comparisons of
	 * record fields first, phrase sets (cached per record) next, free
	 * text searches last; all must hold, so the order changes only the
	 * cost. "matched" still lists them as written. */
	unsigned char *order;
	unsigned line;
	/* the next rule whose first tested condition is another one: when
	 * this rule's first fails, so do those of the rules up to there (a
	 * provider's rules, a group's) */
	size_t skip;
};

static int cond_cost(const struct cond *c)
{
	return c->key == K_TEXT ? 2 : c->key == K_PHRASES ? 1 : 0;
}

static bool set_order(md_arena *a, struct rule *ru)
{
	size_t i, j;

	ru->order = md_arena_alloc(a, ru->nconds ? ru->nconds : 1);
	if (ru->order == NULL)
		return false;
	for (i = 0; i < ru->nconds; i++) {
		unsigned char v = (unsigned char)i;

		for (j = i; j > 0 && cond_cost(&ru->conds[ru->order[j - 1]]) > cond_cost(&ru->conds[v]); j--)
			ru->order[j] = ru->order[j - 1];
		ru->order[j] = v;
	}
	return true;
}

struct phrase_set {
	char *name;
	struct glob *globs; /* compiled pats */
	struct glob *notglobs; /* compiled nots */
	char **pats;
	size_t n, cap;
	char **nots; /* "phrase-not": any of these vetoes the set */
	size_t nn, capn;
};

struct status_row {
	char *code;
	char *reason;
};

struct provider {
	char *name;
	char **suffixes;
	size_t n;
};

struct md_bounce_rules {
	md_arena *a;
	char *name;
	struct rule *rules;
	size_t nrules, caprules;
	struct rule *pseudos; /* "pseudo" lines: reason holds the status code */
	size_t npseudos, cappseudos;
	struct phrase_set *sets;
	size_t nsets, capsets;
	struct status_row *status;
	size_t nstatus, capstatus;
	struct provider *prov;
	size_t nprov, capprov;
	reason_info *reasons;
	size_t nreasons, capreasons;
	/* every provider suffix, hashed (open addressing, a power of two
	 * slots): a host is looked up once per label instead of compared
	 * with every suffix */
	struct suffix_slot {
		const char *suf;
		size_t len;
		size_t prov; /* the first provider that lists it */
	} *suffixes;
	size_t nsuffixslots;
	unsigned ncondids; /* distinct conditions (struct cond.id) */
	size_t tempfail; /* the phrase set "tempfail", or nsets */
};

/* --- growing arena arrays --- */

static void *grow(md_arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	void *nv;

	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 32;
	nv = md_arena_alloc(a, *cap * size);
	if (nv != NULL && n > 0)
		memcpy(nv, v, n * size);
	return nv;
}

static char *lower_copy(md_arena *a, const char *s)
{
	char *d = md_arena_strdup(a, s);
	size_t i;

	if (d != NULL)
		for (i = 0; d[i]; i++)
			d[i] = (char)md_tolower(d[i]);
	return d;
}

/* --- matching --- */

static bool compile_glob(md_arena *a, const char *pat, struct glob *g)
{
	size_t n = 1, i;
	const char *p;

	for (p = pat; *p; p++)
		n += *p == '*';
	g->src = pat;
	g->seg = md_arena_alloc(a, n * sizeof(*g->seg));
	g->len = md_arena_alloc(a, n * sizeof(*g->len));
	if (g->seg == NULL || g->len == NULL)
		return false;
	g->n = 0;
	for (p = pat, i = 0; i < n; i++) {
		const char *star = strchr(p, '*');
		size_t l = star ? (size_t)(star - p) : strlen(p);

		if (l > 0) {
			g->seg[g->n] = p;
			g->len[g->n] = l;
			g->n++;
		}
		p += l + (star ? 1 : 0);
	}
	g->nkeys = 0;
	{
		size_t best = 0, bi = 0;

		for (i = 0; i < g->n; i++)
			if (g->len[i] > best) {
				best = g->len[i];
				bi = i;
			}
		if (best >= 2)
			g->nkeys = md_bigram_keys(g->seg[bi], g->len[bi], g->keys, MD_BIGRAM_KEYS);
	}
	return true;
}

/* Do the segments of G occur in H in order? */
static bool glob_match(const char *h, size_t hn, const struct glob *g)
{
	const char *cur = h, *end = h + hn;
	size_t i;

	for (i = 0; i < g->n; i++) {
		const char *at = g->len[i] <= (size_t)(end - cur) ? memmem(cur, (size_t)(end - cur), g->seg[i], g->len[i]) : NULL;

		if (at == NULL)
			return false;
		cur = at + g->len[i];
	}
	return true;
}

/* Whole-string glob match, case-insensitive ('*' any run). */
static bool glob_full(const char *s, const char *pat)
{
	while (*pat) {
		if (*pat == '*') {
			pat++;
			if (*pat == '\0')
				return true;
			for (; *s; s++)
				if (glob_full(s, pat))
					return true;
			return false;
		}
		if (md_tolower(*s) != md_tolower(*pat))
			return false;
		s++;
		pat++;
	}
	return *s == '\0';
}

static bool alt_full(const struct cond *c, const char *v)
{
	size_t i;

	for (i = 0; i < c->nalts; i++) {
		if (c->alts[i][0] == '-' && c->alts[i][1] == '\0') {
			if (v[0] == '\0')
				return true;
		} else if (glob_full(v, c->alts[i]))
			return true;
	}
	return false;
}

/* --- loading --- */

static struct phrase_set *find_set(md_bounce_rules *r, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < r->nsets; i++)
		if (strcmp(r->sets[i].name, name) == 0) {
			*idx = i;
			return &r->sets[i];
		}
	return NULL;
}

static int split_tabs(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	while (n < max) {
		char *t = strchr(p, '\t');

		f[n++] = p;
		if (t == NULL)
			break;
		*t = '\0';
		p = t + 1;
	}
	return n;
}

static md_status parse_cond(md_bounce_rules *r, char *s, struct cond *c, char *why, size_t wl)
{
	char *eq = strchr(s, '='), *v, *bar;
	size_t i, n = 1;
	bool text;

	memset(c, 0, sizeof(*c));
	c->src = md_arena_strdup(r->a, s);
	if (c->src == NULL)
		return MD_ENOMEM;
	if (*s == '!') {
		c->neg = true;
		s++;
	}
	if (eq == NULL) {
		snprintf(why, wl, "condition \"%s\" has no '='", s);
		return MD_EPARSE;
	}
	*eq = '\0';
	for (i = 0; i < sizeof(cond_keys) / sizeof(cond_keys[0]); i++)
		if (strcmp(s, cond_keys[i].name) == 0)
			break;
	if (i == sizeof(cond_keys) / sizeof(cond_keys[0])) {
		snprintf(why, wl, "unknown condition key \"%s\"", s);
		return MD_EPARSE;
	}
	c->key = cond_keys[i].key;
	v = eq + 1;
	if (c->key == K_PHRASES) {
		if (find_set(r, v, &c->set) == NULL) {
			snprintf(why, wl, "phrase set \"%s\" is not defined above", v);
			return MD_EPARSE;
		}
		return MD_OK;
	}
	text = c->key == K_TEXT;
	if (!text)
		for (bar = v; (bar = strchr(bar, '|')) != NULL; bar++)
			n++;
	c->alts = md_arena_alloc(r->a, n * sizeof(char *));
	if (c->alts == NULL)
		return MD_ENOMEM;
	if (text) {
		c->alts[0] = lower_copy(r->a, v);
		c->nalts = 1;
		return c->alts[0] && compile_glob(r->a, c->alts[0], &c->text) ? MD_OK : MD_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		bar = strchr(v, '|');
		if (bar)
			*bar = '\0';
		c->alts[i] = md_arena_strdup(r->a, v);
		if (c->alts[i] == NULL)
			return MD_ENOMEM;
		v = bar ? bar + 1 : v + strlen(v);
	}
	c->nalts = n;
	return MD_OK;
}

/* The conditions in fields F[FIRST..NF) appended to CONDS (*NC of them
 * already there); empty fields are skipped. */
static md_status parse_conds(md_bounce_rules *r, char **f, int first, int nf,
                             struct cond *conds, size_t *nc, char *why, size_t wl)
{
	int i;
	md_status st;

	for (i = first; i < nf; i++) {
		if (f[i][0] == '\0')
			continue;
		if (*nc >= MD_RULES_MAX_CONDS) {
			snprintf(why, wl, "more than %d conditions", MD_RULES_MAX_CONDS);
			return MD_EPARSE;
		}
		st = parse_cond(r, f[i], &conds[*nc], why, wl);
		if (st != MD_OK)
			return st;
		(*nc)++;
	}
	return MD_OK;
}

/* RU from its REASON (or status code, for a pseudo line) and conditions. */
static md_status make_rule(md_arena *a, struct rule *ru, const char *reason,
                           const struct cond *conds, size_t nc, unsigned lineno)
{
	ru->reason = md_arena_strdup(a, reason);
	ru->conds = md_arena_memdup(a, conds, nc * sizeof(*conds));
	ru->nconds = nc;
	ru->line = lineno;
	if (ru->reason == NULL || (nc > 0 && ru->conds == NULL) || !set_order(a, ru))
		return MD_ENOMEM;
	return MD_OK;
}

static md_status load_line(md_bounce_rules *r, char *line, struct cond *group, size_t *ngroup,
                           unsigned lineno, char *why, size_t wl)
{
	char *f[MD_RULES_MAX_FIELDS];
	int nf = split_tabs(line, f, MD_RULES_MAX_FIELDS), i;
	md_status st;

	if (strcmp(f[0], "reason") == 0) {
		reason_info *ri;

		if (nf < 8) {
			snprintf(why, wl, "reason needs NAME CLASS PILLAR RETRYABLE HARD PSEUDO HINT");
			return MD_EPARSE;
		}
		r->reasons = grow(r->a, r->reasons, r->nreasons, &r->capreasons, sizeof(*r->reasons));
		if (r->reasons == NULL)
			return MD_ENOMEM;
		ri = &r->reasons[r->nreasons++];
		ri->name = md_arena_strdup(r->a, f[1]);
		ri->failure_class = md_arena_strdup(r->a, f[2]);
		ri->pillar = md_arena_strdup(r->a, f[3]);
		ri->retryable = strcmp(f[4], "yes") == 0;
		ri->pseudo = md_arena_strdup(r->a, strcmp(f[6], "-") == 0 ? "" : f[6]);
		ri->hint = md_arena_strdup(r->a, f[7]);
		ri->hard = strcmp(f[5], "yes") == 0 ? 1 : strcmp(f[5], "permanent") == 0 ? 2 : 0;
		if (!ri->name || !ri->failure_class || !ri->pillar || !ri->pseudo || !ri->hint)
			return MD_ENOMEM;
		return MD_OK;
	}
	if (strcmp(f[0], "provider") == 0) {
		struct provider *p;
		char *s;
		size_t n = 1;

		if (nf < 3) {
			snprintf(why, wl, "provider needs NAME SUFFIXES");
			return MD_EPARSE;
		}
		r->prov = grow(r->a, r->prov, r->nprov, &r->capprov, sizeof(*r->prov));
		if (r->prov == NULL)
			return MD_ENOMEM;
		p = &r->prov[r->nprov++];
		p->name = md_arena_strdup(r->a, f[1]);
		for (s = f[2]; (s = strchr(s, ',')) != NULL; s++)
			n++;
		p->suffixes = md_arena_alloc(r->a, n * sizeof(char *));
		if (p->name == NULL || p->suffixes == NULL)
			return MD_ENOMEM;
		s = f[2];
		for (p->n = 0; p->n < n; p->n++) {
			char *c = strchr(s, ',');

			if (c)
				*c = '\0';
			p->suffixes[p->n] = lower_copy(r->a, s);
			if (p->suffixes[p->n] == NULL)
				return MD_ENOMEM;
			s = c ? c + 1 : s + strlen(s);
		}
		return MD_OK;
	}
	if (strcmp(f[0], "status") == 0) {
		if (nf < 3) {
			snprintf(why, wl, "status needs CODE REASON");
			return MD_EPARSE;
		}
		r->status = grow(r->a, r->status, r->nstatus, &r->capstatus, sizeof(*r->status));
		if (r->status == NULL)
			return MD_ENOMEM;
		r->status[r->nstatus].code = md_arena_strdup(r->a, f[1]);
		r->status[r->nstatus].reason = md_arena_strdup(r->a, f[2]);
		if (!r->status[r->nstatus].code || !r->status[r->nstatus].reason)
			return MD_ENOMEM;
		r->nstatus++;
		return MD_OK;
	}
	if (strcmp(f[0], "phrase") == 0 || strcmp(f[0], "phrase-not") == 0) {
		struct phrase_set *s;
		size_t idx;
		bool veto = f[0][6] == '-';

		if (nf < 3 || f[2][0] == '\0') {
			snprintf(why, wl, "phrase needs SET TEXT");
			return MD_EPARSE;
		}
		s = find_set(r, f[1], &idx);
		if (s == NULL) {
			r->sets = grow(r->a, r->sets, r->nsets, &r->capsets, sizeof(*r->sets));
			if (r->sets == NULL)
				return MD_ENOMEM;
			s = &r->sets[r->nsets++];
			memset(s, 0, sizeof(*s));
			s->name = md_arena_strdup(r->a, f[1]);
			if (s->name == NULL)
				return MD_ENOMEM;
		}
		if (veto) {
			s->nots = grow(r->a, s->nots, s->nn, &s->capn, sizeof(char *));
			if (s->nots == NULL)
				return MD_ENOMEM;
			s->nots[s->nn] = lower_copy(r->a, f[2]);
			if (s->nots[s->nn] == NULL)
				return MD_ENOMEM;
			s->nn++;
			return MD_OK;
		}
		s->pats = grow(r->a, s->pats, s->n, &s->cap, sizeof(char *));
		if (s->pats == NULL)
			return MD_ENOMEM;
		s->pats[s->n] = lower_copy(r->a, f[2]);
		if (s->pats[s->n] == NULL)
			return MD_ENOMEM;
		s->n++;
		return MD_OK;
	}
	if (strcmp(f[0], "pseudo") == 0) {
		struct cond conds[MD_RULES_MAX_CONDS];
		size_t nc = 0;

		if (nf < 2 || strlen(f[1]) != 7 || (f[1][0] != '4' && f[1][0] != '5') || f[1][1] != '.' ||
		    f[1][3] != '.') {
			snprintf(why, wl, "pseudo needs a status code like 5.0.901");
			return MD_EPARSE;
		}
		st = parse_conds(r, f, 2, nf, conds, &nc, why, wl);
		if (st != MD_OK)
			return st;
		r->pseudos = grow(r->a, r->pseudos, r->npseudos, &r->cappseudos, sizeof(*r->pseudos));
		if (r->pseudos == NULL)
			return MD_ENOMEM;
		st = make_rule(r->a, &r->pseudos[r->npseudos], f[1], conds, nc, lineno);
		if (st == MD_OK)
			r->npseudos++;
		return st;
	}
	if (strcmp(f[0], "group") == 0 || strcmp(f[0], "rule") == 0) {
		bool is_rule = f[0][0] == 'r';
		struct cond conds[MD_RULES_MAX_CONDS];
		size_t nc = 0;

		if (is_rule && nf < 2) {
			snprintf(why, wl, "rule needs a REASON");
			return MD_EPARSE;
		}
		if (is_rule) {
			for (i = 0; (size_t)i < *ngroup; i++)
				conds[nc++] = group[i];
		}
		st = parse_conds(r, f, is_rule ? 2 : 1, nf, conds, &nc, why, wl);
		if (st != MD_OK)
			return st;
		if (!is_rule) {
			memcpy(group, conds, nc * sizeof(*conds));
			*ngroup = nc;
			return MD_OK;
		}
		if (strcmp(f[1], "@status") != 0 && strcmp(f[1], "@hint") != 0 &&
		    rules_reason(r, f[1]) == NULL) {
			snprintf(why, wl, "reason \"%s\" is not defined above", f[1]);
			return MD_EPARSE;
		}
		r->rules = grow(r->a, r->rules, r->nrules, &r->caprules, sizeof(*r->rules));
		if (r->rules == NULL)
			return MD_ENOMEM;
		st = make_rule(r->a, &r->rules[r->nrules], f[1], conds, nc, lineno);
		if (st == MD_OK)
			r->nrules++;
		return st;
	}
	snprintf(why, wl, "unknown directive \"%.40s\"", f[0]);
	return MD_EPARSE;
}

static uint32_t hash_mem(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct suffix_slot *suffix_slot(const md_bounce_rules *r, const char *s, size_t n)
{
	size_t k = hash_mem(s, n) & (r->nsuffixslots - 1);

	while (r->suffixes[k].suf != NULL &&
	       !(r->suffixes[k].len == n && memcmp(r->suffixes[k].suf, s, n) == 0))
		k = (k + 1) & (r->nsuffixslots - 1);
	return &r->suffixes[k];
}

static md_status index_suffixes(md_bounce_rules *r)
{
	size_t total = 0, i, j;

	for (i = 0; i < r->nprov; i++)
		total += r->prov[i].n;
	r->nsuffixslots = 16;
	while (r->nsuffixslots < total * 2)
		r->nsuffixslots *= 2;
	r->suffixes = md_arena_zalloc(r->a, r->nsuffixslots * sizeof(*r->suffixes));
	if (r->suffixes == NULL)
		return MD_ENOMEM;
	for (i = 0; i < r->nprov; i++)
		for (j = 0; j < r->prov[i].n; j++) {
			const char *suf = r->prov[i].suffixes[j];
			struct suffix_slot *sl = suffix_slot(r, suf, strlen(suf));

			if (sl->suf == NULL && suf[0] != '\0') {
				sl->suf = suf;
				sl->len = strlen(suf);
				sl->prov = i;
			}
		}
	return MD_OK;
}

/* Give every condition its id: equal text as written ("!key=value") is
 * the same condition. Also find the "tempfail" set once. */
static md_status intern_conds(md_bounce_rules *r)
{
	size_t total = 0, cap = 16, i, j, pass;
	const struct cond **slot;
	md_status st;

	for (i = 0; i < r->nrules; i++)
		total += r->rules[i].nconds;
	for (i = 0; i < r->npseudos; i++)
		total += r->pseudos[i].nconds;
	while (cap < total * 2)
		cap *= 2;
	slot = md_calloc(cap, sizeof(*slot));
	if (slot == NULL)
		return MD_ENOMEM;
	r->ncondids = 0;
	for (pass = 0; pass < 2; pass++) {
		struct rule *list = pass == 0 ? r->rules : r->pseudos;
		size_t n = pass == 0 ? r->nrules : r->npseudos;

		for (i = 0; i < n; i++)
			for (j = 0; j < list[i].nconds; j++) {
				struct cond *c = &list[i].conds[j];
				size_t k = hash_mem(c->src, strlen(c->src)) & (cap - 1);

				while (slot[k] != NULL && strcmp(slot[k]->src, c->src) != 0)
					k = (k + 1) & (cap - 1);
				if (slot[k] == NULL) {
					c->id = r->ncondids++;
					slot[k] = c;
				} else {
					c->id = slot[k]->id;
				}
			}
	}
	md_free(slot);
	st = index_suffixes(r);
	if (st != MD_OK)
		return st;
	for (i = r->nrules; i-- > 0;) {
		const struct rule *ru = &r->rules[i], *nx = &r->rules[i + 1];

		r->rules[i].skip = i + 1;
		if (i + 1 < r->nrules && ru->nconds > 0 && nx->nconds > 0 &&
		    ru->conds[ru->order[0]].id == nx->conds[nx->order[0]].id)
			r->rules[i].skip = nx->skip;
	}
	r->tempfail = r->nsets;
	for (i = 0; i < r->nsets; i++)
		if (strcmp(r->sets[i].name, "tempfail") == 0)
			r->tempfail = i;
	return MD_OK;
}

md_status md_bounce_rules_load_text(const char *name, const char *text, size_t len,
                                    md_bounce_rules **out, char *err, size_t errlen)
{
	md_bounce_rules *r;
	md_arena *a;
	size_t off = 0;
	unsigned lineno = 0;
	struct cond group[MD_RULES_MAX_CONDS];
	size_t ngroup = 0;
	char line[MD_RULES_MAX_LINE + 1], why[200];
	md_status st = MD_OK;

	if (out == NULL || (text == NULL && len > 0))
		return MD_EINVAL;
	*out = NULL;
	a = md_arena_new();
	if (a == NULL)
		return MD_ENOMEM;
	r = md_arena_zalloc(a, sizeof(*r));
	if (r == NULL) {
		md_arena_free(a);
		return MD_ENOMEM;
	}
	r->a = a;
	r->name = md_arena_strdup(a, name ? name : "rules");
	while (off < len && st == MD_OK) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - (text + off)) : len - off;

		lineno++;
		if (ll > MD_RULES_MAX_LINE) {
			snprintf(why, sizeof(why), "line longer than %d bytes", MD_RULES_MAX_LINE);
			st = MD_EPARSE;
			break;
		}
		memcpy(line, text + off, ll);
		line[ll] = '\0';
		if (ll > 0 && line[ll - 1] == '\r')
			line[--ll] = '\0';
		off += (nl ? (size_t)(nl - (text + off)) + 1 : len - off);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		st = load_line(r, line, group, &ngroup, lineno, why, sizeof(why));
	}
	if (st == MD_OK) {
		size_t si, pi;

		for (si = 0; si < r->nsets && st == MD_OK; si++) {
			struct phrase_set *ps = &r->sets[si];

			ps->globs = md_arena_alloc(a, (ps->n ? ps->n : 1) * sizeof(*ps->globs));
			ps->notglobs = md_arena_alloc(a, (ps->nn ? ps->nn : 1) * sizeof(*ps->notglobs));
			if (ps->globs == NULL || ps->notglobs == NULL)
				st = MD_ENOMEM;
			for (pi = 0; st == MD_OK && pi < ps->n; pi++)
				if (!compile_glob(a, ps->pats[pi], &ps->globs[pi]))
					st = MD_ENOMEM;
			for (pi = 0; st == MD_OK && pi < ps->nn; pi++)
				if (!compile_glob(a, ps->nots[pi], &ps->notglobs[pi]))
					st = MD_ENOMEM;
		}
	}
	if (st == MD_OK)
		st = intern_conds(r);
	if (st != MD_OK) {
		if (err != NULL && errlen > 0) {
			if (st == MD_ENOMEM)
				snprintf(err, errlen, "out of memory");
			else
				snprintf(err, errlen, "%s:%u: %s", r->name ? r->name : "rules", lineno, why);
		}
		md_arena_free(a);
		return st;
	}
	*out = r;
	return MD_OK;
}

md_status md_bounce_rules_load(const char *path, md_bounce_rules **out, char *err,
                               size_t errlen)
{
	FILE *f;
	char *buf;
	size_t n = 0, cap = 1 << 16;
	const char *base;
	md_status st;

	if (path == NULL || out == NULL)
		return MD_EINVAL;
	f = fopen(path, "rb");
	if (f == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? MD_ENOTFOUND : MD_EIO;
	}
	buf = md_malloc(cap);
	if (buf == NULL) {
		fclose(f);
		return MD_ENOMEM;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			char *nb;

			if (cap >= (16u << 20)) {
				md_free(buf);
				fclose(f);
				if (err != NULL && errlen > 0)
					snprintf(err, errlen, "%s: larger than 16 MiB", path);
				return MD_ELIMIT;
			}
			nb = md_realloc(buf, cap * 2);
			if (nb == NULL) {
				md_free(buf);
				fclose(f);
				return MD_ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	base = strrchr(path, '/');
	st = md_bounce_rules_load_text(base ? base + 1 : path, buf, n, out, err, errlen);
	md_free(buf);
	return st;
}

void md_bounce_rules_free(md_bounce_rules *r)
{
	if (r != NULL)
		md_arena_free(r->a);
}

size_t md_bounce_rules_count(const md_bounce_rules *r)
{
	return r ? r->nrules : 0;
}

const reason_info *rules_reason(const md_bounce_rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nreasons; i++)
		if (strcmp(r->reasons[i].name, name) == 0)
			return &r->reasons[i];
	return NULL;
}

const char *rules_status_reason(const md_bounce_rules *r, const char *code)
{
	size_t i;

	if (code == NULL || code[0] == '\0')
		return "";
	/* "X.Y.Z": the class and the subject digit rule out most rows
	 * before a strcmp (this runs for every record) */
	for (i = 0; i < r->nstatus; i++) {
		const char *c = r->status[i].code;

		if (c[0] == code[0] && c[1] == code[1] && (c[1] == '\0' || c[2] == code[2]) &&
		    strcmp(c, code) == 0)
			return r->status[i].reason;
	}
	return "";
}

/* The provider of HOST: the first one (in file order) that lists a
 * suffix of it ending on a label boundary; a suffix written with a
 * leading '.' matches subdomains only. */
const char *rules_provider(const md_bounce_rules *r, const char *host)
{
	char lower[256];
	size_t i, hl, best = r->nprov;

	if (host == NULL || host[0] == '\0' || r->nsuffixslots == 0)
		return "";
	hl = strlen(host);
	while (hl > 0 && (host[hl - 1] == '.' || host[hl - 1] == ']' || host[hl - 1] == '>'))
		hl--;
	if (hl >= sizeof(lower))
		return ""; /* no host name is that long (RFC 1035: 253) */
	for (i = 0; i < hl; i++)
		lower[i] = (char)md_tolower(host[i]);
	for (i = 0; i < hl; i++) {
		const struct suffix_slot *sl;

		if (i > 0 && lower[i - 1] != '.')
			continue;
		sl = suffix_slot(r, lower + i, hl - i);
		if (sl->suf != NULL && sl->prov < best)
			best = sl->prov;
		if (i > 0) {
			sl = suffix_slot(r, lower + i - 1, hl - i + 1);
			if (sl->suf != NULL && sl->prov < best)
				best = sl->prov;
		}
	}
	return best < r->nprov ? r->prov[best].name : "";
}

/* --- evaluation --- */

struct eval {
	const md_bigrams *bigrams;
	const md_bounce_rules *r;
	const bounce_rec *rec;
	const char *lower; /* lowercase diagnostic */
	size_t lower_len;
	const char *statusname;
	signed char *setcache; /* -1 unknown, 0 no, 1 yes */
	const char **setwhich;
	signed char *condcache; /* by struct cond.id: -1 unknown, 0 no, 1 yes */
};

static bool set_match(struct eval *e, size_t set)
{
	const struct phrase_set *s = &e->r->sets[set];
	size_t i;

	if (e->setcache[set] >= 0)
		return e->setcache[set] == 1;
	e->setcache[set] = 0;
	for (i = 0; i < s->nn; i++)
		if (glob_match(e->lower, e->lower_len, &s->notglobs[i]))
			return false;
	for (i = 0; i < s->n; i++) {
		if (!md_bigrams_has_all(e->bigrams, s->globs[i].keys, s->globs[i].nkeys))
			continue;
		if (glob_match(e->lower, e->lower_len, &s->globs[i])) {
			e->setcache[set] = 1;
			e->setwhich[set] = s->pats[i];
			break;
		}
	}
	return e->setcache[set] == 1;
}

/* The record's value a field condition compares (not K_TEXT or
 * K_PHRASES: those search the diagnostic). */
static const char *field_value(const struct eval *e, enum cond_key key)
{
	const md_bounce_record *r = &e->rec->r;

	switch (key) {
	case K_STATUS: return r->status;
	case K_STATUSNAME: return e->statusname;
	case K_CODE: return r->replycode;
	case K_COMMAND: return r->smtpcommand;
	case K_DTYPE: return r->diagnostic_type;
	case K_ACTION: return r->action;
	case K_PROVIDER: return r->provider;
	case K_HINT: return e->rec->hint ? e->rec->hint : "";
	case K_TEMPORARY: return r->temporary ? "yes" : "no";
	case K_HASDIAG: return r->diagnostic[0] ? "yes" : "no";
	case K_RHOST: return r->rhost;
	case K_FORMAT: return r->format;
	case K_REASON: return r->reason;
	case K_TEXT:
	case K_PHRASES:
		break;
	}
	return "";
}

static bool cond_holds(struct eval *e, const struct cond *c)
{
	bool v;

	/* the reason changes between the rules and the pseudo lines: never
	 * cached */
	if (c->key != K_REASON && e->condcache[c->id] >= 0)
		return e->condcache[c->id] == 1;
	if (c->key == K_TEXT)
		v = md_bigrams_has_all(e->bigrams, c->text.keys, c->text.nkeys) &&
		    glob_match(e->lower, e->lower_len, &c->text);
	else if (c->key == K_PHRASES)
		v = set_match(e, c->set);
	else
		v = alt_full(c, field_value(e, c->key));
	if (c->neg)
		v = !v;
	e->condcache[c->id] = v;
	return v;
}

/* Do all the conditions of RU hold (tested in its cost order)? *FIRST
 * is set when the first one tested fails. */
static bool rule_holds(struct eval *e, const struct rule *ru, bool *first)
{
	size_t j;

	*first = false;
	for (j = 0; j < ru->nconds; j++)
		if (!cond_holds(e, &ru->conds[ru->order[j]])) {
			*first = j == 0;
			return false;
		}
	return true;
}

/* The status a "pseudo" line gives the decided reason, or NULL. */
static const char *pick_pseudo(struct eval *e)
{
	size_t i;

	for (i = 0; i < e->r->npseudos; i++) {
		const struct rule *ru = &e->r->pseudos[i];
		bool first;

		if (rule_holds(e, ru, &first))
			return ru->reason;
	}
	return NULL;
}

md_status rules_classify(const md_bounce_rules *r, md_bounce *b, bounce_rec *rec,
                         const lowered_text *diag)
{
	struct eval e;
	signed char cache[256], condcache[4096];
	const char *which[256];
	size_t i, j;
	md_buf m;

	e.r = r;
	e.rec = rec;
	e.lower = diag->p;
	e.lower_len = diag->n;
	e.bigrams = &diag->pairs;
	e.statusname = rules_status_reason(r, rec->r.status);
	if (r->nsets <= 256) {
		e.setcache = cache;
		e.setwhich = which;
	} else {
		e.setcache = md_arena_alloc(b->arena, r->nsets);
		e.setwhich = md_arena_alloc(b->arena, r->nsets * sizeof(char *));
		if (e.setcache == NULL || e.setwhich == NULL)
			return MD_ENOMEM;
	}
	memset(e.setcache, -1, r->nsets);
	if (r->ncondids <= sizeof(condcache)) {
		e.condcache = condcache;
	} else {
		e.condcache = md_arena_alloc(b->arena, r->ncondids);
		if (e.condcache == NULL)
			return MD_ENOMEM;
	}
	memset(e.condcache, -1, r->ncondids);
	/* the MTA's own wording says the failure is temporary: the pseudo
	 * status is then 4.0.9xx (Sisimai's soft-bounce pseudo codes) */
	rec->tempwording = r->tempfail < r->nsets && set_match(&e, r->tempfail);
	for (i = 0; i < r->nrules; i++) {
		const struct rule *ru = &r->rules[i];
		bool first;

		if (!rule_holds(&e, ru, &first)) {
			if (first)
				i = ru->skip - 1;
			continue;
		}
		if (strcmp(ru->reason, "@status") == 0)
			rec->r.reason = e.statusname;
		else if (strcmp(ru->reason, "@hint") == 0)
			rec->r.reason = rec->hint && rules_reason(r, rec->hint) ? rec->hint : "";
		else
			rec->r.reason = ru->reason;
		if (rec->r.reason[0] == '\0')
			continue; /* @status or @hint without a reason */
		/* explain: file:line and the positive conditions */
		md_buf_init(&m, 1024);
		{
			char ln[24];
			size_t k = sizeof(ln);
			unsigned v = ru->line;

			/* the line number without printf: this runs for every record */
			do {
				ln[--k] = (char)('0' + v % 10);
				v /= 10;
			} while (v > 0 && k > 0);
			md_buf_puts(&m, r->name);
			md_buf_putc(&m, ':');
			md_buf_append(&m, ln + k, sizeof(ln) - k);
		}
		for (j = 0; j < ru->nconds; j++) {
			const struct cond *c = &ru->conds[j];

			if (c->neg)
				continue;
			md_buf_putc(&m, ' ');
			md_buf_puts(&m, c->src);
			if (c->key == K_PHRASES && e.setwhich[c->set] != NULL) {
				md_buf_puts(&m, " \"");
				md_buf_puts(&m, e.setwhich[c->set]);
				md_buf_putc(&m, '"');
			} else if (c->key == K_STATUSNAME) {
				md_buf_puts(&m, " (");
				md_buf_puts(&m, rec->r.status);
				md_buf_putc(&m, ')');
			}
		}
		rec->r.matched = bounce_strn(b, m.p ? m.p : "", m.n);
		md_buf_free(&m);
		rec->pseudo = pick_pseudo(&e);
		return rec->r.matched ? MD_OK : MD_ENOMEM;
	}
	rec->r.reason = "undefined";
	rec->r.matched = "";
	rec->pseudo = pick_pseudo(&e);
	return MD_OK;
}
