"""The project's performance targets, checked against a run's medians."""

from settings import AJS, MPY, PYO
from stats import med


def targets(summary):
    """[{target, value, limit, unit, ok}] for each target the run has figures for."""
    cold, warm = summary.get("cold", {}), summary.get("warm", {})
    calls, leave = summary.get("calls", {}), summary.get("exit", {})
    out = []

    def add(name, value, limit, unit, ok=None):
        if ok is None:
            ok = value is not None and value <= limit
        out.append({"target": name, "value": value, "limit": limit, "unit": unit, "ok": bool(ok)})

    def scaled(value, k):
        return value * k if value is not None else None

    def ratio(section, variant):
        mine, theirs = med(section[variant]["first_pixel_ms"]), med(section[AJS]["first_pixel_ms"])
        return mine / theirs if mine is not None and theirs else None

    if MPY in cold and AJS in cold:
        add("MicroPython cold nav→first pixel ÷ analytics-next's (medians, same run)", ratio(cold, MPY), 1.1, "×")
    if MPY in warm and AJS in warm:
        add("MicroPython warm nav→first pixel ÷ analytics-next's (medians, same run)", ratio(warm, MPY), 1.2, "×")
    if MPY in cold:
        add("MicroPython tag bytes on the wire, brotli", scaled(med(cold[MPY]["tag_wire_bytes"]), 1e-3), 205, "KB")
        add("MicroPython long tasks during boot, total (median)", med(cold[MPY]["long_task_total_ms"]), 50, "ms")
    if MPY in calls:
        add("MicroPython analytics.track() from JS (median)", med(calls[MPY]["us_per_call"]), 20, "µs")
    if MPY in leave:
        lost = sum(d["events_lost_total"] for d in leave[MPY].values())
        dups = sum(d["duplicates_total"] for d in leave[MPY].values())
        add("MicroPython events lost on early exit (all delays, all trials)", lost, 0, "events",
            ok=(lost == 0 and dups == 0))
    if PYO in cold:
        add("Pyodide cold nav→first pixel (median)", scaled(med(cold[PYO]["first_pixel_ms"]), 1e-3), 1.5, "s")
        add("Pyodide long tasks during boot, total (median)", med(cold[PYO]["long_task_total_ms"]), 50, "ms")
    return out
