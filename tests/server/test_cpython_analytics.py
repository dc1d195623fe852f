"""``totango_py.analytics`` on CPython delivers or refuses: pixels reach the receiver through the
server transport, or ``load()`` says which extra to install.

The module-level ``analytics`` runs as a user gets it, in a Python process of its own, against
the emulator's pixel receiver on 127.0.0.1; the collector it stands in for is the emulator's own
(``emulator/totango_collector.js``, run under Node), fed the same commands.
"""

import json
import os
import subprocess
import sys
import time
from urllib.parse import parse_qsl, urlsplit

import pytest

from paths import ROOT
from server_helpers import dead_endpoint
from totango_py import Analytics, RecordingTransport, SettingsError, TransportUnavailableError
from totango_py.server.collector import Collector
from totango_py.server.transport import ENDPOINTS
from totango_py.settings import validate

HERE = os.path.dirname(os.path.abspath(__file__))
SERVICE_ID = "SP-DESKTOP-1"

APP = """
import json, sys
from totango_py import analytics

analytics.load(service_id="%s", endpoint=sys.argv[1], disable_heartbeat=True)
outcomes = [
    analytics.identify("u1", {"name": "Ann", "email": "ann@example.com", "seats": 3}),
    analytics.group("acme", {"name": "Acme", "plan": "Paying", "vip": True}),
    analytics.page("Billing", "Invoices"),
    analytics.track("Paid invoice", {"category": "Payments"}),
    analytics.track("Exported"),
]
if sys.argv[2] == "flush":
    assert analytics.ports["transport"].flush(10)
print(json.dumps({"outcomes": [o["outcome"] for o in outcomes], "status": analytics.status()["tracker"]}))
""" % SERVICE_ID

IDENTIFIED = {"sdr_s": SERVICE_ID, "sdr_o": "acme", "sdr_u": "u1", "sdr_odn": "Acme", "sdr_o.plan": "Paying",
              "sdr_o.vip": "true", "sdr_u.name": "Ann", "sdr_u.email": "ann@example.com", "sdr_u.seats": "3"}
# identify() alone sends nothing (no account yet); group() sends both, as does page()'s go(module).
EXPECTED = [
    IDENTIFIED,
    {"sdr_s": SERVICE_ID, "sdr_o": "acme", "sdr_u": "u1", "sdr_a": "Viewed Billing Page", "sdr_m": "Billing"},
    {"sdr_s": SERVICE_ID, "sdr_o": "acme", "sdr_u": "u1", "sdr_a": "Viewed Billing Invoices Page",
     "sdr_m": "Billing"},
    IDENTIFIED,
    {"sdr_s": SERVICE_ID, "sdr_o": "acme", "sdr_u": "u1", "sdr_a": "Paid invoice", "sdr_m": "Payments"},
    {"sdr_s": SERVICE_ID, "sdr_o": "acme", "sdr_u": "u1", "sdr_a": "Exported", "sdr_m": "Billing"},
]


def run_python(code, *args, timeout=60):
    """``code`` in a fresh process of this Python, importing totango_py from this checkout."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-c", code] + list(args), cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("wait", ["flush", "exit"])
def test_module_analytics_sends_the_pixels(receiver, wait):
    """With ``flush()``, or with nothing: the wait at exit delivers what is queued."""
    done = run_python(APP, receiver.url + "pixel.gif/", wait)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"outcomes": ["delivered"] * 5, "status": "ready"}
    records = receiver.received(wait=len(EXPECTED), timeout=10)
    assert [r["params"] for r in records] == EXPECTED
    assert {(r["method"], r["region"]) for r in records} == {("GET", "us")}


def test_without_urllib3_load_raises_with_the_install_hint():
    code = """
import sys
sys.modules["urllib3"] = None  # as if the server extra were not installed
from totango_py import TransportUnavailableError, analytics
try:
    analytics.load(service_id="SP-1")
except TransportUnavailableError as error:
    print(isinstance(error, ImportError), analytics.identify("u1")["outcome"])
    print(error)
"""
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    first, message = done.stdout.strip().split("\n")
    assert first == "True held"  # nothing claims to be delivered
    assert "pip install 'totango-py[server]'" in message and "totango_py.server" in message


def test_warnings_go_to_python_logging(receiver):
    code = """
