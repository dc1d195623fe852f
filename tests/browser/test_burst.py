"""A burst of calls while the collector is 6 s late: every activity arrives once and in order,
with the user's and account's traits, nothing dropped and no page error — on both runtimes,
also when the page is reloaded in the middle of the burst. How long the tag's scripts run
meanwhile is a benchmark figure (``bench/burst.py``), not asserted here."""

import pytest

from page_helpers import COLLECTOR, RUNTIMES, activities, tag_page, wait_pixels, wait_status

LATE_COLLECTOR = COLLECTOR + "?delay=6000"


def burst(first, last):
    """A page's first lines: sign in, then track ``Burst <n>`` for n in [first, last)."""
    return """
analytics.identify('u-burst', {email: 'ann@initech.example', name: 'Ann'});
analytics.group('acme-burst', {name: 'Acme', plan: 'Paying'});
for (var n = %d; n < %d; n++) analytics.track('Burst ' + n, {n: n});
""" % (first, last)


def check_delivery(server, page, count):
    records = wait_pixels(server, count, identified=1, timeout=240)
    expected = ["Burst %d" % n for n in range(count)]
    assert [a[0] for a in activities(records)] == expected
    assert {(a[2], a[3]) for a in activities(records)} == {("acme-burst", "u-burst")}
    # The collector sends the user with the account (identify's go alone has no account yet).
    identified = [r for r in records if not r["activity"]]
    assert identified, "no identification pixel"
    assert identified[-1]["user_attributes"]["email"] == "ann@initech.example"
    assert identified[-1]["account_name"] == "Acme" and identified[-1]["account_attributes"]["plan"] == "Paying"
    assert identified[-1]["user_name"] == "Ann"
    status = wait_status(page, "s.tracker === 'ready' && s.waiting_count === 0", 60000)
    assert status["dropped_count"] == 0, status["dropped"]
    assert page.errors == []


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_ten_thousand_calls_before_a_late_collector(site, server, watched, runtime):
    page = tag_page(site, "burst-" + runtime, runtime, burst(0, 10000),
                    settings={"trackerUrl": LATE_COLLECTOR})
    watched.goto(server.url + page)
    waiting = wait_status(watched, "s.tracker === 'loading' && s.waiting_count > 5000", 60000)
    assert waiting["dropped_count"] == 0
    check_delivery(server, watched, 10000)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_five_thousand_calls_over_a_reload(site, server, watched, runtime):
    """The page is left with part of its calls in Python's outbox and the rest in the
    snippet's queue; the next page delivers them before its own, each once."""
    settings = {"trackerUrl": LATE_COLLECTOR}
    first = tag_page(site, "burst-a-" + runtime, runtime, burst(0, 2500), settings=settings)
    second = tag_page(site, "burst-b-" + runtime, runtime, burst(2500, 5000), settings=settings)
    watched.goto(server.url + first)
    wait_status(watched, "s.waiting_count > 0", 60000)
    watched.goto(server.url + second)
    check_delivery(server, watched, 5000)
