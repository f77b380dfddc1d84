/* LOCAL STUB (bounce helper, not committed) */
#include "cli.h"
const char cmd_mx_usage[] = "usage: maildiag mx DOMAIN\n";
int cmd_mx(cli_opts *o, int argc, char **argv) { (void)o; (void)argc; (void)argv; return 2; }
