/*
 * scan.c - every message of a source into a batch, read and parsed on
 * worker threads, added in input order.
 *
 * The calling thread walks the source and hands out chunks of up to
 * SCAN_CHUNK_INPUTS inputs: a regular file found in a directory goes out
 * as its path (the worker opens and reads it, with a source of its own
 * that yields what the main source would have: the same messages, mbox
 * splitting and error texts); anything else (stdin, a buffer, a file
 * named on the command line, an mbox message) is copied into the chunk.
 * Workers parse and classify with their own charset conversions
 * (md_charsets is not shared between threads), free each message as soon
 * as it is classified (a result does not refer to its message), and the
 * calling thread adds the finished chunks' results to the batch in the
 * order it handed them out: records, summaries, findings and error
 * reports are the same for any number of threads.
 *
 * Chunks rather than messages go through the queue, so that a lock and a
 * wake-up are paid per few dozen messages, not per message.
 */
#include "bounce_internal.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "mime/mime_internal.h"

#define SCAN_CHUNK_INPUTS 32
#define SCAN_CHUNK_BYTES (1u << 20)
#define SCAN_MAX_JOBS 16

enum chunk_state { CHUNK_FREE, CHUNK_FILLED, CHUNK_TAKEN, CHUNK_DONE };
enum input_kind { IN_MESSAGE, IN_FILE, IN_ERROR };

struct scan_input {
	enum input_kind kind;
	size_t file_off;          /* into the chunk's memory */
	size_t index;
	size_t data_off, len;     /* IN_MESSAGE: its bytes */
	char *error;              /* IN_ERROR: why (md_strdup'd) */
};

struct scan_result {
	size_t file_off;
	size_t index;
	char *error;    /* not NULL: the input could not be read (md_strdup'd) */
	md_status st;   /* MD_OK: RES holds the result */
	md_bounce *res;
};

struct chunk {
	enum chunk_state state;
	struct scan_input in[SCAN_CHUNK_INPUTS];
	size_t nin;
	char *mem; /* file names and copied messages */
	size_t used, cap;
	struct scan_result *res; /* written by the worker */
	size_t nres, capres;
	md_status st; /* MD_ENOMEM when a result could not be kept */
};

/* What a thread that parses keeps: its conversions and its own source
 * for the files it reads. */
struct parser {
	const md_bounce_opts *bopts;
	md_mime_opts mopts;
	md_source *files;
};

struct scan {
	pthread_mutex_t mu;
	pthread_cond_t work; /* a chunk was filled, or closing */
	pthread_cond_t done; /* a chunk was finished */
	struct chunk *ring;
	size_t nring;
	size_t filled; /* chunks handed out so far (ring index = count % nring) */
	size_t taken;  /* chunks a worker has started */
	bool closing;
	const md_bounce_opts *bopts;
	md_mime_opts mopts;
	md_source_opts sopts;
};

static md_status chunk_put(struct chunk *c, const void *p, size_t n, size_t *off)
{
	if (c->cap - c->used < n) {
		size_t cap = c->cap ? c->cap : 64 * 1024;
		char *m;

		while (cap - c->used < n)
			cap *= 2;
		m = md_realloc(c->mem, cap);
		if (m == NULL)
			return MD_ENOMEM;
		c->mem = m;
		c->cap = cap;
	}
	if (n > 0)
		memcpy(c->mem + c->used, p, n);
	*off = c->used;
	c->used += n;
	return MD_OK;
}

/* Add one item of the main source to C. */
static md_status chunk_add(struct chunk *c, const md_source_item *src, bool deferred)
{
	struct scan_input *in = &c->in[c->nin];
	md_status st;

	memset(in, 0, sizeof(*in));
	in->index = src->index;
	st = chunk_put(c, src->file, strlen(src->file) + 1, &in->file_off);
	if (st != MD_OK)
		return st;
	if (deferred) {
		in->kind = IN_FILE;
	} else if (src->data == NULL) {
		in->kind = IN_ERROR;
		in->error = md_strdup(src->error ? src->error : "cannot read");
		if (in->error == NULL)
			return MD_ENOMEM;
	} else {
		in->kind = IN_MESSAGE;
		st = chunk_put(c, src->data, src->len, &in->data_off);
		if (st != MD_OK)
			return st;
		in->len = src->len;
	}
	c->nin++;
	return MD_OK;
}

static struct scan_result *push_result(struct chunk *c, size_t file_off, size_t index)
{
	struct scan_result *r;

	if (c->nres == c->capres) {
		size_t cap = c->capres ? c->capres * 2 : SCAN_CHUNK_INPUTS;
		struct scan_result *v = md_realloc(c->res, cap * sizeof(*v));

		if (v == NULL) {
			c->st = MD_ENOMEM;
			return NULL;
		}
		c->res = v;
		c->capres = cap;
	}
	r = &c->res[c->nres++];
	memset(r, 0, sizeof(*r));
	r->file_off = file_off;
	r->index = index;
	return r;
}

