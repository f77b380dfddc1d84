/*
 * unzip.c - gzip or zip by libarchive, loaded on first use (unzip.h).
 */
#include "unzip.h"

#include <archive.h>
#include <archive_entry.h>
#include <pthread.h>

#include "core/buf.h"
#include "core/lazylib.h"

/* libarchive's ABI 13 (Debian's libarchive13) */
static const char *const sonames[] = {"libarchive.so.13"};

static struct {
	struct archive *(*read_new)(void);
	int (*support_filter_all)(struct archive *);
	int (*support_format_zip)(struct archive *);
	int (*support_format_raw)(struct archive *);
	int (*open_memory)(struct archive *, const void *, size_t);
	int (*next_header)(struct archive *, struct archive_entry **);
	la_ssize_t (*read_data)(struct archive *, void *, size_t);
	int (*read_free)(struct archive *);
} fns;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool loaded;

#define LOOK(field, name) md_lazylib_fn(h, name, &fns.field, sizeof(fns.field), NULL, 0)

static void load(void)
{
	void *h = md_lazylib_open(sonames, sizeof(sonames) / sizeof(sonames[0]), NULL, 0);

	loaded = h != NULL && LOOK(read_new, "archive_read_new") &&
	         LOOK(support_filter_all, "archive_read_support_filter_all") &&
	         LOOK(support_format_zip, "archive_read_support_format_zip") &&
	         LOOK(support_format_raw, "archive_read_support_format_raw") &&
	         LOOK(open_memory, "archive_read_open_memory") &&
	         LOOK(next_header, "archive_read_next_header") &&
	         LOOK(read_data, "archive_read_data") && LOOK(read_free, "archive_read_free");
}

char *md_unzip_first(const char *p, size_t n, size_t max, size_t *out_len)
{
	struct archive *a;
	struct archive_entry *e;
	md_buf b;
	char chunk[65536];
	la_ssize_t got;

	*out_len = 0;
	pthread_once(&once, load);
	if (!loaded || (a = fns.read_new()) == NULL)
		return NULL;
	fns.support_filter_all(a);
	fns.support_format_zip(a);
	fns.support_format_raw(a);
	md_buf_init(&b, max);
	if (fns.open_memory(a, p, n) != ARCHIVE_OK || fns.next_header(a, &e) != ARCHIVE_OK) {
		fns.read_free(a);
		return NULL;
	}
	while ((got = fns.read_data(a, chunk, sizeof(chunk))) > 0)
		if (md_buf_append(&b, chunk, (size_t)got) != MD_OK)
			break;
	fns.read_free(a);
	if (b.err != MD_OK || b.n == 0) {
		md_buf_free(&b);
		return NULL;
	}
	*out_len = b.n;
	return md_buf_steal(&b);
}
