#!/usr/bin/env python3
"""A Lambda Runtime API emulator for the tests (the Lambda Runtime API, OpenAPI 1.0.3, version 2018-06-01).

Runtime side, as Lambda serves it:
  GET  /2018-06-01/runtime/invocation/next            long-polls until an event is queued; request id,
                                                      deadline, function ARN and trace id in headers
  POST /2018-06-01/runtime/invocation/{id}/response   202; 400 unknown id; 403 already answered; 413 over 6 MB
  POST /2018-06-01/runtime/invocation/{id}/error      202; 400 unknown id; 403 already answered
  POST /2018-06-01/runtime/init/error                 202 once, before the first next; else 403
Test side (the test drives it):
  POST /test/invoke          queue the body as an event; headers X-Test-Trace-Id, X-Test-Deadline-Ms (raw
                             header value to send), X-Test-Omit-Request-Id: 1; answers {"requestId": ...}
  POST /test/invoke-many     queue each event of a JSON array at once; answers {"requestIds": [...]};
                             ?encoding=base64: the array holds each event's raw bytes in base64
  POST /test/next-status     queue an answer with {"status": n} instead of an event (500 ends a runtime)
  GET  /test/results?count=N&timeoutMs=T   waits for N answers; lists them in order, each with the deadline
                             it was issued with (the raw header value) and when it was answered
  GET  /test/init-error      the init error posted, or null
  GET  /test/stats           connections accepted (all, and those carrying Runtime API calls), next calls
                             and the wall-clock time each arrived (results carry "answeredAt")
Prints "PORT <n>" when listening on 127.0.0.1; exits when its stdin closes.
"""
import argparse
import base64
import json
import threading
import time
import uuid
from urllib.parse import parse_qs, unquote, urlparse

from loopback import LoopbackServer, PeerHandler, serve

MAX_RESPONSE_BYTES = 6 * 1024 * 1024
PREFIX = "/2018-06-01/runtime"


class State:
    def __init__(self, timeout_ms, function_arn, max_response_bytes):
        self.timeout_ms = timeout_ms
        self.max_response_bytes = max_response_bytes
        self.function_arn = function_arn
        self.condition = threading.Condition()
        self.queue = []            # ("event", body, headers) or ("status", n)
        self.issued = {}           # request id -> the deadline header it was issued with
        self.answered = set()
        self.next_times = []       # wall-clock time of each next call, for the benchmark's cold starts
        self.results = []          # in the order answered
        self.init_error = None
        self.next_calls = 0
        self.connections = 0
        self.runtime_connections = 0   # connections that carried Runtime API calls (not /test/ ones)


