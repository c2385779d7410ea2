/*
 * ARP (RFC 826) for Ethernet and IPv4: the frames salvo sends to learn a next hop's MAC, and
 * the answers an engine that owns its network (dpdk) gives for our addresses.  Who calls it:
 * netif.c, which asks for a next hop on a packet socket before a kernel-interface scan
 * starts, and dpdk.c, on its own port.  One copy of the frame layout for both, as ndp.h is
 * for IPv6.
 *
 * The frames are built into a buffer the caller lends (ARP_FRAME_LEN bytes: no allocation
 * here).  arp_parse is the receive side: it reads bytes from the network and believes none
 * of them until the hardware and protocol types and lengths are Ethernet's and IPv4's.
 */
#ifndef SALVO_IO_ARP_H
#define SALVO_IO_ARP_H

#include <stdint.h>

/* The minimum Ethernet frame (without FCS): an ARP message padded with zeros. */
#define ARP_FRAME_LEN 60

#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2

/* A valid Ethernet/IPv4 ARP message, copied out of the frame; addresses in host order. */
struct arp_message {
	uint16_t op;	/* ARP_OP_REQUEST or ARP_OP_REPLY (others are parsed, never acted on) */
	uint8_t sha[6]; /* the sender's MAC */
	uint32_t spa;	/* the sender's address */
	uint8_t tha[6];
	uint32_t tpa; /* the address asked about (request) or answered to (reply) */
};

/*
 * 1 and m filled if frame is an ARP message for Ethernet and IPv4; 0 if it is not ARP (pass
 * it on); -EBADMSG if it is ARP that is short, of another hardware or protocol, or from a
 * multicast MAC (drop it).
 */
int arp_parse(const uint8_t *frame, uint32_t len, struct arp_message *m);

/*
 * A broadcast request for target from (mac, saddr) into frame (ARP_FRAME_LEN bytes).
 * Returns the frame's length.
 */
unsigned arp_build_request(uint8_t *frame, const uint8_t mac[6], uint32_t saddr, uint32_t target);

/*
 * The reply to request req if it asks for addr (ours, at mac), into frame: to its sender,
 * with our MAC.  Returns its length, or 0 when req is no request for addr.
 */
unsigned arp_answer(uint8_t *frame, const struct arp_message *req, const uint8_t mac[6],
		    uint32_t addr);

#endif