static void parse_one(struct parser *p, struct scan_result *r, const char *data, size_t len)
{
	md_message *m = NULL;

	r->st = md_message_parse(data, len, &p->mopts, &m);
	if (r->st == MD_OK)
		r->st = md_bounce_parse(m, p->bopts, &r->res);
	md_message_free(m);
}

/* Read, parse and classify the inputs of C (any thread). */
static void chunk_work(struct chunk *c, struct parser *p)
{
	size_t i;

	c->nres = 0;
	c->st = MD_OK;
	for (i = 0; i < c->nin; i++) {
		struct scan_input *in = &c->in[i];
		struct scan_result *r;
		md_source_item it;

		switch (in->kind) {
		case IN_ERROR:
			r = push_result(c, in->file_off, in->index);
			if (r == NULL)
				return;
			r->error = in->error;
			in->error = NULL;
			break;
		case IN_MESSAGE:
			r = push_result(c, in->file_off, in->index);
			if (r == NULL)
				return;
			parse_one(p, r, c->mem + in->data_off, in->len);
			break;
		case IN_FILE:
			md_source_reset(p->files);
			if (md_source_add_regular(p->files, c->mem + in->file_off) != MD_OK) {
				c->st = MD_ENOMEM;
				return;
			}
			while (md_source_next(p->files, &it)) {
				r = push_result(c, in->file_off, it.index);
				if (r == NULL)
					return;
				if (it.data == NULL) {
					r->error = md_strdup(it.error ? it.error : "cannot read");
					if (r->error == NULL) {
						c->st = MD_ENOMEM;
						return;
					}
				} else {
					parse_one(p, r, it.data, it.len);
				}
			}
			break;
		}
	}
}

/* Free C's inputs and results (RES already handed to the batch are
 * NULL). */
static void chunk_clear(struct chunk *c)
{
	size_t i;

	for (i = 0; i < c->nin; i++)
		md_free(c->in[i].error);
	for (i = 0; i < c->nres; i++) {
		md_free(c->res[i].error);
		md_bounce_free(c->res[i].res);
	}
	c->nin = 0;
	c->nres = 0;
	c->used = 0;
}

/* Add C's results to the batch, in order, and clear C. MD_EIO when the
 * batch's sink refused output (the rest is dropped), MD_ENOMEM when the
 * worker could not keep a result. */
static md_status chunk_finish(struct chunk *c, md_bounce_batch *batch,
                              const md_bounce_scan_opts *o, size_t *nfailed)
{
	md_status ret = c->st;
	size_t i;

	for (i = 0; i < c->nres && ret == MD_OK; i++) {
		struct scan_result *r = &c->res[i];
		const char *file = c->mem + r->file_off;
		const char *why = r->error;
		md_status st = r->st;

		if (why == NULL && st == MD_OK) {
			st = md_bounce_batch_add(batch, file, r->index, r->res);
			if (st == MD_EIO)
				ret = MD_EIO;
		}
		if (why == NULL && st != MD_OK && st != MD_EIO)
			why = md_status_str(st);
		if (why != NULL) {
			if (o->on_error != NULL)
				o->on_error(o->ud, file, r->index, why);
			md_bounce_batch_add_error(batch, file, r->index, why);
			(*nfailed)++;
		}
		md_bounce_free(r->res);
		r->res = NULL;
	}
	chunk_clear(c);
	return ret;
}

static bool parser_init(struct parser *p, const struct scan *s, md_charsets *shared)
{
	p->bopts = s->bopts;
	p->mopts = s->mopts;
	p->mopts.charsets = shared != NULL ? shared : md_charsets_new();
	p->files = md_source_new(&s->sopts);
	return p->files != NULL;
}

static void parser_free(struct parser *p, md_charsets *shared)
{
	if (p->mopts.charsets != shared)
		md_charsets_free(p->mopts.charsets);
	md_source_free(p->files);
}

static void *worker(void *arg)
{
	struct scan *s = arg;
	struct parser p;
	bool ok = parser_init(&p, s, NULL);

	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct chunk *c;

		while (s->taken == s->filled && !s->closing)
			pthread_cond_wait(&s->work, &s->mu);
		if (s->taken == s->filled)
			break; /* closing, and nothing left */
		c = &s->ring[s->taken++ % s->nring];
		c->state = CHUNK_TAKEN;
		pthread_mutex_unlock(&s->mu);
		if (ok)
			chunk_work(c, &p);
		else
			c->st = MD_ENOMEM;
		pthread_mutex_lock(&s->mu);
		c->state = CHUNK_DONE;
		pthread_cond_broadcast(&s->done);
	}
	pthread_mutex_unlock(&s->mu);
	parser_free(&p, NULL);
	return NULL;
}

static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > 8 ? 8 : (unsigned)n;
}

/* Take inputs from SRC into C until it is full; false when SRC ends
 * (or *ST is not MD_OK) before that. DEFER: hand out regular files by
 * name. */