class Handler(PeerHandler):
    def setup(self):
        super().setup()
        self.counted_as_runtime = False
        with STATE.condition:
            STATE.connections += 1

    def parse_request(self):
        ok = super().parse_request()
        if ok and self.path.startswith(PREFIX) and not self.counted_as_runtime:
            self.counted_as_runtime = True
            with STATE.condition:
                STATE.runtime_connections += 1
        return ok

    def send_json(self, status, payload, headers=None):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_raw(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == PREFIX + "/invocation/next":
            return self.next_invocation()
        if url.path == "/test/results":
            query = parse_qs(url.query)
            count = int(query.get("count", ["0"])[0])
            deadline = time.time() + int(query.get("timeoutMs", ["10000"])[0]) / 1000
            with STATE.condition:
                while len(STATE.results) < count and time.time() < deadline:
                    STATE.condition.wait(max(0.01, deadline - time.time()))
                return self.send_json(200, STATE.results)
        if url.path == "/test/init-error":
            with STATE.condition:
                return self.send_json(200, STATE.init_error)
        if url.path == "/test/stats":
            with STATE.condition:
                return self.send_json(200, {"connections": STATE.connections, "runtimeConnections": STATE.runtime_connections,
                                           "nextCalls": STATE.next_calls, "nextTimes": STATE.next_times})
        return self.send_json(404, {"errorType": "NotFound", "errorMessage": self.path})

    def next_invocation(self):
        with STATE.condition:
            STATE.next_calls += 1
            STATE.next_times.append(time.time())
            while not STATE.queue:
                STATE.condition.wait()
            item = STATE.queue.pop(0)
            if item[0] == "status":
                return self.send_json(item[1], {"errorType": "TestStatus", "errorMessage": f"status {item[1]} queued by the test"})
            _, request_id, body, test_headers = item
            deadline = test_headers.get("X-Test-Deadline-Ms") or str(int(time.time() * 1000) + STATE.timeout_ms)
            STATE.issued[request_id] = deadline
        headers = {
            "Content-Type": "application/json",
            "Lambda-Runtime-Deadline-Ms": deadline,
            "Lambda-Runtime-Invoked-Function-Arn": STATE.function_arn,
        }
        if test_headers.get("X-Test-Omit-Request-Id") != "1":
            headers["Lambda-Runtime-Aws-Request-Id"] = request_id
        if test_headers.get("X-Test-Trace-Id"):
            headers["Lambda-Runtime-Trace-Id"] = test_headers["X-Test-Trace-Id"]
        self.send_raw(200, body, headers)

    def do_POST(self):
        url = urlparse(self.path)
        body = self.read_body()
        if url.path == "/test/invoke":
            request_id = str(uuid.uuid4())
            test_headers = {k: v for k, v in self.headers.items() if k.startswith("X-Test-")}
            with STATE.condition:
                STATE.queue.append(("event", request_id, body, test_headers))
                STATE.condition.notify_all()
            return self.send_json(200, {"requestId": request_id})
        if url.path == "/test/invoke-many":
            # A JSON array of events, queued at once (the benchmark's warm runs: no gaps between them);
            # with ?encoding=base64, of base64 strings, each event's raw bytes (the fuzz test's non-JSON).
            raw = parse_qs(url.query).get("encoding") == ["base64"]
            events = [base64.b64decode(item) for item in json.loads(body)] if raw else [json.dumps(e).encode() for e in json.loads(body)]
            ids = [str(uuid.uuid4()) for _ in events]
            with STATE.condition:
                for request_id, event in zip(ids, events):
                    STATE.queue.append(("event", request_id, event, {}))
                STATE.condition.notify_all()
            return self.send_json(200, {"requestIds": ids})
        if url.path == "/test/next-status":
            with STATE.condition:
                STATE.queue.append(("status", int(json.loads(body)["status"])))
                STATE.condition.notify_all()
            return self.send_json(200, {})
        if url.path == PREFIX + "/init/error":
            with STATE.condition:
                if STATE.init_error is not None or STATE.next_calls > 0:
                    return self.send_json(403, {"errorType": "InvalidStateTransition", "errorMessage": "init error after init"})
                STATE.init_error = {"errorTypeHeader": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                                    "body": body.decode("utf-8", "replace")}
                STATE.condition.notify_all()
            return self.send_json(202, {"status": "OK"})
        parts = url.path[len(PREFIX):].split("/") if url.path.startswith(PREFIX + "/invocation/") else []
        if len(parts) == 4 and parts[3] in ("response", "error"):
            request_id, kind = unquote(parts[2]), parts[3]
            with STATE.condition:
                if request_id not in STATE.issued:
                    return self.send_json(400, {"errorType": "InvalidRequestID", "errorMessage": f"unknown request id {request_id}"})
                if request_id in STATE.answered:
                    return self.send_json(403, {"errorType": "InvalidStateTransition", "errorMessage": "already answered"})
                if kind == "response" and len(body) > STATE.max_response_bytes:
                    return self.send_json(413, {"errorType": "RequestEntityTooLarge", "errorMessage": f"{len(body)} bytes"})
                STATE.answered.add(request_id)
                STATE.results.append({
                    "requestId": request_id, "kind": kind, "body": body.decode("utf-8", "replace"), "answeredAt": time.time(),
                    "deadline": STATE.issued[request_id],
                    "errorTypeHeader": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                    "contentType": self.headers.get("Content-Type"),
                })
                STATE.condition.notify_all()
            return self.send_json(202, {"status": "OK"})
        return self.send_json(404, {"errorType": "NotFound", "errorMessage": self.path})


def main():
    global STATE
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout-ms", type=int, default=30000)
    parser.add_argument("--function-arn", default="arn:aws:lambda:eu-west-1:123456789012:function:test")
    parser.add_argument("--max-response-bytes", type=int, default=MAX_RESPONSE_BYTES,
                        help="Lambda's limit is 6 MB; a lower one lets a test reach the 413 path")
    args = parser.parse_args()
    STATE = State(args.timeout_ms, args.function_arn, args.max_response_bytes)
    serve(LoopbackServer(Handler))


if __name__ == "__main__":
    main()
