"""Hands ``window.analytics`` (the snippet's queue) over to Python.

The snippet keeps queueing ``[method, ...args]``; ``boot.js`` encodes queued
calls as JSON and asks Python to drain them right after the caller's task,
in slices of at most ``_BUDGET_MS``, so a call from page code costs an array push.
Functions and elements stay in JavaScript (``PageValue``). After each slice
Python hands back the calls' outcomes, which resolve their Promises.
"""

import json

import js

from .. import analytics, spool
from ..journal import describe
from ..ports import dropped
from ..settings import SettingsError
from ..vocabulary import CALLBACK as _FN, KEPT_METHODS, QUEUE_KEY, SKIPPED
from . import bridge, ffi  # (bridge: imported now, used by load, so start stays short)

_SLICE = 10     # calls taken from the queue at a time
_BUDGET_MS = 5  # then yield to the page, so a burst never makes a long task

# Calls another tab (or this one, before the back/forward cache) kept at pagehide, not yet
# handled: they come before this page's queue, a slice at a time.
_backlog = []  # type: list[list[object]]
_resuming = False  # a drain is due once this tab is settled
_pacing = False    # in the worker: the rest of the queue is being drained, a slice an answer


def _kept(stored):
    if isinstance(stored, list):
        _backlog.extend(item for item in stored if isinstance(item, list) and item and item[0] in KEPT_METHODS)
        _when_settled()  # adopted while unsettled: drained once the adoption is over


def _replay():
    """Handle a slice of the kept calls (never this page's: no page functions by reference)."""
    queue = js.window.analytics
    with spool.Batch():
        for item in _backlog[:_SLICE]:
            _handle(queue, item, by_reference=False)
    del _backlog[:_SLICE]


def _renamed():
    """Back from the back/forward cache under a new name: the snippet keeps calls under it."""
    if ffi.forward is not None:  # in the worker: the page's snippet is told
        ffi.forward("tab", analytics.owner.tab)
    js.window.analytics._tab = analytics.owner.tab


def _when_settled():
    global _resuming
    if not _resuming:
        _resuming = True
        analytics.owner.when_settled(_resume)


def _resume():
    """Settled: drain what waited (in the worker, the calls the page sent meanwhile)."""
    global _resuming
    _resuming = False
    if ffi.forward is not None:
        _drain(True)
    else:
        ffi.call(js.window.analytics, "_kick")


def _drain(everything=False, *_):
    """Handle queued calls; True when some are left for a later task. This page's calls wait
    until what gone tabs left is adopted (it is older), unless a page asks for user() or
    group() and needs the answer now (``everything``, on a page). In the worker, each answer
    takes a slice: the page applies one answer's effects in one task."""
    worker = ffi.forward is not None
    if not (everything is True and not worker) and not analytics.owner.settled():
        _when_settled()
        return False
    if worker:
        more = _slice()
        if more:
            _pace()
        return more
    started = js.performance.now()
    while _slice():
        if everything is not True and js.performance.now() - started > _BUDGET_MS:
            return True
    return False


def _slice():
    """Kept calls first, else up to ``_SLICE`` of the queue; True when some are left."""
    if _backlog:
        _replay()
        return True
    queue = js.window.analytics
    items = json.loads(str(queue._take(_SLICE)))
    if items:
        with spool.Batch():
            outcomes = [_handle(queue, item) for item in items]
        queue._settle(json.dumps(outcomes))
    return len(items) == _SLICE


def _pace():
    global _pacing
    if not _pacing:
        _pacing = True
        analytics.ports["pacer"].run(_paced)


def _paced():
    global _pacing
    more = False
    try:
        more = analytics.owner.settled() and _slice()
    finally:
        _pacing = more
    return more


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
