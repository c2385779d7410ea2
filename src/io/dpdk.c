/*
 * The dpdk io engine: DPDK's poll-mode drivers, the kernel out of the way.
 *
 * EAL is started from --dpdk-eal-args (passed through, dpdk_eal.c) with a file prefix of this
 * process's own and EAL's logs quiet, once for all the instances of the process: with
 * --dpdk-port 0,1 the scan opens one per port, each with its own mempool, its -S and its
 * next hop (--gateway-ip 0=ADDR,1=ADDR).  A port gets one TX queue per sender thread,
 * one more for the engine's own frames (ARP, NDP), and --receivers RX queues (RSS where the driver
 * offers it).  A probe is written straight into an mbuf from one mempool and sent with
 * rte_eth_tx_burst; what the burst refuses stays queued, is retried and counted as tx busy,
 * never as sent.  Received frames go to the scan's receive path, but ARP and Neighbor
 * Discovery, which the engine answers itself: the port is not a kernel interface, so nobody
 * else will tell the next hops our MAC.  The next hops' MAC is -G, or asked with ARP for
 * --gateway-ip and with a Neighbor Solicitation for --gateway-ipv6 (IPv6 targets).
 *
 * salvo's threads are not EAL lcores: each registers itself (rte_thread_register) the first
 * time it sends or receives, so that the mempool's per-lcore caches work for it.
 */
#ifdef SALVO_HAVE_DPDK

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>
#include <rte_version.h>

#include "io/arp.h"
#include "io/dpdk_eal.h"
#include "io/dpdk_options.h"
#include "io/io.h"
#include "io/io_internal.h"
#include "io/ndp.h"
#include "probe/packet6.h"
#include "target/target.h"
#include "target/target6.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/priv.h"

#define DPDK_RX_BURST	    32
#define DPDK_ASK_TRIES	    3 /* ARP requests or Neighbor Solicitations, a second apart */
#define DPDK_RX_IDLE_MIN_US 32
#define DPDK_RX_IDLE_MAX_US 512 /* DPDK_DESC frames in 512 us: 2 M replies a second */
#define DPDK_PORTS_MAX	    16	/* --dpdk-port 0,1,...: a scan's instances, one a port */

/* The instances open in this process (one per port): EAL is cleaned up after the last. */
static unsigned dpdk_instances;

/*
 * A sender's queue: the mbufs lent to it (reserved) become, once filled and submitted, the
 * ones the driver has yet to take (pending), in the same array: a batch is reserved only once
 * the one before has gone.
 */
struct dpdk_txq {
	struct rte_mbuf *mbufs[DPDK_TX_BATCH];
	unsigned reserved_count, pending_count; /* one of the two is 0 */
	uint64_t accepted, busy;		/* atomic: read by the monitor */
} __attribute__((aligned(64)));

struct dpdk_rxq {
	uint64_t frames; /* atomic */
} __attribute__((aligned(64)));

struct dpdk_state {
	uint16_t port;
	unsigned txq_count, rxq_count; /* the senders' TX queues, the RX queues */
	unsigned ctl_queue;	       /* the TX queue of the engine's own frames (ARP, NDP) */
	int ctl_shared;		       /* ... which is sender 0's: the port has no spare one */
	struct rte_mempool *pool;
	uint64_t mbuf_rearm; /* data_off, refcnt, nb_segs and port of a fresh mbuf, as one word */
	uint32_t frame_cap;  /* the room in an mbuf after the headroom */
	struct dpdk_txq *tx;
	struct dpdk_rxq *rx;
	rte_spinlock_t ctl_lock; /* the control queue: receive threads (and sender 0) share it */
	uint32_t addr_be, gateway_be;
	const uint32_t *addrs; /* -S a range or list: every source (host order, sorted) */
	unsigned addr_count;   /* 0 or 1: addr_be alone */
	int gateway_known;
	int ipv4, ipv6;			 /* the scan's families: whose next hop is needed */
	uint8_t addr6[16], gateway6[16]; /* ours, the IPv6 next hop's (network order) */
	int gateway6_known;
	int gateway6_given;
	int allmulti; /* all-multicast turned on for Neighbor Discovery: off again at close */
	int port_up;
	int rxq_given; /* --dpdk-num-rxq: the user's count, not to be fitted to the port */
	int counted;   /* one of dpdk_instances */
};

static inline struct dpdk_state *dpdk_state(struct io_engine *e)
{
	return e->priv;
}

/* Every sending or receiving thread becomes an EAL lcore once: mempool caches are per lcore. */
static void dpdk_thread_enter(void)
{
	static __thread int registered;

	if (!registered) {
		registered = 1;
		if (rte_lcore_id() == LCORE_ID_ANY)
			(void)rte_thread_register();
	}
}

static int dpdk_check_count(const char *opt, const char *value, unsigned min, unsigned max,
			    char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	if (!value)
		return 0;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end || errno || v < min || v > max) {
		snprintf(err, errlen, "--%s: '%s': expected a whole number from %u to %u", opt,
			 value, min, max);
		return -EINVAL;
	}
	return 0;
}

