#!/usr/bin/env python3
"""Target-side helpers for salvo's namespace tests; they run inside the target namespace.

  listen READY ADDR:PORT...      listen on each TCP address:port, touch READY, wait for SIGTERM
  udp-listen READY ADDR:PORT...  answer every datagram to each UDP address:port with "pong"
  sniff IFACE OUT SECONDS        count TCP SYNs arriving on IFACE per (daddr, dport) into OUT (json)
  expect-syns OUT NETS PORTS TIMES [AGAIN]
                                 check sniff's counts: every pair TIMES times, AGAIN extra at most
  forge IFACE OUT SECONDS NET    answer every SYN to NET (a.b.c.d/len) with forged SYN-ACKs that
                                 must not validate: wrong ack, or from the wrong address; the
                                 number sent goes to OUT

Only standard-library Python; packets never leave the namespaces the test created.
"""
import ipaddress
import json
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003


def listen(ready, specs):
    socks = []
    for spec in specs:
        addr, port = spec.rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, int(port)))
        s.listen(1024)
        socks.append(s)
    open(ready, "w").close()
    signal.sigwait([signal.SIGTERM, signal.SIGINT])


def udp_listen(ready, specs):
    import selectors
    sel = selectors.DefaultSelector()
    for spec in specs:
        addr, port = spec.rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, int(port)))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    open(ready, "w").close()
    while True:
        for key, _ in sel.select():
            try:
                _, peer = key.fileobj.recvfrom(2048)
                key.fileobj.sendto(b"pong", peer)
            except OSError:
                pass


def syns(iface, seconds):
    """Yield (frame, ip_off) for each TCP SYN (without ACK) arriving on iface."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    s.settimeout(0.2)
    end = time.time() + seconds
    while time.time() < end:
        try:
            frame, meta = s.recvfrom(65535)
        except socket.timeout:
            continue
        if meta[2] == socket.PACKET_OUTGOING or len(frame) < 54:
            continue
        if frame[12:14] != b"\x08\x00" or frame[23] != 6:
            continue
        ihl = (frame[14] & 0x0F) * 4
        tcp = 14 + ihl
        if len(frame) < tcp + 20:
            continue
        flags = frame[tcp + 13]
        if flags & 0x02 and not flags & 0x10:
            yield frame, tcp


def sniff(iface, out, seconds):
    counts = {}
    for frame, tcp in syns(iface, float(seconds)):
        key = "%s:%d" % (socket.inet_ntoa(frame[30:34]), struct.unpack("!H", frame[tcp + 2:tcp + 4])[0])
        counts[key] = counts.get(key, 0) + 1
    with open(out, "w") as f:
        json.dump(counts, f)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def synack(frame, tcp, src_ip, ack):
    """A SYN-ACK answering the SYN in frame, from src_ip, acknowledging ack."""
    dst_ip = frame[26:30]
    sport, dport = frame[tcp + 2:tcp + 4], frame[tcp:tcp + 2]
    th = sport + dport + struct.pack("!II", 777, ack & 0xFFFFFFFF) + bytes([5 << 4, 0x12]) + \
        struct.pack("!HHH", 65535, 0, 0)
    pseudo = src_ip + dst_ip + struct.pack("!BBH", 0, 6, len(th))
    th = th[:16] + struct.pack("!H", checksum(pseudo + th)) + th[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(th), 1, 0, 64, 6, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return frame[6:12] + frame[0:6] + b"\x08\x00" + ip + th


def forge(iface, out, seconds, net):
    network = ipaddress.ip_network(net)
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((iface, 0))
    sent = 0
    for frame, tcp in syns(iface, float(seconds)):
        dst = ipaddress.ip_address(frame[30:34])
        if dst not in network:
            continue
        seq = struct.unpack("!I", frame[tcp + 4:tcp + 8])[0]
        # Right ports and address, wrong acknowledgement number.
        tx.send(synack(frame, tcp, frame[30:34], seq + 2))
        tx.send(synack(frame, tcp, frame[30:34], seq))
        # Right acknowledgement, but from a neighbour of the probed address.
        tx.send(synack(frame, tcp, (int(dst) ^ 1).to_bytes(4, "big"), seq + 1))
        sent += 3
    with open(out, "w") as f:
        f.write("%d\n" % sent)


def expect_syns(counts_file, nets, ports, times, again_max="0"):
    """Exit 0 if the SYN counts (from sniff) cover exactly every (address in nets, port in
    ports) pair, each `times` times, with at most again_max extra SYNs in all (none of them a
    third copy); print a summary line either way."""
    import ipaddress
    counts = json.load(open(counts_file))
    times, again_max = int(times), int(again_max)
    addrs = [a for n in nets.split(",") for a in ipaddress.ip_network(n)]
    plist = []
    for part in ports.split(","):
        lo, _, hi = part.partition("-")
        plist.extend(range(int(lo), int(hi or lo) + 1))
    want = {"%s:%d" % (a, p) for a in addrs for p in plist}
    seen = set(counts)
    short = sum(1 for k in want if counts.get(k, 0) < times)
    again = sum(max(0, v - times) for v in counts.values())
    most = max(counts.values(), default=0)
    print("    SYNs seen: %d for %d of %d pairs; missing %d, extra %d, short of %d %d, "
          "sent again %d (allowed %d), most %d"
          % (sum(counts.values()), len(seen & want), len(want), len(want - seen),
             len(seen - want), times, short, again, again_max, most))
    ok = not (seen - want) and short == 0 and again <= again_max and \
        most <= times + (1 if again_max else 0)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "listen":
        listen(sys.argv[2], sys.argv[3:])
    elif cmd == "udp-listen":
        udp_listen(sys.argv[2], sys.argv[3:])
    elif cmd == "sniff":
        sniff(*sys.argv[2:5])
    elif cmd == "forge":
        forge(*sys.argv[2:6])
    elif cmd == "expect-syns":
        expect_syns(*sys.argv[2:7])
    else:
        sys.exit("unknown command " + cmd)
