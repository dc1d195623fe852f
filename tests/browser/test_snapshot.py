"""Pyodide starts from the build's memory snapshot: each visitor still draws its own ids,
and a page whose snapshot is missing or broken starts afresh and loses nothing."""

import json
import os

import pytest

from page_helpers import tag_page, wait_activity, wait_status
from paths import DIST

RUNTIME = "pyodide"
CALLS = "analytics.identify('snap-user'); analytics.group('snap-co'); analytics.track('From snapshot');"


def snapshot_path():
    with open(os.path.join(DIST, "tag", "files.json"), encoding="utf-8") as handle:
        return json.load(handle)["runtimes"][RUNTIME]["snapshot"]


def visit(browser, server, page_name):
    """One visitor: a context of its own; its anonymous id and tab name, and whether it
    started from the snapshot."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + page_name)
        status = wait_status(page, "s.tracker === 'ready'", timeout_ms=60000)
        return {"anonymousId": page.evaluate("analytics.user().anonymousId()"),
                "fromSnapshot": status["fromSnapshot"]}
    finally:
        context.close()


def test_every_visitor_draws_its_own_ids(browser, site, server):
    # Without a stored id, a new one is drawn: the snapshot's random state must not be shared.
    name = tag_page(site, "snapshot-ids", RUNTIME, "analytics.track('Anonymous');")
    visitors = [visit(browser, server, name) for _ in range(2)]
    assert [v["fromSnapshot"] for v in visitors] == [True, True]
    ids = [v["anonymousId"] for v in visitors]
    assert ids[0] != ids[1] and all(len(i) == 36 for i in ids), ids


# On the page (worker: false): the worker's own failure is in test_worker.py.
def test_starts_afresh_without_its_snapshot(site, server, watched):
    watched.route("**/" + snapshot_path(), lambda route: route.fulfill(status=404, body="gone"))
    watched.goto(server.url + tag_page(site, "snapshot-missing", RUNTIME, CALLS, settings={"worker": False}))
    assert len(wait_activity(server, "From snapshot", timeout=60)) == 1
    assert watched.evaluate("analytics.status().fromSnapshot") is False
    assert watched.errors == []


def test_starts_afresh_from_a_broken_snapshot(site, server, watched):
    # Bytes of the right kind of response that are not a snapshot: Pyodide refuses them.
    watched.route("**/" + snapshot_path(), lambda route: route.fulfill(status=200, body=b"\x00" * 4096))
    watched.goto(server.url + tag_page(site, "snapshot-broken", RUNTIME, CALLS, settings={"worker": False}))
    assert len(wait_activity(server, "From snapshot", timeout=60)) == 1
    assert watched.evaluate("analytics.status().fromSnapshot") is False
    assert any("snapshot could not be used" in text for kind, text in watched.console_lines if kind == "error")
    assert watched.errors == []


@pytest.mark.parametrize("why", ["saving data", "turned off"])
def test_no_snapshot_for_a_visitor_saving_data_or_when_turned_off(site, server, watched, why):
    requested = []
    watched.on("request", lambda request: requested.append(request.url))
    settings = {}
    if why == "saving data":
        watched.add_init_script("Object.defineProperty(navigator, 'connection', {value: {saveData: true}})")
    else:
        settings["snapshot"] = False
    watched.goto(server.url + tag_page(site, "snapshot-" + why.replace(" ", "-"), RUNTIME, CALLS, settings=settings))
    assert len(wait_activity(server, "From snapshot", timeout=60)) == 1
    assert watched.evaluate("analytics.status().fromSnapshot") is False
    assert not [url for url in requested if url.endswith(snapshot_path())]
    assert watched.evaluate("document.querySelectorAll('link[href$=\"%s\"]').length" % snapshot_path()) == 0
    assert watched.errors == []
