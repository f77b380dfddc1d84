/*
 * text.c - find the pieces of an SMTP error in free text: enhanced status
 * codes (RFC 3463), reply codes (RFC 5321 section 4.2), the SMTP command
 * that failed, the remote host and addresses.
 *
 * Grammar (RFC 3463 section 2, RFC 5321 section 4.2):
 *     status-code = class "." subject "." detail
 *     class       = "2" / "4" / "5"
 *     subject     = 1*3digit
 *     detail      = 1*3digit
 *     reply-code  = %x32-35 %x30-35 %x30-39
 * A status code is not part of a longer dotted number (an IP address).
 */
#include "bounce_internal.h"

#include <assert.h>
#include <string.h>

#include "core/ascii.h"

/* Longest address we accept (RFC 5321 section 4.5.3.1.3: 256 octets). */
#define MD_ADDR_MAX 256

bool text_find_status(const char *p, size_t n, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; i + 5 <= n; i++) {
		size_t j, d1, d2;

		if (p[i] != '2' && p[i] != '4' && p[i] != '5')
			continue;
		if (i > 0 && (md_isdigit(p[i - 1]) || p[i - 1] == '.' || md_isalpha(p[i - 1])))
			continue;
		/* a version in a product token ("mxl_mta-5.5.0-3" in a Received
		 * header), not a status; "550-5.1.1" (a reply line) still counts */
		if (i > 1 && p[i - 1] == '-' && (md_isalpha(p[i - 2]) || p[i - 2] == '_'))
			continue;
		if (p[i + 1] != '.')
			continue;
		j = i + 2;
		d1 = j;
		while (j < n && md_isdigit(p[j]) && j - d1 < 3)
			j++;
		if (j == d1 || j >= n || p[j] != '.')
			continue;
		j++;
		d2 = j;
		while (j < n && md_isdigit(p[j]) && j - d2 < 3)
			j++;
		if (j == d2)
			continue;
		if (j < n && (md_isdigit(p[j]) || md_isalpha(p[j])))
			continue;
		if (j + 1 < n && p[j] == '.' && md_isdigit(p[j + 1]))
			continue; /* an IP address or version number */
		if (j - i + 1 > outlen)
			return false;
		memcpy(out, p + i, j - i);
		out[j - i] = '\0';
		return true;
	}
	return false;
}

static bool find_replycode(const char *p, size_t n, char *out, bool failures_only)
{
	size_t i;

	for (i = 0; i + 3 <= n; i++) {
		char c = p[i];

		if ((c != '2' || failures_only) && c != '4' && c != '5')
			continue;
		if (i > 0 && !(p[i - 1] == ' ' || p[i - 1] == '\t' || p[i - 1] == ':' ||
		               p[i - 1] == ';' || p[i - 1] == '(' || p[i - 1] == '"' ||
		               p[i - 1] == '<' || p[i - 1] == '>' || p[i - 1] == '\n' || p[i - 1] == '[' ||
		               p[i - 1] == '\r' || p[i - 1] == '='))
			continue;
		if (p[i + 1] < '0' || p[i + 1] > '5' || !md_isdigit(p[i + 2]))
			continue;
		/* "MAIL FROM:<a@b> SIZE=222": the RFC 1870 SIZE parameter echoed
		 * in the error text is a message size, not a reply code */
		if (i >= 5 && p[i - 1] == '=' && md_tolower(p[i - 5]) == 's' &&
		    md_tolower(p[i - 4]) == 'i' && md_tolower(p[i - 3]) == 'z' && md_tolower(p[i - 2]) == 'e')
			continue;
		if (i + 3 < n && !(p[i + 3] == ' ' || p[i + 3] == '-' || p[i + 3] == '\r' ||
		                   p[i + 3] == '\n' || p[i + 3] == '\t' || p[i + 3] == ')' ||
		                   p[i + 3] == ',' || p[i + 3] == ':' || p[i + 3] == ']'))
			continue;
		/* "5.1.1" style codes and dates are excluded by the checks above;
		 * skip numbers followed by a unit ("552 bytes" never starts a reply) */
		memcpy(out, p + i, 3);
		out[3] = '\0';
		/* a sendmail transcript line "554 <a@b>... 550 Host unknown": the
		 * first code is sendmail's own reply, the one after "... " is the
		 * remote server's (or the resolver's) answer */
		{
			size_t k;

			for (k = i + 3; k + 8 <= n && p[k] != '\n' && p[k] != '\r'; k++) {
				if (memcmp(p + k, "... ", 4) != 0)
					continue;
				if ((p[k + 4] == '4' || p[k + 4] == '5') && md_isdigit(p[k + 5]) &&
				    md_isdigit(p[k + 6]) && p[k + 7] == ' ') {
					memcpy(out, p + k + 4, 3);
					out[3] = '\0';
				}
				break;
			}
		}
		return true;
	}
	return false;
}

