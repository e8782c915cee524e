#!/usr/bin/env python3
"""A local Slack: the Web API method instance-watch calls, and the response_url an interaction carries.

Speaks Slack's wire format (docs.slack.dev/reference/methods/chat.postMessage; and
"Handling user interaction": response_url takes up to 5 posts in 30 minutes):
  POST /api/chat.postMessage   JSON body, "Authorization: Bearer <token>": {"ok": true, "channel": <id>, "ts": <ts>, "message": …}
                               a wrong token: {"ok": false, "error": "invalid_auth"}; no channel: "channel_not_found";
                               a channel named "#name" answers with its id (C + the name upper-cased)
  POST /response/<id>          a response_url: 200 "ok", the sixth post to the same one: 404 "used_url"
  POST /test/token             body: the bot token the API accepts (default xoxb-test-token)
  GET  /test/requests          every request received (method, path, headers, JSON body), in order
Prints "PORT <n>"; exits when stdin closes.
"""
import json
import threading

from loopback import LoopbackServer, PeerHandler, serve

LOCK = threading.Lock()
TOKEN = ["xoxb-test-token"]
REQUESTS = []
RESPONSES = {}       # response_url path -> posts
COUNTER = [1700000000]


def channel_id(channel):
    return "C" + channel.lstrip("#").upper().replace("-", "") if channel.startswith("#") else channel


class Handler(PeerHandler):
    def reply(self, status, body):
        """JSON for the Web API; plain text for a response_url, as Slack answers them."""
        if isinstance(body, str):
            return self.answer(status, body, {"Content-Type": "text/plain"})
        self.answer(status, json.dumps(body), {"Content-Type": "application/json; charset=utf-8"})

    def do_GET(self):
        if self.path == "/test/requests":
            with LOCK:
                return self.reply(200, REQUESTS)
        self.reply(404, {"ok": False, "error": "unknown_method"})

    def do_POST(self):
        raw = self.read_body()
        if self.path == "/test/token":
            TOKEN[0] = raw.decode()
            return self.reply(200, {})
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        with LOCK:
            REQUESTS.append({"method": "POST", "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        if self.path.startswith("/response/"):
            with LOCK:
                RESPONSES[self.path] = RESPONSES.get(self.path, 0) + 1
                if RESPONSES[self.path] > 5:
                    return self.reply(404, "used_url")
            return self.reply(200, "ok")
        if body is None:
            return self.reply(200, {"ok": False, "error": "invalid_json"})
        if self.headers.get("Authorization") != f"Bearer {TOKEN[0]}":
            return self.reply(200, {"ok": False, "error": "invalid_auth"})
        if self.path == "/api/chat.postMessage":
            if not body.get("channel"):
                return self.reply(200, {"ok": False, "error": "channel_not_found"})
            with LOCK:
                COUNTER[0] += 1
                ts = f"{COUNTER[0]}.000100"
                channel = channel_id(body["channel"])
            return self.reply(200, {"ok": True, "channel": channel, "ts": ts, "message": {"text": body.get("text"), "ts": ts}})
        self.reply(404, {"ok": False, "error": "unknown_method"})


if __name__ == "__main__":
    serve(LoopbackServer(Handler))
