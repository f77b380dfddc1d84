/*
 * probe.c - the SMTP probe: one session per address, phase by phase.
 *
 * States, in order (each with its own deadline and outcome):
 *   resolve -> connect -> [tls_implicit] -> banner -> ehlo -> [starttls ->
 *   tls -> ehlo_tls] -> [mail -> rcpt] -> quit
 * A phase that fails ends the session (after a polite QUIT when the
 * connection is still usable); the session records where it stopped.
 *
 * I/O: a non-blocking socket; every read and write waits with poll() for
 * at most the time left in the current phase. OpenSSL runs on the same
 * socket: SSL_ERROR_WANT_READ / WANT_WRITE become poll events. DATA is
 * never sent.
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "reply.h"

/* Bytes read from the socket at a time. */
#define SMTP_READ_CHUNK 4096
/* Bytes kept from the server beyond the reply being parsed. */
#define SMTP_INBUF_MAX (MD_SMTP_REPLY_MAX_BYTES + SMTP_READ_CHUNK)

typedef struct conn {
	int fd;
	SSL *ssl;
	md_buf in;          /* received, not yet parsed */
	md_smtp_rparser rp;
	long long deadline; /* ms, monotonic */
	bool broken;        /* no further I/O makes sense */
} conn;

typedef enum io_result {
	IO_OK = 0,
	IO_TIMEOUT,
	IO_CLOSED,
	IO_ERROR,
	IO_PROTOCOL,
	IO_TLS
} io_result;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint16_t smtp_opts_port(const md_smtp_opts *o)
{
	if (o->port != 0)
		return o->port;
	if (o->mode == MD_SMTP_MODE_SMTPS)
		return 465;
	if (o->mode == MD_SMTP_MODE_SUBMISSION)
		return 587;
	return 25;
}

md_smtp_mode smtp_opts_mode(const md_smtp_opts *o)
{
	if (o->mode != MD_SMTP_MODE_AUTO)
		return o->mode;
	switch (o->port) {
	case 465: return MD_SMTP_MODE_SMTPS;
	case 587: return MD_SMTP_MODE_SUBMISSION;
	default: return MD_SMTP_MODE_MX;
	}
}

static double opts_timeout(const md_smtp_opts *o)
{
	return o->timeout > 0 ? o->timeout : SMTP_DEFAULT_TIMEOUT;
}

/* Wait for EVENTS on FD until the deadline. 1 ready, 0 timeout, -1 error. */
static int wait_fd(conn *c, short events)
{
	for (;;) {
		long long left = c->deadline - now_ms();
		struct pollfd pfd = {.fd = c->fd, .events = events};
		int r;

		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

/* Read some bytes into c->in. */
static io_result conn_fill(conn *c)
{
	char buf[SMTP_READ_CHUNK];

	for (;;) {
		ssize_t n;

		if (c->ssl != NULL) {
			int r, e;

			ERR_clear_error();
			r = SSL_read(c->ssl, buf, sizeof(buf));
			if (r > 0) {
				n = r;
			} else {
				e = SSL_get_error(c->ssl, r);
				if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
					int w = wait_fd(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT);

					if (w == 0)
						return IO_TIMEOUT;
					if (w < 0)
						return IO_ERROR;
					continue;
				}
				if (e == SSL_ERROR_ZERO_RETURN)
					return IO_CLOSED;
				if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
					return IO_CLOSED;
				return IO_TLS;
			}
		} else {
			n = recv(c->fd, buf, sizeof(buf), 0);
			if (n == 0)
				return IO_CLOSED;
			if (n < 0) {
				int w;

				if (errno == EINTR)
					continue;
				if (errno == ECONNRESET)
					return IO_CLOSED;
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					return IO_ERROR;
				w = wait_fd(c, POLLIN);
				if (w == 0)
					return IO_TIMEOUT;
				if (w < 0)
					return IO_ERROR;
				continue;
			}
		}
		if (md_buf_append(&c->in, buf, (size_t)n) != MD_OK)
			return IO_PROTOCOL;
		return IO_OK;
	}
}

static io_result conn_write(conn *c, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w;

		if (c->ssl != NULL) {
			int r, e;

			ERR_clear_error();
			r = SSL_write(c->ssl, p, (int)n);
			if (r > 0) {
				w = r;
			} else {
				e = SSL_get_error(c->ssl, r);
				if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
					int k = wait_fd(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT);

					if (k == 0)
						return IO_TIMEOUT;
					if (k < 0)
						return IO_ERROR;
					continue;
				}
				return e == SSL_ERROR_SYSCALL ? IO_CLOSED : IO_TLS;
			}
		} else {
			w = send(c->fd, p, n, MSG_NOSIGNAL);
			if (w < 0) {
				int k;

				if (errno == EINTR)
					continue;
				if (errno == EPIPE || errno == ECONNRESET)
					return IO_CLOSED;
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					return IO_ERROR;
				k = wait_fd(c, POLLOUT);
				if (k == 0)
					return IO_TIMEOUT;
				if (k < 0)
					return IO_ERROR;
				continue;
			}
		}
		p += w;
		n -= (size_t)w;
	}
	return IO_OK;
}