bool text_find_replycode(const char *p, size_t n, char *out)
{
	return find_replycode(p, n, out, false);
}

bool text_find_failure_replycode(const char *p, size_t n, char *out)
{
	return find_replycode(p, n, out, true);
}

/* Phrases that name the failing SMTP command, in the order tried. */
static const struct {
	const char *phrase;
	const char *command;
} command_phrases[] = {
	{"in reply to rcpt to", "RCPT"},
	{"in reply to mail from", "MAIL"},
	{"in reply to end of data", "DATA"},
	{"in reply to data", "DATA"},
	{"in reply to ehlo", "EHLO"},
	{"in reply to helo", "HELO"},
	{"in reply to starttls", "STARTTLS"},
	{"in reply to the rcpt to", "RCPT"},
	{"in reply to the mail from", "MAIL"},
	{"after rcpt to", "RCPT"},
	{"after mail from", "MAIL"},
	{"after end of data", "DATA"},
	{"after pipelined data", "DATA"},
	{"after data", "DATA"},
	{"after ehlo", "EHLO"},
	{"after helo", "HELO"},
	{"after starttls", "STARTTLS"},
	{"after initial connection", "CONN"},
	{"did not like our rcpt to", "RCPT"},
	{"did not like our mail from", "MAIL"},
	{"did not like our final data", "DATA"},
	{"did not like our data", "DATA"},
	{"did not like our ehlo", "EHLO"},
	{"did not like our helo", "HELO"},
	{">>> rcpt to", "RCPT"},
	{"smtp:rcpt", "RCPT"},
	{"smtp:data", "DATA"},
	{"smtp:mail", "MAIL"},
	{">>> mail from", "MAIL"},
	{">>> data", "DATA"},
	{">>> ehlo", "EHLO"},
	{">>> helo", "HELO"},
	{"rcpt to response", "RCPT"},
	{"mail from response", "MAIL"},
	{"data response", "DATA"},
	{"rejected at rcpt", "RCPT"},
	{"(rcpt_to)", "RCPT"},
	{"[rcpt_to]", "RCPT"},
	{"rcpt to:<", "RCPT"},
	{"mail from:<", "MAIL"},
	{"end of data", "DATA"},
	{"connection refused", "CONN"},
	{"connected to", "CONN"},
};

/* Search window for command phrases (they sit near the reply). */
#define MD_CMD_WINDOW 4096

/* Every command phrase holds one of these words: a text without the
 * word skips its phrases (most diagnostics name no command at all). */
static const char *const command_anchors[] = {"rcpt", "mail", "data", "ehlo", "helo",
                                              "starttls", "connect"};

void lowered_text_fill(lowered_text *lt, char *dst, const char *p, size_t n)
{
	memset(lt->pairs.w, 0, sizeof(lt->pairs.w));
	md_bigrams_add_lower(&lt->pairs, dst, p, n);
	dst[n] = '\0';
	lt->p = dst;
	lt->n = n;
}

const char *text_find_command_lowered(const lowered_text *lt)
{
	bool has[sizeof(command_anchors) / sizeof(command_anchors[0])];
	size_t i, k, na = sizeof(command_anchors) / sizeof(command_anchors[0]);
	size_t n = lt->n < MD_CMD_WINDOW ? lt->n : MD_CMD_WINDOW;
	bool any = false;

	for (k = 0; k < na; k++) {
		size_t al = strlen(command_anchors[k]);

		has[k] = md_bigrams_may_hold(&lt->pairs, command_anchors[k], al) &&
		         memmem(lt->p, n, command_anchors[k], al) != NULL;
		any |= has[k];
	}
	if (!any)
		return NULL;
	for (i = 0; i < sizeof(command_phrases) / sizeof(command_phrases[0]); i++) {
		const char *ph = command_phrases[i].phrase;
		size_t pl = strlen(ph);
		bool possible = false;

		for (k = 0; k < na && !possible; k++)
			possible = has[k] && strstr(ph, command_anchors[k]) != NULL;
		if (possible && md_bigrams_may_hold(&lt->pairs, ph, pl) && memmem(lt->p, n, ph, pl) != NULL)
			return command_phrases[i].command;
	}
	return NULL;
}

