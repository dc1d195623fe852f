"""Local stand-in for Totango's receiver: static files, the collector script, and a pixel log.

Tests and the demo run offline, so pixels are recorded here instead of going to
sdr.totango.com, and can be read back over HTTP (`/__totango/received`) or from Python.
Faults (error statuses, delays, dropped connections) can be planned for tests: see faults.py.
"""
import argparse
import json
import os
import posixpath
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

try:
    from .faults import Faults
except ImportError:  # run as a script
    from faults import Faults

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTOR_PATH = "/emulator/totango4.0.3.js"
COLLECTOR_FILE = os.path.join(HERE, "totango_collector.js")
PIXEL_PATHS = {"/pixel.gif/": "us", "/pixel.gif": "us", "/eu1/pixel.gif/": "eu1", "/eu1/pixel.gif": "eu1"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# The same transparent 1x1 GIF Totango answers with, whatever the request held.
GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
       b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".wasm": "application/wasm",
    ".py": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".toml": "text/plain; charset=utf-8",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".tar": "application/x-tar",
    ".gif": "image/gif",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # preferred order


def content_type(path):
    """Content type by extension; browsers refuse wasm/module scripts with the wrong one."""
    return CONTENT_TYPES.get(os.path.splitext(path)[1].lower(), "application/octet-stream")


def accepted_encodings(header):
    """Codings the client accepts with q > 0 (a '*' entry counts for any)."""
    result, wildcard = set(), False
    for part in (header or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        name, q = bits[0].lower(), 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if not name or q <= 0:
            continue
        if name == "*":
            wildcard = True
        else:
            result.add(name)
    if wildcard:
        result.update(e for e, _ in ENCODINGS)
    return result


def decode_pixel(seq, region, query, params, method="GET"):
    """Turn pixel parameters into the record tests assert on (missing fields are None)."""
    account_attrs = {k[6:]: v for k, v in params.items() if k.startswith("sdr_o.") and k != "sdr_o.parent_id"}
    user_attrs = {k[6:]: v for k, v in params.items() if k.startswith("sdr_u.") and k != "sdr_u.name"}
    return {
        "seq": seq,
        "time": time.time() * 1000.0,
        "method": method,
        "region": region,
        "query": query,
        "params": params,
        "service_id": params.get("sdr_s"),
        "account": params.get("sdr_o"),
        "user": params.get("sdr_u"),
        "activity": params.get("sdr_a"),
        "module": params.get("sdr_m"),
        "account_name": params.get("sdr_odn"),
        "user_name": params.get("sdr_u.name"),
        "account_attributes": account_attrs,
        "user_attributes": user_attrs,
        "parent_id": params.get("sdr_o.parent_id"),
    }


class PixelLog:
    """Thread-safe list of received pixels; seq keeps counting across clear() so `since` stays valid."""

    def __init__(self):
        self._cond = threading.Condition()
        self._records = []
        self._seq = 0

    def add(self, region, query, params, method):
        with self._cond:
            self._seq += 1
            rec = decode_pixel(self._seq, region, query, params, method)
            self._records.append(rec)
            self._cond.notify_all()
            return rec

    def list(self, since=0, wait=0, timeout=None):
        """Records with seq > since; with wait, block until at least that many (or timeout seconds)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                recs = [r for r in self._records if r["seq"] > since]
                if len(recs) >= wait:
                    return recs
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return recs
                self._cond.wait(left)

    def clear(self):
        with self._cond:
            self._records = []
            self._cond.notify_all()


class Handler(BaseHTTPRequestHandler):
    """Routes: control endpoints, pixels, the collector, then static files."""

    server_version = "TotangoEmulator/1"
    protocol_version = "HTTP/1.1"  # keep-alive, as the real receiver; every answer has a Content-Length
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stall

    def log_message(self, fmt, *args):
        if not self.server.quiet:
            super().log_message(fmt, *args)

    def _send(self, status, body, ctype, headers=None, head=False):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _json(self, obj, status=200):
        body = json.dumps(obj).encode()
        self._send(status, body, "application/json",
                   {"Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"})

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _pixel(self, region, query, method):
        params = dict(parse_qsl(query, keep_blank_values=True))
        if method == "POST":
            body = self._read_body()
            ctype = (self.headers.get("Content-Type") or "").lower()
            if body and ("urlencoded" in ctype or not ctype):
                params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        action = self.server.faults.next(params)
        if action and self._misbehave(action):
            return
        self.server.log.add(region, query, params, method)
        self._send(200, GIF, "image/gif", {"Cache-Control": "no-store, no-cache, must-revalidate"},
                   head=(method == "HEAD"))

    def _misbehave(self, action):
        """Apply a planned fault; True when it answered (or dropped) the request itself."""
        if action.get("delay"):
            time.sleep(float(action["delay"]))
        if action.get("drop"):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return True
        status = int(action.get("status") or 200)
        if status == 200:
            return False
        headers = {"Retry-After": str(action["retry_after"])} if "retry_after" in action else {}
        self._send(status, b"", "text/plain", headers)
        return True

    def _faults(self, method):
        if method == "POST":
            try:
                self.server.faults.configure(json.loads(self._read_body() or b"{}"))
            except (ValueError, AttributeError, TypeError) as error:
                return self._json({"error": "expected a JSON object: %s" % error}, 400)
        return self._json(self.server.faults.summary())

    def _received(self, query):
        q = dict(parse_qsl(query))
        try:
            since = int(q.get("since", 0))
            wait = int(q.get("wait", 0))
            timeout = float(q.get("timeout", 10000)) / 1000.0
        except ValueError:
            return self._json({"error": "since, wait and timeout must be numbers"}, 400)
        self._json(self.server.log.list(since, wait, min(timeout, 120.0)))

    def _static(self, path, head):
        root = self.server.root
        if root is None:
            return self._send(404, b"not found", "text/plain")
        rel = posixpath.normpath(unquote(path)).lstrip("/")
        if rel.startswith("..") or "\x00" in rel:
            return self._send(403, b"forbidden", "text/plain")
        full = os.path.join(root, *[p for p in rel.split("/") if p and p != "."])
        if os.path.isdir(full):
            if not path.endswith("/"):
                return self._send(301, b"", "text/plain", {"Location": path + "/"}, head)
            full = os.path.join(full, "index.html")
        if not os.path.isfile(full):
            return self._send(404, b"not found", "text/plain", head=head)
        headers = {"Cache-Control": self.server.cache_control}
        serve, coding = full, None
        siblings = [(enc, full + ext) for enc, ext in ENCODINGS
                    if enc in self.server.encodings and os.path.isfile(full + ext)]
        if siblings:
            headers["Vary"] = "Accept-Encoding"
            ok = accepted_encodings(self.headers.get("Accept-Encoding"))
            for enc, candidate in siblings:
                if enc in ok:
                    serve, coding = candidate, enc
                    break
        if coding:
            headers["Content-Encoding"] = coding
        with open(serve, "rb") as f:
            body = f.read()
        self._send(200, body, content_type(full), headers, head)

    def _route(self, method):
        parts = urlsplit(self.path)
        path, query = parts.path, parts.query
        if path in PIXEL_PATHS and method in ("GET", "POST", "HEAD"):
            return self._pixel(PIXEL_PATHS[path], query, method)
        if path == "/__totango/faults" and method in ("GET", "POST"):
            return self._faults(method)
        if path == "/__totango/received" and method == "GET":
            return self._received(query)
        if path == "/__totango/clear" and method in ("POST", "DELETE"):
            self._read_body()
            self.server.log.clear()
            return self._json({"cleared": True})
        if path == "/__totango/received" and method == "DELETE":
            self.server.log.clear()
            return self._json({"cleared": True})
        control = dict(parse_qsl(query)) if method in ("GET", "HEAD") else {}
        if control.get("delay", "").isdigit():  # ?delay=<ms> plays a slow file (the collector, a page's script)
            time.sleep(min(int(control["delay"]), 60000) / 1000.0)
        if path == COLLECTOR_PATH and method in ("GET", "HEAD"):
            # ?fail=1 plays a collector that cannot be loaded.
            if control.get("fail"):
                return self._send(503, b"collector unavailable", "text/plain", head=method == "HEAD")
            with open(COLLECTOR_FILE, "rb") as f:
                body = f.read()
            return self._send(200, body, "text/javascript; charset=utf-8",
                              {"Cache-Control": self.server.cache_control}, method == "HEAD")
        if method in ("GET", "HEAD"):
            return self._static(path, method == "HEAD")
        self.close_connection = True  # any request body was not read
        self._send(405, b"method not allowed", "text/plain")

    def do_GET(self):
        self._route("GET")

    def do_HEAD(self):
        self._route("HEAD")

    def do_POST(self):
        self._route("POST")

    def do_DELETE(self):
        self._route("DELETE")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class EmulatorServer:
    """Runs the emulator in a background thread; port 0 picks a free port."""

    def __init__(self, root=None, host="127.0.0.1", port=0, cache_control="no-cache", quiet=True):
        if host not in LOOPBACK:
            raise ValueError("the emulator only binds to loopback, not %r" % host)
        self.root = os.path.abspath(root) if root else None
        self.host, self.port = host, port
        self.cache_control = cache_control
        self.quiet = quiet
        self.log = PixelLog()
        self.faults = Faults()
        self._httpd = None
        self._thread = None

    @property
    def url(self):
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "http://%s:%d/" % (host, self.port)

    def start(self):
        """Bind and serve in a daemon thread; returns self."""
        httpd = (_Server6 if ":" in self.host else _Server)((self.host, self.port), Handler)
        httpd.root, httpd.cache_control, httpd.quiet, httpd.log = self.root, self.cache_control, self.quiet, self.log
        httpd.faults = self.faults
        httpd.encodings = [enc for enc, _ in ENCODINGS]
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, name="totango-emulator", daemon=True)
        self._thread.start()
        return self

    def serve_encodings(self, names):
        """Serve only these precompressed copies (e.g. ``["gzip"]``); None: all of them."""
        self._httpd.encodings = [enc for enc, _ in ENCODINGS if names is None or enc in names]

    def received(self, since=0, wait=0, timeout=None):
        """Decoded pixel records (optionally blocking until `wait` exist, timeout in seconds)."""
        return self.log.list(since, wait, timeout)

    def clear(self):
        self.log.clear()
        self.faults.reset()

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(5)
            self._httpd = None

    def run_until_interrupted(self):
        """Serve until Ctrl-C or SIGTERM, then stop: for the command-line servers."""
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None):
    ap = argparse.ArgumentParser(description="Offline Totango emulator and static file server.")
    ap.add_argument("--root", default=".", help="directory to serve static files from")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--cache-control", default="no-cache")
    ap.add_argument("--verbose", action="store_true", help="log every request")
    args = ap.parse_args(argv)
    srv = EmulatorServer(args.root, args.host, args.port, args.cache_control, quiet=not args.verbose)
    srv.start()
    print("Totango emulator serving %s at %s (collector: %s)" % (srv.root, srv.url, srv.url + COLLECTOR_PATH[1:]),
          flush=True)
    srv.run_until_interrupted()


if __name__ == "__main__":
    main()
