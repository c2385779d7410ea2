/*
 * Probe modules: what salvo sends and how it recognises the answers.
 *
 * A probe module is one file filling one struct probe_ops, listed once in
 * probe.c.  The scan core calls it in this order:
 *   init      once, with the scan's parameters (addresses, MACs, key);
 *   template  once per sender thread: the constant bytes of every frame;
 *   patch     per frame: copy of the template + the per-target fields;
 *   validate  per received frame: is this a reply to one of our probes?
 *   classify  per validated reply: what does it say (open, closed, ...)?
 *
 * Statelessness: whatever a reply must echo (TCP sequence number, source
 * port) is derived with the scan's validation PRF (util/prf.h: AES-128 or
 * SipHash) from the key and the (source, destination, destination port)
 * triple, so validate recomputes it from the reply alone.
 * validate and classify read untrusted bytes and must accept any input.
 */
#ifndef SALVO_PROBE_PROBE_H
#define SALVO_PROBE_PROBE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "probe/packet.h"
#include "probe/packet6.h"
#include "probe/replies.h"
#include "util/prf.h"
#include "util/siphash.h"

#define PROBE_FRAME_MAX 1514
/* Bytes of a reply's payload a result keeps for the module's own fields (ZMap's udp "data"). */
#define PROBE_DATA_MAX 256

/*
 * Set by the core before init; the module reads it, never changes it.
 *
 * Sources: with -S a range or list (ZMap's), each target is probed from one of saddrs, the
 * one probe_source chooses by the target's address alone, so that every probe to it, its
 * repeats and the check of its reply agree without a table.  With one source saddr_count is
 * 0 or 1 and saddr is it.  The modules' constant sums leave the source out: the patch adds
 * the chosen one with the destination, two more additions per checksum.
 */
struct probe_params {
	uint32_t saddr;		/* our address, host order: the only one, or the first of saddrs */
	const uint32_t *saddrs; /* every source (host order), when saddr_count > 1 */
	uint32_t saddr_count;	/* how many; 0 or 1: saddr alone */
	uint8_t saddr6[16];	/* our IPv6 address (network order), for IPv6 targets */
	uint8_t smac[ETH_ALEN_];
	uint8_t gwmac[ETH_ALEN_];
	uint8_t gwmac6[ETH_ALEN_]; /* the IPv6 next hop's: the IPv6 probes' destination MAC */
	uint16_t sport_first;	   /* our source ports: sport_first .. sport_first+sport_count-1 */
	uint32_t sport_count;
	uint32_t probes; /* probes per target (-P) */
	int sport_any;	 /* --validate-source-port=disable: any of our ports will do */
	uint8_t ttl;
	uint8_t key[SIPHASH_KEY_LEN];
	/* The validation PRF (util/prf.h), the scan's choice (a resumed scan's checkpoint's); with
	 * PRF_AES, probe_init derives aes from key. */
	enum prf_kind prf;
	struct prf_aes aes;
};

/* One reply, as validate and classify describe it (host order). */
struct probe_result {
	uint8_t family;	    /* 4, or 6: then saddr6 and daddr6 hold the addresses */
	uint32_t saddr;	    /* the target that answered (IPv4) */
	uint32_t daddr;	    /* us (IPv4) */
	uint8_t saddr6[16]; /* the target that answered (IPv6, network order) */
	uint8_t daddr6[16]; /* us (IPv6) */
	uint16_t sport;	    /* the target's port */
	uint16_t dport;	    /* our port */
	uint16_t ipid;
	uint16_t window;
	uint8_t ttl;
	uint8_t flags;	  /* transport flags as received (TCP flags) */
	uint8_t success;  /* set by classify: the port answered positively */
	uint8_t repeat;	  /* set by the core: not the first reply for this (address, port) */
	uint8_t cooldown; /* set by the core: it came after the last probe was sent */
	const char *classification;   /* set by classify: a static string such as "synack" */
	uint64_t timestamp_us;	      /* wall clock when received, set by the core */
	const char *probe;	      /* the probe module's name, set by the core */
	uint16_t data_len;	      /* bytes in data; the core sets 0 before validate */
	uint8_t data[PROBE_DATA_MAX]; /* the reply's payload (its first bytes), kept by validate
				       * for modules with fields of their own */
};

/*
 * A field a probe module adds to the output (-f, --list-output-fields), read from the
 * result's data: the DNS answers, the NTP stratum, the UDP payload.
 */
struct probe_field {
	const char *name;
	int number; /* 1: a number (json writes it bare), 0: a string */
	const char *help;
	/* Write the field of r into buf (cap bytes, NUL-terminated); return its length. */
	size_t (*format)(const struct probe_result *r, char *buf, size_t cap);
};

