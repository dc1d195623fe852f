"""Writing test pages that embed the tag exactly as README tells a site to, and reading the wire."""

import json
import os
import time

from paths import DIST
from totango_py import vocabulary

RUNTIMES = list(vocabulary.RUNTIME_NAMES)
SERVICE_ID = "SP-TEST-1"
COLLECTOR = "/emulator/totango4.0.3.js"


def snippet():
    with open(os.path.join(DIST, "tag", "snippet.js"), encoding="utf-8") as handle:
        return handle.read()


def tag_page(site, name, runtime, calls, head="", settings=None, body="", load=None):
    """Write ``/t/<name>.html``: snippet, ``load`` (or the ``load`` statement given), then ``calls``
    on the page's first lines."""
    given = {"serviceId": SERVICE_ID, "trackerUrl": COLLECTOR, "runtime": runtime, "disableHeartbeat": True}
    given.update(settings or {})
    html = """<!doctype html>
<html><head><meta charset="utf-8"><title>%s</title>
%s
<script>%s</script>
<script>
%s
%s
</script></head><body>%s</body></html>
""" % (name, head, snippet(), load or "analytics.load(%s);" % json.dumps(given), calls, body)
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


# Helpers a page gets for the recording collector (tests/browser/pages/recording_collector.js).
RECORDING_HELPERS = """
window.recorded = function (method) {
  return (window.__recorded || []).filter(function (c) { return c[0] === method; })
    .map(function (c) { return c.slice(1); });
};
window.logTail = function (n) { return analytics.status().log.slice(-(n || 6)).join('\\n'); };
"""


def shared_page(browser, site, server, name, runtime, calls="", settings=None, body=""):
    """A page of its own context (for a module of cases), loaded and ready; ``.errors`` lists page errors."""
    context = browser.new_context()
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(server.url + tag_page(site, name, runtime, RECORDING_HELPERS + calls, settings=settings, body=body))
    page.evaluate("() => new Promise(function (ready) { analytics.ready(ready); })")
    return page
