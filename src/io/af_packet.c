/*
 * The af_packet io engine: Linux packet sockets with memory-mapped rings.
 *
 * TX: one socket per transmit queue with PACKET_QDISC_BYPASS, in one of two
 * modes (--af-packet-tx):
 *   ring      a PACKET_TX_RING (TPACKET_V2).  Senders write probes straight
 *             into ring slots, mark a batch SEND_REQUEST and kick the kernel
 *             once per batch with a zero-length send().  The kernel hands a
 *             slot back (AVAILABLE) when the frame is gone; only then does it
 *             count as sent.  On a NIC the kernel sends from the ring's pages.
 *   sendmmsg  senders write into a plain buffer and each batch goes in one
 *             sendmmsg(); what the kernel took counts as sent, what it had
 *             no room for is sent again first.  On a virtual device (veth)
 *             the ring's pages must be copied anyway, and this path measured
 *             1.13x the bare ring's rate, so "auto" picks it there.
 *
 * RX: one socket per receive queue with a PACKET_RX_RING (TPACKET_V3,
 * blocks of frames), a classic BPF filter that keeps only IPv4 frames
 * addressed to us, and, with several receive queues, a PACKET_FANOUT group
 * whose id is derived from our pid and the interface so two salvo processes, or
 * one process's instances on two NICs, never share one.
 *
 * No code but io.c's table should name this file's symbols.
 */
#include "io/io.h"
#include "io/io_internal.h"
#include "util/alloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define AFP_TX_FRAMES		4096 /* slots per TX ring; a power of two */
#define AFP_TX_DATA_OFFSET	TPACKET_ALIGN(sizeof(struct tpacket2_hdr))
#define AFP_RX_BLOCK_SIZE	(1u << 18)
#define AFP_RX_BLOCKS		16
#define AFP_RX_FRAME_SIZE	2048
#define AFP_RX_BLOCK_TIMEOUT_MS 10
#define AFP_SNDBUF		(4 << 20)
#define AFP_MMSG_FRAMES		1024 /* a sender's largest batch (SCAN_TX_BATCH) */

/* --af-packet-tx, declared by this engine. */
enum { AFP_OPT_TX };
enum afp_tx_mode { AFP_TX_AUTO, AFP_TX_RING, AFP_TX_MMSG };
static const char *const afp_tx_modes[] = { "auto", "ring", "sendmmsg", NULL };

static const struct io_option afp_options[] = {
	[AFP_OPT_TX] = { "af-packet-tx", "auto|ring|sendmmsg",
			 "af_packet: send through a TPACKET_V2 ring or with sendmmsg(); auto "
			 "(default): sendmmsg on virtual devices (veth), the ring on NICs" },
	{ NULL, NULL, NULL },
};

struct afp_txq {
	int fd;
	uint8_t *ring; /* ring mode: the mapped TX ring */
	size_t ring_len;
	unsigned frame_size;
	uint64_t head; /* next slot to fill */
	uint64_t tail; /* oldest slot submitted and not yet seen completed */
	/* sendmmsg mode: AFP_MMSG_FRAMES slots, one message each; [first, first + pending)
	 * were submitted and not yet taken by the kernel. */
	uint8_t *buf;
	struct mmsghdr *msgs;
	struct iovec *iov;
	unsigned first, pending;
	unsigned skip;		      /* -X: bytes of Ethernet header left out of each message */
	unsigned retries, tries;      /* --retries, and how often the first pending one was tried */
	struct sockaddr_ll dst, dst6; /* -X: what a SOCK_DGRAM message goes to (the protocol) */
	uint64_t completed, errors, busy, retried;
} __attribute__((aligned(64)));

struct afp_rxq {
	int fd;
	uint8_t *ring;
	size_t ring_len;
	unsigned block;
	uint64_t frames, drops;
} __attribute__((aligned(64)));

struct afp_state {
	enum afp_tx_mode tx_mode; /* ring or sendmmsg, once init has chosen */
	struct afp_txq *tx;
	unsigned tx_count;
	struct afp_rxq *rx;
	unsigned rx_count;
};

static inline struct afp_state *afp_state(struct io_engine *e)
{
	return e->priv;
}

static inline struct tpacket2_hdr *afp_tx_slot(struct afp_txq *q, uint64_t i)
{
	return (struct tpacket2_hdr *)(q->ring + (i & (AFP_TX_FRAMES - 1)) * q->frame_size);
}

