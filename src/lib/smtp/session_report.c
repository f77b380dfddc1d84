/*
 * session_report.c - what one SMTP probe session means: findings, table
 * rows and the JSON object of the session.
 *
 * Where the session stopped decides the first finding (smtp.connect_refused,
 * smtp.banner_rejected, smtp.tls_failed, ...); a session that got through
 * gets findings about TLS, the certificate and AUTH. Severity depends on
 * the mode: MTA-to-MTA TLS is opportunistic (RFC 3207, RFC 7435), so a
 * certificate problem on port 25 is a warning, while on submission ports
 * mail clients refuse the connection and it is an error.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/report_internal.h"
#include "probe.h"

static const char *subject_of(md_report *rep, const smtp_session *s, char *buf, size_t len)
{
	(void)rep;
	if (s->addr == NULL)
		snprintf(buf, len, "%s", s->host);
	else if (strchr(s->addr, ':') != NULL)
		snprintf(buf, len, "%s[%s]:%u", s->host, s->addr, (unsigned)s->port);
	else
		snprintf(buf, len, "%s[%s]:%u", s->host, s->addr, (unsigned)s->port);
	return buf;
}

static md_finding *add(md_report *rep, const char *id, md_severity sev, const char *subj,
                       const char *title)
{
	return md_report_add(rep, id, sev, MD_PILLAR_INFRASTRUCTURE, subj, title);
}

/* First line of a reply, for titles. */
static const char *first_line(md_report *rep, const char *reply)
{
	const char *e;

	if (reply == NULL)
		return "";
	e = reply;
	while (*e && *e != '\r' && *e != '\n')
		e++;
	return md_arena_strndup(md_report_arena(rep), reply, (size_t)(e - reply));
}

