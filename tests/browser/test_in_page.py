"""The tag in real Chromium, on both runtimes, checked on the wire at the local Totango receiver."""

import pytest

from page_helpers import RUNTIMES, SERVICE_ID, activities, tag_page, wait_activity, wait_pixels, wait_status

pytestmark = pytest.mark.parametrize("runtime", RUNTIMES)

SIGN_IN = """
analytics.identify('u-42', {email: 'ann@initech.example', name: 'Ann',
                            created: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))});
analytics.group('initech', {name: 'Initech', plan: 'Paying'});
"""


def test_first_line_calls_arrive_in_order(site, server, watched, runtime):
    calls = SIGN_IN + "".join("analytics.track('Step %d');\n" % n for n in range(1, 6))
    watched.goto(server.url + tag_page(site, "first-line-" + runtime, runtime, calls))
    records = wait_pixels(server, 5)
    assert [a[0] for a in activities(records)] == ["Step %d" % n for n in range(1, 6)]
    assert all(r["service_id"] == SERVICE_ID for r in records)
    assert watched.errors == []


def test_identify_group_page_track_on_the_wire(site, server, watched, runtime):
    calls = SIGN_IN + "analytics.page('Billing', 'Invoices');\nanalytics.track('Paid');\n"
    watched.goto(server.url + tag_page(site, "flow-" + runtime, runtime, calls))
    records = wait_pixels(server, 3, identified=1)
    assert activities(records) == [
        ("Viewed Billing Page", "Billing", "initech", "u-42"),
        ("Viewed Billing Invoices Page", "Billing", "initech", "u-42"),
        ("Paid", "Billing", "initech", "u-42"),
    ]
    identified = [r for r in records if r["activity"] is None]
    assert identified, "no identification pixel"
    last = identified[-1]
    assert last["account_name"] == "Initech" and last["account_attributes"]["plan"] == "Paying"
    assert last["user_name"] == "Ann"
    assert last["user_attributes"]["Create Date"] == "2024-01-02T03:04:05.678Z"
    assert last["user_attributes"]["email"] == "ann@initech.example"
    assert watched.errors == []


def test_reload_keeps_the_account(site, server, watched, runtime):
    url = server.url + tag_page(site, "reload-a-" + runtime, runtime, SIGN_IN)
    watched.goto(url)
    wait_status(watched, "s.tracker === 'ready' && s.delivered >= 2")
    stored = watched.evaluate("[localStorage.getItem('ajs_group_id'), localStorage.getItem('ajs_group_properties')]")
    assert stored == ['"initech"', '{"name": "Initech", "plan": "Paying"}']
    watched.goto(server.url + tag_page(site, "reload-b-" + runtime, runtime, "analytics.track('After reload');"))
    tracked = wait_activity(server, "After reload")
    assert [(r["account"], r["user"], r["module"]) for r in tracked] == [("initech", "u-42", None)]
    assert watched.errors == []


def test_activity_before_group_is_held_then_delivered(site, server, watched, runtime):
    calls = "analytics.page('Dashboard', 'Home');\nanalytics.track('Opened');\n"
    watched.goto(server.url + tag_page(site, "held-" + runtime, runtime, calls))
    status = wait_status(watched, "s.tracker === 'ready' && s.held_count === 2")
    assert status["held_for_account"] == ['page("Dashboard", "Home")', 'track("Opened")']
    assert [r for r in server.received() if r["activity"]] == []
    watched.evaluate("analytics.identify('u-1'); analytics.group('acme', {name: 'Acme'});")
    records = wait_pixels(server, 3)
    assert activities(records) == [
        ("Viewed Dashboard Page", "Dashboard", "acme", "u-1"),
        ("Viewed Dashboard Home Page", "Dashboard", "acme", "u-1"),
        ("Opened", "Dashboard", "acme", "u-1"),
    ]
    assert watched.errors == []


THROWING_STORAGE = """<script>
Object.defineProperty(window, 'localStorage',
                      {get: function () { throw new DOMException('denied', 'SecurityError'); }});
</script>"""


def test_local_storage_throwing_falls_back(site, server, watched, runtime):
    calls = SIGN_IN + "analytics.track('Works anyway');"
    watched.goto(server.url + tag_page(site, "nostore-" + runtime, runtime, calls, head=THROWING_STORAGE))
    records = wait_activity(server, "Works anyway")
    assert [(r["account"], r["user"]) for r in records] == [("initech", "u-42")]
    assert "ajs_group_id=%22initech%22" in watched.evaluate("document.cookie")
    warnings = [text for kind, text in watched.console_lines if kind == "warning"]
    assert any("LocalStorage unavailable" in text for text in warnings), warnings
    assert watched.errors == []


