/*
 * input.c - where messages come from: files, mboxes, directories,
 * Maildirs, stdin and buffers, one message at a time.
 *
 * An input that cannot be read yields one error item naming it and the
 * source goes on with the next, so one broken file never stops a run.
 *
 * mbox (RFC 4155): a message starts with a line "From " at the start of
 * the file or after a line end; the envelope line is dropped, and lines
 * ">From ", ">>From " ... lose one '>' (the mboxrd convention; for mboxo
 * files this also restores the lines their writer quoted). A body line
 * "From " that does not look like an envelope line (sender and date: at
 * least three words and a digit) does not split the message.
 * Limits: MD_SOURCE_DEFAULT_MAX_FILE_BYTES per file; directories are
 * followed MD_SOURCE_MAX_DIR_DEPTH levels deep.
 */
#include "mime_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/ascii.h"

#define MD_SOURCE_MAX_DIR_DEPTH 8

struct entry {
	char *path;       /* file name; NULL for "-" handled via is_stdin */
	const char *data; /* a caller's buffer (not owned) */
	size_t len;
	bool is_buffer;
	bool regular; /* readdir said it is a regular file: no fstat needed */
	int depth;
};

struct md_source {
	md_source_opts opts;
	struct entry *q;
	size_t nq, capq, pos;
	/* the input being read */
	char *file;         /* its bytes: a caller's buffer, rbuf, or owned
	                       (cur_owned) */
	size_t file_len;
	bool cur_owned;
	/* the read buffer of regular files, kept from file to file so that
	 * a directory of small messages costs no allocation per file */
	char *rbuf;
	size_t rcap;
	bool cur_open;
	bool cur_mbox;
	size_t off;
	size_t index;
	char *msg;          /* the current mbox message (owned) */
	char errbuf[512];
	size_t errors;
};

md_source *md_source_new(const md_source_opts *opts)
{
	md_source *s = md_calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	if (opts != NULL)
		s->opts = *opts;
	if (s->opts.max_file_bytes == 0)
		s->opts.max_file_bytes = MD_SOURCE_DEFAULT_MAX_FILE_BYTES;
	return s;
}

static void close_current(md_source *s)
{
	if (s->cur_owned)
		md_free(s->file);
	md_free(s->msg);
	s->file = NULL;
	s->msg = NULL;
	s->file_len = 0;
	s->cur_open = false;
	s->cur_owned = false;
}

void md_source_free(md_source *s)
{
	size_t i;

	if (s == NULL)
		return;
	close_current(s);
	md_free(s->rbuf);
	for (i = 0; i < s->nq; i++)
		md_free(s->q[i].path);
	md_free(s->q);
	md_free(s);
}

/* Insert E at queue position AT. */
static md_status queue_insert(md_source *s, size_t at, struct entry e)
{
	if (s->nq == s->capq) {
		size_t cap = s->capq ? s->capq * 2 : 16;
		struct entry *v = md_realloc(s->q, cap * sizeof(*v));

		if (v == NULL)
			return MD_ENOMEM;
		s->q = v;
		s->capq = cap;
	}
	memmove(s->q + at + 1, s->q + at, (s->nq - at) * sizeof(*s->q));
	s->q[at] = e;
	s->nq++;
	return MD_OK;
}

md_status md_source_add(md_source *s, const char *path)
{
	struct entry e = {0};

	e.path = md_strdup(path);
	if (e.path == NULL)
		return MD_ENOMEM;
	if (queue_insert(s, s->nq, e) != MD_OK) {
		md_free(e.path);
		return MD_ENOMEM;
	}
	return MD_OK;
}

md_status md_source_add_buffer(md_source *s, const char *name, const void *data, size_t len)
{
	struct entry e = {0};

	e.path = md_strdup(name ? name : "(buffer)");
	if (e.path == NULL)
		return MD_ENOMEM;
	e.data = data;
	e.len = len;
	e.is_buffer = true;
	if (queue_insert(s, s->nq, e) != MD_OK) {
		md_free(e.path);
		return MD_ENOMEM;
	}
	return MD_OK;
}

size_t md_source_errors(const md_source *s)
{
	return s->errors;
}

