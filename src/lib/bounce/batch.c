/*
 * batch.c - many messages' records into one report: the "records" JSON
 * array (streamed one per line by NDJSON), the "bounces" table (text and
 * CSV), counts by reason, provider and class, and one finding per kind
 * of problem (never one per record: a mailbox of a million bounces gives
 * a handful of findings).
 *
 * With a sink (md_bounce_batch_set_sink) the records are not kept: each
 * is written at once as an NDJSON line (ndjson.c) into a buffer handed
 * to the sink every MD_BATCH_FLUSH bytes, so memory stays flat however
 * many records a mailbox holds; counts and findings are the same.
 */
#include "bounce_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/report_internal.h"
#include "ndjson.h"

/* Distinct keys counted per dimension (reasons are ~36; providers and
 * classes fewer); more are counted as "other". */
#define MD_BATCH_MAX_KEYS 64
/* Example recipients kept per finding. */
#define MD_BATCH_EXAMPLES 3
/* Streamed NDJSON is handed to the sink in writes of about this size. */
#define MD_BATCH_FLUSH (64u * 1024)
/* Longest NDJSON line buffered: a record holds a few KiB (its diagnostic
 * is cut at MD_BOUNCE_MAX_DIAG); a bigger one cannot come from a message
 * within MD_MIME_DEFAULT_MAX_MESSAGE_BYTES and is refused (MD_ELIMIT). */
#define MD_BATCH_MAX_LINE (64u * 1024 * 1024)

struct counter {
	char *key[MD_BATCH_MAX_KEYS];
	size_t n[MD_BATCH_MAX_KEYS];
	size_t nkeys, other;
};

struct pillar_acc {
	size_t count;
	struct counter reasons;
	char *example;  /* first diagnostic seen */
	char *recipients[MD_BATCH_EXAMPLES];
	size_t nrcpt;
};

struct md_bounce_batch {
	md_report *r;
	json_t *records;
	md_table *table;
	bool wide;
	size_t messages, failures, feedback, autoreplies, delivered, not_bounces, unreadable;
	size_t nrecords, hard, backscatter, phishing;
	struct counter by_reason, by_provider, by_class;
	struct pillar_acc pillars[5];
	char *backscatter_why, *phishing_why;
	char *unreadable_first;
	/* streaming: records go to SINK as NDJSON lines, through LINES */
	md_sink_fn sink;
	void *sink_ud;
	md_buf lines;
	bool sink_failed;
};

static const char *const wide_cols[] = {
	"file", "index", "recipient", "reason", "status", "replycode", "hardbounce",
	"failure_class", "pillar", "provider", "retryable", "action", "smtpcommand", "rhost",
	"lhost", "addresser", "messageid", "feedback_type", "diagnostic", "action_hint", "matched",
	"backscatter", "phishing",
};
static const char *const narrow_cols[] = {
	"file", "recipient", "reason", "status", "code", "hard", "class", "who acts", "provider",
	"diagnostic",
};

md_bounce_batch *md_bounce_batch_new(md_report *report)
{
	md_bounce_batch *b = md_calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->r = report;
	b->records = json_array();
	if (b->records == NULL) {
		md_free(b);
		return NULL;
	}
	return b;
}

void md_bounce_batch_set_wide(md_bounce_batch *b, bool wide)
{
	b->wide = wide;
}

void md_bounce_batch_set_sink(md_bounce_batch *b, md_sink_fn sink, void *ud)
{
	b->sink = sink;
	b->sink_ud = ud;
	md_buf_free(&b->lines);
	md_buf_init(&b->lines, MD_BATCH_FLUSH + MD_BATCH_MAX_LINE);
}

/* Hand the buffered lines to the sink; a refusal is kept (MD_EIO). */
static md_status flush_lines(md_bounce_batch *b)
{
	if (!b->sink_failed && b->lines.n > 0 && b->sink(b->sink_ud, b->lines.p, b->lines.n) != 0)
		b->sink_failed = true;
	md_buf_reset(&b->lines);
	return b->sink_failed ? MD_EIO : MD_OK;
}

static void count(struct counter *c, const char *key)
{
	size_t i;

	if (key == NULL || key[0] == '\0')
		key = "(none)";
	for (i = 0; i < c->nkeys; i++)
		if (strcmp(c->key[i], key) == 0) {
			c->n[i]++;
			return;
		}
	if (c->nkeys == MD_BATCH_MAX_KEYS || (c->key[c->nkeys] = md_strdup(key)) == NULL) {
		c->other++;
		return;
	}
	c->n[c->nkeys++] = 1;
}

