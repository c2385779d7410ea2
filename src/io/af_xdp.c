/*
 * The af_xdp io engine: AF_XDP sockets (libxdp's xsk API) with salvo's own
 * XDP steering program (src/bpf/xdp_steer.bpf.c, embedded in the binary).
 *
 * One socket per queue pair: queue i's socket is bound to the interface's
 * queue i; its sender thread owns the TX and completion rings, its receive
 * thread the RX and fill rings.  Each socket has its own UMEM: the first
 * half of the frames is a free-list for transmission (a frame goes back
 * to the list when its completion returns, and only then counts as sent),
 * the second half keeps the fill ring full for reception.
 *
 * The bind ladder: native (driver) mode with zero-copy, then native copy
 * mode, then SKB (generic) copy mode; --xdp-mode forces one.  The mode
 * reached and why better ones failed is reported in e->mode.  The program
 * is attached before the sockets are bound and detached in close, on every
 * exit path; a salvo program left by a crashed run is replaced, anyone
 * else's is left alone and reported.
 *
 * No code but io.c's table should name this file's symbols.
 */
#ifdef SALVO_HAVE_AF_XDP

#include "bpf/steer.h"
#include "io/io.h"
#include "io/io_internal.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#define AFXDP_FRAME_SIZE 2048
/* UMEM frames per queue for sending and as many for receiving; fewer (not below the
 * minimum) when RLIMIT_MEMLOCK would not hold them, see afxdp_umem_half. */
#define AFXDP_TX_FRAMES	     2048
#define AFXDP_MIN_FRAMES     64
#define AFXDP_RING	     2048
#define AFXDP_RX_BATCH	     64
#define AFXDP_RX_IDLE_MIN_US 32
#define AFXDP_RX_IDLE_MAX_US 1000 /* AFXDP_RING frames in 1 ms: 2 M replies a second */
#define AFXDP_PROG_NAME	     "salvo_steer"
#define AFXDP_BIND_RETRY_MS  3000

extern const unsigned char salvo_xdp_steer_obj[];
extern const unsigned long salvo_xdp_steer_obj_len;

struct afxdp_queue {
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	void *area;
	struct xsk_ring_prod tx, fill;
	struct xsk_ring_cons rx, comp;
	int fd;
	/* Sender side. */
	uint64_t free_tx[AFXDP_TX_FRAMES];
	unsigned free_count;
	unsigned half;	   /* frames for TX, and as many for RX, in this queue's UMEM */
	unsigned reserved; /* descriptors reserved by the last tx_reserve */
	uint64_t submitted, completed, busy;
	/* Receiver side. */
	uint64_t frames;
	uint64_t rx_dropped, rx_invalid, rx_ring_full, fill_empty, tx_invalid;
} __attribute__((aligned(64)));

struct afxdp_state {
	struct afxdp_queue *q;
	unsigned count;
	unsigned umem_half; /* frames per UMEM half, the same on every rung */
	struct bpf_object *obj;
	int ifindex;
	__u32 attach_flags; /* nonzero while our program is attached */
};

enum afxdp_rung { RUNG_ZEROCOPY, RUNG_NATIVE_COPY, RUNG_SKB };

static const char *const rung_names[] = { "native zero-copy", "native copy", "skb copy" };

static inline struct afxdp_state *afxdp_state(struct io_engine *e)
{
	return e->priv;
}

/* The interface's receive queues, from sysfs (queues/rx-N); at least 1. */
static unsigned afxdp_queue_count(const char *ifname)
{
	char path[96];
	unsigned n = 0;

	for (;;) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/queues/rx-%u", ifname, n);
		if (access(path, F_OK) != 0)
			break;
		n++;
	}
	return n ? n : 1;
}

/* One AF_XDP socket, and so one sender thread, per queue of the interface. */
static unsigned afxdp_queues_max(const struct io_config *cfg)
{
	return afxdp_queue_count(cfg->ifname);
}

