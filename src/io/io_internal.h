/*
 * What only the io engines share (the scan core never includes this): helpers that would
 * otherwise be written once per engine.
 */
#ifndef SALVO_IO_IO_INTERNAL_H
#define SALVO_IO_IO_INTERNAL_H

#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>

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

#endif
