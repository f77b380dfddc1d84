/*
 * fuzz_bounce.c - libFuzzer target for the bounce reader: parse the input
 * as a message and read it as a notice with the built-in rules and every
 * suspicious-notice check enabled; the first bytes also drive the rules
 * loader with the input as a rules file.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <maildiag/maildiag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static md_bounce_rules *rules;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ips[] = {"192.0.2.0/24", "2001:db8::/32"};
	static const char *const doms[] = {"example.com"};
	md_bounce_opts o = {0};
	md_message *m = NULL;
	md_bounce *b = NULL;
	md_bounce_rules *r2 = NULL;
	char err[128];
	size_t i;

	if (rules == NULL && md_bounce_rules_builtin(&rules) != MD_OK)
		return 0;
	o.rules = rules;
	o.our_ips = ips;
	o.n_our_ips = 2;
	o.our_domains = doms;
	o.n_our_domains = 1;
	if (md_message_parse(data, size, NULL, &m) == MD_OK) {
		if (md_bounce_parse(m, &o, &b) == MD_OK) {
			for (i = 0; i < md_bounce_count(b); i++) {
				const md_bounce_record *r = md_bounce_record_at(b, i);

				if (r->reason == NULL || r->status == NULL || r->recipient == NULL)
					__builtin_trap();
			}
			md_bounce_free(b);
		}
		md_message_free(m);
	}
	/* the same bytes as a rules file must load or fail cleanly */
	if (size < 4096 && md_bounce_rules_load_text("fuzz", (const char *)data, size, &r2, err,
	                                             sizeof(err)) == MD_OK)
		md_bounce_rules_free(r2);
	return 0;
}
