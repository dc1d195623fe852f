"""Every method of Segment's two published snippets (analytics.js classic and analytics-next,
read from their sources in node_modules), and every other method the README's API table lists,
called from page JavaScript in each position — before load(), after load() but before Python
has booted, and after ready — on both runtimes: no page error, and each Promise resolves with
an outcome the README's table gives for that method."""

import json
import os
import re

import pytest

from page_helpers import RECORDING_HELPERS, RUNTIMES, tag_page
from paths import ROOT
from readme_blocks import api_table
from totango_py import vocabulary

# Segment's snippets, pinned in package.json under these names (npm aliases of @segment/snippet).
SNIPPETS = {"classic": "segment-snippet-classic", "next": "segment-snippet-next"}


def snippet_methods(package):
    """The names of ``analytics.methods = [...]`` in the snippet's source; it fails when
    the file or the list is missing, or the list holds anything but quoted names."""
    path = os.path.join(ROOT, "node_modules", package, "dist", "max.template.js")
    if not os.path.exists(path):
        pytest.fail("%s is missing: run `npm ci`" % path)
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    found = re.search(r"analytics\.methods\s*=\s*\[(.*?)\]", source, re.S)
    assert found, "%s: no `analytics.methods = [...]` list" % path
    # The source is a compiled template: the snippet's text is in a JS string, escaped.
    listed = found.group(1).replace("\\n", "\n").replace("\\'", "'").replace('\\"', '"')
    names = re.findall(r"""['"](\w+)['"]""", listed)
    assert names, "%s: analytics.methods is empty" % path
    assert not re.sub(r"""['"]\w+['"]|[\s,]""", "", listed), "%s: unexpected list %r" % (path, listed)
    return names


def every_snippet_method():
    return sorted(set(name for package in SNIPPETS.values() for name in snippet_methods(package)))


def methods_to_call():
    """The snippets' methods and every other queued method of the README's table
    (not load(), called once, nor user() / status(), answered in place: they have no outcome)."""
    table = api_table()
    return sorted(set(every_snippet_method()) | set(name for name in table if table[name] and name != "load"))


def test_both_snippets_are_read_from_their_sources():
    classic, later = snippet_methods(SNIPPETS["classic"]), snippet_methods(SNIPPETS["next"])
    assert len(set(classic)) == len(classic) and len(set(later)) == len(later)
    assert {"page", "pageview", "addIntegrationMiddleware"} <= set(classic) <= set(later)
    assert {"screen", "register"} <= set(later) - set(classic)


def test_every_snippet_method_is_queued_and_in_the_readme():
    table = api_table()
    for name in every_snippet_method():
        assert name in vocabulary.QUEUED_METHODS, "the snippet does not queue %s" % name
        assert table.get(name), "README's API table has no row (or no outcome) for %s" % name


