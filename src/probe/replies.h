/*
 * The kinds of reply a probe module expects, as bits: the probe declares them
 * (probe_ops.replies), the scan hands them to the io engine (io_config.replies), and
 * engines that steer traffic take exactly these for salvo.  The XDP program
 * (src/bpf/xdp_steer.bpf.c) includes this header too, so it holds nothing but the bits.
 */
#ifndef SALVO_PROBE_REPLIES_H
#define SALVO_PROBE_REPLIES_H

#define PROBE_REPLY_TCP	       (1u << 0) /* TCP to our address and source ports */
#define PROBE_REPLY_UDP	       (1u << 1) /* UDP to our address and source ports */
#define PROBE_REPLY_ICMP_ERROR (1u << 2) /* ICMP destination unreachable / time exceeded to us */
#define PROBE_REPLY_ICMP_ECHO  (1u << 3) /* ICMP echo replies to us */

#endif