/* Keep up to PROBE_DATA_MAX bytes of a reply's payload in r (validate calls it). */
static inline void probe_result_keep_data(struct probe_result *r, const uint8_t *data, uint32_t len)
{
	if (len > PROBE_DATA_MAX)
		len = PROBE_DATA_MAX;
	memcpy(r->data, data, len);
	r->data_len = (uint16_t)len;
}

struct probe {
	const struct probe_ops *ops;
	struct probe_params params;
	/*
	 * One's-complement sums of the constant fields of the template's
	 * network and transport headers (pseudo-header included), set by
	 * init: patch adds only the per-target words, so a checksum costs a
	 * few additions instead of a pass over the headers.
	 */
	uint32_t sum_l3, sum_l4;
	uint32_t sum_l4_6;	/* the same for the IPv6 template (no IPv6 header checksum) */
	uint32_t frame_len_max; /* set by init when frames can outgrow the template */
	uint32_t variant;	/* a choice init made from args (tcp_synscan: the option preset) */
	const char *args;	/* --probe-args, NULL if none */
	void *priv;		/* the module's own state, from init */
};

struct probe_ops {
	const char *name;
	const char *help;
	/*
	 * What --probe-args takes, for --list-probe-modules (and so the man page), or NULL: the
	 * module takes none, and probe_init refuses any.
	 */
	const char *args_help;
	unsigned replies; /* PROBE_REPLY_* (probe/replies.h): what an engine must steer to salvo */
	int portless;	  /* probes addresses, not ports: the scan covers port 0 only */
	const struct probe_field *fields; /* the module's own output fields, or NULL */
	unsigned field_count;

	/*
	 * ZMap's dry-run text of the module's probes (probe/print.c), where it is not the plain
	 * tcp, udp or icmp block: the transport block's name ("dns"), NULL for the protocol's,
	 * and lines printed before it, from the probe's payload (ntp's "ntp { ... }").  Either
	 * may be NULL.
	 */
	const char *print_name;
	void (*print_head)(FILE *f, const uint8_t *payload, uint32_t len);

	/*
	 * Check params and p->args (--probe-args, may be NULL) and precompute;
	 * 0 or -EINVAL with a line in err.  May be NULL.  What it allocates
	 * goes in p->priv, released by close.
	 */
	int (*init)(struct probe *p, char *err, size_t errlen);

	/* Write the constant frame into buf (cap bytes); return its length or -ENOSPC. */
	int (*template)(const struct probe *p, uint8_t *buf, size_t cap);

	/*
	 * frame holds a copy of the template and has room for
	 * PROBE_FRAME_MAX bytes: write what depends on the target
	 * (addresses, ports, sequence, ids, payload, checksums) and return
	 * the frame's length.  probe_num counts from 0 to params.probes-1 for
	 * the repeats of one target.
	 */
	uint32_t (*patch)(const struct probe *p, uint8_t *frame, uint32_t daddr, uint16_t dport,
			  uint32_t probe_num);

	/*
	 * Is this IPv4 packet (already parsed by packet_parse_ipv4) a reply to
	 * one of our probes?  Returns 1 and fills r (not classification or
	 * success) if so, 0 if not.  Must not read outside v->l4[0..l4_len).
	 */
	int (*validate)(const struct probe *p, const struct packet_view *v, struct probe_result *r);

	/* Set r->classification and r->success for a validated reply. */
	void (*classify)(const struct probe *p, struct probe_result *r);

	/* Release what init allocated.  May be NULL. */
	void (*close)(struct probe *p);

	/*
	 * IPv6: the template, patch and validate steps over IPv6 frames (the destination is
	 * 16 bytes in network order; validate reads a packet_view6 and sets r->family to 6).
	 * NULL in a module that probes IPv4 only.  init prepares both families.
	 */
	int (*template6)(const struct probe *p, uint8_t *buf, size_t cap);
	uint32_t (*patch6)(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
			   uint16_t dport, uint32_t probe_num);
	int (*validate6)(const struct probe *p, const struct packet_view6 *v,
			 struct probe_result *r);
};

/* udp's built-in payload for port: 1 with data, len and a name, or 0 (for the tests). */
int probe_udp_payload_for_port(uint16_t port, const uint8_t **data, uint16_t *len,
			       const char **name);

const struct probe_ops *probe_by_name(const char *name);
/* Why salvo has no module of this ZMap name (a line for the error), or NULL. */
const char *probe_refused_reason(const char *name);
const char *probe_list(void);
/* The i-th module of the table, NULL past the end (tests and fuzzing walk them all). */
const struct probe_ops *probe_at(size_t i);
/* The names and the short aliases (tcp, icmp), for the completion. */
const char *probe_names_all(void);
/* Print every probe module with its help line and what its --probe-args take
 * (--list-probe-modules), a line each. */
void probe_modules_describe(FILE *f);

/*
 * Our source for the probes to daddr: saddr, or one of saddrs chosen by daddr alone (its
 * golden-ratio product, scaled to the list by a multiply: no division per probe), so that
 * the sources share the targets evenly.
 */
