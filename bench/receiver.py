"""What the emulator's pixel receiver got: the ground truth of every measurement (never the page)."""

import time

from settings import EXPECTED_ACTIVITIES


def last_seq(server):
    """Sequence number of the last pixel so far: pass it as ``since`` to see only newer ones."""
    records = server.received()
    return records[-1]["seq"] if records else 0


def workload_activities(records):
    return [r for r in records if r["activity"] in EXPECTED_ACTIVITIES]


def wait_activities(server, since, deadline_s):
    """Poll the receiver until the workload's activities arrived, or the deadline; the pixels since."""
    end = time.monotonic() + deadline_s
    while True:
        records = server.received(since=since)
        got = {r["activity"] for r in workload_activities(records)}
        if len(got) >= len(EXPECTED_ACTIVITIES) or time.monotonic() > end:
            return records
        time.sleep(0.02)


def expected_events(records):
    """Which of the four workload calls reached the receiver, and duplicated activity pixels."""
    acts = [r["activity"] for r in workload_activities(records)]
    events = {
        "identify": any(r.get("user_name") == "Ann" for r in records),
        "group": any(r.get("account_name") == "Acme" for r in records),
        "page": "Viewed Billing Page" in acts and "Viewed Billing Invoices Page" in acts,
        "track": "Paid" in acts,
    }
    dups = sum(acts.count(a) - 1 for a in set(acts))
    return events, dups, acts
