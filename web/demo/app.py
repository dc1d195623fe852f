"""Initech Cloud as a PyScript app: the same calls as app.js, made from Python.

Runs on MicroPython (``type="mpy"``) or Pyodide (``type="py"``); the page
passes PyScript the tag's config, which puts ``totango_py`` on the path.
"""

import json
import sys

import js
from pyscript import document, when
from pyscript.ffi import create_proxy

from totango_py import analytics

TIMES = {"bootStart": 0, "runtimeReady": js.window.performance.now()}
RUNTIME = "micropython" if sys.implementation.name == "micropython" else "pyodide"
SECTIONS = {"Dashboard": "Overview", "Billing": "Invoices", "Reports": "Usage", "Settings": "Team"}
ACTIONS = {
    "pay-invoice": ("Pay invoice", {"invoice": "INV-1042", "amount": 249}),
    "export-report": ("Export report", {"format": "CSV", "report": "Usage"}),
    # Its own category: Totango files it under module "Team", not the current section.
    "invite-teammate": ("Invite teammate", {"category": "Team", "role": "Editor"}),
}


def call(method, *args):
    """Log the call for the inspector, then make it."""
    js.window.demoLog("analytics.%s(%s)" % (method, ", ".join(repr(a) for a in args)))
    getattr(analytics, method)(*args)


def by_id(name):
    return document.getElementById(name)


def show_section(name):
    panels = document.querySelectorAll("[data-panel]")
    for i in range(panels.length):
        panels.item(i).hidden = panels.item(i).dataset.panel != name
    links = document.querySelectorAll("[data-section]")
    for i in range(links.length):
        link = links.item(i)
        if link.dataset.section == name:
            link.setAttribute("aria-current", "page")
        else:
            link.removeAttribute("aria-current")


def show_account():
    """Signed in or not, as the tag knows it (kept in localStorage across reloads)."""
    user, group = analytics.user(), analytics.group()
    signed_in = bool(user.id() and group.id())
    u, g = user.traits(), group.traits()
    by_id("booting").hidden = True
    by_id("signin").hidden = signed_in
    by_id("signout").hidden = not signed_in
    by_id("account").dataset.state = "signed-in" if signed_in else "signed-out"
    if signed_in:
        name = u.get("name") or user.id()
        plan = " · %s plan" % g["plan"] if g.get("plan") else ""
        by_id("account-user").textContent = name
        by_id("account-group").textContent = "%s%s" % (g.get("name") or group.id(), plan)
        by_id("avatar").textContent = "".join(w[0] for w in name.split()[:2]).upper()
    else:
        by_id("account-user").textContent = "Not signed in"
        by_id("account-group").textContent = "activity is held until sign-in"
        by_id("avatar").textContent = "?"


@when("submit", "#signin")
def sign_in(event):
    event.preventDefault()

    def value(name):
        return str(by_id("f-" + name).value).strip()

    call("identify", value("userId"), {"email": value("email"), "name": value("name")})
    call("group", value("companyId"),
         {"name": value("companyName"), "plan": value("plan"), "created": value("created")})
    show_account()


@when("click", "#signout")
def sign_out(event):
    call("reset")
    show_account()


@when("click", "[data-action]")
def act(event):
    event_name, properties = ACTIONS[event.currentTarget.dataset.action]
    call("track", event_name, properties)


def on_hash(*_):
    name = js.window.demoSection()
    show_section(name)
    call("page", name, SECTIONS[name])


def status(*_):
    """What the inspector reads: the tag's status() plus runtime and boot times."""
    result = analytics.status()
    result["runtime"] = RUNTIME
    result["times"] = TIMES
    return json.dumps(result)


config = js.window.DEMO_CONFIG
analytics.load(service_id=config.serviceId, tracker_url=config.trackerUrl, region=config.region)
TIMES["pythonReady"] = js.window.performance.now()
js.window.demoStatus = create_proxy(status)
js.window.addEventListener("hashchange", create_proxy(on_hash))
section = js.window.demoSection()
show_section(section)
call("page", section, SECTIONS[section])
show_account()
