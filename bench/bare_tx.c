/*
 * A bare sender for bench/send-rate.sh: the same 58-byte TCP SYN frame sent N times as
 * fast as the kernel takes it, with no permutation, hashing or patching, to show the
 * ceiling of the kernel path salvo's af_packet engine sits on.
 *   bare_tx ring IFNAME N   TPACKET_V2 TX ring + PACKET_QDISC_BYPASS, kicks per 256
 *   bare_tx mmsg IFNAME N   sendmmsg of 256 frames on a plain packet socket + bypass
 * Benchmark only; never built into salvo.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define FRAME_LEN   58
#define BATCH	    256
#define RING_FRAMES 4096
#define SLOT	    128

static const unsigned char frame[FRAME_LEN] = {
	2,   0,	   0,	 0,    0,    2,	   2, 0,  0, 0, 0, 1,	 0x08, 0x00, 0x45,
	0,   0,	   44,	 0,    1,    0,	   0, 64, 6, 0, 0, 198,	 18,   0,    1,
	198, 18,   128,	 1,    0x80, 0x00, 0, 80, 0, 0, 0, 1,	 0,    0,    0,
	0,   0x60, 0x02, 0xff, 0xff, 0,	   0, 0,  0, 2, 4, 0x05, 0xb4,
};

int main(int argc, char **argv)
{
	int fd, one = 1, v2 = TPACKET_V2;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	unsigned long n, sent = 0;

	if (argc != 4)
		return fprintf(stderr, "usage: bare_tx ring|mmsg IFNAME N\n"), 2;
	n = strtoul(argv[3], NULL, 10);
	sll.sll_ifindex = (int)if_nametoindex(argv[2]);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0 || !sll.sll_ifindex ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		return perror("socket"), 1;
	if (strcmp(argv[1], "mmsg") == 0) {
		struct mmsghdr msgs[BATCH];
		struct iovec iov = { (void *)frame, FRAME_LEN };

		if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
			return perror("bind"), 1;
		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < BATCH; i++) {
			msgs[i].msg_hdr.msg_iov = &iov;
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		while (sent < n) {
			int k = sendmmsg(fd, msgs, (unsigned)(n - sent < BATCH ? n - sent : BATCH),
					 0);

			if (k > 0)
				sent += (unsigned long)k;
		}
		return 0;
	}
	struct tpacket_req req = { .tp_block_size = 4096,
				   .tp_frame_size = SLOT,
				   .tp_block_nr = RING_FRAMES * SLOT / 4096,
				   .tp_frame_nr = RING_FRAMES };
	unsigned char *ring;
	unsigned long head = 0;

	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v2, sizeof(v2)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)))
		return perror("ring"), 1;
	ring = mmap(NULL, RING_FRAMES * SLOT, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED || bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		return perror("mmap/bind"), 1;
	while (sent < n) {
		int k = 0;

		while (k < BATCH && sent + (unsigned long)k < n) {
			struct tpacket2_hdr *h = (void *)(ring + (head % RING_FRAMES) * SLOT);

			if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE)
				break;
			memcpy((unsigned char *)h + TPACKET_ALIGN(sizeof(*h)), frame, FRAME_LEN);
			h->tp_len = FRAME_LEN;
			__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
			head++;
			k++;
		}
		sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		sent += (unsigned long)k;
	}
	while (sendto(fd, NULL, 0, 0, NULL, 0) > 0)
		;
	return 0;
}