/* Read one complete reply into c->rp. */
static io_result read_reply(conn *c)
{
	md_smtp_rparse_reset(&c->rp);
	for (;;) {
		size_t used = 0;
		md_smtp_rstate st = MD_SMTP_R_MORE;
		io_result r;

		if (c->in.n > 0) {
			st = md_smtp_rparse_feed(&c->rp, c->in.p, c->in.n, &used);
			memmove(c->in.p, c->in.p + used, c->in.n - used);
			c->in.n -= used;
		}
		if (st == MD_SMTP_R_DONE)
			return IO_OK;
		if (st == MD_SMTP_R_ERROR)
			return IO_PROTOCOL;
		r = conn_fill(c);
		if (r != IO_OK)
			return r;
	}
}

static void set_deadline(conn *c, double seconds)
{
	c->deadline = now_ms() + (long long)(seconds * 1000.0);
}

static const char *io_detail(io_result r, double t)
{
	switch (r) {
	case IO_TIMEOUT: return "no complete reply before the phase timeout";
	case IO_CLOSED: return "the server closed the connection";
	case IO_ERROR: return "socket error";
	case IO_PROTOCOL: return "malformed reply";
	case IO_TLS: return "TLS error";
	default: return NULL;
	}
	(void)t;
}

static md_smtp_outcome io_outcome(io_result r)
{
	switch (r) {
	case IO_OK: return MD_SMTP_OK;
	case IO_TIMEOUT: return MD_SMTP_TIMEOUT;
	case IO_CLOSED: return MD_SMTP_CLOSED;
	case IO_PROTOCOL: return MD_SMTP_PROTOCOL;
	case IO_TLS: return MD_SMTP_TLS_FAILED;
	default: return MD_SMTP_ERROR;
	}
}

static void phase_begin(smtp_session *s, md_smtp_phase p, long long *t0)
{
	s->phase[p].attempted = true;
	s->stopped_at = p;
	*t0 = now_ms();
}

static void phase_end(smtp_session *s, md_smtp_phase p, long long t0, md_smtp_outcome o)
{
	s->phase[p].outcome = o;
	s->phase[p].ms = (long)(now_ms() - t0);
}

/* Record the reply in c->rp on phase P and say which outcome its code means
 * when WANT (the good code class, e.g. 2) is not met. */
static md_smtp_outcome take_reply(md_arena *a, conn *c, smtp_session *s, md_smtp_phase p, int want)
{
	const md_smtp_reply *r = &c->rp.reply;

	s->phase[p].code = r->code;
	s->phase[p].reply = md_arena_strndup(a, r->raw.p, r->raw.n);
	if (r->overlong)
		s->overlong = true;
	if (r->bare_lf)
		s->bare_lf = true;
	if (r->bad_chars)
		s->bad_chars = true;
	if (r->code / 100 == want)
		return MD_SMTP_OK;
	if (r->code / 100 == 4)
		return MD_SMTP_TEMPFAIL;
	if (r->code / 100 == 5)
		return MD_SMTP_REJECTED;
	return MD_SMTP_PROTOCOL;
}

/* Send LINE (with CRLF added) and read the reply. */
static io_result command(conn *c, const char *line)
{
	io_result r;
	char buf[600];
	int n = snprintf(buf, sizeof(buf), "%s\r\n", line);

	if (n < 0 || (size_t)n >= sizeof(buf))
		return IO_ERROR;
	r = conn_write(c, buf, (size_t)n);
	if (r != IO_OK)
		return r;
	return read_reply(c);
}