/* The finding for a session that stopped in phase P. */
static void stopped(md_report *rep, const smtp_session *s, const char *subj)
{
	md_smtp_phase p = s->stopped_at;
	const smtp_phase_rec *ph = &s->phase[p];
	const char *pname = md_smtp_phase_name(p);
	md_finding *f = NULL;
	char id[64];

	switch (ph->outcome) {
	case MD_SMTP_ERROR:
		if (p == MD_SMTP_PHASE_RESOLVE) {
			bool failed = s->dns_outcome == MD_DNS_SERVFAIL || s->dns_outcome == MD_DNS_TIMEOUT ||
			              s->dns_outcome == MD_DNS_ERROR;

			f = add(rep, failed ? "smtp.resolve_failed" : "smtp.no_address", MD_SEV_ERROR, subj,
			        failed ? "could not look up the host's addresses"
			               : "the host has no address (no A or AAAA record)");
			if (f != NULL) {
				if (failed)
					md_finding_set_could_not_check(f);
				else
					md_finding_set_fix(rep, f, "Publish an A (and AAAA) record for %s or point the MX "
					                   "at a host that has one.", s->host);
				md_finding_add_ref(rep, f, "RFC 5321 section 5.1");
			}
		} else {
			snprintf(id, sizeof(id), "smtp.%s_failed", pname);
			f = add(rep, id, MD_SEV_ERROR, subj, "the probe could not run this step");
			if (f != NULL)
				md_finding_set_could_not_check(f);
		}
		break;
	case MD_SMTP_REFUSED:
		f = add(rep, "smtp.connect_refused", MD_SEV_ERROR, subj,
		        "connection refused: nothing listens on this port");
		if (f != NULL) {
			md_finding_set_explanation(rep, f, "The host answered but refused the TCP connection: "
			                           "no SMTP server runs on port %u, or a firewall rejects it. "
			                           "Senders queue and retry, then bounce.", (unsigned)s->port);
			md_finding_set_fix(rep, f, "Start the mail server on port %u or correct the MX record.",
			                   (unsigned)s->port);
		}
		break;
	case MD_SMTP_UNREACHABLE:
		f = add(rep, "smtp.connect_unreachable", MD_SEV_WARNING, subj,
		        "no route to this address from here");
		if (f != NULL) {
			md_finding_set_could_not_check(f);
			md_finding_set_explanation(rep, f, "This machine has no route to the address (often: "
			                           "no IPv6 connectivity here). It says nothing about the server.");
		}
		break;
	case MD_SMTP_TIMEOUT:
		if (p == MD_SMTP_PHASE_CONNECT) {
			f = add(rep, "smtp.connect_timeout", MD_SEV_ERROR, subj,
			        "no answer to the TCP connection");
			if (f != NULL) {
				md_finding_set_could_not_check(f);
				md_finding_set_explanation(rep, f, "The connection was neither accepted nor refused. "
				                           "Either the server is down or filtered, or this network "
				                           "blocks outgoing port %u (many ISPs and clouds block 25): "
				                           "probe from another network to tell.", (unsigned)s->port);
			}
		} else {
			snprintf(id, sizeof(id), "smtp.%s_timeout", pname);
			f = add(rep, id, MD_SEV_ERROR, subj, "the server stopped answering");
			if (f != NULL) {
				md_finding_set_title(rep, f, "the server stopped answering during %s (%.1f s)", pname,
				                     (double)ph->ms / 1000.0);
				md_finding_set_explanation(rep, f, "The connection is open but no complete reply "
				                           "came in time. Senders give up and retry later "
				                           "(RFC 5321 4.5.3.2); a server that stalls is overloaded, "
				                           "tarpitting this client, or broken.");
				md_finding_add_ref(rep, f, "RFC 5321 section 4.5.3.2");
			}
		}
		break;
	case MD_SMTP_CLOSED:
		snprintf(id, sizeof(id), "smtp.%s_closed", pname);
		f = add(rep, id, MD_SEV_ERROR, subj, "the server closed the connection");
		if (f != NULL)
			md_finding_set_title(rep, f, "the server closed the connection during %s", pname);
		break;
	case MD_SMTP_REJECTED:
	case MD_SMTP_TEMPFAIL: {
		bool perm = ph->outcome == MD_SMTP_REJECTED;

		if (p == MD_SMTP_PHASE_RCPT)
			return; /* reported by the RCPT finding */
		snprintf(id, sizeof(id), "smtp.%s_%s", pname, perm ? "rejected" : "tempfail");
		f = add(rep, id, MD_SEV_ERROR, subj, "rejected");
		if (f != NULL) {
			md_finding_set_title(rep, f, "%s %s: %s", pname,
			                     perm ? "rejected" : "temporarily refused", first_line(rep, ph->reply));
			if (p == MD_SMTP_PHASE_BANNER)
				md_finding_set_explanation(rep, f, "The server refuses this client before any command "
				                           "(RFC 5321 3.1: a %s greeting). Usually the connecting "
				                           "address is on a blocklist or rate-limited, or the host "
				                           "accepts no mail at all.", perm ? "554" : "421");
			md_finding_add_ref(rep, f, "RFC 5321 section 4.2");
		}
		break;
	}
	case MD_SMTP_PROTOCOL:
		f = add(rep, "smtp.protocol_error", MD_SEV_ERROR, subj, "the server broke the SMTP protocol");
		if (f != NULL) {
			md_finding_set_title(rep, f, "protocol error during %s: %s", pname,
			                     ph->detail ? ph->detail : "unexpected reply");
			md_finding_add_ref(rep, f, "RFC 5321 section 4.2");
		}
		break;
	case MD_SMTP_TLS_FAILED:
		f = add(rep, "smtp.tls_failed", MD_SEV_ERROR, subj, "the TLS handshake failed");
		if (f != NULL) {
			md_finding_set_explanation(rep, f, "%s", s->mode == MD_SMTP_MODE_MX
			                           ? "Most senders then retry without TLS or give up; senders "
			                             "under MTA-STS enforce or DANE do not deliver at all."
			                           : "Mail clients cannot connect securely and refuse to send.");
			md_finding_add_ref(rep, f, "RFC 3207 section 4");
		}
		break;
	default:
		break;
	}
	if (f != NULL) {
		if (ph->reply != NULL)
			md_finding_set_evidence(rep, f, "%s", ph->reply);
		else if (ph->detail != NULL)
			md_finding_set_evidence(rep, f, "%s", ph->detail);
	}
}

static bool has_plain_mech(const char *mechs)
{
	const char *p = mechs;

	while (p != NULL && *p) {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if ((n == 5 && strncasecmp(p, "PLAIN", 5) == 0) || (n == 5 && strncasecmp(p, "LOGIN", 5) == 0))
			return true;
		p += n;
	}
	return false;
}

