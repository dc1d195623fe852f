"""Tests for the offline Totango emulator: the HTTP server on its own, then the collector in Chromium."""
import gzip
import json
import subprocess
import sys
import threading
import time
import urllib.request
from urllib.error import HTTPError
from urllib.parse import urlsplit

import pytest

from emulator.server import EmulatorServer
from paths import ROOT


def fetch(url, method="GET", data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    srv = EmulatorServer(root=str(root)).start()
    srv.root_path = root
    yield srv
    srv.stop()


# ---------------------------------------------------------------- static files

def test_static_content_types(server):
    files = {
        "index.html": ("<h1>hi</h1>", "text/html"),
        "a.wasm": ("\0asm", "application/wasm"),
        "m.mjs": ("export {}", "text/javascript"),
        "s.js": ("1", "text/javascript"),
        "d.json": ("{}", "application/json"),
        "p.py": ("print(1)", "text/plain"),
        "z.zip": ("PK", "application/zip"),
    }
    for name, (text, _) in files.items():
        (server.root_path / name).write_text(text)
    for name, (text, ctype) in files.items():
        status, headers, body = fetch(server.url + name)
        assert status == 200 and body == text.encode(), name
        assert headers["Content-Type"].startswith(ctype), name
        assert headers["Cache-Control"] == "no-cache"
    status, _, body = fetch(server.url)
    assert status == 200 and body == b"<h1>hi</h1>"
    assert fetch(server.url + "missing.js")[0] == 404
    assert fetch(server.url + "%2e%2e/%2e%2e/etc/passwd")[0] in (403, 404)


def test_cache_control_configurable(tmp_path):
    (tmp_path / "x.js").write_text("1")
    with EmulatorServer(root=str(tmp_path), cache_control="public, max-age=60") as srv:
        assert fetch(srv.url + "x.js")[1]["Cache-Control"] == "public, max-age=60"


def test_precompressed_negotiation(server):
    plain = b"console.log('plain')"
    (server.root_path / "app.js").write_bytes(plain)
    (server.root_path / "app.js.gz").write_bytes(gzip.compress(plain))
    (server.root_path / "app.js.br").write_bytes(b"BROTLI-BYTES")

    def get(ae):
        return fetch(server.url + "app.js", headers={"Accept-Encoding": ae})

    status, h, body = get("gzip, deflate, br")
    assert (status, h.get("Content-Encoding"), body) == (200, "br", b"BROTLI-BYTES")
    assert h["Vary"] == "Accept-Encoding" and h["Content-Type"].startswith("text/javascript")
    status, h, body = get("gzip")
    assert h.get("Content-Encoding") == "gzip" and gzip.decompress(body) == plain
    status, h, body = get("br;q=0, gzip;q=0.5")
    assert h.get("Content-Encoding") == "gzip"
    status, h, body = get("identity")
    assert "Content-Encoding" not in h and body == plain and h["Vary"] == "Accept-Encoding"


def test_collector_is_served(server):
    status, h, body = fetch(server.url + "emulator/totango4.0.3.js")
    assert status == 200 and h["Content-Type"].startswith("text/javascript")
    assert b"__totango3" in body


# ---------------------------------------------------------------- pixels

PIXEL_QS = ("sdr_s=SP-1&sdr_o=a1&sdr_u=u1&sdr_a=Paid&sdr_m=Billing&sdr_odn=Initech%20Inc"
            "&sdr_u.name=Ann&sdr_o.Create%20Date=2024-01-02T00%3A00%3A00.000Z"
            "&sdr_o.parent_id=p1&sdr_u.role=admin&sdr_o.tags=%5B%22x%22%5D")


def test_pixel_decoding(server):
    status, h, body = fetch(server.url + "pixel.gif/?" + PIXEL_QS)
    assert status == 200 and h["Content-Type"] == "image/gif" and body.startswith(b"GIF89a")
    (rec,) = server.received()
    assert rec["seq"] == 1 and rec["region"] == "us" and rec["query"] == PIXEL_QS
    assert isinstance(rec["time"], float)
    assert (rec["service_id"], rec["account"], rec["user"], rec["activity"], rec["module"]) == \
        ("SP-1", "a1", "u1", "Paid", "Billing")
    assert rec["account_name"] == "Initech Inc" and rec["user_name"] == "Ann"
    assert rec["account_attributes"] == {"Create Date": "2024-01-02T00:00:00.000Z", "tags": '["x"]'}
    assert rec["user_attributes"] == {"role": "admin"}
    assert rec["parent_id"] == "p1"
    assert rec["params"]["sdr_o.Create Date"] == "2024-01-02T00:00:00.000Z"
    # The same record over HTTP.
    assert json.loads(fetch(server.url + "__totango/received")[2]) == [rec]


def test_pixel_missing_fields_are_null_and_eu1_and_post(server):
    fetch(server.url + "eu1/pixel.gif/?sdr_s=SP-EU&sdr_u=u9")
    fetch(server.url + "pixel.gif/", method="POST", data=b"sdr_s=SP-1&sdr_o=a1&sdr_u=u1&sdr_a=x&sdr_m=y",
          headers={"Content-Type": "application/x-www-form-urlencoded"})
    eu, post = server.received()
    assert eu["region"] == "eu1" and eu["service_id"] == "SP-EU" and eu["user"] == "u9"
    for key in ("account", "activity", "module", "account_name", "user_name", "parent_id"):
        assert eu[key] is None, key
    assert eu["account_attributes"] == {} and eu["user_attributes"] == {}
    assert post["region"] == "us" and post["activity"] == "x" and post["account"] == "a1"


def test_clear_and_since(server):
    for i in range(3):
        fetch(server.url + "pixel.gif/?sdr_a=a%d" % i)
    recs = json.loads(fetch(server.url + "__totango/received?since=1")[2])
    assert [r["activity"] for r in recs] == ["a1", "a2"]
    assert fetch(server.url + "__totango/clear", method="POST", data=b"")[0] == 200
    assert server.received() == []
    fetch(server.url + "pixel.gif/?sdr_a=b")
    assert fetch(server.url + "__totango/clear", method="DELETE")[0] == 200
    assert json.loads(fetch(server.url + "__totango/received")[2]) == []
    fetch(server.url + "pixel.gif/?sdr_a=c")
    server.clear()
    assert server.received() == []


def test_long_poll(server):
    threading.Timer(0.3, fetch, [server.url + "pixel.gif/?sdr_a=late"]).start()
    t0 = time.monotonic()
    recs = json.loads(fetch(server.url + "__totango/received?wait=1&timeout=10000")[2])
    assert [r["activity"] for r in recs] == ["late"] and time.monotonic() - t0 < 5
    t0 = time.monotonic()
    recs = json.loads(fetch(server.url + "__totango/received?wait=2&timeout=300")[2])
    assert len(recs) == 1 and 0.25 < time.monotonic() - t0 < 5


def test_refuses_non_loopback():
    with pytest.raises(ValueError):
        EmulatorServer(host="0.0.0.0")


def test_cli_prints_url(tmp_path):
    (tmp_path / "hello.txt").write_text("hello")
    proc = subprocess.Popen([sys.executable, "-m", "emulator.server", "--root", str(tmp_path), "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = next(w for w in line.split() if w.startswith("http://127.0.0.1:"))
        assert fetch(url + "hello.txt")[2] == b"hello"
    finally:
        proc.terminate()
        proc.wait(10)


# ---------------------------------------------------------------- the collector in a real browser

STUB_PAGE = """<!doctype html><meta charset="utf-8"><title>totango emulator test</title>
<script>
  // Totango's own snippet: a stub that only queues track() until the collector loads.
  window.totango_tmp_stack = [];
  window.totango = {
    go: function () { return -1; },
    identify: function () {},
    setAccountAttributes: function () {},
    track: function (activity, module, org, user) {
      totango_tmp_stack.push({activity: activity, module: module, org: org, user: user});
      return -1;
    }
  };
  totango.track('Queued', 'Stub', 'a0', 'u0');
  window.totango_options = %s;
  var s = document.createElement('script');
  s.async = true;
  s.src = '/emulator/totango4.0.3.js';
  document.head.appendChild(s);
</script>
"""


@pytest.fixture
def offline_page(browser):
    """A page that may only talk to 127.0.0.1; anything else is aborted and fails the test."""
    context = browser.new_context()
    outside, warnings = [], []

    def guard(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.warnings = warnings
    yield page
    context.close()
    assert outside == [], "page tried to reach the network: %r" % outside


def wait_records(server, page, n, since=0, timeout=10.0):
    """Wait for n pixels, sorted by the collector's send counter (images may arrive out of order).

    Polls through page.wait_for_timeout so Playwright keeps servicing the route guard;
    blocking in server.received(wait=...) would stall the routed pixel requests.
    """
    deadline = time.monotonic() + timeout
    while True:
        recs = server.received(since=since)
        if len(recs) >= n or time.monotonic() > deadline:
            return sorted(recs, key=lambda r: int(r["params"]["_r"].rsplit(".", 1)[1]))
        page.wait_for_timeout(50)


def open_stub_page(server, page, options, name="index.html"):
    (server.root_path / name).write_text(STUB_PAGE % json.dumps(options))
    page.goto(server.url + name)
    page.wait_for_function("window.__totango3 === true", timeout=10000)


def test_collector_in_browser(server, offline_page):
    page = offline_page
    open_stub_page(server, page, {"service_id": "SP-1", "allow_empty_accounts": False, "disable_heartbeat": True})
    assert page.evaluate("totango_tmp_stack.length") == 0
    page.evaluate("""() => {
        totango.go({user: {id: 'u1', name: 'Ann'},
                    account: {id: 'a1', name: 'Initech', 'Create Date': '2024-01-02T00:00:00.000Z'}});
        totango.track('Paid', 'Billing');
    }""")
    recs = wait_records(server, page, 3)
    assert len(recs) == 3
    queued, ident, paid = recs
    assert (queued["activity"], queued["module"], queued["account"], queued["user"], queued["service_id"]) == \
        ("Queued", "Stub", "a0", "u0", "SP-1")
    assert ident["activity"] is None and ident["region"] == "us"
    assert (ident["service_id"], ident["account"], ident["user"]) == ("SP-1", "a1", "u1")
    assert ident["account_name"] == "Initech" and ident["user_name"] == "Ann"
    assert ident["account_attributes"] == {"Create Date": "2024-01-02T00:00:00.000Z"}
    assert "sdr_o.Create%20Date=2024-01-02T00%3A00%3A00.000Z" in ident["query"]
    assert (paid["activity"], paid["module"], paid["account"], paid["user"]) == ("Paid", "Billing", "a1", "u1")
    assert page.evaluate("window.__totango_emulator_sent.length") == 3

    # No account and allow_empty_accounts false: nothing goes out (and it says why).
    page.evaluate("""() => {
        totango.clear();
        totango.go({user: {id: 'u2'}});
        totango.track('NoAccount', 'Billing');
        totango.go({account: {id: 'a2'}});   // a sentinel: the next pixel we expect
        totango.track('After', 'Billing');
    }""")
    later = wait_records(server, page, 2, since=max(r["seq"] for r in recs))
    assert [(r["account"], r["user"], r["activity"]) for r in later] == [("a2", "u2", None), ("a2", "u2", "After")]
    sent = page.evaluate("window.__totango_emulator_sent")
    assert len(sent) == 5 and "sdr_a=Queued" in sent[0] and not any("NoAccount" in u for u in sent)
    assert len(server.received()) == 5
    assert any("NoAccount" in w and "allow_empty_accounts" in w for w in page.warnings)


def test_collector_eu1_heartbeat_and_attributes(server, offline_page):
    page = offline_page
    page.clock.install()
    open_stub_page(server, page, {
        "service_id": "SP-EU", "region": "eu1", "module": "Home",
        "user": {"id": "u1", "name": "Ann", "role": "admin"},
        "account": {"id": "a1", "name": "Initech", "parent": {"id": "p1"}, "plan": {"tier": 2}},
    })
    recs = wait_records(server, page, 2)  # identification from the options, then the queued track
    assert [r["activity"] for r in recs] == [None, "Queued"]
    ident = recs[0]
    assert ident["region"] == "eu1" and ident["parent_id"] == "p1"
    assert ident["account_attributes"] == {"plan": '{"tier":2}'} and ident["user_attributes"] == {"role": "admin"}
    page.evaluate("""() => {
        totango.track('Viewed');
        totango.setAccountAttributes({'Contract Value': 100, renewal: new Date(Date.UTC(2025, 0, 1))});
        totango.setUserAttributes({title: 'CTO'});
    }""")
    page.clock.run_for(61000)
    recs = wait_records(server, page, 4, since=max(r["seq"] for r in recs))
    viewed, acct, usr, beat = recs
    assert (viewed["activity"], viewed["module"]) == ("Viewed", "Home")
    assert acct["account_attributes"] == {"Contract Value": "100", "renewal": "2025-01-01T00:00:00.000Z"}
    assert usr["user_attributes"] == {"title": "CTO"} and usr["account"] == "a1"
    assert (beat["activity"], beat["module"], beat["region"]) == ("__heartbeat", "__system", "eu1")
    assert all(r["region"] == "eu1" for r in recs)
