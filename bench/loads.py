"""Cold and warm page loads: nav → ready / first pixel / all activities, long tasks, tag bytes."""

import statistics
import time

from browser import COLLECT
from receiver import last_seq, wait_activities, workload_activities
from settings import AJS, COLLECTOR, EXPECTED_ACTIVITIES, TRACK_SETTLE_S, boot_timeout_s, log
from stats import fmt, summarise

SUMMARY_KEYS = ["ready_ms", "first_pixel_ms", "first_pixel_page_ms", "all_activities_ms", "long_task_total_ms",
                "long_task_max_ms", "main_thread_ms", "tag_main_thread_ms", "tag_wire_bytes_gzip", "tag_requests",
                "tag_wire_bytes", "tag_transfer_bytes_rt",
                "tag_body_bytes_rt", "tag_decoded_bytes_rt", "foreign_cpu_percent"]


def path_of(url):
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def is_tag_request(url):
    """Every request of the page except the document, the collector and the pixels."""
    path = path_of(url).split("?")[0]
    return not (path.startswith(("/p/", "/pixel.gif", "/eu1/pixel.gif", "/__totango")) or path == COLLECTOR)


def ready_ms(variant, data):
    if variant == AJS:
        return data["ready"]
    return ((data.get("status") or {}).get("times") or {}).get("pythonReady")


def watch(page):
    """A DevTools session on ``page`` counting each response's bytes as received (headers and
    body: Playwright's requestfinished can miss a preloaded one) and the main thread's task time."""
    cdp = page.context.new_cdp_session(page)
    seen = {"urls": {}, "received": []}
    cdp.on("Network.responseReceived", lambda e: seen["urls"].__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: seen["received"].append((e["requestId"], e["encodedDataLength"])))
    cdp.send("Network.enable")
    cdp.send("Performance.enable")
    seen["cdp"] = cdp
    return seen


def main_thread_ms(seen):
    """Time the page's main thread spent in tasks so far (DevTools Performance.getMetrics)."""
    metrics = {m["name"]: m["value"] for m in seen["cdp"].send("Performance.getMetrics")["metrics"]}
    return metrics.get("TaskDuration", 0) * 1000


# Resource Timing inside a page's Web Worker (Pyodide's, web/tag/worker.js): its fetches are
# not the page's, so neither the page's DevTools session nor its Resource Timing sees them.
WORKER_RESOURCES = """() => performance.getEntriesByType('resource').map(r => ({
    name: r.name, transfer: r.transferSize, encoded: r.encodedBodySize, decoded: r.decodedBodySize}))"""


def worker_resources(page):
    found = []
    for worker in page.workers:
        try:
            found += worker.evaluate(WORKER_RESOURCES)
        except Exception as error:  # a worker that has ended
            log("!! a worker's resources could not be read: %s" % str(error)[:100])
    return found


def wire_bytes(seen):
    """Bytes of the tag's responses as received (headers and body)."""
    wire = [{"url": path_of(seen["urls"].get(rid, "")), "bytes": size} for rid, size in seen["received"]
            if rid in seen["urls"] and is_tag_request(seen["urls"][rid])]
    return {"tag_wire": wire, "tag_wire_bytes": sum(w["bytes"] for w in wire)}


def load_measure(session, context, variant, link=None):
    """Open boot.html in a new tab of ``context`` and measure its load (over an emulated
    ``link``: DevTools network conditions, when given)."""
    server, timeout_s = session.server, boot_timeout_s(variant)
    page = context.new_page()
    errors = []
    seen = watch(page)
    if link:
        seen["cdp"].send("Network.emulateNetworkConditions", dict(link, offline=False))
    page.on("pageerror", lambda e: errors.append(str(e)))
    since = last_seq(server)
    session.goto(page, variant, "boot.html", wait_until="commit")
    wait_activities(server, since, timeout_s)
    # Long tasks are counted until ready + 1 s of page time.
    data = page.evaluate(COLLECT)
    ready = ready_ms(variant, data)
    if ready is not None:
        wait_left = (ready + TRACK_SETTLE_S * 1000 - data["now"]) / 1000.0
        if wait_left > 0:
            time.sleep(min(wait_left, timeout_s))
        data = page.evaluate(COLLECT)
    busy_ms = main_thread_ms(seen)
    records = server.received(since=since)
    origin = data["timeOrigin"]
    pixel_times = sorted(r["time"] - origin for r in records)
    acts = {}
    for r in workload_activities(records):
        acts.setdefault(r["activity"], r["time"] - origin)
    limit = (ready if ready is not None else data["now"]) + TRACK_SETTLE_S * 1000
    tasks = [t for t in data["lt"] if t[0] < limit]
    in_worker = [r for r in worker_resources(page) if is_tag_request(r["name"])]
    tag_res = [r for r in data["resources"] if is_tag_request(r["name"])] + in_worker
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
        "main_thread_ms": busy_ms,
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
    result.update(wire_bytes(seen))
    # What the page's DevTools session does not see: the worker's fetches (the worker's Resource
    # Timing) and the worker's own script (the page's).
    seen_paths = [w["url"] for w in result["tag_wire"]]
    unseen = [r for r in data["resources"] if is_tag_request(r["name"]) and path_of(r["name"]) not in seen_paths]
    extra = in_worker + unseen
    result["tag_wire"] += [{"url": path_of(r["name"]), "bytes": r["transfer"], "worker": True} for r in extra]
    result["tag_wire_bytes"] += sum(r["transfer"] for r in extra)
    page.close()
    return result