static int afp_fail(char err[IO_ERRLEN], const char *what, const char *ifname)
{
	int e = errno;

	snprintf(err, IO_ERRLEN, "af_packet: %s on %s: %s%s", what, ifname, strerror(e),
		 e == EPERM ? " (needs root or CAP_NET_RAW)" : "");
	return -e;
}

/* Ring mode: a TPACKET_V2 TX ring of AFP_TX_FRAMES slots, mapped. */
static int afp_tx_ring_open(struct afp_txq *q, const struct io_config *cfg, char err[IO_ERRLEN])
{
	int version = TPACKET_V2;
	struct tpacket_req req = { 0 };
	unsigned frame_size = 128;

	while (frame_size < AFP_TX_DATA_OFFSET + cfg->frame_len_max)
		frame_size *= 2;
	q->frame_size = frame_size;
	if (setsockopt(q->fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)))
		return afp_fail(err, "PACKET_VERSION TPACKET_V2", cfg->ifname);
	req.tp_frame_size = frame_size;
	req.tp_frame_nr = AFP_TX_FRAMES;
	req.tp_block_size = frame_size * 32 > 4096 ? frame_size * 32 : 4096;
	req.tp_block_nr = AFP_TX_FRAMES * frame_size / req.tp_block_size;
	if (setsockopt(q->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)))
		return afp_fail(err, "PACKET_TX_RING", cfg->ifname);
	q->ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
	q->ring = mmap(NULL, q->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, q->fd, 0);
	if (q->ring == MAP_FAILED) {
		q->ring = NULL;
		return afp_fail(err, "mmap TX ring", cfg->ifname);
	}
	return 0;
}

/* sendmmsg mode: the slots and one message per slot, each pointing at its slot for good. */
static int afp_tx_mmsg_open(struct afp_txq *q, const struct io_config *cfg, char err[IO_ERRLEN])
{
	q->frame_size = (cfg->frame_len_max + 63) & ~63u;
	q->retries = cfg->retries;
	q->buf = alloc_array_aligned(AFP_MMSG_FRAMES, q->frame_size);
	q->msgs = calloc(AFP_MMSG_FRAMES, sizeof(*q->msgs));
	q->iov = calloc(AFP_MMSG_FRAMES, sizeof(*q->iov));
	if (!q->buf || !q->msgs || !q->iov) {
		snprintf(err, IO_ERRLEN, "af_packet: out of memory");
		return -ENOMEM;
	}
	/* -X: the probe writes its Ethernet header as ever; only the IP packet after it goes,
	 * on a SOCK_DGRAM socket that is told the protocol (the kernel adds no header on tun). */
	if (cfg->iplayer) {
		q->skip = ETH_HLEN;
		q->dst = (struct sockaddr_ll){ .sll_family = AF_PACKET,
					       .sll_protocol = htons(ETH_P_IP),
					       .sll_ifindex = cfg->ifindex };
		q->dst6 = q->dst;
		q->dst6.sll_protocol = htons(ETH_P_IPV6);
	}
	for (unsigned i = 0; i < AFP_MMSG_FRAMES; i++) {
		q->iov[i].iov_base = q->buf + (size_t)i * q->frame_size + q->skip;
		q->msgs[i].msg_hdr.msg_iov = &q->iov[i];
		q->msgs[i].msg_hdr.msg_iovlen = 1;
		if (cfg->iplayer) {
			q->msgs[i].msg_hdr.msg_name = &q->dst;
			q->msgs[i].msg_hdr.msg_namelen = sizeof(q->dst);
		}
	}
	return 0;
}

