/*
 * bounce.c - read one message as a notice: try the readers in order
 * (feedback report, JSON notification, RFC 3464 DSN, auto-reply, the
 * table of non-standard formats), then complete and classify each
 * recipient's record.
 *
 * Completing a record: a missing or generic (X.0.0) status is refined
 * from the diagnostic text (a code right after the reply code wins); the
 * reply code, SMTP command and remote host come from the text when the
 * notice has no field for them; the provider is found from the remote
 * host, else from the recipient's domain; the rules decide the reason;
 * a notice without any status gets the reason's internal code
 * (Sisimai's 5.0.9xx / 4.0.9xx convention) so every failure has one.
 */
#include "bounce_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"

extern const char md_bounce_rules_builtin_text[];
extern const size_t md_bounce_rules_builtin_len;

/* --- results --- */

const char *bounce_strn(md_bounce *b, const char *p, size_t n)
{
	if (n == 0)
		return "";
	return md_arena_strndup(b->arena, p, n);
}

bounce_rec *bounce_add(md_bounce *b)
{
	bounce_rec *r;

	if (b->n >= MD_BOUNCE_MAX_RECORDS)
		return NULL;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4;
		bounce_rec *v = md_arena_alloc(b->arena, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		if (b->n > 0)
			memcpy(v, b->recs, b->n * sizeof(*v));
		b->recs = v;
		b->cap = cap;
	}
	r = &b->recs[b->n++];
	memset(r, 0, sizeof(*r));
	r->r.recipient = r->r.addresser = r->r.messageid = r->r.action = "";
	r->r.status = r->r.replycode = r->r.diagnostic = r->r.diagnostic_type = "";
	r->r.rhost = r->r.lhost = r->r.smtpcommand = r->r.reason = "";
	r->r.failure_class = r->r.pillar = r->r.provider = r->r.action_hint = "";
	r->r.matched = r->r.feedback_type = r->r.source_ip = r->r.format = "";
	r->r.suspicion = "";
	return r;
}

void md_bounce_free(md_bounce *b)
{
	if (b != NULL)
		md_arena_free(b->arena);
}

md_bounce_kind md_bounce_get_kind(const md_bounce *b)
{
	return b->kind;
}

const char *md_bounce_kind_name(md_bounce_kind k)
{
	switch (k) {
	case MD_BOUNCE_NOT_BOUNCE:
		return "not_bounce";
	case MD_BOUNCE_FAILURE:
		return "failure";
	case MD_BOUNCE_FEEDBACK:
		return "feedback";
	case MD_BOUNCE_AUTOREPLY:
		return "autoreply";
	case MD_BOUNCE_DELIVERED:
		return "delivered";
	}
	return "unknown";
}

size_t md_bounce_count(const md_bounce *b)
{
	return b->n;
}

const md_bounce_record *md_bounce_record_at(const md_bounce *b, size_t i)
{
	return i < b->n ? &b->recs[i].r : NULL;
}

/* --- built-in rules --- */

md_status md_bounce_rules_builtin(md_bounce_rules **out)
{
	char err[256];

	return md_bounce_rules_load_text("bounce-rules.tsv", md_bounce_rules_builtin_text,
	                                 md_bounce_rules_builtin_len, out, err, sizeof(err));
}

/* --- sent log --- */

