#!/usr/bin/env python3
"""A keep-alive HTTP proxy in front of moto's server (which closes every connection), so the
benchmark can count how many TCP connections a function opens to an AWS endpoint.
Prints "PORT <n>"; GET /__proxy/stats answers {"connections": n}; exits when stdin closes.
usage: keepalive_proxy.py UPSTREAM_URL"""
import http.client
import json
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Tests" / "Peers"))
from loopback import LoopbackServer, PeerHandler, serve  # noqa: E402

UPSTREAM = urlparse(sys.argv[1])
LOCK = threading.Lock()
CONNECTIONS = 0  # connections that carried a proxied request (the stats requests do not count)


class Proxy(PeerHandler):
    counted = False

    def forward(self):
        global CONNECTIONS
        if self.path != "/__proxy/stats" and not self.counted:
            self.counted = True  # the handler lives as long as its connection
            with LOCK:
                CONNECTIONS += 1
        if self.path == "/__proxy/stats":
            body = json.dumps({"connections": CONNECTIONS}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        body = self.read_body()
        upstream = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=60)
        # Headers go as they came (Host included): the signature covers them.
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in ("connection", "keep-alive"):
                upstream.putheader(name, value)
        upstream.endheaders(body)
        response = upstream.getresponse()
        payload = response.read()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = forward


if __name__ == "__main__":
    serve(LoopbackServer(Proxy))
