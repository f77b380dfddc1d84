/*
 * maildiag/visibility.h - export marker for the public API.
 *
 * The library is built with hidden symbol visibility; only functions marked
 * MD_API are exported from the shared object.
 */
#ifndef MAILDIAG_VISIBILITY_H
#define MAILDIAG_VISIBILITY_H

#if defined(__GNUC__) || defined(__clang__)
#define MD_API __attribute__((visibility("default")))
#define MD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MD_API
#define MD_PRINTF(f, a)
#endif

#endif
