#!/usr/bin/env python3
"""Benchmark of the totango_py tag against @segment/analytics-next, in real Chromium, offline.

    python3 build.py bench                      # build, then this with the defaults (7 runs)
    .venv/bin/python bench/bench.py --runs 7    # dist/ must be built
    .venv/bin/python bench/bench.py --quick     # smoke run: 2 runs, fewer calls, docs untouched

Three variants do the same first-line calls (identify, group, page, track) on a page
served by the local Totango emulator: totango_py on MicroPython (the default runtime),
totango_py on Pyodide, and analytics-next 1.x with a destination plugin that forwards to
the same emulator collector. Every request outside 127.0.0.1 goes to a dead proxy and is
counted. Writes bench/results.json (every raw figure) and docs/performance.md.
Standard library and Playwright (sync API) only.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from emulator.server import EmulatorServer  # noqa: E402

DIST_TAG = os.path.join(ROOT, "dist", "tag")
AJS_PACKAGE = os.path.join(ROOT, "node_modules", "@segment", "analytics-next")
AJS_UMD = os.path.join(AJS_PACKAGE, "dist", "umd")
CHROMIUM = "/usr/bin/chromium"
RESULTS = os.path.join(HERE, "results.json")
DOC = os.path.join(ROOT, "docs", "performance.md")

MPY, PYO, AJS = "micropython", "pyodide", "analytics-next"
VARIANTS = [MPY, PYO, AJS]
LABELS = {MPY: "totango_py · MicroPython", PYO: "totango_py · Pyodide", AJS: "analytics-next"}
SHORT = {MPY: "MicroPython", PYO: "Pyodide", AJS: "analytics-next"}
SERVICE_ID = "SP-BENCH-1"
COLLECTOR = "/emulator/totango4.0.3.js"
CACHE_CONTROL = "public, max-age=3600"
DEAD_PROXY = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"}
LAUNCH_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]
EXIT_DELAYS = [20, 50, 100, 250]
EXPECTED_ACTIVITIES = ["Viewed Billing Page", "Viewed Billing Invoices Page", "Paid"]
TRACK_SETTLE_S = 1.0  # long tasks are counted until ready + this
EXIT_WAIT_S = 2.0  # early exit: after the next page is ready, wait this long for the activities …
EXIT_GRACE_S = 0.75  # … then this long for late or duplicate pixels

# The four calls every variant makes on the page's first line.
WORKLOAD = """analytics.identify('u1', {email: 'ann@acme.example', name: 'Ann'});
analytics.group('acme', {name: 'Acme', plan: 'Paying'});
analytics.page('Billing', 'Invoices');
analytics.track('Paid');"""

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

# analytics-next, loaded like Segment's snippet does (a queue, then the library async), from
# this origin with inline settings: no settings fetch, no metrics, Segment.io delivery off.
# The destination plugin maps the calls to the same window.totango commands totango_py sends
# (identify -> go(user), group -> go(account), page -> 2 "Viewed … Page" tracks + go(module),
# track -> track), holding them until the collector script has loaded, as totango_py does.
AJS_SNIPPET = r"""(function () {
  var a = window.analytics = window.analytics || [];
  if (a.invoked) return;
  a.invoked = true;
  a._cdn = location.origin;  // optional chunks from /analytics-next/bundles/, never Segment's CDN
  ["identify", "group", "page", "track", "ready"].forEach(function (m) {
    a[m] = function () { var c = Array.prototype.slice.call(arguments); c.unshift(m); a.push(c); return a; };
  });
  function totango(serviceId, trackerUrl) {
    var base = {service_id: serviceId, region: "us", disable_heartbeat: true, allow_empty_accounts: false};
    var loaded = false, module = null, outbox = [];
    function send(fn, args) { if (loaded) window.totango[fn].apply(window.totango, args); else outbox.push([fn, args]); }
    function go(fields) { send("go", [Object.assign({}, base, fields)]); }
    function user(id, traits) { var t = Object.assign({}, traits); delete t.id; return Object.assign({id: id}, t); }
    function account(id, traits) {
      var t = Object.assign({}, traits); delete t.id;
      if (!("plan" in t)) t.plan = "Free";
      return Object.assign({id: id}, t);
    }
    return {
      name: "Totango (bench)", type: "destination", version: "0.0.0",
      isLoaded: function () { return loaded; },
      load: function (ctx, analytics) {
        var opts = Object.assign({}, base), u = analytics.user(), g = analytics.group();
        if (u.id()) { opts.username = u.id(); opts.user = user(u.id(), u.traits()); }
        if (g.id()) opts.account = account(g.id(), g.traits());
        window.totango_options = opts;
        return new Promise(function (resolve, reject) {
          var s = document.createElement("script");
          s.async = true;
          s.src = trackerUrl;
          s.onload = function () {
            loaded = true;
            if (window.__bench) __bench.marks.collectorReady = performance.now();
            outbox.splice(0).forEach(function (c) { send(c[0], c[1]); });
            resolve();
          };
          s.onerror = reject;
          document.head.appendChild(s);
        });
      },
      identify: function (ctx) { var e = ctx.event; go({username: e.userId, user: user(e.userId, e.traits)}); return ctx; },
      group: function (ctx) { var e = ctx.event; go({account: account(e.groupId, e.traits)}); return ctx; },
      page: function (ctx) {
        var e = ctx.event, c = e.category, n = e.name, full = c && n ? c + " " + n : n;
        if (c) send("track", ["Viewed " + c + " Page", c]);
        if (full) send("track", ["Viewed " + full + " Page", c || module]);
        if (c) { module = c; go({module: c}); }
        return ctx;
      },
      track: function (ctx) {
        var e = ctx.event;
        send("track", [e.event, (e.properties && e.properties.category) || module]);
        return ctx;
      }
    };
  }
  a.load = function (settings) {
    var s = document.createElement("script");
    s.async = true;
    s.src = "/analytics-next/bundles/index.js";
    s.onload = function () {
      var calls = a.splice(0, a.length);
      var ab = AnalyticsNext.AnalyticsBrowser.load({
        writeKey: "bench-local",
        cdnSettings: {integrations: {}, metrics: {sampleRate: 0}},
        plugins: [totango(settings.serviceId, settings.trackerUrl)]
      }, {integrations: {"Segment.io": false}});
      window.analytics = ab;
      calls.forEach(function (c) { ab[c[0]].apply(ab, c.slice(1)); });
      ab.then(function (r) { window.analytics = r[0]; });
    };
    document.head.appendChild(s);
  };
})();"""

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

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>%(title)s</title>
%(harness)s
<script>%(snippet)s</script>
<script>
%(load)s
%(calls)s
</script></head><body><p>%(title)s</p></body></html>
"""

COLLECT = """() => {
  const B = window.__bench || {};
  let st = null;
  try { if (window.analytics && window.analytics.status) st = window.analytics.status(); } catch (e) {}
  const r = (e) => ({name: e.name.replace(location.origin, ''), type: e.initiatorType, start: e.startTime,
      requestStart: e.requestStart, responseStart: e.responseStart, end: e.responseEnd,
      transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize});
  let exit = null;
  try { exit = JSON.parse(sessionStorage.getItem('bench_exit')); } catch (e) {}
  return {timeOrigin: performance.timeOrigin, now: performance.now(), lt: B.lt || [], ltError: B.ltError || null,
    marks: B.marks || {}, ready: B.ready === undefined ? null : B.ready, exit: exit, prof: B.prof || null,
    status: st && {tracker: st.tracker, delivered: st.delivered, times: st.times, runtime: st.runtime,
                   dropped_count: st.dropped_count, bootError: st.bootError || null},
    resources: performance.getEntriesByType('resource').map(r)};
}"""


def log(message):
    print("[bench] " + message, flush=True)


# -- other load on the machine ----------------------------------------------------------------

