/*
 * What only the io engines share (the scan core never includes this): helpers that would
 * otherwise be written once per engine.
 */
#ifndef SALVO_IO_IO_INTERNAL_H
#define SALVO_IO_IO_INTERNAL_H

#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>

#include "io/io.h"
#include "util/clock.h"

/*
 * A receive queue found empty: sleep idle_us, and return how long to sleep next time: twice
 * as long, up to max_us (which the queue's ring must outlast at the reply rates expected).
 * Receive threads of the engines whose rings are read without a system call wait this way
 * rather than block: on two cores a thread woken 20,000 times a second (or, for AF_XDP, a
 * thread asleep in poll() on the socket the sender transmits on, which every completed frame
 * then tries to wake) takes a tenth of the senders' CPU.
 */
static inline unsigned io_idle_sleep(unsigned idle_us, unsigned max_us)
{
	clock_sleep_us(idle_us);
	return idle_us < max_us ? idle_us * 2 : max_us;
}

/*
 * Ask the kernel to transmit what a socket's ring holds (a zero-length send: TPACKET TX rings
 * and AF_XDP sockets alike).  0 when it took the kick; -EAGAIN when it had no room now (the
 * frames stay queued and go with the next kick), counted in *busy for the status line; or
 * another -errno.  ENETDOWN counts as no room: the monitor decides when a link is gone.
 */
static inline int io_kick(int fd, uint64_t *busy)
{
	if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0 || errno == EINTR)
		return 0;
	if (errno == EAGAIN || errno == EBUSY || errno == ENOBUFS || errno == ENETDOWN) {
		__atomic_store_n(busy, *busy + 1, __ATOMIC_RELAXED);
		return -EAGAIN;
	}
	return -errno;
}

/* The span of our IPv4 sources, host order: rx_daddr alone, or the list's first to last.
 * What a filter that cannot hold a list takes in; the receive path checks the rest. */
static inline void io_daddr_span(const struct io_config *cfg, uint32_t *first, uint32_t *last)
{
	*first = cfg->rx_daddr_count > 1 ? cfg->rx_daddrs[0] : cfg->rx_daddr;
	*last = cfg->rx_daddr_count > 1 ? cfg->rx_daddrs[cfg->rx_daddr_count - 1] : cfg->rx_daddr;
}

/* Is addr in the sorted list addrs (count entries)?  A binary search. */
static inline int io_addr_listed(const uint32_t *addrs, unsigned count, uint32_t addr)
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

#endif
