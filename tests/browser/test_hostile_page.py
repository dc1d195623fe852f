"""Realistic host pages that used to lose or double data: several tabs, bad values,
legacy libraries, throwing consoles, odd kinds, a page's own Module, the back/forward cache."""

import pytest

from page_helpers import COLLECTOR, RUNTIMES, activities, tag_page, wait_activity, wait_pixels, wait_status

pytestmark = pytest.mark.parametrize("runtime", RUNTIMES)

SIGN_IN = "analytics.identify('u-1', {name: 'Ann'}); analytics.group('acme', {name: 'Acme'});\n"


def identifications(records):
    return [r for r in records if r["activity"] is None]


def test_a_second_tab_never_delivers_a_live_tabs_work(site, server, watched, runtime):
    slow = {"trackerUrl": COLLECTOR + "?delay=6000"}
    watched.goto(server.url + tag_page(site, "tab-a-" + runtime, runtime, SIGN_IN + "analytics.track('A only');",
                                       settings=slow))
    wait_status(watched, "s.waiting_for_collector.length === 3")
    other = watched.context.new_page()
    other.goto(server.url + tag_page(site, "tab-b-" + runtime, runtime, "analytics.track('B only');"))
    wait_status(other, "s.tracker === 'ready' && s.delivered === 1")
    wait_status(watched, "s.tracker === 'ready' && s.delivered === 3")
    watched.wait_for_timeout(1000)  # room for a duplicate
    records = server.received()
    assert sorted(a[0] for a in activities(records)) == ["A only", "B only"]
    assert len(identifications(records)) == 2
    assert watched.errors == []
    other.close()


PROXY = "new Proxy({}, {ownKeys: function () { throw new Error('ownKeys trap'); }})"


def test_one_unreadable_value_drops_its_call_alone(site, server, watched, runtime):
    calls = SIGN_IN + "analytics.track('Before');\nanalytics.identify('u-1', %s);\nanalytics.track('After');" % PROXY
    watched.goto(server.url + tag_page(site, "proxy-" + runtime, runtime, calls))
    status = wait_status(watched, "s.delivered === 4")
    assert "bootError" not in status
    assert [d["reason"] for d in status["dropped"]] == ["its arguments could not be read: ownKeys trap"]
    assert status["dropped"][0]["call"] == 'identify("u-1")'
    watched.evaluate("analytics.track('Later before'); analytics.group('acme', %s); analytics.track('Later after');"
                     % PROXY)
    status = wait_status(watched, "s.delivered === 6")
    assert len(status["dropped"]) == 2
    assert [a[0] for a in activities(wait_pixels(server, 4))] == ["Before", "After", "Later before", "Later after"]
    assert watched.errors == []


LEGACY = """<script>
Array.prototype.toJSON = function () { return '[' + this.join(', ') + ']'; };  // as Prototype.js 1.6
String.prototype.toJSON = function () { return 'str'; };
Object.prototype.polluted = 'x';
</script>"""


def test_legacy_page_with_toJSON_and_a_polluted_prototype(site, server, watched, runtime):
    calls = SIGN_IN + ("analytics.page('Billing', 'Invoices', {tags: ['a', 'b']});\n"
                       "analytics.track('Legacy', {list: [1, 2]});")
    watched.goto(server.url + tag_page(site, "legacy-proto-" + runtime, runtime, calls, head=LEGACY))
    records = wait_pixels(server, 3, identified=2)
    assert [a[0] for a in activities(records)] == ["Viewed Billing Page", "Viewed Billing Invoices Page", "Legacy"]
    status = watched.evaluate("analytics.status()")
    assert status["dropped"] == [] and not any("unknown method" in line for line in status["log"])
    assert watched.evaluate("analytics.user().traits()") == {"name": "Ann"}
    assert watched.errors == []


THROWING_CONSOLE = """<script>
['log', 'debug', 'info', 'warn', 'error'].forEach(function (name) {
  console[name] = function () { throw new Error('reporting shim broke'); };
});
</script>"""


