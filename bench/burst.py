"""A burst before a late collector: identify, group and N track() calls on the page's first line,
the collector script 6 s late; what reaches the receiver, when, and who held the main thread.

Long Animation Frames, observed from the page's first line, tell the tag's scripts from the page's
own loop (its inline script) and from the browser's own work (a frame with no script in it: the
pixel requests, garbage collection), so a stall is not blamed on the wrong party.

The tag's scripts are its files' (totango_py's /tag/…, analytics-next's bundles) and the callbacks
of its inline snippet: a script's onload or a timer defined there carries the page's URL, but it is
the tag at work (analytics-next's loader replays the queue there, its destination plugin flushes
the held commands into the collector there), so it is counted with the tag, not with the page.
"""

import time

from loads import path_of
from receiver import last_seq
from settings import AJS, BURST_SETTLE_S, COLLECTOR, log
from stats import fmt, summarise

SUMMARY_KEYS = ["delivered", "last_activity_ms", "collector_ready_ms", "tag_script_max_ms", "tag_file_script_max_ms",
                "snippet_script_max_ms", "page_loop_ms", "frame_max_ms", "no_script_blocking_ms", "no_script_frames",
                "blocking_total_ms", "storage_chars_per_waiting_call", "foreign_cpu_percent"]

# Where each tag's own scripts are served from: totango_py's dist/tag, analytics-next's UMD bundles.
TAG_PATHS = ("/tag/", "/analytics-next/")
USER = {"user_name": "Ann", "email": "ann@acme.example"}

# What the page knows at the end: its frames, the collector's pixels, totango_py's status.
STATE = """() => {
  const B = window.__bench || {};
  let st = null;
  try { if (window.analytics && window.analytics.status) st = window.analytics.status(); } catch (e) {}
  return {timeOrigin: performance.timeOrigin, now: performance.now(), loaf: B.loaf || [],
    loafError: B.loafError || null, marks: B.marks || {},
    sent: (window.__totango_emulator_sent || []).length,
    status: st && {tracker: st.tracker, delivered: st.delivered, dropped_count: st.dropped_count,
                   waiting_count: st.waiting_count}};
}"""


# While the collector is late, once every call waits: the characters its outbox takes in
# localStorage, per waiting call (totango_py only; analytics-next keeps its queue in memory).
WAITING = """() => {
  let st = null;
  try { st = window.analytics.status(); } catch (e) { return null; }
  if (!st || st.tracker !== 'loading' || !(st.waiting_count > 0)) return null;
  let chars = 0, keys = 0;
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key.indexOf('totango_py_outbox') === 0) { chars += key.length + localStorage.getItem(key).length; keys++; }
  }
  return {waiting: st.waiting_count, merged: st.merged, chars: chars, keys: keys, at: performance.now()};
}"""


def waiting_cost(page, calls, deadline):
    """Storage taken by the waiting calls once all are handled (None if the collector came first)."""
    seen = None
    while time.monotonic() < deadline:
        now = page.evaluate(WAITING)
        if now is None and seen is not None:
            return None  # the collector arrived before every call was handled
        seen = now or seen
        if now is not None and now["waiting"] + now["merged"] >= calls + 2:
            return dict(now, chars_per_call=now["chars"] / float(now["waiting"]))
        time.sleep(0.05)
    return None


def is_burst(record):
    return (record["activity"] or "").startswith("Burst ")


def sent_order(record):
    """The collector numbers its pixels (``_r`` = time.counter): the order the page sent them,
    which pixels sent at once over parallel connections need not keep on arrival."""
    return int(record["params"].get("_r", "0.0").split(".")[-1])


def burst_activities(records):
    """The burst's activity names, in the order the collector sent them."""
    return [r["activity"] for r in sorted(records, key=sent_order) if is_burst(r)]


def identified(records):
    """The user's traits reached the receiver (the collector sends them with the account)."""
    return any(r.get("user_name") == USER["user_name"]
               and (r.get("user_attributes") or {}).get("email") == USER["email"] for r in records)


def wait_burst(server, since, calls, deadline):
    """Poll the receiver until every activity and the user's traits arrived, or the deadline; the pixels."""
    while True:
        records = server.received(since=since)
        done = len({r["activity"] for r in records if is_burst(r)}) >= calls and identified(records)
        if done or time.monotonic() > deadline:
            return records
        time.sleep(0.25)


def owner(url, page_path):
    """Whose script a frame's script is: the tag's, the page's (inline), the collector's, or other."""
    path = path_of(url).split("?")[0] if url else ""
    if path.startswith(TAG_PATHS):
        return "tag"
    if path == page_path:
        return "page"
    return "collector" if path == COLLECTOR else "other"


def longest(scripts):
    return max([s["duration"] for s in scripts] or [0])