/*
 * --dpdk-port's list ("0" when not given): its ports' names as written into names (at most
 * max, each shorter than IO_PORT_NAME_LEN), and how many; -EINVAL with a line in err (if
 * not NULL) when an item is no port number, or is given twice.
 */
static int dpdk_port_list(const char *value, char names[][IO_PORT_NAME_LEN], unsigned max,
			  char *err, size_t errlen)
{
	const char *s = value ? value : "0";
	unsigned n = 0;

	do {
		size_t len = strcspn(s, ",");
		char item[IO_PORT_NAME_LEN];

		if (len >= sizeof(item) || n == max) {
			if (err)
				snprintf(err, errlen,
					 "--dpdk-port: '%.100s': at most %u ports, each a number",
					 s, max);
			return -EINVAL;
		}
		memcpy(item, s, len);
		item[len] = '\0';
		if (dpdk_check_count("dpdk-port", item, 0, RTE_MAX_ETHPORTS - 1, err ? err : item,
				     err ? errlen : 0))
			return -EINVAL;
		for (unsigned i = 0; i < n; i++)
			if (strtoul(names[i], NULL, 10) == strtoul(item, NULL, 10)) {
				if (err)
					snprintf(err, errlen, "--dpdk-port: %s: given twice", item);
				return -EINVAL;
			}
		memcpy(names[n++], item, len + 1);
		s += len;
	} while (*s++ == ',');
	return (int)n;
}

static unsigned dpdk_ports(const char *const *values, char names[][IO_PORT_NAME_LEN], unsigned max)
{
	int n = dpdk_port_list(values[DPDK_PORT], names, max, NULL, 0);

	return n > 0 ? (unsigned)n : 0;
}

/* The port instance `port` of the scan opens: the port-th of --dpdk-port's list. */
static uint16_t dpdk_port_at(const struct io_config *cfg)
{
	char names[DPDK_PORTS_MAX][IO_PORT_NAME_LEN];
	int n = dpdk_port_list(cfg->options[DPDK_PORT], names, DPDK_PORTS_MAX, NULL, 0);

	return n > (int)cfg->port ? (uint16_t)strtoul(names[cfg->port], NULL, 10) : 0;
}

/*
 * A next hop option's value for port `name`: the value itself, or with PORT=ADDR items
 * (comma-separated, one per port of --dpdk-port) the item of that port, into buf; NULL if
 * it has none.
 */
static const char *dpdk_value_for(const char *value, const char *name, char *buf, size_t len)
{
	const char *s = value;

	if (!value || !strchr(value, '='))
		return value;
	do {
		size_t n = strcspn(s, ","), eq = strcspn(s, "=");

		if (eq < n && eq == strlen(name) && !memcmp(s, name, eq) && n - eq - 1 < len) {
			memcpy(buf, s + eq + 1, n - eq - 1);
			buf[n - eq - 1] = '\0';
			return buf;
		}
		s += n;
	} while (*s++ == ',');
	return NULL;
}

/* --gateway-ip and --gateway-ipv6: an address, or PORT=ADDR items, one per port named
 * once; 0 or -EINVAL with a line. */
static int dpdk_check_gateways(const char *const *v, int ipv6, char *err, size_t errlen)
{
	const char *opt = ipv6 ? "gateway-ipv6" : "gateway-ip",
		   *value = v[ipv6 ? DPDK_GATEWAY_IPV6 : DPDK_GATEWAY_IP];
	char names[DPDK_PORTS_MAX][IO_PORT_NAME_LEN], buf[64];
	int ports = dpdk_port_list(v[DPDK_PORT], names, DPDK_PORTS_MAX, NULL, 0), seen = 0;
	const char *s = value;

	if (!value)
		return 0;
	do {
		size_t n = strcspn(s, ","), eq = strcspn(s, "=");
		const char *addr = s;
		struct target6_addr a6;
		uint32_t a;
		int i = -1;

		if (eq < n) {
			for (i = 0; i < ports; i++)
				if (eq == strlen(names[i]) && !memcmp(s, names[i], eq))
					break;
			if (i == ports || (seen & (1 << i))) {
				snprintf(
					err, errlen,
					"--%s: '%.100s': %.*s is %s --dpdk-port's ports, once each",
					opt, value, (int)eq, s,
					i == ports ? "not one of" : "given twice: name");
				return -EINVAL;
			}
			seen |= 1 << i;
			addr = s + eq + 1;
			n -= eq + 1;
		} else if (strchr(value, '=')) {
			n = 0; /* a plain address among PORT=ADDR items */
		}
		snprintf(buf, sizeof(buf), "%.*s", (int)(n < 63 ? n : 63), addr);
		/* The next hop is one neighbour: never a multicast group. */
		if (!n || (!ipv6 && target_parse_ipv4(buf, &a)) ||
		    (ipv6 && (!strchr(buf, ':') || target6_parse_addr(buf, &a6) ||
			      (a6.hi >> 56) == 0xff))) {
			snprintf(err, errlen,
				 ipv6 ? "--%s: '%.100s': expected a unicast IPv6 address such as "
					"2001:2::2, or PORT=ADDR for each port"
				      : "--%s: '%.100s': expected an IPv4 address such as "
					"198.18.0.2, or PORT=ADDR for each port",
				 opt, value);
			return -EINVAL;
		}
		s = addr + n;
	} while (*s++ == ',');
	return 0;
}

