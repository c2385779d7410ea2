/*
 * What a scan is asked to do: the scan core's input, filled by the command line
 * (src/cli) or by anything else that runs a scan.  Values are checked and names resolved
 * before a scan starts; the scan reads this, never changes it.
 */
#ifndef SALVO_SCAN_CONFIG_H
#define SALVO_SCAN_CONFIG_H

#include <stdint.h>

#include "io/io.h"
#include "output/filter.h"
#include "output/output.h"
#include "probe/probe.h"
#include "target/target.h"
#include "target/target6.h"
#include "util/fastdiv.h"

enum scan_status_format { STATUS_ZMAP, STATUS_LEGACY, STATUS_JSON };

#define SCAN_CORES_MAX 256
/* -S: the most source addresses a scan sends from (a longer list is more likely a mistake,
 * and the XDP program's map of them is sized by it). */
#define SCAN_SOURCES_MAX 256
/* -i: the most interfaces (NICs) one scan sends through (a c6in.metal has 8 ENAs). */
#define SCAN_NICS_MAX	16
#define SCAN_IFNAME_LEN 16 /* IFNAMSIZ, and room for a dpdk port's number */
/* The most probes a sender hands the engine at once (--batch caps it lower). */
#define SCAN_TX_BATCH 1024

/* --dedup-method: every method but none writes each reply once (salvo's bitmap is exact). */
enum scan_dedup_method { SCAN_DEDUP_DEFAULT, SCAN_DEDUP_FULL, SCAN_DEDUP_WINDOW, SCAN_DEDUP_NONE };

/*
 * One interface of -i (or one port of an engine whose ports are no kernel interfaces: dpdk's
 * --dpdk-port), with what the user said of it alone: the IF=VALUE items of -S,
 * --ipv6-source-ip and -G.  What is not said of it alone comes from those options' plain
 * values (for every interface), else from the kernel.
 */
struct scan_nic_config {
	char ifname[SCAN_IFNAME_LEN];
	uint32_t source_ips[SCAN_SOURCES_MAX]; /* -S IF=...: sorted; count 0: none of its own */
	unsigned source_ip_count;
	uint8_t source_ip6[16]; /* --ipv6-source-ip IF=... (network order), if source_ip6_set */
	int source_ip6_set;
	uint8_t gateway_mac[6]; /* -G IF=..., if gateway_mac_set */
	int gateway_mac_set;
};

struct scan_config {
	struct target_set targets;   /* allowlist minus blocklist, finished */
	struct target6_set targets6; /* the IPv6 targets, the same; after the IPv4 ones in the
				      * scan's index space */
	struct target_ports ports;
	const struct io_engine_ops *engine;
	const struct probe_ops *probe;
	const struct output_ops *output;
	struct output_fields fields;
	struct output_filter filter; /* --output-filter, default "success = 1 && repeat = 0" */

	/* -i's interfaces in order (dpdk: --dpdk-port's ports); nic_count 0: the one the route
	 * to the first target leaves by. */
	struct scan_nic_config nics[SCAN_NICS_MAX];
	unsigned nic_count;
	/* -S, --ipv6-source-ip and -G below: their plain values, for every interface. */
	uint32_t source_ip; /* host order: -S's (first) address; valid if source_ip_set */
	int source_ip_set;
	/* -S a range or list (ZMap's): every address, sorted, source_ip the first. */
	uint32_t source_ips[SCAN_SOURCES_MAX];
	unsigned source_ip_count;
	uint8_t source_ip6[16]; /* --ipv6-source-ip (network order); valid if source_ip6_set */
	int source_ip6_set;
	uint64_t max_v6_prefix_size; /* --max-v6-prefix-size: the largest IPv6 target range */
	uint8_t gateway_mac[6];
	int gateway_mac_set;
	uint8_t source_mac[6];
	int source_mac_set;
	uint16_t sport_first;
	uint32_t sport_count;

