/*
 * status.c - status names and the library version.
 */
#include <maildiag/maildiag.h>

#include "version.h"

const char *md_status_str(md_status st)
{
	switch (st) {
	case MD_OK: return "success";
	case MD_ENOMEM: return "out of memory";
	case MD_EINVAL: return "invalid argument";
	case MD_ELIMIT: return "limit exceeded";
	case MD_ETIMEOUT: return "timed out";
	case MD_EIO: return "input/output error";
	case MD_ENOTFOUND: return "not found";
	case MD_ENET: return "network error";
	case MD_EPARSE: return "parse error";
	case MD_EINTERNAL: return "internal error";
	}
	return "unknown status";
}

const char *md_version(void)
{
	return MD_VERSION_STRING;
}
