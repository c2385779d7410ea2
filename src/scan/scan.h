/*
 * The scan: sender threads walk their slice of the permutation and put
 * probes on the wire, receive threads validate replies and queue results,
 * one writer thread formats them, and the calling thread monitors and
 * decides when everything stops.
 *
 * Stopping: when the senders finish (or on the first SIGINT/SIGTERM) the
 * scan stops sending, waits the cooldown for late replies (a second signal
 * cuts it short), then stops the receivers, and the writer drains every
 * queued result before the output is closed.  No result is dropped: a full
 * queue makes its receive thread wait.  With --interrupt=now (the
 * orchestrator's dialect) a signal skips the cooldown: sending stops, the
 * checkpoint records what cooldown is still owed, and the process exits at
 * once; the resumed process runs the rest, and recognises the late replies
 * to earlier processes' probes by the key the checkpoint carries.
 */
#ifndef SALVO_SCAN_SCAN_H
#define SALVO_SCAN_SCAN_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scan/config.h"
#include "io/io.h"
#include "output/output.h"
#include "probe/probe.h"
#include "scan/checkpoint.h"
#include "scan/dedup.h"
#include "scan/history.h"
#include "scan/pace.h"
#include "scan/resultq.h"
#include "scan/totals.h"
#include "target/permutation.h"
#include "util/fastdiv.h"

#define SCAN_ERRLEN 512
/* The room every frame an engine hands the senders has, at least: a short template is copied
 * in one fixed 64-byte move (send.c), so a frame of fewer bytes would be overrun. */
#define SCAN_FRAME_MIN 64
/* How long a receive thread waits for frames before it looks at the stop flag again: a
 * stopped scan exits within about this. */
#define SCAN_RX_POLL_MS 5
/* How long the IPv6 next hop has to answer Neighbor Discovery (the kernel solicits it three
 * times a second apart), and how often and how far apart salvo asks the IPv4 one with ARP. */
#define SCAN_NDP_TIMEOUT_MS  3000
#define SCAN_ARP_TRIES	     3
#define SCAN_ARP_INTERVAL_MS 1000

struct scan;

/*
 * One interface the scan sends through (-i a,b: several; dpdk: a port): its name, its
 * probes (its sources and MACs in their params; the key and the rest are the scan's) and
 * the engine instance its sender threads send on.  Each probe leaves by the NIC of the
 * thread that sends it; a reply is checked with the probes of the NIC whose source it is
 * addressed to, whichever NIC it came back by.
 */
struct scan_nic {
	char ifname[SCAN_IFNAME_LEN];
	int ifindex;
	uint32_t gateway;	    /* host order; 0 if -G was given or on-link */
	const uint8_t *gateway_mac; /* -G for it (IF=MAC, or for every NIC), or NULL */
	struct probe probe;
	struct probe prescan;	  /* --icmp-prescan's echo request, from the same sources */
	struct io_engine *engine; /* its instance (the dry run's NICs share one) */
	unsigned senders;	  /* sender threads sending through it */
};

struct scan_sender {
	struct scan *scan;
	pthread_t thread;
	struct scan_nic *nic;	  /* the NIC its probes leave by */
	struct io_engine *engine; /* the NIC's engine instance */
	unsigned queue;		  /* its transmit queue of engine */
	uint64_t begin, end;	  /* positions in the permutation: the thread's slice */
	uint64_t start;		  /* where to start in it: begin, or the checkpoint's next */
	uint64_t done;		  /* positions finished (atomic) */
	uint64_t frames;	  /* frames submitted (atomic) */
	int error;		  /* -errno if the thread stopped on an error */
	uint64_t send_errors;	  /* submits the engine refused for good (atomic) */
	uint64_t last_send_ns;	  /* when its last probe was handed to the engine */
} __attribute__((aligned(64)));

struct scan_receiver {
	struct scan *scan;
	pthread_t thread;
	struct scan_nic *nic;	  /* the NIC it receives on (replies to any NIC count) */
	struct io_engine *engine; /* the NIC's engine instance */
	unsigned queue;		  /* its receive queue of engine */
	/* Counters written by this thread only (atomic stores), read by the monitor. */
	uint64_t frames, valid, duplicates, successes, failures, alive;
	uint64_t output_waits; /* results that found the --output-buffer full and waited */
	int error;
	struct resultq results; /* to the writer: this thread produces, the writer consumes */
} __attribute__((aligned(64)));

