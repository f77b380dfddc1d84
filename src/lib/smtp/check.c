/*
 * check.c - md_check_smtp and md_check_smtp_mx: resolve, probe, report.
 *
 * Resolving goes through the injected resolver (so fixture zones and NSD
 * answer it); every address found is probed with probe.c, and each
 * session becomes findings, rows of the "smtp_phases" table and one
 * element of the JSON member "smtp".
 */
#include <pthread.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <maildiag/ptr.h>

#include "core/alloc.h"
#include "core/domain.h"
#include "core/report_internal.h"
#include "probe.h"

/* RFC 5321 5.1 leaves the number of MX hosts open; we probe at most this. */
#define SMTP_DEFAULT_MAX_MX 10
#define SMTP_DEFAULT_MAX_ADDRS 2

static const char *const phase_names[MD_SMTP_PHASE_COUNT] = {
	"resolve", "connect", "tls_implicit", "banner", "ehlo", "starttls",
	"tls", "ehlo_tls", "mail", "rcpt", "quit",
};

static const char *const outcome_names[] = {
	"ok", "skipped", "refused", "unreachable", "timeout", "closed",
	"rejected", "tempfail", "protocol_error", "tls_failed", "error",
};

const char *md_smtp_phase_name(md_smtp_phase p)
{
	return (unsigned)p < MD_SMTP_PHASE_COUNT ? phase_names[p] : "?";
}

const char *md_smtp_outcome_name(md_smtp_outcome o)
{
	return (unsigned)o < sizeof(outcome_names) / sizeof(outcome_names[0]) ? outcome_names[o] : "?";
}

md_status md_smtp_mode_parse(const char *s, md_smtp_mode *out)
{
	static const struct { const char *name; md_smtp_mode m; } modes[] = {
		{"auto", MD_SMTP_MODE_AUTO}, {"mx", MD_SMTP_MODE_MX}, {"smtp", MD_SMTP_MODE_MX},
		{"submission", MD_SMTP_MODE_SUBMISSION}, {"smtps", MD_SMTP_MODE_SMTPS},
	};
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(s, modes[i].name) == 0) {
			*out = modes[i].m;
			return MD_OK;
		}
	return MD_EINVAL;
}

const char *md_smtp_mode_name(md_smtp_mode m)
{
	switch (m) {
	case MD_SMTP_MODE_MX: return "mx";
	case MD_SMTP_MODE_SUBMISSION: return "submission";
	case MD_SMTP_MODE_SMTPS: return "smtps";
	default: return "auto";
	}
}

/* --- resolving ---------------------------------------------------------- */

typedef struct addr_list {
	md_ip ip[16];
	size_t n;
	md_dns_outcome worst; /* a failure, else NXDOMAIN/NODATA, else ANSWER */
	const char *why;
} addr_list;

static void take_addrs(addr_list *l, const md_dns_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	if (md_dns_failed(r)) {
		l->worst = r->outcome;
		l->why = r->why;
		return;
	}
	if (r->outcome != MD_DNS_ANSWER) {
		if (l->worst == MD_DNS_ANSWER)
			l->worst = r->outcome;
		return;
	}
	for (i = 0; i < r->nrr && l->n < sizeof(l->ip) / sizeof(l->ip[0]); i++) {
		if (r->rr[i].type == MD_DNS_A)
			md_ip_from_bytes(&l->ip[l->n++], 4, r->rr[i].addr);
		else if (r->rr[i].type == MD_DNS_AAAA)
			md_ip_from_bytes(&l->ip[l->n++], 6, r->rr[i].addr);
	}
}

