"""Paths, variant names and fixed settings, shared by every part of the benchmark."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DIST_TAG = os.path.join(ROOT, "dist", "tag")
AJS_PACKAGE = os.path.join(ROOT, "node_modules", "@segment", "analytics-next")
AJS_UMD = os.path.join(AJS_PACKAGE, "dist", "umd")
RESULTS = os.path.join(HERE, "results.json")
QUICK_RESULTS = os.path.join(HERE, "results-quick.json")
DOC = os.path.join(ROOT, "docs", "performance.md")

MPY, PYO, AJS = "micropython", "pyodide", "analytics-next"
VARIANTS = [MPY, PYO, AJS]
SHORT = {MPY: "MicroPython", PYO: "Pyodide", AJS: "analytics-next"}

SERVICE_ID = "SP-BENCH-1"
COLLECTOR = "/emulator/totango4.0.3.js"
CACHE_CONTROL = "public, max-age=3600"
EXIT_DELAYS = [20, 50, 100, 250]
# A visitor's link for the "link" section: 50 ms round trip, 10 Mbit/s down, 5 Mbit/s up.
LINK = {"latency": 50, "downloadThroughput": 10e6 / 8, "uploadThroughput": 5e6 / 8}
LINK_LABEL = "50 ms RTT, 10 Mbit/s"
EXPECTED_ACTIVITIES = ["Viewed Billing Page", "Viewed Billing Invoices Page", "Paid"]

# burst: the collector is this late (the emulator sleeps before serving it), and the run's cap.
BURST_DELAY_MS = 6000
BURST_COLLECTOR = COLLECTOR + "?delay=%d" % BURST_DELAY_MS
BURST_CAP_S = 180.0  # analytics-next takes ~2 ms a call: 10,000 calls need half a minute and more
BURST_SETTLE_S = 1.0  # after the last activity: late frames and duplicate pixels

TRACK_SETTLE_S = 1.0  # long tasks are counted until ready + this
EXIT_WAIT_S = 2.0  # early exit: after the next page is ready, wait this long for the activities …
EXIT_GRACE_S = 0.75  # … then this long for late or duplicate pixels
BUSY_LIMIT = 15.0  # % of the CPU other processes may use during a run before it is measured again
REMEASURE_BUDGET = 30  # re-measurements allowed in the whole benchmark


def boot_timeout_s(variant):
    """Seconds a page load may take: Pyodide boots for seconds."""
    return 40 if variant == PYO else 20


def log(message):
    print("[bench] " + message, flush=True)