static void tls_findings(md_report *rep, const smtp_session *s, const char *subj)
{
	bool strict = s->mode != MD_SMTP_MODE_MX;
	md_finding *f;
	bool good = true;

	if (s->tls_version != NULL &&
	    (strcmp(s->tls_version, "TLSv1") == 0 || strcmp(s->tls_version, "TLSv1.1") == 0 ||
	     strcmp(s->tls_version, "SSLv3") == 0)) {
		good = false;
		f = add(rep, "smtp.tls_old_protocol", MD_SEV_WARNING, subj, "the server negotiates an obsolete TLS version");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "%s %s", s->tls_version, s->cipher ? s->cipher : "");
			md_finding_set_fix(rep, f, "Enable TLS 1.2 and 1.3 on the server.");
			md_finding_add_ref(rep, f, "RFC 8996");
		}
	}
	if (!s->have_cert) {
		f = add(rep, "smtp.cert_missing", strict ? MD_SEV_ERROR : MD_SEV_WARNING, subj,
		        "the server sent no certificate");
		return;
	}
	if (s->leaf.days_left < 0 || s->verify_code == X509_V_ERR_CERT_HAS_EXPIRED) {
		good = false;
		f = add(rep, "smtp.cert_expired", MD_SEV_ERROR, subj, "the certificate has expired");
		if (f != NULL) {
			md_finding_set_title(rep, f, "the certificate expired %ld day%s ago (%s)", -s->leaf.days_left,
			                     s->leaf.days_left == -1 ? "" : "s", s->leaf.not_after ? s->leaf.not_after : "?");
			md_finding_set_evidence(rep, f, "subject %s; issuer %s; not after %s", s->leaf.subject,
			                        s->leaf.issuer, s->leaf.not_after ? s->leaf.not_after : "?");
			md_finding_set_explanation(rep, f, "Mail clients refuse the connection; senders under "
			                           "MTA-STS enforce do not deliver; opportunistic senders "
			                           "still deliver.");
			md_finding_set_fix(rep, f, "Renew the certificate and reload the mail server.");
		}
	} else if (s->leaf.days_left < SMTP_CERT_WARN_DAYS) {
		f = add(rep, "smtp.cert_expires_soon", MD_SEV_WARNING, subj, "the certificate expires soon");
		if (f != NULL) {
			md_finding_set_title(rep, f, "the certificate expires in %ld day%s (%s)", s->leaf.days_left,
			                     s->leaf.days_left == 1 ? "" : "s", s->leaf.not_after ? s->leaf.not_after : "?");
			md_finding_set_fix(rep, f, "Renew the certificate now; check that automatic renewal "
			                   "also reloads the mail server.");
		}
	}
	if (!s->verified && s->verify_code != X509_V_ERR_CERT_HAS_EXPIRED) {
		good = false;
		f = add(rep, "smtp.cert_untrusted", strict ? MD_SEV_ERROR : MD_SEV_WARNING, subj,
		        "the certificate chain does not verify against the trust store");
		if (f != NULL) {
			md_finding_set_title(rep, f, "the certificate does not verify: %s", s->verify_error);
			md_finding_set_evidence(rep, f, "subject %s; issuer %s", s->leaf.subject, s->leaf.issuer);
			md_finding_set_explanation(rep, f, "%s", strict
			                           ? "Mail clients refuse the connection or warn the user."
			                           : "Opportunistic senders still deliver over TLS; senders "
			                             "under MTA-STS refuse (RFC 8461 4.2) unless DANE applies.");
			md_finding_set_fix(rep, f, "Install a certificate from a public CA with its full "
			                   "intermediate chain.");
		}
	}
	if (s->name_checked && !s->name_match) {
		size_t i;
		md_buf names;

		good = false;
		md_buf_init(&names, 2048);
		for (i = 0; i < s->leaf.nsan; i++)
			md_buf_printf(&names, "%s%s", i ? ", " : "", s->leaf.san[i]);
		f = add(rep, "smtp.cert_name_mismatch", strict ? MD_SEV_ERROR : MD_SEV_WARNING, subj,
		        "the certificate is not valid for this host name");
		if (f != NULL) {
			md_finding_set_title(rep, f, "the certificate is not valid for %s", s->host);
			md_finding_set_evidence(rep, f, "subject %s; names: %s", s->leaf.subject,
			                        names.n ? names.p : "(none)");
			md_finding_set_fix(rep, f, "Add %s to the certificate's subject alternative names.", s->host);
			md_finding_add_ref(rep, f, "RFC 6125 section 6");
		}
		md_buf_free(&names);
	}
	if (good) {
		f = add(rep, "smtp.tls_ok", MD_SEV_OK, subj, "TLS works with a valid certificate");
		if (f != NULL) {
			md_finding_set_title(rep, f, "%s %s, certificate valid for %ld more days", s->tls_version,
			                     s->cipher ? s->cipher : "", s->leaf.days_left);
			md_finding_set_evidence(rep, f, "subject %s; issuer %s; not after %s", s->leaf.subject,
			                        s->leaf.issuer, s->leaf.not_after ? s->leaf.not_after : "?");
		}
	}
}

