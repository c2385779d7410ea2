/*
 * io engines: how salvo puts frames on the wire and takes them off it.
 *
 * One engine is chosen per run with --io-engine.  The scan core sees only
 * the inline wrappers below; every engine is one file filling one
 * struct io_engine_ops, listed once in io.c.  An engine owns its frame
 * buffers (ring slots, UMEM frames): a sender reserves buffers, writes
 * probes straight into them and submits them, so no probe is copied.
 *
 * Queues: the engine opens cfg->tx_queues transmit queues and
 * cfg->rx_queues receive queues.  Each queue is used by exactly one thread,
 * so per-queue calls need no locking; stats may be called from any thread.
 *
 * Several NICs: a scan through several interfaces (-i a,b; dpdk's ports) opens one
 * instance of the engine per interface, each a struct io_engine of its own with its own
 * queues; an engine knows of one interface only.  Its instances live in one process, so
 * what an engine keeps for the process (dpdk's EAL) is shared by them, and what it names
 * (mempools, fanout groups) is named per instance.
 */
#ifndef SALVO_IO_IO_H
#define SALVO_IO_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "probe/replies.h"

struct probe_ops;

#define IO_ERRLEN   256
#define IO_MODE_LEN 256
/* A port's name, as an engine whose ports are no kernel interfaces gives it (ops->ports). */
#define IO_PORT_NAME_LEN 16

/* Capabilities, for --version and --selftest. */
#define IO_CAP_TX	   (1u << 0)
#define IO_CAP_RX	   (1u << 1)
#define IO_CAP_MULTI_QUEUE (1u << 2)
#define IO_CAP_ZERO_COPY   (1u << 3)
/*
 * The port is not a kernel interface (dpdk): no route, neighbour table or interface address
 * to ask.  The scan needs -S (--ipv6-source-ip for IPv6 targets) from the user; init finds the
 * port's MAC and each family's next hop's (from -G, or by ARP for --gateway-ip and by Neighbor
 * Discovery for --gateway-ipv6) and answers ARP and Neighbor Solicitations for our addresses
 * itself.
 */
#define IO_CAP_OWN_NETWORK (1u << 4)

/* Can send and receive bare IP packets, with no Ethernet header (-X, for tun devices). */
#define IO_CAP_IPLAYER (1u << 5)
/* The engine scans IPv6 targets: it sends their frames and takes their replies (ICMPv6,
 * Neighbor Discovery for the engines that own their network). */
#define IO_CAP_IPV6 (1u << 6)

/* For engines with an XDP bind ladder (--xdp-mode); others ignore it. */
enum io_xdp_mode { IO_XDP_MODE_AUTO, IO_XDP_MODE_ZEROCOPY, IO_XDP_MODE_COPY, IO_XDP_MODE_SKB };

struct io_config {
	const char *ifname;
	int ifindex;
	unsigned port; /* which of the engine's ports (ops->ports) to open: 0 with one */
	unsigned tx_queues;
	unsigned rx_queues;
	unsigned frame_len_max; /* largest frame a probe will write */
	uint32_t rx_daddr;	/* our address in host order: receive only frames sent to it */
	/* -S a range or list, or several interfaces: every IPv4 source of the scan, on this
	 * interface or another, host order, sorted, rx_daddr among them; replies come to each
	 * of them, whichever interface they come back by.  rx_daddr_count 0 or 1: rx_daddr
	 * alone (rx_daddrs NULL). */
	const uint32_t *rx_daddrs;
	unsigned rx_daddr_count;
	/* The sources of this interface (port) alone, sorted: what an engine that answers ARP
	 * itself (IO_CAP_OWN_NETWORK) answers for.  own_daddr_count 0 or 1: rx_daddr alone. */
	const uint32_t *own_daddrs;
	unsigned own_daddr_count;
	int rx_ipv4;	       /* the scan has IPv4 targets */
	int rx_ipv6;	       /* the scan has IPv6 targets: receive IPv6 frames to rx_daddr6 too */
	uint8_t rx_daddr6[16]; /* our IPv6 address (network order) */
	uint16_t rx_sport_first; /* our source ports: replies come back to these */
	uint32_t rx_sport_count;
	enum io_xdp_mode xdp_mode;
	const char *pcap_file; /* dryrun: where to write the probes, NULL = print them */
	int print_fast;	       /* dryrun: print them in --fast-dryrun's six bytes */
	const struct probe_ops *print_probe; /* dryrun: the module whose text layout to print */
	unsigned retries; /* --retries: a frame the kernel refuses is tried this often more */
	unsigned replies; /* PROBE_REPLY_*: what an engine that steers (af_xdp) must take */
	int iplayer;	  /* -X: frames keep the Ethernet header the probe wrote, but only what
			   * follows it goes out, and received packets start at the IP header */
	const uint8_t *source_mac;  /* --source-mac, or NULL */
	const uint8_t *gateway_mac; /* -G, or NULL */
	/* The values of the engine's own options (ops->options), by index; NULL: not given. */
	const char *const *options;
};

