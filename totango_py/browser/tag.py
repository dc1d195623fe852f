"""Hands ``window.analytics`` (the snippet's queue) over to Python.

The snippet keeps queueing ``[method, ...args]``; ``boot.js`` encodes queued
calls as JSON and asks Python to drain them right after the caller's task,
in slices of at most ``_BUDGET_MS``, so a call from page code costs an array push.
Functions and elements stay in JavaScript (``PageValue``). After each slice
Python hands back the calls' outcomes, which resolve their Promises.
"""

import json

import js

from .. import analytics
from ..journal import describe
from ..settings import SettingsError
from ..ports import dropped
from ..vocabulary import CALLBACK as _FN, KEPT_METHODS, QUEUE_KEY, SKIPPED
from . import bridge, ffi  # (bridge: imported now, used by load, so start stays short)


_SLICE = 25      # calls taken from the queue at a time
_BUDGET_MS = 10  # then yield to the page, so a burst never makes a long task


def _kept(stored):
    """Calls another tab (or this one, before the back/forward cache) kept at pagehide."""
    if isinstance(stored, list):
        queue = js.window.analytics
        for item in stored:
            if isinstance(item, list) and item and item[0] in KEPT_METHODS:
                _handle(queue, item, by_reference=False)


def _renamed():
    """Back from the back/forward cache under a new name: the snippet keeps calls under it."""
    if ffi.forward is not None:  # in the worker: the page's snippet is told
        ffi.forward("tab", analytics.owner.tab)
    js.window.analytics._tab = analytics.owner.tab


def _drain(everything=False, *_):
    """Handle queued calls; return True when some are left for the next slice."""
    queue = js.window.analytics
    started = js.performance.now()
    while True:
        items = json.loads(str(queue._take(_SLICE)))
        if items:
            queue._settle(json.dumps([_handle(queue, item) for item in items]))
        if len(items) < _SLICE:
            return False
        if everything is not True and js.performance.now() - started > _BUDGET_MS:
            return True


def _handle(queue, item, by_reference=True):
    """One encoded call (``[method, ...args]``, or the reason it could not be read), handled:
    its outcome. Page functions and elements come by reference, only from this page's queue."""
    try:
        if isinstance(item, dict):
            method = item.get("method") if isinstance(item.get("method"), str) else "?"
            shown = item.get("args") if isinstance(item.get("args"), list) else []
            reason = str(item.get(SKIPPED))
            analytics.journal.drop(describe(method, shown), reason)
            return dropped(reason)
        if not isinstance(item, list) or not item or not isinstance(item[0], str):
            analytics.journal.drop("?()", "not an analytics call")
            return dropped("not an analytics call")
        args = [_by_reference(queue, arg) if by_reference and isinstance(arg, dict) and _FN in arg else arg
                for arg in item[1:]]
        return analytics.call(item[0], args)
    except Exception as error:  # a bug must never stop the queue or leave a Promise unresolved
        return dropped("internal error: %s: %s" % (type(error).__name__, error))


def _by_reference(queue, marker):
    """The page function (or elements) a marker stands for; imported on the first one,
    as most pages pass none. In the worker the value stays on the page, known by its index."""
    if ffi.forward is not None:
        from .relay import RemoteValue

        return RemoteValue(marker[_FN])
    from .page_value import PageValue

    return PageValue(queue._fn(marker[_FN]))


def _loaded(queue, outcome):
    """Resolve the Promise ``analytics.load()`` returned."""
    if not ffi.is_none(getattr(queue, "_onLoad", None)):
        queue._onLoad(ffi.to_js(outcome))


def _state(*_):
    user, group = analytics.user(), analytics.group()
    return json.dumps({
        "user": {"id": user.id(), "traits": user.traits()},
        "group": {"id": group.id(), "traits": group.traits()},
        "anonymousId": analytics.identity.anonymous_id if analytics.identity else None,
    })


def _status(*_):
    status = analytics.status()
    status["python"] = ffi.RUNTIME
    return json.dumps(status)


def start():
    """Load with the snippet's settings and take over the queue (boot.js drains it next)."""
    queue = js.window.analytics
    try:
        settings = ffi.to_py(ffi.get(queue, "_settings")) or {}
    except ffi.JsError as error:
        settings = {"unreadable settings": str(error)}
    bridge.tab = ffi.text(ffi.snippet_attr("_tab"))
    try:
        analytics.load(settings)
    except SettingsError as error:
        message = "[totango_py] analytics.load: %s" % error
        ffi.log("error", message)
        queue._failed = message
        ffi.dispatch("totango:error", {"reason": message})
        queue._holdAll(message)
        return
    _loaded(queue, {"outcome": "local", "reason": "settings accepted; the collector is loading"})
    analytics.owner.register(QUEUE_KEY, _kept, _renamed)
    if analytics.owner.holding:  # granted at once (no Web Locks): the first sweep missed the queue
        analytics.owner.sweep()
    queue._state = ffi.create_proxy(_state)
    queue._status = ffi.create_proxy(_status)
    queue._drain = ffi.create_proxy(_drain)
    queue.initialized = True  # boot.js drains the queue next, in a task of its own
