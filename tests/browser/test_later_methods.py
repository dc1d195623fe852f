"""analytics.js's rarer methods come in a bundle of their own, fetched on the first such call:
a page that never makes one never downloads it, and calls keep their order around the fetch."""

import json
import os
import subprocess
import sys

import pytest

from page_helpers import RUNTIMES, activities, tag_page, wait_activity, wait_pixels
from paths import DIST, ROOT
from totango_py import vocabulary

LATER_MODULES = ["totango_py.local_calls", "totango_py.emitter", "totango_py.middleware"]


def later_bundle(runtime):
    with open(os.path.join(DIST, "tag", "files.json"), encoding="utf-8") as handle:
        return json.load(handle)["runtimes"][runtime]["later"]


def test_the_later_methods_are_local_calls_public_methods():
    from totango_py.local_calls import LocalCalls

    assert sorted(n for n in dir(LocalCalls) if not n.startswith("_")) == sorted(vocabulary.LATER_METHODS)
    assert set(vocabulary.LATER_METHODS) <= set(vocabulary.QUEUED_METHODS)


def test_core_calls_never_import_the_later_modules():
    """With the later modules made unimportable, every core call still works; a later call then
    fails to import (in a page the tag fetches them first)."""
    script = """
import sys
for name in %r:
    sys.modules[name] = None
from totango_py import Analytics, RecordingTransport
transport = RecordingTransport()
a = Analytics(transport=transport).load({"serviceId": "SP-1"})
a.ready(lambda: None); a.debug(False)
a.identify("u1", {"name": "Ann"}); a.group("o1", {"name": "Org"}); a.page("Docs", "Intro"); a.track("Did", {})
a.reset(); a.user(); a.group(); a.status()
print(len(transport.sent))
print(a.call("pageview", ["/kept"])["outcome"])  # a pageview kept at page exit is sent before the bundle is in
try:
    a.on("track", print)
except ImportError:
    print("later import")
""" % LATER_MODULES
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    sent, pageview, later = done.stdout.split("\n")[:3]
    assert int(sent) >= 5 and pageview != "dropped" and later == "later import"


def test_classic_and_next_snippet_names_pageview_screen_and_integration_middleware():
    from totango_py import Analytics, RecordingTransport

    transport = RecordingTransport()
    a = Analytics(transport=transport).load({"serviceId": "SP-1"})
    a.identify("u1"), a.group("acme")
    heard, ran = [], []
    a.on("page", lambda *args: heard.append(("page",) + args))
    a.on("screen", lambda *args: heard.append(("screen",) + args))
    # pageview(url) is page({path: url}), with that call's outcome; page listeners hear it.
    assert a.pageview("/pricing") == a.page({"path": "/pricing"})
    a.pageview()
    assert heard[-3:] == [("page", None, None, {"path": "/pricing"}, None)] * 2 + [("page", None, None, {}, None)]
    # screen: nothing sent, the callback runs, screen listeners hear page's arguments.
    sent = len(transport.sent)
    unsent = {"outcome": "unsupported", "reason": "Totango has no screens: nothing sent; call page() for a web page"}
    assert a.screen("Home", "Dashboard", {"tab": 1}, {}, lambda: ran.append("screen")) == unsent
    assert a.screen("Dashboard") == unsent
    assert heard[-2:] == [("screen", "Home", "Dashboard", {"tab": 1}, {}), ("screen", None, "Dashboard", None, None)]
    assert ran == ["screen"] and len(transport.sent) == sent
    # addIntegrationMiddleware(fn): fn(payload, integration, next) before every destination,
    # ahead of that destination's own middleware.
    order = []

    def shout(payload, integration, next_):
        order.append("integration " + integration)
        payload["obj"]["event"] = payload["obj"]["event"].upper()
        next_(payload)

    def own(context):
        order.append("destination " + context["integration"])
        context["next"](context["payload"])

    assert a.addDestinationMiddleware("Totango", own)["outcome"] == "local"
    assert a.addIntegrationMiddleware(shout) == {"outcome": "local", "reason": "integration middleware added"}
    assert a.track("paid")["outcome"] == "delivered"
    assert transport.sent[-1] == ("track", "PAID", None, "acme", "u1")
    assert order == ["integration Totango", "destination Totango"]
    assert a.addIntegrationMiddleware("shout") == {"outcome": "dropped", "reason": "needs a function, got string"}
    a.addIntegrationMiddleware(lambda payload, integration, next_: None)
    assert a.track("kept back")["outcome"] == "dropped" and transport.sent[-1][1] == "PAID"


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_later_bundle_fetched_once_on_first_use_and_order_kept(site, server, watched, runtime):
    requested = []
    watched.on("request", lambda request: requested.append(request.url.replace(server.url, "")))
    calls = """analytics.identify('late-user'); analytics.group('late-co'); analytics.track('Before');"""
    watched.goto(server.url + tag_page(site, "later-" + runtime, runtime, calls))
    wait_activity(server, "Before", timeout=90)
    bundle = "tag/" + later_bundle(runtime)
    assert bundle not in requested  # a page of core calls only
    heard = watched.evaluate("""async () => {
        var heard = [];
        var promises = [analytics.track('First'),
                        analytics.on('track', function (event) { heard.push(event); }),
                        analytics.track('Second'), analytics.alias('x'),
                        analytics.once('track', function (event) { heard.push('once ' + event); }),
                        analytics.track('Third')];
        var outcomes = await Promise.all(promises);
        return {heard: heard, outcomes: outcomes.map(function (o) { return o.outcome; })};
    }""")
    assert heard["outcomes"] == ["delivered", "local", "delivered", "unsupported", "local", "delivered"]
    assert heard["heard"] == ["Second", "Third", "once Third"]
    got = [a[0] for a in activities(wait_pixels(server, 4, timeout=30))]
    assert got.index("Before") < got.index("First") < got.index("Second") < got.index("Third")
    assert requested.count(bundle) == 1
    watched.evaluate("analytics.off('track')")
    assert requested.count(bundle) == 1 and watched.errors == []


@pytest.mark.parametrize("runtime", RUNTIMES[:1])
def test_a_later_bundle_that_cannot_be_had_drops_its_calls_with_why(site, server, watched, runtime):
    watched.route("**/totango_py-later.*", lambda route: route.fulfill(status=404, body="gone"))
    calls = """analytics.identify('late-user'); analytics.group('late-co');"""
    watched.goto(server.url + tag_page(site, "later-missing-" + runtime, runtime, calls))
    outcomes = watched.evaluate("""async () => {
        await new Promise(function (ready) { analytics.ready(ready); });
        return Promise.all([analytics.on('track', function () {}), analytics.track('Still sent')]);
    }""")
    assert outcomes[0]["outcome"] == "dropped" and "could not be loaded" in outcomes[0]["reason"]
    assert outcomes[1]["outcome"] == "delivered"
    wait_activity(server, "Still sent")
    status = watched.evaluate("analytics.status()")
    assert any(d["call"].startswith("on(") and "HTTP 404" in d["reason"] for d in status["dropped"])
