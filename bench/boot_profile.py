"""Where totango_py's cold boot goes: milestones and steps of the cold runs, import time per module,
and one Chrome trace of a cold boot per runtime (main-thread wasm compile vs the rest).

The steps come from boot.js's own marks in ``analytics.status().times``.
"""

import json
import os
import time

from receiver import last_seq, wait_activities
from settings import COLLECTOR, DIST_TAG, MPY, PYO, ROOT, boot_timeout_s, log
from stats import summarise, summary
from tools.runtimes import for_javascript  # bench.py puts the project root on sys.path

RUNTIMES = (MPY, PYO)
WASM = {MPY: "micropython.wasm", PYO: "pyodide.asm.wasm"}
TRACE_CATEGORIES = ["v8", "v8.wasm", "v8.execute", "devtools.timeline", "toplevel", "loading"]

# In a page without the tag: start the runtime from /tag/, write the shipped package into its
# FS with empty package __init__ files (so each module's own cost shows), then run ``code``.
RUN_IN_OWN_INTERPRETER = """async ({runtime, code, layout}) => {
  const base = location.origin + "/tag/";
  const rt = %s[runtime], where = layout.runtimes[runtime], folder = base + where.folder;
  const py = await (await import(folder + rt.module))[rt.start](
    Object.assign({}, rt.options, rt.indexURL ? {indexURL: folder} : {}));
  const buffer = await (await fetch(base + where.bundle)).arrayBuffer(), view = new DataView(buffer);
  for (const dir of ["/profile", "/profile/totango_py", "/profile/totango_py/browser"]) py.FS.mkdir(dir);
  for (let at = 0; at + 30 <= buffer.byteLength && view.getUint32(at, true) === 0x04034b50;) {
    const size = view.getUint32(at + 18, true), n = view.getUint16(at + 26, true);
    const start = at + 30 + n + view.getUint16(at + 28, true);
    const path = new TextDecoder().decode(new Uint8Array(buffer, at + 30, n));
    if (!/__init__\\.(mpy|py)$/.test(path)) py.FS.writeFile("/profile/" + path, new Uint8Array(buffer, start, size));
    at = start + size;
  }
  py.FS.writeFile("/profile/totango_py/__init__.py", "analytics = None\\n");
  py.FS.writeFile("/profile/totango_py/browser/__init__.py", "");
  py.runPython(code);
  return window.__bench_imports;
}""" % json.dumps(for_javascript()["runtimes"])

# Import time of each module, in dependency order (each after what it imports), as shipped.
IMPORT_TIMES = r"""
import js
import sys
sys.path.insert(0, '/profile')
_out = []
for _m in %s:
    _t = js.performance.now()
    try:
        __import__(_m)
        _out.append([_m, js.performance.now() - _t])
    except Exception as _e:
        _out.append([_m, None, str(_e)])
js.window.__bench_imports = __import__('json').dumps(_out)
"""


def import_order():
    """The package's modules (and the standard modules they import at the top), each after
    the modules it imports at its top level: a static reading of the sources."""
    import ast

    package = os.path.join(ROOT, "totango_py")
    deps = {}
    for folder, dirs, names in os.walk(package):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if not name.endswith(".py") or name == "__init__.py":
                continue
            path = os.path.join(folder, name)
            parts = ["totango_py"] + os.path.relpath(path, package)[:-3].split(os.sep)
            module = ".".join(parts)
            with open(path, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
            found = []
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    continue  # imported when called: not part of the module's import cost
                for sub in ([node] + getattr(node, "body", []) + [h for h in getattr(node, "handlers", [])
                                                                    for h in h.body]):
                    if isinstance(sub, ast.Import):
                        found += [a.name for a in sub.names]
                    elif isinstance(sub, ast.ImportFrom):
                        base = sub.module or ""
                        if sub.level:
                            anchor = parts[:-sub.level]
                            base = ".".join(anchor + ([base] if base else []))
                        for a in sub.names:
                            full = base + "." + a.name if base else a.name
                            found.append(full if full.replace(".", os.sep) and os.path.exists(
                                os.path.join(ROOT, full.replace(".", os.sep) + ".py")) else base)
            deps[module] = [d for d in found if d and d.split(".")[0] not in ("pyodide", "jsffi", "js")
                            and d not in ("totango_py", "totango_py.browser")]
    order = []

    def visit(module, stack=()):
        if module in order or module in stack:
            return
        for dep in deps.get(module, []):
            visit(dep, stack + (module,))
        order.append(module)
    for module in sorted(deps):
        visit(module)
    return order


def import_trial(session, runtime):
    with open(os.path.join(DIST_TAG, "files.json"), encoding="utf-8") as handle:
        layout = json.load(handle)
    with session.fresh_page() as page:
        page.goto(session.url("bench/blank.html"))
        code = IMPORT_TIMES % json.dumps(import_order())
        try:
            return json.loads(page.evaluate(RUN_IN_OWN_INTERPRETER, {"runtime": runtime, "code": code,
                                                                     "layout": layout}))
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
    """Import time per module (``runs`` times per runtime), then one traced boot per runtime."""
    runtimes = [v for v in RUNTIMES if v in variants]
    raw = {v: [] for v in runtimes}
    for run in range(1, runs + 1):
        for runtime in runtimes:
            raw[runtime].append({"imports": import_trial(session, runtime)})
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


def resource(resources, suffix, prefix=""):
    """The last Resource Timing entry whose path ends with ``suffix`` (and has ``prefix`` in it)."""
    for r in reversed(resources):
        path = r["name"].split("?")[0]
        if path.endswith(suffix) and prefix in path:
            return r
    return None


def between(start, end):
    return end - start if start is not None and end is not None else None


def cold_boot_split(run, runtime):
    """Milestones (ms since navigation start) and steps (ms) of one cold load."""
    t = (run.get("status") or {}).get("times") or {}
    boot, coll = resource(run["resources"], ".js", "/tag/boot."), resource(run["resources"], COLLECTOR)
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


def imports_total(run, package_only=False):
    done = [c[1] for c in run.get("imports", []) if c[1] is not None
            and (not package_only or c[0].startswith("totango_py"))]
    return sum(done) if done else None


def per_module(runs):
    """Median import time of each module over the runs, slowest first."""
    times = {}
    for run in runs:
        for entry in run.get("imports", []):
            times.setdefault(entry[0], []).append(entry[1])
    medians = [[name, (summary(values) or {}).get("median")] for name, values in times.items()]
    return sorted(medians, key=lambda m: -(m[1] or 0))


def summarise_profile(profile, cold):
    """Milestones and steps from the cold runs; import times and trace from the profile section."""
    out = {}
    for runtime in RUNTIMES:
        splits = [cold_boot_split(r, runtime) for r in (cold or {}).get(runtime, [])]
        runs = (profile or {}).get("runs", {}).get(runtime) or []
        if not splits and not runs:
            continue
        out[runtime] = summarise(splits, list(splits[0])) if splits else {}
        out[runtime]["import_all_modules"] = summary([imports_total(r) for r in runs])
        out[runtime]["import_package_modules"] = summary([imports_total(r, True) for r in runs])
        out[runtime]["import_per_module"] = per_module(runs)
        out[runtime]["trace"] = ((profile or {}).get("trace") or {}).get(runtime)
    return out
