/*
 * json.c - notices that are JSON documents: Amazon SES event
 * notifications (Bounce, Complaint, Delivery), possibly wrapped in an SNS
 * envelope whose "Message" member is the notification as a string.
 *
 * Shape (SES developer guide, "notification contents"):
 *     { "notificationType": "Bounce"|"Complaint"|"Delivery",
 *       "bounce": { "bounceType", "bouncedRecipients": [ { "emailAddress",
 *                   "action", "status", "diagnosticCode" } ], "reportingMTA" },
 *       "complaint": { "complainedRecipients": [ { "emailAddress" } ],
 *                      "complaintFeedbackType" },
 *       "delivery": { "recipients": [ ... ], "smtpResponse", "reportingMTA" },
 *       "mail": { "source", "messageId", "destination": [ ... ] } }
 * Limit: the document is at most MD_JSON_MAX_BYTES.
 */
#include "bounce_internal.h"

#include <jansson.h>
#include <string.h>

#include "core/ascii.h"

#define MD_JSON_MAX_BYTES (4u * 1024 * 1024)

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *dup_or_empty(md_bounce *b, const char *s)
{
	return s ? bounce_strn(b, s, strlen(s)) : "";
}

static md_status fill_common(md_bounce *b, bounce_rec *rec, json_t *mail)
{
	const char *src = jstr(mail, "source");

	if (src != NULL && (b->addresser == NULL || b->addresser[0] == '\0'))
		b->addresser = dup_or_empty(b, src);
	(void)rec;
	return MD_OK;
}

static md_status from_doc(md_bounce *b, json_t *doc, bool *found)
{
	const char *type = jstr(doc, "notificationType");
	json_t *mail = json_object_get(doc, "mail");
	size_t i;

	if (type == NULL)
		type = jstr(doc, "eventType");
	if (type == NULL)
		return MD_OK;
	if (strcmp(type, "Bounce") == 0) {
		json_t *bo = json_object_get(doc, "bounce"), *rs = json_object_get(bo, "bouncedRecipients");
		const char *rmta = jstr(bo, "reportingMTA");
		const char *btype = jstr(bo, "bounceType"), *bsub = jstr(bo, "bounceSubType");

		for (i = 0; i < json_array_size(rs); i++) {
			json_t *r = json_array_get(rs, i);
			bounce_rec *rec = bounce_add(b);
			const char *dc = jstr(r, "diagnosticCode"), *semi;
			char buf[16];

			if (rec == NULL)
				return MD_ENOMEM;
			rec->r.recipient = dup_or_empty(b, jstr(r, "emailAddress"));
			rec->r.action = dup_or_empty(b, jstr(r, "action"));
			rec->r.status = dup_or_empty(b, jstr(r, "status"));
			if (dc != NULL) {
				semi = strchr(dc, ';');
				if (semi != NULL && semi - dc < 16) {
					rec->r.diagnostic_type = "SMTP";
					dc = semi + 1;
				}
				rec->r.diagnostic = text_one_line(b, dc, strlen(dc));
				if (text_find_replycode(dc, strlen(dc), buf))
					rec->r.replycode = bounce_strn(b, buf, 3);
			} else if (bsub != NULL) {
				/* no diagnostic: SES's own classification is the evidence */
				rec->r.diagnostic = md_arena_printf(b->arena, "%s %s", btype ? btype : "", bsub);
				if (strcmp(bsub, "Suppressed") == 0 || strcmp(bsub, "OnAccountSuppressionList") == 0)
					rec->hint = "suppressed";
			}
			if (rmta != NULL)
				rec->r.lhost = dup_or_empty(b, strchr(rmta, ';') ? strchr(rmta, ';') + 1 + (strchr(rmta, ';')[1] == ' ') : rmta);
			fill_common(b, rec, mail);
			*found = true;
		}
		b->kind = MD_BOUNCE_FAILURE;
	} else if (strcmp(type, "Complaint") == 0) {
		json_t *co = json_object_get(doc, "complaint"), *rs = json_object_get(co, "complainedRecipients");
		const char *ft = jstr(co, "complaintFeedbackType");

		for (i = 0; i < json_array_size(rs); i++) {
			bounce_rec *rec = bounce_add(b);

			if (rec == NULL)
				return MD_ENOMEM;
			rec->r.recipient = dup_or_empty(b, jstr(json_array_get(rs, i), "emailAddress"));
			rec->r.feedback_type = dup_or_empty(b, ft ? ft : "abuse");
			rec->hint = "feedback";
			fill_common(b, rec, mail);
			*found = true;
		}
		b->kind = MD_BOUNCE_FEEDBACK;
	} else if (strcmp(type, "Delivery") == 0) {
		json_t *de = json_object_get(doc, "delivery"), *rs = json_object_get(de, "recipients");
		const char *resp = jstr(de, "smtpResponse");

		for (i = 0; i < json_array_size(rs); i++) {
			bounce_rec *rec = bounce_add(b);
			char buf[16];

			if (rec == NULL)
				return MD_ENOMEM;
			rec->r.recipient = dup_or_empty(b, json_string_value(json_array_get(rs, i)));
			rec->r.action = "delivered";
			if (resp != NULL) {
				rec->r.diagnostic = text_one_line(b, resp, strlen(resp));
				rec->r.diagnostic_type = "SMTP";
				if (text_find_status(resp, strlen(resp), buf, sizeof(buf)))
					rec->r.status = bounce_strn(b, buf, strlen(buf));
				if (text_find_replycode(resp, strlen(resp), buf))
					rec->r.replycode = bounce_strn(b, buf, 3);
			}
			fill_common(b, rec, mail);
			*found = true;
		}
		b->kind = MD_BOUNCE_DELIVERED;
	}
	if (*found) {
		const char *mid = jstr(mail, "messageId");

		if (mid != NULL && (b->messageid == NULL || b->messageid[0] == '\0'))
			b->messageid = dup_or_empty(b, mid);
		b->format = "amazonses";
	}
	return MD_OK;
}

