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
# localStorage key under which the snippet keeps calls still queued when the page is left.
QUEUE_KEY = "totango_py_queue"
# The methods the snippet queues until Python has booted.
QUEUED_METHODS = ["identify", "group", "page", "track", "reset", "ready", "debug"]

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
        "defaultRuntime": DEFAULT_RUNTIME,
        "runtimes": {name: {key: value for key, value in runtime.items() if key in _STARTING}
                     for name, runtime in RUNTIMES.items()},
    }


# What boot.js needs of a runtime to start it.
_STARTING = ("module", "start", "options", "indexURL")
