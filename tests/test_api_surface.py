"""Every method of analytics.js's API called from page JavaScript in each position —
before load(), after load() but before Python has booted, and after ready — on both
runtimes: no page error, and each Promise resolves with an outcome the README's
table gives for that method."""

import pytest

from conftest import RUNTIMES
from page_helpers import RECORDING_HELPERS, tag_page
from readme_blocks import api_table

EVERY_METHOD = """
window.results = window.results || {};
function everyMethod(position) {
  var listener = function () {};
  var link = document.getElementById('link'), form = document.getElementById('form');
  var sync = {
    user: [analytics.user().id(), analytics.user().traits(), analytics.user().anonymousId()],
    group: [analytics.group().id(), analytics.group().traits()],
    status: typeof analytics.status().tracker,
  };
  var calls = {
    identify: analytics.identify('u-1', {email: position + '@example.com'}),
    group: analytics.group('acme', {name: 'Acme', since: new Date(0)}),
    page: analytics.page('Billing', 'Invoices', {}, {}, function () {}),
    track: analytics.track('Paid in ' + position, {category: 'Billing'}),
    alias: analytics.alias('u-2', 'u-1'),
    ready: analytics.ready(function () {}),
    debug: analytics.debug(false),
    on: analytics.on('track', listener),
    once: analytics.once('identify', listener),
    off: analytics.off('track', listener),
    trackLink: analytics.trackLink(link, 'Clicked link'),
    trackClick: analytics.trackClick([link], function (el) { return 'Clicked ' + el.id; }),
    trackForm: analytics.trackForm(form, 'Sent form'),
    trackSubmit: analytics.trackSubmit(document.querySelectorAll('form'), 'Sent form', {}),
    timeout: analytics.timeout(300),
    setAnonymousId: analytics.setAnonymousId('anon-' + position),
    addSourceMiddleware: analytics.addSourceMiddleware(function (m) { m.next(m.payload); }),
    addDestinationMiddleware: analytics.addDestinationMiddleware('Totango', [function (m) { m.next(m.payload); }]),
    register: analytics.register({name: 'plugin', type: 'enrichment', load: function () {}}),
    deregister: analytics.deregister('plugin'),
    reset: analytics.reset(),
  };
  var names = Object.keys(calls);
  return Promise.all(names.map(function (n) { return calls[n]; })).then(function (outcomes) {
    var out = {sync: sync, thenable: names.filter(function (n) { return typeof calls[n].then === 'function'; }).length};
    names.forEach(function (n, i) { out[n] = outcomes[i]; });
    window.results[position] = out;
  });
}
"""
BODY = '<a id="link" href="#there">there</a><form id="form" action="#sent"></form>'


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_every_method_in_every_position(site, server, watched, recorder, runtime):
    settings = {"trackerUrl": recorder, "runtime": runtime, "serviceId": "SP-1234-56", "disableHeartbeat": True}
    load = RECORDING_HELPERS + EVERY_METHOD + "everyMethod('beforeLoad');\nwindow.loading = analytics.load(%s);" % (
        __import__("json").dumps(settings))
    calls = "everyMethod('beforeBoot');\nanalytics.ready(function () { everyMethod('afterReady'); });"
    watched.goto(server.url + tag_page(site, "every-method-" + runtime, runtime, calls, load=load, body=BODY))
    watched.wait_for_function("window.results && Object.keys(window.results).length === 3", timeout=90000)
    table = api_table()
    results = watched.evaluate("window.results")
    assert watched.evaluate("window.loading")["outcome"] in table["load"]
    for position in ("beforeLoad", "beforeBoot", "afterReady"):
        result = results[position]
        assert result.pop("thenable") == 21, position
        sync = result.pop("sync")
        assert sync["status"] == "string"
        for method, outcome in result.items():
            assert set(outcome) <= {"outcome", "reason", "destinations"}, (position, method, outcome)
            assert outcome["outcome"] in table[method], (position, method, outcome)
    assert results["afterReady"]["track"]["outcome"] == "delivered"
    assert results["beforeLoad"]["alias"] == {"outcome": "unsupported", "reason": "Totango has no alias: nothing sent"}
    assert watched.evaluate("recorded('track').map(function (t) { return t[0]; })").count("Paid in afterReady") == 1
    watched.evaluate("async () => { await analytics.identify('u-1'); await analytics.group('acme'); }")
    # Bound after ready by trackLink and trackClick; earlier positions ran in <head>, before the link existed.
    watched.click("#link")
    watched.wait_for_function("recorded('track').filter(function (t) { return t[0] === 'Clicked link'; }).length === 2")
    assert watched.errors == []

