"""Early exit: the workload, then location.href to a second tag page after a delay; what got through.

The second page carries the same tag, so calls the first page kept may be sent from there.
"""

import time

from browser import COLLECT
from receiver import expected_events, last_seq, wait_activities
from settings import AJS, EXIT_GRACE_S, EXIT_WAIT_S, log
from stats import fmt, summary

# The second page is ready: analytics-next's ready callback ran, or totango_py's tracker is ready.
AJS_READY = "() => typeof __bench.ready === 'number'"
TAG_READY = "() => { try { return analytics.status().tracker === 'ready'; } catch (e) { return false; } }"


def exit_trial(session, variant, delay):
    server = session.server
    with session.fresh_page() as page:
        since = last_seq(server)
        session.goto(page, variant, "exit-%d.html" % delay, wait_until="commit")
        page.wait_for_url("**/p/%s/next.html" % variant, timeout=30000)
        try:
            page.wait_for_function(AJS_READY if variant == AJS else TAG_READY, timeout=40000, polling=50)
            ready = True
        except Exception:
            ready = False
        wait_activities(server, since, EXIT_WAIT_S)
        time.sleep(EXIT_GRACE_S)  # late and duplicate pixels
        data = page.evaluate(COLLECT)
        stored = page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('totango_py_queue'))"
                               ".map(k => localStorage.getItem(k)).join('') || null")
    records = server.received(since=since)
    events, dups, acts = expected_events(records)
    return {"delay_ms": delay, "next_ready": ready, "exit": data["exit"],
            "events": events, "lost": sum(1 for ok in events.values() if not ok),
            "duplicates": dups, "activities": acts, "pixels": len(records),
            "queue_left_in_storage": stored}


def section_exit(session, variants, runs, delays):
    """Each run: every delay, every variant in turn, a fresh context per trial."""
    raw = {v: {d: [] for d in delays} for v in variants}
    for run in range(1, runs + 1):
        for delay in delays:
            for variant in variants:
                result = session.guard("exit %s %d ms run %d" % (variant, delay, run),
                                       lambda: exit_trial(session, variant, delay))
                raw[variant][delay].append(result)
                left = result["exit"] or {}
                log("exit  %-14s %3d ms run %d: left at %s ms while %s, lost %d/4, duplicates %d"
                    % (variant, delay, run, fmt(left.get("at")), left.get("state"),
                       result["lost"], result["duplicates"]))
    return raw


def summarise_exit(raw):
    out = {}
    for v, per_delay in raw.items():
        out[v] = {}
        for delay, runs in per_delay.items():
            left = [r["exit"] or {} for r in runs]
            out[v][str(delay)] = {
                "lost": summary([r["lost"] for r in runs]),
                "trials": len(runs),
                "trials_with_loss": sum(1 for r in runs if r["lost"]),
                "events_lost_total": sum(r["lost"] for r in runs),
                "duplicates_total": sum(r["duplicates"] for r in runs),
                "left_while": sorted({x.get("state") or "?" for x in left}),
                "left_at_ms": summary([x.get("at") for x in left]),
                "foreign_cpu_percent": summary([r.get("foreign_cpu_percent") for r in runs]),
            }
    return out
