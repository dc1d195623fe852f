#!/usr/bin/env python3
"""Benchmark of the totango_py tag against @segment/analytics-next, in real Chromium, offline.

    python3 build.py bench                      # build, then this with the defaults (7 runs)
    .venv/bin/python bench/bench.py --runs 7    # dist/ must be built
    .venv/bin/python bench/bench.py --quick     # smoke run: 2 runs, fewer calls, docs untouched
    .venv/bin/python bench/bench.py --sections burst --update   # one section again, the others kept

Three variants do the same first-line calls (identify, group, page, track) on a page
served by the local Totango emulator: totango_py on MicroPython (the default runtime),
totango_py on Pyodide, and analytics-next 1.x with a destination plugin that forwards to
the same emulator collector. The burst section puts 10,000 track() calls on the first line
before a collector 6 s late, and tells the tag's scripts from the page's and the browser's own
work by Long Animation Frames. Every request outside 127.0.0.1 goes to a dead proxy and is
counted. Writes bench/results.json (every raw figure) and docs/performance.md.
Standard library and Playwright (sync API) only.
"""

import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time

from settings import (
    AJS,
    AJS_UMD,
    BURST_CAP_S,
    BURST_DELAY_MS,
    CACHE_CONTROL,
    DIST_TAG,
    EXIT_DELAYS,
    LINK,
    MPY,
    PYO,
    QUICK_RESULTS,
    RESULTS,
    ROOT,
    TRACK_SETTLE_S,
    VARIANTS,
    log,
)

sys.path.insert(1, ROOT)

from boot_profile import section_profile, summarise_profile  # noqa: E402
from browser import Session, launch_kwargs  # noqa: E402
from burst import section_burst, summarise_burst  # noqa: E402
from calls import section_calls, summarise_calls  # noqa: E402
from cpu import Guard, wait_for_quiet  # noqa: E402
from early_exit import section_exit, summarise_exit  # noqa: E402
from emulator.server import EmulatorServer  # noqa: E402
from environment import machine_info, package_versions  # noqa: E402
from loads import section_cold, section_link, section_warm, summarise_loads  # noqa: E402
from pages import build_site  # noqa: E402
from report import print_report, write_doc  # noqa: E402
from stats import fmt  # noqa: E402
from targets import targets  # noqa: E402


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7, help="runs per figure (default 7)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 2 runs, 2,000 calls, 1 early-exit trial per delay, 1 burst of 2,000; "
                         "writes bench/results-quick.json only")
    ap.add_argument("--calls", type=int, default=None, help="track() calls in the per-call test (default 10,000)")
    ap.add_argument("--exit-runs", type=int, default=None, help="trials per early-exit delay (default: --runs)")
    ap.add_argument("--profile-runs", type=int, default=None,
                    help="runs of the boot profile's per-module import timing (default 3)")
    ap.add_argument("--ajs-calls", type=int, default=None,
                    help="analytics-next's calls in the per-call test (default 1,000: each takes ~2 ms)")
    ap.add_argument("--ajs-cap", type=float, default=10.0, help="seconds analytics-next gets to process the calls")
    ap.add_argument("--burst-calls", type=int, default=None,
                    help="track() calls in the burst before a late collector (default 10,000)")
    ap.add_argument("--burst-runs", type=int, default=None, help="runs of the burst (default 3: each takes long)")
    ap.add_argument("--burst-cap", type=float, default=BURST_CAP_S,
                    help="seconds from navigation a burst run may take to deliver (default %d)" % BURST_CAP_S)
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma list of: " + ", ".join(VARIANTS))
    ap.add_argument("--sections", default="cold,link,warm,calls,exit,profile,burst",
                    help="comma list of sections to run")
    ap.add_argument("--update", action="store_true",
                    help="keep the sections not run now from bench/results.json (same build, a partial rerun)")
    ap.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    ap.add_argument("--from-results", action="store_true",
                    help="measure nothing: print the table and rewrite docs/performance.md from bench/results.json")
    ap.add_argument("--wait-idle", type=float, default=300.0,
                    help="wait up to this many seconds for other processes to leave the CPU before starting")
    args = ap.parse_args(argv)
    args.variants = [v for v in args.variants.split(",") if v]
    args.sections = [x for x in args.sections.split(",") if x]
    for v in args.variants:
        if v not in VARIANTS:
            ap.error("unknown variant %r" % v)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.quick and args.runs == 7:
        args.runs = 2
    args.calls = args.calls or (2000 if args.quick else 10000)
    args.ajs_calls = args.ajs_calls or (200 if args.quick else 1000)
    args.exit_runs = args.exit_runs or (1 if args.quick else args.runs)
    args.profile_runs = args.profile_runs or (1 if args.quick else 3)
    args.burst_calls = args.burst_calls or (2000 if args.quick else 10000)
    args.burst_runs = args.burst_runs or (1 if args.quick else 3)
    return args


def check_ready(args):
    """Exit with what to do when dist/, analytics-next or Playwright is missing."""
    if not os.path.exists(os.path.join(DIST_TAG, "files.json")):
        sys.exit("dist/ is not built: run `python3 build.py` (or `python3 build.py bench`)")
    if AJS in args.variants and not os.path.exists(os.path.join(AJS_UMD, "index.js")):
        sys.exit("node_modules/@segment/analytics-next is missing: run `npm ci`")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        sys.exit("playwright is missing: run with .venv/bin/python (python3 build.py bench sets it up)")


