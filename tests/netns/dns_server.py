#!/usr/bin/env python3
"""A small authoritative DNS responder for the dns namespace tests (standard library only).

usage: dns_server.py READY LOG ADDR:PORT...

Binds UDP on each ADDR:PORT (inside the test's target namespace), touches READY once all are
bound, and answers until SIGTERM.  Each query it answers is logged to LOG as one line
"ADDR QTYPE QNAME".  Its zone, all under .test (RFC 2606) with addresses in 198.18.0.0/15:

  example.test  A    198.18.200.N, where N is the last byte of the address that answers
                     (an IPv4 or an IPv6 one: the responder binds both families)
  example.test  TXT  "hello, dns; from ADDR" (a comma and a semicolon, to be escaped)
  example.test  MX   10 mail.example.test
  any other type of example.test: no records (NOERROR); any other name: NXDOMAIN.
Negative answers carry the zone's SOA in the authority section.  Answers name the question
with a compression pointer (0xc00c), as real servers do.  Anything but a standard query with
one question is ignored.
"""
import ipaddress
import selectors
import signal
import socket
import struct
import sys

ZONE = "example.test"
TYPE_A, TYPE_SOA, TYPE_MX, TYPE_TXT = 1, 6, 15, 16
TYPE_NAMES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT",
              28: "AAAA", 255: "ANY"}
NOERROR, FORMERR, NXDOMAIN = 0, 1, 3
IPV6_FREEBIND = 78  # linux/in6.h; Python's socket module does not name it


def wire_name(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def parse_question(msg):
    """(id, flags, qname, qtype, qclass, end of the question) or None."""
    if len(msg) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", msg[:6])
    if flags & 0x8000 or (flags >> 11) & 15 != 0 or qd != 1:
        return None
    labels, pos = [], 12
    while True:
        if pos >= len(msg):
            return None
        n = msg[pos]
        if n == 0:
            pos += 1
            break
        if n > 63 or pos + 1 + n > len(msg):
            return None
        labels.append(msg[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += 1 + n
    if pos + 4 > len(msg):
        return None
    qtype, qclass = struct.unpack("!HH", msg[pos:pos + 4])
    return qid, flags, ".".join(labels), qtype, qclass, pos + 4


def record(name_ptr, rtype, rdata, ttl=300):
    return name_ptr + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def soa():
    rdata = (wire_name("ns." + ZONE) + wire_name("hostmaster." + ZONE) +
             struct.pack("!IIIII", 2026112601, 7200, 3600, 1209600, 300))
    return record(b"\xc0\x0c", TYPE_SOA, rdata)


def answer(msg, addr):
    """The reply to msg, a query to addr, or None."""
    q = parse_question(msg)
    if q is None:
        return None, None
    qid, flags, qname, qtype, _, end = q
    rcode, answers, authority = NOERROR, [], []
    if qname.lower() == ZONE:
        if qtype == TYPE_A:
            last = ipaddress.ip_address(addr).packed[-1]
            answers.append(record(b"\xc0\x0c", TYPE_A, bytes([198, 18, 200, last])))
        elif qtype == TYPE_TXT:
            text = ("hello, dns; from %s" % addr).encode()
            answers.append(record(b"\xc0\x0c", TYPE_TXT, bytes([len(text)]) + text))
        elif qtype == TYPE_MX:
            answers.append(record(b"\xc0\x0c", TYPE_MX,
                                  struct.pack("!H", 10) + b"\x04mail\xc0\x0c"))
        else:
            authority.append(soa())
    else:
        rcode = NXDOMAIN
        authority.append(soa())
    # QR, AA, the query's RD; no recursion available.
    out_flags = 0x8000 | 0x0400 | (flags & 0x0100) | rcode
    header = struct.pack("!HHHHHH", qid, out_flags, 1, len(answers), len(authority), 0)
    reply = header + msg[12:end] + b"".join(answers) + b"".join(authority)
    return reply, "%s %s %s" % (addr, TYPE_NAMES.get(qtype, str(qtype)), qname)


def main(ready, log_path, specs):
    sel = selectors.DefaultSelector()
    for spec in specs:
        addr, port = spec.rsplit(":", 1)
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(family, socket.SOCK_DGRAM)
        if family == socket.AF_INET6:
            # The target answers for a whole /64 through a local route: no address to bind.
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
        s.bind((addr, int(port)))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, addr)
    log = open(log_path, "a", buffering=1)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    open(ready, "w").close()
    while True:
        for key, _ in sel.select():
            try:
                msg, peer = key.fileobj.recvfrom(2048)
            except OSError:
                continue
            reply, line = answer(msg, key.data)
            if reply is None:
                continue
            try:
                key.fileobj.sendto(reply, peer)
            except OSError:
                continue
            log.write(line + "\n")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
