#!/usr/bin/env python3
"""An HTTP/1.1 server that misbehaves on purpose, for the retry and failure tests.

The test queues what the next requests get, then the client under test calls it:
  POST /test/script    body: a JSON list of steps, appended to the queue; each step is one of
                         {"status": n, "body": "...", "headers": {...}}   answer that
                         {"action": "reset"}                             close the connection with a TCP RST
                         {"action": "truncate", "body": "...", "declared": n}   send a Content-Length of n, fewer bytes, close
                         {"action": "stall", "ms": n, "then": {step}}    wait, then do the step
  POST /test/default   body: one step, answered when the queue is empty (default: 200 "{}")
  GET  /test/requests  every request received (method, path, headers, body), in order
Every other request is an attempt of the client under test. Prints "PORT <n>"; exits when stdin closes.
"""
import json
import socket
import struct
import threading
import time

from loopback import LoopbackServer, PeerHandler, serve

LOCK = threading.Lock()
QUEUE = []
DEFAULT = {"status": 200, "body": "{}"}
REQUESTS = []


class Handler(PeerHandler):
    def answer(self, status, body, headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/test/requests":
            with LOCK:
                return self.answer(200, json.dumps(REQUESTS), {"Content-Type": "application/json"})
        return self.attempt(b"")

    def do_POST(self):
        global DEFAULT
        body = self.read_body()
        if self.path == "/test/script":
            with LOCK:
                QUEUE.extend(json.loads(body))
            return self.answer(200, "{}")
        if self.path == "/test/default":
            with LOCK:
                DEFAULT = json.loads(body)
            return self.answer(200, "{}")
        return self.attempt(body)

    def attempt(self, body):
        with LOCK:
            REQUESTS.append({"method": self.command, "path": self.path,
                             "headers": {k.lower(): v for k, v in self.headers.items()},
                             "body": body.decode("utf-8", "replace")})
            step = QUEUE.pop(0) if QUEUE else DEFAULT
        self.perform(step)

    def perform(self, step):
        action = step.get("action")
        if action == "stall":
            time.sleep(step["ms"] / 1000)
            return self.perform(step.get("then", DEFAULT))
        if action == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if action == "truncate":
            data = step.get("body", "{}").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(step.get("declared", len(data) + 100)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.answer(step.get("status", 200), step.get("body", ""), step.get("headers"))


def main():
    serve(LoopbackServer(Handler))


if __name__ == "__main__":
    main()
