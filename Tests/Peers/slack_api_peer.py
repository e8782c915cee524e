#!/usr/bin/env python3
"""A local Slack: the Web API methods instance-watch calls, and the response_url an interaction carries.

Speaks Slack's wire format (docs.slack.dev/reference/methods/chat.postMessage and chat.update; and
"Handling user interaction": response_url takes up to 5 posts in 30 minutes):
  POST /api/chat.postMessage   JSON body, "Authorization: Bearer <token>": {"ok": true, "channel": <id>, "ts": <ts>, "message": …}
                               a wrong token: {"ok": false, "error": "invalid_auth"}; no channel: "channel_not_found";
                               a channel named "#name" answers with its id (C + the name upper-cased)
  POST /api/chat.update        JSON body with the channel id and ts of a message posted here: {"ok": true, "channel", "ts", "text"};
                               a message it never posted (or deleted): {"ok": false, "error": "message_not_found"}
  POST /api/files.getUploadURLExternal   form body (filename, length, alt_txt), the bearer token: {"ok", "upload_url", "file_id"};
                               no filename or a length that is not a positive number: {"ok": false, "error": "invalid_arguments"}
  POST /upload/<file id>       the file's bytes (no token: the URL is the credential): 200 "OK - <n>"
  POST /api/files.completeUploadExternal form body (files: JSON [{"id", "title"}], channel_id): {"ok", "files"};
                               a file never uploaded, or not as long as announced: {"ok": false, "error": "file_not_found"};
                               channel_id not an id (C…): {"ok": false, "error": "channel_not_found"}
  GET  /test/files             the files completed into a channel: [{"id", "title", "channel", "alt_txt", "filename", "base64"}]
  GET  /test/messages          the messages as they stand: [{"channel", "ts", "message"}], in the order posted
  POST /test/delete            body {"channel", "ts"}: the message is deleted (as a person can)
  POST /response/<id>          a response_url: 200 "ok", the sixth post to the same one: 404 "used_url"
  POST /test/token             body: the bot token the API accepts (default xoxb-test-token)
  GET  /test/requests          every request received (method, path, headers, JSON body), in order
Prints "PORT <n>"; exits when stdin closes.
"""
import base64
import json
import threading
import time
import urllib.parse

from loopback import LoopbackServer, PeerHandler, serve

LOCK = threading.Lock()
TOKEN = ["xoxb-test-token"]
REQUESTS = []
RESPONSES = {}       # response_url path -> posts
MESSAGES = {}        # (channel id, ts) -> the message as it stands
UPLOADS = {}         # file id -> {"filename", "length", "alt_txt", "bytes"}
FILES = []           # files completed into a channel
COUNTER = [0]


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
        if self.path == "/test/files":
            with LOCK:
                return self.reply(200, FILES)
        if self.path == "/test/messages":
            with LOCK:
                return self.reply(200, [{"channel": c, "ts": t, "message": m} for (c, t), m in MESSAGES.items()])
        self.reply(404, {"ok": False, "error": "unknown_method"})

    def do_POST(self):
        raw = self.read_body()
        if self.path == "/test/token":
            TOKEN[0] = raw.decode()
            return self.reply(200, {})
        if self.path.startswith("/upload/"):
            with LOCK:
                upload = UPLOADS.get(self.path.removeprefix("/upload/"))
                if upload is None:
                    return self.reply(404, "not_found")
                upload["bytes"] = raw
            return self.reply(200, f"OK - {len(raw)}")
        if self.path.startswith("/api/files."):
            return self.files(raw)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        if self.path == "/test/delete":
            with LOCK:
                MESSAGES.pop((body["channel"], body["ts"]), None)
            return self.reply(200, {})
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
                # As Slack's: the posting time in epoch seconds, and a suffix that keeps each unique.
                COUNTER[0] += 1
                ts = f"{int(time.time())}.{COUNTER[0] % 1000000:06d}"
                channel = channel_id(body["channel"])
                MESSAGES[(channel, ts)] = body
            return self.reply(200, {"ok": True, "channel": channel, "ts": ts, "message": {"text": body.get("text"), "ts": ts}})
        if self.path == "/api/chat.update":
            key = (body.get("channel"), body.get("ts"))
            with LOCK:
                if key not in MESSAGES:
                    return self.reply(200, {"ok": False, "error": "message_not_found"})
                MESSAGES[key] = body
            return self.reply(200, {"ok": True, "channel": key[0], "ts": key[1], "text": body.get("text")})
        self.reply(404, {"ok": False, "error": "unknown_method"})

    def files(self, raw):
        """Slack's three-step upload (docs.slack.dev/messaging/working-with-files): form arguments."""
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()}
        with LOCK:
            REQUESTS.append({"method": "POST", "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                             "body": form, "contentType": self.headers.get("Content-Type")})
        if self.headers.get("Authorization") != f"Bearer {TOKEN[0]}":
            return self.reply(200, {"ok": False, "error": "invalid_auth"})
        if not (self.headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            return self.reply(200, {"ok": False, "error": "invalid_form_data"})
        if self.path == "/api/files.getUploadURLExternal":
            if not form.get("filename") or not form.get("length", "").isdigit() or int(form["length"]) <= 0:
                return self.reply(200, {"ok": False, "error": "invalid_arguments"})
            with LOCK:
                COUNTER[0] += 1
                file_id = f"F{COUNTER[0]:08d}"
                UPLOADS[file_id] = {"filename": form["filename"], "length": int(form["length"]), "alt_txt": form.get("alt_txt"), "bytes": None}
            host, port = self.server.server_address[:2]
            return self.reply(200, {"ok": True, "upload_url": f"http://{host}:{port}/upload/{file_id}", "file_id": file_id})
        if self.path == "/api/files.completeUploadExternal":
            try:
                files = json.loads(form.get("files", ""))
            except ValueError:
                return self.reply(200, {"ok": False, "error": "invalid_arguments"})
            channel = form.get("channel_id", "")
            if not channel.startswith("C"):
                return self.reply(200, {"ok": False, "error": "channel_not_found"})
            completed = []
            with LOCK:
                for entry in files:
                    upload = UPLOADS.get(entry.get("id"))
                    if upload is None or upload["bytes"] is None or len(upload["bytes"]) != upload["length"]:
                        return self.reply(200, {"ok": False, "error": "file_not_found"})
                    FILES.append({"id": entry["id"], "title": entry.get("title"), "channel": channel, "alt_txt": upload["alt_txt"],
                                  "filename": upload["filename"], "base64": base64.b64encode(upload["bytes"]).decode()})
                    completed.append({"id": entry["id"], "title": entry.get("title")})
            return self.reply(200, {"ok": True, "files": completed})
        self.reply(404, {"ok": False, "error": "unknown_method"})


if __name__ == "__main__":
    serve(LoopbackServer(Handler))