struct md_sent_log {
	char **ids; /* sorted, without <> */
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

md_status md_sent_log_load(const char *path, md_sent_log **out)
{
	FILE *f;
	md_sent_log *s;
	char line[8192];

	*out = NULL;
	f = fopen(path, "r");
	if (f == NULL)
		return errno == ENOENT ? MD_ENOTFOUND : MD_EIO;
	s = md_calloc(1, sizeof(*s));
	if (s == NULL) {
		fclose(f);
		return MD_ENOMEM;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line;

		while ((p = strchr(p, '<')) != NULL) {
			char *gt = strchr(p, '>');

			if (gt == NULL)
				break;
			if (memchr(p, '@', (size_t)(gt - p)) != NULL && gt - p > 2) {
				if (s->n == s->cap) {
					size_t cap = s->cap ? s->cap * 2 : 64;
					char **v = md_realloc(s->ids, cap * sizeof(*v));

					if (v == NULL)
						goto nomem;
					s->ids = v;
					s->cap = cap;
				}
				s->ids[s->n] = md_strndup(p + 1, (size_t)(gt - p - 1));
				if (s->ids[s->n] == NULL)
					goto nomem;
				s->n++;
			}
			p = gt + 1;
		}
	}
	fclose(f);
	if (s->n > 0)
		qsort(s->ids, s->n, sizeof(*s->ids), cmp_str);
	*out = s;
	return MD_OK;
nomem:
	fclose(f);
	md_sent_log_free(s);
	return MD_ENOMEM;
}

void md_sent_log_free(md_sent_log *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		md_free(s->ids[i]);
	md_free(s->ids);
	md_free(s);
}

size_t md_sent_log_count(const md_sent_log *s)
{
	return s ? s->n : 0;
}

bool sent_log_has(const md_sent_log *s, const char *id);
bool sent_log_has(const md_sent_log *s, const char *id)
{
	return s != NULL && s->n > 0 &&
	       bsearch(&id, s->ids, s->n, sizeof(*s->ids), cmp_str) != NULL;
}

/* --- completing a record --- */

/* A status code that follows a reply code in TEXT ("550 5.1.1",
 * "550-5.7.1", "550-'5.7.1"), else the first one. */
static bool best_status(const char *t, size_t n, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; i + 4 < n; i++) {
		size_t j;

		if ((t[i] != '4' && t[i] != '5') || !md_isdigit(t[i + 1]) || !md_isdigit(t[i + 2]))
			continue;
		if (i > 0 && (md_isalnum(t[i - 1]) || t[i - 1] == '.'))
			continue;
		j = i + 3;
		if (j >= n || (t[j] != ' ' && t[j] != '-'))
			continue;
		j++;
		while (j < n && (t[j] == '\'' || t[j] == '"' || t[j] == ' ') && j < i + 6)
			j++;
		if (j + 5 <= n && t[j] == t[i] && t[j + 1] == '.' &&
		    text_find_status(t + j, n - j, out, outlen) && out[0] == t[i] &&
		    memcmp(out, t + j, strlen(out)) == 0)
			return true;
	}
	return text_find_status(t, n, out, outlen);
}

/* A status code right after a reply code of the same class. */
static bool attached_status(const char *t, size_t n, char *out, size_t outlen)
{
	if (!best_status(t, n, out, outlen))
		return false;
	{
		/* best_status returns the attached one when there is one: check */
		const char *p = strstr(t, out);

		while (p != NULL) {
			const char *q = p;

			while (q > t && (q[-1] == ' ' || q[-1] == '-' || q[-1] == '\'' || q[-1] == '"') &&
			       p - q < 3)
				q--;
			if (q - t >= 3 && (q[-3] == '4' || q[-3] == '5') && q[-3] == out[0] &&
			    q[-2] >= '0' && q[-2] <= '9' && q[-1] >= '0' && q[-1] <= '9')
				return true;
			p = strstr(p + 1, out);
		}
	}
	return false;
}

md_status lowered_text_set(md_bounce *b, lowered_text *lt, const char *p, size_t n)
{
	char *l = md_arena_alloc(b->arena, n + 1);

	if (l == NULL)
		return MD_ENOMEM;
	lowered_text_fill(lt, l, p, n);
	return MD_OK;
}

static bool generic_status(const char *s)
{
	size_t n = strlen(s);

	return n == 0 || (n >= 5 && strcmp(s + 1, ".0.0") == 0);
}

