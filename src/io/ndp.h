/*
 * IPv6 Neighbor Discovery (RFC 4861) for the engines that own their network (dpdk): no
 * kernel answers on their port, so the engine itself tells the next hop our MAC (a Neighbor
 * Advertisement for each Neighbor Solicitation of our address) and asks the next hop's (a
 * Neighbor Solicitation to its solicited-node group), as it does with ARP for IPv4.
 *
 * The frames are built into a buffer the engine lends (NDP_FRAME_LEN bytes: no allocation
 * here), and ndp_parse is the receive side: it reads bytes from the network and believes
 * none of them until RFC 4861's validity checks (section 7.1) have passed, hop limit 255
 * first, which no router forwards: a message from off the link is refused.
 */
#ifndef SALVO_IO_NDP_H
#define SALVO_IO_NDP_H

#include <stdint.h>

/* Ethernet + IPv6 + a solicitation or advertisement with one link-layer address option. */
#define NDP_FRAME_LEN 86

/* A Neighbor Advertisement's flags (the first byte after its checksum). */
#define NDP_FLAG_ROUTER	   0x80
#define NDP_FLAG_SOLICITED 0x40
#define NDP_FLAG_OVERRIDE  0x20

/* A valid solicitation or advertisement, copied out of the frame. */
struct ndp_message {
	uint8_t type;	    /* ICMP6_NEIGH_SOLICIT or ICMP6_NEIGH_ADVERT (packet6.h) */
	uint8_t flags;	    /* advertisement: NDP_FLAG_* */
	uint8_t saddr[16];  /* the IPv6 source: unspecified (::) for duplicate address detection */
	uint8_t target[16]; /* the address asked about, or advertised */
	uint8_t eth_src[6]; /* who sent the frame */
	uint8_t lladdr[6];  /* the source (NS) or target (NA) link-layer address option */
	int has_lladdr;
};

/*
 * 1 and m filled if frame is a valid Neighbor Solicitation or Advertisement; 0 if it is
 * neither (pass it on); -EBADMSG if it is one that fails validation (drop it).
 */
int ndp_parse(const uint8_t *frame, uint32_t len, struct ndp_message *m);

/*
 * A Neighbor Solicitation for target from (mac, saddr), to target's solicited-node
 * multicast group and its MAC (33:33:ff:xx:xx:xx), with our link-layer address, into frame
 * (NDP_FRAME_LEN bytes).  Returns the frame's length.
 */
unsigned ndp_build_solicit(uint8_t *frame, const uint8_t mac[6], const uint8_t saddr[16],
			   const uint8_t target[16]);

/*
 * The advertisement that answers solicitation ns if it asks for addr (ours, at mac), into
 * frame: to its sender, solicited and override set, our link-layer address in it; to all
 * nodes (ff02::1) without the solicited flag when the sender has no address yet (duplicate
 * address detection: RFC 4861 section 7.2.4).  Returns its length, or 0 when ns does not
 * ask for addr.
 */
unsigned ndp_answer(uint8_t *frame, const struct ndp_message *ns, const uint8_t mac[6],
		    const uint8_t addr[16]);

/* The solicited-node multicast MAC of addr (33:33:ff and its last three bytes). */
void ndp_solicited_node_mac(const uint8_t addr[16], uint8_t mac[6]);

#endif
