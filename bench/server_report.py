"""The server benchmark's report: a table on the terminal and its own section of docs/performance.md.

The section sits between two markers so that either benchmark can rewrite its
part of the page without losing the other's.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(os.path.dirname(HERE), "docs", "performance.md")
BEGIN = "<!-- server benchmark: begin -->"
END = "<!-- server benchmark: end -->"


def _cell(s, digits=0):
    form = "{:,.%df}" % digits
    if s["min"] == s["max"]:
        return form.format(s["median"])
    return "%s (%s–%s)" % (form.format(s["median"]), form.format(s["min"]), form.format(s["max"]))


def _ratio(value):
    return "×%.1f" % value if value < 100 else "×{:,.0f}".format(value)


SCENARIOS = (("local", "receiver on this machine, answering at once"),
             ("far", "receiver answering after 20 ms, as one that far away"))


def table(results):
    lines = ["| receiver | metric | unit | totango_py.server | PyPI totango %s | ratio |"
             % results["versions"]["totango (PyPI)"], "|---|---|---|---|---|---|"]
    for key, title in SCENARIOS:
        s = results["summary"][key]
        ours, pypi = s["ours"], s["pypi"]
        rows = [
            ("events/s delivered", "", _cell(ours["events_per_s"]), _cell(pypi["events_per_s"]),
             _ratio(s["events_per_s_ratio"])),
            ("caller's time per call, median", "µs", _cell(ours["call_us_median"], 1),
             _cell(pypi["call_us_median"], 1), _ratio(s["call_us_ratio"]) + " less"),
            ("caller's time per call, p99", "µs", _cell(ours["call_us_p99"], 1), _cell(pypi["call_us_p99"], 1),
             _ratio(pypi["call_us_p99"]["median"] / ours["call_us_p99"]["median"]) + " less"),
        ]
        lines += ["| %s | %s |" % (title, " | ".join(row)) for row in rows]
    return "\n".join(lines)


def burst_text(results):
    b = results["summary"]["burst"]
    return ("Burst: {events:,} `track` calls as fast as one thread can make them ({mean:.1f} µs each on average), "
            "into the default queue of {size:,}: {queued:,} queued and delivered, {dropped:,} dropped with "
            "`on_error`. Resident memory: {start:.1f} MB before, {tenth:.1f} MB after 10% of the calls, "
            "{end:.1f} MB after all of them (growth after the first 10%: {growth:.1f} MB; peak {peak:.1f} MB)."
            ).format(events=b["events"], mean=b["call_us_mean"], size=b["max_queue_size"], queued=b["queued"],
                     dropped=b["dropped"], start=b["rss_mb_start"], tenth=b["rss_mb_at_10pct"], end=b["rss_mb_end"],
                     growth=b["growth_mb_after_10pct"], peak=b["peak_rss_mb"])


def ceiling_text(results):
    s = results["summary"]
    if "ceiling" not in s:
        return ""
    top = s["ceiling"]["median"]
    return ("The receiver's own ceiling on this machine (bare keep-alive `http.client` clients in 2 processes, "
            "nothing else): {top:,.0f} pixels/s ({low:,.0f}–{high:,.0f}). No client delivers more on loopback, so "
            "with the receiver answering at once the events/s ratio to PyPI totango cannot exceed ×{most:.1f} here."
            ).format(top=top, low=s["ceiling"]["min"], high=s["ceiling"]["max"],
                     most=top / s["local"]["pypi"]["events_per_s"]["median"])


def targets(results):
    s = results["summary"]
    checks = [
        ("events/s, totango_py ÷ PyPI totango, receiver answering at once (median)",
         s["local"]["events_per_s_ratio"], "≥", 10, "×%.1f"),
        ("events/s, totango_py ÷ PyPI totango, receiver 20 ms away (median)",
         s["far"]["events_per_s_ratio"], "≥", 10, "×%.1f"),
        ("caller's time per call (median, receiver at once)", s["local"]["ours"]["call_us_median"]["median"],
         "≤", 20, "%.1f µs"),
        ("memory growth after the first 10% of a 1,000,000-call burst", s["burst"]["growth_mb_after_10pct"],
         "≤", 5, "%.1f MB"),
    ]
    lines = []
    for name, value, op, limit, form in checks:
        ok = value >= limit if op == "≥" else value <= limit
        lines.append("- %s %s: %s (target %s %s)" % ("✓" if ok else "✗", name, form % value, op, form % limit))
    return "\n".join(lines)


def section(results):
    st, m = results["settings"], results["machine"]
    return "\n".join([
        BEGIN,
        "## Server client (`totango_py.server`)",
        "",
        "Measured by `bench/server.py`; refresh with `python3 build.py bench server`.",
        "",
        "Last run: %s, %d runs per client and receiver (median (min–max)); per run %s totango_py and %s PyPI "
        "totango calls (receiver at once), %s and %s (receiver 20 ms away); one caller thread; totango_py with "
        "its default %d worker threads. Machine: %s cores (shared), Python %s; CPU time outside the "
        "benchmark's processes (other work, and the kernel's loopback networking) during the runs: %.0f%% / "
        "%.0f%% (median). Versions: PyPI totango %s, urllib3 %s."
        % (results["date"], st["runs"], "{:,}".format(st["events"]), "{:,}".format(st["pypi_events"]),
           "{:,}".format(st["far_events"]), "{:,}".format(st["far_pypi_events"]), st["workers"],
           m["cpu_count"], m["python"], results["summary"]["local"]["foreign_cpu_percent_median"],
           results["summary"]["far"]["foreign_cpu_percent_median"],
           results["versions"]["totango (PyPI)"], results["versions"].get("urllib3")),
        "",
        table(results),
        "",
        burst_text(results),
        "",
        ceiling_text(results),
        "",
        targets(results),
        "",
        "Both clients send the same `track` calls (user, account, activity, module: one pixel each) from one "
        "thread to the same receiver: the emulator's HTTP handler in a process of its own, counting the "
        "pixels it decodes (every run checks the count). Events/s runs from the first call until the last "
        "pixel was answered (totango_py: `flush()` returned). PyPI totango makes one blocking `requests.post` "
        "per call on a new connection, so its time per call is a whole request; totango_py's is checking "
        "and queueing the message. With the receiver answering at once, totango_py is bound by the CPU cost "
        "of each request in Python's HTTP stack (urllib3 over http.client) and PyPI totango by a new "
        "connection per call; both slow down when the machine is busy, not equally, so that ratio moves with "
        "the load (see the CPU figure above). With the receiver 20 ms away, the worker threads' concurrent "
        "keep-alive connections set totango_py's rate. Raw figures: `bench/results-server.json`.",
        END,
    ])


def print_report(results):
    print()
    print(table(results))
    print()
    print(burst_text(results))
    print()
    print(ceiling_text(results))
    print()
    print(targets(results))


def write_doc(results):
    """Replace (or append) the server section of docs/performance.md."""
    text = ""
    if os.path.exists(DOC):
        with open(DOC, encoding="utf-8") as handle:
            text = handle.read()
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section(results) + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section(results) + "\n"
    with open(DOC, "w", encoding="utf-8") as handle:
        handle.write(text)
    print("wrote %s" % os.path.relpath(DOC, os.path.dirname(HERE)))


def kept_section():
    """The server section now in docs/performance.md, for the browser benchmark to keep ('' if none)."""
    if not os.path.exists(DOC):
        return ""
    with open(DOC, encoding="utf-8") as handle:
        text = handle.read()
    if BEGIN in text and END in text:
        return text[text.index(BEGIN):text.index(END) + len(END)]
    return ""
