/*
 * scan.c - every message of a source into a batch, parsed on worker
 * threads, added in input order.
 *
 * The calling thread reads the inputs (md_source keeps one read buffer,
 * so each message is copied into a chunk), hands chunks of up to
 * SCAN_CHUNK_MSGS messages to the workers, and adds the finished chunks'
 * results to the batch in the order it read them: the output and the
 * summaries are the same for any number of threads. Each worker parses
 * with its own charset conversions (md_charsets is not shared between
 * threads) and frees each message as soon as it is classified: a result
 * does not refer to its message.
 *
 * Chunks rather than messages go through the queue, so that a lock and
 * a wake-up are paid per few dozen messages, not per message.
 */
#include "bounce_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"

#define SCAN_CHUNK_MSGS 32
#define SCAN_CHUNK_BYTES (1u << 20)
#define SCAN_MAX_JOBS 16

enum chunk_state { CHUNK_FREE, CHUNK_FILLED, CHUNK_TAKEN, CHUNK_DONE };

struct scan_item {
	size_t file_off, data_off, len; /* into the chunk's memory */
	size_t index;
	const char *error; /* a source error: the input could not be read */
	md_status st;      /* MD_OK: RES holds the result */
	md_bounce *res;
};

struct chunk {
	enum chunk_state state;
	struct scan_item it[SCAN_CHUNK_MSGS];
	size_t n;
	char *mem; /* file names and message bytes */
	size_t used, cap;
	/* the source's error texts are valid only until its next item */
	char errors[SCAN_CHUNK_MSGS][256];
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

/* Copy one source item into C. */
static md_status chunk_add(struct chunk *c, const md_source_item *src)
{
	struct scan_item *it = &c->it[c->n];
	md_status st;

	memset(it, 0, sizeof(*it));
	it->index = src->index;
	st = chunk_put(c, src->file, strlen(src->file) + 1, &it->file_off);
	if (st == MD_OK && src->data == NULL) {
		snprintf(c->errors[c->n], sizeof(c->errors[c->n]), "%s", src->error ? src->error : "unreadable");
		it->error = c->errors[c->n];
	} else if (st == MD_OK) {
		st = chunk_put(c, src->data, src->len, &it->data_off);
		it->len = src->len;
	}
	if (st == MD_OK)
		c->n++;
	return st;
}

/* Parse and classify the messages of C (any thread). */
static void chunk_parse(struct chunk *c, const md_bounce_opts *bopts, const md_mime_opts *mopts)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct scan_item *it = &c->it[i];
		md_message *m = NULL;

		if (it->error != NULL)
			continue;
		it->st = md_message_parse(c->mem + it->data_off, it->len, mopts, &m);
		if (it->st == MD_OK)
			it->st = md_bounce_parse(m, bopts, &it->res);
		md_message_free(m);
	}
}

/* Add C's results to the batch, in order; free them. MD_EIO when the
 * batch's sink refused output. */
static md_status chunk_finish(struct chunk *c, md_bounce_batch *batch,
                              const md_bounce_scan_opts *o, size_t *nfailed)
{
	md_status ret = MD_OK;
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct scan_item *it = &c->it[i];
		const char *file = c->mem + it->file_off;
		md_status st = it->st;

		if (it->error != NULL) {
			if (o->on_error != NULL)
				o->on_error(o->ud, file, it->index, it->error);
			md_bounce_batch_add_error(batch, file, it->index, it->error);
			continue;
		}
		if (st == MD_OK && ret == MD_OK) {
			st = md_bounce_batch_add(batch, file, it->index, it->res);
			if (st == MD_EIO)
				ret = MD_EIO;
		}
		if (st != MD_OK && st != MD_EIO) {
			if (o->on_error != NULL)
				o->on_error(o->ud, file, it->index, md_status_str(st));
			md_bounce_batch_add_error(batch, file, it->index, md_status_str(st));
			(*nfailed)++;
		}
		md_bounce_free(it->res);
		it->res = NULL;
	}
	c->n = 0;
	c->used = 0;
	return ret;
}

