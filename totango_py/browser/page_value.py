"""A page function or page elements, kept in JavaScript; Python holds a reference.

The tag sends functions (callbacks, listeners, middleware) and the elements of
``trackLink`` / ``trackForm`` by reference, since they cannot cross as JSON.
Calling one runs the JavaScript function guarded (its exception becomes
``ffi.JsError``); two references to the same function compare equal, so
``off(event, fn)`` finds the listener ``on(event, fn)`` added.
"""

import json

import js

from . import ffi


class PageValue:
    def __init__(self, value):
        self.js = value

    def __call__(self, *args):
        array = js.Array.new()
        for arg in args:
            array.push(ffi.to_js(arg) if isinstance(arg, (dict, list, tuple)) else arg)
        return ffi.to_py(ffi.call(js.Reflect, "apply", self.js, None, array))

    def __eq__(self, other):
        return isinstance(other, PageValue) and bool(getattr(js.Object, "is")(self.js, other.js))

    def run_middleware(self, message, context):
        """The message this page middleware passed to ``next()``, or None (see ``totango_py.middleware``)."""
        text = ffi.call(js.window.analytics, "_middleware", self.js, json.dumps(message), json.dumps(context))
        return None if ffi.is_none(text) else json.loads(str(text))