static void counter_free(struct counter *c)
{
	size_t i;

	for (i = 0; i < c->nkeys; i++)
		md_free(c->key[i]);
}

void md_bounce_batch_free(md_bounce_batch *b)
{
	size_t i, j;

	if (b == NULL)
		return;
	json_decref(b->records);
	md_buf_free(&b->lines);
	counter_free(&b->by_reason);
	counter_free(&b->by_provider);
	counter_free(&b->by_class);
	for (i = 0; i < 5; i++) {
		counter_free(&b->pillars[i].reasons);
		md_free(b->pillars[i].example);
		for (j = 0; j < b->pillars[i].nrcpt; j++)
			md_free(b->pillars[i].recipients[j]);
	}
	md_free(b->backscatter_why);
	md_free(b->phishing_why);
	md_free(b->unreadable_first);
	md_free(b);
}

static int pillar_index(const char *p)
{
	static const char *const names[] = {"authentication", "reputation", "infrastructure",
	                                    "content_behaviour", "recipient"};
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(p, names[i]) == 0)
			return i;
	return -1;
}

static md_status add_row(md_bounce_batch *b, const md_bounce_record *r, const char *file,
                         size_t index)
{
	char idx[32], shortdiag[64], where[512];

	snprintf(idx, sizeof(idx), "%zu", index);
	if (b->table == NULL) {
		b->table = b->wide ? md_report_add_table(b->r, "bounces", sizeof(wide_cols) / sizeof(wide_cols[0]), wide_cols)
		                   : md_report_add_table(b->r, "bounces", sizeof(narrow_cols) / sizeof(narrow_cols[0]), narrow_cols);
		if (b->table == NULL)
			return MD_ENOMEM;
	}
	if (b->wide) {
		const char *v[] = {
			file, idx, r->recipient, r->reason, r->status, r->replycode,
			r->hardbounce ? "true" : "false", r->failure_class, r->pillar, r->provider,
			r->retryable ? "true" : "false", r->action, r->smtpcommand, r->rhost, r->lhost,
			r->addresser, r->messageid, r->feedback_type, r->diagnostic, r->action_hint,
			r->matched, r->backscatter ? "true" : "false", r->phishing ? "true" : "false",
		};

		return md_table_add_row(b->r, b->table, v);
	}
	snprintf(shortdiag, sizeof(shortdiag), "%.56s%s", r->diagnostic,
	         strlen(r->diagnostic) > 56 ? "..." : "");
	if (index > 1)
		snprintf(where, sizeof(where), "%s#%zu", file, index);
	else
		snprintf(where, sizeof(where), "%s", file);
	{
		const char *v[] = {where, r->recipient, r->reason, r->status, r->replycode,
		                   r->hardbounce ? "yes" : "no", r->failure_class, r->pillar,
		                   r->provider, shortdiag};

		return md_table_add_row(b->r, b->table, v);
	}
}

md_status md_bounce_batch_add(md_bounce_batch *b, const char *file, size_t index,
                              const md_bounce *res)
{
	size_t i;
	const char *kind = md_bounce_kind_name(res->kind);
	md_status st;

	b->messages++;
	switch (res->kind) {
	case MD_BOUNCE_NOT_BOUNCE:
		b->not_bounces++;
		return b->sink_failed ? MD_EIO : MD_OK;
	case MD_BOUNCE_FAILURE:
		b->failures++;
		break;
	case MD_BOUNCE_FEEDBACK:
		b->feedback++;
		break;
	case MD_BOUNCE_AUTOREPLY:
		b->autoreplies++;
		break;
	case MD_BOUNCE_DELIVERED:
		b->delivered++;
		break;
	}
	for (i = 0; i < res->n; i++) {
		const md_bounce_record *r = &res->recs[i].r;
		int pi;

		if (b->sink != NULL) {
			if (!b->sink_failed) {
				st = bounce_ndjson_record(&b->lines, r, file, index, kind);
				if (st != MD_OK)
					return st;
			}
		} else {
			json_t *o = bounce_record_json(r, file, index, kind);

			if (o == NULL || json_array_append_new(b->records, o) != 0)
				return MD_ENOMEM;
		}
		b->nrecords++;
		count(&b->by_reason, r->reason);
		count(&b->by_provider, r->provider);
		count(&b->by_class, r->failure_class);
		if (r->hardbounce)
			b->hard++;
		if (r->backscatter) {
			b->backscatter++;
			if (b->backscatter_why == NULL)
				b->backscatter_why = md_strdup(r->suspicion);
		}
		if (r->phishing) {
			b->phishing++;
			if (b->phishing_why == NULL)
				b->phishing_why = md_strdup(r->suspicion);
		}
		pi = pillar_index(r->pillar);
		if (pi >= 0 && res->kind == MD_BOUNCE_FAILURE) {
			struct pillar_acc *pa = &b->pillars[pi];

			pa->count++;
			count(&pa->reasons, r->reason);
			if (pa->example == NULL && r->diagnostic[0])
				pa->example = md_strdup(r->diagnostic);
			if (pa->nrcpt < MD_BATCH_EXAMPLES && r->recipient[0])
				pa->recipients[pa->nrcpt] = md_strdup(r->recipient), pa->nrcpt++;
		}
		if (b->sink != NULL)
			continue;
		st = add_row(b, r, file, index);
		if (st != MD_OK)
			return st;
	}
	if (b->sink != NULL && (b->sink_failed || b->lines.n >= MD_BATCH_FLUSH))
		return flush_lines(b);
	return MD_OK;
}

