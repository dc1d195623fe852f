"""A run's report: printed to the terminal, and written to docs/performance.md for the project."""

import os

from settings import BURST_CAP_S, BURST_DELAY_MS, BUSY_LIMIT, CACHE_CONTROL, DOC, EXIT_GRACE_S, EXIT_WAIT_S, HERE, ROOT
from stats import fmt
from tables import render_burst, render_exit_states, render_load, render_profile, render_table, render_targets

PROFILE_INTRO = (
    "Milestones: Resource Timing and `status().times` of the cold runs. Steps: boot.js's own marks "
    "in `status().times` (`bootStart`, `runtimeReady`, `filesWritten`, `coreImported`, `bridgeImported`, "
    "`pythonReady`) of the cold runs; each Python step starts with a yield to the page (a message on a "
    "MessageChannel). import: each module of the shipped package imported after the modules it "
    "imports, timed one by one in an interpreter started on a page without the tag. Trace: one Chrome "
    "trace of a cold boot per runtime (V8 and wasm events of the "
    "page's renderer).")


def print_report(results, out_path):
    """Table, early-exit states, CPU load, targets and boot profile, on stdout."""
    print()
    print("totango_py benchmark — %s, %s, %d runs%s (median (min–max))"
          % (results["date"], results["browser"], results["settings"]["runs"], burst_runs(results)))
    print(render_table(results))
    for text in (render_exit_states(results), render_burst(results), render_load(results)):
        if text:
            print()
            print(text)
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


def burst_runs(results):
    """The burst has runs of its own (each takes long)."""
    runs = results["settings"].get("burst_runs")
    return " (the burst: %d)" % runs if "burst" in results["summary"] and runs else ""


def definitions(settings):
    with open(os.path.join(HERE, "definitions.md"), encoding="utf-8") as handle:
        template = handle.read()
    return template % {"cache": CACHE_CONTROL, "calls": fmt(settings["calls"]), "ajs_calls": fmt(settings["ajs_calls"]),
                       "cap": fmt(settings["ajs_cap_s"]), "wait": fmt(EXIT_WAIT_S, 1), "grace": fmt(EXIT_GRACE_S, 2),
                       "busy": fmt(BUSY_LIMIT), "burst_calls": fmt(settings.get("burst_calls", 10000)),
                       "burst_runs": settings.get("burst_runs", 3),
                       "burst_delay": fmt(settings.get("burst_collector_delay_ms", BURST_DELAY_MS)),
                       "burst_cap": fmt(settings.get("burst_cap_s", BURST_CAP_S))}


def render_doc(results):
    """docs/performance.md: how to refresh it, the machine, every table, the definitions."""
    s, m = results["settings"], results["machine"]
    versions = ", ".join("%s %s" % kv for kv in sorted(results["versions"].items()))
    load = render_load(results)
    burst = render_burst(results)
    profile = render_profile(results, markdown=True)
    parts = [
        "# Performance",
        "",
        "Measured by `bench/bench.py`; refresh with:",
        "",
        "```sh",
        "python3 build.py bench            # build dist/, then 7 runs of each measurement",
        "```",
        "",
        "Last run: %s, %d runs per figure%s (median (min–max)), %s%s."
        % (results["date"], s["runs"], burst_runs(results), "quick smoke run" if s["quick"] else "full run",
           "; sections other than %s from the run of %s (same build)" % (", ".join(results["argv_sections"]),
                                                                         s["updated_from"])
           if s.get("updated_from") else ""),
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
                                                                 load + "." if load else ""),
        "",
    ] + ([burst + ".", ""] if burst else []) + [
        render_exit_states(results, markdown=True),
        "",
        "## Targets",
        "",
        render_targets(results, markdown=True),
        "",
    ]
    if profile:
        parts += ["## Where totango_py's cold boot goes", "", PROFILE_INTRO, "", profile, ""]
    parts += ["## Definitions", "", definitions(s), "Raw figures of every run: `bench/results.json`.", ""]
    return "\n".join(parts)


def write_doc(results):
    from server_report import kept_section  # the server benchmark's section survives this rewrite

    os.makedirs(os.path.dirname(DOC), exist_ok=True)
    kept = kept_section()
    with open(DOC, "w", encoding="utf-8") as handle:
        handle.write(render_doc(results) + ("\n" + kept + "\n" if kept else ""))
    print("wrote %s" % os.path.relpath(DOC, ROOT))
