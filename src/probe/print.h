/* A probe as ZMap's --dryrun prints it, so that scripts reading ZMap's dry runs read
 * salvo's: the transport block (tcp, udp or icmp), the ip block, the eth block and a line of
 * 54 dashes, field for field in ZMap's format. */
#ifndef SALVO_PROBE_PRINT_H
#define SALVO_PROBE_PRINT_H

#include <stdint.h>
#include <stdio.h>

struct probe_ops;

/*
 * Print one frame (Ethernet, IPv4, then TCP, UDP or ICMP) built by a probe module; 0, or
 * -EINVAL for a frame too short or of another kind (nothing printed).  probe (may be NULL)
 * names the module, for the blocks of its own (probe_ops.print_name, print_head).  iplayer
 * (-X): the Ethernet header is not sent, so no eth block is printed.
 */
int probe_print_zmap(FILE *f, const struct probe_ops *probe, const uint8_t *frame, uint32_t len,
		     int iplayer);

/*
 * --fast-dryrun: ZMap's compact form, nothing but the destination of each probe as on the
 * wire (network order): 4 bytes of IPv4 address and 2 of port, or 16 and 2 for IPv6; port 0
 * for probes without one (ICMP).  Writes the record into out and returns its length (6 or
 * 18), or -EINVAL for a frame too short or of another kind (nothing written).  Per-probe
 * code: no allocation, no lock, no formatting.
 */
#define PROBE_FAST_MAX 18 /* the longest record: an IPv6 probe's */
int probe_fast_record(const uint8_t *frame, uint32_t len, uint8_t out[PROBE_FAST_MAX]);

#endif
