"""A site moving from analytics.js: trait merging, per-call options and opt-out, the
module rule, events, links and forms, middleware, the anonymous id, debug output
and bad settings — in real Chromium on both runtimes, against a recording collector."""

import pytest

from page_helpers import RECORDING_HELPERS, RUNTIMES, shared_page, tag_page

D = {"service_id": "SP-3389-01", "disable_heartbeat": True, "allow_empty_accounts": False, "region": "us"}
SETTINGS = {"serviceId": "SP-3389-01"}
BODY = """<a id="pricing" href="#pricing" data-plan="Pro">Pricing</a>
<form id="signup" action="#signed-up"><input name="email"><button id="send">Send</button></form>"""


def go(**fields):
    return [dict(D, **fields)]


@pytest.fixture(scope="module", params=RUNTIMES)
def loaded(request, browser, site, server, recorder):
    page = shared_page(browser, site, server, "dropin-" + request.param, request.param, "analytics.debug(true);",
                       dict(SETTINGS, trackerUrl=recorder), body=BODY)
    yield page
    assert page.errors == []
    page.context.close()


def run(page, body):
    """Run ``body`` on a signed-out page with the recording cleared."""
    return page.evaluate("""async () => {
        await analytics.reset(); await analytics.page(); window.__recorded.length = 0;
        %s
    }""" % body)


def recorded(page, method):
    return page.evaluate("recorded(%r)" % method)


def test_traits_given_before_the_id_are_merged_into_it(loaded):
    run(loaded, """await analytics.identify({email: 'ann@example.com'});
                   await analytics.identify('u1', {name: 'Ann'});
                   await analytics.identify('u1', {plan: 'Pro'});
                   await analytics.group({size: 10}); await analytics.group('acme', {name: 'Acme'});""")
    users = [call[0]["user"] for call in recorded(loaded, "go") if "user" in call[0]]
    assert users == [{"id": "u1", "email": "ann@example.com", "name": "Ann"},
                     {"id": "u1", "email": "ann@example.com", "name": "Ann", "plan": "Pro"}]
    assert go(account={"id": "acme", "size": 10, "name": "Acme", "plan": "Free"}) in recorded(loaded, "go")


def test_another_id_replaces_the_traits(loaded):
    run(loaded, "await analytics.identify('u1', {name: 'Ann'}); await analytics.identify('u2', {name: 'Bob'});")
    assert [call[0]["user"] for call in recorded(loaded, "go")] == [{"id": "u1", "name": "Ann"},
                                                                      {"id": "u2", "name": "Bob"}]


def test_per_call_opt_out(loaded):
    outcomes = run(loaded, """
        await analytics.identify('u1'); await analytics.group('acme'); window.__recorded.length = 0;
        return [
          await analytics.track('Off', {}, {integrations: {Totango: false}}),
          await analytics.track('All off', {}, {integrations: {All: false}}),
          await analytics.track('Only Totango', {}, {integrations: {All: false, Totango: true}}),
          await analytics.identify('u2', {name: 'Bob'}, {integrations: {Totango: false}}),
        ];""")
    assert [o["outcome"] for o in outcomes] == ["disabled", "disabled", "delivered", "disabled"]
    assert outcomes[0]["reason"] == "disabled for this call"
    assert recorded(loaded, "track") == [["Only Totango", None, "acme", "u1"]]
    assert recorded(loaded, "go") == []
    assert loaded.evaluate("analytics.user().id()") == "u2"  # identity still follows the call, as analytics.js


def test_the_module_rule(loaded):
    run(loaded, """await analytics.identify('u1'); await analytics.group('acme');
                   await analytics.page('Billing', 'Invoices'); await analytics.track('In billing');
                   await analytics.page(null, 'Home'); await analytics.track('Nowhere');
                   await analytics.track('Own module', {category: 'Reports'});""")
    tracks = recorded(loaded, "track")
    assert ["In billing", "Billing", "acme", "u1"] in tracks
    assert ["Viewed Home Page", "Billing", "acme", "u1"] in tracks  # a named page keeps the last category's module
    assert ["Nowhere", None, "acme", "u1"] in tracks  # ...then the module is cleared
    assert ["Own module", "Reports", "acme", "u1"] in tracks


@pytest.mark.parametrize("form", ["integrations", "top-level"])
def test_per_call_parent_product_and_hierarchy_with_dates(loaded, form):
    options = "{parent: {id: 'P-1', since: d1}, product: {id: 'prodA', renewal: d2}, enableHierarchy: true}"
    wrapped = "{integrations: {Totango: %s}}" % options if form == "integrations" else "{Totango: %s}" % options
    isos = run(loaded, """var d1 = new Date(Date.UTC(2023, 4, 6, 7, 8, 9, 10)), d2 = new Date(Date.UTC(2025, 0, 1));
                          await analytics.group('acme', {name: 'Acme'}, %s);
                          return [d1.toISOString(), d2.toISOString()];""" % wrapped)
    assert isos == ["2023-05-06T07:08:09.010Z", "2025-01-01T00:00:00.000Z"]
    expected = go(account={"id": "acme", "name": "Acme", "plan": "Free", "parent": {"id": "P-1", "since": isos[0]}},
                  product={"id": "prodA", "renewal": isos[1]}, enableHierarchy=True)
    assert recorded(loaded, "go") == [expected]


