/*
 * wire.c - parse a DNS reply packet (RFC 1035 section 4) into an
 * md_dns_result, so libunbound answers decode exactly like fixture ones.
 *
 * Message layout (RFC 1035 section 4.1):
 *     header   = ID FLAGS QDCOUNT ANCOUNT NSCOUNT ARCOUNT   ; 6 x 16 bits
 *     question = QNAME QTYPE QCLASS
 *     rr       = NAME TYPE CLASS TTL RDLENGTH RDATA
 *     name     = *label (zero-label / pointer)
 *     pointer  = 2 bits 11, 14 bits offset                   (section 4.1.4)
 * Compression pointers must point before themselves (to "a prior
 * occurrence", section 4.1.4): this makes pointer loops impossible; a
 * name also stops at 255 octets and at WIRE_PTRS_MAX pointers. Every read
 * goes through the sticky-error cursor (core/cursor.h). Names inside the
 * rdata of NS, CNAME, PTR, DNAME, MX, SOA and SRV are decompressed
 * (RFC 3597 section 4 lists the types that may be compressed), so rdata
 * handed on is always uncompressed.
 * Limits: 65535 octets per packet, 65535 per rdata.
 */
#include <string.h>

#include "core/ascii.h"
#include "core/buf.h"
#include "core/cursor.h"
#include "dns/dns_internal.h"

enum { WIRE_PTRS_MAX = 127, WIRE_HEADER = 12, WIRE_MAX = 65535 };

/* Read a possibly compressed name at the cursor into OUT (lower case). */
static const char *read_name(md_cursor *c, dns_name *out)
{
	size_t pos = c->off, o = 0, after = 0;
	int ptrs = 0;
	bool jumped = false;

	for (;;) {
		uint8_t l;

		if (pos >= c->n) {
			md_cursor_fail(c);
			return "name runs past the end of the packet";
		}
		l = c->p[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= c->n) {
				md_cursor_fail(c);
				return "name runs past the end of the packet";
			}
			target = (size_t)(l & 0x3f) << 8 | c->p[pos + 1];
			if (!jumped)
				after = pos + 2;
			if (target >= pos || ++ptrs > WIRE_PTRS_MAX) {
				md_cursor_fail(c);
				return "compression pointer does not point backwards";
			}
			jumped = true;
			pos = target;
			continue;
		}
		if ((l & 0xc0) != 0) {
			md_cursor_fail(c);
			return "unknown label type";
		}
		if (pos + 1 + l > c->n) {
			md_cursor_fail(c);
			return "name runs past the end of the packet";
		}
		if (o + 1 + l > DNS_NAME_WIRE_MAX) {
			md_cursor_fail(c);
			return "name longer than 255 octets";
		}
		out->w[o] = l;
		for (size_t k = 0; k < l; k++)
			out->w[o + 1 + k] = (uint8_t)md_tolower(c->p[pos + 1 + k]);
		o += 1 + l;
		pos += 1 + l;
		if (l == 0)
			break;
	}
	out->n = o;
	md_cursor_seek(c, jumped ? after : pos);
	return NULL;
}

/* Which rdata fields are names (compressed on the wire) per type. */
static bool name_fields(uint16_t type, size_t *lead, int *nnames)
{
	switch (type) {
	case MD_DNS_NS: case MD_DNS_CNAME: case MD_DNS_PTR: case MD_DNS_DNAME:
		*lead = 0, *nnames = 1;
		return true;
	case MD_DNS_MX:
		*lead = 2, *nnames = 1;
		return true;
	case MD_DNS_SRV:
		*lead = 6, *nnames = 1;
		return true;
	case MD_DNS_SOA:
		*lead = 0, *nnames = 2;
		return true;
	default:
		return false;
	}
}

/* The rdata at the cursor (RDLEN octets) with names decompressed, in B. */
static const char *read_rdata(md_cursor *c, uint16_t type, size_t rdlen, md_buf *b)
{
	size_t start = c->off, lead, rest;
	int nnames;
	const uint8_t *p;

	md_buf_reset(b);
	if (!name_fields(type, &lead, &nnames)) {
		p = md_cursor_bytes(c, rdlen);
		if (p == NULL)
			return "rdata runs past the end of the packet";
		md_buf_append(b, p, rdlen);
		return b->err == MD_OK ? NULL : "out of memory";
	}
	/* fixed fields before the names (MX preference, SRV numbers) */
	if (rdlen < lead)
		return "rdata too short";
	p = md_cursor_bytes(c, lead);
	if (p == NULL)
		return "rdata runs past the end of the packet";
	md_buf_append(b, p, lead);
	for (int k = 0; k < nnames; k++) {
		dns_name nm;
		const char *why = read_name(c, &nm);

		if (why != NULL)
			return why;
		if (c->off > start + rdlen)
			return "name runs past the rdata";
		md_buf_append(b, nm.w, nm.n);
	}
	/* the rest (SOA's five numbers) as is */
	if (c->off > start + rdlen)
		return "rdata too short";
	rest = start + rdlen - c->off;
	p = md_cursor_bytes(c, rest);
	if (p == NULL)
		return "rdata runs past the end of the packet";
	md_buf_append(b, p, rest);
	return b->err == MD_OK ? NULL : "out of memory";
}

typedef struct wire_rr {
	dns_name owner;
	uint16_t type, klass;
	uint32_t ttl;
	size_t rdoff;  /* offset of the decompressed rdata in the rdata buffer */
	size_t rdlen;
} wire_rr;