def frame_figures(frames, page_path):
    """Longest tag script, the page's loop, the inline snippet's callbacks, longest frame, blocking.

    The page's inline scripts as they run (the loop of calls) are the page's, not the tag's; callbacks
    defined in the inline snippet carry the page's URL too, and are the tag's (see above)."""
    scripts = [dict(s, owner=owner(s["url"], page_path)) for f in frames for s in f["scripts"]]
    page = [s for s in scripts if s["owner"] == "page"]
    files = [s for s in scripts if s["owner"] == "tag"]
    snippet = [s for s in page if s["type"] != "classic-script"]
    bare = [f for f in frames if not f["scripts"]]
    return {
        "frames": len(frames),
        "tag_script_max_ms": longest(files + snippet),
        "tag_file_script_max_ms": longest(files),
        "snippet_script_max_ms": longest(snippet),
        "page_loop_ms": longest([s for s in page if s["type"] == "classic-script"]),
        "other_script_max_ms": longest([s for s in scripts if s["owner"] in ("collector", "other")]),
        "frame_max_ms": max([f["duration"] for f in frames] or [0]),
        "blocking_total_ms": sum(f["blocking"] for f in frames),
        "no_script_frames": len(bare),
        "no_script_blocking_ms": sum(f["blocking"] for f in bare),
        "no_script_frame_max_ms": max([f["duration"] for f in bare] or [0]),
        "longest_scripts": sorted(scripts, key=lambda s: -s["duration"])[:10],
    }


def burst_trial(session, variant, calls, cap_s):
    """One fresh page: the burst, then until the receiver has it all (or the cap from navigation)."""
    server = session.server
    with session.fresh_page() as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        since = last_seq(server)
        deadline = time.monotonic() + cap_s
        session.goto(page, variant, "burst.html", wait_until="commit")
        waiting = waiting_cost(page, calls, deadline) if variant != AJS else None
        records = wait_burst(server, since, calls, deadline)
        time.sleep(BURST_SETTLE_S)  # the last frames are reported, late duplicates arrive
        data = page.evaluate(STATE)
    records = server.received(since=since)
    acts = burst_activities(records)
    expected = ["Burst %d" % n for n in range(calls)]
    times = [r["time"] for r in records if is_burst(r)]
    result = {
        "calls": calls,
        "delivered": len(set(acts) & set(expected)),
        "duplicates": len(acts) - len(set(acts)),
        "in_order": acts == expected,
        "arrived_in_order": [r["activity"] for r in records if is_burst(r)] == expected,
        "identified": identified(records),
        "account_named": any(r.get("account_name") == "Acme" for r in records),
        "pixels": len(records),
        "sent_by_collector": data["sent"],
        "last_activity_ms": (max(times) - data["timeOrigin"]) if len(set(acts)) >= calls else None,
        "last_pixel_so_far_ms": (max(times) - data["timeOrigin"]) if times else None,
        "collector_ready_ms": data["marks"].get("collectorReady"),
        "status": data["status"],
        "waiting": waiting,
        "storage_chars_per_waiting_call": waiting and waiting["chars_per_call"],
        "loaf_error": data["loafError"],
        "page_errors": errors,
    }
    result.update(frame_figures(data["loaf"], "/p/%s/burst.html" % variant))
    result["frames_raw"] = [f for f in data["loaf"] if f["duration"] >= 100 or f["scripts"] == []][:200]
    return result


def log_burst(variant, run, r):
    log("burst %-14s run %d: %d/%d activities%s%s, user %s, last at %s ms; tag script max %s ms, page loop %s ms,"
        " longest frame %s ms, frames with no script %d (%s ms blocking)"
        % (variant, run, r["delivered"], r["calls"], " in order" if r["in_order"] else " OUT OF ORDER",
           (", %d duplicated" % r["duplicates"]) if r["duplicates"] else "", "yes" if r["identified"] else "NO",
           fmt(r["last_activity_ms"] or r["last_pixel_so_far_ms"]), fmt(r["tag_script_max_ms"]),
           fmt(r["page_loop_ms"]), fmt(r["frame_max_ms"]), r["no_script_frames"], fmt(r["no_script_blocking_ms"])))
    if r["page_errors"] or r["loaf_error"]:
        log("!! burst %s: page errors %s, observer %s" % (variant, r["page_errors"][:3], r["loaf_error"]))


def section_burst(session, variants, runs, calls, cap_s):
    """Each run: every variant in turn, in a fresh context."""
    raw = {v: [] for v in variants}
    for run in range(1, runs + 1):
        for variant in variants:
            result = session.guard("burst %s run %d" % (variant, run),
                                   lambda: burst_trial(session, variant, calls, cap_s))
            raw[variant].append(result)
            log_burst(variant, run, result)
    return raw


def summarise_burst(raw):
    out = {}
    for v, runs in raw.items():
        out[v] = summarise(runs, SUMMARY_KEYS)
        out[v]["runs"] = len(runs)
        out[v]["all_delivered"] = all(r["delivered"] == r["calls"] for r in runs)
        out[v]["runs_in_order"] = sum(1 for r in runs if r["in_order"])
        out[v]["runs_arrived_in_order"] = sum(1 for r in runs if r["arrived_in_order"])
        out[v]["runs_identified"] = sum(1 for r in runs if r["identified"])
        out[v]["runs_complete"] = sum(1 for r in runs if r["in_order"] and r["identified"])
        out[v]["duplicates_total"] = sum(r["duplicates"] for r in runs)
        out[v]["page_errors_total"] = sum(len(r["page_errors"]) for r in runs)
    return out