md_status smtp_probe_host(md_resolver *res, md_arena *a, SSL_CTX *ctx, const char *host,
                          const md_smtp_opts *o, smtp_session **out, size_t *n)
{
	unsigned max = o->max_addrs ? o->max_addrs : SMTP_DEFAULT_MAX_ADDRS;
	addr_list l;
	smtp_session *s;
	size_t i;
	md_status st;

	memset(&l, 0, sizeof(l));
	*out = NULL;
	*n = 0;
	if (md_ip_parse(host, &l.ip[0])) {
		l.ip[0] = md_ip_unmap(l.ip[0]);
		l.n = 1;
	} else {
		const md_dns_result *r4 = NULL, *r6 = NULL;

		st = md_dns_query(res, host, MD_DNS_A, &r4);
		if (st != MD_OK)
			return st;
		st = md_dns_query(res, host, MD_DNS_AAAA, &r6);
		if (st != MD_OK)
			return st;
		l.worst = MD_DNS_ANSWER;
		take_addrs(&l, r4);
		take_addrs(&l, r6);
	}
	if (l.n == 0) {
		s = md_arena_zalloc(a, sizeof(*s));
		if (s == NULL)
			return MD_ENOMEM;
		for (i = 0; i < MD_SMTP_PHASE_COUNT; i++)
			s->phase[i].outcome = MD_SMTP_SKIPPED;
		s->host = md_arena_strdup(a, host);
		s->port = smtp_opts_port(o);
		s->mode = smtp_opts_mode(o);
		s->dns_outcome = l.worst;
		s->stopped_at = MD_SMTP_PHASE_RESOLVE;
		s->phase[MD_SMTP_PHASE_RESOLVE].attempted = true;
		s->phase[MD_SMTP_PHASE_RESOLVE].outcome = MD_SMTP_ERROR;
		s->phase[MD_SMTP_PHASE_RESOLVE].detail =
			md_arena_printf(a, "A/AAAA: %s%s%s", md_dns_outcome_name(l.worst),
			                l.why ? ": " : "", l.why ? l.why : "");
		*out = s;
		*n = 1;
		return MD_OK;
	}
	if (l.n > max)
		l.n = max;
	s = md_arena_zalloc(a, sizeof(*s) * l.n);
	if (s == NULL)
		return MD_ENOMEM;
	host = md_arena_strdup(a, host);
	for (i = 0; i < l.n; i++) {
		st = smtp_probe_addr(a, ctx, host, &l.ip[i], o, &s[i]);
		if (st != MD_OK)
			return st;
	}
	*out = s;
	*n = l.n;
	return MD_OK;
}

/* --- SIGPIPE ------------------------------------------------------------ */

/* OpenSSL writes with write(2): a peer that closes would raise SIGPIPE.
 * Block it in this thread while probing and swallow one raised meanwhile. */
typedef struct sigpipe_state {
	sigset_t old;
	bool was_pending;
} sigpipe_state;

static void sigpipe_block(sigpipe_state *st)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	st->was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &st->old);
}

static void sigpipe_restore(sigpipe_state *st)
{
	sigset_t set, pending;
	struct timespec zero = {0, 0};

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	if (!st->was_pending && sigismember(&pending, SIGPIPE))
		sigtimedwait(&set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &st->old, NULL);
}

/* --- the checks --------------------------------------------------------- */

/* Copy every finding of SRC into DST. */
static void copy_findings(md_report *dst, const md_report *src)
{
	size_t i, k;

	for (i = 0; i < md_report_count(src); i++) {
		const md_finding *f = md_report_finding(src, i);
		md_finding *g = md_report_add(dst, f->id, f->severity, f->pillar, f->subject, f->title);

		if (g == NULL)
			return;
		if (f->evidence != NULL)
			md_finding_set_evidence(dst, g, "%s", f->evidence);
		if (f->explanation != NULL)
			md_finding_set_explanation(dst, g, "%s", f->explanation);
		if (f->fix != NULL)
			md_finding_set_fix(dst, g, "%s", f->fix);
		for (k = 0; k < f->nrefs; k++)
			md_finding_add_ref(dst, g, f->refs[k]);
		if (f->could_not_check)
			md_finding_set_could_not_check(g);
	}
}