static int dpdk_check(const char *const *v, char *err, size_t errlen)
{
	char names[DPDK_PORTS_MAX][IO_PORT_NAME_LEN];
	int ret;

	if ((ret = dpdk_port_list(v[DPDK_PORT], names, DPDK_PORTS_MAX, err, errlen)) < 0 ||
	    (ret = dpdk_check_count("dpdk-num-txq", v[DPDK_NUM_TXQ], 1, 64, err, errlen)) ||
	    (ret = dpdk_check_count("dpdk-num-rxq", v[DPDK_NUM_RXQ], 1, 64, err, errlen)) ||
	    (ret = dpdk_check_gateways(v, 0, err, errlen)) ||
	    (ret = dpdk_check_gateways(v, 1, err, errlen)))
		return ret;
	if (v[DPDK_EAL_ARGS] && strlen(v[DPDK_EAL_ARGS]) > 4000) {
		snprintf(err, errlen, "--dpdk-eal-args: longer than 4000 characters");
		return -EINVAL;
	}
	return 0;
}

/* The ports EAL found, "0 (net_null0), 1 (0000:00:06.0)", for an error line. */
static void dpdk_ports_found(char *buf, size_t len)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t p;
	size_t n = 0;

	buf[0] = '\0';
	RTE_ETH_FOREACH_DEV(p)
	{
		if (rte_eth_dev_get_name_by_port(p, name))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%u (%s)", n ? ", " : "", p,
				      name);
	}
}

static int dpdk_find_port(struct dpdk_state *s, const struct io_config *cfg, char err[IO_ERRLEN])
{
	char found[160];

	s->port = dpdk_port_at(cfg);
	if (rte_eth_dev_is_valid_port(s->port))
		return 0;
	if (rte_eth_dev_count_avail() == 0) {
		snprintf(err, IO_ERRLEN,
			 "dpdk: EAL found no port: bind the NIC to a DPDK driver "
			 "(dpdk-devbind.py -b vfio-pci 0000:00:06.0; mlx5 needs none) and name it "
			 "with -a, or give a --vdev in --dpdk-eal-args");
		return -ENODEV;
	}
	dpdk_ports_found(found, sizeof(found));
	snprintf(err, IO_ERRLEN, "dpdk: --dpdk-port %u: no such port; EAL found %s", s->port,
		 found);
	return -ENODEV;
}

/*
 * As many sender threads as the port has TX queues (a virtual device may have one), so that
 * the scan is sliced for the threads that can run, as on af_xdp.  0 (as many as asked) when
 * the user named the count or the port cannot be asked: init then says why.
 */
static unsigned dpdk_queues_max(const struct io_config *cfg)
{
	struct rte_eth_dev_info info;
	char err[IO_ERRLEN];
	uint16_t port;

	if (cfg->options[DPDK_NUM_TXQ] || dpdk_eal_once(cfg, err))
		return 0;
	port = dpdk_port_at(cfg);
	if (!rte_eth_dev_is_valid_port(port) || rte_eth_dev_info_get(port, &info))
		return 0;
	return info.max_tx_queues;
}

static unsigned dpdk_count_option(const struct io_config *cfg, int which, unsigned fallback)
{
	return cfg->options[which] ? (unsigned)strtoul(cfg->options[which], NULL, 10) : fallback;
}

/*
 * What a sender's mbuf needs of rte_pktmbuf_reset, as the drivers' receive paths do it: the
 * word of data_off, refcnt, nb_segs and port written at once.  A pool's mbufs are single
 * segments with a reference count of 1 (mbuf API); a frame salvo sends has no offload flags
 * and starts after the headroom (a receive driver may have moved it, or set flags).
 */
static void dpdk_rearm_init(struct dpdk_state *s)
{
	struct rte_mbuf m = { .buf_len = RTE_MBUF_DEFAULT_BUF_SIZE };

	m.data_off = RTE_PKTMBUF_HEADROOM;
	m.nb_segs = 1;
	m.port = s->port;
	rte_mbuf_refcnt_set(&m, 1);
	memcpy(&s->mbuf_rearm, &m.data_off, sizeof(s->mbuf_rearm));
	s->frame_cap = RTE_MBUF_DEFAULT_BUF_SIZE - RTE_PKTMBUF_HEADROOM;
}

