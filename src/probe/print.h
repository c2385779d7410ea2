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
 * --fast-dryrun: ZMap's compact form, six bytes per probe: the destination address and
 * port as on the wire (network order); port 0 for probes without one (ICMP).  0 or -EINVAL.
 */
int probe_print_fast(FILE *f, const uint8_t *frame, uint32_t len);

#endif
