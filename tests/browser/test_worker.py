"""Pyodide runs in a Web Worker (web/tag/worker.js, started by the page's side, web/tag/relay.js):
the page keeps its thread, calls stay queued until the worker has answered them, and where
a worker cannot run Python runs on the page instead, losing nothing."""

import json
import os

from page_helpers import tag_page, wait_activity, wait_status
from paths import DIST

RUNTIME = "pyodide"
CALLS = "analytics.identify('w-user'); analytics.group('w-co'); analytics.track('From the worker');"


def built_name(side):
    """The hashed name of ``relay`` (the page's side) or ``worker`` (the worker's script)."""
    with open(os.path.join(DIST, "tag", "files.json"), encoding="utf-8") as handle:
        return json.load(handle)[side]


def delivered_once(server, watched, activity="From the worker"):
    # Waiting through Playwright first: it answers a routed request only while it is called.
    wait_status(watched, "s.tracker === 'ready' && s.delivered >= 3", timeout_ms=60000)
    found = wait_activity(server, activity, timeout=60)
    assert len(server_activities(server, activity)) == 1
    assert watched.errors == []
    return found


def intercept_messages_to_worker(watched, body, where="true"):
    """Run ``body`` (JavaScript with ``message`` and ``send(message)``) in place of each message
    the page posts to its worker, on pages where the JS condition ``where`` holds."""
    watched.add_init_script("""
      if (%s) {
        const post = Worker.prototype.postMessage;
        Worker.prototype.postMessage = function (message, transfer) {
          const send = (given) => post.call(this, given, transfer);
          %s
        };
      }""" % (where, body))


def server_activities(server, activity):
    return [r for r in server.received() if r["activity"] == activity]


def test_python_runs_in_a_worker(site, server, watched):
    watched.goto(server.url + tag_page(site, "worker-on", RUNTIME, CALLS))
    delivered_once(server, watched)
    status = watched.evaluate("analytics.status()")
    assert status["worker"] is True and status["python"] == "pyodide"
    assert status["fromSnapshot"] is True
    # Python's marks, on the page's clock, in order.
    times = status["times"]
    assert times["bootStart"] < times["workerStart"] < times["runtimeReady"] < times["pythonReady"]
    # Nothing of the interpreter on the page: its loader was never run here.
    assert watched.evaluate("typeof window.loadPyodide === 'undefined' && !('pyodide' in window)")
    # user() and group() answer from what the worker last said.
    assert watched.evaluate("[analytics.user().id(), analytics.group().id()]") == ["w-user", "w-co"]


def test_worker_false_runs_python_on_the_page(site, server, watched):
    watched.goto(server.url + tag_page(site, "worker-off", RUNTIME, CALLS, settings={"worker": False}))
    delivered_once(server, watched)
    assert watched.evaluate("analytics.status().worker") is False
    assert not [line for line in watched.console_lines if "running Python on the page" in line[1]]


def test_without_workers_python_runs_on_the_page(site, server, watched):
    watched.add_init_script("delete window.Worker")
    watched.goto(server.url + tag_page(site, "worker-none", RUNTIME, CALLS))
    delivered_once(server, watched)
    assert watched.evaluate("analytics.status().worker") is False


def ran_on_the_page(site, server, watched, name, said):
    """Open a tag page whose worker cannot serve it: Python on the page delivers its calls
    once, and the console says why (``said``)."""
    watched.goto(server.url + tag_page(site, name, RUNTIME, CALLS))
    delivered_once(server, watched)
    assert watched.evaluate("analytics.status().worker") is False
    assert any(said in text for kind, text in watched.console_lines)


def test_a_relay_that_cannot_load_leaves_python_on_the_page(site, server, watched):
    watched.route("**/" + built_name("relay"), lambda route: route.fulfill(status=404, body="gone"))
    ran_on_the_page(site, server, watched, "relay-404", "running Python on the page")
    # The worker the snippet started (downloading the runtime) is ended.
    assert watched.evaluate("analytics._worker") is None
    for _ in range(50):
        if not watched.workers:
            break
        watched.wait_for_timeout(100)
    assert watched.workers == []


def test_a_worker_script_that_cannot_load_leaves_python_on_the_page(site, server, watched):
    watched.route("**/" + built_name("worker"), lambda route: route.abort())
    ran_on_the_page(site, server, watched, "worker-404", "running Python on the page")


def test_a_worker_that_fails_to_start_leaves_python_on_the_page(site, server, watched):
    # The worker gets a package it cannot unpack; the page fetches it again, whole, for itself.
    intercept_messages_to_worker(watched, """
          if (message && message.bundle) message = {bundle: {value: null, error: 'spoiled'}};
          send(message);""")
    ran_on_the_page(site, server, watched, "worker-fails", "spoiled")


def test_a_call_the_worker_has_not_answered_is_kept_when_the_page_is_left(site, server, watched):
    # The worker is slow to get this page's calls; the page is left before it answers.
    # The next page sends the call, once; the first page's worker never does.
    intercept_messages_to_worker(watched, """
          if (message && message.calls) setTimeout(() => send(message), 3000);
          else send(message);""", where="location.pathname.endsWith('worker-left.html')")
    after = tag_page(site, "worker-after", RUNTIME, "")
    watched.goto(server.url + tag_page(site, "worker-left", RUNTIME, CALLS))
    wait_status(watched, "s.tracker === 'ready' && s.worker && analytics._sent > 0", timeout_ms=60000)
    assert server_activities(server, "From the worker") == []  # not answered when the page is left
    watched.goto(server.url + after)
    found = wait_activity(server, "From the worker", timeout=60)
    assert len(found) == 1
    wait_status(watched, "s.tracker === 'ready'", timeout_ms=60000)
    watched.wait_for_timeout(4000)  # past the first page's delayed message, had it survived
    assert len(server_activities(server, "From the worker")) == 1
    assert watched.errors == []


def test_a_snapshot_the_worker_cannot_get_leaves_python_on_the_page(site, server, watched):
    with open(os.path.join(DIST, "tag", "files.json"), encoding="utf-8") as handle:
        snapshot = json.load(handle)["runtimes"][RUNTIME]["snapshot"]
    watched.route("**/" + snapshot, lambda route: route.abort())
    watched.goto(server.url + tag_page(site, "worker-no-snapshot", RUNTIME, CALLS))
    delivered_once(server, watched)
    assert watched.evaluate("[analytics.status().worker, analytics.status().fromSnapshot]") == [False, False]
    assert any("snapshot could not be used" in text for kind, text in watched.console_lines)