/* Queues, the mempool behind them, RSS when there are several RX queues and the driver has it. */
static int dpdk_port_setup(struct dpdk_state *s, char err[IO_ERRLEN])
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t nb_tx = DPDK_DESC, nb_rx = DPDK_DESC;
	int socket = rte_eth_dev_socket_id(s->port), ret;
	char pool[RTE_MEMPOOL_NAMESIZE];
	unsigned mbufs;

	if ((ret = rte_eth_dev_info_get(s->port, &info))) {
		snprintf(err, IO_ERRLEN, "dpdk: port %u: %s", s->port, rte_strerror(-ret));
		return ret;
	}
	/* Fewer receive threads where the port has fewer queues (the scan says so), unless the
	 * user named the count: senders were fitted before the scan was sliced (queues_max). */
	if (!s->rxq_given && s->rxq_count > info.max_rx_queues)
		s->rxq_count = info.max_rx_queues;
	if (s->txq_count > info.max_tx_queues || s->rxq_count > info.max_rx_queues) {
		snprintf(
			err, IO_ERRLEN,
			"dpdk: port %u (%s) has %u TX and %u RX queues; salvo needs %u and %u (-T "
			"or "
			"--dpdk-num-txq, --receivers or --dpdk-num-rxq; a vdev may take qpairs= or "
			"queue_count=)",
			s->port, info.driver_name, info.max_tx_queues, info.max_rx_queues,
			s->txq_count, s->rxq_count);
		return -EINVAL;
	}
	/* A TX queue of the engine's own for ARP when the port has one to spare; otherwise the
	 * first sender's, shared under a lock taken once per burst. */
	s->ctl_shared = s->txq_count == info.max_tx_queues;
	s->ctl_queue = s->ctl_shared ? 0 : s->txq_count;
	if (s->rxq_count > 1 && info.flow_type_rss_offloads) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
	}
	if ((ret = rte_eth_dev_configure(s->port, (uint16_t)s->rxq_count,
					 (uint16_t)(s->txq_count + !s->ctl_shared), &conf)) ||
	    (ret = rte_eth_dev_adjust_nb_rx_tx_desc(s->port, &nb_rx, &nb_tx))) {
		snprintf(err, IO_ERRLEN, "dpdk: port %u: configuring %u RX and %u TX queues: %s",
			 s->port, s->rxq_count, s->txq_count + !s->ctl_shared, rte_strerror(-ret));
		return ret;
	}
	mbufs = dpdk_pool_mbufs(s->txq_count + !s->ctl_shared, s->rxq_count, nb_tx, nb_rx);
	/* A pool per port: a mempool's name is unique in the process. */
	snprintf(pool, sizeof(pool), "salvo-%u", s->port);
	s->pool = rte_pktmbuf_pool_create(pool, mbufs, DPDK_POOL_CACHE, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (!s->pool) {
		snprintf(err, IO_ERRLEN,
			 "dpdk: a mempool of %u mbufs: %s (more memory: -m in "
			 "--dpdk-eal-args, or hugepages)",
			 mbufs, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	dpdk_rearm_init(s);
	for (unsigned q = 0; q < s->txq_count + !s->ctl_shared; q++)
		if ((ret = rte_eth_tx_queue_setup(s->port, (uint16_t)q, nb_tx, (unsigned)socket,
						  NULL)))
			goto fail;
	for (unsigned q = 0; q < s->rxq_count; q++)
		if ((ret = rte_eth_rx_queue_setup(s->port, (uint16_t)q, nb_rx, (unsigned)socket,
						  NULL, s->pool)))
			goto fail;
	return 0;
fail:
	snprintf(err, IO_ERRLEN, "dpdk: port %u: setting up its queues: %s", s->port,
		 rte_strerror(-ret));
	return ret;
}

/* Send one frame of the engine's own on its TX queue (shared by the receive threads). */
static void dpdk_ctl_send(struct dpdk_state *s, struct rte_mbuf *m)
{
	uint16_t sent;

	rte_spinlock_lock(&s->ctl_lock);
	sent = rte_eth_tx_burst(s->port, (uint16_t)s->ctl_queue, &m, 1);
	rte_spinlock_unlock(&s->ctl_lock);
	if (!sent)
		rte_pktmbuf_free(m);
}

/* Send len bytes of the engine's own frame (ARP, NDP), built in frame, if an mbuf is free. */
static void dpdk_ctl_frame(struct dpdk_state *s, const uint8_t *frame, unsigned len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->pool);

	if (!m)
		return;
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), frame, len);
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	dpdk_ctl_send(s, m);
}

static void dpdk_arp_request(struct dpdk_state *s, const uint8_t mac[6])
{
	uint8_t frame[ARP_FRAME_LEN];

	dpdk_ctl_frame(s, frame,
		       arp_build_request(frame, mac, ntohl(s->addr_be), ntohl(s->gateway_be)));
}

/*
 * An ARP frame received: answer a request for one of our addresses (or the next hop could
 * never deliver a reply to it: with -S a list every source is asked for), and learn the
 * gateway's MAC from its reply.  1 if m was ARP.
 */
