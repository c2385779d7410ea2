#!/usr/bin/env python3
"""Helpers for salvo's namespace tests: servers, sniffers and forgers that run inside the target
namespace, waits on counters, and the checks that read what a test collected.

  listen READY ADDR:PORT...      listen on each TCP address:port, touch READY, wait for SIGTERM
  udp-listen READY ADDR:PORT...  answer every datagram to each UDP address:port with "pong"
  count-syns READY IFACE OUT     count TCP SYNs arriving on IFACE per (daddr, dport) into OUT
                                 (json), from the moment READY is touched until SIGTERM and then
                                 no SYN for 0.5 s (what was on its way is counted); meanwhile
                                 OUT.total holds the number so far
  slow-reader RATE               copy stdin to stdout at RATE lines a second, its pipe shrunk
                                 to one page (a reader slower than the scan, as zgrab2 is)
  wait-count FILE N [SECONDS]    wait until FILE counts N: packets if it is a pcap file, else the
                                 number it holds (count-syns' OUT.total, a sysfs counter); exit 1
                                 if it does not within SECONDS (default 30)
  expect-syns OUT NETS PORTS TIMES [AGAIN]
                                 check sniff's counts: every pair TIMES times, AGAIN extra at most
  syn-pairs OUT                  the address:port pairs in sniff's counts, one a line
  check-sent META N ENGINE       the -m metadata META says N probes were sent with ENGINE
  forge READY IFACE OUT NET      answer every SYN to NET (a.b.c.d/len) with forged SYN-ACKs that
                                 must not validate: wrong ack, or from the wrong address; until
                                 SIGTERM (then as sniff), the number sent goes to OUT
  tun-answer READY TUN OUT ADDR:PORT...
                                 attach to tun device TUN and answer each SYN salvo writes
                                 to it (IPv4 or IPv6): SYN-ACK from the open ADDR:PORTs, RST
                                 elsewhere;
                                 until SIGTERM, then write the number of SYNs to OUT
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
  random-int LO HI               print a random whole number from LO to HI
  check-output-formats DIR ADDR:PORT...
                                 DIR's out.csv, out.json (all fields), multi.list (several ports)
                                 and single.list (port 443) each hold exactly the ADDR:PORTs
  check-metadata DIR ENGINE      DIR's meta.json (-m) and status.csv (-u) of the 1024-probe scan
                                 of test_metadata_and_status_updates_files tell its counts
  check-udp-counts META          -m of the UDP scan: 1024 sent, 4 open, 1020 closed by ICMP
  check-max-results META N       -m of a scan with -N N: N results, sending stopped early, no
                                 cooldown waited for
  check-legacy-status ERR        every progress line on stderr ERR matches the orchestrator's
                                 regex; the sent counts rise to 2048
  check-json-status ERR ENGINE   the --status-format=json lines on stderr ERR parse, with every
                                 field, rate_set 1000 and the sent count rising to 2048
  control-session SOCK TIMES     the --control client of test_control_socket_...: rate 2000,
                                 pause, resume, status, bad commands; the times of the first
                                 three go to TIMES
  check-control-rates STAMPS TIMES
                                 from the SYNs' times (one a line) and control-session's TIMES:
                                 the rate after "rate 2000", none while paused, no burst after
                                 "resume"
  check-aimd-growth STAMPS ERR   --rate-mode=aimd: the set rate on salvo's status lines (ERR)
                                 grows by 1000 a second from 2000; the SYNs' times show it
  check-job-result RESULT SENT ADDR:PORT...
                                 anyscan_client's result (json text): "open" is exactly the list
                                 ADDR:PORT..., the progress line says SENT sent
  check-job-open RESULT ADDR:PORT...
                                 anyscan_client's result (json text): "open" holds the ADDR:PORTs
  check-window RESULT RATE SIG I the window of anyscan_client's result (json text), window I of
                                 test_orchestrator_rate_windows_...: cut by SIG, at its own RATE
  check-finished-resume RESULT SYNS
                                 anyscan_client's result file of a --resume of a finished scan:
                                 finished at once; SYNS (count-syns' .total) says no probe sent
  manifest-get MANIFEST WHAT     from the Kubernetes manifest: the container's args (one a line),
                                 the ConfigMap's scan.conf (conf), or the completions (shards)
  check-manifest MANIFEST        the manifest has what an Indexed Job of salvo shards needs
  check-dryrun-coverage DUMP PROBES SALVO_ARGS...
                                 tcpdump -vv's text DUMP of dry-run pcaps: every (address, port)
                                 of the -p ports and targets in SALVO_ARGS exactly PROBES times,
                                 every TCP checksum correct

Only standard-library Python (manifest-get and check-manifest also need python3-yaml, as the
manifest is YAML); packets never leave the namespaces the test created.
"""
import errno
import ipaddress
import json
import os
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SO_RCVBUFFORCE = 33  # asm-generic/socket.h; Python's socket module does not name these
SOL_PACKET = 263
PACKET_STATISTICS = 6
IPV6_FREEBIND = 78  # linux/in6.h; Python's socket module does not name it