/* MX deepening: the reverse DNS of a probed address (ptr module). */
static md_status reverse_dns(md_resolver *res, md_report *rep, const smtp_session *s, json_t *jo)
{
	static const char *const keys[] = {"reverse_name", "ptr", "fcrdns", "name_class"};
	md_report *tmp;
	json_t *rd;
	md_status st;
	size_t i;

	if (s->addr == NULL || jo == NULL)
		return MD_OK;
	tmp = md_report_new("ptr", s->addr);
	rd = json_object();
	if (tmp == NULL || rd == NULL) {
		md_report_free(tmp);
		json_decref(rd);
		return MD_ENOMEM;
	}
	st = md_check_ptr(res, s->addr, NULL, tmp);
	if (st == MD_OK) {
		bool seen = false;

		/* two MX hosts on one address: its reverse DNS is reported once */
		for (i = 0; i < md_report_count(rep) && !seen; i++) {
			const md_finding *f = md_report_finding(rep, i);

			seen = strncmp(f->id, "ptr.", 4) == 0 && strcmp(f->subject, s->addr) == 0;
		}
		if (!seen)
			copy_findings(rep, tmp);
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			json_t *v = json_object_get(md_report_data(tmp), keys[i]);

			json_object_set(rd, keys[i], v ? v : json_null());
		}
		json_object_set(jo, "reverse_dns", rd);
	}
	json_decref(rd);
	md_report_free(tmp);
	return st == MD_EINVAL ? MD_OK : st;
}

static md_status probe_into(md_resolver *res, md_arena *a, SSL_CTX *ctx, const char *host,
                            const md_smtp_opts *o, md_report *rep, md_table *t, json_t *arr)
{
	smtp_session *s;
	size_t n, i;
	md_status st = smtp_probe_host(res, a, ctx, host, o, &s, &n);

	if (st != MD_OK)
		return st;
	for (i = 0; i < n; i++) {
		st = smtp_session_report(rep, t, &s[i], arr);
		if (st == MD_OK && o->ptr)
			st = reverse_dns(res, rep, &s[i], json_array_get(arr, json_array_size(arr) - 1));
		if (st != MD_OK)
			return st;
	}
	return MD_OK;
}

/* A host name (RFC 1035 syntax, normalised into OUT) or an IP literal. */
static bool valid_host(const char *h, char *out, size_t len)
{
	const char *why;

	if (md_domain_is_ip_literal(h)) {
		snprintf(out, len, "%s", h);
		return strlen(h) < len;
	}
	return md_domain_normalize(h, out, len, &why);
}

md_status md_check_smtp(md_resolver *res, const char *host, const md_smtp_opts *opts,
                        md_report *rep)
{
	md_smtp_opts def = {0};
	char name[MD_DOMAIN_MAX + 1];
	md_arena *a;
	SSL_CTX *ctx;
	json_t *arr;
	char err[256];
	sigpipe_state sp;
	md_status st;

	if (opts == NULL)
		opts = &def;
	if (host == NULL || !valid_host(host, name, sizeof(name)))
		return MD_EINVAL;
	host = name;
	ctx = smtp_tls_ctx(opts, err, sizeof(err));
	if (ctx == NULL)
		return MD_EINVAL;
	a = md_arena_new();
	arr = json_array();
	if (a == NULL || arr == NULL) {
		md_arena_free(a);
		json_decref(arr);
		SSL_CTX_free(ctx);
		return MD_ENOMEM;
	}
	md_report_summary(rep, "host", "%s port %u (%s)", host, (unsigned)smtp_opts_port(opts),
	                  md_smtp_mode_name(smtp_opts_mode(opts)));
	sigpipe_block(&sp);
	st = probe_into(res, a, ctx, host, opts, rep, smtp_phase_table(rep), arr);
	sigpipe_restore(&sp);
	md_report_set_json_value(rep, "smtp", arr);
	md_arena_free(a);
	SSL_CTX_free(ctx);
	if (st == MD_OK)
		st = md_report_status(rep);
	return st;
}

static int mx_cmp(const void *x, const void *y)
{
	const md_dns_rr *a = *(const md_dns_rr *const *)x, *b = *(const md_dns_rr *const *)y;

	if (a->pref != b->pref)
		return a->pref < b->pref ? -1 : 1;
	return strcmp(a->name, b->name);
}

