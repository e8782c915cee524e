"""What every test peer shares: an HTTP/1.1 server on a free loopback port that keeps connections
alive, answers without Nagle's delay, stays quiet, and stops when the test that started it goes away."""
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), handler)


class PeerHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; no 40 ms delayed-ACK stall

    def log_message(self, *args):
        pass

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""


def serve(server, **announcements):
    """Prints "PORT <n>" (then "KEY value" for each announcement) and serves until stdin closes,
    so no peer outlives its test, even if the test process dies."""
    print(f"PORT {server.server_address[1]}", flush=True)
    for key, value in announcements.items():
        print(f"{key} {value}", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    server.serve_forever()
