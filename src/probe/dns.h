/*
 * What the dns probe (dns.c: queries, validation) and its output fields (dns_fields.c:
 * decoding the reply a result kept, in the output thread) share: the message's layout, the
 * flags validate leaves in a result, and the names of record types.
 */
#ifndef SALVO_PROBE_DNS_H
#define SALVO_PROBE_DNS_H

#include <stdint.h>

#include "probe/probe.h"

#define DNS_HLEN      12
#define DNS_LABEL_MAX 63
#define DNS_NAME_MAX  255 /* a name in wire form, the root label included */

/* probe_result.flags: an ICMP error (UDP_FLAG_ICMP, as udp's), or what validate saw of a reply. */
#define DNS_FLAG_QUESTION 0x01 /* the reply repeats the question we asked */
#define DNS_FLAG_CUT	  0x02 /* longer than PROBE_DATA_MAX: only its start is kept */

/* The name of a record type (A, MX, ...; ANY for 255), or NULL for a type without one. */
const char *dns_type_name(uint16_t code);

/* The output fields, ZMap's names; the count is here so that the ops table can say it. */
#define DNS_FIELD_COUNT 24
extern const struct probe_field dns_fields[]; /* DNS_FIELD_COUNT of them */

#endif