static int dpdk_arp_input(struct io_engine *e, struct rte_mbuf *m)
{
	struct dpdk_state *s = dpdk_state(e);
	uint8_t answer[ARP_FRAME_LEN];
	struct arp_message msg;
	unsigned len;
	int ret = arp_parse(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, &msg);

	if (ret <= 0)
		return ret < 0;
	if (msg.op == ARP_OP_REQUEST) {
		int ours = s->addr_be && (msg.tpa == ntohl(s->addr_be) ||
					  io_addr_listed(s->addrs, s->addr_count, msg.tpa));

		if (ours && (len = arp_answer(answer, &msg, e->mac, msg.tpa)))
			dpdk_ctl_frame(s, answer, len);
	} else if (msg.op == ARP_OP_REPLY && msg.spa == ntohl(s->gateway_be) &&
		   !__atomic_load_n(&s->gateway_known, __ATOMIC_ACQUIRE)) {
		memcpy(e->gateway_mac, msg.sha, 6);
		__atomic_store_n(&s->gateway_known, 1, __ATOMIC_RELEASE);
	}
	return 1;
}

/* A Neighbor Solicitation for the IPv6 next hop, to its solicited-node group. */
static void dpdk_ndp_solicit(struct dpdk_state *s, const uint8_t mac[6])
{
	uint8_t frame[NDP_FRAME_LEN];

	dpdk_ctl_frame(s, frame, ndp_build_solicit(frame, mac, s->addr6, s->gateway6));
}

/*
 * Neighbor Discovery, when the scan has IPv6 targets: answer a solicitation for our address
 * (or the next hop could never deliver a reply), and learn the IPv6 next hop's MAC from its
 * advertisement.  1 if m was a solicitation or an advertisement (valid or not): the scan's
 * receive path has nothing to do with it.
 */
static int dpdk_ndp_input(struct io_engine *e, struct rte_mbuf *m)
{
	struct dpdk_state *s = dpdk_state(e);
	uint8_t answer[NDP_FRAME_LEN];
	struct ndp_message msg;
	unsigned len;
	int ret;

	if (!s->ipv6 ||
	    (ret = ndp_parse(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, &msg)) == 0)
		return 0;
	if (ret < 0)
		return 1;
	if (msg.type == ICMP6_NEIGH_SOLICIT) {
		if ((len = ndp_answer(answer, &msg, e->mac, s->addr6)))
			dpdk_ctl_frame(s, answer, len);
	} else if (msg.type == ICMP6_NEIGH_ADVERT && s->gateway6_given &&
		   !memcmp(msg.target, s->gateway6, 16) &&
		   !__atomic_load_n(&s->gateway6_known, __ATOMIC_ACQUIRE)) {
		memcpy(e->gateway_mac6, msg.has_lladdr ? msg.lladdr : msg.eth_src, 6);
		__atomic_store_n(&s->gateway6_known, 1, __ATOMIC_RELEASE);
	}
	return 1;
}

/* Hand each received frame to fn, but ARP and NDP, which the engine answers; how many went
 * to fn. */
static int dpdk_rx_burst(struct io_engine *e, unsigned q, io_rx_fn fn, void *ctx)
{
	struct dpdk_state *s = dpdk_state(e);
	struct rte_mbuf *m[DPDK_RX_BURST];
	uint16_t n = rte_eth_rx_burst(s->port, (uint16_t)q, m, DPDK_RX_BURST);
	int handled = 0;

	for (uint16_t i = 0; i < n; i++) {
		/* A frame in several segments is longer than any reply salvo reads: skipped. */
		if (!dpdk_arp_input(e, m[i]) && !dpdk_ndp_input(e, m[i]) && fn &&
		    m[i]->nb_segs == 1) {
			fn(ctx, rte_pktmbuf_mtod(m[i], const uint8_t *), m[i]->data_len);
			handled++;
		}
		rte_pktmbuf_free(m[i]);
	}
	if (handled)
		__atomic_store_n(&s->rx[q].frames, s->rx[q].frames + (uint64_t)handled,
				 __ATOMIC_RELAXED);
	return handled;
}

/*
 * Ask the next hop of one family for its MAC (an ARP request, or a Neighbor Solicitation),
 * DPDK_ASK_TRIES times a second apart, taking the answer off every RX queue meanwhile.
 * 0 once it is known, or -EHOSTUNREACH.
 */
static int dpdk_ask_gateway(struct io_engine *e, int ipv6)
{
	struct dpdk_state *s = dpdk_state(e);
	int *known = ipv6 ? &s->gateway6_known : &s->gateway_known;

	for (int t = 0; t < DPDK_ASK_TRIES; t++) {
		uint64_t until = clock_mono_ns() + 1000000000ULL;

		if (ipv6)
			dpdk_ndp_solicit(s, e->mac);
		else
			dpdk_arp_request(s, e->mac);
		while (clock_mono_ns() < until && !__atomic_load_n(known, __ATOMIC_ACQUIRE))
			for (unsigned q = 0; q < s->rxq_count; q++)
				if (dpdk_rx_burst(e, q, NULL, NULL) == 0)
					clock_sleep_us(1000);
		if (__atomic_load_n(known, __ATOMIC_ACQUIRE))
			return 0;
	}
	return -EHOSTUNREACH;
}

