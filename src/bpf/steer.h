/*
 * What salvo's XDP steering program (xdp_steer.bpf.c) and the af_xdp engine that loads it
 * (src/io/af_xdp.c) share: the layout of config_map's one entry and the sizes of the XSK and
 * source maps.  Both sides include this header, so the layout is defined once; it compiles
 * for the BPF target (linux/types.h only).
 *
 * Our IPv4 sources (-S a range or list) are a span, daddr_first to daddr_first + daddr_span,
 * checked with one subtraction and one comparison; only when the span has addresses that are
 * not ours (a list with gaps) is the destination looked up in sources_map too.
 */
#ifndef SALVO_BPF_STEER_H
#define SALVO_BPF_STEER_H

#include <linux/types.h>

/* Entries of xsks_map, indexed by receive queue: an interface with more queues is refused. */
#define STEER_XSKS_MAX 64
/* Entries of sources_map: as many sources as a scan takes (SCAN_SOURCES_MAX). */
#define STEER_SOURCES_MAX 256

struct steer_config {
	__u32 daddr_first;  /* our (first) IPv4 address, host order */
	__u32 daddr_span;   /* the last one less the first: 0 for one address */
	__u32 daddr_listed; /* nonzero: only the addresses in sources_map are ours */
	__u16 sport_first;  /* our source ports, host order */
	__u16 sport_last;
	__u32 replies;	 /* PROBE_REPLY_* (probe/replies.h): the kinds to redirect */
	__u32 ipv6;	 /* nonzero: the scan has IPv6 targets, steer their replies to daddr6 too */
	__u32 daddr6[4]; /* our IPv6 address, network order: its four words as on the wire */
};

#endif