static inline uint32_t probe_source(const struct probe_params *pp, uint32_t daddr)
{
	if (__builtin_expect(pp->saddr_count <= 1, 1))
		return pp->saddr;
	return pp->saddrs[((uint64_t)(daddr * 0x9e3779b1u) * pp->saddr_count) >> 32];
}

/* The (validation) hash of one probe: everything a reply must echo comes from it. */
static inline uint64_t probe_hash(const struct probe_params *pp, uint32_t saddr, uint32_t daddr,
				  uint16_t dport)
{
	/* The PRF of the ten bytes saddr, daddr, dport in network order, taken as numbers. */
	uint64_t head = __builtin_bswap32(saddr) | (uint64_t)__builtin_bswap32(daddr) << 32;

	if (pp->prf == PRF_AES)
		return pp->aes.hash10(&pp->aes, head, __builtin_bswap16(dport));
	return siphash24_10(pp->key, head, __builtin_bswap16(dport));
}

/* The same for IPv6: the PRF of saddr, daddr (16 bytes each) and dport, in network order. */
static inline uint64_t probe_hash6(const struct probe_params *pp, const uint8_t saddr[16],
				   const uint8_t daddr[16], uint16_t dport)
{
	uint8_t in[PRF_IN6_LEN];

	memcpy(in, saddr, 16);
	memcpy(in + 16, daddr, 16);
	in[32] = (uint8_t)(dport >> 8);
	in[33] = (uint8_t)dport;
	if (pp->prf == PRF_AES)
		return pp->aes.hash34(&pp->aes, in);
	return siphash24(in, sizeof(in), pp->key);
}

/* Where in the source port range a probe's ports start, from its hash: the high 32 bits
 * scaled to the range by a multiply (no division on the per-probe path). */
static inline uint32_t probe_sport_base(const struct probe_params *pp, uint64_t hash)
{
	return (uint32_t)(((hash >> 32) * pp->sport_count) >> 32);
}

/* The source port of probe probe_num to (daddr, dport), given its hash. */
static inline uint16_t probe_sport(const struct probe_params *pp, uint64_t hash, uint32_t probe_num)
{
	uint32_t off = probe_sport_base(pp, hash) + probe_num;

	/* Beyond the range only when -P exceeds it (rare): then wrap. */
	if (off >= pp->sport_count)
		off %= pp->sport_count;
	return (uint16_t)(pp->sport_first + off);
}

/* Was port (our side of a reply) used by one of the probes with this hash? */
static inline int probe_sport_valid(const struct probe_params *pp, uint64_t hash, uint16_t port)
{
	uint32_t off, base = probe_sport_base(pp, hash);

	if (port < pp->sport_first || (uint32_t)(port - pp->sport_first) >= pp->sport_count)
		return 0;
	if (pp->sport_any)
		return 1;
	off = (uint32_t)(port - pp->sport_first);
	return (off + pp->sport_count - base) % pp->sport_count < pp->probes;
}

/* Derive the PRF's key, then call the module's init, if it has one: once, after params are set
 * (again after the key changes). */
static inline int probe_init(struct probe *p, char *err, size_t errlen)
{
	if (p->args && !p->ops->args_help) {
		snprintf(err, errlen, "--probe-args: %s takes none (got '%s')", p->ops->name,
			 p->args);
		return -EINVAL;
	}
	if (p->params.prf == PRF_AES)
		prf_aes_init(&p->params.aes, p->params.key, 1);
	return p->ops->init ? p->ops->init(p, err, errlen) : 0;
}

static inline void probe_close(struct probe *p)
{
	if (p->ops && p->ops->close)
		p->ops->close(p);
	p->priv = NULL;
}

static inline int probe_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	return p->ops->template(p, buf, cap);
}

static inline uint32_t probe_patch(const struct probe *p, uint8_t *frame, uint32_t daddr,
				   uint16_t dport, uint32_t probe_num)
{
	return p->ops->patch(p, frame, daddr, dport, probe_num);
}

static inline int probe_validate(const struct probe *p, const struct packet_view *v,
				 struct probe_result *r)
{
	return p->ops->validate(p, v, r);
}

static inline int probe_template6(const struct probe *p, uint8_t *buf, size_t cap)
{
	return p->ops->template6(p, buf, cap);
}

static inline uint32_t probe_patch6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
				    uint16_t dport, uint32_t probe_num)
{
	return p->ops->patch6(p, frame, daddr, dport, probe_num);
}

static inline int probe_validate6(const struct probe *p, const struct packet_view6 *v,
				  struct probe_result *r)
{
	return p->ops->validate6(p, v, r);
}

static inline void probe_classify(const struct probe *p, struct probe_result *r)
{
	p->ops->classify(p, r);
}

#endif