/*
 * An option an engine declares (dpdk: --dpdk-port=N).  The command line lists it with the
 * others (--help, the man page, the completion), keeps its value as given, has the engine
 * check it at parse time (ops->check) and hands it to init in io_config.options.
 */
struct io_option {
	const char *name; /* long name, without the dashes */
	const char *arg;  /* what the value is called */
	const char *help; /* one line */
};

/* Options one engine may declare, at most. */
#define IO_OPTIONS_MAX 8

/* One frame buffer lent by the engine: write up to cap bytes at data, set len. */
struct io_frame {
	uint8_t *data;
	uint32_t cap;
	uint32_t len;
};

struct io_stats {
	uint64_t tx_submitted; /* frames handed to the kernel/NIC */
	uint64_t tx_completed; /* frames the kernel/NIC reports as sent */
	uint64_t tx_errors;    /* frames rejected (malformed, driver error) */
	uint64_t tx_busy;      /* kicks refused for lack of room (ENOBUFS/EAGAIN) */
	uint64_t tx_retries;   /* sends tried again after the kernel refused them */
	uint64_t rx_frames;    /* frames delivered to the receive callback */
	uint64_t rx_drops;     /* frames the kernel dropped before we could see them */
};

/* Called once per received frame; data is valid only during the call. */
typedef void (*io_rx_fn)(void *ctx, const uint8_t *data, uint32_t len);

struct io_engine;

struct io_engine_ops {
	const char *name;
	const char *help;
	unsigned caps;
	/*
	 * The capabilities the engine still needs once init has returned, up to and including
	 * close, as a PRIV_CAP() mask (util/priv.h); salvo drops all others after init.
	 */
	uint64_t keep_privileges;
	/* Why the engine is absent from this build (NULL when it is built in). */
	const char *not_built;
	/* What it was built against, for --list-io-engines and the build summary (may be NULL). */
	const char *built_with;
	/* Not offered by --io-engine: reached through its own option (dryrun: --dryrun). */
	int hidden;
	/* Bytes of private state the core allocates (zeroed) before init. */
	size_t priv_size;
	/* The engine's own options, ended by one with a NULL name; NULL if none.  A stub of an
	 * engine not built in may declare them too: using one then says "not built in". */
	const struct io_option *options;

	/*
	 * Check the values of the engine's options (values[i] for options[i], NULL if not
	 * given) before anything is opened; 0, or -EINVAL with one line naming the option in
	 * err.  May be NULL.
	 */
	int (*check)(const char *const *values, char *err, size_t errlen);

	/*
	 * An engine whose ports are no kernel interfaces (IO_CAP_OWN_NETWORK) and whose own
	 * options may name several (dpdk: --dpdk-port 0,1): how many they name (at most max),
	 * each port's name into names[i] as the user wrote it (what IF=VALUE items and the
	 * per-NIC counts call it).  The scan opens one instance of the engine per port, the
	 * i-th with io_config.port i.  Called once the options are checked.  May be NULL: one.
	 */
	unsigned (*ports)(const char *const *values, char names[][IO_PORT_NAME_LEN], unsigned max);

	/*
	 * How many transmit queues init can open on cfg->ifname (asked before init, so the
	 * scan can fit its sender threads); 0 = as many as asked.  May be NULL: the same.
	 */
	unsigned (*queues_max)(const struct io_config *cfg);

	/*
	 * Open the interface and every queue.  On failure return -errno and
	 * write one line for the user into err; the core then calls close.
	 * Writes the mode reached (e.g. "TPACKET_V2 tx, TPACKET_V3 rx") into
	 * e->mode.
	 */
	int (*init)(struct io_engine *e, const struct io_config *cfg, char err[IO_ERRLEN]);

	/*
	 * Lend up to n free frame buffers of transmit queue q in frames[];
	 * return how many (0 when the ring is full: submit or kick, then
	 * retry).  Also reaps completions.
	 */
	unsigned (*tx_reserve)(struct io_engine *e, unsigned q, struct io_frame *frames,
			       unsigned n);

	/*
	 * Hand the n frames last reserved on queue q (each with len set, in
	 * the order reserved) to the kernel and kick it.  Returns 0, or
	 * -ENOBUFS/-EAGAIN when the kernel had no room now (the frames stay
	 * queued and go with the next kick), or another -errno.
	 */
	int (*tx_submit)(struct io_engine *e, unsigned q, const struct io_frame *frames,
			 unsigned n);