import sys
from totango_py import analytics
analytics.load(service_id="SP-1", endpoint=sys.argv[1], disable_heartbeat=True)
analytics.identify("u1", {"name": "x" * 300})
"""
    done = run_python(code, receiver.url + "pixel.gif/")
    assert done.returncode == 0, done.stderr
    assert "user trait name is 300 characters; Totango accepts at most 255" in done.stderr


def test_failures_are_logged_and_never_raised(receiver):
    receiver.faults.plan({"status": 400})
    code = """
import sys
from totango_py import analytics
analytics.load(service_id="SP-1", endpoint=sys.argv[1], disable_heartbeat=True)
analytics.identify("u1")
print(analytics.group("acme")["outcome"])
"""
    done = run_python(code, receiver.url + "pixel.gif/")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "delivered"  # handed to the sender, as to a page's collector
    assert "Totango pixel not delivered" in done.stderr and "HTTP 400" in done.stderr


def test_exit_waits_a_few_seconds_then_says_what_was_left():
    code = """
import sys
from totango_py import analytics
analytics.load(service_id="SP-1", endpoint=sys.argv[1], disable_heartbeat=True)
analytics.identify("u1")
analytics.group("acme")
analytics.track("Paid")
"""
    started = time.monotonic()
    done = run_python(code, dead_endpoint())  # refused, and retried with backoff
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 15
    assert "2 Totango pixel(s) not sent: the program exited while they were still being sent" in done.stderr


def test_a_forked_child_sends_through_its_own_thread(receiver):
    code = """
import os, sys
from totango_py import analytics
analytics.load(service_id="SP-1", endpoint=sys.argv[1], disable_heartbeat=True)
analytics.identify("u1")
analytics.group("acme")
assert analytics.ports["transport"].flush(10)
child = os.fork()
if child == 0:
    analytics.track("In the child")
    os._exit(0 if analytics.ports["transport"].flush(10) else 1)
print(os.waitpid(child, 0)[1])
"""
    done = run_python(code, receiver.url + "pixel.gif/")
    assert done.returncode == 0 and done.stdout.strip() == "0", done.stderr
    assert [r["activity"] for r in receiver.received()] == [None, "In the child"]


# -- the endpoint setting ---------------------------------------------------------------

def test_endpoint_setting():
    assert validate({"serviceId": "SP-1"})["endpoint"] is None
    assert validate({"serviceId": "SP-1", "endpoint": "http://127.0.0.1:8/p/"})["endpoint"] == "http://127.0.0.1:8/p/"
    for bad in ("ftp://x/pixel.gif", "/pixel.gif/", "https://", "https://x/\"a", 42):
        with pytest.raises(SettingsError, match="setting endpoint must be an http"):
            validate({"serviceId": "SP-1", "endpoint": bad})


def test_region_picks_totangos_receiver_without_an_endpoint():
    collector = Collector()
    collector.load({"service_id": "SP-1", "region": "eu1"}, None, lambda: None, None)
    collector.stop()
    assert collector.endpoint == ENDPOINTS["eu1"]


# -- the same pixels as the collector in a page ------------------------------------------

def page_collector(options, commands):
    """What the emulator's collector sends for ``commands``: each pixel's parameters, no cache-buster."""
    given = json.dumps({"options": options, "commands": commands})
    done = subprocess.run(["node", os.path.join(HERE, "run_collector.mjs"),
                           os.path.join(ROOT, "emulator", "totango_collector.js"), given],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    pixels = []
    for url in json.loads(done.stdout):
        params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        del params["_r"]
        pixels.append(params)
    return pixels


def python_collector(receiver, options, commands):
    collector = Collector(endpoint=receiver.url + "pixel.gif/")
    collector.load(options, None, lambda: None, None)
    for command in commands:
        collector.send(tuple(command))
    assert collector.flush(10)
    collector.stop()
    return [r["params"] for r in receiver.received()]


def analytics_commands(calls, **settings):
    """The collector's options at load and the commands an ``Analytics`` hands its transport for ``calls``."""
    transport = RecordingTransport()
    analytics = Analytics(transport=transport)
    analytics.load(dict({"serviceId": SERVICE_ID}, **settings))
    for name, args in calls:
        getattr(analytics, name)(*args)
    return transport.loads[0][0], [list(command) for command in transport.sent]


