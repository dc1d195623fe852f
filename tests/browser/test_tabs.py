"""Several tabs of one site opening, tracking, reloading and closing at random moments,
with slow and failing collectors: every event reaches the collector exactly once.

Tabs close as a user closes them (unload handlers run; Playwright's plain
``close()`` is a crash, which loses calls made before Python booted: they
exist only in that page's memory). Seeded: a failure names its seed. At the end every tab is
closed and a last one opened, as a visitor coming back: it adopts whatever the closed tabs left undelivered.
"""

import random
import time
from collections import Counter

import pytest

from page_helpers import COLLECTOR, RUNTIMES, tag_page, wait_status

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


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_tab_lock_boot_js_asked_for_is_the_one_python_holds(site, server, watched, runtime):
    """boot.js asks for this tab's lock while the runtime loads; Python takes that request over
    instead of asking again: one lock held under the tab's name, none waiting, and the calls go out."""
    url = server.url + tag_page(site, "tab-lock-%s" % runtime, runtime, SIGN_IN + " analytics.track('locked');")
    watched.goto(url)
    wait_status(watched, "s.delivered >= 3", timeout_ms=60000)
    state = watched.evaluate("""async () => {
        const q = await navigator.locks.query(), a = window.analytics;
        const mine = (l) => l.name.indexOf('totango_py_tab:') === 0;
        return {held: q.held.filter(mine).map(l => l.name), pending: q.pending.filter(mine).map(l => l.name),
                tab: a._tab, taken: a._tabLock && a._tabLock.taken};
    }""")
    assert state["taken"] is True
    assert state["held"] == ["totango_py_tab:" + state["tab"]]
    assert state["pending"] == []


def test_a_page_left_before_python_started_lets_the_tab_lock_go(site, server, watched):
    """Left before Python took the lock over, the page gives it up at pagehide (a held lock
    would keep it out of the back/forward cache). Pyodide: seconds pass before Python starts."""
    first = tag_page(site, "tab-leave-early", "pyodide", SIGN_IN + " analytics.track('left early');")
    watched.goto(server.url + first, wait_until="commit")
    name = None
    for _ in range(200):  # as soon as boot.js holds the lock, and before Python takes it over
        name = watched.evaluate("""() => { const a = window.analytics, lock = a && a._tabLock;
            if (!lock || typeof lock.release !== 'function' || lock.taken) return lock && lock.taken ? 'taken' : null;
            dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}));
            return a._tabLock === null ? lock.name : 'still held: ' + lock.name; }""")
        if name:
            break
        time.sleep(0.01)
    assert name and name != "taken", "boot.js never held the lock before Python took it: %r" % name
    assert name.startswith("totango_py_tab:")
    # Asked for now, the lock comes to this request before Python (which asks only once it has
    # started, under the same name) can take it again: granted only if boot.js let it go.
    granted = watched.evaluate("""(name) => navigator.locks.request(name, {signal: AbortSignal.timeout(3000)},
        () => 'granted').catch((e) => String(e))""", name)
    assert granted == "granted"
