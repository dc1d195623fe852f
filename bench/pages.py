"""The web root the benchmark serves: snapshots of the two tags and the generated test pages.

Every variant gets the same pages (p/<variant>/…), so what differs between them is the tag alone;
p/none/boot.html is the same page with no tag.
"""

import json
import os
import shutil

from settings import AJS, AJS_UMD, BURST_COLLECTOR, COLLECTOR, DIST_TAG, EXIT_DELAYS, HERE, SERVICE_ID, VARIANTS

# The four calls every variant makes on the page's first line.
WORKLOAD = """analytics.identify('u1', {email: 'ann@acme.example', name: 'Ann'});
analytics.group('acme', {name: 'Acme', plan: 'Paying'});
analytics.page('Billing', 'Invoices');
analytics.track('Paid');"""

# The burst's first lines: sign in, then %d track() calls in one loop.
BURST = """analytics.identify('u-burst', {email: 'ann@acme.example', name: 'Ann'});
analytics.group('acme-burst', {name: 'Acme', plan: 'Paying'});
for (var n = 0; n < %d; n++) analytics.track('Burst ' + n, {n: n});"""

# First thing in <head> of every page: long-task observer and a few marks. No favicon request.
HARNESS = """<link rel="icon" href="data:,">
<script>
window.__bench = {lt: [], marks: {}};
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { __bench.lt.push([e.startTime, e.duration]); });
  }).observe({type: "longtask", buffered: true});
} catch (e) { __bench.ltError = String(e); }
addEventListener("totango:ready", function () { __bench.marks.collectorReady = performance.now(); });
</script>"""

# Burst pages also keep every Long Animation Frame and the scripts in it (scripts over 5 ms), to
# tell the tag's work from the page's loop and from the browser's own (a frame with no script).
LOAF = """<script>
__bench.loaf = [];
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      __bench.loaf.push({start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
        renderStart: e.renderStart, styleAndLayoutStart: e.styleAndLayoutStart,
        scripts: e.scripts.map(function (s) {
          return {url: s.sourceURL, invoker: s.invoker, type: s.invokerType, start: s.startTime, duration: s.duration};
        })});
    });
  }).observe({type: "long-animation-frame", buffered: true});
} catch (e) { __bench.loafError = String(e); }
</script>"""

# Where the first page is when it leaves (stored for the next page to report).
EXIT_STATE = """(function () {
  var a = window.analytics, s = {at: performance.now()};
  if (Array.isArray(a)) {
    s.queued = a.length;
    s.state = a.initialized ? "python" : (a._booting ? "booting" : "snippet");
    try { if (a.status) s.tracker = a.status().tracker; } catch (e) {}
  } else {
    s.state = "loaded";
  }
  return s;
})()"""

LEAVE = """
setTimeout(function () {
  try { sessionStorage.setItem('bench_exit', JSON.stringify(%s)); } catch (e) {}
  location.href = 'next.html';
}, %d);"""

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>%(title)s</title>
%(harness)s
<script>%(snippet)s</script>
<script>
%(load)s
%(calls)s
</script></head><body><p>%(title)s</p></body></html>
"""

# A page with no tag, where the boot profile starts an interpreter of its own.
BLANK = """<!doctype html>
<html><head><meta charset="utf-8"><title>blank</title><link rel="icon" href="data:,"></head></html>
"""


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def snippet_for(variant):
    if variant == AJS:
        return read(os.path.join(HERE, "analytics_next.js"))
    return read(os.path.join(DIST_TAG, "snippet.js"))


def load_line(variant, collector=COLLECTOR):
    settings = {"serviceId": SERVICE_ID, "trackerUrl": collector}
    if variant != AJS:
        settings.update(runtime=variant, disableHeartbeat=True)
    return "analytics.load(%s);" % json.dumps(settings)


def page_html(variant, title, calls, harness=HARNESS, collector=COLLECTOR):
    return PAGE % {"title": title, "harness": harness, "snippet": snippet_for(variant),
                   "load": load_line(variant, collector), "calls": calls}


def ready_hook(variant):
    """analytics-next's own ready callback; totango_py's ready time is status().times.pythonReady."""
    return "analytics.ready(function () { __bench.ready = performance.now(); });" if variant == AJS else ""


def variant_pages(variant, burst_calls):
    """boot.html (the workload), next.html (no calls), exit-<delay>.html (workload, then leave) and
    burst.html (``burst_calls`` track() calls before a late collector, frames observed)."""
    hook = ready_hook(variant)
    pages = {"boot.html": page_html(variant, "boot", (WORKLOAD + "\n" + hook).rstrip()),
             "next.html": page_html(variant, "next", hook),
             "burst.html": page_html(variant, "burst", BURST % burst_calls, HARNESS + "\n" + LOAF, BURST_COLLECTOR)}
    for delay in EXIT_DELAYS:
        pages["exit-%d.html" % delay] = page_html(variant, "exit %d ms" % delay, WORKLOAD + LEAVE % (EXIT_STATE, delay))
    return pages


def build_site(root, burst_calls):
    """Web root: a snapshot of dist/tag and of analytics-next's UMD build, plus generated pages."""
    shutil.copytree(DIST_TAG, os.path.join(root, "tag"))
    shutil.copytree(AJS_UMD, os.path.join(root, "analytics-next", "bundles"),
                    ignore=shutil.ignore_patterns("*.map", "*.map.gz"))
    os.makedirs(os.path.join(root, "bench"))
    write(os.path.join(root, "bench", "blank.html"), BLANK)
    os.makedirs(os.path.join(root, "p", "none"))
    write(os.path.join(root, "p", "none", "boot.html"),
          PAGE % {"title": "no tag", "harness": HARNESS, "snippet": "", "load": "", "calls": ""})
    for variant in VARIANTS:
        folder = os.path.join(root, "p", variant)
        os.makedirs(folder)
        for name, html in variant_pages(variant, burst_calls).items():
            write(os.path.join(folder, name), html)
