/*
 * The pfring_zc io engine: ntop's PF_RING ZC, zero-copy rings on NICs with
 * ZC drivers.  Built only with `make USE_PFRING_ZC=1` against the SDK.
 * UNTESTED: Debian ships no PF_RING, so CI only compile-checks this file
 * against tests/stub/pfring_zc.h (make check-pfring); it has never run.
 *
 * One cluster; per transmit queue a ZC device queue opened tx_only (ZC
 * devices name queues "zc:IFNAME@Q") with a pool of packet handles that
 * senders fill in place; per receive queue one opened rx_only.
 *
 * No code but io.c's table should name this file's symbols.
 */
#ifdef SALVO_HAVE_PFRING_ZC

#include "io/io.h"
#include "util/alloc.h"
#include "util/priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pfring_zc.h>

#define ZC_CLUSTER_ID_BASE 1000
#define ZC_BUFFER_LEN	   1536
#define ZC_TX_HANDLES	   256 /* per transmit queue; also the largest batch */

struct zc_txq {
	pfring_zc_queue *queue;
	pfring_zc_pkt_buff *handles[ZC_TX_HANDLES];
	uint64_t submitted, busy;
} __attribute__((aligned(64)));

struct zc_rxq {
	pfring_zc_queue *queue;
	pfring_zc_pkt_buff *handle;
	uint64_t frames;
} __attribute__((aligned(64)));

struct zc_state {
	pfring_zc_cluster *cluster;
	struct zc_txq *tx;
	unsigned tx_count;
	struct zc_rxq *rx;
	unsigned rx_count;
};