	uint64_t rate; /* packets per second; 0 = unlimited */
	unsigned cooldown_s;
	unsigned probes;    /* per target */
	unsigned probe_ttl; /* --probe-ttl: the probes' IP TTL */
	uint64_t seed;
	int seed_set;
	uint64_t shards, shard;
	unsigned sender_threads;
	/* --cores: CPUs to pin the threads to, senders first then receivers, in turn. */
	uint16_t cores[SCAN_CORES_MAX];
	unsigned core_count;
	unsigned receivers;
	const char *output_file;
	uint64_t output_buffer;		 /* --output-buffer: bytes of results queued at most */
	const char *metadata_file;	 /* -m, NULL = none */
	const char *status_updates_file; /* -u, NULL = none */
	const char *notes;		 /* --notes, for the metadata; NULL = none */
	unsigned verbosity;		 /* -v: ZMap's message levels, 0-5 (util/log.h) */
	const char *log_file;		 /* -l: messages to this file instead of stderr */
	const char *log_directory;	 /* -L: to a new timestamped file in it */
	const char *user_metadata;	 /* --user-metadata: JSON (checked) for the metadata */
	int no_header_row;		 /* --no-header-row: csv without its header line */
	int disable_syslog;		 /* --disable-syslog: ZMap's; salvo has no syslog */
	int dedup_method;		 /* --dedup-method: enum scan_dedup_method */
	uint64_t dedup_window_size;	 /* --dedup-window-size: ZMap's; unused (exact dedup) */
	const char *ports_spec;		 /* -p as given, for the metadata */
	const char *blocklist_file;	 /* -b as given, NULL = built-in */
	int quiet;
	int blocklist_default; /* the built-in blocklist applies (no -b) */
	int dialect_anyscan;   /* run as "scanner" or --dialect=anyscan: the seed scanner's ways */
	int interrupt_now;     /* --interrupt=now: a signal skips the cooldown and exits at once */
	enum io_xdp_mode xdp_mode;
	int dryrun;		      /* --dryrun: build every probe, send nothing */
	const char *checkpoint_file;  /* --checkpoint-file, NULL = none */
	const char *control_path;     /* --control: a Unix socket for rate/pause/resume */
	int rate_aimd;		      /* --rate-mode=aimd */
	uint64_t rate_min, rate_max;  /* --rate-min, --rate-max (aimd) */
	uint64_t bandwidth_bps;	      /* -B: the rate from bits per second on the wire, 0 = -r */
	uint64_t max_targets;	      /* -n as a count, 0 = no limit */
	int ignore_blocklist_errors;  /* bad lines of -b/-w/-I are skipped with a warning */
	int sport_any;		      /* --validate-source-port=disable */
	unsigned retries;	      /* sends the kernel refused, tried again up to this */
	unsigned batch;		      /* --batch: probes between looks at the rate, 0 = auto */
	int iplayer;		      /* -X: IP packets with no link-layer header (a tun device) */
	int fast_dryrun;	      /* --fast-dryrun: a dry run printing six bytes a probe */
	double max_targets_percent;   /* -n as a percentage of 2^32 x ports (ZMap's), read into
				       * max_targets once the ports are known */
	uint64_t max_results;	      /* -N, 0 = no limit */
	unsigned max_runtime_s;	      /* -t, 0 = no limit */
	uint64_t max_sendto_failures; /* --max-sendto-failures, 0 = no limit */
	double min_hitrate;	      /* --min-hitrate in percent, 0 = off */
	enum scan_status_format status_format;
	int resume;	  /* --resume: continue from checkpoint_file */
	int icmp_prescan; /* --icmp-prescan: ping first, probe live hosts only */
	const struct probe_ops *prescan_probe; /* the echo probe --icmp-prescan uses */
	const char *probe_args;		       /* --probe-args, for the probe module's init */
	const char *pcap_file;		       /* --pcap, or -o FILE.pcap with --dryrun */
	const char *user;		       /* --user: run as this user once sockets are open */
	const char *engine_options[IO_OPTIONS_MAX]; /* the engine's own options, as given */
	unsigned user_uid, user_gid;
};

/* The scan's addresses: the IPv4 targets' indices first, then the IPv6 targets'. */
static inline uint64_t scan_config_addresses(const struct scan_config *cfg)
{
	return cfg->targets.addresses + cfg->targets6.addresses;
}

/*
 * The scan's elements, 0 .. addresses x ports - 1, are address_index x ports + port_index;
 * the permutation walks them.  The senders and salvo-iterate take them apart here, so that
 * the tool prints what the scan probes.
 */

/* One target address of either family. */
struct scan_target {
	int v6; /* an IPv6 target: daddr6, not daddr */
	uint32_t daddr;
	uint8_t daddr6[16];
};

/* Element e's address index, and its port into *dport; port_div divides by the port count. */
static inline uint64_t scan_element_split(const struct scan_config *cfg,
					  const struct fastdiv *port_div, uint64_t e,
					  uint16_t *dport)
{
	uint64_t addr_index = fastdiv_div(port_div, e);

	*dport = cfg->ports.ports[e - addr_index * cfg->ports.count];
	return addr_index;
}

/* The address of addr_index (< scan_config_addresses): IPv4 targets first.  Allocation-free. */
static inline void scan_target_at(const struct scan_config *cfg, uint64_t addr_index,
				  struct scan_target *t)
{
	t->v6 = addr_index >= cfg->targets.addresses;
	if (!t->v6) {
		t->daddr = target_set_address(&cfg->targets, addr_index);
	} else {
		struct target6_addr a;

		target6_set_address(&cfg->targets6, addr_index - cfg->targets.addresses, &a);
		target6_to_bytes(a, t->daddr6);
	}
}

#endif