def listen(ready, specs):
    socks = []
    for spec in specs:
        addr, port = spec.rsplit(":", 1)
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            # An address of a "local" route, not one configured: IPv6 binds it only so.
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
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
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(family, socket.SOCK_DGRAM)
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
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


def packet_drops(s):
    """Frames the kernel dropped for AF_PACKET socket s since the last call (tp_drops)."""
    return struct.unpack("II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))[1]


def syns(iface, seconds, timeout=0.2, ready=None, drain=None, ipv6=False, stats=None):
    """Yield (frame, tcp_off) for each TCP SYN (without ACK) arriving on iface, over IPv4 (and
    with ipv6, over IPv6 without extension headers, as salvo sends them); also None every
    timeout seconds without one, so callers can do timed work.  Touches ready (if given) once
    the socket is bound.  SIGTERM (see stop_on_sigterm) ends it: at once, or with drain, once
    no SYN has come for drain seconds, so that what was already on its way is seen too (other
    frames, such as a stack's retransmitted SYN-ACKs and the RSTs they draw, do not count).
    A sniffer that falls behind loses frames at its socket, not salvo: the buffer is made large
    (64 MB, as root) and, with stats (a dict), the frames it still dropped go to stats["drops"]."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    s.bind((iface, 0))
    packet_drops(s)
    s.settimeout(timeout)
    if ready:
        open(ready, "w").close()
    end = time.time() + seconds
    last = None  # once stopping: when the last SYN came, or the stop
    while time.time() < end:
        if STOP:
            if drain is None:
                break
            last = last or time.monotonic()
            if time.monotonic() - last >= drain:
                break
        try:
            frame, meta = s.recvfrom(65535)
        except (socket.timeout, InterruptedError):
            yield None
            continue
        except OSError as e:
            # The interface went down (a test does that): as quiet as a timeout.
            if e.errno != errno.ENETDOWN:
                raise
            yield None
            continue
        if meta[2] == socket.PACKET_OUTGOING or len(frame) < 54:
            continue
        if ipv6 and frame[12:14] == b"\x86\xdd" and frame[20] == 6:
            tcp = 54
        elif frame[12:14] == b"\x08\x00" and frame[23] == 6:
            tcp = 14 + (frame[14] & 0x0F) * 4
        else:
            continue
        if len(frame) < tcp + 20:
            continue
        flags = frame[tcp + 13]
        if flags & 0x02 and not flags & 0x10:
            if STOP:
                last = time.monotonic()
            yield frame, tcp
    if stats is not None:
        stats["drops"] = packet_drops(s)


def write_atomically(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def sniff(iface, out, seconds, ready=None):
    """SYNs per (daddr, dport) into out (json), IPv4 and IPv6 alike; the running total in
    out.total meanwhile."""
    stop_on_sigterm()
    counts, total, shown, when, stats = {}, 0, None, 0.0, {}
    for syn in syns(iface, float(seconds), timeout=0.05, ready=ready, drain=0.5, ipv6=True,
                    stats=stats):
        if syn is not None:
            frame, tcp = syn
            if frame[12:14] == b"\x86\xdd":
                daddr = socket.inet_ntop(socket.AF_INET6, frame[38:54])
            else:
                daddr = socket.inet_ntoa(frame[30:34])
            key = "%s:%d" % (daddr, struct.unpack("!H", frame[tcp + 2:tcp + 4])[0])
            counts[key] = counts.get(key, 0) + 1
            total += 1
        # At most 20 writes a second, and the last count once things are quiet.
        if total != shown and (syn is None or time.monotonic() - when >= 0.05):
            write_atomically(out + ".total", "%d\n" % total)
            shown, when = total, time.monotonic()
    with open(out, "w") as f:
        json.dump(counts, f)
    write_atomically(out + ".drops", "%d\n" % stats.get("drops", 0))
    write_atomically(out + ".total", "%d\n" % total)


def count_syns(ready, iface, out):
    sniff(iface, out, float("inf"), ready=ready)


class PcapCount:
    """The number of whole packets in a pcap file that is still being written."""

    MAGIC = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
             b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">"}

    def __init__(self, path, order):
        self.path, self.order, self.offset, self.packets = path, order, 24, 0

    def count(self):
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        pos = 0
        while pos + 16 <= len(data):
            caplen = struct.unpack(self.order + "I", data[pos + 8:pos + 12])[0]
            if pos + 16 + caplen > len(data):
                break
            pos += 16 + caplen
            self.packets += 1
        self.offset += pos
        return self.packets


def file_count(path, pcap=None):
    """(count, pcap): what FILE counts now (see wait-count); pcap carries a pcap's place."""
    try:
        if pcap:
            return pcap.count(), pcap
        with open(path, "rb") as f:
            head = f.read(24)
        if head[:4] in PcapCount.MAGIC:
            if len(head) < 24:
                return 0, None
            pcap = PcapCount(path, PcapCount.MAGIC[head[:4]])
            return pcap.count(), pcap
        return int(head.split()[0]), None
    except (OSError, ValueError, IndexError):
        return 0, None


def wait_count(path, n, seconds="30"):
    """Wait until path counts n (see the usage above)."""
    n, end, pcap = int(n), time.monotonic() + float(seconds), None
    while True:
        have, pcap = file_count(path, pcap)
        if have >= n:
            sys.exit(0)
        if time.monotonic() >= end:
            print("    %s: %d, not %d, after %s s" % (path, have, n, seconds))
            sys.exit(1)
        time.sleep(0.02)


def syn_pairs(counts_file):
    for pair in sorted(json.load(open(counts_file))):
        print(pair)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_answer(syn, ack, flags, pseudo):
    """The 20-byte TCP header answering the segment whose ports open syn: the ports swapped,
    acknowledging ack, with flags; its checksum over pseudo(length), the IP pseudo-header."""
    th = syn[2:4] + syn[0:2] + struct.pack("!II", 777, ack & 0xFFFFFFFF) + \
        bytes([5 << 4, flags]) + struct.pack("!HHH", 65535, 0, 0)
    return th[:16] + struct.pack("!H", checksum(pseudo(len(th)) + th)) + th[18:]


def synack(frame, tcp, src_ip, ack, flags=0x12):
    """A SYN-ACK (or, with flags, another segment) answering the SYN in frame, from src_ip,
    acknowledging ack."""
    dst_ip = frame[26:30]
    th = tcp_answer(frame[tcp:tcp + 4], ack, flags,
                    lambda n: src_ip + dst_ip + struct.pack("!BBH", 0, 6, n))
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(th), 1, 0, 64, 6, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return frame[6:12] + frame[0:6] + b"\x08\x00" + ip + th


def segment6(pkt, ack, flags):
    """The IPv6 packet answering the IPv6 TCP segment pkt (no extension header, as salvo
    sends them): from its destination, acknowledging ack, with flags."""
    src, dst = pkt[24:40], pkt[8:24]
    th = tcp_answer(pkt[40:44], ack, flags, lambda n: src + dst + struct.pack("!IxxxB", n, 6))
    return struct.pack("!IHBB", 6 << 28, len(th), 6, 64) + src + dst + th


def tun_answer(ready, tun, out, specs):
    """Attach to the tun device and answer every SYN that salvo writes to it as a stack
    would: a SYN-ACK from each open ADDR:PORT, a RST elsewhere, over IPv4 and IPv6; the SYNs
    seen go to OUT."""
    import fcntl
    import select
    stop_on_sigterm()
    fd = os.open("/dev/net/tun", os.O_RDWR)
    # TUNSETIFF with IFF_TUN | IFF_NO_PI: bare IP packets, no header of the tun driver's.
    fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", tun.encode(), 0x0001 | 0x1000))
    open_set = {(ipaddress.ip_address(a), int(p)) for a, p in (x.rsplit(":", 1) for x in specs)}
    seen = 0
    open(ready, "w").close()
    while not STOP:
        try:
            if not select.select([fd], [], [], 0.2)[0]:
                continue
            pkt = os.read(fd, 65535)
        except InterruptedError:
            continue
        if len(pkt) >= 60 and pkt[0] >> 4 == 6 and pkt[6] == 6:
            if pkt[40 + 13] & 0x12 != 0x02:
                continue
            seen += 1
            dport, seq = struct.unpack("!HI", pkt[42:48])
            opened = (ipaddress.ip_address(pkt[24:40]), dport) in open_set
            os.write(fd, segment6(pkt, seq + 1, 0x12 if opened else 0x14))
            continue
        if len(pkt) < 40 or pkt[0] >> 4 != 4 or pkt[9] != 6:
            continue
        ihl = (pkt[0] & 15) * 4
        tcp = 14 + ihl
        frame = bytes(14) + pkt
        if frame[tcp + 13] & 0x12 != 0x02:
            continue
        seen += 1
        dport = struct.unpack("!H", pkt[ihl + 2:ihl + 4])[0]
        seq = struct.unpack("!I", pkt[ihl + 4:ihl + 8])[0]
        flags = 0x12 if (ipaddress.ip_address(pkt[16:20]), dport) in open_set else 0x14
        os.write(fd, synack(frame, tcp, pkt[16:20], seq + 1, flags)[14:])
    write_atomically(out, str(seen))


def check_sent(meta, n, engine):
    m = json.load(open(meta))
    print("    %s (%s): sent %d in %.3f s" % (m["engine"]["name"], m["engine"]["mode"],
                                            m["counts"]["sent"], m["send_duration_s"]))
    sys.exit(0 if m["counts"]["sent"] == int(n) and m["engine"]["name"] == engine else 1)


def forge(ready, iface, out, net):
    stop_on_sigterm()
    network = ipaddress.ip_network(net)
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((iface, 0))
    sent = 0
    for syn in syns(iface, float("inf"), ready=ready, drain=0.5):
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
    for syn in syns(iface, 1e9, timeout=0.005, ready=ready):
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
    ok, last = True, None
    for i, w in enumerate(windows):
        p = w["progress"] or {}
        # Until the window in which the last probe left, every window is a sending window.  By
        # salvo's own count: sv0's tx_packets also counts the kernel's RSTs to late SYN-ACKs.
        sending = p.get("sent", 0) < total
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
    try:
        drops = int(open(counts_file + ".drops").read())
    except (OSError, ValueError):
        drops = 0
    print("    SYNs seen: %d for %d of %d pairs; missing %d, extra %d, short of %d %d, "
          "sent again %d (allowed %d), most %d%s"
          % (sum(counts.values()), len(seen & want), len(want), len(want - seen),
             len(seen - want), times, short, again, again_max, most,
             "; THE SNIFFER DROPPED %d FRAMES (the count is not salvo's)" % drops if drops else ""))
    ok = not (seen - want) and short == 0 and again <= again_max and \
        most <= times + (1 if again_max else 0)
    sys.exit(0 if ok else 1)



def random_int(lo, hi):
    import random
    print(random.randint(int(lo), int(hi)))


def check_output_formats(tmp, specs):
    """One scan per output module, read back with Python's own csv and json parsers (and the
    list format as the orchestrator reads it): each gives exactly the open set specs."""
    import csv
    import datetime
    want = {tuple(p.split(":")) for p in specs}
    want = {(a, int(p)) for a, p in want}
    ok = True

    def check(name, got):
        nonlocal ok
        print("    %s: %d results%s" % (name, len(got), "" if got == want else " DIFFER: %r" % got))
        ok &= got == want
    rows = list(csv.DictReader(open(tmp + "/out.csv")))
    check("csv", {(r["saddr"], int(r["sport"])) for r in rows})
    ok &= all(r["classification"] == "synack" and r["success"] == "1" and r["daddr"] == "198.18.0.1"
              and r["probe"] == "tcp_synscan" and r["repeat"] == "0" for r in rows)
    objs = [json.loads(line) for line in open(tmp + "/out.json")]
    check("json", {(o["saddr"], o["sport"]) for o in objs})
    for o in objs:
        ok &= isinstance(o["sport"], int) and isinstance(o["ttl"], int) and o["success"] == 1
        datetime.datetime.strptime(o["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    multi = [line.split()[0] for line in open(tmp + "/multi.list")]
    check("list (several ports)", {(x.split(":")[0], int(x.split(":")[1])) for x in multi})
    single = [line.split()[0] for line in open(tmp + "/single.list")]
    want443 = {a for a, p in want if p == 443}
    print("    list (one port): %r" % single)
    ok &= set(single) == want443 and len(single) == len(want443)
    sys.exit(0 if ok else 1)


def check_metadata(tmp, engine):
    """-m's JSON summary matches the scan (1024 probes, 5 open, seed 77); -u's CSV lines count
    the probes sent up to all 1024.  af_packet names its TX path: sendmmsg on this veth when
    left to choose, the ring when asked for it."""
    import csv
    args, engine = engine.split()[1:], engine.split()[0]
    m = json.load(open(tmp + "/meta.json"))
    c = m["counts"]
    print("    metadata: engine %s (%s), sent %d, successes %d, written %d, %.2fs, seed %d"
          % (m["engine"]["name"], m["engine"]["mode"], c["sent"], c["successes"],
             c["results_written"], m["duration_s"], m["config"]["seed"]))
    ok = (m["engine"]["name"] == engine and c["sent"] == 1024 and c["probes_in_shard"] == 1024
          and c["successes"] == 5 and c["results_written"] == 5 and m["config"]["seed"] == 77
          and m["config"]["ports"] == "22,80,443,8080" and m["config"]["addresses"] == 256
          and m["interrupted"] is False and m["config"]["blocklist"] == "/dev/null")
    if engine == "af_packet":
        want = ("TPACKET_V2 tx qdisc-bypass (as asked)" if "--af-packet-tx=ring" in args
                else "sendmmsg tx qdisc-bypass (auto: veth, a virtual device)")
        ok &= m["engine"]["mode"].startswith(want)
    rows = list(csv.DictReader(open(tmp + "/status.csv")))
    sent = [int(r["sent"]) for r in rows]
    print("    status updates: %d lines, sent %s" % (len(rows), sent))
    ok &= len(rows) >= 2 and sent == sorted(sent) and sent[-1] == 1024
    sys.exit(0 if ok else 1)


def check_udp_counts(meta):
    c = json.load(open(meta))["counts"]
    print("    sent %d, successes %d, closed (ICMP unreachable) %d"
          % (c["sent"], c["successes"], c["failures"]))
    sys.exit(0 if c["sent"] == 1024 and c["successes"] == 4 and c["failures"] == 1020 else 1)


def check_max_results(meta, n):
    """-N n on a 256-probe scan with a 5 s cooldown: n results written, sending stopped before
    the last probe, and the cooldown not waited for (salvo's own clock, from the start of
    sending: process start-up does not count; a 5 s cooldown could not fit)."""
    m = json.load(open(meta))
    c, n = m["counts"], int(n)
    print("    metadata: %d results written, sent %d of %d probes, done in %.3f s "
          "(the whole scan would take 8 s)"
          % (c["results_written"], c["sent"], c["probes_in_shard"], m["duration_s"]))
    sys.exit(0 if c["results_written"] == n and c["sent"] < c["probes_in_shard"]
             and m["duration_s"] < 5 else 1)


def check_legacy_status(err):
    import re
    rx = re.compile(r"(\d+):(\d+)\s+(\d+)%;\s+send:\s+(\d+)\s+[0-9.]+\s*[KMG]?p/s\s+\([0-9.]+\s*[KMG]?p/s\s+avg\);\s+recv:\s+(\d+)\s+[0-9.]+\s*[KMG]?p/s;")
    lines = [line for line in re.split(r"[\r\n]", open(err).read())
             if line and not line.startswith("salvo:")]
    sent = [int(rx.match(line).group(4)) for line in lines if rx.match(line)]
    print("    %d progress lines, %d match; sent %s" % (len(lines), len(sent), sent))
    sys.exit(0 if lines and len(sent) == len(lines) and sent == sorted(sent) and sent[-1] == 2048
             else 1)


def check_json_status(err, engine):
    objs = [json.loads(line) for line in open(err) if line.startswith("{")]
    print("    %d objects; last: %s" % (len(objs), objs[-1] if objs else None))
    need = {"elapsed_s", "percent", "sent", "received", "drops", "rate_set", "rate_achieved",
            "eta_s", "engine", "mode"}
    sys.exit(0 if len(objs) >= 2 and all(need <= set(o) for o in objs) and objs[-1]["sent"] == 2048
             and objs[0]["rate_set"] == 1000 and objs[-1]["engine"] == engine.split()[0] else 1)


def control_session(sock, times):
    """The --control client: each command's reply checked; the wall-clock times of "rate 2000",
    "pause" and "resume" (taken when salvo's reply is in) go to times for the SYNs' times."""
    def ask(cmd):
        c = socket.socket(socket.AF_UNIX)
        c.connect(sock)
        c.sendall(cmd.encode() + b"\n")
        reply = c.recv(200).decode().strip()
        print("    %s -> %s" % (cmd, reply))
        return reply
    marks = {}
    ok = ask("rate 2000") == "ok rate 2000"
    marks["rate"] = time.time()
    time.sleep(2)
    ok &= ask("pause") == "ok paused"
    marks["pause"] = time.time()
    time.sleep(1.5)
    ok &= ask("resume") == "ok resumed"
    marks["resume"] = time.time()
    time.sleep(1.5)
    st = ask("status")
    ok &= st.startswith("ok sent ") and " rate 2000 paused 0" in st
    ok &= ask("fly").startswith("error: 'fly': expected rate N, pause, resume or status")
    ok &= ask("rate 0").startswith("error: rate:")
    open(times, "w").write(" ".join("%s=%f" % kv for kv in marks.items()))
    sys.exit(0 if ok else 1)


def check_control_rates(stamps, times):
    """The SYNs at the target against control-session's marks.  What is measured is what the
    commands do, not pacing accuracy, so the margins are wide enough for a loaded machine:
    "rate 2000" must give 1700 to 2300 pps (it was 500); "pause" no SYN at all from 0.3 s after
    its reply to 0.3 s before "resume" (0.9 s of the 1.5 s pause: each mark is taken when
    salvo's reply is in, so a SYN sent before the pause may still land after its mark, and salvo
    may send again before the client reads its clock after "resume"; a CI run once saw 7 SYNs,
    3.5 ms, fall before the resume mark); after "resume" again 1700 to 2300 pps, and no 100 ms
    with more than 500 SYNs (200 at 2000 pps; making up for the pause would put about 3000
    there, a sender catching up 150 ms after a stall no more than 300 extra)."""
    t = [float(line) for line in open(stamps)]
    m = dict(kv.split("=") for kv in open(times).read().split())
    m = {k: float(v) for k, v in m.items()}

    def rate(a, b):
        n = [x for x in t if a <= x < b]
        return len(n) / (b - a)
    fast = rate(m["rate"] + 0.3, m["pause"] - 0.1)
    paused = [x for x in t if m["pause"] + 0.3 <= x < m["resume"] - 0.3]
    after = rate(m["resume"] + 0.1, m["resume"] + 1.4)
    burst = max(sum(1 for x in t if s <= x < s + 0.1)
                for s in [m["resume"] + i * 0.05 for i in range(20)])
    print("    after 'rate 2000': %.0f pps; SYNs while paused: %d; after resume %.0f pps, "
          "most in 100 ms %d" % (fast, len(paused), after, burst))
    sys.exit(0 if 1700 <= fast <= 2300 and not paused and 1700 <= after <= 2300 and burst <= 500
             else 1)


def check_aimd_growth(stamps, err):
    """--rate-mode=aimd from 2000 with --rate-max 20000 on a clear path.  salvo's own status
    lines say the set rate each second: it must grow by 1000 (max / 20) every second, from 2000,
    and never fall.  The SYNs at the target (their times, one a line) show the growth: the first
    second between 1800 and 3200, the fifth at least twice the first."""
    import re
    rates = [int(m.group(1)) for m in (re.search(r"; rate (\d+)", line)
                                       for line in re.split(r"[\r\n]", open(err).read())
                                       if not line.startswith("salvo:")) if m]
    print("    status: %s" % " ".join("rate %d" % r for r in rates))
    t = [float(line) for line in open(stamps)]
    per = [sum(1 for x in t if t[0] + i <= x < t[0] + i + 1) for i in range(5)]
    print("    SYNs per second at the target: %s" % per)
    sys.exit(0 if len(rates) >= 5 and rates == [2000 + 1000 * i for i in range(len(rates))]
             and 1800 <= per[0] <= 3200 and per[4] >= 2 * per[0] else 1)


def check_job_result(result, sent, specs):
    r = json.loads(result)
    sys.exit(0 if r["open"] == specs and r["progress"] and r["progress"]["sent"] == int(sent)
             else 1)


def check_job_open(result, specs):
    r = json.loads(result)
    sys.exit(0 if sorted(r["open"]) == sorted(specs) else 1)


def check_window(result, rate, sig, i):
    """Window i (from 0) of test_orchestrator_rate_windows_send_each_probe_once: the last (3)
    ran the scan to its end and exits 0; the others were cut by sig (SIGKILL shows as -9, INT and
    TERM as a clean exit 0) and ran at their own rate: tx_packets over the window (spawn to exit,
    start-up included) between 0.7 and 1.1 x the set rate, and tx_dropped 0.  The windows'
    rates alternate 1500 and 3000 pps, which these bounds tell apart; the orchestrator's stricter
    0.9 x (a slip) is the subject of test_orchestrator_rate_loop_has_no_slips_while_sending,
    with longer windows: a 2 s window that includes start-up is too short to hold a loaded
    machine to it."""
    r, rate, i = json.loads(result), int(rate), int(i)
    w = r["window"]
    if i == 3:
        sys.exit(0 if w["exit"] == 0 else 1)
    if w["exit"] != (-9 if sig == "KILL" else 0):
        sys.exit(1)
    achieved = w["tx_packets"] / w["seconds"]
    print("      achieved %.0f pps of %d (%.3f)" % (achieved, rate, achieved / rate))
    sys.exit(0 if 0.7 * rate <= achieved <= 1.1 * rate and w["tx_dropped"] == 0 else 1)


def check_fanout(result_file, probes, specs):
    """The multi-NIC fan-out of test_orchestrator_fans_out_over_two_rule_routed_nics: the merged
    result is the open set specs; each shard's output holds exactly the open pairs of its own
    range, each once; each shard's windows were ended by SIGINT (exit 0), SIGTERM (0) and
    SIGKILL (-9) in turn, until the last one ran the scan to its end; and each NIC sent at least
    its share of probes (tx_packets summed over its windows)."""
    import ipaddress
    r, probes = json.load(open(result_file)), int(probes)
    ok = sorted(r["open"]) == sorted(specs)
    print("    merged result: %d open pairs of %d; %s" % (len(r["open"]), len(specs),
                                                        "the open set" if ok else "WRONG"))
    for shard in r["shards"]:
        lo, hi = (ipaddress.ip_address(x) for x in shard["range"].split("-"))
        mine = sorted(x for x in specs if lo <= ipaddress.ip_address(x.rsplit(":", 1)[0]) <= hi)
        lines = sorted(line.split()[0] for line in open(shard["output"]) if line.strip())
        ends = [(w.get("stop_signal"), w["exit"]) for w in shard["windows"]]
        tx = sum(w["tx_packets"] for w in shard["windows"])
        print("    %s %s: %d lines for its %d open pairs; windows %s; tx_packets %d for %d "
              "probes" % (shard["interface"], shard["range"], len(lines), len(mine),
                          " ".join("%s:%s" % e for e in ends), tx, probes))
        ok = ok and lines == mine and tx >= probes and shard["windows"][-1]["finished"]
        ok = ok and ends[:3] == [("INT", 0), ("TERM", 0), ("KILL", -9)]
    sys.exit(0 if ok and len(r["shards"]) == 2 else 1)


def check_finished_resume(result_file, syns_total_file):
    """A --resume of a finished scan exits at once, sending no probe, owing no cooldown.  "At
    once" is what is tested: under 4 s, where the nominal is a fraction of a second and a
    cooldown paid again would take 5 s.  Probes are the SYNs the target saw; the frames that
    left sv0 are shown too, and may include the scanner kernel's RSTs to late SYN-ACKs."""
    w = json.load(open(result_file))["window"]
    syns = int(open(syns_total_file).read())
    print("    resume of the finished scan: exit %s in %.3f s, %d SYNs at the target, "
          "%d frames left sv0" % (w["exit"], w["seconds"], syns, w["tx_packets"]))
    sys.exit(0 if w["finished"] and w["seconds"] < 4 and syns == 0 else 1)


def manifest_docs(manifest):
    import yaml
    docs = list(yaml.safe_load_all(open(manifest)))
    job = next(d for d in docs if d["kind"] == "Job")
    cm = next(d for d in docs if d["kind"] == "ConfigMap")
    return docs, job, cm


def manifest_get(manifest, what):
    _, job, cm = manifest_docs(manifest)
    c = job["spec"]["template"]["spec"]["containers"][0]
    if what == "args":
        print("\n".join(c["args"]))
    elif what == "conf":
        print(cm["data"]["scan.conf"], end="")
    elif what == "shards":
        print(job["spec"]["completions"])


def check_manifest(manifest):
    docs, job, cm = manifest_docs(manifest)
    kinds = sorted(d["kind"] for d in docs)
    spec = job["spec"]
    pod = spec["template"]["spec"]
    c = pod["containers"][0]
    args = c["args"]

    def after(flag):
        return args[args.index(flag) + 1] if flag in args else None
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    conf = dict(line.split(None, 1) for line in cm["data"]["scan.conf"].splitlines()
                if line.strip())
    checks = [
        ("a ConfigMap and a Job", kinds == ["ConfigMap", "Job"]),
        ("apiVersion batch/v1", job["apiVersion"] == "batch/v1"),
        ("completionMode Indexed", spec.get("completionMode") == "Indexed"),
        ("completions == parallelism == --shards",
         spec["completions"] == spec["parallelism"] == int(after("--shards"))),
        ("--shard is the completion index", after("--shard") == "$(JOB_COMPLETION_INDEX)"),
        ("one output file per index", "$(JOB_COMPLETION_INDEX)" in after("--output-file")),
        ("one checkpoint per index",
         "$(JOB_COMPLETION_INDEX)" in (after("--checkpoint-file") or "")),
        ("outputs on the results volume",
         after("--output-file").startswith(mounts.get("results", "?") + "/")),
        ("results volume is a claim shared by all pods",
         "persistentVolumeClaim" in volumes.get("results", {})),
        ("the config file from the ConfigMap",
         after("--config") == mounts.get("config", "?") + "/scan.conf"
         and volumes["config"]["configMap"]["name"] == cm["metadata"]["name"]),
        ("one seed for every shard", conf.get("seed", "").strip().isdigit() and "--seed" not in args),
        ("targets and ports in the config", "target-range" in conf and "target-ports" in conf),
        ("the salvo binary", c["command"] == ["/usr/bin/salvo"]),
        ("NET_RAW, NET_ADMIN, BPF added, all else dropped",
         set(c["securityContext"]["capabilities"]["add"]) == {"NET_RAW", "NET_ADMIN", "BPF"}
         and c["securityContext"]["capabilities"]["drop"] == ["ALL"]),
        ("host network (raw frames leave through the node)", pod.get("hostNetwork") is True),
        ("pods are not restarted in place", pod["restartPolicy"] in ("Never", "OnFailure")),
        ("one pod per node (anti-affinity on the pods' own label, by hostname)",
         any(t["topologyKey"] == "kubernetes.io/hostname"
             and t["labelSelector"]["matchLabels"].items()
             <= spec["template"]["metadata"]["labels"].items()
             for t in pod["affinity"]["podAntiAffinity"]
             ["requiredDuringSchedulingIgnoredDuringExecution"])),
    ]
    bad = [name for name, ok in checks if not ok]
    for name, ok in checks:
        print("    %s: %s" % ("ok" if ok else "NOT MET", name))
    sys.exit(1 if bad else 0)


def slow_reader(rate):
    import fcntl
    import time
    rate = float(rate)
    F_SETPIPE_SZ = 1031
    try:
        fcntl.fcntl(0, F_SETPIPE_SZ, 4096)
    except OSError:
        pass
    start = time.monotonic()
    n = 0
    for line in sys.stdin.buffer:
        sys.stdout.buffer.write(line)
        n += 1
        ahead = start + n / rate - time.monotonic()
        if ahead > 0.01:
            sys.stdout.buffer.flush()
            time.sleep(ahead)
    sys.stdout.buffer.flush()

def check_dryrun_coverage(dump, probes, args):
    """tcpdump -nn -vv's text of the dry-run pcaps: every (address, port) of the scan asked by
    args (salvo's -p, targets of either family, -w, -I and --ipv6-target-file files, less -b's
    file) exactly probes times, and every TCP checksum correct."""
    import collections
    import re
    probes = int(probes)
    ports = args[args.index("-p") + 1]
    want_ports = set()
    for part in ports.split(","):
        lo, _, hi = part.partition("-")
        want_ports.update(range(int(lo), int(hi or lo) + 1))

    def addresses(t):
        if "-" in t:
            lo, hi = (int(ipaddress.ip_address(x)) for x in t.split("-"))
            return [str(ipaddress.ip_address(i)) for i in range(lo, hi + 1)]
        return [str(a) for a in ipaddress.ip_network(t, strict=False)]

    def file_targets(opt):
        out = []
        for i, a in enumerate(args[:-1]):
            if a == opt:
                for line in open(args[i + 1]):
                    line = line.split("#")[0].strip()
                    if line:
                        out.append(line)
        return out
    targets = [a for a in args if (a[0].isdigit() and "." in a) or
               (":" in a and a[0] in "0123456789abcdef" and not a.startswith("02:00"))]
    targets += file_targets("-w") + file_targets("-I") + file_targets("--ipv6-target-file")
    blocked = {a for t in file_targets("-b") for a in addresses(t)}
    want = {(a, p) for t in targets for a in addresses(t) for p in want_ports} - \
        {(a, p) for a in blocked for p in want_ports}
    text = open(dump).read()
    # With -vv tcpdump prints two lines per packet; the second holds "SRC.sport > DST.dport".
    pairs = re.findall(r"\S+\.\d+ > (\S+)\.(\d+): Flags \[S\], cksum 0x[0-9a-f]+ \(correct\)", text)
    count = collections.Counter((str(ipaddress.ip_address(a)), int(p)) for a, p in pairs)
    bad_sums = text.count("bad cksum") + text.count("incorrect")
    ok_sums = len(pairs)  # only SYNs whose TCP checksum tcpdump calls correct were counted
    all_syns = len(re.findall(r"Flags \[S\]", text))
    wrong = {k: v for k, v in count.items() if v != probes}
    print("    %d probes for %d pairs; missing %d, extra %d, not x%d %d; tcp sums ok %d, bad %d"
          % (sum(count.values()), len(count), len(want - set(count)), len(set(count) - want),
             probes, len(wrong), ok_sums, bad_sums))
    sys.exit(0 if set(count) == want and not wrong and bad_sums == 0 and ok_sums == all_syns else 1)

if __name__ == "__main__":
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "listen":
        listen(a[0], a[1:])
    elif cmd == "udp-listen":
        udp_listen(a[0], a[1:])
    elif cmd == "count-syns":
        count_syns(*a[:3])
    elif cmd == "slow-reader":
        slow_reader(a[0])
    elif cmd == "wait-count":
        wait_count(*a[:3])
    elif cmd == "syn-pairs":
        syn_pairs(a[0])
    elif cmd == "check-sent":
        check_sent(*a[:3])
    elif cmd == "forge":
        forge(*a[:4])
    elif cmd == "tun-answer":
        tun_answer(a[0], a[1], a[2], a[3:])
    elif cmd == "late-synack":
        late_synack(a[0], a[1], a[2], a[3], a[4:])
    elif cmd == "windows":
        windows(a[0], a[1], a[2])
    elif cmd == "boundary":
        boundary(a[0], a[1])
    elif cmd == "expect-syns":
        expect_syns(*a[:5])
    elif cmd == "random-int":
        random_int(a[0], a[1])
    elif cmd == "check-output-formats":
        check_output_formats(a[0], a[1:])
    elif cmd == "check-metadata":
        check_metadata(a[0], a[1])
    elif cmd == "check-udp-counts":
        check_udp_counts(a[0])
    elif cmd == "check-max-results":
        check_max_results(a[0], a[1])
    elif cmd == "check-legacy-status":
        check_legacy_status(a[0])
    elif cmd == "check-json-status":
        check_json_status(a[0], a[1])
    elif cmd == "control-session":
        control_session(a[0], a[1])
    elif cmd == "check-control-rates":
        check_control_rates(a[0], a[1])
    elif cmd == "check-aimd-growth":
        check_aimd_growth(a[0], a[1])
    elif cmd == "check-job-result":
        check_job_result(a[0], a[1], a[2:])
    elif cmd == "check-job-open":
        check_job_open(a[0], a[1:])
    elif cmd == "check-window":
        check_window(a[0], a[1], a[2], a[3])
    elif cmd == "check-fanout":
        check_fanout(a[0], a[1], a[2:])
    elif cmd == "check-finished-resume":
        check_finished_resume(a[0], a[1])
    elif cmd == "manifest-get":
        manifest_get(a[0], a[1])
    elif cmd == "check-manifest":
        check_manifest(a[0])
    elif cmd == "check-dryrun-coverage":
        check_dryrun_coverage(a[0], a[1], a[2:])
    else:
        sys.exit("unknown command " + cmd)
