"""The run's figures as tables: aligned text for the terminal, or Markdown for docs/performance.md."""

from settings import AJS, LINK_LABEL, MPY, PYO, SHORT, VARIANTS
from stats import cell, constant, fmt, fmt_ratio, med, scaled


def grid(head, body, markdown, right_from=None, indent=""):
    """Markdown, or text columns (right-aligned from column ``right_from``, with a rule under the head)."""
    if markdown:
        return "\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] +
                         ["| " + " | ".join(row) + " |" for row in body])
    widths = [max(len(row[i]) for row in [head] + body) for i in range(len(head))]

    def line(row):
        return indent + "  ".join(c.rjust(widths[i]) if right_from is not None and i >= right_from
                                  else c.ljust(widths[i]) for i, c in enumerate(row))
    lines = [line(row) for row in [head] + body]
    if right_from is not None:
        lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def table_rows(results):
    """(label, unit, {variant: summary}, digits, with_ratio) rows of the main table."""
    s = results["summary"]
    rows = []

    def add(label, unit, cells, digits=0, with_ratio=True):
        rows.append((label, unit, cells, digits, with_ratio))

    for section in ("cold", "warm"):
        if section not in s:
            continue
        d = s[section]

        def per(key, k=None):
            return {v: scaled(d[v][key], k) if k else d[v][key] for v in d}
        add("%s: nav → ready" % section, "ms", per("ready_ms"))
        add("%s: nav → first pixel" % section, "ms", per("first_pixel_ms"))
        add("%s: nav → all 3 activities" % section, "ms", per("all_activities_ms"))
        if section == "cold":
            add("cold: tag requests", "", per("tag_requests"))
            add("cold: tag bytes on the wire (brotli)", "KB", per("tag_wire_bytes", 1e-3), 1)
            add("cold: tag bytes on the wire (gzip only)", "KB", per("tag_wire_bytes_gzip", 1e-3), 1)
            add("cold: tag bytes decoded", "KB", per("tag_decoded_bytes_rt", 1e-3), 1)
            add("cold: long tasks, total to ready+1 s", "ms", per("long_task_total_ms"))
            add("cold: long tasks, largest", "ms", per("long_task_max_ms"))
            add("cold: main-thread time spent by the tag", "ms", per("tag_main_thread_ms"))
        else:
            add("warm: tag bytes transferred", "KB", per("tag_transfer_bytes_rt", 1e-3), 1)
            add("warm: long tasks, total to ready+1 s", "ms", per("long_task_total_ms"))
    if "link" in s:
        d = s["link"]
        label = "cold over %s" % LINK_LABEL
        add("%s: nav → ready" % label, "ms", {v: d[v]["ready_ms"] for v in d})
        add("%s: nav → first pixel" % label, "ms", {v: d[v]["first_pixel_ms"] for v in d})
        add("%s: nav → all 3 activities" % label, "ms", {v: d[v]["all_activities_ms"] for v in d})
    if "calls" in s:
        d = s["calls"]
        add("track() from JS, per call", "µs", {v: d[v]["us_per_call"] for v in d}, 2)
        add("track() until processed, per call", "µs", {v: d[v]["us_per_call_processed"] for v in d}, 1)
        add("longest long task while draining them", "ms", {v: d[v]["long_task_max_ms"] for v in d})
    if "exit" in s:
        d = s["exit"]
        for delay in results["settings"]["exit_delays"]:
            add("early exit at %d ms: events lost of 4" % delay, "", {v: d[v][str(delay)]["lost"] for v in d},
                with_ratio=False)
        add("early exit: duplicated activities (all trials)", "",
            {v: constant(sum(x["duplicates_total"] for x in d[v].values())) for v in d}, with_ratio=False)
    if "burst" in s:
        d = s["burst"]
        label = "burst of %s calls" % fmt(results["settings"].get("burst_calls"))
        add("%s: activities delivered" % label, "", {v: d[v]["delivered"] for v in d}, with_ratio=False)
        add("%s: nav → last activity pixel" % label, "ms", {v: d[v]["last_activity_ms"] for v in d})
        add("%s: longest script run of the tag" % label, "ms", {v: d[v]["tag_script_max_ms"] for v in d})
        add("%s: longest animation frame" % label, "ms", {v: d[v]["frame_max_ms"] for v in d})
        add("%s: blocking in frames with no script" % label, "ms", {v: d[v]["no_script_blocking_ms"] for v in d},
            with_ratio=False)
        add("%s: localStorage per waiting call" % label, "chars",
            {v: d[v]["storage_chars_per_waiting_call"] for v in d if v != AJS}, with_ratio=False)
    return rows