def test_collector_failure_is_contained(site, server, watched, runtime):
    calls = SIGN_IN + """
window.failures = [];
addEventListener('totango:error', function (e) { failures.push(e.detail.reason); });
analytics.track('Kept');"""
    page = tag_page(site, "fail-" + runtime, runtime, calls, settings={"trackerUrl": "/missing/totango.js"})
    watched.goto(server.url + page)
    status = wait_status(watched, "s.tracker === 'failed'")
    assert status["waiting_for_collector"] == ['identify("u-42", {…})', 'group("initech", {…})', 'track("Kept")']
    assert watched.evaluate("failures.length") == 1 and "could not be loaded" in watched.evaluate("failures[0]")
    assert watched.errors == []
    errors = [text for kind, text in watched.console_lines if kind == "error" and "failed to load" in text]
    # It counts what is kept when it fails (the queue may still be draining), and says later calls are kept too.
    kept = int(errors[0].split("; ")[-1].split(" call(s) kept so far")[0]) if errors else -1
    assert 0 <= kept <= 3 and errors[0].endswith("and every later one: status().waiting_for_collector lists them")


def test_ids_left_by_analytics_js_are_picked_up(site, server, watched, runtime):
    watched.goto(server.url + tag_page(site, "blank-" + runtime, runtime, ""))
    watched.evaluate("""() => {
        localStorage.clear();
        document.cookie = 'ajs_user_id=legacy-user; path=/';
        localStorage.setItem('ajs_group_id', JSON.stringify('legacy-account'));
    }""")
    watched.goto(server.url + tag_page(site, "legacy-" + runtime, runtime, "analytics.track('Legacy');"))
    records = wait_activity(server, "Legacy")
    assert [(r["account"], r["user"]) for r in records] == [("legacy-account", "legacy-user")]
    ids = watched.evaluate("[analytics.user().id(), analytics.group().id()]")
    assert ids == ["legacy-user", "legacy-account"]
    assert watched.errors == []


def test_bad_input_never_breaks_the_page(site, server, watched, runtime):
    calls = SIGN_IN + """
var loop = {name: 'loop'}; loop.self = loop;
analytics.identify('u-42', {loop: loop, fn: function () {}, el: document.documentElement, n: NaN});
analytics.identify(true);
analytics.group({});
analytics.track({not: 'a name'});
analytics.page('Billing', 'Invoices', 'not properties');
analytics.track('Still fine', {}, {}, function () { window.calledBack = true; });
"""
    watched.goto(server.url + tag_page(site, "bad-" + runtime, runtime, calls))
    # The second identify of u-42 is merged into the first while the collector loads.
    status = wait_status(watched, "s.tracker === 'ready' && s.waiting_count === 0 && s.delivered + s.merged >= 4")
    assert [(r["account"], r["user"]) for r in wait_activity(server, "Still fine")] == [("initech", "u-42")]
    reasons = " | ".join(d["reason"] for d in status["dropped"])
    assert "got boolean" in reasons and "event must be a string" in reasons
    assert "properties must be an object" in reasons
    warnings = " | ".join(line for line in status["log"] if line.startswith("warn"))
    assert "cycle" in warnings and "a function cannot be sent" in warnings and "not a finite number" in warnings
    assert watched.evaluate("window.calledBack") is True
    assert watched.errors == []


def test_offline_calls_wait_and_go_out_when_back_online(site, server, watched, runtime):
    watched.goto(server.url + tag_page(site, "offline-" + runtime, runtime, SIGN_IN))
    wait_status(watched, "s.tracker === 'ready' && s.delivered >= 2")
    watched.context.set_offline(True)
    watched.evaluate("analytics.track('While offline')")
    status = wait_status(watched, "s.paused !== null && s.waiting_for_collector.length === 1")
    assert status["paused"] == "the browser is offline"
    assert status["waiting_for_collector"] == ['track("While offline")']
    watched.context.set_offline(False)
    records = wait_activity(server, "While offline")
    assert [(r["account"], r["user"]) for r in records] == [("initech", "u-42")]
    # (In the worker, status() is Python's as of its latest report: at most 100 ms old.)
    wait_status(watched, "s.paused === null && s.waiting_count === 0")
    assert watched.errors == []