static const char *asn1_time_str(md_arena *a, const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return NULL;
	return md_arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
	                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static const char *name_str(md_arena *a, const X509_NAME *nm)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;
	const char *out;

	if (b == NULL)
		return NULL;
	X509_NAME_print_ex(b, nm, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_get_mem_data(b, &p);
	out = n > 0 ? md_arena_strndup(a, p, (size_t)n) : md_arena_strdup(a, "");
	BIO_free(b);
	return out;
}

static void cert_info(md_arena *a, X509 *x, smtp_cert *c)
{
	const ASN1_TIME *nb = X509_get0_notBefore(x), *na = X509_get0_notAfter(x);
	GENERAL_NAMES *gens;
	EVP_PKEY *pk;
	int days = 0, secs = 0, nid;

	c->subject = name_str(a, X509_get_subject_name(x));
	c->issuer = name_str(a, X509_get_issuer_name(x));
	c->not_before = asn1_time_str(a, nb);
	c->not_after = asn1_time_str(a, na);
	if (na != NULL && ASN1_TIME_diff(&days, &secs, NULL, na) == 1)
		c->days_left = days - (secs < 0 ? 1 : 0);
	c->not_yet_valid = nb != NULL && X509_cmp_current_time(nb) > 0;
	c->self_signed = X509_check_issued(x, x) == X509_V_OK;
	pk = X509_get0_pubkey(x);
	if (pk != NULL)
		c->key = md_arena_printf(a, "%s %d", OBJ_nid2sn(EVP_PKEY_get_base_id(pk)),
		                         EVP_PKEY_get_bits(pk));
	nid = X509_get_signature_nid(x);
	c->sig_alg = nid != NID_undef ? md_arena_strdup(a, OBJ_nid2ln(nid)) : NULL;
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (gens != NULL) {
		int i, n = sk_GENERAL_NAME_num(gens);

		c->san = md_arena_zalloc(a, sizeof(char *) * (size_t)(n > 0 ? n : 1));
		for (i = 0; c->san != NULL && i < n; i++) {
			const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

			if (g->type == GEN_DNS) {
				const ASN1_IA5STRING *s = g->d.dNSName;

				c->san[c->nsan++] = md_arena_strndup(a, (const char *)ASN1_STRING_get0_data(s),
				                                     (size_t)ASN1_STRING_length(s));
			} else if (g->type == GEN_IPADD) {
				const ASN1_OCTET_STRING *s = g->d.iPAddress;
				char buf[64];
				md_ip ip;

				if (ASN1_STRING_length(s) == 4 || ASN1_STRING_length(s) == 16) {
					md_ip_from_bytes(&ip, ASN1_STRING_length(s) == 4 ? 4 : 6,
					                 ASN1_STRING_get0_data(s));
					c->san[c->nsan++] = md_arena_strdup(a, md_ip_str(&ip, buf, sizeof(buf)));
				}
			}
		}
		GENERAL_NAMES_free(gens);
	}
}

/* Run the TLS handshake on c (phase P) and record the session details. */
static md_smtp_outcome tls_handshake(md_arena *a, SSL_CTX *ctx, conn *c, smtp_session *s,
                                     md_smtp_phase p, const md_ip *ip)
{
	STACK_OF(X509) *chain;
	X509 *leaf;
	int i;

	c->ssl = SSL_new(ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
		s->phase[p].detail = "could not set up TLS";
		return MD_SMTP_ERROR;
	}
	/* SNI only for names (RFC 6066 3: literal addresses are not sent) */
	if (ip == NULL || !md_ip_parse(s->host, &(md_ip){0}))
		SSL_set_tlsext_host_name(c->ssl, s->host);
	for (;;) {
		int r, e, w;

		ERR_clear_error();
		r = SSL_connect(c->ssl);
		if (r == 1)
			break;
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			w = wait_fd(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT);
			if (w == 0) {
				s->phase[p].detail = "TLS handshake did not finish before the phase timeout";
				c->broken = true;
				return MD_SMTP_TIMEOUT;
			}
			if (w > 0)
				continue;
		}
		{
			unsigned long err = ERR_peek_last_error();
			char ebuf[256];

			if (err != 0) {
				ERR_error_string_n(err, ebuf, sizeof(ebuf));
				s->phase[p].detail = md_arena_printf(a, "TLS handshake failed: %s", ebuf);
			} else if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN) {
				s->phase[p].detail = "TLS handshake failed: the server closed the connection";
			} else {
				s->phase[p].detail = "TLS handshake failed";
			}
		}
		c->broken = true;
		return MD_SMTP_TLS_FAILED;
	}
	s->tls = true;
	s->tls_version = md_arena_strdup(a, SSL_get_version(c->ssl));
	s->cipher = md_arena_strdup(a, SSL_get_cipher_name(c->ssl));
	s->cipher_bits = SSL_get_cipher_bits(c->ssl, NULL);
	s->verify_code = SSL_get_verify_result(c->ssl);
	s->verified = s->verify_code == X509_V_OK;
	s->verify_error = md_arena_strdup(a, X509_verify_cert_error_string(s->verify_code));
	leaf = SSL_get1_peer_certificate(c->ssl);
	if (leaf == NULL) {
		s->verified = false;
		s->verify_error = "the server sent no certificate";
		return MD_SMTP_OK;
	}
	s->have_cert = true;
	cert_info(a, leaf, &s->leaf);
	s->name_checked = true;
	if (md_ip_parse(s->host, &(md_ip){0}))
		s->name_match = X509_check_ip_asc(leaf, s->host, 0) == 1;
	else
		s->name_match = X509_check_host(leaf, s->host, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
		                                NULL) == 1;
	X509_free(leaf);
	chain = SSL_get_peer_cert_chain(c->ssl);
	for (i = 0; chain != NULL && i < sk_X509_num(chain) && s->nchain < SMTP_MAX_CHAIN; i++) {
		unsigned char *der = NULL;
		int len = i2d_X509(sk_X509_value(chain, i), &der);

		if (len > 0) {
			s->chain_der[s->nchain] = md_arena_memdup(a, der, (size_t)len);
			s->chain_len[s->nchain] = (size_t)len;
			if (s->chain_der[s->nchain] != NULL)
				s->nchain++;
		}
		OPENSSL_free(der);
	}
	return MD_SMTP_OK;
}

