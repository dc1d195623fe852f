"""Hands ``window.analytics`` (the snippet's queue) over to Python.

The snippet keeps queueing ``[method, ...args]``; ``boot.js`` encodes queued
calls as JSON and asks Python to drain them right after the caller's task,
in slices of at most ``_BUDGET_MS``, so a call from page code costs an array push. Callbacks stay in JavaScript and are
called back by index after Python has handled their call.
"""

import json

import js

from .. import analytics
from ..settings import SettingsError
from ..vocabulary import CALLBACK as _FN
from . import bridge, ffi  # noqa: F401  (bridge: imported now, used by load, so start stays short)


def _callback(queue, index):
    def call():
        queue._callFn(index)

    return call


_SLICE = 25      # calls taken from the queue at a time
_BUDGET_MS = 10  # then yield to the page, so a burst never makes a long task


def _drain(everything=False, *_):
    """Handle queued calls; return True when some are left for the next slice."""
    queue = js.window.analytics
    started = js.performance.now()
    while True:
        items = json.loads(str(queue._take(_SLICE)))
        for item in items:
            args = [_callback(queue, arg[_FN]) if isinstance(arg, dict) and _FN in arg else arg
                    for arg in item[1:]]
            analytics.call(item[0], args)
        if len(items) < _SLICE:
            return False
        if everything is not True and js.performance.now() - started > _BUDGET_MS:
            return True


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
    """Load with the snippet's settings, then drain and take over the queue."""
    queue = js.window.analytics
    settings = ffi.to_py(queue._settings) or {}
    try:
        analytics.load(settings)
    except SettingsError as error:
        message = "[totango_py] analytics.load: %s" % error
        js.console.error(message)
        queue._failed = message
        js.window.dispatchEvent(js.CustomEvent.new("totango:error", ffi.to_js({"detail": {"reason": message}})))
        return
    queue._state = ffi.create_proxy(_state)
    queue._status = ffi.create_proxy(_status)
    queue._drain = ffi.create_proxy(_drain)
    queue.initialized = True
    if _drain():
        queue._kick()