static int afp_tx_open(struct afp_txq *q, const struct io_config *cfg, enum afp_tx_mode mode,
		       char err[IO_ERRLEN])
{
	int one = 1, sndbuf = AFP_SNDBUF, ret;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = cfg->ifindex };

	/* Protocol 0: this socket only sends, so it must not receive a copy of every frame. */
	q->fd = socket(AF_PACKET, cfg->iplayer ? SOCK_DGRAM : SOCK_RAW, 0);
	if (q->fd < 0)
		return afp_fail(err, "socket(AF_PACKET)", cfg->ifname);
	if (setsockopt(q->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		return afp_fail(err, "PACKET_QDISC_BYPASS", cfg->ifname);
	/* A larger send buffer only lets more frames be in flight; failure is harmless. */
	(void)setsockopt(q->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	ret = mode == AFP_TX_MMSG ? afp_tx_mmsg_open(q, cfg, err) : afp_tx_ring_open(q, cfg, err);
	if (ret)
		return ret;
	if (bind(q->fd, (struct sockaddr *)&sll, sizeof(sll)))
		return afp_fail(err, "bind", cfg->ifname);
	return 0;
}

/*
 * IPv6 too: IPv4 packets to first..last (our sources: see afp_rx_filter) and IPv6 packets to
 * daddr6.  What tells the family is the EtherType at 12, or with -X (a SOCK_DGRAM socket sees
 * packets from their IP header on) the version nibble at 0; the addresses lie as far in as
 * the packet starts (base).
 */
static int afp_rx_filter6(int fd, uint32_t first, uint32_t last, const uint8_t daddr6[16],
			  int iplayer)
{
	uint32_t base = iplayer ? 0 : ETH_HLEN, v4 = iplayer ? 0x40 : ETH_P_IP,
		 v6 = iplayer ? 0x60 : ETH_P_IPV6;
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | (iplayer ? BPF_B : BPF_H) | BPF_ABS, iplayer ? 0 : 12),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, iplayer ? 0xf0 : 0xffff),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, v4, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, base + 16),
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, first),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, last - first, 10, 9), /* to drop, to accept */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, v6, 0, 9),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, base + 24),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 7), /* k: the address's words, below */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, base + 28),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, base + 32),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, base + 36),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	for (int i = 0; i < 4; i++) {
		uint32_t w;

		memcpy(&w, daddr6 + 4 * i, 4);
		code[8 + 2 * i].k = ntohl(w);
	}
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

/*
 * Keep only IPv4 frames whose destination is one of our sources, first..last (one address,
 * or the span of -S's list: the destination less first, unsigned, at most last - first);
 * everything else would only cost the receive thread time.  The receive path still checks
 * every byte itself, and that a reply came to the very source its target was probed from:
 * the filter is an optimisation, not a guarantee.
 */
static int afp_rx_filter(int fd, uint32_t first, uint32_t last, int iplayer)
{
	/* -X: a SOCK_DGRAM socket bound to ETH_P_IP sees IPv4 packets from their first byte. */
	struct sock_filter code_ip[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16),
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, first),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, last - first, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 30),
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, first),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, last - first, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (iplayer)
		prog = (struct sock_fprog){ .len = sizeof(code_ip) / sizeof(code_ip[0]),
					    .filter = code_ip };
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static int afp_rx_open(struct afp_rxq *q, const struct io_config *cfg, unsigned fanout,
		       char err[IO_ERRLEN])
{
	int version = TPACKET_V3;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_IP),
				   .sll_ifindex = cfg->ifindex };
	struct tpacket_req3 req = { 0 };
	uint32_t first, last;

	/* Protocol 0 until bind: no frame arrives before the filter is on, and a socket that is
	 * not yet receiving needs no RCU grace period (10-20 ms each) when bind hooks it in. */
	q->fd = socket(AF_PACKET, cfg->iplayer ? SOCK_DGRAM : SOCK_RAW, 0);
	if (q->fd < 0)
		return afp_fail(err, "socket(AF_PACKET)", cfg->ifname);
	io_daddr_span(cfg, &first, &last);
	if (cfg->rx_ipv6) {
		int one = 1;

		/* Both families on one socket: every protocol, but not what we send ourselves. */
		sll.sll_protocol = htons(ETH_P_ALL);
		if (afp_rx_filter6(q->fd, first, last, cfg->rx_daddr6, cfg->iplayer))
			return afp_fail(err, "SO_ATTACH_FILTER", cfg->ifname);
		if (setsockopt(q->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)))
			return afp_fail(err, "PACKET_IGNORE_OUTGOING", cfg->ifname);
	} else if (cfg->rx_daddr && afp_rx_filter(q->fd, first, last, cfg->iplayer)) {
		return afp_fail(err, "SO_ATTACH_FILTER", cfg->ifname);
	}
	if (setsockopt(q->fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)))
		return afp_fail(err, "PACKET_VERSION TPACKET_V3", cfg->ifname);
	req.tp_block_size = AFP_RX_BLOCK_SIZE;
	req.tp_block_nr = AFP_RX_BLOCKS;
	req.tp_frame_size = AFP_RX_FRAME_SIZE;
	req.tp_frame_nr = AFP_RX_BLOCK_SIZE / AFP_RX_FRAME_SIZE * AFP_RX_BLOCKS;
	req.tp_retire_blk_tov = AFP_RX_BLOCK_TIMEOUT_MS;
	if (setsockopt(q->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		return afp_fail(err, "PACKET_RX_RING", cfg->ifname);
	q->ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
	q->ring =
		mmap(NULL, q->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, q->fd, 0);
	if (q->ring == MAP_FAILED)
		q->ring = mmap(NULL, q->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, q->fd, 0);
	if (q->ring == MAP_FAILED) {
		q->ring = NULL;
		return afp_fail(err, "mmap RX ring", cfg->ifname);
	}
	if (bind(q->fd, (struct sockaddr *)&sll, sizeof(sll)))
		return afp_fail(err, "bind", cfg->ifname);
	if (fanout) {
		int arg = (int)((fanout & 0xffff) | (PACKET_FANOUT_HASH << 16));

		if (setsockopt(q->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)))
			return afp_fail(err, "PACKET_FANOUT", cfg->ifname);
	}
	return 0;
}