/* Copy the EHLO keywords of the reply into S. */
static void take_ehlo(md_arena *a, smtp_session *s, const md_smtp_reply *r, bool tls)
{
	const char **ext = tls ? s->ext_tls : s->ext;
	size_t *n = tls ? &s->next_tls : &s->next;
	size_t i;

	*n = 0;
	for (i = 1; i < r->nlines && *n < SMTP_MAX_EXTENSIONS; i++) {
		md_str l = md_str_trim(md_smtp_reply_line(r, i));
		size_t k = 0;

		if (l.n == 0)
			continue;
		ext[(*n)++] = md_arena_strndup(a, l.p, l.n);
		while (k < l.n && !md_iswsp(l.p[k]) && l.p[k] != '=')
			k++;
		if (md_str_ieq_c((md_str){l.p, k}, "STARTTLS") && !tls)
			s->starttls_offered = true;
		/* "AUTH PLAIN LOGIN" and the pre-RFC 4954 "AUTH=PLAIN LOGIN" */
		if (md_str_ieq_c((md_str){l.p, k}, "AUTH")) {
			md_str mech = md_str_trim((md_str){l.p + k + (k < l.n ? 1 : 0),
			                                   l.n - k - (k < l.n ? 1 : 0)});
			const char **dst = tls ? &s->auth_tls : &s->auth_plain;

			if (*dst == NULL)
				*dst = md_arena_strndup(a, mech.p, mech.n);
		}
	}
}

static const char *default_helo(md_arena *a, int fd)
{
	char name[256];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (gethostname(name, sizeof(name)) == 0) {
		name[sizeof(name) - 1] = '\0';
		if (strchr(name, '.') != NULL && name[strlen(name) - 1] != '.')
			return md_arena_strdup(a, name);
	}
	/* RFC 5321 4.1.4: an address literal when there is no usable name */
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		char buf[INET6_ADDRSTRLEN];

		if (ss.ss_family == AF_INET &&
		    inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, buf, sizeof(buf)))
			return md_arena_printf(a, "[%s]", buf);
		if (ss.ss_family == AF_INET6 &&
		    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, buf, sizeof(buf)))
			return md_arena_printf(a, "[IPv6:%s]", buf);
	}
	return "localhost";
}

