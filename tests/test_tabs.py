"""Several tabs of one site opening, tracking, reloading and closing at random moments,
with slow and failing collectors: every event reaches the collector exactly once.

Tabs close as a user closes them (unload handlers run; Playwright's plain
``close()`` is a crash, which loses calls made before Python booted: they
exist only in that page's memory). Seeded: a failure names its seed. At the end every tab is closed and a last one opened,
as a visitor coming back: it adopts whatever the closed tabs left undelivered.
"""

import random
import time
from collections import Counter

import pytest

from conftest import RUNTIMES
from page_helpers import COLLECTOR, tag_page, wait_status

SIGN_IN = "analytics.identify('tab-user'); analytics.group('tab-co');"
PLAN = {"micropython": {"tabs": 5, "steps": 60}, "pyodide": {"tabs": 3, "steps": 24}}
COLLECTORS = [COLLECTOR, COLLECTOR, COLLECTOR + "?delay=2500", COLLECTOR + "?delay=6000", COLLECTOR + "?fail=1"]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_every_event_of_many_tabs_arrives_exactly_once(site, server, watched, runtime):
    seed = 4242 + RUNTIMES.index(runtime)
    rng = random.Random(seed)
    plan = PLAN[runtime]
    context = watched.context
    pages = {}
    for index, url in enumerate(COLLECTORS):
        pages[url] = server.url + tag_page(site, "tab-%s-%d" % (runtime, index), runtime, SIGN_IN,
                                           settings={"trackerUrl": url})
    watched.goto(server.url + "t/blank.html")
    watched.evaluate("localStorage.clear()")
    tabs, made, errors, opened = [], [], [], 0

    def open_tab():
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(rng.choice(list(pages.values())), wait_until="domcontentloaded")
        tabs.append(page)

    for step in range(plan["steps"]):
        action = rng.random()
        if not tabs or (action < 0.2 and len(tabs) < plan["tabs"]):
            open_tab()
            opened += 1
        elif action < 0.7:
            name = "tab-event-%d" % step
            rng.choice(tabs).evaluate("analytics.track(%r)" % name)
            made.append(name)
        elif action < 0.85:
            rng.choice(tabs).goto(rng.choice(list(pages.values())), wait_until="domcontentloaded")  # reload / navigate
        else:
            tabs.pop(rng.randrange(len(tabs))).close(run_before_unload=True)  # as a user closes it
        time.sleep(rng.random() * 0.4)
    for page in tabs:
        page.close(run_before_unload=True)
    # The visitor comes back: this tab adopts what the closed ones left.
    watched.goto(pages[COLLECTOR])
    wait_status(watched, "s.tracker === 'ready'", 60000)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        got = Counter(r["activity"] for r in server.received() if r["activity"])
        if all(got[name] >= 1 for name in made):
            break
        time.sleep(0.2)
    time.sleep(2)  # room for a late duplicate
    got = Counter(r["activity"] for r in server.received() if r["activity"])
    assert made and opened >= 2, "seed %d: too little happened" % seed
    wrong = {name: got[name] for name in made if got[name] != 1}
    assert wrong == {}, "seed %d: %r; storage %s; log %s" % (
        seed, wrong, watched.evaluate("JSON.stringify(Object.keys(localStorage))"),
        watched.evaluate("JSON.stringify(analytics.status().log.slice(-15))"))
    assert errors == [] and watched.errors == [], "seed %d" % seed
