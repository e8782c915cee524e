#!/usr/bin/env python3
"""A DNS server for the empty-root test: answers A queries for the names it is given, an empty
answer for their other record types (AAAA), and NXDOMAIN for every other name, over UDP on port 53
of the loopback address given (a resolv.conf `nameserver` line cannot name a port).

usage: dns_server.py --address 127.0.0.N --name NAME=IPV4 [--name ...]
Prints "PORT <n>" (an HTTP control port: GET /queries lists the names asked, in order) and
"DNS <address>". Exits when stdin closes. Needs root (port 53).
"""
import argparse
import json
import socket
import struct
import threading

from loopback import LoopbackServer, PeerHandler, serve

QUERIES = []
LOCK = threading.Lock()


def answer(packet, names):
    """The response to one query packet (RFC 1035, section 4), or None when it is not one."""
    if len(packet) < 12:
        return None
    ident, flags, questions = struct.unpack("!HHH", packet[:6])
    if flags & 0x8000 or questions != 1:
        return None
    labels, offset = [], 12
    while offset < len(packet) and packet[offset] != 0:
        length = packet[offset]
        labels.append(packet[offset + 1:offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
    question_end = offset + 5
    if question_end > len(packet):
        return None
    qtype, qclass = struct.unpack("!HH", packet[offset + 1:question_end])
    name = ".".join(labels).lower()
    with LOCK:
        QUERIES.append({"name": name, "type": qtype})
    known = name in names
    rcode = 0 if known else 3  # NOERROR, NXDOMAIN
    records = b""
    count = 0
    if known and qtype == 1 and qclass == 1:
        # A name pointer to the question (offset 12), type A, class IN, TTL 5, four bytes of address.
        records = struct.pack("!HHHIH", 0xC00C, 1, 1, 5, 4) + socket.inet_aton(names[name])
        count = 1
    header = struct.pack("!HHHHHH", ident, 0x8180 | rcode, 1, count, 0, 0)  # response, RD and RA set
    return header + packet[12:question_end] + records


class Control(PeerHandler):
    def do_GET(self):
        with LOCK:
            body = json.dumps(QUERIES).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--name", action="append", default=[])
    args = parser.parse_args()
    names = dict(entry.lower().split("=", 1) for entry in args.name)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((args.address, 53))

    def answer_forever():
        while True:
            packet, client = udp.recvfrom(4096)
            response = answer(packet, names)
            if response:
                udp.sendto(response, client)

    threading.Thread(target=answer_forever, daemon=True).start()
    serve(LoopbackServer(Control), DNS=args.address)


if __name__ == "__main__":
    main()