CALLS = [
    ("identify", ("u-7", {"name": "Ann", "email": "ann+1@acme.example", "vip": True, "seats": 3,
                          "created": "2024-01-02T03:04:05.678Z", "notes": "a&b=c d/é"})),
    ("group", ("acme", {"name": "Acme & Co", "plan": "Paying", "employees": 40.0, "tags": ["a", "b"],
                        "address": {"city": "Oslo"}, "empty": None},
               {"integrations": {"Totango": {"parent": {"id": "holding-1"}}}})),
    ("page", ("Billing", "Invoices")),
    ("track", ("Paid", {"category": "Payments", "amount": 12.5})),
    ("page", (None, "Home")),  # no category: the module is cleared; the collector keeps its own
    ("track", ("Exported",)),
    ("identify", ("u-7", {"email": "ann@acme.example"})),  # same user: traits merged
    ("identify", ("u-8", {"name": "Bob"})),                # another user: replaced
    ("track", ("Opened",)),
    ("reset", ()),
    ("identify", ("u-9",)),  # no account any more: nothing sent
    ("group", ("initech", {"name": "Initech"})),
    ("track", ("Came back", {"category": "Home"})),
]


def test_same_pixels_as_the_page_collector(receiver):
    options, commands = analytics_commands(CALLS, disableHeartbeat=True)
    expected = page_collector(options, commands)
    assert len(expected) == 12
    assert python_collector(receiver, options, commands) == expected


def test_collector_methods_the_mapping_does_not_use(receiver):
    """``identify``, ``setAccountAttributes`` and ``setUserAttributes``, and pixels before any account."""
    options = {"service_id": SERVICE_ID, "region": "us", "disable_heartbeat": True, "allow_empty_accounts": False,
               "username": "u1", "user": {"id": "u1", "name": "Ann"}}
    commands = [
        ["identify", {"id": "u1", "role": "admin"}],
        ["setAccountAttributes", {"plan": "Free"}],
        ["go", {"account": {"id": "acme", "name": "Acme"}}],
        ["setAccountAttributes", {"plan": "Paying", "seats": 4}],
        ["setUserAttributes", {"role": "owner"}],
        ["go", {"allow_empty_accounts": True, "account": {"id": ""}}],
        ["track", "Solo", None, None, None],
        ["clear"],
        ["track", "Nobody", "Mod", None, None],
        ["go", {"username": "u2", "account": {"id": "beta"}}],
        ["track", "Back", "", None, None],
    ]
    expected = page_collector(options, commands)
    assert len(expected) == 7
    assert python_collector(receiver, options, commands) == expected


def test_heartbeat(receiver):
    collector = Collector(endpoint=receiver.url + "pixel.gif/", heartbeat_seconds=0.05)
    collector.load({"service_id": SERVICE_ID, "region": "us", "disable_heartbeat": False,
                    "allow_empty_accounts": False, "username": "u1", "account": {"id": "acme"}},
                   None, lambda: None, None)
    records = receiver.received(wait=3, timeout=10)
    collector.stop()
    assert records[0]["params"] == {"sdr_s": SERVICE_ID, "sdr_o": "acme", "sdr_u": "u1"}
    assert [(r["activity"], r["module"], r["account"], r["user"]) for r in records[1:3]] == \
        [("__heartbeat", "__system", "acme", "u1")] * 2


def test_a_command_the_collector_lacks_is_refused(receiver):
    collector = Collector(endpoint=receiver.url + "pixel.gif/")
    with pytest.raises(RuntimeError):
        collector.send(("go", {}))  # not loaded
    collector.load({"service_id": SERVICE_ID, "disable_heartbeat": True}, None, lambda: None, None)
    with pytest.raises(ValueError, match="no method 'fly'"):
        collector.send(("fly",))
    collector.stop()


def test_an_analytics_of_your_own_can_take_the_collector(receiver):
    collector = Collector(endpoint=receiver.url + "pixel.gif/")
    analytics = Analytics(transport=collector)
    analytics.load(service_id=SERVICE_ID, disable_heartbeat=True)
    analytics.identify("u1")
    assert analytics.group("acme")["outcome"] == "delivered"
    assert collector.flush(10)
    collector.stop()
    assert [r["params"] for r in receiver.received()] == [
        {"sdr_s": SERVICE_ID, "sdr_o": "acme", "sdr_u": "u1", "sdr_o.plan": "Free"}]


def test_the_error_is_exported():
    assert issubclass(TransportUnavailableError, ImportError)