/* One socket to open or close, on its own thread. */
struct afp_job {
	pthread_t thread;
	struct afp_txq *tx;	     /* either a send queue ... */
	struct afp_rxq *rx;	     /* ... or a receive queue */
	const struct io_config *cfg; /* NULL: close the socket */
	enum afp_tx_mode tx_mode;
	unsigned fanout;
	int ret, started;
	char err[IO_ERRLEN];
};

/* A queue's ring and socket (send and receive queues alike). */
static void afp_ring_close(int *fd, uint8_t **ring, size_t ring_len)
{
	if (*ring)
		munmap(*ring, ring_len);
	if (*fd >= 0)
		close(*fd);
	*ring = NULL;
	*fd = -1;
}

static void *afp_job_main(void *arg)
{
	struct afp_job *j = arg;

	if (!j->cfg) {
		if (j->tx)
			afp_ring_close(&j->tx->fd, &j->tx->ring, j->tx->ring_len);
		else
			afp_ring_close(&j->rx->fd, &j->rx->ring, j->rx->ring_len);
		return NULL;
	}
	j->ret = j->tx ? afp_tx_open(j->tx, j->cfg, j->tx_mode, j->err)
		       : afp_rx_open(j->rx, j->cfg, j->fanout, j->err);
	return NULL;
}

/*
 * Every ring set-up and every ring socket's close waits for an RCU grace period in the
 * kernel (10-40 ms each): one after another, the sockets of a scan took most of salvo's
 * start-up, and most of the time from SIGINT to exit.  On one thread each, the waits
 * overlap.  Opening (cfg set): the first failure in queue order is the one reported.
 */
static int afp_run_jobs(struct afp_state *s, const struct io_config *cfg, unsigned fanout,
			char err[IO_ERRLEN])
{
	unsigned n = s->tx_count + s->rx_count, i;
	struct afp_job *jobs = calloc(n, sizeof(*jobs));
	struct afp_job one;
	int ret = 0;

	for (i = 0; i < n; i++) {
		/* Out of memory: one job at a time, here. */
		struct afp_job *j = jobs ? &jobs[i] : memset(&one, 0, sizeof(one));

		j->cfg = cfg;
		j->tx_mode = s->tx_mode;
		j->fanout = fanout;
		if (i < s->tx_count)
			j->tx = &s->tx[i];
		else
			j->rx = &s->rx[i - s->tx_count];
		/* No thread to be had: do it here, in turn. */
		j->started = jobs && pthread_create(&j->thread, NULL, afp_job_main, j) == 0;
		if (!j->started)
			afp_job_main(j);
		if (!jobs && j->ret && !ret) {
			ret = j->ret;
			memcpy(err, j->err, IO_ERRLEN);
		}
	}
	for (i = 0; jobs && i < n; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].thread, NULL);
		if (jobs[i].ret && !ret) {
			ret = jobs[i].ret;
			memcpy(err, jobs[i].err, IO_ERRLEN);
		}
	}
	free(jobs);
	return ret;
}

static int afp_check(const char *const *values, char *err, size_t errlen)
{
	const char *v = values[AFP_OPT_TX];

	for (size_t i = 0; v && afp_tx_modes[i]; i++)
		if (strcmp(v, afp_tx_modes[i]) == 0)
			return 0;
	if (!v) /* not given: auto */
		return 0;
	snprintf(err, errlen, "--af-packet-tx: '%s': expected auto, ring or sendmmsg", v);
	return -EINVAL;
}