md_status md_bounce_batch_add_error(md_bounce_batch *b, const char *file, size_t index,
                                    const char *error)
{
	b->unreadable++;
	if (b->unreadable_first == NULL) {
		char line[1024];

		snprintf(line, sizeof(line), "%s#%zu: %s", file, index, error);
		b->unreadable_first = md_strdup(line);
	}
	return MD_OK;
}

static int cmp_desc(const void *a, const void *b, void *c)
{
	const struct counter *ct = c;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;

	if (ct->n[ia] != ct->n[ib])
		return ct->n[ia] > ct->n[ib] ? -1 : 1;
	return strcmp(ct->key[ia], ct->key[ib]);
}

/* "userunknown 120, mailboxfull 32" and a JSON object of the counts. */
static md_status counter_out(md_bounce_batch *b, struct counter *c, const char *summary_key,
                             const char *json_key, json_t *summary)
{
	size_t idx[MD_BATCH_MAX_KEYS], i;
	md_buf line;
	json_t *o = json_object();

	if (o == NULL)
		return MD_ENOMEM;
	for (i = 0; i < c->nkeys; i++)
		idx[i] = i;
	qsort_r(idx, c->nkeys, sizeof(idx[0]), cmp_desc, c);
	md_buf_init(&line, 1 << 16);
	for (i = 0; i < c->nkeys; i++) {
		md_buf_printf(&line, "%s%s %zu", i ? ", " : "", c->key[idx[i]], c->n[idx[i]]);
		json_object_set_new(o, c->key[idx[i]], json_integer((json_int_t)c->n[idx[i]]));
	}
	if (c->other > 0) {
		md_buf_printf(&line, "%sother %zu", c->nkeys ? ", " : "", c->other);
		json_object_set_new(o, "other", json_integer((json_int_t)c->other));
	}
	if (line.n > 0)
		md_report_summary(b->r, summary_key, "%s", line.p);
	md_buf_free(&line);
	json_object_set_new(summary, json_key, o);
	return MD_OK;
}

struct pillar_text {
	const char *id;
	md_pillar pillar;
	md_severity sev;
	const char *title;
	const char *explanation;
	const char *fix;
	const char *ref;
};

