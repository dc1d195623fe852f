"""Path set-up shared by every tier: the repository's root and ``tests/support/`` importable.

The tiers, each a folder run on its own or together:

- ``core/``: the pure-Python core on CPython (no build, no browser, no server);
- ``server/``: the server client and ``totango_py.analytics`` against the emulator's receiver over HTTP;
- ``package/``: what ``python3 build.py`` built (``dist/``: the tag folder, the wheel), MicroPython under Node;
- ``browser/``: the tag in real Chromium through Playwright (its fixtures are in ``browser/conftest.py``).

Each tier's own helpers sit beside its tests; ``support/`` holds those of several tiers.
"""

import os
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
for folder in (os.path.dirname(TESTS), os.path.join(TESTS, "support")):
    if folder not in sys.path:
        sys.path.insert(0, folder)