def test_each_call_resolves_with_its_outcome(loaded):
    outcomes = run(loaded, """return [
        await analytics.track('Before account'),
        await analytics.identify('u1'),
        await analytics.group('acme'),
        await analytics.track('After account'),
        await analytics.identify(true),
        await analytics.alias('u9'),
    ];""")
    assert outcomes[0] == {"outcome": "held", "reason": "Totango needs identify() and group() first",
                           "destinations": {"Totango": {"outcome": "held",
                                                        "reason": "Totango needs identify() and group() first"}}}
    assert [o["outcome"] for o in outcomes] == ["held", "delivered", "delivered", "delivered", "dropped", "unsupported"]
    assert "got boolean" in outcomes[4]["reason"]


def test_on_once_off_hear_analytics_js_events(loaded):
    heard = run(loaded, """
        var heard = window.heard = [];
        function listener(name) { return function () { heard.push([name].concat([].slice.call(arguments))); }; }
        var onTrack = listener('track');
        await analytics.on('track', onTrack);
        await analytics.once('identify', listener('identify'));
        await analytics.on('group', listener('group'));
        await analytics.on('page', listener('page'));
        await analytics.on('alias', listener('alias'));
        await analytics.on('reset', listener('reset'));
        await analytics.identify('u1', {name: 'Ann'});
        await analytics.identify('u1', {name: 'Ann'});
        await analytics.group('acme', {name: 'Acme'}, {integrations: {Totango: false}});
        await analytics.page('Billing', 'Invoices', {path: '/b'});
        await analytics.track('Paid', {amount: 5});
        await analytics.alias('u2', 'u1');
        await analytics.off('track', onTrack);
        await analytics.track('Not heard');
        await analytics.reset();
        await analytics.off('group'); await analytics.off('page');
        await analytics.off('alias'); await analytics.off('reset');
        return heard;""")
    page = heard[2]
    assert page[:3] == ["page", "Billing", "Invoices"] and page[3]["path"] == "/b" and page[4] is None
    assert heard[:2] == [["identify", "u1", {"name": "Ann"}, None],
                         ["group", "acme", {"name": "Acme"}, {"integrations": {"Totango": False}}]]
    assert heard[3:] == [["track", "Paid", {"amount": 5}, None], ["alias", "u2", "u1", None], ["reset"]]


def test_track_link_and_track_form_bind_listeners(loaded):
    outcomes = run(loaded, """
        await analytics.identify('u1'); await analytics.group('acme');
        document.getElementById('signup').addEventListener('submit', function (e) { e.preventDefault(); });
        return [
          await analytics.trackLink(document.getElementById('pricing'),
                                    function (el) { return 'Clicked ' + el.textContent; },
                                    function (el) { return {plan: el.dataset.plan}; }),
          await analytics.trackForm(document.querySelectorAll('form'), 'Signed up', {category: 'Signup'}),
          await analytics.trackClick([], 'Nothing'),
        ];""")
    assert outcomes == [{"outcome": "local", "reason": "tracks each click of 1 element(s)"},
                        {"outcome": "local", "reason": "tracks each submit of 1 element(s)"},
                        {"outcome": "local", "reason": "tracks each click of 0 element(s)"}]
    loaded.click("#pricing")
    loaded.click("#send")
    loaded.wait_for_function("recorded('track').length >= 2")
    assert recorded(loaded, "track") == [["Clicked Pricing", None, "acme", "u1"], ["Signed up", "Signup", "acme", "u1"]]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_middleware_can_change_or_drop_a_call(site, server, watched, recorder, runtime):
    # A page of its own: middleware cannot be removed.
    watched.goto(server.url + tag_page(site, "middleware-" + runtime, runtime, RECORDING_HELPERS,
                                       settings=dict(SETTINGS, trackerUrl=recorder)))
    outcomes = watched.evaluate("""async () => {
        await new Promise(function (ready) { analytics.ready(ready); });
        await analytics.identify('u1'); await analytics.group('acme'); window.__recorded.length = 0;
        var added = await analytics.addSourceMiddleware(function (m) {
          if (m.payload.obj.event === 'Secret') return;
          if (m.payload.obj.event) m.payload.obj.event = m.payload.obj.event.toUpperCase();
          m.next(m.payload);
        });
        var forTotango = await analytics.addDestinationMiddleware('Totango', [function (m) {
          if (m.payload.obj.properties && m.payload.obj.properties.category) m.payload.obj.properties.category += '!';
          m.next(m.payload);
        }]);
        // Classic analytics.js's form: (payload, integration, next), before each destination's own.
        var everywhere = await analytics.addIntegrationMiddleware(function (payload, integration, next) {
          if (payload.obj.properties && payload.obj.properties.category) {
            payload.obj.properties.category += ' to ' + integration;
          }
          next(payload);
        });
        return [added, forTotango, await analytics.track('Secret'), await analytics.track('shout', {category: 'Loud'}),
                everywhere, await analytics.addIntegrationMiddleware('nope')];
    }""")
    assert outcomes[0] == {"outcome": "local", "reason": "source middleware added"}
    assert outcomes[1] == {"outcome": "local", "reason": "1 middleware(s) added for Totango"}
    assert outcomes[2] == {"outcome": "dropped", "reason": "a source middleware did not call next()"}
    assert outcomes[3]["outcome"] == "delivered"
    assert outcomes[4:] == [{"outcome": "local", "reason": "integration middleware added"},
                            {"outcome": "dropped", "reason": "needs a function, got string"}]
    assert watched.evaluate("recorded('track')") == [["SHOUT", "Loud to Totango!", "acme", "u1"]]
    assert watched.errors == []


