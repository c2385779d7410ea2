/*
 * A bare AF_XDP sender for bench/engines.sh: the same 58-byte TCP SYN frame sent N times
 * through one XSK in copy mode (batches of 64, need_wakeup kicks, completions drained every
 * batch), with no permutation, hashing or patching: the ceiling salvo's af_xdp engine sits on.
 *   bare_xdp_tx IFNAME N
 * Benchmark only; never built into salvo.
 */
#include <errno.h>
#include <linux/if_xdp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <xdp/xsk.h>

#define FRAMES	   4096
#define FRAME_SIZE 2048
#define BATCH	   64

static const unsigned char frame[58] = {
	2,   0,	   0,	 0,    0,    2,	   2, 0,  0, 0, 0, 1,	 0x08, 0x00, 0x45,
	0,   0,	   44,	 0,    1,    0,	   0, 64, 6, 0, 0, 198,	 18,   0,    1,
	198, 18,   128,	 1,    0x80, 0x00, 0, 80, 0, 0, 0, 1,	 0,    0,    0,
	0,   0x60, 0x02, 0xff, 0xff, 0,	   0, 0,  0, 2, 4, 0x05, 0xb4,
};

int main(int argc, char **argv)
{
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_socket_config cfg = { .rx_size = 2048,
					 .tx_size = 2048,
					 .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
					 .bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP };
	unsigned long n, submitted = 0, completed = 0;
	unsigned long free_list[FRAMES], free_count = 0;
	unsigned char *area;
	int ret;

	if (argc != 3)
		return fprintf(stderr, "usage: bare_xdp_tx IFNAME N\n"), 2;
	n = strtoul(argv[2], NULL, 10);
	area = mmap(NULL, FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (area == MAP_FAILED)
		return perror("mmap"), 1;
	if ((ret = xsk_umem__create(&umem, area, FRAMES * FRAME_SIZE, &fill, &comp, NULL)) ||
	    (ret = xsk_socket__create(&xsk, argv[1], 0, umem, &rx, &tx, &cfg)))
		return fprintf(stderr, "xsk: %s\n", strerror(-ret)), 1;
	for (unsigned long i = 0; i < FRAMES; i++) {
		memcpy(area + i * FRAME_SIZE, frame, sizeof(frame));
		free_list[free_count++] = i * FRAME_SIZE;
	}
	while (completed < n) {
		__u32 idx, k = 0, want = BATCH;

		if (want > n - submitted)
			want = (__u32)(n - submitted);
		if (want > free_count)
			want = (__u32)free_count;
		if (want)
			k = xsk_ring_prod__reserve(&tx, want, &idx);
		for (__u32 i = 0; i < k; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&tx, idx + i);

			d->addr = free_list[--free_count];
			d->len = sizeof(frame);
		}
		xsk_ring_prod__submit(&tx, k);
		submitted += k;
		if (xsk_ring_prod__needs_wakeup(&tx) || k == 0)
			sendto(xsk_socket__fd(xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
		k = xsk_ring_cons__peek(&comp, 2048, &idx);
		for (__u32 i = 0; i < k; i++)
			free_list[free_count++] = *xsk_ring_cons__comp_addr(&comp, idx + i);
		xsk_ring_cons__release(&comp, k);
		completed += k;
	}
	xsk_socket__delete(xsk);
	xsk_umem__delete(umem);
	return 0;
}