static void session_findings(md_report *rep, const smtp_session *s, const char *subj)
{
	md_finding *f;

	if (!s->completed) {
		stopped(rep, s, subj);
		/* an expired certificate is the cause even when a later phase failed */
		if (s->tls && s->phase[s->stopped_at].outcome != MD_SMTP_TLS_FAILED)
			tls_findings(rep, s, subj);
		return;
	}
	if (s->mode != MD_SMTP_MODE_SMTPS && !s->starttls_offered) {
		f = add(rep, "smtp.no_starttls",
		        s->mode == MD_SMTP_MODE_SUBMISSION ? MD_SEV_ERROR : MD_SEV_WARNING, subj,
		        "the server does not offer STARTTLS");
		if (f != NULL) {
			md_finding_set_explanation(rep, f, "%s", s->mode == MD_SMTP_MODE_SUBMISSION
			                           ? "Passwords and mail would cross the network in clear text."
			                           : "Mail to this host travels unencrypted; large mailbox "
			                             "providers flag such mail and MTA-STS cannot be used.");
			md_finding_set_fix(rep, f, "Configure a certificate and enable STARTTLS "
			                   "(Postfix: smtpd_tls_security_level = may).");
			md_finding_add_ref(rep, f, "RFC 3207");
		}
	}
	if (s->starttls_leftover > 0) {
		f = add(rep, "smtp.starttls_extra_data", MD_SEV_WARNING, subj,
		        "the server sent data after its STARTTLS reply");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "%zu bytes followed the 220 reply in plain text",
			                        s->starttls_leftover);
			md_finding_set_explanation(rep, f, "Plain-text bytes after the 220 could be taken as "
			                           "part of the TLS session (command injection, CVE-2011-0411).");
			md_finding_add_ref(rep, f, "RFC 3207 section 4.2");
		}
	}
	if (s->tls)
		tls_findings(rep, s, subj);
	if (s->auth_plain != NULL && s->mode != MD_SMTP_MODE_SMTPS) {
		bool plain = has_plain_mech(s->auth_plain);
		md_severity sev = s->mode == MD_SMTP_MODE_SUBMISSION && plain ? MD_SEV_ERROR
		                  : plain ? MD_SEV_WARNING : MD_SEV_NOTICE;

		f = add(rep, "smtp.auth_before_tls", sev, subj, "AUTH is offered before TLS");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "AUTH %s", s->auth_plain);
			md_finding_set_explanation(rep, f, "A client may send its password before the "
			                           "connection is encrypted%s.", plain ? " (PLAIN/LOGIN send it "
			                           "in clear text)" : "");
			md_finding_set_fix(rep, f, "Offer AUTH only after STARTTLS (Postfix: "
			                   "smtpd_tls_auth_only = yes).");
			md_finding_add_ref(rep, f, "RFC 4954 section 4");
			md_finding_add_ref(rep, f, "RFC 8314 section 3");
		}
	}
	if (s->mode == MD_SMTP_MODE_SUBMISSION || s->mode == MD_SMTP_MODE_SMTPS) {
		if (s->tls && s->auth_tls == NULL) {
			f = add(rep, "smtp.submission_no_auth", MD_SEV_WARNING, subj,
			        "no AUTH mechanism is offered on this submission port");
			if (f != NULL)
				md_finding_add_ref(rep, f, "RFC 6409 section 4.3");
		} else if (s->auth_tls != NULL) {
			f = add(rep, "smtp.auth_mechanisms", MD_SEV_OK, subj, "AUTH offered after TLS");
			if (f != NULL)
				md_finding_set_evidence(rep, f, "AUTH %s", s->auth_tls);
		}
	}
	if (s->overlong || s->bare_lf || s->bad_chars) {
		f = add(rep, "smtp.reply_syntax", MD_SEV_NOTICE, subj, "some replies bend the SMTP syntax");
		if (f != NULL) {
			md_finding_set_evidence(rep, f, "%s%s%s", s->overlong ? "line over 512 octets; " : "",
			                        s->bare_lf ? "bare LF line end; " : "",
			                        s->bad_chars ? "bytes outside printable ASCII" : "");
			md_finding_add_ref(rep, f, "RFC 5321 section 4.5.3.1.5");
		}
	}
	if (s->phase[MD_SMTP_PHASE_RCPT].attempted) {
		const smtp_phase_rec *ph = &s->phase[MD_SMTP_PHASE_RCPT];

		if (ph->outcome == MD_SMTP_OK) {
			f = add(rep, "smtp.rcpt_accepted", MD_SEV_OK, subj, "the recipient is accepted");
		} else {
			f = add(rep, ph->outcome == MD_SMTP_TEMPFAIL ? "smtp.rcpt_tempfail" : "smtp.rcpt_rejected",
			        MD_SEV_ERROR, subj, "the recipient is refused");
			if (f != NULL)
				md_finding_set_title(rep, f, "RCPT refused: %s", first_line(rep, ph->reply));
		}
		if (f != NULL && ph->reply != NULL)
			md_finding_set_evidence(rep, f, "%s", ph->reply);
	}
	f = add(rep, "smtp.reachable", MD_SEV_OK, subj, "the server accepts SMTP sessions");
	if (f != NULL) {
		md_finding_set_title(rep, f, "SMTP works%s%s", s->tls ? " with " : " without TLS",
		                     s->tls ? s->tls_version : "");
		md_finding_set_evidence(rep, f, "%s", s->banner ? first_line(rep, s->banner) : "");
	}
}

