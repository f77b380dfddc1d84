/* LOCAL STUB (bounce helper, not committed): lets the CLI link until the dns module lands. */
#include <maildiag/maildiag.h>
md_resolver *md_resolver_unbound_new(const md_unbound_opts *opts, char *err, size_t errlen) { (void)opts; (void)err; (void)errlen; return NULL; }
md_resolver *md_resolver_fixture_new(void) { return NULL; }
md_status md_resolver_fixture_load_dir(md_resolver *r, const char *dir, char *err, size_t errlen) { return MD_EINTERNAL; }
void md_resolver_free(md_resolver *r) { (void)r; }
md_status md_dns_query(md_resolver *r, const char *name, uint16_t type, const md_dns_result **out) { return MD_EINTERNAL; }
uint16_t md_dns_type_parse(const char *s) { return 1; }
md_status md_dns_report(md_report *report, const md_dns_result *res) { return MD_EINTERNAL; }