/* The IPv4 targets' next hop: its MAC asked with ARP for --gateway-ip. */
static int dpdk_resolve_gateway4(struct io_engine *e, char err[IO_ERRLEN])
{
	struct dpdk_state *s = dpdk_state(e);
	char addr[16];

	if (!s->gateway_be) {
		snprintf(err, IO_ERRLEN,
			 "dpdk: the next hop is unknown: give -G/--gateway-mac MAC, "
			 "or --gateway-ip ADDR for salvo to ask with ARP");
		return -EINVAL;
	}
	if (!dpdk_ask_gateway(e, 0))
		return 0;
	target_format_ipv4(ntohl(s->gateway_be), addr);
	snprintf(err, IO_ERRLEN,
		 "dpdk: gateway %s did not answer %d ARP requests on port %u: check --gateway-ip, "
		 "or give -G/--gateway-mac",
		 addr, DPDK_ASK_TRIES, s->port);
	return -EHOSTUNREACH;
}

/* The IPv6 targets' next hop: its MAC asked with Neighbor Discovery for --gateway-ipv6. */
static int dpdk_resolve_gateway6(struct io_engine *e, char err[IO_ERRLEN])
{
	struct dpdk_state *s = dpdk_state(e);
	char addr[TARGET6_ADDRSTRLEN];

	if (!s->gateway6_given) {
		snprintf(err, IO_ERRLEN,
			 "dpdk: the IPv6 next hop is unknown: give -G/--gateway-mac MAC, "
			 "or --gateway-ipv6 ADDR for salvo to ask with Neighbor Discovery");
		return -EINVAL;
	}
	if (!dpdk_ask_gateway(e, 1))
		return 0;
	target6_format(target6_from_bytes(s->gateway6), addr);
	snprintf(err, IO_ERRLEN,
		 "dpdk: IPv6 gateway %s did not answer %d Neighbor Solicitations on port %u: "
		 "check --gateway-ipv6, or give -G/--gateway-mac",
		 addr, DPDK_ASK_TRIES, s->port);
	return -EHOSTUNREACH;
}

/* -G for both families, or each family's next hop asked for, the scan's families only. */
static int dpdk_resolve_gateways(struct io_engine *e, const struct io_config *cfg,
				 char err[IO_ERRLEN])
{
	struct dpdk_state *s = dpdk_state(e);
	int ret;

	if (cfg->gateway_mac) {
		memcpy(e->gateway_mac, cfg->gateway_mac, 6);
		memcpy(e->gateway_mac6, cfg->gateway_mac, 6);
		return 0;
	}
	if (s->ipv4 && (ret = dpdk_resolve_gateway4(e, err)))
		return ret;
	return s->ipv6 ? dpdk_resolve_gateway6(e, err) : 0;
}

/*
 * Neighbor Solicitations for our IPv6 address come to its solicited-node group
 * (33:33:ff:xx:xx:xx), which a NIC filters out unless told: the group is added to the port's
 * multicast list, or the port takes all multicast where it has no list.  Virtual devices on a
 * kernel interface (net_af_packet, net_af_xdp on veth) have neither and deliver every frame
 * the interface gets anyway.
 */
static void dpdk_ndp_multicast(struct dpdk_state *s)
{
	struct rte_ether_addr group;

	ndp_solicited_node_mac(s->addr6, group.addr_bytes);
	if (rte_eth_dev_set_mc_addr_list(s->port, &group, 1) != 0)
		s->allmulti = rte_eth_allmulticast_enable(s->port) == 0;
}

