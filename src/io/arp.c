/* ARP frames for Ethernet and IPv4; see arp.h. */
#include "io/arp.h"

#include <errno.h>
#include <string.h>

#include "probe/packet.h"

#define ETHERTYPE_ARP	0x0806
#define ARP_LEN		28	   /* hardware and protocol types, lengths, op, two address pairs */
#define ARP_ETHER_IPV4	0x00010800 /* hardware type 1, protocol IPv4 */
#define ARP_LENS_ETHER4 0x0604	   /* 6-byte hardware addresses, 4-byte protocol addresses */

static void arp_build(uint8_t *frame, const uint8_t dst[6], const uint8_t sha[6], uint16_t op,
		      uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	uint8_t *arp = frame + ETH_HLEN_;

	memcpy(frame, dst, 6);
	memcpy(frame + 6, sha, 6);
	packet_put16(frame + 12, ETHERTYPE_ARP);
	packet_put32(arp, ARP_ETHER_IPV4);
	packet_put16(arp + 4, ARP_LENS_ETHER4);
	packet_put16(arp + 6, op);
	memcpy(arp + 8, sha, 6);
	packet_put32(arp + 14, spa);
	memcpy(arp + 18, tha, 6);
	packet_put32(arp + 24, tpa);
	memset(arp + ARP_LEN, 0, ARP_FRAME_LEN - ETH_HLEN_ - ARP_LEN);
}

unsigned arp_build_request(uint8_t *frame, const uint8_t mac[6], uint32_t saddr, uint32_t target)
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t unknown[6];

	arp_build(frame, broadcast, mac, ARP_OP_REQUEST, saddr, unknown, target);
	return ARP_FRAME_LEN;
}

unsigned arp_answer(uint8_t *frame, const struct arp_message *req, const uint8_t mac[6],
		    uint32_t addr)
{
	if (req->op != ARP_OP_REQUEST || req->tpa != addr)
		return 0;
	arp_build(frame, req->sha, mac, ARP_OP_REPLY, addr, req->sha, req->spa);
	return ARP_FRAME_LEN;
}

int arp_parse(const uint8_t *frame, uint32_t len, struct arp_message *m)
{
	const uint8_t *arp = frame + ETH_HLEN_;

	if (len < ETH_HLEN_ || packet_get16(frame + 12) != ETHERTYPE_ARP)
		return 0;
	if (len < ETH_HLEN_ + ARP_LEN || packet_get32(arp) != ARP_ETHER_IPV4 ||
	    packet_get16(arp + 4) != ARP_LENS_ETHER4)
		return -EBADMSG;
	/* A group MAC is nobody's: believed, it would turn every probe into a multicast. */
	if (arp[8] & 1)
		return -EBADMSG;
	m->op = packet_get16(arp + 6);
	memcpy(m->sha, arp + 8, 6);
	m->spa = packet_get32(arp + 14);
	memcpy(m->tha, arp + 18, 6);
	m->tpa = packet_get32(arp + 24);
	return 1;
}
