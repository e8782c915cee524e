#!/usr/bin/env python3
"""An HTTP/1.1 server that misbehaves on purpose, for the retry and failure tests.

The test queues what the next requests get, then the client under test calls it:
  POST /test/script    body: a JSON list of steps, appended to the queue; each step is one of
                         {"status": n, "body": "...", "headers": {...}}   answer that
                         {"action": "reset"}                             close the connection with a TCP RST
                         {"action": "truncate", "body": "...", "declared": n}   send a Content-Length of n, fewer bytes, close
                         {"action": "stall", "ms": n, "then": {step}}    wait, then do the step
                         {"action": "forward"}                            pass the request on to --upstream
                         {"action": "forward", "then": "reset"}           pass it on, then reset instead of answering
                       a step with "when": "text" applies only to a request whose method, path, X-Amz-Target
                       header, signature scope (".../eu-west-1/ec2/aws4_request") or body contains the text (UpdateItem, Action=Publish, /response); the first
                       step that applies is taken, the others wait their turn; a step with "always": true
                       stays queued and answers every request it applies to (an account that is always refused)
  POST /test/default   body: one step, answered when no queued step applies (default: 200 "{}", or
                       "forward" with --upstream)
  POST /test/age      body: {"seconds": n, "instances": {"i-…": n}}: with --upstream, EC2's answers say each
                       instance launched that many seconds earlier than they do (the instance's own number, else
                       "seconds"), so a function that reads its own clock sees instances that have run for
                       hours: the tests' way of making time pass without a clock hook in the product
  POST /test/clear    empties the queue (steps with "always" included)
  GET  /test/requests  every request received (method, path, headers, body), in order
With --serialize, forwarded requests pass one at a time (a store whose conditional writes are atomic,
which moto's server is not under concurrent requests).
Every other request is an attempt of the client under test. Prints "PORT <n>" (and "CA <path>" with
--tls NAME: it then speaks HTTPS with a certificate for NAME); exits when stdin closes.
"""
import argparse
import datetime
import http.client
import json
import re
import socket
import struct
import threading
import time

from loopback import LoopbackServer, PeerHandler, serve, serve_tls

LOCK = threading.Lock()
QUEUE = []
DEFAULT = {"status": 200, "body": "{}"}
REQUESTS = []
UPSTREAM = None   # (host, port) with --upstream: a proxy that misbehaves only when told to
AGE = {"seconds": 0, "instances": {}}
SERIAL = None     # a lock with --serialize: one forwarded request at a time
INSTANCE_OR_LAUNCH = re.compile(rb"<instanceId>([^<]*)</instanceId>|<launchTime>([^<]*)</launchTime>")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "te", "upgrade"}


class Handler(PeerHandler):
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
        if self.path == "/test/clear":
            with LOCK:
                QUEUE.clear()
            return self.answer(200, "{}")
        if self.path == "/test/age":
            with LOCK:
                AGE.update(json.loads(body))
            return self.answer(200, "{}")
        if self.path == "/test/default":
            with LOCK:
                DEFAULT = json.loads(body)
            return self.answer(200, "{}")
        return self.attempt(body)

    def attempt(self, body):
        text = body.decode("utf-8", "replace")
        # The signature's scope (date/region/service), never the signature: a step may name a region.
        scope = self.headers.get("Authorization", "").partition("Credential=")[2].partition(",")[0]
        described = " ".join([self.command, self.path, self.headers.get("X-Amz-Target", ""), scope, text])
        with LOCK:
            REQUESTS.append({"method": self.command, "path": self.path,
                             "headers": {k.lower(): v for k, v in self.headers.items()}, "body": text})
            index = next((i for i, queued in enumerate(QUEUE) if queued.get("when", "") in described), None)
            if index is None:
                step = DEFAULT
            else:
                step = QUEUE[index] if QUEUE[index].get("always") else QUEUE.pop(index)
        self.perform(step, body)

    def forward(self, body, drop_answer=False):
        """Passes the request on unchanged, Host header included, so a SigV4 signature still verifies."""
        if SERIAL is None:
            return self.forward_now(body, drop_answer)
        with SERIAL:
            return self.forward_now(body, drop_answer)

    def forward_now(self, body, drop_answer):
        connection = http.client.HTTPConnection(*UPSTREAM, timeout=None)
        try:
            connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            data = response.read()
            headers = {name: value for name, value in response.getheaders()
                       if name.lower() not in HOP_BY_HOP | {"server", "date"}}
        finally:
            connection.close()
        if drop_answer:
            return self.perform({"action": "reset"})
        self.answer(response.status, aged(data), headers)

    def perform(self, step, body=b""):
        action = step.get("action")
        if action == "stall":
            time.sleep(step["ms"] / 1000)
            return self.perform(step.get("then", DEFAULT), body)
        if action == "forward":
            return self.forward(body, drop_answer=step.get("then") == "reset")
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


def aged(data):
    """EC2's answer with each instance's launchTime moved into the past by its age."""
    with LOCK:
        default, ages = AGE["seconds"], dict(AGE["instances"])
    if (not default and not ages) or b"<launchTime>" not in data:
        return data
    current = [None]

    def shift(match):
        if match.group(1) is not None:
            current[0] = match.group(1).decode()
            return match.group(0)
        seconds = ages.get(current[0], default)
        text = match.group(2).decode()
        launched = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        moved = (launched - datetime.timedelta(seconds=seconds)).astimezone(datetime.timezone.utc)
        return b"<launchTime>" + moved.strftime("%Y-%m-%dT%H:%M:%S.000Z").encode() + b"</launchTime>"

    return INSTANCE_OR_LAUNCH.sub(shift, data)


def main():
    global DEFAULT, UPSTREAM, SERIAL
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", help="host:port to forward to: the default step becomes forward")
    parser.add_argument("--tls", metavar="NAME", help="serve HTTPS with a certificate for NAME from a new CA; "
                                                       "the CA file's path is announced as CA")
    parser.add_argument("--serialize", action="store_true", help="forward one request at a time")
    args = parser.parse_args()
    if args.serialize:
        SERIAL = threading.Lock()
    if args.upstream:
        host, port = args.upstream.rsplit(":", 1)
        UPSTREAM = (host, int(port))
        DEFAULT = {"action": "forward"}
    server = LoopbackServer(Handler)
    if args.tls:
        serve(server, CA=serve_tls(server, names=(args.tls,)))
    else:
        serve(server)


if __name__ == "__main__":
    main()