static json_t *str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, md_json_cstr(v[i]));
	return a;
}

static json_t *session_json(const smtp_session *s)
{
	json_t *o = json_object(), *phases = json_array(), *tls;
	int i;

	if (o == NULL || phases == NULL) {
		json_decref(o);
		json_decref(phases);
		return NULL;
	}
	json_object_set_new(o, "host", md_json_cstr(s->host));
	json_object_set_new(o, "address", md_json_cstr(s->addr));
	json_object_set_new(o, "port", json_integer(s->port));
	json_object_set_new(o, "mode", md_json_cstr(md_smtp_mode_name(s->mode)));
	json_object_set_new(o, "stopped_at", md_json_cstr(md_smtp_phase_name(s->stopped_at)));
	json_object_set_new(o, "completed", json_boolean(s->completed));
	for (i = 0; i < MD_SMTP_PHASE_COUNT; i++) {
		const smtp_phase_rec *ph = &s->phase[i];
		json_t *p;

		if (!ph->attempted)
			continue;
		p = json_object();
		if (p == NULL)
			continue;
		json_object_set_new(p, "phase", md_json_cstr(md_smtp_phase_name((md_smtp_phase)i)));
		json_object_set_new(p, "outcome", md_json_cstr(md_smtp_outcome_name(ph->outcome)));
		json_object_set_new(p, "ms", json_integer(ph->ms));
		json_object_set_new(p, "code", ph->code ? json_integer(ph->code) : json_null());
		json_object_set_new(p, "reply", md_json_cstr(ph->reply));
		json_object_set_new(p, "detail", md_json_cstr(ph->detail));
		json_array_append_new(phases, p);
	}
	json_object_set_new(o, "phases", phases);
	json_object_set_new(o, "helo_name", md_json_cstr(s->helo_name));
	json_object_set_new(o, "banner", md_json_cstr(s->banner));
	json_object_set_new(o, "extensions", str_array(s->ext, s->next));
	json_object_set_new(o, "starttls_offered", json_boolean(s->starttls_offered));
	json_object_set_new(o, "auth_before_tls", md_json_cstr(s->auth_plain));
	json_object_set_new(o, "auth", md_json_cstr(s->auth_tls));
	if (s->tls) {
		tls = json_object();
		if (tls != NULL) {
			json_object_set_new(tls, "version", md_json_cstr(s->tls_version));
			json_object_set_new(tls, "cipher", md_json_cstr(s->cipher));
			json_object_set_new(tls, "bits", json_integer(s->cipher_bits));
			json_object_set_new(tls, "extensions", str_array(s->ext_tls, s->next_tls));
			json_object_set_new(tls, "verified", json_boolean(s->verified));
			json_object_set_new(tls, "verify_error", s->verified ? json_null() : md_json_cstr(s->verify_error));
			json_object_set_new(tls, "name_match", json_boolean(s->name_match));
			if (s->have_cert) {
				json_t *c = json_object();

				if (c != NULL) {
					json_object_set_new(c, "subject", md_json_cstr(s->leaf.subject));
					json_object_set_new(c, "issuer", md_json_cstr(s->leaf.issuer));
					json_object_set_new(c, "not_before", md_json_cstr(s->leaf.not_before));
					json_object_set_new(c, "not_after", md_json_cstr(s->leaf.not_after));
					json_object_set_new(c, "days_left", json_integer(s->leaf.days_left));
					json_object_set_new(c, "self_signed", json_boolean(s->leaf.self_signed));
					json_object_set_new(c, "key", md_json_cstr(s->leaf.key));
					json_object_set_new(c, "signature", md_json_cstr(s->leaf.sig_alg));
					json_object_set_new(c, "names", str_array(s->leaf.san, s->leaf.nsan));
					json_object_set_new(c, "chain_length", json_integer((json_int_t)s->nchain));
					json_object_set_new(tls, "certificate", c);
				}
			}
			json_object_set_new(o, "tls", tls);
		}
	} else {
		json_object_set_new(o, "tls", json_null());
	}
	if (s->phase[MD_SMTP_PHASE_RCPT].attempted)
		json_object_set_new(o, "rcpt", json_pack("{s:i,s:o}", "code", s->rcpt_code,
		                                           "reply", md_json_cstr(s->rcpt_reply)));
	return o;
}