/*
 * Is ifname a virtual device (veth, bridge, tun: no bus behind it)?  Its driver's name goes
 * into driver.  When the kernel will not say, it counts as a NIC: the ring, as before.
 */
static int afp_is_virtual(const char *ifname, char *driver, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), virtual = 0;

	snprintf(driver, len, "driver unknown");
	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
		snprintf(driver, len, "%.32s", info.driver);
		virtual = info.bus_info[0] == 0;
	}
	close(fd);
	return virtual;
}

/* --af-packet-tx, or for auto what the device is; why, in words, for the banner. */
static enum afp_tx_mode afp_choose_tx(const struct io_config *cfg, char *why, size_t len)
{
	const char *v = cfg->options ? cfg->options[AFP_OPT_TX] : NULL;
	char driver[48];
	int virtual;

	if (cfg->iplayer)
		return snprintf(why, len, "-X: IP packets"), AFP_TX_MMSG;
	if (v && strcmp(v, "ring") == 0)
		return snprintf(why, len, "as asked"), AFP_TX_RING;
	if (v && strcmp(v, "sendmmsg") == 0)
		return snprintf(why, len, "as asked"), AFP_TX_MMSG;
	virtual = afp_is_virtual(cfg->ifname, driver, sizeof(driver));
	snprintf(why, len, "auto: %s, %s", driver, virtual ? "a virtual device" : "a NIC");
	return virtual ? AFP_TX_MMSG : AFP_TX_RING;
}

