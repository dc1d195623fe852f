"""A hostile page, fuzzed: seeded random calls with throwing getters and proxies, cycles,
huge and broken unicode strings, odd kinds, on a page whose prototypes are polluted.

Invariant, checked after every batch at the emulator's receiver and in ``status()``:
no page error, and every call is delivered or dropped with a reason — each named one
exactly once, never both, never missing; nothing is left held. A failure names its seed.
"""

import os
import re
import time

import pytest

from page_helpers import RUNTIMES, tag_page, wait_status

HERE = os.path.dirname(os.path.abspath(__file__))
BATCHES = 20
SEQUENCES = 25  # per batch: 500 sequences per runtime
POLLUTED = """<script>
Array.prototype.toJSON = function () { return '[' + this.join(', ') + ']'; };
Object.prototype.polluted = 'x';
</script>"""
NAME = re.compile(r'"(fz-[0-9-]+)"')


def _named(call):
    """The activity a dropped call would have become, from its description."""
    found = NAME.search(call)
    if not found:
        return None
    return ("Viewed %s Page" % found.group(1)) if call.startswith("page(") else found.group(1)


def _settled(page, before, calls, timeout=60.0):
    deadline = time.monotonic() + timeout
    while True:
        status = page.evaluate("analytics.status()")
        done = status["delivered"] - before["delivered"] + status["dropped_count"] - before["dropped_count"]
        if done >= calls or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_hostile_calls_are_each_delivered_or_dropped_once(site, server, watched, runtime):
    with open(os.path.join(HERE, "pages", "fuzz.js"), encoding="utf-8") as handle:
        head = POLLUTED + "<script>%s</script>" % handle.read()
    calls = "analytics.identify('u-1'); analytics.group('acme');"
    watched.goto(server.url + tag_page(site, "fuzz-" + runtime, runtime, calls, head=head))
    status = wait_status(watched, "s.tracker === 'ready' && s.delivered === 2", 60000)
    deadline = time.monotonic() + 10  # the sign-in's pixel is on its way: counted before the batches
    while not any(r["activity"] is None for r in server.received()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    since = max([r["seq"] for r in server.received()] or [0])
    total = 0
    for batch in range(BATCHES):
        seed = 1000 * (RUNTIMES.index(runtime) + 1) + batch
        made = watched.evaluate("fuzz(%d, %d)" % (seed, SEQUENCES))
        after = _settled(watched, status, made["calls"])
        after = watched.evaluate("analytics.status()")
        expected_pixels = after["delivered"] - status["delivered"]
        deadline = time.monotonic() + 30
        while len(server.received(since=since)) < expected_pixels and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.3)  # room for late or duplicate pixels
        records = server.received(since=since)
        since = max([r["seq"] for r in records] or [since])
        context = "seed %d (%s)" % (seed, runtime)
        delivered = after["delivered"] - status["delivered"]
        dropped_count = after["dropped_count"] - status["dropped_count"]
        assert dropped_count <= 100, context  # the journal keeps the last 100
        drops = after["dropped"][len(after["dropped"]) - dropped_count:] if dropped_count else []
        assert all(d["reason"] for d in drops), context
        assert delivered + dropped_count == made["calls"], context
        assert len(records) == delivered, context                       # one pixel per delivered command
        seen = [r["activity"] for r in records if r["activity"] and r["activity"].startswith(("fz-", "Viewed fz-"))]
        assert len(seen) == len(set(seen)), "%s: delivered twice" % context
        dropped_names = [n for n in (_named(d["call"]) for d in drops) if n]
        assert not set(seen) & set(dropped_names), "%s: delivered and dropped" % context
        missing = set(made["named"]) - set(seen + dropped_names)
        assert sorted(seen + dropped_names) == sorted(made["named"]), "%s: missing %r" % (context, missing)
        identified = [r for r in records if r["activity"] is None]
        dropped_accounts = [d for d in drops if d["call"].startswith(("identify(", "group("))]
        assert len(identified) == made["identifications"] - len(dropped_accounts), context
        assert after["held_for_account"] == [] and after["waiting_for_collector"] == [], context
        assert watched.errors == [], context
        status = after
        total += SEQUENCES
    assert total == BATCHES * SEQUENCES
