"""Delivery by the server client over real HTTP, with faults planned at the emulator's receiver."""

import os
import subprocess
import sys
import time

from paths import ROOT
from server_helpers import ACME, Errors, activities, dead_endpoint, make_client, wait_records
from totango_py.server import Client, DeliveryError, QueueFullError


def attempts(receiver):
    return [a["action"] for a in receiver.faults.attempts]


def test_500_then_200_is_retried_and_delivered_once(receiver):
    errors = Errors()
    client = make_client(receiver, on_error=errors)
    receiver.faults.plan({"status": 500}, {"status": 502})
    client.track("u1", "Paid", context=ACME)
    assert client.flush(10)
    assert activities(receiver.received()) == [("Paid", None, "acme", "u1")]
    assert attempts(receiver) == [{"status": 500}, {"status": 502}, None]
    assert errors.seen == [] and client.stats["sent"] == 1
    client.shutdown()


def test_429_waits_for_retry_after(receiver):
    client = make_client(receiver)
    receiver.faults.plan({"status": 429, "retry_after": 1})
    client.track("u1", "Paid", context=ACME)
    assert client.flush(10)
    first, second = receiver.faults.attempts
    assert first["action"] == {"status": 429, "retry_after": 1} and second["action"] is None
    # The backoff here is 10 ms: only Retry-After explains a wait of a second.
    assert second["time"] - first["time"] >= 0.95
    assert len(receiver.received()) == 1
    client.shutdown()


def test_dropped_connection_is_retried(receiver):
    client = make_client(receiver)
    receiver.faults.plan({"drop": True})
    client.track("u1", "Paid", context=ACME)
    assert client.flush(10)
    assert attempts(receiver) == [{"drop": True}, None]
    assert len(receiver.received()) == 1
    client.shutdown()


def test_other_4xx_is_not_retried(receiver):
    errors = Errors()
    client = make_client(receiver, on_error=errors)
    receiver.faults.plan({"status": 400})
    message = {"type": "track", "userId": "u1", "event": "Paid", "context": ACME}
    client.send(message)
    assert client.flush(10)
    assert attempts(receiver) == [{"status": 400}]
    [(error, given)] = errors.seen
    assert isinstance(error, DeliveryError) and error.status == 400 and given is message
    assert receiver.received() == [] and client.stats["failed"] == 1
    client.shutdown()


def test_server_errors_past_the_retry_budget_go_to_on_error(receiver):
    errors = Errors()
    client = make_client(receiver, retries=2, on_error=errors)
    receiver.faults.always({"status": 503})
    client.track("u1", "Paid", context=ACME)
    assert client.flush(10)
    assert attempts(receiver) == [{"status": 503}] * 3
    [(error, message)] = errors.seen
    assert isinstance(error, DeliveryError) and "503" in str(error) and message["event"] == "Paid"
    client.shutdown()


def test_receiver_down_retries_then_on_error():
    errors = Errors()
    client = Client("SP-1", endpoint=dead_endpoint(), retries=3, backoff_factor=0.01, backoff_jitter=0.0,
                    on_error=errors)
    for n in range(3):
        client.track("u1", "Paid %d" % n, context=ACME)
    assert client.flush(20)
    assert len(errors.seen) == 3
    assert all(isinstance(e, DeliveryError) and "gave up" in str(e) for e, _ in errors.seen)
    assert client.stats == {"sent": 0, "failed": 3, "dropped": 0, "skipped": 0}
    client.shutdown()


