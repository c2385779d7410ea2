#!/usr/bin/env python3
"""Target-side helpers for salvo's namespace tests; they run inside the target namespace.

  listen READY ADDR:PORT...      listen on each TCP address:port, touch READY, wait for SIGTERM
  udp-listen READY ADDR:PORT...  answer every datagram to each UDP address:port with "pong"
  sniff IFACE OUT SECONDS        count TCP SYNs arriving on IFACE per (daddr, dport) into OUT (json);
                                 stops early, writing OUT, on SIGTERM
  expect-syns OUT NETS PORTS TIMES [AGAIN]
                                 check sniff's counts: every pair TIMES times, AGAIN extra at most
  forge IFACE OUT SECONDS NET    answer every SYN to NET (a.b.c.d/len) with forged SYN-ACKs that
                                 must not validate: wrong ack, or from the wrong address; the
                                 number sent goes to OUT
  late-synack READY IFACE OUT DELAY ADDR:PORT...
                                 answer each SYN to ADDR:PORT with a SYN-ACK DELAY seconds
                                 later and again 2 x DELAY later (as a stack retransmits), for
                                 addresses nobody else answers; until SIGTERM, then write OUT
                                 (json: per pair, the monotonic times of its SYNs and SYN-ACKs)
  windows RESULT TOTAL RECEIVED  check anyscan_client's windows (json RESULT) of a scan of TOTAL
                                 probes with RECEIVED open ports: every window exits 0; none
                                 cut while the scan was still sending is a slip; the last one
                                 finishes on its own; the progress counts rise across windows
                                 to TOTAL sent and RECEIVED received
  boundary LATE WINDOWS          from late-synack's OUT and the windows of anyscan_client's
                                 result (json): per open pair, which window's process sent its
                                 SYN and which one was alive for each SYN-ACK; prints the counts
                                 and exits 1 if no pair's first SYN-ACK came after the end of the
                                 window that probed it (the test would prove nothing)

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


STOP = []


def stop_on_sigterm():
    signal.signal(signal.SIGTERM, lambda *_: STOP.append(1))


def syns(iface, seconds, timeout=0.2):
    """Yield (frame, ip_off) for each TCP SYN (without ACK) arriving on iface; also None every
    timeout seconds without one, so callers can do timed work."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    s.settimeout(timeout)
    end = time.time() + seconds
    while time.time() < end and not STOP:
        try:
            frame, meta = s.recvfrom(65535)
        except (socket.timeout, InterruptedError):
            yield None
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
    stop_on_sigterm()
    counts = {}
    for syn in syns(iface, float(seconds)):
        if syn is None:
            continue
        frame, tcp = syn
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
    for syn in syns(iface, float(seconds)):
        if syn is None:
            continue
        frame, tcp = syn
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


def late_synack(ready, iface, out, delay, specs):
    """SYN-ACKs that come late: each SYN to an open pair is answered delay and 2 x delay later."""
    stop_on_sigterm()
    delay = float(delay)
    open_pairs = set(specs)
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((iface, 0))
    log = {p: {"syn": [], "synack": []} for p in open_pairs}
    due = []  # (time, pair, frame)
    gen = syns(iface, 1e9, timeout=0.005)
    open(ready, "w").close()
    for syn in gen:
        now = time.monotonic()
        for item in [d for d in due if d[0] <= now]:
            due.remove(item)
            tx.send(item[2])
            log[item[1]]["synack"].append(time.monotonic())
        if syn is None:
            continue
        frame, tcp = syn
        pair = "%s:%d" % (socket.inet_ntoa(frame[30:34]),
                          struct.unpack("!H", frame[tcp + 2:tcp + 4])[0])
        if pair not in open_pairs:
            continue
        log[pair]["syn"].append(now)
        seq = struct.unpack("!I", frame[tcp + 4:tcp + 8])[0]
        reply = synack(frame, tcp, frame[30:34], seq + 1)
        due += [(now + delay, pair, reply), (now + 2 * delay, pair, reply)]
    with open(out, "w") as f:
        json.dump(log, f)


def windows(result_file, total, received):
    """The orchestrator's yardsticks over a loop of windows (see the usage above)."""
    windows = json.load(open(result_file))["windows"]
    total, received = int(total), int(received)
    ok, sent, last = True, 0, None
    for i, w in enumerate(windows):
        sent += w["tx_packets"]
        # Until the window in which the last probe left, every window is a sending window.
        sending = sent < total
        p = w["progress"] or {}
        print("    window %d: rate %d, %.3f s spawn to exit, %d sent (%.3f x set), dropped %d, "
              "exit %s, %s, progress %s%%/%s/%s%s"
              % (i + 1, w["rate"], w["seconds"], w["tx_packets"], w["achieved"] / w["rate"],
                 w["tx_dropped"], w["exit"], "finished" if w["finished"] else "cut",
                 p.get("percent"), p.get("sent"), p.get("received"),
                 " - SLIP" if w["slip"] else ""))
        if w["exit"] != 0 or (sending and w["slip"]):
            ok = False
        if p and last and (p["sent"] < last["sent"] or p["received"] < last["received"]):
            print("    progress went down")
            ok = False
        last = p or last
    if not windows[-1]["finished"]:
        print("    the last window did not finish on its own")
        ok = False
    if not last or last["sent"] != total or last["received"] != received or \
            last["percent"] != 100:
        print("    the last progress line is not the whole scan's: %s" % last)
        ok = False
    sys.exit(0 if ok else 1)


def boundary(late_file, windows_file):
    """How the late SYN-ACKs fell across the scanner's windows (see the usage above)."""
    log = json.load(open(late_file))
    windows = json.load(open(windows_file))["windows"]

    def window_at(t):
        for i, w in enumerate(windows):
            if w["spawn"] <= t <= w["end"]:
                return i
        return None

    late = gap = unprobed = 0
    for pair, times in sorted(log.items()):
        if not times["syn"]:
            unprobed += 1
            continue
        probed_by = window_at(times["syn"][0])
        first = times["synack"][0] if times["synack"] else None
        alive = [window_at(t) for t in times["synack"]]
        if first is not None and alive[0] is None:
            gap += 1
        if probed_by is not None and first is not None and first > windows[probed_by]["end"]:
            late += 1
        print("    %s: SYN in window %s, SYN-ACKs while window %s was running"
              % (pair, probed_by, alive))
    print("    %d open pairs: %d answered only after the window that probed them had ended, "
          "%d first SYN-ACKs fell in a respawn gap (lost there; the retransmission counts), "
          "%d never probed" % (len(log), late, gap, unprobed))
    sys.exit(0 if late and not unprobed else 1)


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
    elif cmd == "late-synack":
        late_synack(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:])
    elif cmd == "windows":
        windows(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "boundary":
        boundary(sys.argv[2], sys.argv[3])
    elif cmd == "expect-syns":
        expect_syns(*sys.argv[2:7])
    else:
        sys.exit("unknown command " + cmd)