/* Quiet libbpf: the engine reports its own errors, once, in one line. */
static int afxdp_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Is the program attached to ifindex (if any) one of ours? 1 yes, 0 none, -1 someone else's. */
static int afxdp_attached_owner(int ifindex)
{
	__u32 id = 0;
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int fd, ours;

	if (bpf_xdp_query_id(ifindex, 0, &id) || id == 0)
		return 0;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -1;
	ours = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
	       strcmp(info.name, AFXDP_PROG_NAME) == 0;
	close(fd);
	return ours ? 1 : -1;
}

/*
 * Write the scan's addresses, ports and reply kinds into the loaded program's config_map,
 * and, when our IPv4 sources are a list with gaps, the list into sources_map.  0 or -errno
 * (-E2BIG: more sources than the map holds).
 */
static int afxdp_configure(struct bpf_object *obj, const struct io_config *cfg)
{
	struct steer_config sc = { .sport_first = cfg->rx_sport_first,
				   .sport_last =
					   (__u16)(cfg->rx_sport_first + cfg->rx_sport_count - 1),
				   .replies = cfg->replies,
				   .ipv6 = cfg->rx_ipv6 != 0 };
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "config_map");
	struct bpf_map *sources = bpf_object__find_map_by_name(obj, "sources_map");
	uint32_t first, last;
	__u32 key = 0;
	__u8 yes = 1;

	_Static_assert(sizeof(sc.daddr6) == sizeof(cfg->rx_daddr6), "an IPv6 address");
	if (cfg->rx_ipv6)
		memcpy(sc.daddr6, cfg->rx_daddr6, sizeof(sc.daddr6));
	if (!map || !sources)
		return -ENOENT;
	io_daddr_span(cfg, &first, &last);
	sc.daddr_first = first;
	sc.daddr_span = last - first;
	/* A list fills its span when it has as many addresses (it is sorted, each once). */
	sc.daddr_listed = cfg->rx_daddr_count > 1 && sc.daddr_span != cfg->rx_daddr_count - 1;
	if (sc.daddr_listed && cfg->rx_daddr_count > STEER_SOURCES_MAX)
		return -E2BIG;
	for (unsigned i = 0; sc.daddr_listed && i < cfg->rx_daddr_count; i++) {
		__u32 be = htonl(cfg->rx_daddrs[i]);
		int ret = bpf_map_update_elem(bpf_map__fd(sources), &be, &yes, 0);

		if (ret)
			return ret;
	}
	return bpf_map_update_elem(bpf_map__fd(map), &key, &sc, 0);
}

static int afxdp_load(struct afxdp_state *s, const struct io_config *cfg, char err[IO_ERRLEN])
{
	int ret;

	s->obj = bpf_object__open_mem(salvo_xdp_steer_obj, salvo_xdp_steer_obj_len, NULL);
	if (!s->obj) {
		snprintf(err, IO_ERRLEN, "af_xdp: cannot open the embedded XDP program");
		return -EINVAL;
	}
	if ((ret = bpf_object__load(s->obj))) {
		snprintf(err, IO_ERRLEN, "af_xdp: loading the XDP program: %s%s", strerror(-ret),
			 ret == -EPERM ? " (needs root or CAP_BPF, CAP_NET_ADMIN and CAP_NET_RAW)"
				       : "");
		return ret;
	}
	if ((ret = afxdp_configure(s->obj, cfg))) {
		snprintf(err, IO_ERRLEN, "af_xdp: cannot configure the XDP program: %s",
			 strerror(-ret));
		return ret;
	}
	return 0;
}

static void afxdp_detach(struct afxdp_state *s)
{
	if (s->attach_flags) {
		bpf_xdp_detach(s->ifindex, s->attach_flags, NULL);
		s->attach_flags = 0;
	}
}

static int afxdp_attach(struct afxdp_state *s, enum afxdp_rung rung)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(s->obj, AFXDP_PROG_NAME);
	__u32 flags = rung == RUNG_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	int ret;

	if (!prog)
		return -ENOENT;
	/* A program of ours left by a crashed run is replaced; it may be in either mode. */
	if (afxdp_attached_owner(s->ifindex) == 1) {
		bpf_xdp_detach(s->ifindex, XDP_FLAGS_SKB_MODE, NULL);
		bpf_xdp_detach(s->ifindex, XDP_FLAGS_DRV_MODE, NULL);
	}
	ret = bpf_xdp_attach(s->ifindex, bpf_program__fd(prog), flags | XDP_FLAGS_UPDATE_IF_NOEXIST,
			     NULL);
	if (ret == 0)
		s->attach_flags = flags;
	return ret;
}