md_table *smtp_phase_table(md_report *rep)
{
	static const char *const cols[] = {"host", "address", "port", "phase", "outcome", "ms", "detail"};

	return md_report_add_table(rep, "smtp_phases", 7, cols);
}

md_status smtp_session_report(md_report *rep, md_table *t, const smtp_session *s, json_t *arr)
{
	char subj[400], port[8], ms[24];
	size_t i;
	json_t *o;

	subject_of(rep, s, subj, sizeof(subj));
	md_report_trace(rep, 1, "%s", subj);
	snprintf(port, sizeof(port), "%u", (unsigned)s->port);
	for (i = 0; i < MD_SMTP_PHASE_COUNT; i++) {
		const smtp_phase_rec *ph = &s->phase[i];
		const char *row[7];
		const char *detail;

		if (!ph->attempted)
			continue;
		snprintf(ms, sizeof(ms), "%ld", ph->ms);
		detail = ph->detail;
		if (detail == NULL && ph->reply != NULL)
			detail = first_line(rep, ph->reply);
		row[0] = s->host;
		row[1] = s->addr;
		row[2] = port;
		row[3] = md_smtp_phase_name((md_smtp_phase)i);
		row[4] = md_smtp_outcome_name(ph->outcome);
		row[5] = ms;
		row[6] = detail;
		if (t != NULL)
			md_table_add_row(rep, t, row);
		md_report_trace(rep, 2, "%s: %s (%ld ms)%s%s", row[3], row[4], ph->ms,
		                detail ? " " : "", detail ? detail : "");
	}
	session_findings(rep, s, subj);
	o = session_json(s);
	if (o == NULL || json_array_append_new(arr, o) != 0)
		return MD_ENOMEM;
	return md_report_status(rep);
}