static int dpdk_init(struct io_engine *e, const struct io_config *cfg, char err[IO_ERRLEN])
{
	struct dpdk_state *s = dpdk_state(e);
	struct rte_ether_addr mac;
	char name[RTE_ETH_NAME_MAX_LEN] = "";
	struct target6_addr gw6;
	char names[DPDK_PORTS_MAX][IO_PORT_NAME_LEN], buf[64];
	const char *gw_ip, *gw_ip6, *pname;
	uint32_t gw;
	int ret, quiet;

	rte_spinlock_init(&s->ctl_lock);
	s->ipv4 = cfg->rx_ipv4;
	s->ipv6 = cfg->rx_ipv6;
	s->addr_be = htonl(cfg->rx_daddr);
	/* ARP is answered for this port's own sources (the scan takes replies to all). */
	s->addrs = cfg->own_daddrs;
	s->addr_count = cfg->own_daddr_count > 1 ? cfg->own_daddr_count : 0;
	memcpy(s->addr6, cfg->rx_daddr6, 16);
	/* Several ports: each one's next hop, from its PORT=ADDR item. */
	pname = dpdk_port_list(cfg->options[DPDK_PORT], names, DPDK_PORTS_MAX, NULL, 0) >
				(int)cfg->port
			? names[cfg->port]
			: "0";
	gw_ip = dpdk_value_for(cfg->options[DPDK_GATEWAY_IP], pname, buf, sizeof(buf));
	if (gw_ip && !target_parse_ipv4(gw_ip, &gw))
		s->gateway_be = htonl(gw);
	gw_ip6 = dpdk_value_for(cfg->options[DPDK_GATEWAY_IPV6], pname, buf, sizeof(buf));
	if (gw_ip6 && !target6_parse_addr(gw_ip6, &gw6)) {
		target6_to_bytes(gw6, s->gateway6);
		s->gateway6_given = 1;
	}
	s->txq_count = dpdk_count_option(cfg, DPDK_NUM_TXQ, cfg->tx_queues);
	s->rxq_count = dpdk_count_option(cfg, DPDK_NUM_RXQ, cfg->rx_queues);
	s->rxq_given = cfg->options[DPDK_NUM_RXQ] != NULL;
	if (s->txq_count < cfg->tx_queues) {
		snprintf(err, IO_ERRLEN, "dpdk: -T %u needs as many TX queues (--dpdk-num-txq %u)",
			 cfg->tx_queues, s->txq_count);
		return -EINVAL;
	}
	s->tx = alloc_array_aligned(s->txq_count, sizeof(*s->tx));
	s->rx = alloc_array_aligned(s->rxq_count, sizeof(*s->rx));
	if (!s->tx || !s->rx) {
		snprintf(err, IO_ERRLEN, "dpdk: out of memory");
		return -ENOMEM;
	}
	if ((ret = dpdk_eal_once(cfg, err)))
		return ret;
	s->counted = 1;
	dpdk_instances++;
	quiet = dpdk_quiet_begin();
	if (!(ret = dpdk_find_port(s, cfg, err)) && !(ret = dpdk_port_setup(s, err)) &&
	    (ret = rte_eth_dev_start(s->port)))
		snprintf(err, IO_ERRLEN, "dpdk: port %u would not start: %s", s->port,
			 rte_strerror(-ret));
	dpdk_quiet_end(quiet);
	if (ret)
		return ret;
	s->port_up = 1;
	rte_eth_macaddr_get(s->port, &mac);
	memcpy(e->mac, cfg->source_mac ? cfg->source_mac : mac.addr_bytes, 6);
	e->rx_queues = s->rxq_count;
	if (s->ipv6)
		dpdk_ndp_multicast(s);
	if ((ret = dpdk_resolve_gateways(e, cfg, err)))
		return ret;
	rte_eth_dev_get_name_by_port(s->port, name);
	snprintf(e->mode, IO_MODE_LEN, "port %u %s, DPDK %s, %u tx + %u rx queues%s", s->port, name,
		 rte_version() + strlen("DPDK "), s->txq_count, s->rxq_count,
		 s->rxq_count > 1 ? ", RSS" : "");
	return 0;
}

/* Hand the pending mbufs to the driver; what it refuses stays pending.  How many are left. */
static unsigned dpdk_tx_push(struct dpdk_state *s, unsigned qi)
{
	struct dpdk_txq *q = &s->tx[qi];
	uint16_t sent;

	if (!q->pending_count)
		return 0;
	if (s->ctl_shared && qi == s->ctl_queue) {
		rte_spinlock_lock(&s->ctl_lock);
		sent = rte_eth_tx_burst(s->port, (uint16_t)qi, q->mbufs,
					(uint16_t)q->pending_count);
		rte_spinlock_unlock(&s->ctl_lock);
	} else {
		sent = rte_eth_tx_burst(s->port, (uint16_t)qi, q->mbufs,
					(uint16_t)q->pending_count);
	}
	if (sent) {
		q->pending_count -= sent;
		if (q->pending_count)
			memmove(q->mbufs, q->mbufs + sent, q->pending_count * sizeof(q->mbufs[0]));
		__atomic_store_n(&q->accepted, q->accepted + sent, __ATOMIC_RELAXED);
	}
	return q->pending_count;
}

/* Up to n mbufs from the pool's cache in one bulk get, made ready without rte_pktmbuf_reset's
 * stores into two cache lines of each (dpdk_rearm_init). */
static unsigned dpdk_tx_reserve(struct io_engine *e, unsigned qi, struct io_frame *frames,
				unsigned n)
{
	struct dpdk_state *s = dpdk_state(e);
	struct dpdk_txq *q = &s->tx[qi];

	dpdk_thread_enter();
	/* Room only once what was refused before has gone: the driver's queue is full. */
	if (dpdk_tx_push(s, qi))
		return 0;
	if (n > DPDK_TX_BATCH)
		n = DPDK_TX_BATCH;
	if (rte_mempool_get_bulk(s->pool, (void **)q->mbufs, n))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = q->mbufs[i];

		memcpy(&m->data_off, &s->mbuf_rearm, sizeof(s->mbuf_rearm));
		m->ol_flags = 0;
		frames[i].data = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM;
		frames[i].cap = s->frame_cap;
		frames[i].len = 0;
	}
	q->reserved_count = n;
	return n;
}

