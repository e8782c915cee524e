#!/usr/bin/env python3
"""A small HTTP/1.1 server for the HTTP client's tests.

Keeps connections alive and counts how many it accepted, so a test can prove that the client
reuses one connection. With --tls it makes a throwaway CA and a server certificate for 127.0.0.1
and localhost (openssl CLI), serves HTTPS, and writes the CA's path on its second line of output.

Prints "PORT <n>" once listening on 127.0.0.1. Routes:
  GET/POST /echo          JSON: method, path, headers, body, and this connection's number
  GET      /connections   JSON: {"accepted": <connections accepted so far>}
  GET      /status/<n>    answers status n
  GET      /slow?ms=<n>   waits n ms before answering
  GET      /bytes?n=<n>   answers n bytes
"""
import argparse
import json
import threading
import time
from urllib.parse import parse_qs, urlparse

from loopback import LoopbackServer, PeerHandler, serve, serve_tls


class Server(LoopbackServer):
    def __init__(self, handler):
        super().__init__(handler)
        self.lock = threading.Lock()
        self.accepted = 0


class Handler(PeerHandler):
    def setup(self):
        super().setup()
        with self.server.lock:
            self.server.accepted += 1
            self.connection_number = self.server.accepted

    def answer(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        body = self.read_body()
        if url.path == "/echo":
            payload = {
                "method": self.command,
                "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"),
                "connection": self.connection_number,
            }
            return self.answer(200, json.dumps(payload).encode())
        if url.path == "/connections":
            with self.server.lock:
                accepted = self.server.accepted
            return self.answer(200, json.dumps({"accepted": accepted}).encode())
        if url.path.startswith("/status/"):
            status = int(url.path.rsplit("/", 1)[1])
            return self.answer(status, json.dumps({"status": status}).encode())
        if url.path == "/slow":
            time.sleep(int(query.get("ms", ["1000"])[0]) / 1000)
            return self.answer(200, b'{"slow":true}')
        if url.path == "/bytes":
            return self.answer(200, b"x" * int(query.get("n", ["0"])[0]), "application/octet-stream")
        return self.answer(404, b'{"error":"no such route"}')

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = route


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls", action="store_true")
    args = parser.parse_args()
    server = Server(Handler)
    ca_path = None
    if args.tls:
        ca_path = serve_tls(server)
    serve(server, **({"CA": ca_path} if ca_path else {}))


if __name__ == "__main__":
    main()