def render_table(results, markdown=False):
    """Every figure, one column per variant, then totango_py ÷ analytics-next."""
    variants = [v for v in VARIANTS if v in results["settings"]["variants"]]
    others = [v for v in variants if v != AJS] if AJS in variants else []
    head = ["metric", "unit"] + [SHORT[v] for v in variants] + ["%s ÷ ajs" % SHORT[v] for v in others]
    body = []
    for label, unit, cells, digits, with_ratio in table_rows(results):
        row = [label, unit] + [cell(cells.get(v), digits) for v in variants]
        row += [fmt_ratio(med(cells.get(v)), med(cells.get(AJS))) if with_ratio else "" for v in others]
        body.append(row)
    return grid(head, body, markdown, right_from=2)


def render_exit_states(results, markdown=False):
    """Where the first page was when it left, per variant and delay."""
    d = results["summary"].get("exit")
    if not d:
        return ""
    delays = results["settings"]["exit_delays"]
    head = ["page left (timer) at ms since navigation start, tag state then"] + ["%d ms timer" % x for x in delays]

    def where(x):
        at = x.get("left_at_ms")
        return "%s ms: %s" % (cell(at), ", ".join(x["left_while"])) if at else ", ".join(x["left_while"])
    body = [[SHORT[v]] + [where(d[v][str(x)]) for x in delays] for v in VARIANTS if v in d]
    return grid(head, body, markdown, indent="" if markdown else "  ")


def render_burst(results):
    """Per variant, the burst's runs that delivered it all, in order, with the user's traits: the
    count of activities alone says nothing of their order or of the identification."""
    d = results["summary"].get("burst")
    if not d:
        return ""
    s = results["settings"]

    def verdict(v):
        x = d[v]
        text = "%s %d of %d" % (SHORT[v], x["runs_complete"], x["runs"])
        extra = [("%d duplicated" % x["duplicates_total"]) if x["duplicates_total"] else "",
                 ("%d page errors" % x["page_errors_total"]) if x["page_errors_total"] else ""]
        return text + "".join(" (%s)" % e for e in extra if e)
    return ("Burst (%s calls, collector %s ms late, up to %s s a run): runs in which every activity arrived, "
            "in the order sent, with the user's traits: %s"
            % (fmt(s.get("burst_calls")), fmt(s.get("burst_collector_delay_ms")), fmt(s.get("burst_cap_s")),
               ", ".join(verdict(v) for v in VARIANTS if v in d)))


def render_load(results):
    """Share of the CPU other processes took while each section ran (worst variant's median)."""
    s = results["summary"]
    medians = {section: [x["foreign_cpu_percent"]["median"] for x in (s.get(section) or {}).values()
                         if isinstance(x, dict) and x.get("foreign_cpu_percent")]
               for section in ("cold", "warm", "calls", "burst")}
    medians["exit"] = [x["foreign_cpu_percent"]["median"] for per in (s.get("exit") or {}).values()
                       for x in per.values() if x.get("foreign_cpu_percent")]
    worst = [(section, max(values)) for section, values in medians.items() if values]
    if not worst:
        return ""
    text = "CPU used by other processes during the runs (worst variant's median): " + \
        ", ".join("%s %s%%" % (section, fmt(value)) for section, value in worst)
    if results.get("remeasured_runs"):
        text += "; %d run(s) measured again because the machine was busy" % results["remeasured_runs"]
    if max(value for _, value in worst) > 10:
        text += " — the machine was not quiet: figures are inflated"
    return text