def test_full_queue_drops_with_on_error_and_never_blocks_the_caller(receiver):
    errors = Errors()
    client = make_client(receiver, workers=1, max_queue_size=3, on_error=errors)
    receiver.faults.plan({"delay": 2.0})
    client.track("u1", "First", context=ACME)
    deadline = time.monotonic() + 5
    while not receiver.faults.attempts and time.monotonic() < deadline:
        time.sleep(0.01)  # the worker is now waiting on the slow receiver
    longest, results = 0.0, []
    for n in range(10):
        started = time.perf_counter()
        results.append(client.track("u1", "Burst %d" % n, context=ACME))
        longest = max(longest, time.perf_counter() - started)
    assert longest < 0.5, "a call waited %.3f s for the slow receiver" % longest
    assert results == [True] * 3 + [False] * 7
    assert len(errors.seen) == 7 and client.stats["dropped"] == 7
    assert all(isinstance(e, QueueFullError) for e, _ in errors.seen)
    assert [m["event"] for _, m in errors.seen] == ["Burst %d" % n for n in range(3, 10)]
    assert client.flush(10)
    assert [a[0] for a in activities(receiver.received())] == ["First", "Burst 0", "Burst 1", "Burst 2"]
    client.shutdown()


def test_flush_delivers_everything_queued(receiver):
    client = make_client(receiver, workers=3)
    for n in range(300):
        client.track("u%d" % (n % 7), "Event %d" % n, context=ACME)
    assert client.flush(30)
    assert client.pending() == 0
    assert sorted(a[0] for a in activities(receiver.received())) == sorted("Event %d" % n for n in range(300))
    client.shutdown()


def test_shutdown_delivers_everything_queued(receiver):
    client = make_client(receiver, workers=1)
    receiver.faults.plan({"delay": 0.3})
    for n in range(50):
        client.track("u1", "Event %d" % n, context=ACME)
    assert client.shutdown(30)
    assert [a[0] for a in activities(receiver.received())] == ["Event %d" % n for n in range(50)]


def test_exit_without_flush_still_delivers(receiver):
    script = (
        "import sys; sys.path.insert(0, %r)\n"
        "from totango_py.server import Client\n"
        "client = Client('SP-1', endpoint=%r, workers=1)\n"
        "for n in range(40):\n"
        "    client.track('u1', 'Exit %%d' %% n, context={'groupId': 'acme'})\n"
        % (ROOT, receiver.url + "pixel.gif/"))
    receiver.faults.plan({"delay": 0.5})
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60, env=dict(os.environ))
    assert [a[0] for a in activities(receiver.received())] == ["Exit %d" % n for n in range(40)]


def test_sync_mode_sends_in_the_call(receiver):
    errors = Errors()
    client = make_client(receiver, sync_mode=True, retries=1, on_error=errors)
    assert client.track("u1", "Now", context=ACME) is True
    assert activities(receiver.received()) == [("Now", None, "acme", "u1")]
    receiver.faults.always({"status": 500})
    assert client.track("u1", "Never", context=ACME) is False
    assert len(errors.seen) == 1 and client.pending() == 0
    client.shutdown()


def test_long_pixels_go_as_post_form_data(receiver):
    client = make_client(receiver, workers=1)
    notes = "ü " * 1500
    client.identify("u1", {"name": "Ann", "notes": notes}, context=ACME)
    client.track("u1", "Short", context=ACME)
    assert client.flush(10)
    long, short = wait_records(receiver, 2)
    assert long["method"] == "POST" and long["query"] == ""
    assert long["user_attributes"]["notes"] == notes and long["user_name"] == "Ann"
    assert short["method"] == "GET"
    client.shutdown()


def test_a_forked_worker_process_gets_its_own_threads(receiver):
    script = (
        "import os, sys; sys.path.insert(0, %r)\n"
        "from totango_py.server import Client\n"
        "client = Client('SP-1', endpoint=%r, workers=1)\n"
        "account = {'groupId': 'acme'}\n"
        "client.track('u1', 'Parent', context=account); client.flush(10)\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    client.track('u1', 'Child', context=account)\n"
        "    os._exit(0 if client.flush(10) else 3)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "client.track('u1', 'Parent again', context=account)\n"
        "sys.exit(status)\n"
        % (ROOT, receiver.url + "pixel.gif/"))
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert [a[0] for a in activities(receiver.received())] == ["Parent", "Child", "Parent again"]