const char *text_find_command(const char *p, size_t n)
{
	static_assert(MD_CMD_WINDOW < 65536, "the window is on the stack");
	char low[MD_CMD_WINDOW + 1];
	lowered_text lt;

	if (n > MD_CMD_WINDOW)
		n = MD_CMD_WINDOW;
	lowered_text_fill(&lt, low, p, n);
	return text_find_command_lowered(&lt);
}

static bool is_hostch(int c)
{
	return md_isalnum(c) || c == '.' || c == '-' || c == '_';
}

/* Copy the host name starting at P[i] into OUT when it has a dot. */
static bool take_host(const char *p, size_t n, size_t i, char *out, size_t outlen)
{
	size_t j = i, k;
	bool dot = false, alpha = false;

	while (j < n && is_hostch(p[j])) {
		dot |= p[j] == '.';
		alpha |= md_isalpha(p[j]) != 0;
		j++;
	}
	while (j > i && p[j - 1] == '.')
		j--;
	k = j - i;
	if (!dot || !alpha || k == 0 || k + 1 > outlen)
		return false;
	memcpy(out, p + i, k);
	out[k] = '\0';
	return true;
}

bool text_find_rhost(const char *p, size_t n, char *out, size_t outlen)
{
	/* in order of preference: an earlier phrase wins wherever it is */
	static const char *const before[] = {
		"host ", "while talking to ", "remote host ", "remote server ", "mx host ",
		"delivery to host ", "connect to ", "from remote host ",
	};
	enum { NB = sizeof(before) / sizeof(before[0]) };
	size_t k;

	/* the first phrase (in that order) that starts a word somewhere and
	 * is followed by a host name there */
	for (k = 0; k < NB; k++) {
		size_t bl = strlen(before[k]), from = 0;
		const char *at;

		while (from < n && (at = md_ifind(p + from, n - from, before[k], bl)) != NULL) {
			size_t i = (size_t)(at - p);

			if ((i == 0 || !md_isalpha(p[i - 1])) && i + bl < n && take_host(p, n, i + bl, out, outlen))
				return true;
			from = i + 1;
		}
	}
	/* "mx.example.org [192.0.2.1] did not like our ..." (dma) */
	{
		const char *d = memmem(p, n, "did not like our", 16);
		size_t s;

		if (d == NULL)
			return false;
		s = (size_t)(d - p);
		while (s > 0 && p[s - 1] != '\n')
			s--;
		return take_host(p, n, s, out, outlen);
	}
}

static bool is_addrch(int c)
{
	return md_isalnum(c) || (c & 0x80) || strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

bool text_find_address(const char *p, size_t n, size_t *start, size_t *len)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *at = memchr(p + i, '@', n - i);
		size_t s, e;

		if (at == NULL)
			return false;
		i = (size_t)(at - p);
		s = i;
		while (s > 0 && is_addrch(p[s - 1]) && i - s < 64)
			s--;
		e = i + 1;
		while (e < n && (md_isalnum(p[e]) || p[e] == '.' || p[e] == '-' || p[e] == '_' ||
		                 ((unsigned char)p[e] & 0x80)) && e - s < MD_ADDR_MAX)
			e++;
		while (e > i + 1 && p[e - 1] == '.')
			e--;
		while (s < i && p[s] == '.')
			s++;
		if (s == i || e == i + 1 || memchr(p + i + 1, '.', e - i - 1) == NULL) {
			/* "user@localhost" style: accept a single label only when
			 * enclosed in <> */
			if (!(s > 0 && p[s - 1] == '<' && e < n && p[e] == '>' && s < i && e > i + 1))
				continue;
		}
		*start = s;
		*len = e - s;
		return true;
	}
	return false;
}

const char *text_one_line(md_bounce *b, const char *p, size_t n)
{
	char *out = md_arena_alloc(b->arena, n + 1);
	size_t i, k = 0;
	bool sp = false;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			sp = k > 0;
			continue;
		}
		if (sp) {
			out[k++] = ' ';
			sp = false;
		}
		out[k++] = (char)c;
		if (k >= MD_BOUNCE_MAX_DIAG)
			break;
	}
	out[k] = '\0';
	return out;
}