md_status md_check_smtp_mx(md_resolver *res, const char *domain, const md_smtp_opts *opts,
                           md_report *rep)
{
	md_smtp_opts def = {0};
	char name[MD_DOMAIN_MAX + 1];
	unsigned max;
	const md_dns_result *mx;
	const md_dns_rr **hosts = NULL;
	md_arena *a = NULL;
	SSL_CTX *ctx = NULL;
	json_t *arr = NULL;
	md_table *t;
	char err[256];
	sigpipe_state sp;
	size_t i, n = 0;
	md_status st;
	md_finding *f;

	if (opts == NULL)
		opts = &def;
	max = opts->max_mx ? opts->max_mx : SMTP_DEFAULT_MAX_MX;
	if (domain == NULL || md_domain_is_ip_literal(domain) || !valid_host(domain, name, sizeof(name)))
		return MD_EINVAL;
	domain = name;
	st = md_dns_query(res, domain, MD_DNS_MX, &mx);
	if (st != MD_OK)
		return st;
	if (md_dns_failed(mx)) {
		f = md_report_add(rep, "smtp.mx_lookup_failed", MD_SEV_ERROR, MD_PILLAR_INFRASTRUCTURE,
		                  domain, "could not look up the MX records");
		if (f != NULL) {
			md_finding_set_could_not_check(f);
			md_finding_set_evidence(rep, f, "MX %s: %s%s%s", domain, md_dns_outcome_name(mx->outcome),
			                        mx->why ? ": " : "", mx->why ? mx->why : "");
		}
		return md_report_status(rep);
	}
	if (mx->outcome == MD_DNS_NXDOMAIN) {
		f = md_report_add(rep, "smtp.no_mx_hosts", MD_SEV_ERROR, MD_PILLAR_INFRASTRUCTURE, domain,
		                  "the domain does not exist: there is no host to probe");
		if (f != NULL)
			md_finding_set_evidence(rep, f, "MX %s: nxdomain", domain);
		return md_report_status(rep);
	}
	ctx = smtp_tls_ctx(opts, err, sizeof(err));
	a = md_arena_new();
	arr = json_array();
	if (ctx == NULL || a == NULL || arr == NULL) {
		st = ctx == NULL ? MD_EINVAL : MD_ENOMEM;
		goto out;
	}
	t = smtp_phase_table(rep);
	sigpipe_block(&sp);
	if (mx->outcome == MD_DNS_ANSWER) {
		hosts = md_calloc(mx->nrr, sizeof(*hosts));
		if (hosts == NULL) {
			sigpipe_restore(&sp);
			st = MD_ENOMEM;
			goto out;
		}
		for (i = 0; i < mx->nrr; i++)
			if (mx->rr[i].type == MD_DNS_MX)
				hosts[n++] = &mx->rr[i];
		qsort(hosts, n, sizeof(*hosts), mx_cmp);
		if (n == 1 && hosts[0]->name[0] == '\0') {
			/* RFC 7505: null MX, the domain accepts no mail */
			f = md_report_add(rep, "smtp.null_mx", MD_SEV_NOTICE, MD_PILLAR_INFRASTRUCTURE,
			                  domain, "null MX: the domain accepts no mail, nothing to probe");
			if (f != NULL)
				md_finding_add_ref(rep, f, "RFC 7505 section 3");
			n = 0;
		}
		for (i = 0; i < n && i < max && st == MD_OK; i++) {
			if (hosts[i]->name[0] == '\0')
				continue;
			md_report_trace(rep, 0, "MX %u %s", (unsigned)hosts[i]->pref, hosts[i]->name);
			st = probe_into(res, a, ctx, hosts[i]->name, opts, rep, t, arr);
		}
		if (n > max) {
			f = md_report_add(rep, "smtp.mx_not_all_probed", MD_SEV_NOTICE,
			                  MD_PILLAR_INFRASTRUCTURE, domain,
			                  "not every MX host was probed");
			if (f != NULL)
				md_finding_set_evidence(rep, f, "%zu MX hosts, probed the first %u", n, max);
		}
	} else {
		/* RFC 5321 5.1: no MX, the domain's own address is the implicit MX */
		md_report_trace(rep, 0, "no MX: implicit MX %s", domain);
		st = probe_into(res, a, ctx, domain, opts, rep, t, arr);
	}
	sigpipe_restore(&sp);
	md_report_set_json_value(rep, "smtp", arr);
	arr = NULL;
out:
	json_decref(arr);
	md_free(hosts);
	md_arena_free(a);
	SSL_CTX_free(ctx);
	if (st == MD_OK)
		st = md_report_status(rep);
	return st;
}
