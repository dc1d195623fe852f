#!/usr/bin/env python3
"""Benchmark of the server client (totango_py.server) against PyPI ``totango`` 0.4.1, in the same run.

    python3 build.py bench server            # set-up, then 5 runs of each client and the burst
    .venv/bin/python bench/server.py --quick # smoke run: 1 run, fewer events, docs untouched

Both clients send the same ``track`` calls (user, account, activity, module: one
pixel each) from one caller thread to the same local receiver: the emulator's
HTTP handler in its own process, counting what it decodes. Measured per run:
events per second delivered (first call until the last pixel is answered) and
the caller's time per call (µs, median and p99); once with the receiver
answering at once, once with every answer held 20 ms, as a receiver that far
away would (the emulator's delay fault). Then one burst of 1,000,000
calls into the default bounded queue, with the process's resident memory
sampled along the way. PyPI ``totango`` is installed (with pip, from PyPI) into
a venv of its own in the temporary directory. Writes bench/results-server.json
and the server section of docs/performance.md.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from cpu import CpuWatch, wait_for_quiet  # noqa: E402
from server_ceiling import ceiling  # noqa: E402
from server_receiver import Receiver  # noqa: E402
from server_report import print_report, write_doc  # noqa: E402

PYPI_VERSION = "0.4.1"
PYPI_VENV = os.path.join(tempfile.gettempdir(), "totango_py-bench-pypi-%s" % PYPI_VERSION)
LOAD = os.path.join(HERE, "server_load.py")
RESULTS = os.path.join(HERE, "results-server.json")
FAR_S = 0.020  # a receiver 20 ms away: every answer is held that long


def log(message):
    print("[bench server] " + message, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs of each client (default 5)")
    parser.add_argument("--events", type=int, default=20000, help="totango_py calls per run (default 20,000)")
    parser.add_argument("--pypi-events", type=int, default=2000,
                        help="PyPI totango calls per run (default 2,000: each blocks for a request)")
    parser.add_argument("--burst", type=int, default=1000000, help="calls in the memory burst (default 1,000,000)")
    parser.add_argument("--far-events", type=int, default=2000,
                        help="totango_py calls per run with the receiver 20 ms away (default 2,000)")
    parser.add_argument("--far-pypi-events", type=int, default=200,
                        help="PyPI totango calls per run with the receiver 20 ms away (default 200)")
    parser.add_argument("--workers", type=int, default=16, help="totango_py worker threads (default 16, the default)")
    parser.add_argument("--wait-idle", type=float, default=300.0,
                        help="wait up to this many seconds for other processes to leave the CPU (default 300)")
    parser.add_argument("--quick", action="store_true", help="1 run, 5,000/500 events, 100,000-call burst; "
                        "writes bench/results-server-quick.json only")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.events, args.pypi_events, args.burst = 1, 5000, 500, 100000
        args.far_events, args.far_pypi_events = 500, 50
    return args


def pypi_python():
    """A venv with PyPI totango (and its requests), made once and kept in the temporary directory."""
    python = os.path.join(PYPI_VENV, "bin", "python")
    probe = [python, "-c", "import totango; assert totango.__version__ == %r" % PYPI_VERSION]
    if not os.path.exists(python) or subprocess.run(probe, capture_output=True).returncode:
        log("installing totango==%s into %s" % (PYPI_VERSION, PYPI_VENV))
        subprocess.run([sys.executable, "-m", "venv", PYPI_VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "totango==%s" % PYPI_VERSION], check=True)
    return python


def load(python, kind, receiver, events, workers):
    warm_up = 20 if receiver.delay else 200
    """Run one load in a fresh interpreter; check the receiver counted every pixel."""
    before = receiver.count()
    watch = CpuWatch()
    env = dict(os.environ, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    done = subprocess.run([python, LOAD, kind, "--url", receiver.url, "--events", str(events),
                           "--workers", str(workers), "--warm-up", str(warm_up)],
                          capture_output=True, text=True, env=env, timeout=3600)
    if done.returncode:
        sys.exit("%s load failed:\n%s" % (kind, done.stderr[-3000:]))
    result = json.loads(done.stdout)
    time.sleep(0.2)
    result["received"] = receiver.count() - before
    result["foreign_cpu_percent"] = watch.foreign_percent()
    return result


def measure(python, kind, receiver, events, workers, run):
    result = load(python, kind, receiver, events, workers)
    log("run %d %s: %.0f events/s, call %.1f µs median, %.1f µs p99 (received %d; CPU not ours: %.0f%%)"
        % (run + 1, kind, result["events_per_s"], result["call_us_median"], result["call_us_p99"],
           result["received"], result["foreign_cpu_percent"] or 0.0))
    if result["received"] != events + result["warm_up"]:
        sys.exit("%s: the receiver counted %d pixels, expected %d" % (kind, result["received"],
                                                                     events + result["warm_up"]))
    return result


def summary(runs, key):
    values = [run[key] for run in runs]
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def compare(raw):
    keys = ("events_per_s", "call_us_median", "call_us_p99")
    ours = {key: summary(raw["ours"], key) for key in keys}
    pypi = {key: summary(raw["pypi"], key) for key in keys}
    return {
        "ours": ours, "pypi": pypi,
        "foreign_cpu_percent_median": statistics.median(
            [run["foreign_cpu_percent"] or 0.0 for run in raw["ours"] + raw["pypi"]]),
        "events_per_s_ratio": ours["events_per_s"]["median"] / pypi["events_per_s"]["median"],
        "call_us_ratio": pypi["call_us_median"]["median"] / ours["call_us_median"]["median"],
    }


def summarise(raw, burst):
    samples = burst["rss_kb_samples"]
    tenth = samples[max(1, len(samples) // 10)]
    return {
        "local": compare(raw["local"]), "far": compare(raw["far"]),
        "ceiling": {"median": statistics.median(raw["ceiling"]), "min": min(raw["ceiling"]),
                    "max": max(raw["ceiling"]), "n": len(raw["ceiling"])},
        "burst": {"events": burst["events"], "call_us_mean": burst["call_us_mean"],
                  "rss_mb_start": samples[0][1] / 1024.0, "rss_mb_at_10pct": tenth[1] / 1024.0,
                  "rss_mb_end": samples[-1][1] / 1024.0, "peak_rss_mb": burst["peak_rss_kb"] / 1024.0,
                  "growth_mb_after_10pct": (max(s[1] for s in samples[len(samples) // 10:]) - tenth[1]) / 1024.0,
                  "queued": burst["events"] - burst["stats"]["dropped"], "dropped": burst["stats"]["dropped"],
                  "max_queue_size": burst["max_queue_size"], "delivered": burst["stats"]["sent"]},
    }


def main(argv=None):
    args = parse_args(argv)
    started = time.monotonic()
    pypi = pypi_python()
    quiet = wait_for_quiet(args.wait_idle)
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python3 build.py bench server" + (" --quick" if args.quick else ""),
        "settings": {"runs": args.runs, "events": args.events, "pypi_events": args.pypi_events,
                     "far_events": args.far_events, "far_pypi_events": args.far_pypi_events, "far_delay_s": FAR_S,
                     "burst": args.burst, "workers": args.workers, "quick": args.quick},
        "machine": {"cpu_count": os.cpu_count(), "python": sys.version.split()[0],
                    "load_average_at_start": os.getloadavg(), "foreign_cpu_percent_at_start": quiet},
        "versions": {"totango (PyPI)": PYPI_VERSION},
        "raw": {},
    }
    scenarios = [("local", 0.0, args.events, args.pypi_events), ("far", FAR_S, args.far_events, args.far_pypi_events)]
    for scenario, delay, events, pypi_events in scenarios:
        results["raw"][scenario] = {"ours": [], "pypi": [], "delay_s": delay}
        with Receiver(delay) as receiver:
            log("%s: receiver at %s, answers held %d ms" % (scenario, receiver.url, delay * 1000))
            for run in range(args.runs):
                order = [("ours", sys.executable, events), ("pypi", pypi, pypi_events)]
                for kind, python, count in (order if run % 2 == 0 else order[::-1]):
                    results["raw"][scenario][kind].append(measure(python, kind, receiver, count, args.workers, run))
    with Receiver() as receiver:
        log("the receiver's own ceiling …")
        results["raw"]["ceiling"] = [ceiling(receiver) for _ in range(args.runs)]
        log("the receiver's own ceiling: %.0f pixels/s" % statistics.median(results["raw"]["ceiling"]))
    with Receiver() as receiver:
        log("burst of %d calls …" % args.burst)
        burst = load(sys.executable, "burst", receiver, args.burst, args.workers)
        results["raw"]["burst"] = burst
        results["versions"]["urllib3"] = burst.get("urllib3")
    results["summary"] = summarise(results["raw"], burst)
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    out = RESULTS.replace(".json", "-quick.json") if args.quick else RESULTS
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
        handle.write("\n")
    print_report(results)
    if not args.quick:
        write_doc(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
