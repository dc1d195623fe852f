"""Calls made just before the user leaves the page are kept and delivered on the next page, once."""

import pytest

from page_helpers import RUNTIMES, activities, tag_page, wait_pixels, wait_status

CALLS = """
analytics.identify('leaver', {name: 'Lee'});
analytics.group('exit-co', {name: 'Exit Co'});
analytics.page('Billing', 'Invoices');
analytics.track('Clicked pay');
setTimeout(function () { location.href = '%s'; }, %d);
"""
EXPECTED = [
    ("Viewed Billing Page", "Billing", "exit-co", "leaver"),
    ("Viewed Billing Invoices Page", "Billing", "exit-co", "leaver"),
    ("Clicked pay", "Billing", "exit-co", "leaver"),
]


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("delay_ms", [0, 20, 100, 250])
def test_no_loss_and_no_duplicates_on_early_exit(site, server, watched, runtime, delay_ms):
    watched.goto(server.url + "t/blank.html")  # a clean origin state for this run
    watched.evaluate("localStorage.clear()")
    next_page = "/" + tag_page(site, "next-%s" % runtime, runtime, "")
    first = tag_page(site, "leave-%s-%d" % (runtime, delay_ms), runtime, CALLS % (next_page, delay_ms))
    watched.goto(server.url + first)
    watched.wait_for_url("**" + next_page, timeout=30000)
    wait_status(watched, "s.tracker === 'ready' && s.waiting_for_collector.length === 0", 60000)
    wait_pixels(server, len(EXPECTED))
    watched.wait_for_timeout(1000)  # room for a duplicate to show up, if there were one
    got = activities(server.received())
    assert sorted(got) == sorted(EXPECTED), got
    assert watched.evaluate("Object.keys(localStorage).filter(k => k.startsWith('totango_py_queue'))") == []
    assert watched.errors == []