static size_t afxdp_umem_bytes(const struct afxdp_queue *q)
{
	return (size_t)q->half * 2 * AFXDP_FRAME_SIZE;
}

/*
 * Frames per UMEM half.  The kernel charges UMEM pages to RLIMIT_MEMLOCK unless the process
 * has CAP_IPC_LOCK; run with only CAP_NET_RAW, CAP_NET_ADMIN and CAP_BPF (file capabilities,
 * systemd's AmbientCapabilities) under Debian's 8 MiB limit, the full size for two queues
 * would fail with ENOBUFS.  So: raise the soft limit to the hard one and fit in 7/8 of it.
 */
static unsigned afxdp_umem_half(unsigned queues)
{
	struct rlimit rl;
	unsigned half = AFXDP_TX_FRAMES;
	uint64_t per_queue;

	if (priv_effective(CAP_IPC_LOCK) || getrlimit(RLIMIT_MEMLOCK, &rl))
		return half;
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_MEMLOCK, &rl);
		(void)getrlimit(RLIMIT_MEMLOCK, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return half;
	per_queue = rl.rlim_cur / 8 * 7 / (queues ? queues : 1);
	while (half > AFXDP_MIN_FRAMES && 2ull * half * AFXDP_FRAME_SIZE > per_queue)
		half /= 2;
	return half;
}

static void afxdp_queue_close(struct afxdp_queue *q)
{
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, afxdp_umem_bytes(q));
	q->xsk = NULL;
	q->umem = NULL;
	q->area = NULL;
}

static int afxdp_queue_open(struct afxdp_queue *q, const struct io_config *cfg, unsigned qi,
			    enum afxdp_rung rung, int xsks_map_fd, unsigned half)
{
	struct xsk_umem_config ucfg = { .fill_size = AFXDP_RING,
					.comp_size = AFXDP_RING,
					.frame_size = AFXDP_FRAME_SIZE };
	struct xsk_socket_config scfg = {
		.rx_size = AFXDP_RING,
		.tx_size = AFXDP_RING,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = (__u16)((rung == RUNG_ZEROCOPY ? XDP_ZEROCOPY : XDP_COPY) |
				      XDP_USE_NEED_WAKEUP),
	};
	__u32 idx;
	int ret, waited = 0;

	q->half = half;
	q->area = mmap(NULL, afxdp_umem_bytes(q), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return -errno;
	}
	if ((ret = xsk_umem__create(&q->umem, q->area, (__u64)afxdp_umem_bytes(q), &q->fill,
				    &q->comp, &ucfg)))
		return ret;
	/* The queue may still be held by a socket closed a moment ago (kernel 6.x): retry. */
	while ((ret = xsk_socket__create(&q->xsk, cfg->ifname, qi, q->umem, &q->rx, &q->tx,
					 &scfg)) == -EBUSY &&
	       waited < AFXDP_BIND_RETRY_MS) {
		clock_sleep_us(100000);
		waited += 100;
	}
	if (ret) {
		q->xsk = NULL;
		return ret;
	}
	q->fd = xsk_socket__fd(q->xsk);
	if ((ret = xsk_socket__update_xskmap(q->xsk, xsks_map_fd)))
		return ret;
	for (unsigned i = 0; i < half; i++)
		q->free_tx[i] = (uint64_t)i * AFXDP_FRAME_SIZE;
	q->free_count = half;
	if (xsk_ring_prod__reserve(&q->fill, half, &idx) != half)
		return -ENOSPC;
	for (unsigned i = 0; i < half; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx + i) =
			(uint64_t)(half + i) * AFXDP_FRAME_SIZE;
	xsk_ring_prod__submit(&q->fill, half);
	return 0;
}

