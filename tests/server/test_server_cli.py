"""The backfill command line, run as a user would, against the emulator's receiver."""

import gzip
import json
import subprocess
import sys

from paths import ROOT
from server_helpers import activities

GOOD_AND_BAD = [
    {"type": "identify", "userId": "u1", "traits": {"name": "Ann"}, "context": {"groupId": "acme"}},
    {"type": "group", "userId": "u1", "groupId": "acme", "traits": {"name": "Acme"}},
    "",
    {"type": "track", "userId": "u1", "event": "No account"},
    "{not json",
    {"type": "page", "userId": "u1", "category": "Billing", "name": "Invoices", "context": {"groupId": "acme"}},
    {"batch": [{"type": "track", "userId": "u2", "event": "Opened", "context": {"groupId": "acme"}},
               {"type": "alias", "userId": "u2", "previousId": "a2"}]},
    [1, 2],
    {"type": "track", "userId": "u1", "event": "Paid", "properties": {"category": "Payments"},
     "context": {"groupId": "acme"}},
]


def write_lines(path, items):
    text = "\n".join(item if isinstance(item, str) else json.dumps(item) for item in items) + "\n"
    if str(path).endswith(".gz"):
        with gzip.open(str(path), "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return str(path)


def run(*args):
    return subprocess.run([sys.executable, "-m", "totango_py.server"] + list(args), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_good_lines_are_sent_and_bad_ones_reported_by_line(receiver, tmp_path):
    events = write_lines(tmp_path / "events.jsonl", GOOD_AND_BAD)
    receiver.faults.plan({"status": 503})
    done = run("send", events, "--service-id", "SP-CLI-1", "--endpoint", receiver.url + "pixel.gif/",
               "--concurrency", "1", "--progress", "always")
    assert done.returncode == 1
    assert "events.jsonl:4: track message: context.groupId is required" in done.stderr
    assert "events.jsonl:5: not JSON" in done.stderr
    assert "events.jsonl:7[1]: alias message: Totango has no counterpart" in done.stderr
    assert "events.jsonl:8: a message must be an object (dict), got array" in done.stderr
    assert "line/s" in done.stderr and "8/8" in done.stderr and "<" in done.stderr  # count, rate, ETA
    assert done.stdout.splitlines()[0].startswith("sent 5 message(s) (6 pixel(s)) in ")
    assert "rejected 4; failed after retries 0; skipped 0" in done.stdout
    records = receiver.received()
    assert {r["service_id"] for r in records} == {"SP-CLI-1"}
    assert activities(records) == [
        ("Viewed Billing Page", "Billing", "acme", "u1"),
        ("Viewed Billing Invoices Page", "Billing", "acme", "u1"),
        ("Opened", None, "acme", "u2"),
        ("Paid", "Payments", "acme", "u1"),
    ]
    assert [r["user_name"] for r in records if not r["activity"]] == ["Ann", None]


def test_failed_messages_are_counted_and_written_for_a_rerun(receiver, tmp_path):
    events = write_lines(tmp_path / "events.jsonl.gz", [
        {"type": "track", "userId": "u%d" % n, "event": "Paid", "context": {"groupId": "acme"}} for n in range(3)])
    failed = tmp_path / "failed.jsonl"
    receiver.faults.plan({}, {"status": 400})
    done = run("send", events, "--service-id", "SP-CLI-1", "--endpoint", receiver.url + "pixel.gif/",
               "--concurrency", "1", "--failed", str(failed))
    assert done.returncode == 1
    assert "sent 2 message(s) (2 pixel(s))" in done.stdout and "failed after retries 1" in done.stdout
    assert "answered HTTP 400" in done.stdout
    assert [json.loads(line)["userId"] for line in failed.read_text().splitlines()] == ["u1"]
    assert [r["user"] for r in receiver.received()] == ["u0", "u2"]


def test_dry_run_prints_pixels_and_sends_nothing(receiver, tmp_path):
    events = write_lines(tmp_path / "events.jsonl", GOOD_AND_BAD)
    done = run("send", events, "--service-id", "SP-CLI-1", "--region", "eu1", "--dry-run")
    pixels = [line for line in done.stdout.splitlines() if line.startswith("GET ")]
    assert len(pixels) == 6
    assert all(line.startswith("GET https://sdr-eu1.totango.com/pixel.gif/?sdr_s=SP-CLI-1&") for line in pixels)
    assert "checked 5 message(s) (6 pixel(s))" in done.stdout
    assert receiver.received() == []


def test_usage_errors_are_plain(tmp_path):
    done = run("send", str(tmp_path / "missing.jsonl"), "--service-id", "SP-1")
    assert done.returncode != 0 and "missing.jsonl" in done.stderr and "Traceback" not in done.stderr
    done = run("send", "x.jsonl")
    assert done.returncode == 2 and "--service-id" in done.stderr
    done = run("send", write_lines(tmp_path / "ok.jsonl", GOOD_AND_BAD), "--service-id", "bad id!")
    assert done.returncode != 0 and "serviceId" in done.stderr and "Traceback" not in done.stderr