def _jiffies_machine():
    with open("/proc/stat") as handle:
        fields = [int(x) for x in handle.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def _jiffies_tree(root_pid):
    """CPU time of root_pid and every live descendant, reaped children included."""
    parents, times = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as handle:
                data = handle.read()
        except OSError:
            continue
        rest = data[data.rfind(")") + 2:].split()
        parents[int(name)] = int(rest[1])
        times[int(name)] = sum(int(x) for x in rest[11:15])  # utime stime cutime cstime
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(times.get(pid, 0) for pid in tree)


CPU = None  # the CpuWatch of this run, set in main()


class CpuWatch:
    """Share of the machine's CPU used by processes outside this benchmark, between two marks."""

    def __init__(self):
        self.pid = os.getpid()
        self.available = os.path.exists("/proc/stat")
        self.mark()

    def mark(self):
        if self.available:
            self._busy, self._total = _jiffies_machine()
            self._mine = _jiffies_tree(self.pid)

    def foreign_percent(self):
        """Percent of all cores busy with other processes since the last mark (then marks again)."""
        if not self.available:
            return None
        busy, total = _jiffies_machine()
        mine = _jiffies_tree(self.pid)
        span = total - self._total
        foreign = (busy - self._busy) - (mine - self._mine)
        self._busy, self._total, self._mine = busy, total, mine
        return max(0.0, 100.0 * foreign / span) if span > 0 else None


def wait_for_quiet(limit_s, threshold=15.0):
    """Wait (up to limit_s) until other processes use less than threshold % of the CPU for 3 s."""
    if limit_s <= 0 or not os.path.exists("/proc/stat"):
        return None
    watch, end, said = CpuWatch(), time.monotonic() + limit_s, False
    while True:
        time.sleep(3)
        busy = watch.foreign_percent()
        if busy is None or busy < threshold:
            return busy
        if time.monotonic() > end:
            log("the machine is still busy (%.0f%% of the CPU used by other processes); measuring anyway" % busy)
            return busy
        if not said:
            log("waiting for other processes to calm down (%.0f%% CPU busy elsewhere) …" % busy)
            said = True


# -- statistics ---------------------------------------------------------------------------------

def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def fmt(value, digits=0):
    if value is None:
        return "–"
    if digits == 0:
        return "{:,.0f}".format(value)
    return "{:,.{d}f}".format(value, d=digits)


def cell(s, digits=0):
    if not s:
        return "–"
    if s["n"] == 1 or s["min"] == s["max"]:
        return fmt(s["median"], digits)
    return "%s (%s–%s)" % (fmt(s["median"], digits), fmt(s["min"], digits), fmt(s["max"], digits))


# -- the web root -------------------------------------------------------------------------------

def snippet_for(variant):
    if variant == AJS:
        return AJS_SNIPPET
    with open(os.path.join(DIST_TAG, "snippet.js"), encoding="utf-8") as handle:
        return handle.read()


def load_line(variant):
    if variant == AJS:
        return "analytics.load(%s);" % json.dumps({"serviceId": SERVICE_ID, "trackerUrl": COLLECTOR})
    settings = {"serviceId": SERVICE_ID, "trackerUrl": COLLECTOR, "runtime": variant, "disableHeartbeat": True}
    return "analytics.load(%s);" % json.dumps(settings)


def page_html(variant, title, calls):
    return PAGE % {"title": title, "harness": HARNESS, "snippet": snippet_for(variant),
                   "load": load_line(variant), "calls": calls}


def ready_hook(variant):
    # analytics-next's own ready callback; totango_py's ready time is status().times.pythonReady.
    return "\nanalytics.ready(function () { __bench.ready = performance.now(); });" if variant == AJS else ""


# The profile page loads a copy of boot.js in which the interpreter's runPython is timed per call.
PROFILE_ANCHOR = "var py = loaded[0], files = loaded[1];"
PROFILE_WRAP = PROFILE_ANCHOR + r"""
    window.__bench_py = py;
    (function () {
      var P = window.__bench.prof = {steps: []}, run = py.runPython;
      py.runPython = function (code) {
        var t0 = performance.now();
        try { return run.apply(py, arguments); } finally { P.steps.push([String(code), t0, performance.now()]); }
      };
    })();"""

# Run in the page's interpreter after boot: compile() time of each module's .py source alone.
COMPILE_TIMES = r"""
import js
import json
_out = []
_sources = json.loads(str(js.window.__bench_sources))
for _p in sorted(_sources):
    _t = js.performance.now()
    try:
        compile(_sources[_p], _p, 'exec')
        _out.append([_p, js.performance.now() - _t, len(_sources[_p])])
    except Exception as _e:
        _out.append([_p, None, str(_e)])
js.window.__bench_compile = json.dumps(_out)
"""


def build_site(root):
    """Web root: a snapshot of dist/tag and of analytics-next's UMD build, plus generated pages."""
    shutil.copytree(DIST_TAG, os.path.join(root, "tag"), symlinks=False)
    shutil.copytree(AJS_UMD, os.path.join(root, "analytics-next", "bundles"),
                    ignore=shutil.ignore_patterns("*.map", "*.map.gz"))
    with open(os.path.join(root, "tag", "boot.js"), encoding="utf-8") as handle:
        boot = handle.read()
    base = 'var base = (script && script.src || "").replace(/[^\\/]*$/, "");'
    profiled = None
    if PROFILE_ANCHOR in boot and base in boot:
        profiled = boot.replace(PROFILE_ANCHOR, PROFILE_WRAP).replace(base, 'var base = "/tag/";')
    os.makedirs(os.path.join(root, "bench"))
    if profiled:
        with open(os.path.join(root, "bench", "boot-profile.js"), "w", encoding="utf-8") as handle:
            handle.write(profiled)
    for variant in VARIANTS:
        folder = os.path.join(root, "p", variant)
        os.makedirs(folder)
        pages = {"boot.html": page_html(variant, "boot", WORKLOAD + ready_hook(variant)),
                 "next.html": page_html(variant, "next", ready_hook(variant).strip())}
        for delay in EXIT_DELAYS:
            leave = "\nsetTimeout(function () {\n  try { sessionStorage.setItem('bench_exit', JSON.stringify(%s)); } catch (e) {}\n" \
                    "  location.href = 'next.html';\n}, %d);" % (EXIT_STATE, delay)
            pages["exit-%d.html" % delay] = page_html(variant, "exit %d ms" % delay, WORKLOAD + leave)
        if variant != AJS and profiled:
            html = page_html(variant, "profile", WORKLOAD).replace(
                's.src = TAG + "boot.js";', 's.src = "/bench/boot-profile.js";')
            pages["profile.html"] = html
        for name, html in pages.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
                handle.write(html)
    return profiled is not None


def quiet_disconnects(server):
    """A page closed while its pixel was answered is normal here: no traceback for that."""
    httpd = getattr(server, "_httpd", None)
    if httpd is None:
        return
    original = httpd.handle_error

    def handle_error(request, client_address):
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        original(request, client_address)

    httpd.handle_error = handle_error


# -- the browser ----------------------------------------------------------------------------

class Outside:
    """Counts every request that is not to this machine (the dead proxy makes them fail)."""

    def __init__(self):
        self.urls = []

    def watch(self, context):
        def check(request):
            url = request.url
            if not url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
                self.urls.append(url)
                log("!! request left this machine: " + url)
        context.on("request", check)


def launch_kwargs():
    kwargs = {"headless": True, "proxy": DEAD_PROXY, "args": LAUNCH_ARGS}
    if os.path.exists(CHROMIUM):
        kwargs["executable_path"] = CHROMIUM
    return kwargs


def path_of(url):
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def is_tag_request(url):
    """Every request of the page except the document, the collector and the pixels."""
    path = path_of(url).split("?")[0]
    return not (path.startswith("/p/") or path.startswith("/pixel.gif") or path.startswith("/eu1/pixel.gif")
                or path == COLLECTOR or path.startswith("/__totango"))


def last_seq(server):
    records = server.received()
    return records[-1]["seq"] if records else 0


def workload_activities(records):
    return [r for r in records if r["activity"] in EXPECTED_ACTIVITIES]


def wait_activities(server, since, deadline_s, want=len(EXPECTED_ACTIVITIES)):
    """Poll the receiver (never the page) until the workload's activities arrived, or the deadline."""
    end = time.monotonic() + deadline_s
    while True:
        records = server.received(since=since)
        got = {r["activity"] for r in workload_activities(records)}
        if len(got) >= want or time.monotonic() > end:
            return records
        time.sleep(0.02)


def ready_ms(variant, data):
    if variant == AJS:
        return data["ready"]
    status = data.get("status") or {}
    return (status.get("times") or {}).get("pythonReady")


def load_measure(context, server, variant, timeout_s, wanted_bytes=True):
    """Open boot.html in ``context``; nav → ready / first pixel / all activities, long tasks, bytes."""
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    since = last_seq(server)
    page.goto(server.url + "p/%s/boot.html" % variant, wait_until="commit", timeout=timeout_s * 1000)
    records = wait_activities(server, since, timeout_s)
    # Long tasks are counted until ready + 1 s of page time.
    data = page.evaluate(COLLECT)
    ready = ready_ms(variant, data)
    if ready is not None:
        wait_left = (ready + TRACK_SETTLE_S * 1000 - data["now"]) / 1000.0
        if wait_left > 0:
            time.sleep(min(wait_left, timeout_s))
        data = page.evaluate(COLLECT)
    records = server.received(since=since)
    origin = data["timeOrigin"]
    pixel_times = sorted(r["time"] - origin for r in records)
    acts = {}
    for r in workload_activities(records):
        acts.setdefault(r["activity"], r["time"] - origin)
    limit = (ready if ready is not None else data["now"]) + TRACK_SETTLE_S * 1000
    tasks = [t for t in data["lt"] if t[0] < limit]
    tag_res = [r for r in data["resources"] if is_tag_request(r["name"])]
    result = {
        "ready_ms": ready,
        "first_pixel_ms": pixel_times[0] if pixel_times else None,
        "first_pixel_page_ms": min([r["start"] for r in data["resources"] if "/pixel.gif" in r["name"]] or [None]),
        "all_activities_ms": max(acts.values()) if len(acts) == len(EXPECTED_ACTIVITIES) else None,
        "pixels": len(records),
        "activities": sorted(acts),
        "long_tasks": tasks,
        "long_task_total_ms": sum(t[1] for t in tasks),
        "long_task_max_ms": max([t[1] for t in tasks] or [0]),
        "long_task_error": data["ltError"],
        "tag_requests": len(tag_res),
        "tag_transfer_bytes_rt": sum(r["transfer"] for r in tag_res),
        "tag_body_bytes_rt": sum(r["encoded"] for r in tag_res),
        "tag_decoded_bytes_rt": sum(r["decoded"] for r in tag_res),
        "marks": data["marks"],
        "status": data["status"],
        "resources": data["resources"],
        "page_errors": errors,
    }
    if len(acts) < len(EXPECTED_ACTIVITIES) or errors:
        log("!! %s: %d of %d activities arrived; page errors: %s"
            % (variant, len(acts), len(EXPECTED_ACTIVITIES), errors[:3]))
    if wanted_bytes:
        wire = []
        for request in finished:
            if not is_tag_request(request.url):
                continue
            try:
                sizes = request.sizes()
            except Exception as error:  # a request that ended without a response
                sizes = {"error": str(error)}
            wire.append({"url": path_of(request.url), "sizes": sizes})
        result["tag_wire"] = wire
        result["tag_wire_bytes"] = sum(w["sizes"].get("responseBodySize", 0) + w["sizes"].get("responseHeadersSize", 0)
                                       for w in wire)
        result["tag_wire_body_bytes"] = sum(w["sizes"].get("responseBodySize", 0) for w in wire)
    page.close()
    return result


# -- sections -------------------------------------------------------------------------------

BUSY_LIMIT = 15.0  # % of the CPU other processes may use during a run before it is measured again
RETRIES = {"left": 30}  # re-measurements allowed in the whole benchmark


def guarded(label, measure):
    """Run ``measure()``; when other processes took the CPU meanwhile, wait for quiet and run it again
    (up to twice per run, 30 times per benchmark). The result keeps the share and the attempts."""
    attempt = 0
    while True:
        attempt += 1
        CPU.mark()
        result = measure()
        busy = CPU.foreign_percent()
        result["foreign_cpu_percent"] = busy
        result["attempts"] = attempt
        if busy is None or busy <= BUSY_LIMIT or attempt > 2 or RETRIES["left"] <= 0:
            return result
        RETRIES["left"] -= 1
        log("%s: other processes took %.0f%% of the CPU meanwhile; measuring it again" % (label, busy))
        wait_for_quiet(90, BUSY_LIMIT)


def section_cold(pw, browser, server, variants, runs, outside):
    """Fresh context (empty profile, empty HTTP cache) per run; variants interleaved."""
    raw = {v: [] for v in variants}
    for run in range(runs + 1):  # run 0 warms the OS and browser binary; it is discarded
        for variant in variants:
            def measure():
                context = browser.new_context()
                outside.watch(context)
                try:
                    return load_measure(context, server, variant, 40 if variant == PYO else 20)
                finally:
                    context.close()
            if run == 0:
                measure()
                continue
            result = guarded("cold %s run %d" % (variant, run), measure)
            raw[variant].append(result)
            log("cold %-14s run %d: ready %s ms, first pixel %s ms, long tasks %s ms"
                % (variant, run, fmt(result["ready_ms"]), fmt(result["first_pixel_ms"]),
                   fmt(result["long_task_total_ms"])))
    return raw


def section_warm(pw, server, variants, runs, outside, workdir):
    """One persistent profile per variant, HTTP cache on; first load discarded, a new tab per run."""
    raw = {v: [] for v in variants}
    for variant in variants:
        profile = tempfile.mkdtemp(prefix="warm-%s-" % variant, dir=workdir)
        context = pw.chromium.launch_persistent_context(profile, **launch_kwargs())
        outside.watch(context)
        try:
            load_measure(context, server, variant, 40 if variant == PYO else 20)  # fills the cache
            for run in range(1, runs + 1):
                result = guarded("warm %s run %d" % (variant, run),
                                 lambda: load_measure(context, server, variant, 40 if variant == PYO else 20))
                raw[variant].append(result)
                log("warm %-14s run %d: ready %s ms, first pixel %s ms, transferred %s B"
                    % (variant, run, fmt(result["ready_ms"]), fmt(result["first_pixel_ms"]),
                       fmt(result["tag_transfer_bytes_rt"])))
        finally:
            context.close()
    return raw


SINK = """(n) => {
  const sink = window.__sink = {n: 0, target: n, done: null};
  const count = function () { if (++sink.n === sink.target) sink.done = performance.now(); };
  window.totango = {go: function () {}, track: count, identify: function () {}, clear: function () {},
                    setAccountAttributes: function () {}, setUserAttributes: function () {}, __sink: true};
  let base = null;
  try { if (window.analytics.status) base = window.analytics.status().delivered; } catch (e) {}
  return base;
}"""

LOOP = """(n) => {
  const a = window.analytics;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) a.track('Bench call', {i: i});
  const t1 = performance.now();
  window.__sink.t0 = t0; window.__sink.t1 = t1;
  return {t0: t0, t1: t1};
}"""


def calls_trial(browser, server, variant, calls, outside, ajs_cap_s):
    context = browser.new_context()
    outside.watch(context)
    page = context.new_page()
    try:
        since = last_seq(server)
        page.goto(server.url + "p/%s/boot.html" % variant, timeout=40000)
        wait_activities(server, since, 40 if variant == PYO else 20)
        page.wait_for_function(
            "() => { const a = window.analytics; if (!a) return false;"
            " if (!Array.isArray(a)) return typeof a.then !== 'function';"  # the Analytics instance
            " try { return a.status().tracker === 'ready'; } catch (e) { return false; } }",
            timeout=20000)
        time.sleep(1.0)
        base = page.evaluate(SINK, calls)
        loop = page.evaluate(LOOP, calls)
        end = time.monotonic() + (60.0 if variant != AJS else ajs_cap_s)
        sink = page.evaluate("() => window.__sink")
        while sink["done"] is None and time.monotonic() < end:
            time.sleep(0.05)
            sink = page.evaluate("() => window.__sink")
        delivered = None
        if variant != AJS:
            delivered = page.evaluate("() => window.analytics.status().delivered") - (base or 0)
        tasks = [t for t in page.evaluate("() => __bench.lt") if t[0] + t[1] >= loop["t0"]]
    finally:
        context.close()
    return {
        "calls": calls,
        "sync_loop_ms": loop["t1"] - loop["t0"],
        "us_per_call": (loop["t1"] - loop["t0"]) * 1000.0 / calls,
        "processed": sink["n"],
        "processed_ms": (sink["done"] - loop["t0"]) if sink["done"] is not None else None,
        "us_per_call_processed": ((sink["done"] - loop["t0"]) * 1000.0 / calls) if sink["done"] else None,
        "delivered_by_status": delivered,
        # totango_py drains the queue in one task; analytics-next spreads it over timer ticks
        # (its synchronous loop, run from DevTools, is not reported as a long task).
        "long_task_max_ms": max([t[1] for t in tasks] or [0]) if variant != AJS else None,
    }


def section_calls(browser, server, variants, runs, tag_calls, ajs_calls, outside, ajs_cap_s):
    """After ready: N analytics.track() calls in one synchronous loop; the collector is a counting sink."""
    raw = {v: [] for v in variants}
    for run in range(runs):
        for variant in variants:
            calls = ajs_calls if variant == AJS else tag_calls
            result = guarded("calls %s run %d" % (variant, run + 1),
                             lambda: calls_trial(browser, server, variant, calls, outside, ajs_cap_s))
            raw[variant].append(result)
            log("calls %-14s run %d: %s µs/call in JS, processed %d/%d%s"
                % (variant, run + 1, fmt(result["us_per_call"], 2), result["processed"], calls,
                   (" in %s ms" % fmt(result["processed_ms"])) if result["processed_ms"] else ""))
    return raw


def expected_events(records):
    """Which of the four workload calls reached the receiver, and duplicated activity pixels."""
    acts = [r["activity"] for r in workload_activities(records)]
    events = {
        "identify": any(r.get("user_name") == "Ann" for r in records),
        "group": any(r.get("account_name") == "Acme" for r in records),
        "page": "Viewed Billing Page" in acts and "Viewed Billing Invoices Page" in acts,
        "track": "Paid" in acts,
    }
    dups = sum(acts.count(a) - 1 for a in set(acts))
    return events, dups, acts


def exit_trial(browser, server, variant, delay, outside):
    context = browser.new_context()
    outside.watch(context)
    page = context.new_page()
    try:
        since = last_seq(server)
        page.goto(server.url + "p/%s/exit-%d.html" % (variant, delay), wait_until="commit", timeout=30000)
        page.wait_for_url("**/p/%s/next.html" % variant, timeout=30000)
        ready_js = ("() => typeof __bench.ready === 'number'" if variant == AJS else
                    "() => { try { return analytics.status().tracker === 'ready'; } catch (e) { return false; } }")
        try:
            page.wait_for_function(ready_js, timeout=40000, polling=50)
            ready = True
        except Exception:
            ready = False
        wait_activities(server, since, EXIT_WAIT_S)
        time.sleep(EXIT_GRACE_S)  # late and duplicate pixels
        data = page.evaluate(COLLECT)
        stored = page.evaluate("() => localStorage.getItem('totango_py_queue')")
    finally:
        context.close()
    records = server.received(since=since)
    events, dups, acts = expected_events(records)
    return {"delay_ms": delay, "next_ready": ready, "exit": data["exit"],
            "events": events, "lost": sum(1 for ok in events.values() if not ok),
            "duplicates": dups, "activities": acts, "pixels": len(records),
            "queue_left_in_storage": stored}


def section_exit(browser, server, variants, runs, delays, outside):
    """Calls, then location.href to a second tag page after a delay; count what the receiver got."""
    raw = {v: {d: [] for d in delays} for v in variants}
    for run in range(runs):
        for delay in delays:
            for variant in variants:
                result = guarded("exit %s %d ms run %d" % (variant, delay, run + 1),
                                 lambda: exit_trial(browser, server, variant, delay, outside))
                raw[variant][delay].append(result)
                log("exit  %-14s %3d ms run %d: left at %s ms while %s, lost %d/4, duplicates %d"
                    % (variant, delay, run + 1, fmt((result["exit"] or {}).get("at")),
                       (result["exit"] or {}).get("state"), result["lost"], result["duplicates"]))
    return raw


TRACE_CATEGORIES = ["v8", "v8.wasm", "v8.execute", "devtools.timeline", "toplevel", "loading"]


def analyse_trace(path):
    """Main-thread and background totals (ms) of a Chrome trace of one page load."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    events = data["traceEvents"] if isinstance(data, dict) else data
    names = {(e["pid"], e["tid"]): (e.get("args") or {}).get("name")
             for e in events if e.get("ph") == "M" and e.get("name") == "thread_name"}
    totals = {}
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            key = ((e["pid"], e["tid"]), e["name"])
            totals[key] = totals.get(key, 0.0) + e["dur"] / 1000.0
    mains = [k for k, n in names.items() if n == "CrRendererMain"]
    if not mains:
        return None
    main = max(mains, key=lambda k: totals.get((k, "ParseHTML"), 0) + totals.get((k, "RunMicrotasks"), 0))
    # Busy time of the main thread: the union of its outermost complete events.
    busy, end = 0.0, None
    for e in sorted((e for e in events if e.get("ph") == "X" and "dur" in e and (e["pid"], e["tid"]) == main),
                    key=lambda e: (e["ts"], -e["dur"])):
        if end is None or e["ts"] >= end:
            busy += e["dur"] / 1000.0
            end = e["ts"] + e["dur"]
        elif e["ts"] + e["dur"] > end:
            busy += (e["ts"] + e["dur"] - end) / 1000.0
            end = e["ts"] + e["dur"]

    def on_main(name):
        return totals.get((main, name), 0.0)

    def in_background(name):
        return sum(v for (k, n), v in totals.items() if n == name and k[0] == main[0] and k != main)

    return {
        "main_busy_ms": busy,
        "main_microtasks_ms": on_main("RunMicrotasks"),
        "main_script_eval_ms": on_main("EvaluateScript"),
        "main_wasm_lazy_compile_ms": on_main("wasm.CompileLazy"),
        "main_wasm_sync_compile_ms": on_main("wasm.SyncCompile"),
        "main_gc_ms": on_main("MinorGC") + on_main("MajorGC"),
        "background_wasm_compile_ms": in_background("wasm.ExecuteCompilationUnits"),
        "background_wasm_top_tier_ms": in_background("wasm.TopTierCompilation"),
    }


def section_profile(browser, server, variants, runs, outside, workdir):
    """totango_py boot split: Python steps (a copy of boot.js with marks) and compile() per module,
    then one Chrome-traced boot per runtime (main-thread wasm compile vs the rest)."""
    raw = {v: [] for v in (MPY, PYO) if v in variants}
    with open(os.path.join(DIST_TAG, "totango_py.json"), encoding="utf-8") as handle:
        sources = handle.read()
    for run in range(runs):
        for variant in raw:
            context = browser.new_context()
            outside.watch(context)
            page = context.new_page()
            try:
                since = last_seq(server)
                page.goto(server.url + "p/%s/profile.html" % variant, timeout=40000)
                page.wait_for_function("() => { try { return analytics.status().times.pythonReady > 0; }"
                                       " catch (e) { return false; } }", timeout=40000)
                wait_activities(server, since, 10)
                data = page.evaluate(COLLECT)
                page.evaluate("(s) => { window.__bench_sources = s; }", sources)
                try:
                    page.evaluate("(code) => window.__bench_py.runPython(code)", COMPILE_TIMES)
                    compile_times = json.loads(page.evaluate("() => window.__bench_compile"))
                except Exception as error:
                    compile_times = [["error", None, str(error)[:200]]]
            finally:
                context.close()
            raw[variant].append({"times": (data["status"] or {}).get("times"), "prof": data["prof"],
                                 "compile": compile_times, "lt": data["lt"]})
            log("profile %-11s run %d done" % (variant, run + 1))
    traces = {}
    for variant in raw:
        context = browser.new_context()
        outside.watch(context)
        page = context.new_page()
        path = os.path.join(workdir, "trace-%s.json" % variant)
        try:
            since = last_seq(server)
            browser.start_tracing(page=page, path=path, categories=TRACE_CATEGORIES)
            try:
                page.goto(server.url + "p/%s/boot.html" % variant, wait_until="commit", timeout=40000)
                wait_activities(server, since, 40)
                time.sleep(0.3)
                times = page.evaluate("() => analytics.status().times")
            finally:
                browser.stop_tracing()
        finally:
            context.close()
        try:
            traces[variant] = analyse_trace(path)
            traces[variant]["times"] = times
        except Exception as error:
            traces[variant] = {"error": str(error)[:200]}
        log("traced boot %s: %s" % (variant, json.dumps({k: round(v) for k, v in traces[variant].items()
                                                          if isinstance(v, float)})))
    return {"runs": raw, "trace": traces}


# -- summaries ----------------------------------------------------------------------------------

def summarise_loads(raw):
    keys = ["ready_ms", "first_pixel_ms", "first_pixel_page_ms", "all_activities_ms", "long_task_total_ms",
            "long_task_max_ms", "tag_requests", "tag_wire_bytes", "tag_wire_body_bytes", "tag_transfer_bytes_rt",
            "tag_body_bytes_rt", "tag_decoded_bytes_rt", "foreign_cpu_percent"]
    return {v: {k: summary([r.get(k) for r in runs]) for k in keys} for v, runs in raw.items()}


def summarise_calls(raw):
    keys = ["us_per_call", "us_per_call_processed", "processed_ms", "long_task_max_ms", "sync_loop_ms",
            "foreign_cpu_percent"]
    out = {}
    for v, runs in raw.items():
        out[v] = {k: summary([r.get(k) for r in runs]) for k in keys}
        out[v]["all_processed"] = all(r["processed"] == r["calls"] for r in runs)
        out[v]["delivered_ok"] = all(r["delivered_by_status"] in (None, r["calls"]) for r in runs)
    return out


def summarise_exit(raw):
    out = {}
    for v, per_delay in raw.items():
        out[v] = {}
        for delay, runs in per_delay.items():
            out[v][str(delay)] = {
                "lost": summary([r["lost"] for r in runs]),
                "trials": len(runs),
                "trials_with_loss": sum(1 for r in runs if r["lost"]),
                "events_lost_total": sum(r["lost"] for r in runs),
                "duplicates_total": sum(r["duplicates"] for r in runs),
                "left_while": sorted({(r["exit"] or {}).get("state") or "?" for r in runs}),
                "left_at_ms": summary([(r["exit"] or {}).get("at") for r in runs]),
                "foreign_cpu_percent": summary([r.get("foreign_cpu_percent") for r in runs]),
            }
    return out


def _res_end(resources, suffix):
    for name, r in resources.items():
        if name.endswith(suffix):
            return r
    return None


def summarise_profile(profile, cold):
    """Milestones from the cold runs; step durations from the marked copy of boot.js; trace totals."""
    out = {}
    for variant in (MPY, PYO):
        rows = []
        wasm_name = "micropython.wasm" if variant == MPY else "pyodide.asm.wasm"
        for r in (cold or {}).get(variant, []):
            t = (r.get("status") or {}).get("times") or {}
            res = {x["name"].split("?")[0]: x for x in r["resources"]}
            boot, wasm, coll = _res_end(res, "/tag/boot.js"), _res_end(res, wasm_name), _res_end(res, COLLECTOR)
            rows.append({
                "boot_js_request": boot and boot["start"],
                "boot_js_loaded": boot and boot["end"],
                "wasm_request": wasm and wasm["start"],
                "wasm_loaded": wasm and wasm["end"],
                "runtime_ready": t.get("runtimeReady"),
                "python_ready": t.get("pythonReady"),
                "collector_request": coll and coll["start"],
                "collector_ready": r["marks"].get("collectorReady"),
                "first_pixel": r["first_pixel_ms"],
                "runtime_init_after_wasm": (t["runtimeReady"] - wasm["end"]) if wasm and t.get("runtimeReady") else None,
                "python_task": (t["pythonReady"] - t["runtimeReady"]) if t.get("pythonReady") and t.get("runtimeReady") else None,
                "collector_wait": (r["first_pixel_ms"] - t["pythonReady"]) if r["first_pixel_ms"] and t.get("pythonReady") else None,
            })
        steps, order = [], []
        for r in (profile or {}).get("runs", {}).get(variant, []):
            t, p = r["times"] or {}, r["prof"] or {}
            calls = p.get("steps") or []
            if not calls or not t.get("runtimeReady") or not t.get("pythonReady"):
                continue
            row = {"before_first_step": calls[0][1] - t["runtimeReady"],
                   "between_steps": sum(calls[i][1] - calls[i - 1][2] for i in range(1, len(calls))),
                   "after_last_step": t["pythonReady"] - calls[-1][2]}
            for code, t0, t1 in calls:
                label = "step: " + [line for line in code.strip().splitlines() if line.strip()][-1][:60]
                row[label] = row.get(label, 0) + (t1 - t0)
                if label not in order:
                    order.append(label)
            comp = [c for c in (r["compile"] or []) if c[1] is not None]
            row["compile_all_modules"] = sum(c[1] for c in comp) if comp else None
            steps.append(row)
        if not rows and not steps:
            continue
        out[variant] = {}
        for group in (rows, steps):
            if group:
                out[variant].update({k: summary([row[k] for row in group]) for k in group[0]})
        runs = (profile or {}).get("runs", {}).get(variant) or []
        out[variant]["compile_per_module_last_run"] = runs[-1]["compile"] if runs else None
        out[variant]["step_order"] = order
        out[variant]["trace"] = ((profile or {}).get("trace") or {}).get(variant)
    return out


# -- targets, table, docs -----------------------------------------------------------------------

def med(s):
    return s["median"] if s else None


def targets(results):
    cold, warm = results["summary"].get("cold", {}), results["summary"].get("warm", {})
    calls, leave = results["summary"].get("calls", {}), results["summary"].get("exit", {})
    out = []

    def add(name, value, limit, unit, ok=None):
        if ok is None:
            ok = value is not None and value <= limit
        out.append({"target": name, "value": value, "limit": limit, "unit": unit, "ok": bool(ok)})

    if MPY in cold:
        add("MicroPython cold nav→first pixel (median)", med(cold[MPY]["first_pixel_ms"]), 300, "ms")
    if MPY in warm:
        add("MicroPython warm nav→first pixel (median)", med(warm[MPY]["first_pixel_ms"]), 150, "ms")
    if MPY in cold:
        kb = med(cold[MPY]["tag_wire_bytes"])
        add("MicroPython tag bytes on the wire, compressed", kb / 1000.0 if kb is not None else None, 260, "KB")
        add("MicroPython long tasks during boot, total (median)", med(cold[MPY]["long_task_total_ms"]), 50, "ms")
    if MPY in calls:
        add("MicroPython analytics.track() from JS (median)", med(calls[MPY]["us_per_call"]), 20, "µs")
    if MPY in leave:
        lost = sum(d["events_lost_total"] for d in leave[MPY].values())
        dups = sum(d["duplicates_total"] for d in leave[MPY].values())
        add("MicroPython events lost on early exit (all delays, all trials)", lost, 0, "events",
            ok=(lost == 0 and dups == 0))
    if PYO in cold:
        v = med(cold[PYO]["first_pixel_ms"])
        add("Pyodide cold nav→first pixel (median)", v / 1000.0 if v is not None else None, 2.5, "s")
    return out


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return a / b


def table_rows(results):
    """(label, unit, {variant: summary}, digits) rows of the main table."""
    s = results["summary"]
    rows = []
    for section, title in (("cold", "cold"), ("warm", "warm")):
        if section not in s:
            continue
        d = s[section]
        rows.append(("%s: nav → ready" % title, "ms", {v: d[v]["ready_ms"] for v in d}, 0))
        rows.append(("%s: nav → first pixel" % title, "ms", {v: d[v]["first_pixel_ms"] for v in d}, 0))
        rows.append(("%s: nav → all 3 activities" % title, "ms", {v: d[v]["all_activities_ms"] for v in d}, 0))
        if section == "cold":
            rows.append(("cold: tag requests", "", {v: d[v]["tag_requests"] for v in d}, 0))
            rows.append(("cold: tag bytes on the wire", "KB",
                         {v: _scale(d[v]["tag_wire_bytes"], 1e-3) for v in d}, 1))
            rows.append(("cold: tag bytes decoded", "KB",
                         {v: _scale(d[v]["tag_decoded_bytes_rt"], 1e-3) for v in d}, 1))
            rows.append(("cold: long tasks, total to ready+1 s", "ms", {v: d[v]["long_task_total_ms"] for v in d}, 0))
            rows.append(("cold: long tasks, largest", "ms", {v: d[v]["long_task_max_ms"] for v in d}, 0))
        else:
            rows.append(("warm: tag bytes transferred", "KB",
                         {v: _scale(d[v]["tag_transfer_bytes_rt"], 1e-3) for v in d}, 1))
            rows.append(("warm: long tasks, total to ready+1 s", "ms", {v: d[v]["long_task_total_ms"] for v in d}, 0))
    if "calls" in s:
        d = s["calls"]
        n = results["settings"]["calls"]
        rows.append(("track() from JS, per call", "µs", {v: d[v]["us_per_call"] for v in d}, 2))
        rows.append(("track() until processed, per call", "µs",
                     {v: d[v]["us_per_call_processed"] for v in d}, 1))
        rows.append(("longest long task while draining them", "ms", {v: d[v]["long_task_max_ms"] for v in d}, 0))
    if "exit" in s:
        d = s["exit"]
        for delay in results["settings"]["exit_delays"]:
            rows.append(("early exit at %d ms: events lost of 4" % delay, "",
                         {v: d[v][str(delay)]["lost"] for v in d}, 0, False))
        rows.append(("early exit: duplicated activities (all trials)", "",
                     {v: _const(sum(x["duplicates_total"] for x in d[v].values())) for v in d}, 0, False))
    return rows


def fmt_ratio(r):
    if r is None:
        return "–"
    if r >= 10:
        return "×%s" % fmt(r)
    if r >= 1:
        return "×%.1f" % r
    if r >= 0.1:
        return "×%.2f" % r
    return "×%.2g" % r


def _scale(s, k):
    if not s:
        return s
    return dict(s, median=s["median"] * k, min=s["min"] * k, max=s["max"] * k)


def _const(value):
    return {"median": value, "min": value, "max": value, "n": 1}


def render_table(results, markdown=False):
    variants = [v for v in VARIANTS if v in results["settings"]["variants"]]
    others = [v for v in variants if v != AJS]
    head = ["metric", "unit"] + [SHORT[v] for v in variants] + (["%s ÷ ajs" % SHORT[v] for v in others]
                                                                  if AJS in variants else [])
    body = []
    for entry in table_rows(results):
        label, unit, cells, digits = entry[:4]
        with_ratio = entry[4] if len(entry) > 4 else True
        row = [label, unit] + [cell(cells.get(v), digits) for v in variants]
        if AJS in variants:
            for v in others:
                row.append(fmt_ratio(ratio(med(cells.get(v)), med(cells.get(AJS)))) if with_ratio else "")
        body.append(row)
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * len(head)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [head] + body) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(widths[i]) if i < 2 else str(c).rjust(widths[i]) for i, c in enumerate(r))
             for r in [head] + body]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def render_exit_states(results, markdown=False):
    """Where the first page was when it left, per variant and delay."""
    d = results["summary"].get("exit")
    if not d:
        return ""
    delays = results["settings"]["exit_delays"]
    variants = [v for v in VARIANTS if v in d]
    head = ["page left (timer) at ms since navigation start, tag state then"] + ["%d ms timer" % x for x in delays]

    def where(x):
        at = x.get("left_at_ms")
        return "%s ms: %s" % (cell(at), ", ".join(x["left_while"])) if at else ", ".join(x["left_while"])
    body = [[SHORT[v]] + [where(d[v][str(x)]) for x in delays] for v in variants]
    if markdown:
        return "\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] +
                         ["| " + " | ".join(r) + " |" for r in body])
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    return "\n".join("  " + "  ".join(c.ljust(widths[i]) for i, c in enumerate(r)) for r in [head] + body)


def render_load(results):
    """Share of the CPU other processes took while each section ran (median over runs)."""
    parts = []
    for section in ("cold", "warm", "calls"):
        d = results["summary"].get(section) or {}
        values = [x["foreign_cpu_percent"]["median"] for x in d.values()
                  if isinstance(x, dict) and x.get("foreign_cpu_percent")]
        if values:
            parts.append("%s %s%%" % (section, fmt(max(values))))
    d = results["summary"].get("exit") or {}
    values = [x["foreign_cpu_percent"]["median"] for per in d.values() for x in per.values() if x.get("foreign_cpu_percent")]
    if values:
        parts.append("exit %s%%" % fmt(max(values)))
    if not parts:
        return ""
    worst = max(float(p.split()[1].rstrip("%").replace(",", "")) for p in parts)
    text = "CPU used by other processes during the runs (worst variant's median): " + ", ".join(parts)
    if results.get("remeasured_runs"):
        text += "; %d run(s) measured again because the machine was busy" % results["remeasured_runs"]
    if worst > 10:
        text += " — the machine was not quiet: figures are inflated"
    return text


def render_targets(results, markdown=False):
    lines = []
    for t in results["targets"]:
        mark = "✓" if t["ok"] else "✗"
        value = fmt(t["value"], 2 if t["unit"] in ("s", "µs") else (1 if t["unit"] == "KB" else 0))
        text = "%s %s: %s %s (target ≤ %s %s)" % (mark, t["target"], value, t["unit"], fmt(t["limit"], 1 if t["unit"] == "s" else 0), t["unit"])
        lines.append(("- " + text) if markdown else ("  " + text))
    return "\n".join(lines)


PROFILE_MILESTONES = [
    ("boot_js_request", "boot.js requested (HTML parsed, snippet ran)"),
    ("boot_js_loaded", "boot.js received"),
    ("wasm_request", "runtime .wasm requested (its JS module has run)"),
    ("wasm_loaded", "runtime .wasm received"),
    ("runtime_ready", "runtime ready (`times.runtimeReady`)"),
    ("collector_request", "collector script requested"),
    ("python_ready", "Python ready (`times.pythonReady`)"),
    ("collector_ready", "collector script ran (`totango:ready`)"),
    ("first_pixel", "first pixel at the receiver"),
]
PROFILE_STEPS_HEAD = [
    ("runtime_init_after_wasm", "runtime start after the .wasm arrived (compile, instantiate, init)"),
    ("python_task", "runtimeReady → pythonReady"),
    ("before_first_step", "  writing the bundle into the FS (before the first runPython)"),
]
PROFILE_STEPS_TAIL = [
    ("between_steps", "  gaps between the runPython calls (yielding to the page)"),
    ("after_last_step", "  after the last runPython until pythonReady"),
    ("compile_all_modules", "compile() of all .py sources alone, summed (bytecode skips it)"),
    ("collector_wait", "pythonReady → first pixel"),
]
TRACE_ROWS = [
    ("main_busy_ms", "main thread busy (page load to first pixels)"),
    ("main_wasm_lazy_compile_ms", "  of which lazy wasm compilation (first call of each function)"),
    ("main_wasm_sync_compile_ms", "  of which synchronous wasm compiles"),
    ("main_script_eval_ms", "  of which JS script evaluation"),
    ("main_gc_ms", "  of which garbage collection"),
    ("background_wasm_compile_ms", "other threads: wasm compilation (tier-up), CPU ms"),
]


def render_profile(results, markdown=False):
    prof = results["summary"].get("profile") or {}
    variants = [v for v in (MPY, PYO) if v in prof]
    if not variants:
        return ""
    out = []

    def value(v, key):
        return fmt(med(prof[v].get(key)))

    def trace_value(v, key):
        t = prof[v].get("trace") or {}
        return fmt(t.get(key)) if isinstance(t.get(key), (int, float)) else "–"

    order = []
    for v in variants:
        order += [x for x in prof[v].get("step_order") or [] if x not in order]
    steps = PROFILE_STEPS_HEAD + [(x, "  " + x.replace("step: ", "runPython: ")) for x in order] + PROFILE_STEPS_TAIL
    milestones = sorted(PROFILE_MILESTONES, key=lambda row: med(prof[variants[0]].get(row[0])) or 0)
    blocks = [("milestone, ms since navigation start (median of the cold runs)", milestones, value),
              ("step, ms (median; the indented ones from a copy of boot.js that times each runPython, %d runs)"
               % results["settings"]["profile_runs"], steps, value),
              ("one Chrome-traced cold boot, ms", TRACE_ROWS, trace_value)]
    for title, rows, get in blocks:
        rows = [(key, label) for key, label in rows if any(get(v, key) != "–" for v in variants)]
        if not rows:
            continue
        if markdown:
            out.append("| %s | %s |" % (title, " | ".join(SHORT[v] for v in variants)))
            out.append("|---|" + "---|" * len(variants))
            for key, label in rows:
                out.append("| %s | %s |" % (label.replace("  ", "&nbsp;&nbsp;", 1) if label.startswith("  ") else label,
                                            " | ".join(get(v, key) for v in variants)))
            out.append("")
        else:
            out.append("  %s: %s" % (title, " / ".join(SHORT[v] for v in variants)))
            for key, label in rows:
                out.append("    %-68s %s" % (label, " / ".join(get(v, key) for v in variants)))
    mods = (prof.get(MPY) or {}).get("compile_per_module_last_run") or []
    mods = sorted([m for m in mods if m[1] is not None], key=lambda m: -m[1])[:5]
    if mods:
        text = ", ".join("%s %s ms" % (m[0].replace("totango_py/", ""), fmt(m[1], 1)) for m in mods)
        out.append(("Slowest modules to compile on MicroPython: " if markdown else
                    "  slowest modules to compile on MicroPython: ") + text)
    return "\n".join(out).rstrip()


def machine_info():
    info = {"cpu_count": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]}
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal"):
                    info["memory_kb"] = int(line.split()[1])
                    break
    except OSError:
        pass
    return info


def package_versions():
    versions = {}
    try:
        with open(os.path.join(ROOT, "dist", "versions.json")) as handle:
            versions.update(json.load(handle).get("versions", {}))
    except (OSError, ValueError):
        pass
    try:
        with open(os.path.join(AJS_PACKAGE, "package.json")) as handle:
            versions["@segment/analytics-next"] = json.load(handle)["version"]
    except (OSError, ValueError, KeyError):
        pass
    try:
        from importlib.metadata import version
        versions["playwright (python)"] = version("playwright")
    except Exception:
        pass
    try:
        sys.path.insert(0, ROOT)
        import totango_py
        versions["totango_py"] = totango_py.__version__
    except Exception:
        pass
    return versions


DEFINITIONS = """\
What each figure is (all in real headless Chromium, page and tag served from 127.0.0.1 by the
Totango emulator with precompressed gzip and `Cache-Control: %(cache)s`):

- **Workload**: the page's first inline script loads the tag and calls `identify('u1', …)`,
  `group('acme', …)`, `page('Billing', 'Invoices')`, `track('Paid')`. Both tags end in the same six
  `window.totango` commands (go(user), go(account), 2 × track "Viewed … Page", go(module), track
  "Paid"); the receiver gets 5 pixels (the first `go` has no account yet), 3 of them activities.
  analytics-next is loaded like Segment's snippet (queue, then `dist/umd/index.js` async) with inline
  `cdnSettings`, metrics off and `Segment.io` disabled, plus a destination plugin (in bench.py) that
  maps the calls to the same collector commands and holds them until the collector has loaded.
- **nav → ready**: `performance.now()` (0 = navigation start) when the library is ready:
  totango_py `analytics.status().times.pythonReady` (Python has taken over the queue; the collector
  may still be loading); analytics-next its `analytics.ready()` callback (the collector may still be
  loading too: destination loads are not awaited by `ready`).
- **nav → first pixel**: receiver's arrival time of the first pixel minus the page's
  `performance.timeOrigin` (both epoch ms on this machine). **all 3 activities**: same, for the last
  of the 3 workload activities.
- **cold**: a new browser context (empty profile and HTTP cache) per run, variants interleaved, one
  discarded warm-up round. **warm**: one persistent profile per variant (HTTP cache and storage
  kept, as for a returning visitor), first load discarded, a new tab per run.
- **tag requests / bytes**: every request of the page except the HTML document, the collector
  script and pixels. Bytes on the wire = response body as transferred (gzip) + response headers,
  from Playwright's `request.sizes()`; KB = 1000 bytes. Decoded = uncompressed bodies. Warm
  transferred = Resource Timing `transferSize` (0 when served from the HTTP cache).
- **long tasks**: `PerformanceObserver('longtask', buffered)` registered before the tag, entries
  starting before ready + 1 s; total of their durations and the largest. The page has no other script.
- **track() from JS**: after ready (and after the workload's pixels), `analytics.track('Bench call', {i})`
  %(calls)s times (analytics-next: %(ajs_calls)s times, each call costs milliseconds) in one synchronous
  loop timed with `performance.now()`, µs per call. The collector is replaced by a counting sink for
  this test, so no pixels are sent. **until processed**: from the loop's start until the sink got the
  last of them (for totango_py: Python drained the queue, and `status().delivered` grew by the same
  count), per call; analytics-next gets %(cap)s s. **longest long task while draining them**: the
  longest task over 50 ms (0 = none) from the loop's start until the last call was processed: how
  long the page stays blocked after such a burst (totango_py only; analytics-next processes its
  queue over timer ticks).
- **quiet machine**: the share of CPU used by processes outside the benchmark is measured during
  every run (from /proc); a run during which it exceeded %(busy)s%% is measured again after the
  machine calms down (at most twice per run, 30 times in all), and the benchmark waits for quiet
  before it starts.
- **early exit**: the page makes the 4 calls then sets `location.href` to a second page of the same
  origin (same tag, no calls) from a `setTimeout` of the delay, started right after the calls; a
  fresh context per trial. The timer fires later than its delay when the main thread is busy (the
  table of states gives the real time and where the tag was: `snippet` = boot.js not run yet,
  `booting` = runtime loading, `python` = Python had taken over; analytics-next: `snippet` = library
  not loaded yet, `loaded`). Lost = how many of the 4 calls never showed at the receiver (identify: a pixel with the
  user's traits; group: with the account name; page: both "Viewed" activities; track: "Paid")
  once the second page is ready + up to %(wait)s s + %(grace)s s; duplicates = activity pixels received twice.
"""


def profile_doc(results):
    text = render_profile(results, markdown=True)
    if not text:
        return ""
    return "\n".join([
        "## Where totango_py's cold boot goes", "",
        "Milestones: Resource Timing and `status().times` of the cold runs. Steps: a copy of boot.js "
        "whose interpreter times each `runPython` call (profile pages, fresh contexts). Trace: one "
        "Chrome trace of a cold boot per runtime (V8 and wasm events of the page's renderer).", "",
        text, ""])


def render_doc(results):
    s = results["settings"]
    m = results["machine"]
    versions = ", ".join("%s %s" % kv for kv in sorted(results["versions"].items()))
    parts = [
        "# Performance",
        "",
        "Measured by `bench/bench.py`; refresh with:",
        "",
        "```sh",
        "python3 build.py bench            # build dist/, then %d runs of each measurement" % 7,
        "```",
        "",
        "Last run: %s, %d runs per figure (median (min–max)), %s."
        % (results["date"], s["runs"], "quick smoke run" if s["quick"] else "full run"),
        "Machine: %s, %s cores, %s GB RAM, %s. Browser: %s." % (
            m.get("cpu_model", "?"), m.get("cpu_count"), fmt(m.get("memory_kb", 0) / 1024.0 / 1024.0, 1),
            m.get("platform"), results["browser"]),
        "Versions: %s." % versions,
        "",
        "## Results",
        "",
        render_table(results, markdown=True),
        "",
        "Ratios are totango_py's median over analytics-next's median in the same run.",
        "Requests that left 127.0.0.1 during the run: %d. %s" % (len(results["outside_requests"]),
                                                                 render_load(results) + "." if render_load(results) else ""),
        "",
        render_exit_states(results, markdown=True),
        "",
        "## Targets",
        "",
        render_targets(results, markdown=True),
        "",
        profile_doc(results),
        "## Definitions",
        "",
        DEFINITIONS % {"cache": CACHE_CONTROL, "calls": fmt(s["calls"]), "ajs_calls": fmt(s["ajs_calls"]),
                       "cap": fmt(s["ajs_cap_s"]), "wait": fmt(EXIT_WAIT_S, 1), "grace": fmt(EXIT_GRACE_S, 2),
                       "busy": fmt(BUSY_LIMIT)},
        "Raw figures of every run: `bench/results.json`.",
        "",
    ]
    return "\n".join(parts)


# -- main ---------------------------------------------------------------------------------------

def report(results, out_path, write_doc):
    """Print the table, targets and profile; rewrite docs/performance.md when asked."""
    print()
    print("totango_py benchmark — %s, %s, %d runs (median (min–max))" % (results["date"], results["browser"], results["settings"]["runs"]))
    print(render_table(results))
    states = render_exit_states(results)
    if states:
        print()
        print(states)
    load = render_load(results)
    if load:
        print()
        print(load)
    print()
    print("targets:")
    print(render_targets(results))
    profile_text = render_profile(results)
    if profile_text:
        print()
        print("totango_py cold boot profile:")
        print(profile_text)
    print()
    print("requests that left 127.0.0.1: %d" % len(results["outside_requests"]))
    print("raw figures: %s (%s s)" % (os.path.relpath(out_path, ROOT), results["elapsed_s"]))
    if write_doc:
        os.makedirs(os.path.dirname(DOC), exist_ok=True)
        with open(DOC, "w", encoding="utf-8") as handle:
            handle.write(render_doc(results))
        print("wrote %s" % os.path.relpath(DOC, ROOT))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7, help="runs per figure (default 7)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 2 runs, 2,000 calls, 1 early-exit trial per delay; writes bench/results-quick.json only")
    ap.add_argument("--calls", type=int, default=None, help="track() calls in the per-call test (default 10,000)")
    ap.add_argument("--exit-runs", type=int, default=None, help="trials per early-exit delay (default: --runs)")
    ap.add_argument("--profile-runs", type=int, default=None, help="runs of the boot profile (default 3)")
    ap.add_argument("--ajs-calls", type=int, default=None,
                    help="analytics-next's calls in the per-call test (default 1,000: each takes ~2 ms)")
    ap.add_argument("--ajs-cap", type=float, default=10.0, help="seconds analytics-next gets to process the calls")
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma list of: " + ", ".join(VARIANTS))
    ap.add_argument("--sections", default="cold,warm,calls,exit,profile", help="comma list of sections to run")
    ap.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    ap.add_argument("--from-results", action="store_true",
                    help="measure nothing: print the table and rewrite docs/performance.md from bench/results.json")
    ap.add_argument("--wait-idle", type=float, default=300.0,
                    help="wait up to this many seconds for other processes to leave the CPU before starting")
    args = ap.parse_args(argv)

    if args.from_results:
        with open(RESULTS, encoding="utf-8") as handle:
            results = json.load(handle)
        report(results, RESULTS, write_doc=not args.no_docs)
        return 0

    runs = 2 if args.quick and args.runs == 7 else args.runs
    calls = args.calls or (2000 if args.quick else 10000)
    ajs_calls = args.ajs_calls or (200 if args.quick else 1000)
    exit_runs = args.exit_runs or (1 if args.quick else runs)
    profile_runs = args.profile_runs or (1 if args.quick else 3)
    variants = [v for v in args.variants.split(",") if v]
    sections = [x for x in args.sections.split(",") if x]
    for v in variants:
        if v not in VARIANTS:
            ap.error("unknown variant %r" % v)
    if runs < 1:
        ap.error("--runs must be at least 1")
    if not os.path.exists(os.path.join(DIST_TAG, "boot.js")):
        sys.exit("dist/ is not built: run `python3 build.py` (or `python3 build.py bench`)")
    if AJS in variants and not os.path.exists(os.path.join(AJS_UMD, "index.js")):
        sys.exit("node_modules/@segment/analytics-next is missing: run `npm ci`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sys.exit("playwright is missing: run with .venv/bin/python (python3 build.py bench sets it up)")

    global CPU
    CPU = CpuWatch()
    quiet = wait_for_quiet(args.wait_idle)
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="totango-bench-")
    outside = Outside()
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python3 build.py bench",
        "argv": sys.argv[1:] if argv is None else list(argv),
        "settings": {"runs": runs, "calls": calls, "ajs_calls": ajs_calls, "exit_runs": exit_runs, "exit_delays": EXIT_DELAYS,
                     "profile_runs": profile_runs, "variants": variants, "sections": sections,
                     "quick": args.quick, "ajs_cap_s": args.ajs_cap, "cache_control": CACHE_CONTROL,
                     "long_tasks_until": "ready + %d ms" % (TRACK_SETTLE_S * 1000),
                     "foreign_cpu_percent_before_start": quiet},
        "machine": machine_info(),
        "versions": package_versions(),
        "raw": {}, "summary": {},
    }
    site = os.path.join(workdir, "site")
    os.makedirs(site)
    profiled = build_site(site)
    if "profile" in sections and not profiled:
        log("boot.js changed: the profile's marked copy could not be made; profile skipped")
        sections.remove("profile")
    server = EmulatorServer(site, host="127.0.0.1", port=0, cache_control=CACHE_CONTROL).start()
    quiet_disconnects(server)
    log("serving %s at %s; %d runs, %s calls, sections %s" % (site, server.url, runs, fmt(calls), ",".join(sections)))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(**launch_kwargs())
            results["browser"] = "Chromium " + browser.version
            try:
                if "cold" in sections:
                    log("cold loads …")
                    results["raw"]["cold"] = section_cold(pw, browser, server, variants, runs, outside)
                    results["summary"]["cold"] = summarise_loads(results["raw"]["cold"])
                if "calls" in sections:
                    log("per-call cost …")
                    results["raw"]["calls"] = section_calls(browser, server, variants, runs, calls, ajs_calls,
                                                            outside, args.ajs_cap)
                    results["summary"]["calls"] = summarise_calls(results["raw"]["calls"])
                if "exit" in sections:
                    log("early exit …")
                    results["raw"]["exit"] = section_exit(browser, server, variants, exit_runs, EXIT_DELAYS, outside)
                    results["summary"]["exit"] = summarise_exit(results["raw"]["exit"])
                if "profile" in sections and (MPY in variants or PYO in variants):
                    log("boot profile …")
                    results["raw"]["profile"] = section_profile(browser, server, variants, profile_runs, outside, workdir)
                if results["raw"].get("profile") or results["raw"].get("cold"):
                    results["summary"]["profile"] = summarise_profile(results["raw"].get("profile"),
                                                                      results["raw"].get("cold"))
            finally:
                browser.close()
            if "warm" in sections:
                log("warm loads …")
                results["raw"]["warm"] = section_warm(pw, server, variants, runs, outside, workdir)
                results["summary"]["warm"] = summarise_loads(results["raw"]["warm"])
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    results["outside_requests"] = outside.urls
    results["remeasured_runs"] = 30 - RETRIES["left"]
    results["targets"] = targets(results)
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    out_path = RESULTS if not args.quick else os.path.join(HERE, "results-quick.json")
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1, sort_keys=False)
        handle.write("\n")
    report(results, out_path, write_doc=not args.quick and not args.no_docs)
    return 1 if outside.urls else 0


if __name__ == "__main__":
    sys.exit(main())
