/*
 * dkim_reason.c - the table of reasons a DKIM signature does not pass:
 * stable id, RFC 8601 result, one sentence, and the RFC section behind it.
 * Domain knowledge lives here, not in the verifier's branches.
 */
#include <maildiag/dkim.h>

#include "dkim_internal.h"

static const dkim_reason reasons[DKIM_E__COUNT] = {
    [DKIM_OK] = {"dkim.pass", MD_DKIM_PASS, "the signature verifies", "RFC 6376 section 6.3", NULL},
    [DKIM_E_SIG_SYNTAX] =
        {"dkim.sig_syntax", MD_DKIM_PERMERROR, "the DKIM-Signature tag list is malformed",
         "RFC 6376 section 3.2",
         "Fix the signer's configuration or software: it writes a malformed DKIM-Signature."},
    [DKIM_E_SIG_DUPLICATE_TAG] = {"dkim.sig_duplicate_tag", MD_DKIM_PERMERROR,
                                  "a tag appears twice in the signature", "RFC 6376 section 3.2",
                                  "Fix the signer: each tag may appear once."},
    [DKIM_E_SIG_VERSION] = {"dkim.sig_version", MD_DKIM_PERMERROR, "the signature's v= is not 1",
                            "RFC 6376 section 3.5 (v=)", "Sign with v=1."},
    [DKIM_E_SIG_MISSING_TAG] = {"dkim.sig_missing_tag", MD_DKIM_PERMERROR,
                                "a required tag is missing from the signature",
                                "RFC 6376 section 6.1.1",
                                "Fix the signer: v, a, b, bh, d, h and s are required."},
    [DKIM_E_SIG_ALG_UNKNOWN] =
        {"dkim.sig_unknown_algorithm", MD_DKIM_PERMERROR,
         "the signing algorithm (a=) is not one DKIM defines",
         "RFC 6376 section 3.5 (a=), RFC 8463",
         "Sign with rsa-sha256 (and optionally ed25519-sha256 as a second signature)."},
    [DKIM_E_SIG_SHA1] =
        {"dkim.sig_rsa_sha1", MD_DKIM_PERMERROR,
         "rsa-sha1 signatures must not be verified any more: SHA-1 collisions are practical",
         "RFC 8301 section 3.1",
         "Sign with rsa-sha256: receivers treat rsa-sha1 signatures as if absent."},
    [DKIM_E_SIG_CANON_UNKNOWN] = {"dkim.sig_unknown_canonicalization", MD_DKIM_PERMERROR,
                                  "the canonicalisation (c=) is neither simple nor relaxed",
                                  "RFC 6376 section 3.5 (c=)", "Use c=relaxed/relaxed."},
    [DKIM_E_SIG_QUERY_UNKNOWN] = {"dkim.sig_unknown_query", MD_DKIM_PERMERROR,
                                  "the key query method (q=) does not include dns/txt",
                                  "RFC 6376 section 3.5 (q=)", "Remove q= or set q=dns/txt."},
    [DKIM_E_SIG_FROM_UNSIGNED] =
        {"dkim.sig_from_not_signed", MD_DKIM_PERMERROR,
         "the From header field is not in h=: the signature does not cover the author",
         "RFC 6376 section 5.4", "Add from to the signer's list of signed headers (h=)."},
    [DKIM_E_SIG_IDENTITY] = {"dkim.sig_identity_mismatch", MD_DKIM_PERMERROR,
                             "the i= identity is not d= or a subdomain of it",
                             "RFC 6376 section 3.5 (i=)",
                             "Set i= to an address in d= or a subdomain of it, or drop i=."},
    [DKIM_E_SIG_EXPIRED] = {"dkim.sig_expired", MD_DKIM_PERMERROR,
                            "the signature expired (x= is in the past)",
                            "RFC 6376 section 3.5 (x=)",
                            "Deliver sooner or raise the signer's expiry (x=) well above delivery "
                            "delays; a few days is common."},
    [DKIM_E_SIG_X_BEFORE_T] = {"dkim.sig_expires_before_signed", MD_DKIM_PERMERROR,
                               "x= (expiry) is earlier than t= (signing time)",
                               "RFC 6376 section 3.5 (x=)",
                               "Fix the signer's clock or expiry setting: x= must be after t=."},
    [DKIM_E_SIG_BAD_NUMBER] = {"dkim.sig_bad_number", MD_DKIM_PERMERROR,
                               "a numeric tag (l=, t= or x=) is not a decimal number",
                               "RFC 6376 section 3.5",
                               "Fix the signer: l=, t= and x= are decimal numbers."},
    [DKIM_E_SIG_BAD_DOMAIN] = {"dkim.sig_bad_domain", MD_DKIM_PERMERROR,
                               "d= or s= is not a valid domain name",
                               "RFC 6376 section 3.5 (d=, s=)",
                               "Fix d= and s= in the signer's configuration."},
    [DKIM_E_SIG_BAD_BASE64] = {"dkim.sig_bad_base64", MD_DKIM_PERMERROR,
                               "b= or bh= is not valid base64", "RFC 6376 section 3.5 (b=, bh=)",
                               "Fix the signer: b= and bh= must be base64."},
    [DKIM_E_SIG_L_TOO_LONG] = {"dkim.sig_length_too_long", MD_DKIM_PERMERROR,
                               "l= is larger than the body: the body was truncated after signing",
                               "RFC 6376 section 3.5 (l=), section 6.1.3",
                               "Find what truncated the body in transit; better, sign without l=."},
    [DKIM_E_SIG_TOO_MANY_HEADERS] = {"dkim.sig_too_many_headers", MD_DKIM_PERMERROR,
                                     "h= names more header fields than maildiag checks (128)",
                                     "RFC 6376 section 3.5 (h=)", "Sign fewer header fields."},
    [DKIM_E_KEY_NOT_FOUND] =
        {"dkim.key_not_found", MD_DKIM_PERMERROR, "no key record at SELECTOR._domainkey.DOMAIN",
         "RFC 6376 section 6.1.2",
         "Publish the public key as a TXT record at SELECTOR._domainkey.DOMAIN (your provider "
         "shows the value), or make the signer use a selector that is published."},
    [DKIM_E_KEY_TEMP] =
        {"dkim.key_lookup_failed", MD_DKIM_TEMPERROR,
         "the key lookup failed (timeout or server failure)", "RFC 6376 section 6.1.2",
         "Make the domain's name servers answer for _domainkey names; then check again."},
    [DKIM_E_KEY_MULTIPLE] = {"dkim.key_multiple", MD_DKIM_PERMERROR,
                             "several key records at the selector", "RFC 6376 section 3.6.2.2",
                             "Keep exactly one TXT record at the selector."},
    [DKIM_E_KEY_SYNTAX] =
        {"dkim.key_syntax", MD_DKIM_PERMERROR, "the key record's tag list is malformed",
         "RFC 6376 section 3.6.1",
         "Republish the key record as v=DKIM1; k=rsa; p=BASE64 (copy it again from the provider)."},
    [DKIM_E_KEY_VERSION] = {"dkim.key_version", MD_DKIM_PERMERROR,
                            "the key record's v= is not DKIM1", "RFC 6376 section 3.6.1 (v=)",
                            "Use v=DKIM1 (or drop v=)."},
    [DKIM_E_KEY_REVOKED] = {"dkim.key_revoked", MD_DKIM_PERMERROR,
                            "the key is revoked (p= is empty)", "RFC 6376 section 3.6.1 (p=)",
                            "The selector was retired: sign with a selector whose key is "
                            "published, or publish the new key here."},
    [DKIM_E_KEY_K_UNKNOWN] = {"dkim.key_unknown_type", MD_DKIM_PERMERROR,
                              "the key type (k=) is unknown", "RFC 6376 section 3.6.1 (k=)",
                              "Use k=rsa or k=ed25519."},
    [DKIM_E_KEY_K_MISMATCH] = {"dkim.key_type_mismatch", MD_DKIM_PERMERROR,
                               "the key type (k=) does not match the signature's algorithm",
                               "RFC 6376 section 6.1.2 step 8",
                               "Publish the key type the signer uses (k=rsa for rsa-sha256, "
                               "k=ed25519 for ed25519-sha256)."},
    [DKIM_E_KEY_H_MISMATCH] = {"dkim.key_hash_not_allowed", MD_DKIM_PERMERROR,
                               "the key's h= does not allow the signature's hash",
                               "RFC 6376 section 3.6.1 (h=)",
                               "Remove h= from the key record or list sha256 in it."},
    [DKIM_E_KEY_SERVICE] = {"dkim.key_not_for_email", MD_DKIM_PERMERROR,
                            "the key's s= does not include email", "RFC 6376 section 3.6.1 (s=)",
                            "Remove s= from the key record or set s=email."},
    [DKIM_E_KEY_T_STRICT] = {"dkim.key_strict_identity", MD_DKIM_PERMERROR,
                             "the key has t=s but i= is in a subdomain of d=",
                             "RFC 6376 section 3.6.1 (t=s)",
                             "Remove t=s from the key record or sign with i= exactly @d=."},
    [DKIM_E_KEY_BASE64] = {"dkim.key_bad_base64", MD_DKIM_PERMERROR,
                           "the key's p= is not valid base64", "RFC 6376 section 3.6.1 (p=)",
                           "Republish p= exactly as the provider gives it (TXT strings are joined "
                           "without spaces; quotes are not part of the key)."},
    [DKIM_E_KEY_DECODE] =
        {"dkim.key_bad_data", MD_DKIM_PERMERROR, "the key's p= does not decode to a public key",
         "RFC 6376 section 3.6.1 (p=), RFC 8463 section 4",
         "Republish p= exactly as the provider gives it: the data is not a public key."},
    [DKIM_E_KEY_TOO_SHORT] = {"dkim.key_too_short", MD_DKIM_PERMERROR,
                              "the RSA key is shorter than 1024 bits", "RFC 8301 section 3.2",
                              "Generate a 2048-bit RSA key, publish it under a new selector and "
                              "switch the signer to it."},
    [DKIM_E_KEY_TOO_LONG] = {"dkim.key_too_long", MD_DKIM_PERMERROR,
                             "the RSA key is longer than 8192 bits, more than maildiag verifies",
                             "RFC 6376 section 3.3.3", "Use a 2048-bit RSA key."},
    [DKIM_E_BODY_HASH] =
        {"dkim.body_hash_mismatch", MD_DKIM_FAIL,
         "the body hash does not match: the body changed after signing", "RFC 6376 section 3.7",
         "Find the hop that changes the body (see the cause); sign after it, or have that hop add "
         "ARC; for mailing lists, receivers rely on ARC or the list's own DKIM signature."},
    [DKIM_E_SIGNATURE] =
        {"dkim.signature_mismatch", MD_DKIM_FAIL,
         "the signature does not verify over the signed header fields", "RFC 6376 section 6.1.3",
         "Compare the signed header fields with what the signer sent; if unchanged, the selector's "
         "key was replaced: publish the key the signer uses (keep old keys published until mail "
         "signed with them is delivered)."},
    [DKIM_E_INTERNAL] = {"dkim.internal_error", MD_DKIM_TEMPERROR,
                         "maildiag could not finish the verification", "RFC 6376 section 6.1",
                         "Run again; report a bug if it persists."},
};

const dkim_reason *dkim_reason_get(dkim_err e)
{
	if ((int)e < 0 || e >= DKIM_E__COUNT)
		e = DKIM_E_INTERNAL;
	return &reasons[e];
}