md_status read_json(md_bounce *b, const md_message *m, bool *found)
{
	size_t tn, s, e;
	const char *t = notice_text(b, m, &tn, NULL), *open;
	json_t *doc;
	json_error_t jerr;
	md_status st;

	*found = false;
	if (t == NULL || tn == 0)
		return MD_OK;
	open = memchr(t, '{', tn);
	if (open == NULL)
		return MD_OK;
	s = (size_t)(open - t);
	/* only a document that starts the text (after white space) */
	{
		size_t k;

		for (k = 0; k < s; k++)
			if (!md_isspace(t[k]))
				return MD_OK;
	}
	e = tn;
	while (e > s && t[e - 1] != '}')
		e--;
	if (e <= s || e - s > MD_JSON_MAX_BYTES)
		return MD_OK;
	doc = json_loadb(t + s, e - s, JSON_DISABLE_EOF_CHECK, &jerr);
	if (doc == NULL) {
		/* mail transport wrapped long lines ("!" + line end + space, or a
		 * bare line end): join them and try again */
		char *j = md_arena_alloc(b->arena, e - s + 1);
		size_t k = 0, x;

		if (j == NULL)
			return MD_ENOMEM;
		for (x = s; x < e; x++) {
			if (t[x] == '!' && x + 2 < e && (t[x + 1] == '\n' || t[x + 1] == '\r')) {
				x++;
				if (t[x] == '\r' && x + 1 < e && t[x + 1] == '\n')
					x++;
				if (x + 1 < e && t[x + 1] == ' ')
					x++;
				continue;
			}
			if (t[x] == '\n' || t[x] == '\r')
				continue;
			j[k++] = t[x];
		}
		doc = json_loadb(j, k, JSON_DISABLE_EOF_CHECK, &jerr);
		if (doc == NULL)
			return MD_OK;
	}
	if (jstr(doc, "Message") != NULL && jstr(doc, "notificationType") == NULL) {
		/* the SNS envelope: the notification is a JSON string */
		const char *inner = jstr(doc, "Message");
		json_t *d2 = json_loads(inner, 0, &jerr);

		json_decref(doc);
		doc = d2;
		if (doc == NULL)
			return MD_OK;
	}
	st = from_doc(b, doc, found);
	json_decref(doc);
	return st;
}