/* Try one rung of the ladder: attach, bind every queue.  On failure undo it all. */
static int afxdp_try_rung(struct afxdp_state *s, const struct io_config *cfg, enum afxdp_rung rung)
{
	struct bpf_map *map = bpf_object__find_map_by_name(s->obj, "xsks_map");
	int ret;

	if (!map)
		return -ENOENT;
	if ((ret = afxdp_attach(s, rung)))
		return ret;
	for (unsigned i = 0; i < s->count; i++) {
		if ((ret = afxdp_queue_open(&s->q[i], cfg, i, rung, bpf_map__fd(map),
					    s->umem_half))) {
			for (unsigned j = 0; j <= i; j++)
				afxdp_queue_close(&s->q[j]);
			afxdp_detach(s);
			return ret;
		}
	}
	return 0;
}

/*
 * Replies land on whichever queue the NIC (or the veth peer) picks, and the program can
 * only redirect a frame to the socket of the queue it arrived on: so every queue gets a
 * socket and a receive thread, and the XSK map must have a slot for each.
 */
static int afxdp_check_queues(struct afxdp_state *s, const struct io_config *cfg,
			      char err[IO_ERRLEN])
{
	s->count = afxdp_queue_count(cfg->ifname);
	if (s->count > STEER_XSKS_MAX) {
		snprintf(err, IO_ERRLEN,
			 "af_xdp: %s has %u receive queues, salvo's XDP program steers to %u at "
			 "most "
			 "(fewer channels: ethtool -L %s combined %u)",
			 cfg->ifname, s->count, STEER_XSKS_MAX, cfg->ifname, STEER_XSKS_MAX);
		return -EINVAL;
	}
	if (cfg->tx_queues > s->count) {
		snprintf(err, IO_ERRLEN,
			 "af_xdp: %u sender threads need %u queues, %s has %u (use -T %u or add "
			 "channels: ethtool -L %s combined %u)",
			 cfg->tx_queues, cfg->tx_queues, cfg->ifname, s->count, s->count,
			 cfg->ifname, cfg->tx_queues);
		return -EINVAL;
	}
	return 0;
}

/*
 * The bind ladder: each rung allowed by --xdp-mode in turn, best first; the mode reached,
 * and why the better ones failed, go to e->mode; if none works, one line lists them all.
 */
static int afxdp_climb(struct io_engine *e, struct afxdp_state *s, const struct io_config *cfg,
		       char err[IO_ERRLEN])
{
	enum afxdp_rung first = RUNG_ZEROCOPY, last = RUNG_SKB;
	char why[160] = "";
	const char *hint = "";
	size_t used = 0;
	int ret = -EINVAL;

	if (cfg->xdp_mode == IO_XDP_MODE_ZEROCOPY)
		last = RUNG_ZEROCOPY;
	else if (cfg->xdp_mode == IO_XDP_MODE_COPY)
		first = last = RUNG_NATIVE_COPY;
	else if (cfg->xdp_mode == IO_XDP_MODE_SKB)
		first = RUNG_SKB;
	for (enum afxdp_rung r = first; r <= last; r++) {
		if ((ret = afxdp_try_rung(s, cfg, r)) == 0) {
			snprintf(e->mode, IO_MODE_LEN, "%s%s%s", rung_names[r], used ? "; " : "",
				 why);
			return 0;
		}
		used += (size_t)snprintf(why + used, sizeof(why) - used, "%s%s: %s",
					 used ? ", " : "", rung_names[r], strerror(-ret));
		if (used >= sizeof(why))
			used = sizeof(why) - 1;
		if (ret == -EPERM)
			break;
	}
	if (ret == -EPERM)
		hint = "; needs root or CAP_NET_RAW, CAP_NET_ADMIN and CAP_BPF";
	else if (ret == -ENOBUFS)
		hint = "; the UMEM needs locked memory: raise ulimit -l (systemd: LimitMEMLOCK=) "
		       "or give CAP_IPC_LOCK";
	else if (ret == -EBUSY)
		hint = "; another AF_XDP socket holds its queues: one af_xdp scanner per interface";
	/* A long interface name and reasons may cut the hint: the line stays one line. */
	if (snprintf(err, IO_ERRLEN, "af_xdp: no mode works on %s (%s)%s", cfg->ifname, why,
		     hint) >= IO_ERRLEN)
		err[IO_ERRLEN - 1] = '\0';
	return ret;
}

