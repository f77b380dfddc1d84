/*
 * maildiag/ptr.h - reverse DNS of a sending IP address: its PTR names,
 * whether they are forward-confirmed (FCrDNS), whether they look like a
 * dynamic or generic pool name, and whether the HELO name fits.
 *
 * Findings say who acts on each problem, so they do not cry wolf: no PTR
 * or no forward confirmation gets mail rejected by large mailbox providers
 * (Gmail requires both of every sender); a pool-style name gets mail
 * scored or rejected by some; a HELO name that differs from the PTR name
 * but resolves to the sender rarely matters.
 */
#ifndef MAILDIAG_PTR_H
#define MAILDIAG_PTR_H

#include <stddef.h>
#include <maildiag/dns.h>
#include <maildiag/report.h>
#include <maildiag/status.h>
#include <maildiag/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Check the reverse DNS of IP (IPv4 or IPv6 text; an IPv4-mapped IPv6
 * address is checked as IPv4) and, when HELO is not NULL, the HELO/EHLO
 * name the sender announces. All questions of a round are in flight at
 * once: PTR; then A/AAAA of every PTR name and of the HELO name.
 *
 * Appends findings (ptr.ok, ptr.missing, ptr.fcrdns_failed,
 * ptr.could_not_check, ptr.multiple, ptr.dynamic_name, ptr.generic_name,
 * ptr.not_public, helo.matches_ptr, helo.mismatch, helo.not_fqdn,
 * helo.address_literal, helo.unresolvable, helo.could_not_check), a "ptr"
 * table and JSON members "ip", "reverse_name", "ptr" (array of names with
 * their forward addresses and whether each confirms), "fcrdns" (true,
 * false or null when unknown), "name_class" and "helo".
 * Returns MD_OK even when the set-up is broken (that is a finding);
 * MD_EINVAL when IP is not an address; MD_ENOMEM.
 */
MD_API md_status md_check_ptr(md_resolver *res, const char *ip, const char *helo,
                              md_report *report);

/* What a reverse name says about the address it names. */
typedef enum md_ptr_name_class {
	MD_PTR_NAME_SPECIFIC = 0, /* nothing pool-like: a named host */
	MD_PTR_NAME_GENERIC = 1,  /* derived from the address (ip-1-2-3-4, cloud) */
	MD_PTR_NAME_DYNAMIC = 2   /* dynamic / residential / dial-up pool */
} md_ptr_name_class;

/* "specific", "generic", "dynamic" */
MD_API const char *md_ptr_name_class_name(md_ptr_name_class c);

/*
 * Classify host NAME as the reverse name of address IP (text; may be NULL
 * when unknown, then the embedded-address test is skipped). When WHY is
 * not NULL it receives a short reason ("embeds the address; 'dsl'")
 * (at most WHYLEN bytes). The keyword table is documented in docs/ptr.md.
 */
MD_API md_ptr_name_class md_ptr_classify_name(const char *name, const char *ip, char *why,
                                              size_t whylen);

#ifdef __cplusplus
}
#endif
#endif
