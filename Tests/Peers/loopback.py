"""What every test peer shares: an HTTP/1.1 server on a free loopback port that keeps connections
alive, answers without Nagle's delay, stays quiet, and stops when the test that started it goes away."""
import os
import ssl
import subprocess
import sys
import tempfile
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

    def answer(self, status, body, headers=None):
        """A whole answer: the status, `headers`, a Content-Length, and the body (text or bytes)."""
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve(server, on_close=None, **announcements):
    """Prints "PORT <n>" (then "KEY value" for each announcement) and serves until stdin closes,
    so no peer outlives its test, even if the test process dies; `on_close` runs first."""
    print(f"PORT {server.server_address[1]}", flush=True)
    for key, value in announcements.items():
        print(f"{key} {value}", flush=True)

    def wait_for_close():
        sys.stdin.read()
        if on_close is not None:
            on_close()
        os._exit(0)
    threading.Thread(target=wait_for_close, daemon=True).start()
    server.serve_forever()


def make_certificates(directory, names=("localhost",)):
    """A throwaway CA and a server certificate for 127.0.0.1 and `names` (openssl CLI); their paths."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    ca_key, ca_cert = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.pem")
    key, csr, cert = (os.path.join(directory, n) for n in ("server.key", "server.csr", "server.pem"))
    extensions = os.path.join(directory, "san.ext")
    with open(extensions, "w") as f:
        alternatives = ",".join(["IP:127.0.0.1"] + [f"DNS:{name}" for name in names])
        f.write(f"subjectAltName={alternatives}\nbasicConstraints=CA:FALSE\n")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca_cert,
        "-days", "2", "-subj", "/CN=instance-watch test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    run("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
        "-out", cert, "-days", "2", "-extfile", extensions)
    return ca_cert, cert, key


def serve_tls(server, names=("localhost",)):
    """Makes `server` speak HTTPS with a certificate of a new CA; returns the CA file's path."""
    ca_path, cert, key = make_certificates(tempfile.mkdtemp(prefix="iw-tls-"), names)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    return ca_path
