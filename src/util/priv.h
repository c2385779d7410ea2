/*
 * Least privilege: once salvo has opened its sockets and attached its XDP program, it keeps
 * only the capabilities it still needs (and, with --user, becomes that user).
 */
#ifndef SALVO_UTIL_PRIV_H
#define SALVO_UTIL_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* A set of capabilities as a bit mask: bit n is capability n (CAP_NET_ADMIN = 12, ...). */
#define PRIV_CAP(n) (1ull << (n))
#define PRIV_ALL    (~0ull)

/*
 * Keep the capabilities in keep (those still held; PRIV_ALL keeps everything) and drop the
 * rest from the permitted, effective, inheritable and ambient sets of the calling thread; call
 * it before other threads start.  With uid != (unsigned)-1, first become uid:gid (no
 * supplementary groups), keeping those capabilities.  Returns 0 or a negative errno with one
 * line in err.
 */
int priv_drop(uint64_t keep, unsigned uid, unsigned gid, char *err, size_t errlen);

/* 1 if the calling thread has capability cap (CAP_IPC_LOCK, ...) in its effective set. */
int priv_effective(int cap);

#endif
