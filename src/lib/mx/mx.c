/* LOCAL STUB (bounce helper, not committed) */
#include <maildiag/maildiag.h>
md_status md_check_mx(md_resolver *res, const char *domain, md_report *report) { (void)res; (void)domain; (void)report; return MD_EINTERNAL; }