def test_a_console_that_throws_loses_nothing(site, server, watched, runtime):
    calls = ("analytics.debug(true);\n" + SIGN_IN + "analytics.identify(true);\nanalytics.track('One');\n"
             "analytics.track({not: 'a name'});\nanalytics.track('Two');")
    watched.goto(server.url + tag_page(site, "console-" + runtime, runtime, calls, head=THROWING_CONSOLE))
    status = wait_status(watched, "s.delivered === 4 && s.dropped.length === 2")
    assert [a[0] for a in activities(wait_pixels(server, 2))] == ["One", "Two"]
    assert len(status["dropped"]) == 2
    watched.evaluate("analytics.track('Three', {}, {}, function () { throw new Error('callback broke'); })")
    wait_activity(server, "Three")
    assert watched.errors == []


KINDS = """
analytics.identify('u-1', {
  roles: new Map([['admin', true], ['seats', 3]]),
  tags: new Set(['a', 'b']),
  pattern: /ab+c/gi,
  problem: new Error('quota exceeded'),
  boxed: new String('text'),
  bytes: new Uint8Array([1, 2]),
  later: Promise.resolve(1),
});
analytics.group('acme');
"""


def test_map_set_regexp_error_and_other_kinds(site, server, watched, runtime):
    watched.goto(server.url + tag_page(site, "kinds-" + runtime, runtime, KINDS))
    status = wait_status(watched, "s.delivered === 2")
    user = identifications(wait_pixels(server, 0, identified=2))[-1]["user_attributes"]
    assert user["roles"] == '{"admin": true, "seats": 3}' or user["roles"] == '{"admin":true,"seats":3}'
    assert user["tags"] in ('["a", "b"]', '["a","b"]')
    assert user["pattern"] == "/ab+c/gi"
    assert user["problem"] == "quota exceeded"
    assert user["boxed"] == "text"
    assert "bytes" not in user and "later" not in user
    warnings = " | ".join(status["log"])
    assert "a Uint8Array cannot be sent" in warnings and "a Promise cannot be sent" in warnings
    assert watched.errors == []


def test_a_pages_own_Module_survives(site, server, watched, runtime):
    head = "<script>window.Module = {mine: true};</script>"
    calls = SIGN_IN + "analytics.track('M');"
    watched.goto(server.url + tag_page(site, "module-" + runtime, runtime, calls, head=head))
    wait_activity(server, "M")
    assert watched.evaluate("window.Module && window.Module.mine") is True
    assert watched.errors == []


SHOWS = ("<script>addEventListener('pageshow', function (e) { "
         "window.shows = (window.shows || []).concat([e.persisted]); });</script>")


def test_back_forward_cache_keeps_the_page_and_duplicates_nothing(site, server, browser_type, browser_type_launch_args,
                                                                   runtime):
    launch = dict(browser_type_launch_args)
    browser = browser_type.launch(ignore_default_args=["--disable-back-forward-cache"], **launch)
    try:
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        server.clear()
        first = tag_page(site, "bf-a-" + runtime, runtime, SIGN_IN + "analytics.track('First page');", head=SHOWS)
        # The next page boots a runtime in the same process: its garbage collection must
        # find no proxy of the cached page to finalize (that would run script there).
        following = tag_page(site, "bf-b-" + runtime, runtime, "analytics.track('Second page');")
        page.goto(server.url + first)
        wait_status(page, "s.delivered === 3")
        page.goto(server.url + following)
        wait_status(page, "s.delivered === 1")
        page.go_back(wait_until="commit")
        page.wait_for_function("() => window.shows && window.shows.length === 2", timeout=15000)
        assert page.evaluate("window.shows") == [False, True]
        page.evaluate("analytics.track('After return')")
        wait_activity(server, "After return")
        page.wait_for_timeout(1000)
        got = sorted(a[0] for a in activities(server.received()))
        assert got == ["After return", "First page", "Second page"]
        assert errors == []
    finally:
        browser.close()