/* Read all of FD into *OUT (md_malloc'd). */
static md_status read_fd(md_source *s, int fd, char **out, size_t *outlen)
{
	size_t cap = 65536, n = 0;
	char *buf = md_malloc(cap + 1);

	if (buf == NULL)
		return MD_ENOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap >= s->opts.max_file_bytes) {
				md_free(buf);
				return MD_ELIMIT;
			}
			cap = cap * 2 > s->opts.max_file_bytes ? s->opts.max_file_bytes : cap * 2;
			nb = md_realloc(buf, cap + 1);
			if (nb == NULL) {
				md_free(buf);
				return MD_ENOMEM;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			md_free(buf);
			return MD_EIO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return MD_OK;
}

/* Read regular file FD of SIZE bytes (per fstat) into s->rbuf, which
 * is kept and grown from file to file. Asking for one byte more than SIZE
 * lets one short read tell the end of the file (a regular file reads
 * short only at its end); a file that grew since fstat is read on up to
 * the limit. */
static md_status read_regular(md_source *s, int fd, size_t size, size_t *outlen)
{
	size_t n = 0, want = size + 1;

	if (size == SIZE_MAX) /* not known: as much as the buffer holds */
		want = s->rcap > 65536 ? s->rcap - 1 : 65535;

	for (;;) {
		ssize_t r;

		if (s->rcap < want + 1) {
			size_t cap = s->rcap > 65536 ? s->rcap : 65536;
			char *nb;

			while (cap < want + 1)
				cap *= 2;
			nb = md_realloc(s->rbuf, cap);
			if (nb == NULL)
				return MD_ENOMEM;
			s->rbuf = nb;
			s->rcap = cap;
		}
		r = read(fd, s->rbuf + n, want - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return MD_EIO;
		}
		n += (size_t)r;
		if (r == 0 || n < want)
			break;
		if (n > s->opts.max_file_bytes)
			return MD_ELIMIT;
		want = n + 65536 < s->opts.max_file_bytes + 1 ? n + 65536 : s->opts.max_file_bytes + 1;
	}
	s->rbuf[n] = '\0';
	*outlen = n;
	return MD_OK;
}

struct dent {
	char *name;
	bool regular;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name, ((const struct dent *)b)->name);
}

