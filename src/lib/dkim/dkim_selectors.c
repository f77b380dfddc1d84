/*
 * dkim_selectors.c - selectors that common mail providers publish their
 * DKIM keys under, probed by selector discovery when the user names none.
 * Data, not logic: add a row when a provider is missing.
 */
#include <maildiag/dkim.h>

static const md_dkim_known_selector known[] = {
    {"google", "Google Workspace"},
    {"selector1", "Microsoft 365"},
    {"selector2", "Microsoft 365"},
    {"k1", "Mailchimp"},
    {"k2", "Mailchimp"},
    {"k3", "Mailchimp"},
    {"mandrill", "Mailchimp Transactional (Mandrill)"},
    {"s1", "SendGrid"},
    {"s2", "SendGrid"},
    {"smtpapi", "SendGrid (legacy)"},
    {"mailjet", "Mailjet"},
    {"smtp", "Mailgun"},
    {"mg", "Mailgun"},
    {"pic", "Mailgun"},
    {"krs", "Mailgun"},
    {"pm", "Postmark"},
    {"cm", "Campaign Monitor"},
    {"zoho", "Zoho Mail"},
    {"zmail", "Zoho Mail"},
    {"protonmail", "Proton Mail"},
    {"protonmail2", "Proton Mail"},
    {"protonmail3", "Proton Mail"},
    {"fm1", "Fastmail"},
    {"fm2", "Fastmail"},
    {"fm3", "Fastmail"},
    {"sig1", "iCloud Mail"},
    {"amazonses", "Amazon SES (legacy)"},
    {"everlytickey1", "Everlytic"},
    {"everlytickey2", "Everlytic"},
    {"mxvault", "MXroute"},
    {"default", "cPanel / generic"},
    {"dkim", "generic"},
    {"mail", "generic"},
    {"key1", "generic"},
    {"key2", "generic"},
};

const md_dkim_known_selector *md_dkim_known_selectors(size_t *n)
{
	*n = sizeof(known) / sizeof(known[0]);
	return known;
}