static int afxdp_init(struct io_engine *e, const struct io_config *cfg, char err[IO_ERRLEN])
{
	struct afxdp_state *s = afxdp_state(e);
	int ret;

	libbpf_set_print(afxdp_libbpf_print);
	s->ifindex = cfg->ifindex;
	if ((ret = afxdp_check_queues(s, cfg, err)))
		return ret;
	e->rx_queues = s->count;
	s->umem_half = afxdp_umem_half(s->count);
	if (!(s->q = alloc_array_aligned(s->count, sizeof(*s->q)))) {
		snprintf(err, IO_ERRLEN, "af_xdp: out of memory");
		return -ENOMEM;
	}
	if (afxdp_attached_owner(s->ifindex) < 0) {
		snprintf(err, IO_ERRLEN,
			 "af_xdp: %s already has another XDP program attached; salvo will not "
			 "replace it (detach it with: ip link set dev %s xdp off)",
			 cfg->ifname, cfg->ifname);
		return -EBUSY;
	}
	if ((ret = afxdp_load(s, cfg, err)))
		return ret;
	return afxdp_climb(e, s, cfg, err);
}

/* Return the frames whose transmission completed to the free list. */
static void afxdp_reap(struct afxdp_queue *q)
{
	__u32 idx;
	unsigned n = xsk_ring_cons__peek(&q->comp, AFXDP_RING, &idx);

	if (!n)
		return;
	for (unsigned i = 0; i < n; i++)
		q->free_tx[q->free_count++] = *xsk_ring_cons__comp_addr(&q->comp, idx + i);
	xsk_ring_cons__release(&q->comp, n);
	__atomic_store_n(&q->completed, q->completed + n, __ATOMIC_RELAXED);
}

static unsigned afxdp_tx_reserve(struct io_engine *e, unsigned qi, struct io_frame *frames,
				 unsigned n)
{
	struct afxdp_queue *q = &afxdp_state(e)->q[qi];
	__u32 idx = 0;
	unsigned k;

	afxdp_reap(q);
	if (n > q->free_count)
		n = q->free_count;
	k = n ? xsk_ring_prod__reserve(&q->tx, n, &idx) : 0;
	for (unsigned i = 0; i < k; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&q->tx, idx + i);

		d->addr = q->free_tx[--q->free_count];
		d->options = 0;
		frames[i].data = xsk_umem__get_data(q->area, d->addr);
		frames[i].cap = AFXDP_FRAME_SIZE;
		frames[i].len = 0;
	}
	q->reserved = k;
	return k;
}

static int afxdp_tx_submit(struct io_engine *e, unsigned qi, const struct io_frame *frames,
			   unsigned n)
{
	struct afxdp_queue *q = &afxdp_state(e)->q[qi];
	__u32 first = q->tx.cached_prod - q->reserved;

	/* Give back what was reserved but not filled: its frames and its ring slots. */
	for (unsigned i = n; i < q->reserved; i++)
		q->free_tx[q->free_count++] = xsk_ring_prod__tx_desc(&q->tx, first + i)->addr;
	q->tx.cached_prod -= q->reserved - n;
	q->reserved = 0;
	for (unsigned i = 0; i < n; i++)
		xsk_ring_prod__tx_desc(&q->tx, first + i)->len = frames[i].len;
	if (n) {
		xsk_ring_prod__submit(&q->tx, n);
		__atomic_store_n(&q->submitted, q->submitted + n, __ATOMIC_RELAXED);
	}
	if (n == 0 || xsk_ring_prod__needs_wakeup(&q->tx))
		return io_kick(q->fd, &q->busy);
	return 0;
}

static unsigned afxdp_tx_flush(struct io_engine *e, unsigned qi)
{
	struct afxdp_queue *q = &afxdp_state(e)->q[qi];

	(void)io_kick(q->fd, &q->busy);
	afxdp_reap(q);
	return q->half - q->free_count;
}

