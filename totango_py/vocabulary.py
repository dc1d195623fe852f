"""Names the JavaScript tag and Python share, written once.

``build.py`` writes these values into ``web/tag/*.js`` wherever a
``/*@vocabulary.NAME*/null`` placeholder stands, so the two languages cannot
drift apart. Plain data only: it runs in the page on MicroPython too.
"""

# Marks a value JavaScript could not pass over (a cycle, a function, a DOM node).
SKIPPED = "__totango_py_skipped__"
# Stands for a page function in an encoded call; Python calls it back by index.
CALLBACK = "__totango_py_fn__"
DEFAULT_TRACKER_URL = "https://tracker.totango.com/totango4.0.3.js"
# analytics.js's storage keys (JSON in localStorage), read by the snippet for
# user() / group() before Python has booted.
USER_KEYS = {"id": "ajs_user_id", "traits": "ajs_user_traits"}
GROUP_KEYS = {"id": "ajs_group_id", "traits": "ajs_group_properties"}
ANONYMOUS_ID_KEY = "ajs_anonymous_id"
# localStorage key under which the snippet keeps calls still queued when the page is left.
QUEUE_KEY = "totango_py_queue"
# analytics.js's API: the methods the snippet queues (each returns a Promise of
# the call's outcome) and Python's ``Analytics.call`` dispatches. ``load``,
# ``status`` and the getters ``user()`` / ``group()`` are answered in place.
QUEUED_METHODS = ["identify", "group", "page", "track", "alias", "reset", "ready", "debug",
                  "on", "once", "off", "trackLink", "trackForm", "trackClick", "trackSubmit", "timeout",
                  "setAnonymousId", "addSourceMiddleware", "addDestinationMiddleware", "register", "deregister"]
# Of those, the calls the snippet keeps in localStorage when the page is left
# before Python took them (the others carry page functions or elements).
KEPT_METHODS = ["identify", "group", "page", "track", "alias", "reset", "setAnonymousId"]
# Of the queued methods, the ones whose first argument is page elements: they stay in
# JavaScript and Python gets them by reference, like page functions.
ELEMENT_METHODS = ["trackLink", "trackForm", "trackClick", "trackSubmit"]
# Of the queued methods, those in ``local_calls`` (with ``emitter`` and ``middleware``): shipped in a
# bundle of their own that the tag fetches on the first such call, so most pages never do.
LATER_METHODS = ["alias", "on", "once", "off", "trackLink", "trackForm", "trackClick", "trackSubmit", "timeout",
                 "setAnonymousId", "addSourceMiddleware", "addDestinationMiddleware", "register", "deregister"]

DEFAULT_RUNTIME = "micropython"
# Each runtime: its npm package and files (copied into ``<tag>/<name>/``), the
# module and function that start it with their options, and the form in which
# it gets the totango_py package (``mpy``: precompiled bytecode; ``source``:
# Python text). ``indexURL`` asks for the runtime folder's URL.
RUNTIMES = {
    "micropython": {
        "label": "MicroPython",
        "package": "@micropython/micropython-webassembly-pyscript",
        "files": ["micropython.mjs", "micropython.wasm"],
        "module": "micropython.mjs",
        "start": "loadMicroPython",
        "options": {"linebuffer": True},
        "indexURL": False,
        "format": "mpy",
        "pyscript": "mpy",
    },
    "pyodide": {
        "label": "Pyodide",
        "package": "pyodide",
        "files": ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"],
        "module": "pyodide.mjs",
        "start": "loadPyodide",
        "options": {"packages": []},
        "indexURL": True,
        "format": "source",
        "pyscript": "py",
        # Run after files are added to a folder Python has already imported from.
        "afterFiles": "import importlib\nimportlib.invalidate_caches()",
    },
}


def for_javascript():
    """The values JavaScript needs, by the names its placeholders use."""
    return {
        "skipped": SKIPPED,
        "callback": CALLBACK,
        "defaultTrackerUrl": DEFAULT_TRACKER_URL,
        "queueKey": QUEUE_KEY,
        "queuedMethods": QUEUED_METHODS,
        "elementMethods": ELEMENT_METHODS,
        "keptMethods": KEPT_METHODS,
        "laterMethods": LATER_METHODS,
        "userKeys": USER_KEYS,
        "groupKeys": GROUP_KEYS,
        "anonymousIdKey": ANONYMOUS_ID_KEY,
        "defaultRuntime": DEFAULT_RUNTIME,
        "runtimes": {name: {key: value for key, value in runtime.items() if key in _STARTING}
                     for name, runtime in RUNTIMES.items()},
    }


# What boot.js needs of a runtime to start it.
_STARTING = ("module", "start", "options", "indexURL", "afterFiles")