static bool fill(md_source *src, struct chunk *c, bool defer, md_status *st)
{
	md_source_item it;
	bool deferred = false;

	*st = MD_OK;
	while (c->nin < SCAN_CHUNK_INPUTS && c->used < SCAN_CHUNK_BYTES) {
		if (!(defer ? md_source_next_deferred(src, &it, &deferred) : md_source_next(src, &it)))
			return false;
		*st = chunk_add(c, &it, deferred);
		if (*st != MD_OK)
			return false;
	}
	return true;
}

static void free_ring(struct chunk *ring, size_t n)
{
	size_t i;

	if (ring == NULL)
		return;
	for (i = 0; i < n; i++) {
		chunk_clear(&ring[i]);
		md_free(ring[i].res);
		md_free(ring[i].mem);
	}
	md_free(ring);
}

/* The calling thread alone: a chunk at a time. C holds the first. */
static md_status scan_here(md_source *src, const md_bounce_scan_opts *o, struct scan *s,
                           md_bounce_batch *batch, struct chunk *c, bool more, md_status st,
                           size_t *nfailed)
{
	struct parser p;
	md_charsets *shared = o->mime != NULL ? o->mime->charsets : NULL;
	md_status rs = MD_OK;

	if (!parser_init(&p, s, shared)) {
		parser_free(&p, shared);
		return MD_ENOMEM;
	}
	for (;;) {
		chunk_work(c, &p);
		rs = chunk_finish(c, batch, o, nfailed);
		if (rs != MD_OK || st != MD_OK || !more)
			break;
		more = fill(src, c, true, &st);
	}
	parser_free(&p, shared);
	return rs != MD_OK ? rs : st;
}

md_status md_bounce_scan(md_source *src, const md_bounce_scan_opts *o, md_bounce_batch *batch,
                         size_t *nfailed)
{
	static const md_bounce_scan_opts defaults;
	unsigned jobs, i, started = 0;
	pthread_t tid[SCAN_MAX_JOBS];
	struct scan s;
	md_status st = MD_OK, rs = MD_OK;
	size_t consumed = 0, dummy = 0;
	bool more;

	if (src == NULL || batch == NULL)
		return MD_EINVAL;
	if (o == NULL)
		o = &defaults;
	if (nfailed == NULL)
		nfailed = &dummy;
	memset(&s, 0, sizeof(s));
	if (o->mime != NULL)
		s.mopts = *o->mime;
	s.mopts.no_copy = true; /* the bytes outlive the message */
	s.mopts.charsets = NULL;
	s.sopts = md_source_get_opts(src);
	s.bopts = o->bounce;
	jobs = o->jobs ? o->jobs : default_jobs();
	if (jobs > SCAN_MAX_JOBS)
		jobs = SCAN_MAX_JOBS;
	s.nring = 2 * (size_t)jobs + 2;
	s.ring = md_calloc(s.nring, sizeof(*s.ring));
	if (s.ring == NULL)
		return MD_ENOMEM;
	more = fill(src, &s.ring[0], true, &st);
	if (jobs == 1 || !more || st != MD_OK) {
		/* one thread, or everything in one chunk: no threads */
		rs = scan_here(src, o, &s, batch, &s.ring[0], more, st, nfailed);
		free_ring(s.ring, s.nring);
		return rs;
	}
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.work, NULL);
	pthread_cond_init(&s.done, NULL);
	s.ring[0].state = CHUNK_FILLED;
	s.filled = 1;
	for (i = 0; i < jobs; i++) {
		if (pthread_create(&tid[started], NULL, worker, &s) != 0)
			break;
		started++;
	}
	if (started == 0) {
		/* no thread could start: parse here */
		rs = scan_here(src, o, &s, batch, &s.ring[0], more, st, nfailed);
		goto out;
	}
	pthread_mutex_lock(&s.mu);
	for (;;) {
		struct chunk *c;

		/* keep the ring full while there is input */
		while (more && st == MD_OK && rs == MD_OK && s.filled - consumed < s.nring) {
			c = &s.ring[s.filled % s.nring];
			pthread_mutex_unlock(&s.mu);
			more = fill(src, c, true, &st);
			pthread_mutex_lock(&s.mu);
			if (c->nin == 0)
				break;
			c->state = CHUNK_FILLED;
			s.filled++;
			pthread_cond_signal(&s.work);
		}
		if (consumed == s.filled)
			break;
		/* then add the oldest chunk when it is done */
		c = &s.ring[consumed % s.nring];
		while (c->state != CHUNK_DONE)
			pthread_cond_wait(&s.done, &s.mu);
		pthread_mutex_unlock(&s.mu);
		if (rs == MD_OK)
			rs = chunk_finish(c, batch, o, nfailed);
		else
			chunk_clear(c);
		pthread_mutex_lock(&s.mu);
		c->state = CHUNK_FREE;
		consumed++;
	}
	s.closing = true;
	pthread_cond_broadcast(&s.work);
	pthread_mutex_unlock(&s.mu);
out:
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_cond_destroy(&s.done);
	pthread_cond_destroy(&s.work);
	pthread_mutex_destroy(&s.mu);
	free_ring(s.ring, s.nring);
	return rs != MD_OK ? rs : st;
}