/* Connect (phase connect). */
static md_smtp_outcome do_connect(md_arena *a, conn *c, smtp_session *s, const md_ip *ip,
                                  uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int err = 0, w;
	socklen_t el = sizeof(err);

	memset(&ss, 0, sizeof(ss));
	if (ip->family == 4) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, ip->a, 4);
		sl = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		memcpy(&in6->sin6_addr, ip->a, 16);
		sl = sizeof(*in6);
	}
	c->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		s->phase[MD_SMTP_PHASE_CONNECT].detail = md_arena_printf(a, "socket: %s", strerror(errno));
		return MD_SMTP_ERROR;
	}
	if (connect(c->fd, (struct sockaddr *)&ss, sl) == 0)
		return MD_SMTP_OK;
	if (errno != EINPROGRESS)
		err = errno;
	else {
		w = wait_fd(c, POLLOUT);
		if (w == 0) {
			s->phase[MD_SMTP_PHASE_CONNECT].detail =
				"no answer to the TCP connection before the phase timeout";
			return MD_SMTP_TIMEOUT;
		}
		if (w < 0 || getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
			err = errno;
	}
	if (err == 0)
		return MD_SMTP_OK;
	s->phase[MD_SMTP_PHASE_CONNECT].detail = md_arena_printf(a, "connect: %s", strerror(err));
	if (err == ECONNREFUSED)
		return MD_SMTP_REFUSED;
	if (err == ENETUNREACH || err == EHOSTUNREACH || err == EADDRNOTAVAIL || err == EAFNOSUPPORT)
		return MD_SMTP_UNREACHABLE;
	if (err == ETIMEDOUT)
		return MD_SMTP_TIMEOUT;
	return MD_SMTP_ERROR;
}

/* Run one phase that sends LINE (NULL: only read, for the banner) and
 * expects a reply of class WANT. Returns the outcome, recorded. */
static md_smtp_outcome exchange(md_arena *a, conn *c, smtp_session *s, md_smtp_phase p,
                                const char *line, int want, double timeout)
{
	long long t0;
	io_result r;
	md_smtp_outcome o;

	phase_begin(s, p, &t0);
	set_deadline(c, timeout);
	r = line != NULL ? command(c, line) : read_reply(c);
	if (r == IO_OK) {
		o = take_reply(a, c, s, p, want);
	} else {
		o = io_outcome(r);
		if (r == IO_PROTOCOL) {
			s->phase[p].detail = md_arena_printf(a, "malformed reply: %s",
			                                     c->rp.error ? c->rp.error : "too much data");
			if (c->rp.reply.raw.n > 0)
				s->phase[p].reply = md_arena_strndup(a, c->rp.reply.raw.p,
				                                     c->rp.reply.raw.n > 512 ? 512 : c->rp.reply.raw.n);
		} else {
			s->phase[p].detail = io_detail(r, timeout);
			/* a partial reply says how far the server got (a stall) */
			if (c->rp.reply.raw.n > 0 || c->rp.line.n > 0) {
				md_buf partial;

				md_buf_init(&partial, 1024);
				md_buf_append(&partial, c->rp.reply.raw.p, c->rp.reply.raw.n > 512 ? 512 : c->rp.reply.raw.n);
				md_buf_append(&partial, c->rp.line.p, c->rp.line.n > 256 ? 256 : c->rp.line.n);
				if (partial.n > 0)
					s->phase[p].reply = md_arena_strndup(a, partial.p, partial.n);
				md_buf_free(&partial);
			}
		}
		if (r != IO_OK)
			c->broken = true;
	}
	phase_end(s, p, t0, o);
	return o;
}

static void quit(md_arena *a, conn *c, smtp_session *s)
{
	md_smtp_phase keep = s->stopped_at;

	if (c->broken || c->fd < 0)
		return;
	exchange(a, c, s, MD_SMTP_PHASE_QUIT, "QUIT", 2, SMTP_QUIT_TIMEOUT);
	s->stopped_at = keep; /* where the probe stopped, not the courtesy QUIT */
	if (c->ssl != NULL) {
		ERR_clear_error();
		SSL_shutdown(c->ssl);
	}
}

/* Write an address into a command, refusing CR, LF and non-printables. */
static bool safe_path(const char *s)
{
	for (; *s; s++)
		if (!md_isprint((unsigned char)*s) || *s == '<' || *s == '>')
			return false;
	return true;
}

