"""Writing test pages that embed the tag exactly as README tells a site to, and reading the wire."""

import json
import os
import time

from conftest import DIST

SERVICE_ID = "SP-TEST-1"
COLLECTOR = "/emulator/totango4.0.3.js"


def snippet():
    with open(os.path.join(DIST, "tag", "snippet.js"), encoding="utf-8") as handle:
        return handle.read()


def tag_page(site, name, runtime, calls, head="", settings=None, body=""):
    """Write ``/t/<name>.html``: snippet, ``load``, then ``calls`` on the page's first lines."""
    given = {"serviceId": SERVICE_ID, "trackerUrl": COLLECTOR, "runtime": runtime, "disableHeartbeat": True}
    given.update(settings or {})
    html = """<!doctype html>
<html><head><meta charset="utf-8"><title>%s</title>
%s
<script>%s</script>
<script>
analytics.load(%s);
%s
</script></head><body>%s</body></html>
""" % (name, head, snippet(), json.dumps(given), calls, body)
    (site / "t" / (name + ".html")).write_text(html)
    return "t/%s.html" % name


def _order(record):
    stamp, counter = record["params"]["_r"].split(".")
    return int(stamp, 36), int(counter)


def wait_pixels(server, activity_count, identified=0, timeout=30.0):
    """All recorded pixels, in the order the page sent them, once at least
    ``activity_count`` activity pixels and ``identified`` identification pixels arrived."""
    deadline = time.monotonic() + timeout
    while True:
        records = server.received()
        tracked = len([r for r in records if r["activity"]])
        if (tracked >= activity_count and len(records) - tracked >= identified) or time.monotonic() > deadline:
            return sorted(records, key=_order)
        time.sleep(0.05)


def wait_activity(server, activity, timeout=30.0):
    """The recorded pixels of ``activity``, once at least one has arrived."""
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in server.received() if r["activity"] == activity]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def activities(records):
    """``(activity, module, account, user)`` of the activity pixels."""
    return [(r["activity"], r["module"], r["account"], r["user"]) for r in records if r["activity"]]


def wait_status(page, predicate_js, timeout_ms=30000):
    """Wait until ``analytics.status()`` satisfies a JS predicate of ``s``."""
    page.wait_for_function("() => { try { const s = analytics.status(); return %s; } catch (e) { return false; } }"
                           % predicate_js, timeout=timeout_ms)
    return page.evaluate("analytics.status()")
