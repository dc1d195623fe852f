"""The runtimes the tag can boot, as the build needs them, and the shared vocabulary as
``web/tag/*.js`` names it.

Build-side only (build.py, the demo, the tests, the benchmark): the page's Python knows
just the runtimes' names, ``vocabulary.RUNTIME_NAMES``, which key the table here.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "totango_py"))
import vocabulary  # noqa: E402  (plain data, imported without the package)

del sys.path[0]

MICROPYTHON, PYODIDE = vocabulary.RUNTIME_NAMES
# Each runtime: its npm package and files (copied into ``<tag>/<name>/``), the
# module and function that start it with their options, and the form in which
# it gets the totango_py package (``mpy``: precompiled bytecode; ``source``:
# Python text). ``indexURL`` asks for the runtime folder's URL.
RUNTIMES = {
    MICROPYTHON: {
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
    PYODIDE: {
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
        # Started from a memory snapshot taken after STEPS' imports (build.py): seconds less
        # of CPython's start-up. Run after restoring it: the snapshot's random state is the
        # same for every visitor, and anonymous ids and tab names are drawn from it.
        "snapshot": "import random",
        "afterSnapshot": "random.seed()",
        # Run in a Web Worker (web/tag/worker.js) where the browser allows: off the page's thread.
        "worker": True,
    },
}

# Where boot.js writes the package in the runtime's file system.
PACKAGE_ROOT = "/totango_py_lib"
# What boot.js runs in Python, each step in a task of its own, with the mark it sets in
# ``status().times`` after it. A snapshot is taken after the imports (``IMPORT_STEPS``).
STEPS = [
    ["coreImported", "import sys\nif %r not in sys.path: sys.path.insert(0, %r)\nimport totango_py"
     % (PACKAGE_ROOT, PACKAGE_ROOT)],
    ["bridgeImported", "from totango_py.browser import tag"],
    ["pythonReady", "tag.start()"],
]
IMPORT_STEPS = 2


def for_javascript():
    """The values JavaScript needs, by the names its placeholders use."""
    return {
        "skipped": vocabulary.SKIPPED,
        "callback": vocabulary.CALLBACK,
        "defaultTrackerUrl": vocabulary.DEFAULT_TRACKER_URL,
        "queueKey": vocabulary.QUEUE_KEY,
        "tabLockPrefix": vocabulary.TAB_LOCK_PREFIX,
        "workPrefix": vocabulary.WORK_PREFIX,
        "leftKey": vocabulary.LEFT_KEY,
        "queuedMethods": vocabulary.QUEUED_METHODS,
        "elementMethods": vocabulary.ELEMENT_METHODS,
        "keptMethods": vocabulary.KEPT_METHODS,
        "laterMethods": vocabulary.LATER_METHODS,
        "userKeys": vocabulary.USER_KEYS,
        "groupKeys": vocabulary.GROUP_KEYS,
        "anonymousIdKey": vocabulary.ANONYMOUS_ID_KEY,
        "defaultRuntime": vocabulary.DEFAULT_RUNTIME,
        "packageRoot": PACKAGE_ROOT,
        "steps": STEPS,
        "runtimes": {name: {key: value for key, value in runtime.items() if key in _STARTING}
                     for name, runtime in RUNTIMES.items()},
    }


# What boot.js needs of a runtime to start it.
_STARTING = ("module", "start", "options", "indexURL", "afterFiles", "afterSnapshot")
