"""The Initech Cloud demo (dist/demo), driven like a person would, checked at the local Totango receiver.

Set DEMO_SCREENSHOT=docs/demo.png to also refresh the README screenshot (MicroPython, Billing, after Pay invoice).
"""

import os
import time

import pytest

from page_helpers import RUNTIMES, wait_status
from paths import ROOT
from tools.runtimes import RUNTIMES as TABLE

USER, ACCOUNT = "u-1001", "initech"
BOOT_MS = 90000


@pytest.fixture
def browser_context_args(browser_context_args):
    return dict(browser_context_args, viewport={"width": 1280, "height": 800})


def _order(record):
    stamp, counter = record["params"]["_r"].split(".")
    return int(stamp, 36), int(counter)


def received(server, since=0):
    """Pixels after ``since`` in send order, heartbeats left out."""
    records = [r for r in server.received(since=since) if r["activity"] != "__heartbeat"]
    return sorted(records, key=_order)


def wait_activities(server, expected, since=0, timeout=30.0):
    """``(activity, module, account, user)`` after ``since`` once as many as ``expected`` have arrived."""
    deadline = time.monotonic() + timeout
    while True:
        got = [(r["activity"], r["module"], r["account"], r["user"]) for r in received(server, since) if r["activity"]]
        if len(got) >= len(expected) or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def last_seq(server):
    records = server.received()
    return records[-1]["seq"] if records else 0


def open_demo(page, server, path):
    page.goto(server.url + path)
    page.wait_for_function("document.getElementById('account').dataset.state !== 'booting'", timeout=BOOT_MS)


def sign_in(page):
    page.fill("#f-userId", USER)
    page.fill("#f-name", "Peter Gibbons")
    page.fill("#f-companyId", ACCOUNT)
    page.select_option("#f-plan", "Paying")
    page.click("#signin-button")
    page.wait_for_selector("#account[data-state='signed-in']")


def section_activities(section, name, module=None):
    return [("Viewed %s Page" % section, section, ACCOUNT, USER),
            ("Viewed %s %s Page" % (section, name), module or section, ACCOUNT, USER)]