/*
 * A result as queued for the writer: what the writer needs besides the result itself to
 * take it back if it cannot be written (its dedup bit; when it came, for the checkpoint).
 * Only the first SCAN_RECORD_LEN bytes are queued: the result's data as long as it is.
 */
struct scan_record {
	uint64_t element; /* address index * ports + port index */
	uint64_t rx_ns;	  /* when it was received (monotonic) */
	struct probe_result r;
};
#define SCAN_RECORD_LEN(res) ((uint32_t)(offsetof(struct scan_record, r.data) + (res)->data_len))

struct scan {
	const struct scan_config *cfg;
	struct scan_nic nics[SCAN_NICS_MAX]; /* -i's interfaces, or the route's one */
	unsigned nic_count;
	struct io_engine engines[SCAN_NICS_MAX]; /* one per NIC; a dry run's one for all */
	unsigned engine_count;
	/* Every IPv4 source of every NIC, sorted, each once: the engines take replies to each. */
	uint32_t sources[SCAN_SOURCES_MAX];
	unsigned source_count;
	struct output output;
	struct target_permutation perm;
	struct fastdiv port_div; /* element / ports: (address index, port index) */
	struct dedup dedup;
	/* --icmp-prescan: the order of the addresses, the live ones (the echo probe: each
	 * NIC's prescan). */
	struct target_permutation perm_addr;
	struct dedup live;
	struct pace pace;
	uint64_t elements;	/* addresses * ports */
	uint64_t positions;	/* what the senders walk: elements, or addresses (prescan) */
	uint64_t seed;		/* -e, or the checkpoint's with --resume */
	uint64_t rate;		/* -r, or from -B and the frame size */
	char abort_reason[160]; /* set by the monitor when a limit aborts the scan */
	uint32_t frame_len;	/* the longest frame a probe writes */
	int control_fd;		/* --control socket, -1 = none */
	int wake_fd;		/* eventfd: the last sender to finish wakes the monitor */
	int paused;		/* set by "pause" on the control socket (atomic) */
	uint64_t fingerprint;	/* what is scanned, for checkpoints */
	uint64_t shard_begin, shard_end; /* this shard's positions */

	struct scan_sender *senders;
	unsigned sender_count; /* -T (at least one per NIC), or fewer when the NICs have fewer
				* queues; sender i sends through NIC i % nic_count */
	struct scan_receiver *receivers;
	unsigned receiver_count; /* --receivers per engine instance, or as many as it asks */
	pthread_t writer;
	int writer_error;   /* the output's first error, -errno (set once, then output_failed) */
	uint64_t written;   /* results that reached the output (atomic) */
	uint64_t unwritten; /* results queued that did not, taken back (atomic) */

	/* The output's hold on the senders: --output-buffer's budget over all receive queues;
	 * out_hold is set and cleared by the monitor only, at the budget's high and low marks. */
	struct resultq_budget outq;
	int out_hold;		     /* the senders wait (atomic) */
	uint64_t out_hold_since_ns;  /* when out_hold was last set */
	uint64_t out_bound_ns;	     /* time held, before the current hold (atomic) */
	int output_failed;	     /* the output failed or was abandoned: stop, rewind (atomic) */
	int output_cancel;	     /* a second signal: stop waiting for the output (atomic) */
	uint64_t confirmed_ns;	     /* results received before this were all written (atomic) */
	struct scan_history history; /* where the senders were: the rewind of a failed output */

	/* Flags, all atomic: set once, read by the threads. */
	int stop_sending;
	int stop_receiving;
	int stop_writing;
	unsigned senders_running;

	uint64_t start_ns;
	uint64_t send_done_ns;
	uint64_t cooldown_ns; /* to wait once sending is done: -c, or what a resume still owes */
	uint64_t cooldown_end_ns;      /* set by the monitor when the cooldown starts */
	struct checkpoint_totals base; /* what earlier processes of a resumed scan did */
	uint64_t start_real_us;
	FILE *status_file; /* -u */
	FILE *metadata;	   /* -m */
};

/*
 * Fill in, for each NIC, what the user left out (interface, source address and MAC,
 * gateway MAC) from the kernel.  Opens only netlink and ioctl sockets, and a packet socket
 * for ARP.  0, or -errno with one line in err.
 */
int scan_resolve_network(struct scan *s, const struct scan_config *cfg, char err[SCAN_ERRLEN]);

/* Open the engine and the output, run the scan to the end, close everything. */
int scan_run(struct scan *s, char err[SCAN_ERRLEN]);