def render_targets(results, markdown=False):
    lines = []
    for t in results["targets"]:
        value = fmt(t["value"], 2 if t["unit"] in ("s", "µs", "×") else (1 if t["unit"] == "KB" else 0))
        limit = fmt(t["limit"], 1 if t["unit"] in ("s", "×") else 0)
        text = "%s %s: %s %s (target ≤ %s %s)" % ("✓" if t["ok"] else "✗", t["target"], value, t["unit"],
                                                 limit, t["unit"])
        lines.append(("- " if markdown else "  ") + text)
    return "\n".join(lines)


PROFILE_MILESTONES = [
    ("boot_js_request", "boot.js requested (HTML parsed, snippet ran)"),
    ("boot_js_loaded", "boot.js received"),
    ("boot_start", "boot.js ran (`times.bootStart`)"),
    ("wasm_request", "runtime .wasm requested"),
    ("wasm_loaded", "runtime .wasm received"),
    ("runtime_ready", "runtime ready (`times.runtimeReady`)"),
    ("collector_request", "collector script requested"),
    ("python_ready", "Python ready (`times.pythonReady`)"),
    ("collector_ready", "collector script ran (`totango:ready`)"),
    ("first_pixel", "first pixel at the receiver"),
]
PROFILE_STEPS = [
    ("runtime_init_after_wasm", "runtime start after the .wasm arrived (compile, instantiate, init)"),
    ("python_task", "runtimeReady → pythonReady"),
    ("files_written", "  writing the bundle into the FS (→ `filesWritten`)"),
    ("core_imported", "  yield, then `import totango_py` (→ `coreImported`)"),
    ("bridge_imported", "  yield, then `from totango_py.browser import tag` (→ `bridgeImported`)"),
    ("tag_started", "  yield, then `tag.start()` (→ `pythonReady`)"),
    ("import_package_modules", "import of each totango_py module as shipped, summed (after its imports)"),
    ("import_all_modules", "  the same with the standard modules they import (json, re, datetime, random)"),
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
    """totango_py's cold boot: milestones, steps, one traced boot, the slowest imports."""
    prof = results["summary"].get("profile") or {}
    variants = [v for v in (MPY, PYO) if v in prof]
    if not variants:
        return ""

    def value(v, key):
        return fmt(med(prof[v].get(key)))

    def trace_value(v, key):
        t = prof[v].get("trace") or {}
        return fmt(t.get(key)) if isinstance(t.get(key), (int, float)) else "–"

    milestones = sorted(PROFILE_MILESTONES, key=lambda row: med(prof[variants[0]].get(row[0])) or 0)
    blocks = [("milestone, ms since navigation start (median of the cold runs)", milestones, value),
              ("step, ms (median of the cold runs, from boot.js's own marks; import: of %d run(s) in an "
               "interpreter of its own)" % results["settings"]["profile_runs"], PROFILE_STEPS, value),
              ("one Chrome-traced cold boot, ms", TRACE_ROWS, trace_value)]
    width = max(len(label) for _, rows, _ in blocks for _, label in rows)
    out = []
    for title, rows, get in blocks:
        rows = [(key, label) for key, label in rows if any(get(v, key) != "–" for v in variants)]
        if not rows:
            continue
        if markdown:
            body = [[label.replace("  ", "&nbsp;&nbsp;", 1) if label.startswith("  ") else label]
                    + [get(v, key) for v in variants] for key, label in rows]
            out += [grid([title] + [SHORT[v] for v in variants], body, markdown=True), ""]
        else:
            out.append("  %s: %s" % (title, " / ".join(SHORT[v] for v in variants)))
            out += ["    %s %s" % (label.ljust(width), " / ".join(get(v, key) for v in variants))
                    for key, label in rows]
    for v in variants:
        mods = [m for m in (prof[v].get("import_per_module") or []) if m[1] is not None][:8]
        if mods:
            text = ", ".join("%s %s ms" % (m[0].replace("totango_py.", ""), fmt(m[1], 1)) for m in mods)
            out.append(("Slowest imports on %s (median): " if markdown else "  slowest imports on %s: ")
                       % SHORT[v] + text + ("  " if markdown else ""))
    return "\n".join(out).rstrip()