/* Free C's results unread (after the sink refused output). */
static void free_results(struct chunk *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		md_bounce_free(c->it[i].res);
		c->it[i].res = NULL;
	}
	c->n = 0;
	c->used = 0;
}

static void *worker(void *arg)
{
	struct scan *s = arg;
	md_mime_opts mo = s->mopts;

	mo.charsets = md_charsets_new(); /* NULL: each message opens its own */
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
		chunk_parse(c, s->bopts, &mo);
		pthread_mutex_lock(&s->mu);
		c->state = CHUNK_DONE;
		pthread_cond_broadcast(&s->done);
	}
	pthread_mutex_unlock(&s->mu);
	md_charsets_free(mo.charsets);
	return NULL;
}

static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > 8 ? 8 : (unsigned)n;
}

/* Read from SRC into C until it is full; false when SRC is exhausted
 * before that. */
static bool fill(md_source *src, struct chunk *c, md_status *st)
{
	md_source_item it;

	*st = MD_OK;
	while (c->n < SCAN_CHUNK_MSGS && c->used < SCAN_CHUNK_BYTES) {
		if (!md_source_next(src, &it))
			return false;
		*st = chunk_add(c, &it);
		if (*st != MD_OK)
			return false;
	}
	return true;
}

static void free_ring(struct chunk *ring, size_t n)
{
	size_t i, j;

	if (ring == NULL)
		return;
	for (i = 0; i < n; i++) {
		for (j = 0; j < ring[i].n; j++)
			md_bounce_free(ring[i].it[j].res);
		md_free(ring[i].mem);
	}
	md_free(ring);
}

/* One thread: read, parse, add, a chunk at a time. */
static md_status scan_here(md_source *src, const md_bounce_scan_opts *o, const md_mime_opts *mo,
                           md_bounce_batch *batch, struct chunk *c, bool more, size_t *nfailed)
{
	md_status st = MD_OK, rs;

	for (;;) {
		chunk_parse(c, o->bounce, mo);
		rs = chunk_finish(c, batch, o, nfailed);
		if (rs != MD_OK || st != MD_OK || !more)
			return rs != MD_OK ? rs : st;
		more = fill(src, c, &st);
	}
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
	s.mopts.no_copy = true; /* the chunk outlives the message */
	s.bopts = o->bounce;
	jobs = o->jobs ? o->jobs : default_jobs();
	if (jobs > SCAN_MAX_JOBS)
		jobs = SCAN_MAX_JOBS;
	s.nring = 2 * (size_t)jobs + 2;
	s.ring = md_calloc(s.nring, sizeof(*s.ring));
	if (s.ring == NULL)
		return MD_ENOMEM;
	more = fill(src, &s.ring[0], &st);
	if (jobs == 1 || !more || st != MD_OK) {
		/* one thread, or everything fits in one chunk: no threads */
		md_mime_opts mo = s.mopts;
		bool own = mo.charsets == NULL;

		if (own)
			mo.charsets = md_charsets_new();
		rs = scan_here(src, o, &mo, batch, &s.ring[0], more && st == MD_OK, nfailed);
		if (own)
			md_charsets_free(mo.charsets);
		free_ring(s.ring, s.nring);
		return st != MD_OK ? st : rs;
	}
	/* the caller's charsets are not shared with the workers */
	s.mopts.charsets = NULL;
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
		md_mime_opts mo = s.mopts;

		mo.charsets = md_charsets_new();
		rs = scan_here(src, o, &mo, batch, &s.ring[0], more, nfailed);
		md_charsets_free(mo.charsets);
		goto out;
	}
	pthread_mutex_lock(&s.mu);
	pthread_cond_broadcast(&s.work);
	for (;;) {
		struct chunk *c;

		/* keep the ring full while there is input */
		while (more && st == MD_OK && rs == MD_OK && s.filled - consumed < s.nring) {
			c = &s.ring[s.filled % s.nring];
			pthread_mutex_unlock(&s.mu);
			more = fill(src, c, &st);
			pthread_mutex_lock(&s.mu);
			if (c->n == 0)
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
			free_results(c);
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
	return st != MD_OK ? st : rs;
}