/* Set by the signal handlers: SIGINT/SIGTERM received, SIGUSR1 (+5 %) and SIGUSR2 (-5 %). */
extern volatile sig_atomic_t scan_signals;
extern volatile sig_atomic_t scan_rate_ups, scan_rate_downs;

/* control.c: the --control socket, served by the monitor thread. */
int scan_control_open(struct scan *s, char err[SCAN_ERRLEN]);
void scan_control_poll(struct scan *s);
void scan_control_close(struct scan *s);

/* monitor.c: the monitor's wake-up (an eventfd the last sender writes), and its loop. */
int scan_wake_open(struct scan *s, char err[SCAN_ERRLEN]);
void scan_wake_monitor(struct scan *s);
void scan_wake_close(struct scan *s);

/* network.c: what NIC n's engine instance is to open, from the scan's network and probe. */
void scan_io_config(const struct scan *s, const struct scan_nic *n, struct io_config *io);

/* Is addr in the sorted list addrs (count entries)?  A binary search. */
static inline int scan_sources_have(const uint32_t *addrs, unsigned count, uint32_t addr)
{
	unsigned lo = 0, hi = count;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (addrs[mid] == addr)
			return 1;
		if (addrs[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The probes of the NIC whose IPv4 source daddr is, rcv's own first (a reply comes back by
 * the NIC its probe left by, mostly); NULL if daddr is no source of the scan's.  With one
 * NIC its probes, whatever daddr: validation checks it. */
static inline struct scan_nic *scan_nic_of(struct scan *s, struct scan_nic *rcv_nic, uint32_t daddr)
{
	if (__builtin_expect(s->nic_count == 1, 1))
		return rcv_nic;
	for (unsigned k = 0; k <= s->nic_count; k++) {
		struct scan_nic *n = k == 0 ? rcv_nic : &s->nics[k - 1];
		const struct probe_params *pp = &n->probe.params;

		if (k && n == rcv_nic)
			continue;
		if (pp->saddr_count <= 1
			    ? pp->saddr == daddr
			    : daddr >= pp->saddrs[0] && daddr <= pp->saddrs[pp->saddr_count - 1] &&
				      scan_sources_have(pp->saddrs, pp->saddr_count, daddr))
			return n;
	}
	return NULL;
}

/* The same for an IPv6 reply to daddr (16 bytes): a NIC has one IPv6 source. */
static inline struct scan_nic *scan_nic_of6(struct scan *s, struct scan_nic *rcv_nic,
					    const uint8_t *daddr)
{
	if (__builtin_expect(s->nic_count == 1, 1) ||
	    !memcmp(rcv_nic->probe.params.saddr6, daddr, 16))
		return rcv_nic;
	for (unsigned k = 0; k < s->nic_count; k++)
		if (!memcmp(s->nics[k].probe.params.saddr6, daddr, 16))
			return &s->nics[k];
	return NULL;
}

/* resume.c: write the checkpoint (if --checkpoint-file): at the start, every second and at
 * the end; 0 or -errno, with the line for the user in err unless err is NULL. */
int scan_checkpoint_save(struct scan *s, char *err);
/* The monitor's once a second: positions only as far as their results are written. */
int scan_checkpoint_save_live(struct scan *s);
/* What a checkpoint must agree with: the targets after the blocklist, ports, probe, -P. */
uint64_t scan_fingerprint(const struct scan_config *cfg);
/* --resume, before the probes are set up: read the checkpoint into cp; its seed, key, totals. */
int scan_resume_load(struct scan *s, struct scan_checkpoint *cp, char err[SCAN_ERRLEN]);
/* --resume, once the slices are cut: check cp describes this scan; each thread's start. */
int scan_resume(struct scan *s, const struct scan_checkpoint *cp, char err[SCAN_ERRLEN]);

/* monitor.c: the calling thread's loop until the scan is to stop. */
void scan_monitor(struct scan *s);

void *scan_sender_main(void *arg);
void *scan_receiver_main(void *arg);
void *scan_writer_main(void *arg);

/* writer.c: how long the output has held the senders back so far, in nanoseconds. */
uint64_t scan_output_bound_ns(const struct scan *s, uint64_t now_ns);
/* writer.c: join a receive thread or the writer; a second signal meanwhile abandons the
 * output (what is still queued is not written, and the checkpoint is rewound for it). */
void scan_join_watching(struct scan *s, pthread_t t);

/* Handle one received frame (the receive path): exposed for tests and fuzzing. */
void scan_receive_frame(void *ctx, const uint8_t *data, uint32_t len);

#endif