WALK = [("Billing", "Invoices", "Pay invoice", ("Pay invoice", "Billing", ACCOUNT, USER)),
        ("Reports", "Usage", "Export report", ("Export report", "Reports", ACCOUNT, USER)),
        ("Settings", "Team", "Invite teammate", ("Invite teammate", "Team", ACCOUNT, USER)),
        ("Dashboard", "Overview", None, None)]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_walk_through(server, watched, output_path, runtime):
    open_demo(watched, server, "demo/")
    if runtime == "pyodide":  # the inspector's switch reloads the demo on the other runtime
        watched.click("#runtime-pyodide")
        watched.wait_for_url("**/demo/?runtime=pyodide*")
        watched.wait_for_function("document.getElementById('account').dataset.state !== 'booting'", timeout=BOOT_MS)
    assert watched.locator("#account").get_attribute("data-state") == "signed-out"
    # Before sign-in the first page view is held, and shown as held. On Pyodide the
    # MicroPython page's held views are adopted too, once that page has gone: held calls
    # persist across pages, and each page's views are its own.
    pages = 2 if runtime == "pyodide" else 1
    held = wait_status(watched, "s.held_for_account.length >= %d" % pages)["held_for_account"]
    assert len(held) == pages and all(call.startswith('page("Dashboard", "Overview"') for call in held), held
    watched.wait_for_function("document.getElementById('held').innerText.includes('identify() + group()')")

    sign_in(watched)
    expected = section_activities("Dashboard", "Overview") * len(held)
    for section, name, button, event in WALK:
        watched.click("nav >> text=" + section)
        expected += section_activities(section, name)
        if button:
            watched.click("[data-panel=%s] >> text=%s" % (section, button))
            expected.append(event)
        if section == "Billing" and runtime == "micropython" and os.environ.get("DEMO_SCREENSHOT"):
            watched.wait_for_function("document.querySelector('#received').innerText.includes('Pay invoice')")
            watched.mouse.move(400, 700)
            watched.wait_for_timeout(1700)  # let the new-row highlight fade
            watched.screenshot(path=os.path.join(ROOT, os.environ["DEMO_SCREENSHOT"]))
    got = wait_activities(server, expected)
    assert got == expected
    identified = [r for r in received(server) if r["activity"] is None]
    last = identified[-1]
    assert (last["account"], last["account_name"], last["account_attributes"]["plan"]) == (ACCOUNT, "Initech", "Paying")
    assert last["account_attributes"]["Create Date"] == "2024-03-01T00:00:00.000Z"
    assert (last["user"], last["user_name"], last["user_attributes"]["email"]) == (
        USER, "Peter Gibbons", "peter.gibbons@initech.example")

    # The inspector shows all three stages and the runtime it booted.
    watched.wait_for_function(
        "n => [...document.querySelectorAll('#received .act')]"
        ".filter(c => c.textContent !== '__heartbeat').length >= n",
        arg=len(expected))
    shown = [a for a in watched.eval_on_selector_all("#received .act", "cells => cells.map(c => c.textContent)")
             if a != "__heartbeat"]
    assert shown[::-1] == [e[0] for e in expected]  # newest first, in send order
    table = watched.inner_text("#received")
    assert "Pay invoice" in table and "Team" in table and "Initech" in table
    calls = watched.inner_text("#calls")
    assert "analytics.identify" in calls and "analytics.group" in calls and 'analytics.track("Pay invoice"' in calls
    assert watched.inner_text("#stat-runtime") == TABLE[runtime]["label"]
    assert watched.inner_text("#stat-tracker") == "ready" and "s" in watched.inner_text("#stat-boot")
    assert watched.evaluate("analytics.status().runtime") == runtime
    watched.wait_for_timeout(1700)  # let the new-row highlight fade before the screenshot
    os.makedirs(output_path, exist_ok=True)
    watched.screenshot(path=os.path.join(output_path, "demo-%s.png" % runtime))

    # A reload keeps the account: the page shows it and its first page view is attributed to it.
    mark = last_seq(server)
    watched.reload()
    watched.wait_for_selector("#account[data-state='signed-in']", timeout=BOOT_MS)
    assert "Peter Gibbons" in watched.inner_text("#account") and "Initech" in watched.inner_text("#account")
    assert watched.evaluate("[analytics.user().id(), analytics.group().id()]") == [USER, ACCOUNT]
    after_reload = section_activities("Dashboard", "Overview")
    assert wait_activities(server, after_reload, since=mark) == after_reload

    # Sign out: reset(), then activity is held and nothing reaches the old account.
    wait_status(watched, "s.tracker === 'ready'")
    mark = last_seq(server)
    watched.click("#signout")
    watched.wait_for_selector("#signin:not([hidden])")
    assert watched.evaluate("[analytics.user().id(), analytics.group().id()]") == [None, None]
    watched.click("nav >> text=Billing")
    watched.click("[data-panel=Billing] >> text=Pay invoice")
    wait_status(watched, "s.held_for_account.includes('track(\"Pay invoice\", {…})')")
    watched.wait_for_timeout(1500)
    assert [r for r in received(server, mark) if r["activity"] or r["account"] == ACCOUNT] == []
    watched.wait_for_function("document.getElementById('held').innerText.includes('track(\"Pay invoice\"')")
    assert watched.errors == []


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_pyscript_app(server, watched, output_path, runtime):
    query = "?runtime=pyodide" if runtime == "pyodide" else ""
    open_demo(watched, server, "demo/pyscript.html" + query)
    sign_in(watched)
    watched.click("nav >> text=Billing")
    watched.click("[data-panel=Billing] >> text=Pay invoice")
    watched.click("nav >> text=Settings")
    watched.click("[data-panel=Settings] >> text=Invite teammate")
    expected = section_activities("Dashboard", "Overview") + section_activities("Billing", "Invoices") + [
        ("Pay invoice", "Billing", ACCOUNT, USER)] + section_activities("Settings", "Team") + [
        ("Invite teammate", "Team", ACCOUNT, USER)]
    assert wait_activities(server, expected) == expected
    last = [r for r in received(server) if r["activity"] is None][-1]
    assert (last["account_name"], last["user_name"]) == ("Initech", "Peter Gibbons")
    assert last["account_attributes"]["Create Date"] == "2024-03-01T00:00:00.000Z"
    watched.wait_for_function(
        "n => [...document.querySelectorAll('#received .act')]"
        ".filter(c => c.textContent !== '__heartbeat').length >= n",
        arg=len(expected))
    assert "analytics.track('Pay invoice'" in watched.inner_text("#calls")
    assert watched.inner_text("#stat-runtime") == TABLE[runtime]["label"]
    os.makedirs(output_path, exist_ok=True)
    watched.screenshot(path=os.path.join(output_path, "demo-pyscript-%s.png" % runtime))

    watched.reload()
    watched.wait_for_selector("#account[data-state='signed-in']", timeout=BOOT_MS)
    assert "Initech" in watched.inner_text("#account")
    assert watched.locator(".py-error, .mpy-error").count() == 0
    assert watched.errors == []


@pytest.mark.parametrize("path", ["demo/", "demo/pyscript.html"])
def test_usable_on_a_phone(server, watched, output_path, path):
    """390 px wide (a phone): nothing scrolls sideways in any section, the inspector sits under the app."""
    watched.set_viewport_size({"width": 390, "height": 844})
    open_demo(watched, server, path)
    sign_in(watched)
    for section in ("Dashboard", "Billing", "Reports", "Settings"):
        watched.click("a[data-section='%s']" % section)
        watched.wait_for_selector("section[data-panel='%s']:not([hidden])" % section)
        assert watched.evaluate("document.scrollingElement.scrollWidth") <= 390, section
    watched.click("[data-action='invite-teammate']")
    watched.wait_for_function("document.querySelectorAll('#received tbody tr:not(.empty)').length > 0")
    assert watched.evaluate("document.scrollingElement.scrollWidth") <= 390
    app, inspector = (watched.locator(selector).bounding_box() for selector in (".app", "#inspector"))
    assert inspector["y"] >= app["y"] + app["height"] - 1 and inspector["width"] <= 390
    os.makedirs(output_path, exist_ok=True)
    name = "phone-%s.png" % ("pyscript" if "pyscript" in path else "js")
    watched.screenshot(path=os.path.join(output_path, name), full_page=True)
