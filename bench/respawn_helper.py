#!/usr/bin/env python3
"""Timing helper for bench/respawn.sh.  All times are CLOCK_MONOTONIC: on these machines the
wall clock is stepped now and then, which made exec-to-first-packet times come out negative.

  respawn_helper.py wait IFACE READY OUT  waits for the first frame arriving on IFACE and writes
                                          the time it was read (ns) to OUT
  respawn_helper.py exec OUT CMD...       writes the time (ns) to OUT, then replaces itself
                                          with CMD: the clock starts at exec
  respawn_helper.py sample IFACE START SECONDS
                                          after START s, counts tx_packets and tx_dropped of
                                          IFACE over SECONDS s; prints "packets dropped seconds"
The namespaces share CLOCK_MONOTONIC, so times from the two sides compare.
"""
import os
import socket
import sys
import time

ETH_P_ALL = 0x0003


def wait(iface, ready, out):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    # Frames of an earlier run may still be on their way: ready only once the link is quiet.
    s.settimeout(0.05)
    while True:
        try:
            s.recvfrom(2048)
        except socket.timeout:
            break
    s.settimeout(None)
    open(ready, "w").close()
    while True:
        _, addr = s.recvfrom(2048)
        now = time.monotonic_ns()
        if addr[2] != socket.PACKET_OUTGOING:
            with open(out, "w") as f:
                f.write("%d\n" % now)
            return


def stats(iface):
    base = "/sys/class/net/%s/statistics/" % iface
    return [int(open(base + name).read()) for name in ("tx_packets", "tx_dropped")]


def sample(iface, start, seconds):
    time.sleep(float(start))
    p0, d0 = stats(iface)
    t0 = time.monotonic()
    time.sleep(float(seconds))
    p1, d1 = stats(iface)
    print(p1 - p0, d1 - d0, time.monotonic() - t0)


def main():
    if sys.argv[1] == "wait":
        wait(*sys.argv[2:5])
    elif sys.argv[1] == "exec":
        with open(sys.argv[2], "w") as f:
            f.write("%d\n" % time.monotonic_ns())
        os.execv(sys.argv[3], sys.argv[3:])
    elif sys.argv[1] == "sample":
        sample(*sys.argv[2:5])


if __name__ == "__main__":
    main()