def log_load(section, variant, run, result, more):
    log("%s %-14s run %d: ready %s ms, first pixel %s ms, %s"
        % (section, variant, run, fmt(result["ready_ms"]), fmt(result["first_pixel_ms"]), more))


def blank_main_thread_ms(session):
    """Main-thread task time of the same page with no tag at all (subtracted from each variant's)."""
    with session.fresh_context() as context:
        page = context.new_page()
        seen = watch(page)
        session.goto(page, "none", "boot.html")
        time.sleep(TRACK_SETTLE_S)
        return main_thread_ms(seen)


def section_cold(session, variants, runs):
    """Fresh context (empty profile, empty HTTP cache) per run; variants interleaved. Then one
    more load per variant with the host serving gzip only, for the tag's bytes with gzip."""
    raw = {v: [] for v in variants}
    blank = []
    for run in range(runs + 1):  # run 0 warms the OS and browser binary; it is discarded
        for variant in variants:
            def measure():
                with session.fresh_context() as context:
                    return load_measure(session, context, variant)
            if run == 0:
                measure()
                continue
            result = session.guard("cold %s run %d" % (variant, run), measure)
            raw[variant].append(result)
            log_load("cold", variant, run, result, "long tasks %s ms, main thread %s ms, %s B"
                     % (fmt(result["long_task_total_ms"]), fmt(result["main_thread_ms"]),
                        fmt(result["tag_wire_bytes"])))
        if run:
            blank.append(blank_main_thread_ms(session))
    page_alone = statistics.median(blank)
    for variant in variants:
        for result in raw[variant]:
            result["page_alone_main_thread_ms"] = page_alone
            result["tag_main_thread_ms"] = max(0.0, result["main_thread_ms"] - page_alone)
    session.server.serve_encodings(["gzip"])
    try:
        for variant in variants:
            with session.fresh_context() as context:
                result = load_measure(session, context, variant)
            for entry in raw[variant]:
                entry["tag_wire_bytes_gzip"] = result["tag_wire_bytes"]
            log("cold %-14s gzip only: %s B" % (variant, fmt(result["tag_wire_bytes"])))
    finally:
        session.server.serve_encodings(None)
    return raw


def section_link(session, variants, runs, link):
    """Cold loads as above, each over the emulated ``link`` (latency and throughput)."""
    raw = {v: [] for v in variants}
    for run in range(runs + 1):
        for variant in variants:
            def measure():
                with session.fresh_context() as context:
                    return load_measure(session, context, variant, link)
            if run == 0:
                measure()
                continue
            result = session.guard("link %s run %d" % (variant, run), measure)
            raw[variant].append(result)
            log_load("link", variant, run, result, "")
    return raw


def section_warm(session, variants, runs):
    """One persistent profile per variant, HTTP cache on; first load discarded, a new tab per run."""
    raw = {v: [] for v in variants}
    for variant in variants:
        with session.persistent_context("warm-" + variant) as context:
            load_measure(session, context, variant)  # fills the cache
            for run in range(1, runs + 1):
                result = session.guard("warm %s run %d" % (variant, run),
                                       lambda: load_measure(session, context, variant))
                raw[variant].append(result)
                log_load("warm", variant, run, result, "transferred %s B" % fmt(result["tag_transfer_bytes_rt"]))
    return raw


def summarise_loads(raw):
    return {v: summarise(runs, SUMMARY_KEYS) for v, runs in raw.items()}