static int zc_init(struct io_engine *e, const struct io_config *cfg, char err[IO_ERRLEN])
{
	struct zc_state *s = e->priv;
	unsigned buffers = (cfg->tx_queues * ZC_TX_HANDLES + cfg->rx_queues) * 2 + 64;
	char dev[64];

	s->cluster = pfring_zc_create_cluster(ZC_CLUSTER_ID_BASE + (uint32_t)(getpid() % 1000),
					      ZC_BUFFER_LEN, 0, buffers, -1, NULL, 0);
	if (!s->cluster) {
		snprintf(err, IO_ERRLEN, "pfring_zc: cannot create a cluster: %s (hugepages?)",
			 strerror(errno));
		return -(errno ? errno : ENOMEM);
	}
	s->tx = alloc_array_aligned(cfg->tx_queues, sizeof(*s->tx));
	s->rx = alloc_array_aligned(cfg->rx_queues, sizeof(*s->rx));
	if (!s->tx || !s->rx) {
		snprintf(err, IO_ERRLEN, "pfring_zc: out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < cfg->tx_queues; i++, s->tx_count++) {
		snprintf(dev, sizeof(dev), "zc:%s@%u", cfg->ifname, i);
		s->tx[i].queue = pfring_zc_open_device(s->cluster, dev, tx_only, 0);
		if (!s->tx[i].queue) {
			snprintf(err, IO_ERRLEN, "pfring_zc: cannot open %s for sending: %s", dev,
				 strerror(errno));
			return -(errno ? errno : ENODEV);
		}
		for (unsigned j = 0; j < ZC_TX_HANDLES; j++)
			if (!(s->tx[i].handles[j] = pfring_zc_get_packet_handle(s->cluster))) {
				snprintf(err, IO_ERRLEN, "pfring_zc: out of packet buffers");
				return -ENOMEM;
			}
	}
	for (unsigned i = 0; i < cfg->rx_queues; i++, s->rx_count++) {
		snprintf(dev, sizeof(dev), "zc:%s@%u", cfg->ifname, i);
		s->rx[i].queue = pfring_zc_open_device(s->cluster, dev, rx_only, 0);
		s->rx[i].handle = pfring_zc_get_packet_handle(s->cluster);
		if (!s->rx[i].queue || !s->rx[i].handle) {
			snprintf(err, IO_ERRLEN, "pfring_zc: cannot open %s for receiving: %s", dev,
				 strerror(errno));
			return -(errno ? errno : ENODEV);
		}
	}
	snprintf(e->mode, IO_MODE_LEN, "zero-copy");
	return 0;
}

static unsigned zc_tx_reserve(struct io_engine *e, unsigned qi, struct io_frame *frames, unsigned n)
{
	struct zc_txq *q = &((struct zc_state *)e->priv)->tx[qi];

	if (n > ZC_TX_HANDLES)
		n = ZC_TX_HANDLES;
	for (unsigned i = 0; i < n; i++) {
		frames[i].data = pfring_zc_pkt_buff_data(q->handles[i], q->queue);
		frames[i].cap = ZC_BUFFER_LEN;
		frames[i].len = 0;
	}
	return n;
}

static int zc_tx_submit(struct io_engine *e, unsigned qi, const struct io_frame *frames, unsigned n)
{
	struct zc_txq *q = &((struct zc_state *)e->priv)->tx[qi];
	int sent;

	if (n == 0)
		return 0;
	for (unsigned i = 0; i < n; i++)
		q->handles[i]->len = (u_int16_t)frames[i].len;
	/* send_pkt_burst swaps the handles it takes for free ones, so ours stay valid. */
	sent = pfring_zc_send_pkt_burst(q->queue, q->handles, n, 1);
	if (sent < 0)
		return -EIO;
	__atomic_store_n(&q->submitted, q->submitted + (uint64_t)sent, __ATOMIC_RELAXED);
	if ((unsigned)sent < n) {
		__atomic_store_n(&q->busy, q->busy + 1, __ATOMIC_RELAXED);
		return -ENOBUFS;
	}
	return 0;
}

static unsigned zc_tx_flush(struct io_engine *e, unsigned qi)
{
	pfring_zc_sync_queue(((struct zc_state *)e->priv)->tx[qi].queue, tx_only);
	return 0;
}

static int zc_rx_poll(struct io_engine *e, unsigned qi, int timeout_ms, io_rx_fn fn, void *ctx)
{
	struct zc_rxq *q = &((struct zc_state *)e->priv)->rx[qi];
	int handled = 0;

	(void)timeout_ms;
	while (handled < 256 && pfring_zc_recv_pkt(q->queue, &q->handle, 0) > 0) {
		fn(ctx, pfring_zc_pkt_buff_data(q->handle, q->queue), q->handle->len);
		handled++;
	}
	if (handled == 0)
		usleep(1000); /* the ZC API has no blocking wait with a timeout */
	__atomic_store_n(&q->frames, q->frames + (uint64_t)handled, __ATOMIC_RELAXED);
	return handled;
}

static void zc_stats(struct io_engine *e, struct io_stats *st)
{
	struct zc_state *s = e->priv;

	for (unsigned i = 0; i < s->tx_count; i++) {
		st->tx_submitted += __atomic_load_n(&s->tx[i].submitted, __ATOMIC_RELAXED);
		st->tx_completed += __atomic_load_n(&s->tx[i].submitted, __ATOMIC_RELAXED);
		st->tx_busy += __atomic_load_n(&s->tx[i].busy, __ATOMIC_RELAXED);
	}
	for (unsigned i = 0; i < s->rx_count; i++) {
		pfring_zc_stat zs;

		st->rx_frames += __atomic_load_n(&s->rx[i].frames, __ATOMIC_RELAXED);
		if (pfring_zc_stats(s->rx[i].queue, &zs) == 0)
			st->rx_drops += zs.drop;
	}
}

static void zc_close(struct io_engine *e)
{
	struct zc_state *s = e->priv;

	for (unsigned i = 0; i < s->tx_count; i++)
		pfring_zc_close_device(s->tx[i].queue);
	for (unsigned i = 0; i < s->rx_count; i++)
		pfring_zc_close_device(s->rx[i].queue);
	if (s->cluster)
		pfring_zc_destroy_cluster(s->cluster);
	free(s->tx);
	free(s->rx);
}

const struct io_engine_ops io_pfring_zc_ops = {
	.name = "pfring_zc",
	.help = "PF_RING ZC zero-copy rings (ntop SDK; untested)",
	.caps = IO_CAP_TX | IO_CAP_RX | IO_CAP_MULTI_QUEUE | IO_CAP_ZERO_COPY,
	/* Untested here: what the ZC library needs after open is unknown, so nothing is dropped. */
	.keep_privileges = PRIV_ALL,
	.priv_size = sizeof(struct zc_state),
	.init = zc_init,
	.tx_reserve = zc_tx_reserve,
	.tx_submit = zc_tx_submit,
	.tx_flush = zc_tx_flush,
	.rx_poll = zc_rx_poll,
	.stats = zc_stats,
	.close = zc_close,
};

#endif /* SALVO_HAVE_PFRING_ZC */
