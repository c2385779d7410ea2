/*
 * DPDK's Environment Abstraction Layer, for the dpdk engine (dpdk.c): started once per
 * process from --dpdk-eal-args, with a runtime directory of salvo's own, and cleaned up once.
 *
 * EAL is started by whichever comes first: the engine's queues_max (which counts the port's
 * queues before the scan is cut into the sender threads' slices) or its init.  Its result is
 * kept for the other, and its cleanup runs once: at close, or at exit when the scan failed
 * between the two.
 */
#ifndef SALVO_IO_DPDK_EAL_H
#define SALVO_IO_DPDK_EAL_H

#include "io/io.h"

/* Descriptors each queue asks for, and the most frames a sender reserves at once: within the
 * mempool's per-thread cache of DPDK_POOL_CACHE, so that a burst is taken from it. */
#define DPDK_DESC	1024
#define DPDK_TX_BATCH	16
#define DPDK_POOL_CACHE 256
#define DPDK_POOL_SPARE 2048

/*
 * The mbufs of the engine's one pool for tx_queues transmit queues of nb_tx descriptors and
 * rx_queues receive queues of nb_rx: every transmit descriptor may hold one, every sender
 * lends a batch and has another refused, a receive queue may hold two a descriptor (net_af_xdp
 * fills a ring of 2,048 beside its 1,024), every thread that takes from the pool (the senders,
 * the receivers, the main thread) may keep up to one and a half caches of its own, and
 * DPDK_POOL_SPARE more for what a driver keeps that its counts do not say.  Too few, and a
 * driver may lose frames it took without a word: net_af_xdp on a veth, -T 1, lost 3 % of the
 * probes at full speed and most replies with 256 fewer than this without the spare.  It sizes
 * both the pool (dpdk.c) and, without hugepages, EAL's memory (dpdk_eal.c): the pool's pages
 * are all touched when it is made, so a pool larger than the scan can use is start-up time.
 */
unsigned dpdk_pool_mbufs(unsigned tx_queues, unsigned rx_queues, unsigned nb_tx, unsigned nb_rx);

/* Start EAL, or say again how its one start went; 0 or -errno with the line in err. */
int dpdk_eal_once(const struct io_config *cfg, char err[IO_ERRLEN]);

/* Stop EAL and remove its runtime directory, if it started and is not stopped yet. */
void dpdk_eal_cleanup(void);

/*
 * The libraries under DPDK's drivers print to stderr whatever EAL's log level: between
 * these two, stderr points at /dev/null unless the user asked for EAL's logs.  begin returns
 * the saved stderr (or -1) for end.
 */
int dpdk_quiet_begin(void);
void dpdk_quiet_end(int saved);

#endif