/* Queue the entries of directory PATH after the current position. */
static md_status expand_dir(md_source *s, const char *path, int depth, char *err, size_t errlen)
{
	DIR *d;
	struct dirent *de;
	struct dent *names = NULL;
	size_t n = 0, cap = 0, i;
	md_status st = MD_OK;
	struct stat sb;
	bool maildir;
	char sub[4096];

	if (depth >= MD_SOURCE_MAX_DIR_DEPTH) {
		snprintf(err, errlen, "directories nest deeper than %d levels", MD_SOURCE_MAX_DIR_DEPTH);
		return MD_ELIMIT;
	}
	/* a Maildir: read cur/ and new/, never tmp/ (messages being written) */
	snprintf(sub, sizeof(sub), "%s/cur", path);
	maildir = stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode);
	snprintf(sub, sizeof(sub), "%s/new", path);
	maildir = maildir && stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode);
	d = opendir(path);
	if (d == NULL) {
		snprintf(err, errlen, "cannot read directory: %s", strerror(errno));
		return MD_EIO;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (maildir && strcmp(de->d_name, "cur") != 0 && strcmp(de->d_name, "new") != 0)
			continue;
		if (n == cap) {
			struct dent *v;

			cap = cap ? cap * 2 : 64;
			v = md_realloc(names, cap * sizeof(*v));
			if (v == NULL) {
				st = MD_ENOMEM;
				break;
			}
			names = v;
		}
		names[n].name = md_strdup(de->d_name);
		names[n].regular = de->d_type == DT_REG;
		if (names[n].name == NULL) {
			st = MD_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (st == MD_OK && n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		if (st == MD_OK) {
			struct entry e = {0};
			size_t pl = strlen(path), nl = strlen(names[i].name);

			e.path = md_malloc(pl + nl + 2);
			if (e.path == NULL)
				st = MD_ENOMEM;
			else {
				memcpy(e.path, path, pl);
				e.path[pl] = '/';
				memcpy(e.path + pl + 1, names[i].name, nl + 1);
				e.depth = depth + 1;
				e.regular = names[i].regular;
				st = queue_insert(s, s->pos + 1 + i, e);
				if (st != MD_OK)
					md_free(e.path);
			}
		}
		md_free(names[i].name);
	}
	md_free(names);
	if (st == MD_ENOMEM)
		snprintf(err, errlen, "out of memory");
	return st;
}

static bool looks_like_envelope(const char *p, size_t len)
{
	size_t i, words = 0;
	bool digit = false, in = false;

	for (i = 5; i < len; i++) {
		if (md_iswsp(p[i]))
			in = false;
		else {
			if (!in)
				words++;
			in = true;
			if (md_isdigit(p[i]))
				digit = true;
		}
	}
	return words >= 2 && digit;
}

int md_mbox_next(const char *data, size_t len, size_t *off, char **out, size_t *outlen)
{
	size_t o = *off, start, l, e, nx, end;
	md_buf b;

	/* find the envelope line */
	while (o < len) {
		nx = md_line_next(data, len, o, &l, &e);
		if (l >= 5 && memcmp(data + o, "From ", 5) == 0)
			break;
		if (l > 0 && o == *off && *off == 0)
			break; /* text before the first From_: treat as a message */
		o = nx;
	}
	if (o >= len) {
		*off = len;
		return 0;
	}
	if (l >= 5 && memcmp(data + o, "From ", 5) == 0)
		o = nx;
	start = o;
	/* the message runs to the next envelope line */
	end = len;
	while (o < len) {
		nx = md_line_next(data, len, o, &l, &e);
		if (o > start && l >= 5 && memcmp(data + o, "From ", 5) == 0 &&
		    looks_like_envelope(data + o, l)) {
			end = o;
			break;
		}
		o = nx;
	}
	*off = end;
	md_buf_init(&b, (end - start) + 1);
	if (md_buf_reserve(&b, end - start) != MD_OK)
		return -1;
	/* copy, unquoting >From lines */
	o = start;
	while (o < end) {
		size_t q = o;

		nx = md_line_next(data, end, o, &l, &e);
		while (q < o + l && data[q] == '>')
			q++;
		if (q > o && o + l - q >= 5 && memcmp(data + q, "From ", 5) == 0)
			md_buf_append(&b, data + o + 1, nx - o - 1);
		else
			md_buf_append(&b, data + o, nx - o);
		o = nx;
	}
	if (b.p == NULL && md_buf_reserve(&b, 0) != MD_OK)
		return -1;
	*outlen = b.n;
	*out = md_buf_steal(&b);
	return *out == NULL ? -1 : 1;
}

static void set_error(md_source *s, md_source_item *it, const char *file, md_status st,
                      const char *msg)
{
	snprintf(s->errbuf, sizeof(s->errbuf), "%s", msg);
	it->file = file;
	it->index = s->index > 0 ? s->index : 1;
	it->data = NULL;
	it->len = 0;
	it->status = st;
	it->error = s->errbuf;
	s->errors++;
}

/* Open queue entry s->pos. Returns false with IT set when it failed. */
static bool open_entry(md_source *s, md_source_item *it, bool *skip)
{
	struct entry *e = &s->q[s->pos];
	char err[300];
	md_status st;

	*skip = false;
	s->index = 0;
	s->off = 0;
	if (e->is_buffer) {
		s->file = (char *)(uintptr_t)e->data;
		s->file_len = e->len;
	} else if (strcmp(e->path, "-") == 0) {
		st = read_fd(s, 0, &s->file, &s->file_len);
		if (st != MD_OK) {
			set_error(s, it, e->path, st,
			          st == MD_ELIMIT ? "standard input is larger than the input size limit"
			                          : "cannot read standard input");
			return false;
		}
		s->cur_owned = true;
	} else {
		struct stat sb;
		int fd = open(e->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

		/* a directory entry readdir called regular needs no fstat: the
		 * read tells its size (one system call less per message) */
		if (fd >= 0 && e->regular) {
			st = read_regular(s, fd, SIZE_MAX, &s->file_len);
			s->file = s->rbuf;
			close(fd);
			goto read_done;
		}
		if (fd < 0 || fstat(fd, &sb) != 0) {
			snprintf(err, sizeof(err), "cannot open: %s", strerror(errno));
			set_error(s, it, e->path, errno == ENOENT ? MD_ENOTFOUND : MD_EIO, err);
			if (fd >= 0)
				close(fd);
			return false;
		}
		if (S_ISDIR(sb.st_mode)) {
			close(fd);
			st = expand_dir(s, e->path, e->depth, err, sizeof(err));
			if (st != MD_OK) {
				set_error(s, it, e->path, st, err);
				return false;
			}
			*skip = true;
			return true;
		}
		if ((size_t)sb.st_size > s->opts.max_file_bytes) {
			close(fd);
			snprintf(err, sizeof(err), "file is larger than the input limit of %zu bytes",
			         s->opts.max_file_bytes);
			set_error(s, it, e->path, MD_ELIMIT, err);
			return false;
		}
		if (S_ISREG(sb.st_mode)) {
			st = read_regular(s, fd, (size_t)sb.st_size, &s->file_len);
			s->file = s->rbuf;
		} else {
			/* a FIFO or device: read it like stdin */
			st = read_fd(s, fd, &s->file, &s->file_len);
			s->cur_owned = st == MD_OK;
		}
		close(fd);
read_done:
		if (st != MD_OK) {
			set_error(s, it, e->path, st,
			          st == MD_ENOMEM   ? "out of memory"
			          : st == MD_ELIMIT ? "file is larger than the input limit"
			                            : "cannot read");
			s->file = NULL;
			s->file_len = 0;
			return false;
		}
	}
	if (s->file_len == 0 || md_str_trim((md_str){s->file, s->file_len}).n == 0) {
		set_error(s, it, e->path, MD_EPARSE, "empty input: no message");
		close_current(s);
		return false;
	}
	s->cur_mbox = s->file_len >= 5 && memcmp(s->file, "From ", 5) == 0;
	s->cur_open = true;
	return true;
}

md_source_opts md_source_get_opts(const md_source *s)
{
	return s->opts;
}

md_status md_source_add_regular(md_source *s, const char *path)
{
	md_status st = md_source_add(s, path);

	if (st == MD_OK)
		s->q[s->nq - 1].regular = true;
	return st;
}

void md_source_reset(md_source *s)
{
	size_t i;

	close_current(s);
	for (i = 0; i < s->nq; i++)
		md_free(s->q[i].path);
	s->nq = 0;
	s->pos = 0;
	s->index = 0;
	s->off = 0;
	s->errors = 0;
}

static bool source_next(md_source *s, md_source_item *it, bool *deferred)
{
	memset(it, 0, sizeof(*it));
	for (;;) {
		struct entry *e;

		if (!s->cur_open) {
			bool skip;

			if (s->pos >= s->nq)
				return false;
			if (deferred != NULL && s->q[s->pos].regular) {
				it->file = s->q[s->pos].path;
				it->index = 1;
				it->status = MD_OK;
				*deferred = true;
				s->pos++;
				return true;
			}
			if (!open_entry(s, it, &skip)) {
				s->pos++;
				return true;
			}
			if (skip) {
				s->pos++;
				continue;
			}
		}
		e = &s->q[s->pos];
		md_free(s->msg);
		s->msg = NULL;
		if (!s->cur_mbox) {
			if (s->index == 0) {
				s->index = 1;
				it->file = e->path;
				it->index = 1;
				it->data = s->file;
				it->len = s->file_len;
				it->status = MD_OK;
				/* the next call moves on */
				s->off = s->file_len;
				return true;
			}
		} else if (s->off < s->file_len) {
			size_t ml = 0;
			int r = md_mbox_next(s->file, s->file_len, &s->off, &s->msg, &ml);

			if (r < 0) {
				s->index++;
				set_error(s, it, e->path, MD_ENOMEM, "out of memory");
				close_current(s);
				s->pos++;
				return true;
			}
			if (r > 0) {
				s->index++;
				it->file = e->path;
				it->index = s->index;
				it->data = s->msg;
				it->len = ml;
				it->status = MD_OK;
				return true;
			}
		}
		close_current(s);
		s->pos++;
	}
}

bool md_source_next(md_source *s, md_source_item *it)
{
	return source_next(s, it, NULL);
}

bool md_source_next_deferred(md_source *s, md_source_item *it, bool *deferred)
{
	*deferred = false;
	return source_next(s, it, deferred);
}