static const struct pillar_text pillar_texts[5] = {
	{"bounce.authentication", MD_PILLAR_AUTHENTICATION, MD_SEV_ERROR,
	 "%zu recipient(s) rejected because the message failed authentication (%s)",
	 "Receivers refused the mail because SPF, DKIM or DMARC did not pass or align. This is not a "
	 "problem with the addresses: every receiver that enforces authentication will refuse it.",
	 "Check the sending domain with 'maildiag spf', 'maildiag dkim' and 'maildiag dmarc' (or "
	 "'maildiag auth' on a copy of the message): publish SPF for every sending IP, sign with DKIM aligned to the From domain, and keep DMARC alignment.",
	 "RFC 7489 section 6.6"},
	{"bounce.reputation", MD_PILLAR_REPUTATION, MD_SEV_ERROR,
	 "%zu recipient(s) refused because of the sender's reputation (%s)",
	 "The receiver blocked the sending IP or domain (a blocklist, a poor reputation or mail it "
	 "judged as spam). Retrying from the same IP will not help.",
	 "Check the sending IPs with 'maildiag dnsbl IP', request delisting where listed, slow down, "
	 "and review list hygiene and complaint rates.",
	 "RFC 5321 section 4.2.5"},
	{"bounce.infrastructure", MD_PILLAR_INFRASTRUCTURE, MD_SEV_WARNING,
	 "%zu recipient(s) failed because of mail infrastructure (%s)",
	 "DNS, reverse DNS, TLS, network or server trouble stopped delivery; some of it is on the "
	 "sending side (PTR, TLS), some on the receiving side.",
	 "Check reverse DNS of the sending IPs ('maildiag ptr'), the receiving MX ('maildiag mx'), "
	 "and retry the temporary failures.",
	 "RFC 3463 section 3.5"},
	{"bounce.content", MD_PILLAR_CONTENT_BEHAVIOUR, MD_SEV_WARNING,
	 "%zu recipient(s) refused because of the content or sending behaviour (%s)",
	 "The receiver objected to the message itself (spam-like content, policy, size, format) or to "
	 "how fast it arrived.",
	 "Review the message content and size, follow the receiver's policy text in the diagnostic, "
	 "and reduce the sending rate to that provider.",
	 "RFC 3463 section 3.7"},
	{"bounce.recipient", MD_PILLAR_RECIPIENT, MD_SEV_WARNING,
	 "%zu recipient(s) could not receive mail (%s)",
	 "The addresses do not exist, moved, or their mailboxes are full or suspended. Dead "
	 "addresses hurt the sender's reputation if mail keeps going to them.",
	 "Remove hard-bounced addresses from the list now; retry soft bounces (mailbox full) later "
	 "and remove them if they keep failing.",
	 "RFC 3463 section 3.2"},
};