static int dpdk_tx_submit(struct io_engine *e, unsigned qi, const struct io_frame *frames,
			  unsigned n)
{
	struct dpdk_state *s = dpdk_state(e);
	struct dpdk_txq *q = &s->tx[qi];

	for (unsigned i = 0; i < n; i++) {
		q->mbufs[i]->data_len = (uint16_t)frames[i].len;
		q->mbufs[i]->pkt_len = frames[i].len;
	}
	/* Slots reserved but not filled go back to the pool. */
	if (q->reserved_count > n)
		rte_mempool_put_bulk(s->pool, (void **)q->mbufs + n, q->reserved_count - n);
	q->reserved_count = 0;
	q->pending_count = n;
	if (dpdk_tx_push(s, qi)) {
		__atomic_store_n(&q->busy, q->busy + 1, __ATOMIC_RELAXED);
		return -EAGAIN;
	}
	return 0;
}

static unsigned dpdk_tx_flush(struct io_engine *e, unsigned qi)
{
	return dpdk_tx_push(dpdk_state(e), qi);
}

/* Poll the RX queue until a frame or two has come, or timeout_ms is over, sleeping while it
 * is empty (io_idle_sleep). */
static int dpdk_rx_poll(struct io_engine *e, unsigned q, int timeout_ms, io_rx_fn fn, void *ctx)
{
	uint64_t until = clock_mono_ns() + (uint64_t)timeout_ms * 1000000ULL;
	unsigned idle_us = DPDK_RX_IDLE_MIN_US;
	int n;

	dpdk_thread_enter();
	while ((n = dpdk_rx_burst(e, q, fn, ctx)) == 0 && clock_mono_ns() < until)
		idle_us = io_idle_sleep(idle_us, DPDK_RX_IDLE_MAX_US);
	return n;
}

static void dpdk_stats(struct io_engine *e, struct io_stats *st)
{
	struct dpdk_state *s = dpdk_state(e);
	struct rte_eth_stats ps;

	for (unsigned i = 0; s->tx && i < s->txq_count; i++) {
		st->tx_submitted += __atomic_load_n(&s->tx[i].accepted, __ATOMIC_RELAXED);
		st->tx_busy += __atomic_load_n(&s->tx[i].busy, __ATOMIC_RELAXED);
	}
	for (unsigned i = 0; s->rx && i < s->rxq_count; i++)
		st->rx_frames += __atomic_load_n(&s->rx[i].frames, __ATOMIC_RELAXED);
	/* A probe counts as sent once the driver took it; the port's own counters say the rest. */
	st->tx_completed = st->tx_submitted;
	if (s->port_up && rte_eth_stats_get(s->port, &ps) == 0) {
		st->tx_errors = ps.oerrors;
		st->rx_drops = ps.imissed + ps.rx_nombuf;
	}
}

static int dpdk_link_up(struct io_engine *e)
{
	struct dpdk_state *s = dpdk_state(e);
	struct rte_eth_link link;

	if (!s->port_up || rte_eth_link_get_nowait(s->port, &link))
		return -1;
	return link.link_status == RTE_ETH_LINK_UP;
}

static void dpdk_close(struct io_engine *e)
{
	struct dpdk_state *s = dpdk_state(e);
	int quiet = dpdk_quiet_begin();

	for (unsigned i = 0; s->tx && i < s->txq_count; i++)
		if (s->tx[i].pending_count + s->tx[i].reserved_count)
			rte_pktmbuf_free_bulk(s->tx[i].mbufs,
					      s->tx[i].pending_count + s->tx[i].reserved_count);
	if (s->port_up) {
		/* A virtual device's kernel interface would keep the flag past salvo. */
		if (s->allmulti)
			(void)rte_eth_allmulticast_disable(s->port);
		(void)rte_eth_dev_stop(s->port);
		(void)rte_eth_dev_close(s->port);
	}
	if (s->pool)
		rte_mempool_free(s->pool);
	/* EAL is the process's: it stops with the last port's instance. */
	if (s->counted && --dpdk_instances == 0)
		dpdk_eal_cleanup();
	free(s->tx);
	free(s->rx);
	s->tx = NULL;
	s->rx = NULL;
	dpdk_quiet_end(quiet);
}

const struct io_engine_ops io_dpdk_ops = {
	.name = "dpdk",
	.help = "DPDK poll-mode drivers: kernel bypass on any NIC DPDK drives",
	.caps = IO_CAP_TX | IO_CAP_RX | IO_CAP_MULTI_QUEUE | IO_CAP_ZERO_COPY | IO_CAP_OWN_NETWORK |
		IO_CAP_IPV6,
	/* EAL's own threads keep what salvo started with (capabilities are per thread): salvo's
	 * threads keep it too rather than pretend. */
	.keep_privileges = PRIV_ALL,
	.built_with = "DPDK " SALVO_DPDK_VERSION,
	.priv_size = sizeof(struct dpdk_state),
	.options = dpdk_options,
	.check = dpdk_check,
	.ports = dpdk_ports,
	.queues_max = dpdk_queues_max,
	.init = dpdk_init,
	.tx_reserve = dpdk_tx_reserve,
	.tx_submit = dpdk_tx_submit,
	.tx_flush = dpdk_tx_flush,
	.rx_poll = dpdk_rx_poll,
	.link_up = dpdk_link_up,
	.stats = dpdk_stats,
	.close = dpdk_close,
};

#endif /* SALVO_HAVE_DPDK */
