"""Every difference between Pyodide and MicroPython, in one place.

Data crosses the boundary as JSON text, which both interpreters handle the
same way (and which turns JS Dates into ISO strings); functions and
null/undefined need per-interpreter care. And on MicroPython an exception
thrown by JavaScript cannot be caught by Python: it escapes the whole run.
So every JS operation that may throw goes through ``call``/``get``/``put``,
which run it inside a JavaScript try/catch and raise ``JsError`` instead.

    from totango_py.browser import ffi
    ffi.to_js({"a": 1})                                   # a plain JS object
    ffi.is_none(js_value)                                 # None, JS null or JS undefined
    store = ffi.get(js.window, "localStorage")            # raises JsError, never escapes
    ffi.call(store, "setItem", "k", "v")
"""

import json
import sys

import js

# Asked, not tried: a failed import searches every folder of sys.path, slowly on MicroPython.
if sys.implementation.name == "micropython":
    from jsffi import create_proxy as _create_proxy

    _jsnull = None
    _run_sync = None
    RUNTIME = "micropython"
else:
    # mypy reads both branches: _jsnull and _run_sync are MicroPython's Nones above.
    from pyodide.ffi import (  # type: ignore[no-redef]
        create_proxy as _create_proxy,
        jsnull as _jsnull,
        run_sync as _run_sync,
    )

    RUNTIME = "pyodide"

# In the tag's Web Worker (worker.js) there is no page: what Python does to it goes through
# ``relay``, which sets ``forward`` to note a console line or a DOM event for the page.
forward = None


def in_worker():
    """True in the tag's Web Worker. Asked each time: Pyodide's snapshot is made under Node."""
    return not hasattr(js, "document")


# Runs ``target[name](...args)`` and reports instead of throwing. boot.js
# provides it (no eval under a strict CSP); PyScript pages allow Function().
# The arguments are passed as they are: building a JS array costs a crossing per argument.
_GUARD_BODY = ("try { return {ok: true, value: t[n].apply(t, Array.prototype.slice.call(arguments, 2))}; } "
               "catch (e) { return {ok: false, error: String(e && e.message || e)}; }")
_guard = None


class JsError(Exception):
    """A JavaScript exception, turned into a Python one."""


def snippet_attr(name):
    """An attribute the snippet or boot.js put on ``window.analytics``, or None."""
    queue = getattr(getattr(js, "window", None), "analytics", None)
    return None if is_none(queue) else getattr(queue, name, None)


def _guarded():
    global _guard
    if _guard is None:
        existing = snippet_attr("_call")
        _guard = existing if not is_none(existing) else js.Function.new("t", "n", _GUARD_BODY)
    return _guard


def call(target, name, *args):
    """``target[name](*args)``; a JS exception becomes ``JsError``."""
    result = _guarded()(target, name, *args)
    if not result.ok:
        raise JsError("%s: %s" % (name, result.error))
    return result.value


def get(target, name):
    """``target[name]``, through getters that may throw."""
    return call(js.Reflect, "get", target, name)


def put(target, name, value):
    """``target[name] = value``, through setters that may throw."""
    call(js.Reflect, "set", target, name, value)


def create_proxy(function):
    """A JS function calling ``function`` that stays alive after the call (Pyodide needs it).

    Make it once and keep it for the page's life: a proxy JavaScript drops is
    finalized at a later garbage collection, which runs JavaScript in this page,
    and a page in the back/forward cache is evicted for that.

    In the worker, JavaScript calling it gets a Promise of the result: Python runs one
    call at a time there, each able to wait for the page (``wait``). The result comes in
    a JS array, so that the worker's queue waits for Python and not for a Promise it returned
    (a Web Lock's callback returns one that resolves when the lock is let go)."""
    if not in_worker():
        return _create_proxy(function)
    return snippet_attr("_entry")(_create_proxy(lambda *args: js.Array.of(function(*args))))


def wait(promise):
    """The value a JS Promise resolves with, Python waiting for it (the worker only: JSPI)."""
    return _run_sync(promise)


def is_none(value):
    """True for Python None, JS null (Pyodide's ``jsnull``) and JS undefined."""
    # Pyodide: undefined is None, null is jsnull. MicroPython: null is None,
    # undefined is an object of type ``undefined``.
    return value is None or value is _jsnull or type(value).__name__ == "undefined"


def text(value):
    """A JS string (or null/undefined) as ``str`` or None."""
    return None if is_none(value) else str(value)


def to_js(data):
    """A JSON-able Python value as a plain JS value (objects, not Maps)."""
    return js.JSON.parse(json.dumps(data))


def to_py(value):
    """A page's JS value as Python data, through boot.js's own serialiser when
    it is there (the page's JSON.stringify may be broken by its toJSON methods)."""
    if is_none(value):
        return None
    encode = snippet_attr("_json")
    text = encode(value) if not is_none(encode) else call(js.JSON, "stringify", value)
    return None if is_none(text) else json.loads(str(text))


def log(level, message):
    """A console line; a page's console that throws (or is missing) is ignored."""
    if forward is not None:
        forward("log", level, message)
        return
    try:
        call(get(js.window, "console"), level, message)
    except JsError:
        pass


def dispatch(name, detail):
    """Tell page code what happened: a ``CustomEvent`` on window (its listeners' errors stay theirs)."""
    if forward is not None:
        forward("dispatch", name, detail)
        return
    try:
        event = js.CustomEvent.new(name, to_js({"detail": detail}))  # a builtin: does not throw
        call(js.window, "dispatchEvent", event)
    except JsError:
        pass


def listen(target, name, function):
    """``target.addEventListener(name, ...)`` with a kept proxy of ``function``."""
    proxy = create_proxy(function)
    call(target, "addEventListener", name, proxy)
    return proxy