static md_status complete(md_bounce *b, const md_bounce_rules *rules, bounce_rec *rec,
                          const char *bounce_to)
{
	md_bounce_record *r = &rec->r;
	const char *d = r->diagnostic;
	size_t dn = strlen(d);
	char buf[256];
	const reason_info *ri;
	lowered_text low;
	md_status st;

	if (rec->status_comment != NULL && rec->status_comment[0] != '\0' &&
	    strstr(d, rec->status_comment) == NULL) {
		/* the rules read the Status comment with the diagnostic */
		size_t cl = strlen(rec->status_comment);
		char *both = md_arena_alloc(b->arena, dn + cl + 2);

		if (both == NULL)
			return MD_ENOMEM;
		memcpy(both, d, dn);
		both[dn] = ' ';
		memcpy(both + dn + 1, rec->status_comment, cl + 1);
		st = lowered_text_set(b, &low, both, dn + 1 + cl);
	} else {
		st = lowered_text_set(b, &low, d, dn);
	}
	if (st != MD_OK)
		return st;

	if (r->addresser[0] == '\0')
		r->addresser = b->addresser && b->addresser[0] ? b->addresser : bounce_to;
	if (r->messageid[0] == '\0' && b->messageid)
		r->messageid = b->messageid;
	if (r->lhost[0] == '\0' && b->lhost)
		r->lhost = b->lhost;
	if (r->format[0] == '\0')
		r->format = b->format ? b->format : "";
	if (dn > 0) {
		if (attached_status(d, dn, buf, sizeof(buf))) {
			/* the code the remote server gave with its reply ("550 5.7.1")
			 * is more precise than the reporting MTA's Status field */
			r->status = bounce_strn(b, buf, strlen(buf));
		} else if (generic_status(r->status) && best_status(d, dn, buf, sizeof(buf))) {
			/* a more precise code of the same class, or any code when
			 * the notice gave none */
			if (r->status[0] == '\0' || buf[0] == r->status[0])
				r->status = bounce_strn(b, buf, strlen(buf));
		}
		if (r->replycode[0] == '\0') {
			/* a delivery that failed was refused by a 4xx or 5xx reply;
			 * only a success report takes a 2xx one */
			bool success = r->status[0] == '2' || strcmp(r->action, "delivered") == 0 ||
			               strcmp(r->action, "relayed") == 0 || strcmp(r->action, "expanded") == 0;

			if (success ? text_find_replycode(d, dn, buf) : text_find_failure_replycode(d, dn, buf))
				r->replycode = bounce_strn(b, buf, 3);
		}
		if (r->smtpcommand[0] == '\0') {
			const char *c = text_find_command_lowered(&low);

			if (c != NULL)
				r->smtpcommand = c;
		}
		if (r->rhost[0] == '\0' && text_find_rhost(d, dn, buf, sizeof(buf)))
			r->rhost = bounce_strn(b, buf, strlen(buf));
	}
	/* a reply code and a status of different classes: trust the status
	 * class for "temporary" only when there is no reply code */
	r->temporary = r->replycode[0] == '4' || (r->replycode[0] == '\0' && r->status[0] == '4') ||
	               strcmp(r->action, "delayed") == 0;
	r->provider = rules_provider(rules, r->rhost);
	if (r->provider[0] == '\0') {
		const char *at = strrchr(r->recipient, '@');

		if (at != NULL)
			r->provider = rules_provider(rules, at + 1);
	}
	if (r->provider[0] == '\0')
		r->provider = rules_provider(rules, r->lhost);
	st = rules_classify(rules, b, rec, &low);
	if (st != MD_OK)
		return st;
	ri = rules_reason(rules, r->reason);
	if (ri == NULL)
		ri = rules_reason(rules, "undefined");
	if (r->status[0] == '\0' && (rec->pseudo != NULL || (ri != NULL && ri->pseudo[0] != '\0'))) {
		char ps[16];

		snprintf(ps, sizeof(ps), "%s", rec->pseudo != NULL ? rec->pseudo : ri->pseudo);
		if (r->temporary || rec->tempwording)
			ps[0] = '4';
		r->status = bounce_strn(b, ps, strlen(ps));
	}
	if (ri != NULL) {
		r->hardbounce = ri->hard == 1 || (ri->hard == 2 && !r->temporary && r->status[0] != '4');
		r->failure_class = ri->failure_class;
		if (!r->hardbounce && strcmp(r->failure_class, "hard_bounce") == 0)
			r->failure_class = "soft_bounce";
		if (r->hardbounce)
			r->failure_class = "hard_bounce";
		r->pillar = ri->pillar;
		r->retryable = ri->retryable || (r->temporary && !r->hardbounce);
		r->action_hint = ri->hint;
	}
	if (r->action[0] == '\0') {
		if (strcmp(r->reason, "delivered") == 0)
			r->action = "delivered";
		else if (strcmp(r->reason, "feedback") != 0 && strcmp(r->reason, "vacation") != 0)
			r->action = r->temporary ? "delayed" : "failed";
	}
	return MD_OK;
}

