/*
 * maildiag/maildiag.h - libmaildiag: find out why email is not delivered.
 *
 * Include this one header to get the whole public API. Every public name
 * starts with md_. The library never prints, logs, exits or aborts: it
 * returns an md_status and fills reports of findings that the renderers
 * (maildiag/render.h) turn into text, JSON, NDJSON or CSV.
 */
#ifndef MAILDIAG_MAILDIAG_H
#define MAILDIAG_MAILDIAG_H

#include <maildiag/visibility.h>
#include <maildiag/status.h>
#include <maildiag/report.h>
#include <maildiag/render.h>
#include <maildiag/dns.h>
#include <maildiag/mx.h>
#include <maildiag/mime.h>
#include <maildiag/dkim.h>
#include <maildiag/dmarc.h>
#include <maildiag/arc.h>
#include <maildiag/auth.h>
#include <maildiag/ptr.h>
#include <maildiag/dnsbl.h>
#include <maildiag/spf.h>
#include <maildiag/smtp.h>
#include <maildiag/mtasts.h>
#include <maildiag/dane.h>
#include <maildiag/bimi.h>
#include <maildiag/bounce.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library version, e.g. "0.1.0". */
MD_API const char *md_version(void);

#ifdef __cplusplus
}
#endif
#endif