	/*
	 * Push out every submitted frame of queue q; returns the number still
	 * not completed (0 = all sent).  Does not block for long.
	 */
	unsigned (*tx_flush)(struct io_engine *e, unsigned q);

	/*
	 * Wait up to timeout_ms for frames on receive queue q and call fn for
	 * each.  Returns the number of frames handled or -errno.
	 */
	int (*rx_poll)(struct io_engine *e, unsigned q, int timeout_ms, io_rx_fn fn, void *ctx);

	/*
	 * Is the port's link up (1), down (0) or gone (-1)?  NULL: the monitor asks the kernel
	 * about the interface (engines on kernel interfaces).
	 */
	int (*link_up)(struct io_engine *e);

	/* Sum the counters of all queues into st.  May be NULL. */
	void (*stats)(struct io_engine *e, struct io_stats *st);

	/* Release everything init acquired, also after a failed init. */
	void (*close)(struct io_engine *e);
};

struct io_engine {
	const struct io_engine_ops *ops;
	void *priv;
	char mode[IO_MODE_LEN];
	/*
	 * Receive queues the core must poll, set by init: cfg->rx_queues, or
	 * more when replies can arrive on any of the interface's queues (af_xdp
	 * binds a socket to every one of them).
	 */
	unsigned rx_queues;
	/* IO_CAP_OWN_NETWORK engines: set by init.  The port's MAC, the IPv4 next hop's, the
	 * IPv6 next hop's (each set when the scan has targets of that family). */
	uint8_t mac[6];
	uint8_t gateway_mac[6];
	uint8_t gateway_mac6[6];
};

/* The i-th engine of the table (stubs and hidden ones included), NULL past the end. */
const struct io_engine_ops *io_engine_at(size_t i);

/* The engine --io-engine=name asks for, or NULL with a message for the user in err. */
const struct io_engine_ops *io_engine_by_name(const char *name, char *err, size_t errlen);

/* Any engine in the table by name, hidden ones included (--dryrun); NULL if none. */
const struct io_engine_ops *io_engine_find(const char *name);

/* "af_packet, af_xdp, pfring_zc": every engine salvo knows, built or not. */
const char *io_engine_list(void);

/* "af_packet": the engines compiled into this binary. */
const char *io_engine_list_built(void);

/* --list-io-engines: a line an engine: name, built in or why not, what it is. */
void io_engines_describe(FILE *f);

/* Allocate private state and call init; on failure everything is released. */
int io_engine_open(struct io_engine *e, const struct io_engine_ops *ops,
		   const struct io_config *cfg, char err[IO_ERRLEN]);
void io_engine_close(struct io_engine *e);

static inline unsigned io_engine_queues_max(const struct io_engine_ops *ops,
					    const struct io_config *cfg)
{
	return ops->queues_max ? ops->queues_max(cfg) : 0;
}

static inline unsigned io_tx_reserve(struct io_engine *e, unsigned q, struct io_frame *frames,
				     unsigned n)
{
	return e->ops->tx_reserve(e, q, frames, n);
}

static inline int io_tx_submit(struct io_engine *e, unsigned q, const struct io_frame *frames,
			       unsigned n)
{
	return e->ops->tx_submit(e, q, frames, n);
}

static inline unsigned io_tx_flush(struct io_engine *e, unsigned q)
{
	return e->ops->tx_flush ? e->ops->tx_flush(e, q) : 0;
}

static inline int io_rx_poll(struct io_engine *e, unsigned q, int timeout_ms, io_rx_fn fn,
			     void *ctx)
{
	return e->ops->rx_poll(e, q, timeout_ms, fn, ctx);
}

/* The port's link: 1 up, 0 down, -1 gone; IO_LINK_ASK_KERNEL if the engine leaves it to the
 * kernel's view of the interface. */
#define IO_LINK_ASK_KERNEL (-2)
static inline int io_link_up(struct io_engine *e)
{
	return e->ops->link_up ? e->ops->link_up(e) : IO_LINK_ASK_KERNEL;
}

static inline void io_stats(struct io_engine *e, struct io_stats *st)
{
	*st = (struct io_stats){ 0 };
	if (e->ops && e->ops->stats)
		e->ops->stats(e, st);
}

/* Add st's counters to sum's (the engine instances of a scan through several NICs). */
static inline void io_stats_add(struct io_stats *sum, const struct io_stats *st)
{
	sum->tx_submitted += st->tx_submitted;
	sum->tx_completed += st->tx_completed;
	sum->tx_errors += st->tx_errors;
	sum->tx_busy += st->tx_busy;
	sum->tx_retries += st->tx_retries;
	sum->rx_frames += st->rx_frames;
	sum->rx_drops += st->rx_drops;
}

#endif