const char *dns_wire_parse_reply(md_arena *a, const uint8_t *pkt, size_t len,
                                 const dns_name *qname, uint16_t qtype, md_dns_result *res)
{
	md_cursor c;
	uint16_t flags, qd, an;
	wire_rr *rrs = NULL;
	md_buf all, one;
	const char *why = NULL;
	const uint8_t *cur;
	bool loop = false;
	size_t hops = 0, n = 0, k;
	int rcode;
	char text[DNS_NAME_TEXT_MAX];

	if (pkt == NULL || len < WIRE_HEADER)
		return "reply shorter than a DNS header";
	if (len > WIRE_MAX)
		return "reply longer than 65535 octets";
	md_cursor_init(&c, pkt, len);
	md_cursor_skip(&c, 2);
	flags = md_cursor_u16(&c);
	qd = md_cursor_u16(&c);
	an = md_cursor_u16(&c);
	md_cursor_skip(&c, 4);
	rcode = flags & 0x0f;
	for (k = 0; k < qd; k++) {
		dns_name nm;

		if ((why = read_name(&c, &nm)) != NULL)
			return why;
		md_cursor_skip(&c, 4);
		if (!md_cursor_ok(&c))
			return "question runs past the end of the packet";
	}
	/* every answer record: at least 11 octets each, so AN is bounded */
	if ((size_t)an > md_cursor_left(&c) / 11)
		return "answer count larger than the packet";
	md_buf_init(&all, WIRE_MAX * 2);
	md_buf_init(&one, WIRE_MAX);
	if (an > 0 && (rrs = md_arena_zalloc(a, an * sizeof(*rrs))) == NULL) {
		why = "out of memory";
		goto out;
	}
	for (k = 0; k < an; k++) {
		wire_rr *r = &rrs[k];

		if ((why = read_name(&c, &r->owner)) != NULL)
			goto out;
		r->type = md_cursor_u16(&c);
		r->klass = md_cursor_u16(&c);
		r->ttl = md_cursor_u32(&c);
		r->rdlen = md_cursor_u16(&c);
		if (!md_cursor_ok(&c) || md_cursor_left(&c) < r->rdlen) {
			why = "record runs past the end of the packet";
			goto out;
		}
		if ((why = read_rdata(&c, r->type, r->rdlen, &one)) != NULL)
			goto out;
		if (one.n > 65535) {
			why = "rdata longer than 65535 octets";
			goto out;
		}
		r->rdoff = all.n;
		r->rdlen = one.n;
		if (md_buf_append(&all, one.p != NULL ? one.p : "", one.n) != MD_OK) {
			why = "out of memory";
			goto out;
		}
	}
	/* follow the CNAME chain from QNAME (RFC 1034 section 3.6.2); each hop
	 * uses another record, so more hops than records is a loop */
	cur = qname->w;
	if (qtype != MD_DNS_CNAME) {
		for (;;) {
			const wire_rr *cn = NULL;

			for (k = 0; k < an && cn == NULL; k++)
				if (rrs[k].type == MD_DNS_CNAME && rrs[k].klass == 1 &&
				    dns_name_eq(rrs[k].owner.w, cur))
					cn = &rrs[k];
			if (cn == NULL)
				break;
			if (hops >= an) {
				loop = true;
				break;
			}
			cur = (const uint8_t *)all.p + cn->rdoff;
			hops++;
		}
	}
	memset(res, 0, sizeof(*res));
	res->rcode = rcode;
	res->ncname = hops;
	if (hops > 0) {
		res->canonical = md_arena_strdup(a, dns_name_text(cur, text, sizeof(text)));
		if (res->canonical == NULL) {
			why = "out of memory";
			goto out;
		}
	}
	for (k = 0; k < an; k++)
		if (rrs[k].type == qtype && rrs[k].klass == 1 && dns_name_eq(rrs[k].owner.w, cur))
			n++;
	if (n > 0) {
		md_dns_rr *out = md_arena_zalloc(a, n * sizeof(*out));
		size_t i = 0;

		if (out == NULL) {
			why = "out of memory";
			goto out;
		}
		for (k = 0; k < an; k++) {
			const wire_rr *r = &rrs[k];

			if (r->type != qtype || r->klass != 1 || !dns_name_eq(r->owner.w, cur))
				continue;
			why = dns_rr_fill(a, &out[i], dns_name_text(r->owner.w, text, sizeof(text)), r->type,
			                  r->ttl, (const uint8_t *)all.p + r->rdoff, r->rdlen);
			if (why != NULL)
				goto out;
			i++;
		}
		res->rr = out;
		res->nrr = n;
	}
	if (loop) {
		res->outcome = MD_DNS_SERVFAIL;
		res->why = "CNAME loop";
		res->nrr = 0;
		goto out;
	}
	switch (rcode) {
	case 0:
		res->outcome = n > 0 ? MD_DNS_ANSWER : MD_DNS_NODATA;
		break;
	case 3:
		res->outcome = MD_DNS_NXDOMAIN;
		res->nrr = 0;
		break;
	case 2:
	case 5: /* REFUSED */
		res->outcome = MD_DNS_SERVFAIL;
		res->nrr = 0;
		break;
	default:
		res->outcome = MD_DNS_ERROR;
		res->nrr = 0;
		break;
	}
out:
	md_buf_free(&all);
	md_buf_free(&one);
	return why;
}

const char *dns_wire_question(const uint8_t *pkt, size_t len, dns_name *qname, uint16_t *qtype)
{
	md_cursor c;
	const char *why;

	if (pkt == NULL || len < WIRE_HEADER)
		return "reply shorter than a DNS header";
	md_cursor_init(&c, pkt, len);
	md_cursor_skip(&c, 4);
	if (md_cursor_u16(&c) == 0)
		return "no question";
	md_cursor_skip(&c, 6);
	if ((why = read_name(&c, qname)) != NULL)
		return why;
	*qtype = md_cursor_u16(&c);
	return md_cursor_ok(&c) ? NULL : "question runs past the end of the packet";
}