static int afp_init(struct io_engine *e, const struct io_config *cfg, char err[IO_ERRLEN])
{
	struct afp_state *s = afp_state(e);
	unsigned fanout = 0;
	char why[80];
	int ret;

	s->tx = alloc_array_aligned(cfg->tx_queues, sizeof(*s->tx));
	s->rx = alloc_array_aligned(cfg->rx_queues, sizeof(*s->rx));
	if (!s->tx || !s->rx) {
		snprintf(err, IO_ERRLEN, "af_packet: out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < cfg->tx_queues; i++)
		s->tx[i].fd = -1;
	for (unsigned i = 0; i < cfg->rx_queues; i++)
		s->rx[i].fd = -1;
	s->tx_count = cfg->tx_queues;
	s->rx_count = cfg->rx_queues;
	s->tx_mode = afp_choose_tx(cfg, why, sizeof(why));

	/*
	 * The fanout group id is per process and interface: a constant id would merge the
	 * receive sockets of two salvo processes on one interface, and the kernel refuses a
	 * group's sockets on two interfaces (one process's instances on several NICs).
	 */
	if (cfg->rx_queues > 1)
		fanout = ((unsigned)getpid() + (unsigned)cfg->ifindex * 40503u) & 0xffff;
	if (cfg->rx_queues > 1 && !fanout)
		fanout = 1;
	if ((ret = afp_run_jobs(s, cfg, fanout, err)))
		return ret;
	snprintf(e->mode, IO_MODE_LEN, "%s tx qdisc-bypass (%s), TPACKET_V3 rx%s",
		 s->tx_mode == AFP_TX_MMSG ? "sendmmsg" : "TPACKET_V2", why,
		 fanout ? " fanout" : "");
	return 0;
}

/* Count the slots the kernel has handed back since the last look. */
static void afp_tx_reap(struct afp_txq *q)
{
	uint64_t completed = 0, errors = 0;

	while (q->tail != q->head) {
		struct tpacket2_hdr *h = afp_tx_slot(q, q->tail);
		uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

		if (st == TP_STATUS_AVAILABLE) {
			completed++;
		} else if (st & TP_STATUS_WRONG_FORMAT) {
			errors++;
			__atomic_store_n(&h->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
		} else {
			break;
		}
		q->tail++;
	}
	/* Only this thread writes the counters; the monitor reads them concurrently. */
	if (completed)
		__atomic_store_n(&q->completed, q->completed + completed, __ATOMIC_RELAXED);
	if (errors)
		__atomic_store_n(&q->errors, q->errors + errors, __ATOMIC_RELAXED);
}

/*
 * sendmmsg mode: hand the kernel what is pending.  0 when it took all of it; -EAGAIN (counted
 * busy) when it had no room, the rest staying pending.  A frame it refuses outright is counted
 * as an error and dropped, so that one bad frame cannot stop the queue.
 */
static int afp_mmsg_push(struct afp_txq *q)
{
	while (q->pending) {
		int k = sendmmsg(q->fd, q->msgs + q->first, q->pending, MSG_DONTWAIT);

		if (k > 0) {
			__atomic_store_n(&q->completed, q->completed + (unsigned)k,
					 __ATOMIC_RELAXED);
			q->first += (unsigned)k;
			q->pending -= (unsigned)k;
			q->tries = 0;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EBUSY || errno == ENOBUFS ||
			   errno == ENETDOWN) {
			__atomic_store_n(&q->busy, q->busy + 1, __ATOMIC_RELAXED);
			return -EAGAIN;
		} else if (q->tries < q->retries) {
			/* ZMap's --retries: the kernel refused this one; try it again. */
			q->tries++;
			__atomic_store_n(&q->retried, q->retried + 1, __ATOMIC_RELAXED);
		} else {
			__atomic_store_n(&q->errors, q->errors + 1, __ATOMIC_RELAXED);
			q->first++;
			q->pending--;
			q->tries = 0;
		}
	}
	return 0;
}

static unsigned afp_mmsg_reserve(struct afp_txq *q, struct io_frame *frames, unsigned n)
{
	/* The slots are free again only once what is pending has gone. */
	if (q->pending && afp_mmsg_push(q))
		return 0;
	if (n > AFP_MMSG_FRAMES)
		n = AFP_MMSG_FRAMES;
	for (unsigned i = 0; i < n; i++) {
		frames[i].data = q->buf + (size_t)i * q->frame_size;
		frames[i].cap = q->frame_size;
		frames[i].len = 0;
	}
	return n;
}

static int afp_mmsg_submit(struct afp_txq *q, const struct io_frame *frames, unsigned n)
{
	if (n) {
		for (unsigned i = 0; i < n; i++) {
			q->iov[i].iov_len = frames[i].len - q->skip;
			/* -X: the protocol is the one the probe's Ethernet header names. */
			if (q->skip)
				q->msgs[i].msg_hdr.msg_name =
					frames[i].data[12] == 0x86 ? &q->dst6 : &q->dst;
		}
		q->first = 0;
		q->pending = n;
	}
	return afp_mmsg_push(q);
}

static unsigned afp_tx_reserve(struct io_engine *e, unsigned qi, struct io_frame *frames,
			       unsigned n)
{
	struct afp_state *s = afp_state(e);
	struct afp_txq *q = &s->tx[qi];
	uint64_t space;
	unsigned k;

	if (s->tx_mode == AFP_TX_MMSG)
		return afp_mmsg_reserve(q, frames, n);
	afp_tx_reap(q);
	space = AFP_TX_FRAMES - (q->head - q->tail);
	k = n < space ? n : (unsigned)space;
	for (unsigned i = 0; i < k; i++) {
		frames[i].data = (uint8_t *)afp_tx_slot(q, q->head + i) + AFP_TX_DATA_OFFSET;
		frames[i].cap = q->frame_size - AFP_TX_DATA_OFFSET;
		frames[i].len = 0;
	}
	return k;
}

static int afp_tx_submit(struct io_engine *e, unsigned qi, const struct io_frame *frames,
			 unsigned n)
{
	struct afp_state *s = afp_state(e);
	struct afp_txq *q = &s->tx[qi];

	if (s->tx_mode == AFP_TX_MMSG)
		return afp_mmsg_submit(q, frames, n);
	for (unsigned i = 0; i < n; i++) {
		struct tpacket2_hdr *h = afp_tx_slot(q, q->head + i);

		h->tp_len = frames[i].len;
		/* Release: the frame bytes and length must be visible before the kernel sees the
		 * status. */
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
	}
	q->head += n;
	return io_kick(q->fd, &q->busy);
}

static unsigned afp_tx_flush(struct io_engine *e, unsigned qi)
{
	struct afp_state *s = afp_state(e);
	struct afp_txq *q = &s->tx[qi];

	if (s->tx_mode == AFP_TX_MMSG) {
		(void)afp_mmsg_push(q);
		return q->pending;
	}
	if (q->head != q->tail)
		(void)io_kick(q->fd, &q->busy);
	afp_tx_reap(q);
	return (unsigned)(q->head - q->tail);
}

static int afp_rx_poll(struct io_engine *e, unsigned qi, int timeout_ms, io_rx_fn fn, void *ctx)
{
	struct afp_rxq *q = &afp_state(e)->rx[qi];
	int handled = 0;

	for (;;) {
		struct tpacket_block_desc *bd =
			(void *)(q->ring + (size_t)q->block * AFP_RX_BLOCK_SIZE);
		uint32_t status = __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
		uint32_t offset, count;

		if (!(status & TP_STATUS_USER)) {
			struct pollfd pfd = { .fd = q->fd, .events = POLLIN | POLLERR };

			if (handled || timeout_ms == 0)
				break;
			if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR)
				return -errno;
			timeout_ms = 0;
			continue;
		}
		count = bd->hdr.bh1.num_pkts;
		offset = bd->hdr.bh1.offset_to_first_pkt;
		for (uint32_t i = 0; i < count && offset < AFP_RX_BLOCK_SIZE; i++) {
			struct tpacket3_hdr *h = (void *)((uint8_t *)bd + offset);
			const struct sockaddr_ll *sll =
				(const void *)((uint8_t *)h +
					       TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));

			/* The kernel wrote these offsets, but never read outside the block. */
			if (offset + h->tp_mac + (uint64_t)h->tp_snaplen <= AFP_RX_BLOCK_SIZE &&
			    sll->sll_pkttype != PACKET_OUTGOING) {
				fn(ctx, (uint8_t *)h + h->tp_mac, h->tp_snaplen);
				handled++;
			}
			if (h->tp_next_offset == 0)
				break;
			offset += h->tp_next_offset;
		}
		/* Release: we are done reading the block before the kernel may refill it. */
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		q->block = (q->block + 1) % AFP_RX_BLOCKS;
	}
	__atomic_store_n(&q->frames, q->frames + (uint64_t)handled, __ATOMIC_RELAXED);
	return handled;
}

static void afp_stats(struct io_engine *e, struct io_stats *st)
{
	struct afp_state *s = afp_state(e);

	for (unsigned i = 0; i < s->tx_count; i++) {
		struct afp_txq *q = &s->tx[i];

		st->tx_completed += __atomic_load_n(&q->completed, __ATOMIC_RELAXED);
		st->tx_errors += __atomic_load_n(&q->errors, __ATOMIC_RELAXED);
		st->tx_busy += __atomic_load_n(&q->busy, __ATOMIC_RELAXED);
		st->tx_retries += __atomic_load_n(&q->retried, __ATOMIC_RELAXED);
	}
	for (unsigned i = 0; i < s->rx_count; i++) {
		struct afp_rxq *q = &s->rx[i];
		struct tpacket_stats_v3 ks;
		socklen_t len = sizeof(ks);

		/* The kernel resets these counters on every read: accumulate. */
		if (q->fd >= 0 && getsockopt(q->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len) == 0)
			__atomic_fetch_add(&q->drops, ks.tp_drops, __ATOMIC_RELAXED);
		st->rx_frames += __atomic_load_n(&q->frames, __ATOMIC_RELAXED);
		st->rx_drops += __atomic_load_n(&q->drops, __ATOMIC_RELAXED);
	}
}

static void afp_close(struct io_engine *e)
{
	struct afp_state *s = afp_state(e);

	if (s->tx && s->rx)
		(void)afp_run_jobs(s, NULL, 0, NULL);
	for (unsigned i = 0; s->tx && i < s->tx_count; i++) {
		free(s->tx[i].buf);
		free(s->tx[i].msgs);
		free(s->tx[i].iov);
	}
	free(s->tx);
	free(s->rx);
	s->tx = NULL;
	s->rx = NULL;
}

const struct io_engine_ops io_af_packet_ops = {
	.name = "af_packet",
	.help = "Linux packet sockets (TPACKET_V2 ring or sendmmsg tx, TPACKET_V3 rx ring)",
	.caps = IO_CAP_TX | IO_CAP_RX | IO_CAP_MULTI_QUEUE | IO_CAP_IPLAYER | IO_CAP_IPV6,
	.priv_size = sizeof(struct afp_state),
	.options = afp_options,
	.check = afp_check,
	.init = afp_init,
	.tx_reserve = afp_tx_reserve,
	.tx_submit = afp_tx_submit,
	.tx_flush = afp_tx_flush,
	.rx_poll = afp_rx_poll,
	.stats = afp_stats,
	.close = afp_close,
};