/* Does the notice come from a mail system rather than a person? */
static bool from_mailer(const md_fields *h)
{
	static const char *const locals[] = {"mailer-daemon", "postmaster", "mail delivery",
	                                     "mailer_daemon", "mail-daemon", NULL};
	const char *from = md_fields_get(h, "from");
	size_t i;
	md_str f;

	if (from == NULL)
		return false;
	f = md_str_c(from);
	for (i = 0; locals[i]; i++) {
		size_t k, n = strlen(locals[i]);

		for (k = 0; k + n <= f.n; k++)
			if (md_str_ieq((md_str){f.p + k, n}, md_str_c(locals[i])))
				return true;
	}
	return false;
}

md_status md_bounce_parse(const md_message *m, const md_bounce_opts *opts, md_bounce **out)
{
	md_bounce_opts none = {0};
	const md_bounce_rules *rules;
	md_bounce_rules *own = NULL;
	const md_fields *h;
	md_bounce *b;
	md_arena *a;
	bool found = false;
	const char *bounce_to = "";
	md_status st;
	size_t i;

	if (m == NULL || out == NULL)
		return MD_EINVAL;
	*out = NULL;
	if (opts == NULL)
		opts = &none;
	rules = opts->rules;
	if (rules == NULL) {
		st = md_bounce_rules_builtin(&own);
		if (st != MD_OK)
			return st;
		rules = own;
	}
	a = md_arena_new();
	if (a == NULL) {
		md_bounce_rules_free(own);
		return MD_ENOMEM;
	}
	b = md_arena_zalloc(a, sizeof(*b));
	if (b == NULL) {
		md_arena_free(a);
		md_bounce_rules_free(own);
		return MD_ENOMEM;
	}
	b->arena = a;
	b->kind = MD_BOUNCE_NOT_BOUNCE;
	h = md_part_headers(md_message_root(m));
	st = read_original(b, m);
	if (st == MD_OK)
		st = read_arf(b, m, &found);
	if (st == MD_OK && !found)
		st = read_json(b, m, &found);
	if (st == MD_OK && !found) {
		st = read_text_first(b, m, &found);
		if (found)
			b->kind = MD_BOUNCE_FAILURE;
	}
	if (st == MD_OK && !found) {
		st = read_dsn(b, m, &found);
		if (found)
			b->kind = MD_BOUNCE_FAILURE;
	}
	if (st == MD_OK && !found && !from_mailer(h) &&
	    md_fields_find(h, "x-failed-recipients", 0) == NULL)
		st = read_autoreply(b, m, &found);
	if (st == MD_OK && !found) {
		st = read_text(b, m, &found);
		if (found)
			b->kind = MD_BOUNCE_FAILURE;
	}
	if (st == MD_OK) {
		const char *to = md_fields_get(h, "to");
		size_t s, l;

		if (to != NULL && text_find_address(to, strlen(to), &s, &l))
			bounce_to = bounce_strn(b, to + s, l);
	}
	for (i = 0; st == MD_OK && i < b->n; i++)
		st = complete(b, rules, &b->recs[i], bounce_to ? bounce_to : "");
	if (st == MD_OK && b->kind == MD_BOUNCE_FAILURE && b->n > 0) {
		bool all_ok = true;

		for (i = 0; i < b->n; i++)
			if (strcmp(b->recs[i].r.reason, "delivered") != 0)
				all_ok = false;
		if (all_ok)
			b->kind = MD_BOUNCE_DELIVERED;
	}
	if (st == MD_OK && b->n > 0)
		st = check_suspicious(b, m, opts);
	md_bounce_rules_free(own);
	if (st != MD_OK) {
		md_arena_free(a);
		return st;
	}
	*out = b;
	return MD_OK;
}
