"""One measured load of the server benchmark, run in a fresh interpreter; prints one JSON object.

    python bench/server_load.py ours --url URL --events 20000 [--workers 8]
    python bench/server_load.py pypi --url URL --events 2000     # in a venv with PyPI totango
    python bench/server_load.py burst --url URL --events 1000000  # memory under a burst

Both clients do the same work: ``track`` calls naming a user, an account, an
activity and a module, one pixel each, from one caller thread. Standard
library plus the client under test only, so it runs in either venv.
"""

import argparse
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
USERS = ["user-%d" % n for n in range(100)]
ACCOUNTS = ["account-%d" % n for n in range(10)]
EVENTS = ["Event %d" % n for n in range(10)]
MODULE = "Billing"


def rss_kb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def peak_rss_kb():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def percentile(sorted_values, share):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * share))]


def timed_calls(call, events):
    """Per-call wall time in µs of ``call(n)`` for n in range(events), and the total seconds."""
    clock = time.perf_counter_ns
    spent = [0] * events
    started = time.perf_counter()
    for n in range(events):
        before = clock()
        call(n)
        spent[n] = clock() - before
    return spent, time.perf_counter() - started


def summary(spent_ns, calls_s, delivered_s, events):
    spent = sorted(spent_ns)
    return {"events": events, "calls_s": calls_s, "delivered_s": delivered_s,
            "events_per_s": events / delivered_s,
            "call_us_median": statistics.median(spent) / 1000.0,
            "call_us_p99": percentile(spent, 0.99) / 1000.0,
            "call_us_mean": sum(spent) / len(spent) / 1000.0}


def ours(args):
    sys.path.insert(0, ROOT)
    from totango_py.server import Client

    client = Client("SP-BENCH-1", endpoint=args.url, workers=args.workers, max_queue_size=args.events + args.warm_up)
    properties = {"category": MODULE}
    contexts = [{"groupId": account} for account in ACCOUNTS]
    track = client.track

    def call(n):
        track(USERS[n % 100], EVENTS[n % 10], properties, context=contexts[n % 10])

    for n in range(args.warm_up):
        call(n)
    client.flush()
    started = time.perf_counter()
    spent, calls_s = timed_calls(call, args.events)
    client.flush()
    delivered_s = time.perf_counter() - started
    result = summary(spent, calls_s, delivered_s, args.events)
    result.update(workers=args.workers, stats=dict(client.stats), warm_up=args.warm_up)
    client.shutdown()
    return result


def pypi(args):
    import totango

    tracker = totango.Totango("SP-BENCH-1")
    tracker.url = args.url  # the client's only way to choose the receiver

    def call(n):
        tracker.track(MODULE, EVENTS[n % 10], user_id=USERS[n % 100], account_id=ACCOUNTS[n % 10])

    for n in range(args.warm_up):
        call(n)
    spent, calls_s = timed_calls(call, args.events)
    result = summary(spent, calls_s, calls_s, args.events)
    result.update(version=totango.__version__, warm_up=args.warm_up)
    return result


def burst(args):
    """As many calls as the caller can make, far more than the queue holds: memory must stay flat."""
    sys.path.insert(0, ROOT)
    import urllib3

    from totango_py.server import Client

    dropped = [0]
    client = Client("SP-BENCH-1", endpoint=args.url, workers=args.workers,
                    on_error=lambda error, message: dropped.__setitem__(0, dropped[0] + 1))
    properties = {"category": MODULE}
    contexts = [{"groupId": account} for account in ACCOUNTS]
    track = client.track
    for n in range(args.warm_up):
        track(USERS[n % 100], EVENTS[n % 10], properties, context=contexts[n % 10])
    client.flush()
    samples = [(0, rss_kb())]
    step = max(1, args.events // 20)
    started = time.perf_counter()
    for n in range(args.events):
        track(USERS[n % 100], EVENTS[n % 10], properties, context=contexts[n % 10])
        if n % step == step - 1:
            samples.append((n + 1, rss_kb()))
    calls_s = time.perf_counter() - started
    client.flush()
    result = {"events": args.events, "calls_s": calls_s, "call_us_mean": calls_s / args.events * 1e6,
              "max_queue_size": client.max_queue_size, "workers": args.workers,
              "rss_kb_samples": samples, "rss_kb_after_flush": rss_kb(), "peak_rss_kb": peak_rss_kb(),
              "stats": dict(client.stats), "on_error_calls": dropped[0], "urllib3": urllib3.__version__}
    client.shutdown()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["ours", "pypi", "burst"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--warm-up", type=int, default=200, help="calls before measuring (connections open)")
    args = parser.parse_args()
    print(json.dumps({"ours": ours, "pypi": pypi, "burst": burst}[args.kind](args)))


if __name__ == "__main__":
    main()
