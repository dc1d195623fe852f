"""Every difference between Pyodide and MicroPython, in one place.

Data crosses the boundary as JSON text, which both interpreters handle the
same way (and which turns JS Dates into ISO strings); only functions and
null/undefined need per-interpreter care.

    from totango_py.browser import ffi
    ffi.to_js({"a": 1})        # a plain JS object
    ffi.is_none(js_value)      # True for None, JS null and JS undefined
"""

import json

import js

try:
    from pyodide.ffi import create_proxy as _create_proxy
    from pyodide.ffi import jsnull as _jsnull

    RUNTIME = "pyodide"
except ImportError:
    from jsffi import create_proxy as _create_proxy

    _jsnull = None
    RUNTIME = "micropython"


def create_proxy(function):
    """A JS function calling ``function`` that stays alive after the call (Pyodide needs it)."""
    return _create_proxy(function)


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
    """A plain JS value (object, array, string, number) as Python data."""
    if is_none(value):
        return None
    return json.loads(js.JSON.stringify(value))
