"""Starting and talking to the test peers from Python (the demo and the benchmark; the Swift tests
have LocalPeer): each peer prints "PORT n" (then "KEY value" lines) and exits when stdin closes."""
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

PEERS = Path(__file__).resolve().parent


class Peer:
    def __init__(self, script, *arguments, announced=()):
        script = Path(script) if "/" in str(script) else PEERS / script
        self.process = subprocess.Popen([sys.executable, str(script), *arguments], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=PEERS)
        self.values = {}
        for key in ("PORT", *announced):
            name, _, value = self.process.stdout.readline().strip().partition(" ")
            if name != key:
                raise RuntimeError(f"{script.name} did not start (expected {key}, got {name!r})")
            self.values[key] = value
        self.url = f"http://127.0.0.1:{self.values['PORT']}"

    def command(self, **command):
        """One fixture command (moto_peer.py), answered with one JSON line."""
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"fixture {command['op']}: {answer['error']}")
        return answer

    def stop(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=5)
            except Exception:
                self.process.kill()


def http(method, url, body=None, timeout=600):
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, method=method, data=data), timeout=timeout) as response:
        return json.loads(response.read() or b"null")
