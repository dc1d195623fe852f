"""Where totango_py's cold boot goes: milestones and steps of the cold runs, compile() per module,
and one Chrome trace of a cold boot per runtime (main-thread wasm compile vs the rest).

The steps come from boot.js's own marks in ``analytics.status().times``.
"""

import json
import os
import time

from receiver import last_seq, wait_activities
from totango_py import vocabulary  # bench.py puts the project root on sys.path
from settings import COLLECTOR, MPY, PYO, boot_timeout_s, log
from stats import summarise, summary

RUNTIMES = (MPY, PYO)
WASM = {MPY: "micropython.wasm", PYO: "pyodide.asm.wasm"}
TRACE_CATEGORIES = ["v8", "v8.wasm", "v8.execute", "devtools.timeline", "toplevel", "loading"]

# In a page without the tag: start the runtime from /tag/, then run ``code`` in it.
RUN_IN_OWN_INTERPRETER = """async ({runtime, code}) => {
  const base = location.origin + "/tag/";
  const rt = %s[runtime], folder = base + runtime + "/";
  const py = await (await import(folder + rt.module))[rt.start](
    Object.assign({}, rt.options, rt.indexURL ? {indexURL: folder} : {}));
  window.__bench_sources = await (await fetch(base + "totango_py.json")).text();
  py.runPython(code);
  return window.__bench_compile;
}""" % json.dumps(vocabulary.for_javascript()["runtimes"])

# compile() time of each module's .py source alone (the tag's bytecode bundle skips it on MicroPython).
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


def compile_trial(session, runtime):
    with session.fresh_page() as page:
        page.goto(session.url("bench/blank.html"))
        try:
            return json.loads(page.evaluate(RUN_IN_OWN_INTERPRETER, {"runtime": runtime, "code": COMPILE_TIMES}))
        except Exception as error:
            return [["error", None, str(error)[:200]]]


def traced_boot(session, runtime):
    """Totals of one Chrome-traced cold boot, with the page's status().times."""
    path = os.path.join(session.workdir, "trace-%s.json" % runtime)
    with session.fresh_page() as page:
        since = last_seq(session.server)
        session.browser.start_tracing(page=page, path=path, categories=TRACE_CATEGORIES)
        try:
            session.goto(page, runtime, "boot.html", wait_until="commit")
            wait_activities(session.server, since, boot_timeout_s(runtime))
            time.sleep(0.3)
            times = page.evaluate("() => analytics.status().times")
        finally:
            session.browser.stop_tracing()
    try:
        return dict(analyse_trace(path), times=times)
    except Exception as error:
        return {"error": str(error)[:200]}


def section_profile(session, variants, runs):
    """compile() per module (``runs`` times per runtime), then one traced boot per runtime."""
    runtimes = [v for v in RUNTIMES if v in variants]
    raw = {v: [] for v in runtimes}
    for run in range(1, runs + 1):
        for runtime in runtimes:
            raw[runtime].append({"compile": compile_trial(session, runtime)})
            log("profile %-11s run %d done" % (runtime, run))
    traces = {}
    for runtime in runtimes:
        traces[runtime] = traced_boot(session, runtime)
        log("traced boot %s: %s" % (runtime, json.dumps({k: round(v) for k, v in traces[runtime].items()
                                                          if isinstance(v, float)})))
    return {"runs": raw, "trace": traces}


def analyse_trace(path):
    """Main-thread and background totals (ms) of a Chrome trace of one page load."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    events = data["traceEvents"] if isinstance(data, dict) else data
    names = {(e["pid"], e["tid"]): (e.get("args") or {}).get("name")
             for e in events if e.get("ph") == "M" and e.get("name") == "thread_name"}
    complete = [e for e in events if e.get("ph") == "X" and "dur" in e]
    totals = {}
    for e in complete:
        key = ((e["pid"], e["tid"]), e["name"])
        totals[key] = totals.get(key, 0.0) + e["dur"] / 1000.0
    mains = [k for k, n in names.items() if n == "CrRendererMain"]
    if not mains:
        return None
    main = max(mains, key=lambda k: totals.get((k, "ParseHTML"), 0) + totals.get((k, "RunMicrotasks"), 0))
    # Busy time of the main thread: the union of its outermost complete events.
    busy, end = 0.0, None
    for e in sorted((e for e in complete if (e["pid"], e["tid"]) == main), key=lambda e: (e["ts"], -e["dur"])):
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


def resource(resources, suffix):
    """The last Resource Timing entry whose path ends with ``suffix``."""
    for r in reversed(resources):
        if r["name"].split("?")[0].endswith(suffix):
            return r
    return None


def between(start, end):
    return end - start if start is not None and end is not None else None


def cold_boot_split(run, runtime):
    """Milestones (ms since navigation start) and steps (ms) of one cold load."""
    t = (run.get("status") or {}).get("times") or {}
    boot, coll = resource(run["resources"], "/tag/boot.js"), resource(run["resources"], COLLECTOR)
    wasm = resource(run["resources"], WASM[runtime])
    wasm_end = wasm and wasm["end"]
    return {
        "boot_js_request": boot and boot["start"],
        "boot_js_loaded": boot and boot["end"],
        "boot_start": t.get("bootStart"),
        "wasm_request": wasm and wasm["start"],
        "wasm_loaded": wasm_end,
        "runtime_ready": t.get("runtimeReady"),
        "python_ready": t.get("pythonReady"),
        "collector_request": coll and coll["start"],
        "collector_ready": run["marks"].get("collectorReady"),
        "first_pixel": run["first_pixel_ms"],
        "runtime_init_after_wasm": between(wasm_end, t.get("runtimeReady")),
        "python_task": between(t.get("runtimeReady"), t.get("pythonReady")),
        "files_written": between(t.get("runtimeReady"), t.get("filesWritten")),
        "core_imported": between(t.get("filesWritten"), t.get("coreImported")),
        "bridge_imported": between(t.get("coreImported"), t.get("bridgeImported")),
        "tag_started": between(t.get("bridgeImported"), t.get("pythonReady")),
        "collector_wait": between(t.get("pythonReady"), run["first_pixel_ms"]),
    }


def compile_total(run):
    done = [c[1] for c in run["compile"] if c[1] is not None]
    return sum(done) if done else None


def summarise_profile(profile, cold):
    """Milestones and steps from the cold runs; compile() totals and trace from the profile section."""
    out = {}
    for runtime in RUNTIMES:
        splits = [cold_boot_split(r, runtime) for r in (cold or {}).get(runtime, [])]
        runs = (profile or {}).get("runs", {}).get(runtime) or []
        if not splits and not runs:
            continue
        out[runtime] = summarise(splits, list(splits[0])) if splits else {}
        out[runtime]["compile_all_modules"] = summary([compile_total(r) for r in runs])
        out[runtime]["compile_per_module_last_run"] = runs[-1]["compile"] if runs else None
        out[runtime]["trace"] = ((profile or {}).get("trace") or {}).get(runtime)
    return out
