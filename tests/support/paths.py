"""Where the tests find the repository and what ``python3 build.py`` built."""

import glob
import os

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)
DIST = os.path.join(ROOT, "dist")


def built_wheel():
    """The wheel ``python3 build.py`` wrote to ``dist/python/``."""
    found = glob.glob(os.path.join(DIST, "python", "totango_py-*-py3-none-any.whl"))
    assert len(found) == 1, "expected one wheel in dist/python/, found %r: run `python3 build.py`" % found
    return found[0]