def quiet_disconnects(server):
    """A page closed while its pixel was answered is normal here: no traceback for that."""
    httpd = server._httpd
    original = httpd.handle_error

    def handle_error(request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            original(request, client_address)

    httpd.handle_error = handle_error


def measure(args, results, server, guard, workdir):
    """Run the chosen sections; raw figures and summaries go into ``results``."""
    from playwright.sync_api import sync_playwright

    raw, summary, variants, sections = results["raw"], results["summary"], args.variants, args.sections
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_kwargs())
        results["browser"] = "Chromium " + browser.version
        session = Session(pw, browser, server, guard, workdir)
        try:
            if "cold" in sections:
                log("cold loads …")
                raw["cold"] = section_cold(session, variants, args.runs)
                summary["cold"] = summarise_loads(raw["cold"])
            if "link" in sections:
                log("cold loads over an emulated link …")
                raw["link"] = section_link(session, variants, args.runs, LINK)
                summary["link"] = summarise_loads(raw["link"])
            if "calls" in sections:
                log("per-call cost …")
                raw["calls"] = section_calls(session, variants, args.runs, args.calls, args.ajs_calls, args.ajs_cap)
                summary["calls"] = summarise_calls(raw["calls"])
            if "exit" in sections:
                log("early exit …")
                raw["exit"] = section_exit(session, variants, args.exit_runs, EXIT_DELAYS)
                summary["exit"] = summarise_exit(raw["exit"])
            if "burst" in sections:
                log("burst before a late collector …")
                raw["burst"] = section_burst(session, variants, args.burst_runs, args.burst_calls, args.burst_cap)
                summary["burst"] = summarise_burst(raw["burst"])
            if "profile" in sections and (MPY in variants or PYO in variants):
                log("boot profile …")
                raw["profile"] = section_profile(session, variants, args.profile_runs)
        finally:
            browser.close()
        if "warm" in sections:
            log("warm loads …")
            raw["warm"] = section_warm(session, variants, args.runs)
            summary["warm"] = summarise_loads(raw["warm"])
    if raw.get("profile") or raw.get("cold"):
        summary["profile"] = summarise_profile(raw.get("profile"), raw.get("cold"))
    return session.outside.urls


def main(argv=None):
    args = parse_args(argv)
    if args.from_results:
        with open(RESULTS, encoding="utf-8") as handle:
            results = json.load(handle)
        print_report(results, RESULTS)
        if not args.no_docs:
            write_doc(results)
        return 0
    check_ready(args)

    guard = Guard()
    quiet = wait_for_quiet(args.wait_idle)
    started = time.monotonic()
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python3 build.py bench",
        "argv": sys.argv[1:] if argv is None else list(argv),
        "settings": {"runs": args.runs, "calls": args.calls, "ajs_calls": args.ajs_calls,
                     "exit_runs": args.exit_runs, "exit_delays": EXIT_DELAYS, "profile_runs": args.profile_runs,
                     "burst_calls": args.burst_calls, "burst_runs": args.burst_runs, "burst_cap_s": args.burst_cap,
                     "burst_collector_delay_ms": BURST_DELAY_MS,
                     "variants": args.variants, "sections": args.sections, "quick": args.quick,
                     "ajs_cap_s": args.ajs_cap, "cache_control": CACHE_CONTROL,
                     "long_tasks_until": "ready + %d ms" % (TRACK_SETTLE_S * 1000),
                     "foreign_cpu_percent_before_start": quiet},
        "machine": machine_info(),
        "versions": package_versions(),
        "raw": {}, "summary": {},
    }
    workdir = tempfile.mkdtemp(prefix="totango-bench-")
    site = os.path.join(workdir, "site")
    os.makedirs(site)
    build_site(site, args.burst_calls)
    server = EmulatorServer(site, host="127.0.0.1", port=0, cache_control=CACHE_CONTROL).start()
    quiet_disconnects(server)
    log("serving %s at %s; %d runs, %s calls, sections %s"
        % (site, server.url, args.runs, fmt(args.calls), ",".join(args.sections)))
    try:
        outside = measure(args, results, server, guard, workdir)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    if args.update and os.path.exists(RESULTS):
        with open(RESULTS, encoding="utf-8") as handle:
            previous = json.load(handle)
        for part in ("raw", "summary"):
            for section, value in previous.get(part, {}).items():
                results[part].setdefault(section, value)
        results["settings"]["sections"] = sorted(set(results["settings"]["sections"])
                                                 | set(previous["settings"]["sections"]))
        results["settings"]["updated_from"] = previous["date"]
        results["argv_sections"] = args.sections
        outside = outside + previous.get("outside_requests", [])
    results["outside_requests"] = outside
    results["remeasured_runs"] = guard.remeasured
    results["targets"] = targets(results["summary"])
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    out_path = QUICK_RESULTS if args.quick else RESULTS
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
        handle.write("\n")
    print_report(results, out_path)
    if not args.quick and not args.no_docs:
        write_doc(results)
    return 1 if outside else 0


if __name__ == "__main__":
    sys.exit(main())
