/*
 * arc_internal.h - ARC validation over an already split message, for the
 * auth module that verifies DKIM, ARC and DMARC on one parse.
 */
#ifndef MD_ARC_INTERNAL_H
#define MD_ARC_INTERNAL_H

#include <maildiag/arc.h>

#include "dkim/dkim_internal.h"

md_status arc_verify_msg(md_resolver *res, const dkim_msg *m, int64_t now, md_arc_result **out);

#endif