md_status smtp_probe_addr(md_arena *a, SSL_CTX *ctx, const char *host, const md_ip *ip,
                          const md_smtp_opts *o, smtp_session *s)
{
	double t = opts_timeout(o);
	md_smtp_mode mode = smtp_opts_mode(o);
	conn c;
	long long t0;
	md_smtp_outcome oc;
	char abuf[64];
	int i;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	md_buf_init(&c.in, SMTP_INBUF_MAX);
	md_smtp_rparse_init(&c.rp);
	for (i = 0; i < MD_SMTP_PHASE_COUNT; i++)
		s->phase[i].outcome = MD_SMTP_SKIPPED;
	s->host = host;
	s->addr = md_arena_strdup(a, md_ip_str(ip, abuf, sizeof(abuf)));
	s->port = smtp_opts_port(o);
	s->mode = mode;
	s->phase[MD_SMTP_PHASE_RESOLVE].attempted = true;
	s->phase[MD_SMTP_PHASE_RESOLVE].outcome = MD_SMTP_OK;

	/* connect */
	phase_begin(s, MD_SMTP_PHASE_CONNECT, &t0);
	set_deadline(&c, t);
	oc = do_connect(a, &c, s, ip, s->port);
	phase_end(s, MD_SMTP_PHASE_CONNECT, t0, oc);
	if (oc != MD_SMTP_OK)
		goto done;
	s->helo_name = o->helo ? md_arena_strdup(a, o->helo) : default_helo(a, c.fd);

	/* implicit TLS (RFC 8314 3.3) */
	if (mode == MD_SMTP_MODE_SMTPS) {
		phase_begin(s, MD_SMTP_PHASE_TLS_IMPLICIT, &t0);
		set_deadline(&c, t);
		oc = tls_handshake(a, ctx, &c, s, MD_SMTP_PHASE_TLS_IMPLICIT, ip);
		phase_end(s, MD_SMTP_PHASE_TLS_IMPLICIT, t0, oc);
		if (oc != MD_SMTP_OK)
			goto done;
	}

	/* banner (RFC 5321 4.3.1: 220, or 554 with QUIT expected) */
	oc = exchange(a, &c, s, MD_SMTP_PHASE_BANNER, NULL, 2, t);
	s->banner_code = s->phase[MD_SMTP_PHASE_BANNER].code;
	s->banner = s->phase[MD_SMTP_PHASE_BANNER].reply;
	if (oc == MD_SMTP_OK && s->banner_code != 220) {
		oc = MD_SMTP_PROTOCOL;
		s->phase[MD_SMTP_PHASE_BANNER].outcome = oc;
		s->phase[MD_SMTP_PHASE_BANNER].detail = "the greeting is not a 220 reply";
	}
	if (oc != MD_SMTP_OK) {
		if (oc == MD_SMTP_REJECTED || oc == MD_SMTP_TEMPFAIL)
			quit(a, &c, s);
		goto done;
	}

	/* EHLO, HELO when EHLO is not understood (RFC 5321 3.2) */
	{
		char line[300];

		snprintf(line, sizeof(line), "EHLO %s", s->helo_name);
		oc = exchange(a, &c, s, MD_SMTP_PHASE_EHLO, line, 2, t);
		if (oc == MD_SMTP_REJECTED && (s->phase[MD_SMTP_PHASE_EHLO].code == 500 ||
		                               s->phase[MD_SMTP_PHASE_EHLO].code == 502)) {
			snprintf(line, sizeof(line), "HELO %s", s->helo_name);
			s->helo_fallback = true;
			oc = exchange(a, &c, s, MD_SMTP_PHASE_EHLO, line, 2, t);
		}
		if (oc != MD_SMTP_OK) {
			quit(a, &c, s);
			goto done;
		}
		if (!s->helo_fallback)
			take_ehlo(a, s, &c.rp.reply, mode == MD_SMTP_MODE_SMTPS);
		if (mode == MD_SMTP_MODE_SMTPS) {
			/* the first EHLO already ran under TLS */
			memcpy(s->ext, s->ext_tls, sizeof(s->ext));
			s->next = s->next_tls;
		}

		/* STARTTLS (RFC 3207) */
		if (mode != MD_SMTP_MODE_SMTPS && s->starttls_offered && !o->no_starttls) {
			oc = exchange(a, &c, s, MD_SMTP_PHASE_STARTTLS, "STARTTLS", 2, t);
			if (oc != MD_SMTP_OK) {
				quit(a, &c, s);
				goto done;
			}
			if (s->phase[MD_SMTP_PHASE_STARTTLS].code != 220) {
				s->phase[MD_SMTP_PHASE_STARTTLS].outcome = MD_SMTP_PROTOCOL;
				s->phase[MD_SMTP_PHASE_STARTTLS].detail = "STARTTLS answered with a code other than 220";
				quit(a, &c, s);
				goto done;
			}
			/* RFC 3207 4.2 / CVE-2011-0411: nothing may follow the 220 in
			 * plaintext; what did is discarded, never read under TLS */
			s->starttls_leftover = c.in.n;
			c.in.n = 0;
			phase_begin(s, MD_SMTP_PHASE_TLS, &t0);
			set_deadline(&c, t);
			oc = tls_handshake(a, ctx, &c, s, MD_SMTP_PHASE_TLS, ip);
			phase_end(s, MD_SMTP_PHASE_TLS, t0, oc);
			if (oc != MD_SMTP_OK)
				goto done;
			/* RFC 3207 4.2: forget what was learnt, EHLO again */
			snprintf(line, sizeof(line), "EHLO %s", s->helo_name);
			oc = exchange(a, &c, s, MD_SMTP_PHASE_EHLO_TLS, line, 2, t);
			if (oc != MD_SMTP_OK) {
				quit(a, &c, s);
				goto done;
			}
			take_ehlo(a, s, &c.rp.reply, true);
		} else if (mode != MD_SMTP_MODE_SMTPS) {
			s->phase[MD_SMTP_PHASE_STARTTLS].attempted = true;
			s->phase[MD_SMTP_PHASE_STARTTLS].detail =
				o->no_starttls ? "not tried (--no-starttls)" : "the server does not offer STARTTLS";
		}

		/* RCPT probe, only when asked for; never DATA */
		if (o->rcpt != NULL) {
			const char *from = o->mail_from ? o->mail_from : "";

			if (!safe_path(o->rcpt) || !safe_path(from)) {
				s->phase[MD_SMTP_PHASE_MAIL].attempted = true;
				s->phase[MD_SMTP_PHASE_MAIL].outcome = MD_SMTP_ERROR;
				s->phase[MD_SMTP_PHASE_MAIL].detail = "address contains characters not allowed in a path";
				quit(a, &c, s);
				goto done;
			}
			snprintf(line, sizeof(line), "MAIL FROM:<%s>", from);
			oc = exchange(a, &c, s, MD_SMTP_PHASE_MAIL, line, 2, t);
			if (oc != MD_SMTP_OK) {
				quit(a, &c, s);
				goto done;
			}
			snprintf(line, sizeof(line), "RCPT TO:<%s>", o->rcpt);
			oc = exchange(a, &c, s, MD_SMTP_PHASE_RCPT, line, 2, t);
			s->rcpt_code = s->phase[MD_SMTP_PHASE_RCPT].code;
			s->rcpt_reply = s->phase[MD_SMTP_PHASE_RCPT].reply;
			if (oc == MD_SMTP_REJECTED || oc == MD_SMTP_TEMPFAIL) {
				/* the answer is the result; the session goes on */
				quit(a, &c, s);
				s->stopped_at = MD_SMTP_PHASE_RCPT;
				s->completed = true;
				goto done;
			}
			if (oc != MD_SMTP_OK) {
				quit(a, &c, s);
				goto done;
			}
		}
	}
	quit(a, &c, s);
	s->completed = true;
	s->stopped_at = MD_SMTP_PHASE_QUIT;
done:
	if (c.ssl != NULL)
		SSL_free(c.ssl);
	if (c.fd >= 0)
		close(c.fd);
	md_buf_free(&c.in);
	md_smtp_rparse_free(&c.rp);
	return MD_OK;
}

SSL_CTX *smtp_tls_ctx(const md_smtp_opts *o, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL) {
		snprintf(err, errlen, "cannot create a TLS context");
		return NULL;
	}
	/* A diagnostic probe must reach old servers to say they are old: allow
	 * every protocol and key size, and report them as findings. */
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	/* Verification runs and its result is read afterwards
	 * (SSL_get_verify_result); a bad certificate must not stop the probe. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_default_verify_paths(ctx);
	if (o->ca_file != NULL && SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL) != 1) {
		snprintf(err, errlen, "%s: cannot load CA certificates", o->ca_file);
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}