static int afxdp_rx_poll(struct io_engine *e, unsigned qi, int timeout_ms, io_rx_fn fn, void *ctx)
{
	struct afxdp_queue *q = &afxdp_state(e)->q[qi];
	uint64_t until = clock_mono_ns() + (uint64_t)timeout_ms * 1000000ULL;
	unsigned idle_us = AFXDP_RX_IDLE_MIN_US, n;
	__u32 idx, fidx;

	/* The ring is read without a system call; a driver that waits to be told the fill ring
	 * has frames (zero-copy) is told with one.  Not poll(): see io_idle_sleep. */
	while ((n = xsk_ring_cons__peek(&q->rx, AFXDP_RX_BATCH, &idx)) == 0) {
		if (xsk_ring_prod__needs_wakeup(&q->fill))
			(void)recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
		if (clock_mono_ns() >= until)
			return 0;
		idle_us = io_idle_sleep(idle_us, AFXDP_RX_IDLE_MAX_US);
	}
	for (unsigned i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx + i);
		uint64_t addr = xsk_umem__add_offset_to_addr(d->addr);

		/* The kernel wrote the descriptor; still, never read outside the UMEM. */
		if (addr + d->len <= afxdp_umem_bytes(q))
			fn(ctx, xsk_umem__get_data(q->area, addr), d->len);
	}
	/* Every frame taken off the RX ring goes straight back to the fill ring. */
	while (xsk_ring_prod__reserve(&q->fill, n, &fidx) != n)
		;
	for (unsigned i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&q->fill, fidx + i) =
			xsk_umem__extract_addr(xsk_ring_cons__rx_desc(&q->rx, idx + i)->addr);
	xsk_ring_prod__submit(&q->fill, n);
	xsk_ring_cons__release(&q->rx, n);
	__atomic_store_n(&q->frames, q->frames + n, __ATOMIC_RELAXED);
	return (int)n;
}

static void afxdp_stats(struct io_engine *e, struct io_stats *st)
{
	struct afxdp_state *s = afxdp_state(e);

	for (unsigned i = 0; s->q && i < s->count; i++) {
		struct afxdp_queue *q = &s->q[i];
		struct xdp_statistics xs;
		socklen_t len = sizeof(xs);

		st->tx_submitted += __atomic_load_n(&q->submitted, __ATOMIC_RELAXED);
		st->tx_completed += __atomic_load_n(&q->completed, __ATOMIC_RELAXED);
		st->tx_busy += __atomic_load_n(&q->busy, __ATOMIC_RELAXED);
		st->rx_frames += __atomic_load_n(&q->frames, __ATOMIC_RELAXED);
		/* These counters are cumulative in the kernel: read, not added. */
		if (q->xsk && getsockopt(q->fd, SOL_XDP, XDP_STATISTICS, &xs, &len) == 0) {
			st->rx_drops += xs.rx_dropped + xs.rx_ring_full + xs.rx_invalid_descs;
			st->tx_errors += xs.tx_invalid_descs;
		}
	}
}

static void afxdp_close(struct io_engine *e)
{
	struct afxdp_state *s = afxdp_state(e);

	for (unsigned i = 0; s->q && i < s->count; i++)
		afxdp_queue_close(&s->q[i]);
	afxdp_detach(s);
	if (s->obj)
		bpf_object__close(s->obj);
	free(s->q);
	s->q = NULL;
	s->obj = NULL;
}

const struct io_engine_ops io_af_xdp_ops = {
	.name = "af_xdp",
	.help = "AF_XDP sockets with salvo's XDP steering program (libxdp)",
	.caps = IO_CAP_TX | IO_CAP_RX | IO_CAP_MULTI_QUEUE | IO_CAP_ZERO_COPY | IO_CAP_IPV6,
	/* Detaching the XDP program at exit is a netlink request that needs CAP_NET_ADMIN. */
	.keep_privileges = PRIV_CAP(CAP_NET_ADMIN),
	.built_with = SALVO_AF_XDP_BUILT_WITH,
	.priv_size = sizeof(struct afxdp_state),
	.queues_max = afxdp_queues_max,
	.init = afxdp_init,
	.tx_reserve = afxdp_tx_reserve,
	.tx_submit = afxdp_tx_submit,
	.tx_flush = afxdp_tx_flush,
	.rx_poll = afxdp_rx_poll,
	.stats = afxdp_stats,
	.close = afxdp_close,
};

#endif /* SALVO_HAVE_AF_XDP */
