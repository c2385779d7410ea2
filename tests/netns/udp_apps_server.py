#!/usr/bin/env python3
"""Responders for the namespace tests of salvo's ntp, upnp and bacnet probe modules; run inside
the target namespace (runner.sh), standard library only.

  udp_apps_server.py READY KIND:ADDR:PORT:VALUE...

binds each ADDR:PORT (UDP), touches READY, and answers until SIGTERM, as a server of KIND would
answer a well-formed request (anything else gets no answer, as from a real server):
  ntp       an NTP client request (48 bytes or more, mode 3): a server reply, stratum VALUE
  ssdp      an SSDP M-SEARCH: "HTTP/1.1 200 OK" with Server VALUE and the ST asked for
  ssdp-404  an SSDP M-SEARCH: "HTTP/1.1 404 Not Found" with Server VALUE (not a device)
  bacnet    a BACnet/IP ReadProperty of a device's object-identifier: the ack, echoing the
            invoke id, for device instance VALUE
Nothing here sends to any address but the one a request came from.
"""
import selectors
import socket
import struct
import sys
import time

NTP_EPOCH_OFFSET = 2208988800  # seconds from 1900 (NTP's era 0) to 1970


def ntp_time(t):
    return (int(t) + NTP_EPOCH_OFFSET) << 32 | int((t % 1) * (1 << 32))


def ntp_answer(req, addr, stratum):
    if len(req) < 48 or req[0] & 7 != 3:
        return None
    version = req[0] >> 3 & 7
    now = ntp_time(time.time())
    refid = b"GPS\0" if stratum == 1 else socket.inet_aton("198.18.0.2")
    # LI 0, the client's version, mode 4 (server); poll 6, precision -20; root delay 1/256 s,
    # dispersion 1/128 s; the client's transmit time echoed as the originate time.
    return (struct.pack("!BBBbII4sQ", version << 3 | 4, stratum, 6, -20, 256, 512, refid,
                        now - (10 << 32))
            + req[40:48] + struct.pack("!QQ", now, now))


def http_headers(req):
    lines = req.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return lines[0], headers


def ssdp_answer(req, addr, server, found=True):
    first, headers = http_headers(req)
    if first != "M-SEARCH * HTTP/1.1" or headers.get("man") != '"ssdp:discover"' \
            or "st" not in headers:
        return None
    if not found:
        return ("HTTP/1.1 404 Not Found\r\nSERVER: %s\r\n\r\n" % server).encode()
    st = headers["st"]
    return ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"
            "LOCATION: http://%s:5000/rootDesc.xml\r\nSERVER: %s\r\nST: %s\r\n"
            "USN: uuid:salvo-test-%s::%s\r\n\r\n" % (addr, server, st, addr, st)).encode()


def bacnet_answer(req, addr, instance):
    # BVLC original-unicast, NPDU version 1 with no network addresses, a confirmed
    # ReadProperty (service 12) of a device object (type 8) for its object-identifier (75).
    if len(req) != 17 or req[0:2] != b"\x81\x0a" or struct.unpack("!H", req[2:4])[0] != 17 \
            or req[4] != 1 or req[5] & 0x28 or req[6] >> 4 != 0 or req[9] != 12 \
            or req[10] != 0x0c or struct.unpack("!I", req[11:15])[0] >> 22 != 8 \
            or req[15:17] != b"\x19\x4b":
        return None
    oid = struct.pack("!I", 8 << 22 | instance)
    apdu = bytes([0x30, req[8], 12, 0x0c]) + oid + b"\x19\x4b\x3e\xc4" + oid + b"\x3f"
    return b"\x81\x0a" + struct.pack("!H", 6 + len(apdu)) + b"\x01\x00" + apdu


ANSWERS = {
    "ntp": lambda req, addr, value: ntp_answer(req, addr, int(value)),
    "ssdp": lambda req, addr, value: ssdp_answer(req, addr, value),
    "ssdp-404": lambda req, addr, value: ssdp_answer(req, addr, value, found=False),
    "bacnet": lambda req, addr, value: bacnet_answer(req, addr, int(value)),
}


def main(ready, specs):
    sel = selectors.DefaultSelector()
    for spec in specs:
        kind, addr, port, value = spec.split(":", 3)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, int(port)))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, (ANSWERS[kind], addr, value))
    open(ready, "w").close()
    while True:
        for key, _ in sel.select():
            answer, addr, value = key.data
            try:
                req, peer = key.fileobj.recvfrom(2048)
                reply = answer(req, addr, value)
                if reply is not None:
                    key.fileobj.sendto(reply, peer)
            except OSError:
                pass


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