# Arguments for each method that needs some (a method missing here is called with none);
# called in this order, then the methods not listed here, then reset().
ARGUMENTS = """
window.results = window.results || {};
var ARGS = {
  identify: function (p) { return ['u-1', {email: p + '@example.com'}]; },
  group: function () { return ['acme', {name: 'Acme', since: new Date(0)}]; },
  page: function () { return ['Billing', 'Invoices', {}, {}, function () {}]; },
  pageview: function (p) { return ['/pricing?from=' + p]; },
  track: function (p) { return ['Paid in ' + p, {category: 'Billing'}]; },
  alias: function () { return ['u-2', 'u-1']; },
  screen: function () { return ['Home', 'Dashboard', {tab: 1}, {}, function () {}]; },
  ready: function () { return [function () {}]; },
  debug: function () { return [false]; },
  on: function (p, listener) { return ['track', listener]; },
  once: function (p, listener) { return ['identify', listener]; },
  off: function (p, listener) { return ['track', listener]; },
  trackLink: function () { return [document.getElementById('link'), 'Clicked link']; },
  trackClick: function () { return [[document.getElementById('link')], function (el) { return 'Clicked ' + el.id; }]; },
  trackForm: function () { return [document.getElementById('form'), 'Sent form']; },
  trackSubmit: function () { return [document.querySelectorAll('form'), 'Sent form', {}]; },
  timeout: function () { return [300]; },
  setAnonymousId: function (p) { return ['anon-' + p]; },
  addSourceMiddleware: function () { return [function (m) { m.next(m.payload); }]; },
  addIntegrationMiddleware: function () { return [function (payload, integration, next) { next(payload); }]; },
  addDestinationMiddleware: function () { return ['Totango', [function (m) { m.next(m.payload); }]]; },
  register: function () { return [{name: 'plugin', type: 'enrichment', load: function () {}}]; },
  deregister: function () { return ['plugin']; },
};
function everyMethod(position) {
  var listener = function () {};
  var sync = {
    user: [analytics.user().id(), analytics.user().traits(), analytics.user().anonymousId()],
    group: [analytics.group().id(), analytics.group().traits()],
    status: typeof analytics.status().tracker,
  };
  var names = Object.keys(ARGS).filter(function (n) { return METHODS.indexOf(n) >= 0; });
  names = names.concat(METHODS.filter(function (n) { return !(n in ARGS) && n !== 'reset'; }), ['reset']);
  var calls = names.map(function (n) {
    return analytics[n].apply(analytics, ARGS[n] ? ARGS[n](position, listener) : []);
  });
  return Promise.all(calls).then(function (outcomes) {
    var out = {sync: sync, thenable: calls.filter(function (c) { return typeof c.then === 'function'; }).length};
    names.forEach(function (n, i) { out[n] = outcomes[i]; });
    window.results[position] = out;
  });
}
"""
BODY = '<a id="link" href="#there">there</a><form id="form" action="#sent"></form>'


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_every_method_in_every_position(site, server, watched, recorder, runtime):
    methods, snippets = methods_to_call(), every_snippet_method()
    assert "reset" in methods and len(methods) >= len(snippets)
    settings = {"trackerUrl": recorder, "runtime": runtime, "serviceId": "SP-1234-56", "disableHeartbeat": True}
    load = RECORDING_HELPERS + "var METHODS = %s;\n" % json.dumps(methods) + ARGUMENTS + (
        # Right after the snippet ran: every method a Segment snippet declared exists.
        "window.kinds = %s.map(function (m) { return typeof analytics[m]; });\n" % json.dumps(snippets) +
        "everyMethod('beforeLoad');\nwindow.loading = analytics.load(%s);" % json.dumps(settings))
    calls = "everyMethod('beforeBoot');\nanalytics.ready(function () { everyMethod('afterReady'); });"
    watched.goto(server.url + tag_page(site, "every-method-" + runtime, runtime, calls, load=load, body=BODY))
    watched.wait_for_function("window.results && Object.keys(window.results).length === 3", timeout=90000)
    assert watched.evaluate("window.kinds") == ["function"] * len(snippets)
    table = api_table()
    results = watched.evaluate("window.results")
    assert watched.evaluate("window.loading")["outcome"] in table["load"]
    for position in ("beforeLoad", "beforeBoot", "afterReady"):
        result = results[position]
        assert result.pop("thenable") == len(methods), position
        sync = result.pop("sync")
        assert sync["status"] == "string"
        assert sorted(result) == methods, position
        for method, outcome in result.items():
            assert set(outcome) <= {"outcome", "reason", "destinations"}, (position, method, outcome)
            assert outcome["outcome"] in table[method], (position, method, outcome)
    assert results["afterReady"]["track"]["outcome"] == "delivered"
    assert results["beforeLoad"]["alias"] == {"outcome": "unsupported", "reason": "Totango has no alias: nothing sent"}
    assert results["beforeLoad"]["screen"] == {
        "outcome": "unsupported", "reason": "Totango has no screens: nothing sent; call page() for a web page"}
    assert watched.evaluate("recorded('track').map(function (t) { return t[0]; })").count("Paid in afterReady") == 1
    watched.evaluate("async () => { await analytics.identify('u-1'); await analytics.group('acme'); }")
    # Bound after ready by trackLink and trackClick; earlier positions ran in <head>, before the link existed.
    watched.click("#link")
    watched.wait_for_function("recorded('track').filter(function (t) { return t[0] === 'Clicked link'; }).length === 2")
    assert watched.errors == []