def test_set_anonymous_id_and_user_getters(loaded):
    result = run(loaded, """
        var outcome = await analytics.setAnonymousId('anon-7');
        await analytics.identify('u1', {name: 'Ann'});
        var user = analytics.user();
        return [outcome, user.id(), user.traits(), user.anonymousId(),
                JSON.parse(localStorage.getItem('ajs_anonymous_id'))];""")
    assert result == [{"outcome": "local", "reason": "anonymous id set"}, "u1", {"name": "Ann"}, "anon-7", "anon-7"]


def test_debug_logs_visibly_in_javascript_spelling(loaded):
    lines = []
    loaded.on("console", lambda line: lines.append((line.type, line.text)))
    run(loaded, "await analytics.identify('u1', {vip: true, note: null}); await analytics.group('acme');"
                "await analytics.track('Paid');")
    logged = [text for kind, text in lines if kind == "log"]
    assert '[totango_py] track("Paid") → totango.track("Paid", null, "acme", "u1")' in logged
    assert any('"vip": true' in text and '"note": null' in text for text in logged)
    assert not any("None" in text or "True" in text for text in logged)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_collector_without_its_global_still_gets_the_calls(site, server, watched, recorder, runtime):
    settings = dict(SETTINGS, trackerUrl=recorder + "?bare=1&delay=6000")  # still loading when Python takes the call
    calls = RECORDING_HELPERS + ("analytics.identify('u1'); analytics.group('acme'); "
                                 "window.last = analytics.track('Paid');")
    watched.goto(server.url + tag_page(site, "bare-" + runtime, runtime, calls, settings=settings))
    assert watched.evaluate("window.last")["outcome"] == "held"  # as Python took it: the collector was loading
    watched.wait_for_function("recorded('track').length > 0")
    assert watched.evaluate("recorded('track')") == [["Paid", None, "acme", "u1"]]
    assert watched.evaluate("typeof window.__totango3") == "undefined"
    assert any("did not define __totango3" in text for kind, text in watched.console_lines if kind == "warning")
    assert watched.errors == []


TRACKER = "https://tracker.totango.com/"


def serve_tracker_locally(page, site, recorder):
    """Answer the default tracker URL with the recording collector; the request never leaves the machine."""
    script = (site / recorder.lstrip("/")).read_text()
    page.route(TRACKER + "**", lambda route: route.fulfill(body=script, content_type="text/javascript"))


def forget_routed(page):
    page.outside[:] = [url for url in page.outside if not url.startswith(TRACKER)]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_write_key_fails_clearly_and_preloads_nothing(site, server, watched, runtime):
    load = "window.loading = analytics.load('WRITEKEY123');"
    calls = "window.tracked = analytics.track('Kept');"
    watched.goto(server.url + tag_page(site, "writekey-" + runtime, runtime, calls, load=load))
    watched.wait_for_function("analytics.status().tracker === 'failed'", timeout=60000)
    loading = watched.evaluate("window.loading")
    assert loading["outcome"] == "dropped" and "serviceId" in loading["reason"]
    tracked = watched.evaluate("window.tracked")
    assert tracked["outcome"] == "held" and "kept for the next page" in tracked["reason"]
    assert watched.evaluate("document.querySelectorAll('link[rel=preload][as=script]').length") == 0
    assert any("serviceId" in text for kind, text in watched.console_lines if kind == "error")
    again = watched.evaluate("analytics.load({serviceId: 'SP-1'})")
    assert again == {"outcome": "dropped", "reason": "load() called again; the first settings stay in force"}
    assert watched.errors == []


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_service_id_string_is_accepted(site, server, watched, recorder, runtime):
    serve_tracker_locally(watched, site, recorder)
    load = "window.loading = analytics.load('SP-3389-01');"
    watched.goto(server.url + tag_page(site, "sp-string-" + runtime, runtime, RECORDING_HELPERS, load=load))
    assert watched.evaluate("window.loading")["outcome"] == "local"
    watched.wait_for_function("analytics.status().tracker === 'ready'")
    assert any("taken as the Totango serviceId" in text for kind, text in watched.console_lines if kind == "warning")
    assert watched.errors == []
    forget_routed(watched)
