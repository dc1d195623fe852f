"""Per-call cost: after ready, N analytics.track() calls in one synchronous loop, then until processed.

The collector is replaced by a counting sink for this test, so no pixels are sent.
"""

import time

from receiver import last_seq, wait_activities
from settings import AJS, boot_timeout_s, log
from stats import fmt, summarise

SUMMARY_KEYS = ["us_per_call", "us_per_call_processed", "processed_ms", "long_task_max_ms", "sync_loop_ms",
                "foreign_cpu_percent"]

# Ready: totango_py's tracker is ready, or analytics-next's buffer became the Analytics instance.
READY = """() => { const a = window.analytics; if (!a) return false;
  if (!Array.isArray(a)) return typeof a.then !== 'function';
  try { return a.status().tracker === 'ready'; } catch (e) { return false; } }"""

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


def calls_trial(session, variant, calls, ajs_cap_s):
    with session.fresh_page() as page:
        since = last_seq(session.server)
        session.goto(page, variant, "boot.html")
        wait_activities(session.server, since, boot_timeout_s(variant))
        page.wait_for_function(READY, timeout=20000)
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
    loop_ms = loop["t1"] - loop["t0"]
    processed_ms = (sink["done"] - loop["t0"]) if sink["done"] is not None else None
    return {
        "calls": calls,
        "sync_loop_ms": loop_ms,
        "us_per_call": loop_ms * 1000.0 / calls,
        "processed": sink["n"],
        "processed_ms": processed_ms,
        "us_per_call_processed": (processed_ms * 1000.0 / calls) if processed_ms is not None else None,
        "delivered_by_status": delivered,
        # totango_py drains the queue in short slices; analytics-next spreads it over timer ticks
        # (its synchronous loop, run from DevTools, is not reported as a long task).
        "long_task_max_ms": max([t[1] for t in tasks] or [0]) if variant != AJS else None,
    }


def section_calls(session, variants, runs, tag_calls, ajs_calls, ajs_cap_s):
    """Each run: every variant in turn, in a fresh context."""
    raw = {v: [] for v in variants}
    for run in range(1, runs + 1):
        for variant in variants:
            calls = ajs_calls if variant == AJS else tag_calls
            result = session.guard("calls %s run %d" % (variant, run),
                                   lambda: calls_trial(session, variant, calls, ajs_cap_s))
            raw[variant].append(result)
            log("calls %-14s run %d: %s µs/call in JS, processed %d/%d%s"
                % (variant, run, fmt(result["us_per_call"], 2), result["processed"], calls,
                   (" in %s ms" % fmt(result["processed_ms"])) if result["processed_ms"] else ""))
    return raw


def summarise_calls(raw):
    out = {}
    for v, runs in raw.items():
        out[v] = summarise(runs, SUMMARY_KEYS)
        out[v]["all_processed"] = all(r["processed"] == r["calls"] for r in runs)
        out[v]["delivered_ok"] = all(r["delivered_by_status"] in (None, r["calls"]) for r in runs)
    return out