md_status md_bounce_batch_finish(md_bounce_batch *b)
{
	json_t *summary = json_object();
	md_status st = MD_OK, out_st = MD_OK;
	size_t i;

	if (summary == NULL)
		return MD_ENOMEM;
	if (b->sink != NULL)
		out_st = flush_lines(b);
	md_report_set_stream_key(b->r, "records");
	md_report_summary(b->r, "messages",
	                  "%zu (%zu failure notices, %zu feedback reports, %zu auto-replies, "
	                  "%zu delivery reports, %zu not bounces, %zu unreadable)",
	                  b->messages + b->unreadable, b->failures, b->feedback, b->autoreplies,
	                  b->delivered, b->not_bounces, b->unreadable);
	md_report_summary(b->r, "records", "%zu (%zu hard bounces)", b->nrecords, b->hard);
	json_object_set_new(summary, "messages", json_integer((json_int_t)(b->messages + b->unreadable)));
	json_object_set_new(summary, "failure_notices", json_integer((json_int_t)b->failures));
	json_object_set_new(summary, "feedback_reports", json_integer((json_int_t)b->feedback));
	json_object_set_new(summary, "autoreplies", json_integer((json_int_t)b->autoreplies));
	json_object_set_new(summary, "delivery_reports", json_integer((json_int_t)b->delivered));
	json_object_set_new(summary, "not_bounces", json_integer((json_int_t)b->not_bounces));
	json_object_set_new(summary, "unreadable", json_integer((json_int_t)b->unreadable));
	json_object_set_new(summary, "records", json_integer((json_int_t)b->nrecords));
	json_object_set_new(summary, "hard_bounces", json_integer((json_int_t)b->hard));
	st = counter_out(b, &b->by_reason, "by reason", "by_reason", summary);
	if (st == MD_OK)
		st = counter_out(b, &b->by_provider, "by provider", "by_provider", summary);
	if (st == MD_OK)
		st = counter_out(b, &b->by_class, "by class", "by_class", summary);
	md_report_set_json_value(b->r, "summary", summary);
	if (b->sink == NULL)
		md_report_set_json_value(b->r, "records", json_incref(b->records));
	/* one finding per pillar with failures */
	for (i = 0; i < 5 && st == MD_OK; i++) {
		struct pillar_acc *pa = &b->pillars[i];
		const struct pillar_text *pt = &pillar_texts[i];
		md_buf reasons, subj;
		md_finding *f;
		size_t k;

		if (pa->count == 0)
			continue;
		md_buf_init(&reasons, 4096);
		md_buf_init(&subj, 4096);
		for (k = 0; k < pa->reasons.nkeys; k++)
			md_buf_printf(&reasons, "%s%s %zu", k ? ", " : "", pa->reasons.key[k], pa->reasons.n[k]);
		for (k = 0; k < pa->nrcpt; k++)
			md_buf_printf(&subj, "%s%s", k ? ", " : "", pa->recipients[k]);
		if (pa->count > pa->nrcpt)
			md_buf_printf(&subj, "%s...", pa->nrcpt ? ", " : "");
		f = md_report_add(b->r, pt->id, pt->sev, pt->pillar, subj.p ? subj.p : "", "");
		if (f != NULL) {
			md_finding_set_title(b->r, f, pt->title, pa->count, reasons.p ? reasons.p : "");
			if (pa->example)
				md_finding_set_evidence(b->r, f, "%s", pa->example);
			md_finding_set_explanation(b->r, f, "%s", pt->explanation);
			md_finding_set_fix(b->r, f, "%s", pt->fix);
			md_finding_add_ref(b->r, f, pt->ref);
		} else
			st = MD_ENOMEM;
		md_buf_free(&reasons);
		md_buf_free(&subj);
	}
	if (st == MD_OK && b->backscatter > 0) {
		md_finding *f = md_report_add(b->r, "bounce.backscatter", MD_SEV_WARNING,
		                              MD_PILLAR_AUTHENTICATION, "bounces",
		                              "bounces about mail you never sent (backscatter)");

		if (f != NULL) {
			md_finding_set_title(b->r, f, "%zu record(s) are bounces about mail you never sent (backscatter)",
			                     b->backscatter);
			md_finding_set_evidence(b->r, f, "%s", b->backscatter_why ? b->backscatter_why : "");
			md_finding_set_explanation(b->r, f, "%s",
			                           "Someone sends mail with your domain as the sender; receivers bounce it back to "
			                           "you. It means your domain is being spoofed: DMARC at p=quarantine or p=reject "
			                           "makes receivers drop such mail instead of delivering or bouncing it.");
			md_finding_set_fix(b->r, f, "%s",
			                   "Move DMARC toward enforcement (p=quarantine, then p=reject) once your own mail "
			                   "passes; do not act on these bounces (the addresses were never yours to clean).");
			md_finding_add_ref(b->r, f, "RFC 7489 section 6.3");
			md_finding_add_ref(b->r, f, "RFC 3834 section 2");
		}
	}
	if (st == MD_OK && b->phishing > 0) {
		md_finding *f = md_report_add(b->r, "bounce.phishing", MD_SEV_ERROR,
		                              MD_PILLAR_AUTHENTICATION, "bounces",
		                              "fake delivery-failure notices (phishing)");

		if (f != NULL) {
			md_finding_set_title(b->r, f, "%zu notice(s) look like fake delivery failures (phishing)",
			                     b->phishing);
			md_finding_set_evidence(b->r, f, "%s", b->phishing_why ? b->phishing_why : "");
			md_finding_set_explanation(b->r, f, "%s",
			                           "Real bounces return the original message or its headers and link only to the "
			                           "provider's help pages. A notice that returns nothing and asks you to click "
			                           "elsewhere is a lure; when it claims to come from your domain, your domain is "
			                           "being spoofed.");
			md_finding_set_fix(b->r, f, "%s",
			                   "Do not follow its links; report it; publish DMARC with p=quarantine or "
			                   "p=reject so spoofed mail from your domain is refused.");
			md_finding_add_ref(b->r, f, "RFC 7489 section 6.3");
		}
	}
	if (st == MD_OK && b->unreadable > 0) {
		md_finding *f = md_report_add(b->r, "input.unreadable", MD_SEV_ERROR,
		                              MD_PILLAR_INFRASTRUCTURE, "input",
		                              "some inputs could not be read");

		if (f != NULL) {
			md_finding_set_title(b->r, f, "%zu input(s) could not be read", b->unreadable);
			md_finding_set_evidence(b->r, f, "%s", b->unreadable_first ? b->unreadable_first : "");
		}
	}
	if (st == MD_OK && b->not_bounces > 0) {
		md_finding *f = md_report_add(b->r, "bounce.not_bounce", MD_SEV_NOTICE,
		                              MD_PILLAR_RECIPIENT, "input",
		                              "messages that are not bounces");

		if (f != NULL)
			md_finding_set_title(b->r, f, "%zu message(s) are not bounces, feedback reports or auto-replies",
			                     b->not_bounces);
	}
	if (st == MD_OK && out_st != MD_OK)
		return out_st;
	return st == MD_OK ? md_report_status(b->r) : st;
}
