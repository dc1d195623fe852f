"""The storage port in a page: localStorage, else cookies, else memory.

localStorage can be missing, disabled or throwing (SecurityError in
sandboxed frames, QuotaExceededError when full); each failure moves down one
level with a console warning and never raises. analytics.js keeps ids in
cookies too, so a key missing from localStorage is also looked up there.
"""

import js

from ..storage import MemoryStorage
from . import ffi

_PROBE = "totango_py_probe"
_YEAR = 365 * 24 * 3600


class LocalStorage:
    def __init__(self):
        store = js.window.localStorage
        store.setItem(_PROBE, "1")
        store.removeItem(_PROBE)
        self._store = store

    def get(self, key):
        return ffi.text(self._store.getItem(key))

    def set(self, key, text):
        self._store.setItem(key, text)

    def remove(self, key):
        self._store.removeItem(key)


class CookieStorage:
    def __init__(self):
        js.document.cookie = _PROBE + "=1; path=/; SameSite=Lax"
        if (_PROBE + "=1") not in str(js.document.cookie):
            raise RuntimeError("cookies are disabled")
        self.remove(_PROBE)

    def get(self, key):
        for part in str(js.document.cookie).split(";"):
            name, _, value = part.strip().partition("=")
            if name == key:
                return ffi.text(js.decodeURIComponent(value))
        return None

    def set(self, key, text):
        js.document.cookie = "%s=%s; path=/; max-age=%d; SameSite=Lax" % (
            key, js.encodeURIComponent(text), _YEAR)

    def remove(self, key):
        js.document.cookie = key + "=; path=/; max-age=0; SameSite=Lax"


class BrowserStorage:
    """localStorage → cookie → memory, falling back on the first failure of each."""

    def __init__(self, logger):
        self._logger = logger
        self._levels = []
        for kind in (LocalStorage, CookieStorage):
            try:
                self._levels.append(kind())
            except Exception as error:
                self._warn("%s unavailable (%s)" % (kind.__name__, error))
        self._levels.append(MemoryStorage())
        self.kind = type(self._levels[0]).__name__

    def _warn(self, message):
        self._logger.log("warn", "[totango_py] storage: %s; falling back" % message)

    def _fail(self, error):
        """The active level failed: move to the next one."""
        failed = self._levels.pop(0)
        self._warn("%s failed (%s)" % (type(failed).__name__, error))
        self.kind = type(self._levels[0]).__name__

    def get(self, key):
        for level in list(self._levels):
            try:
                value = level.get(key)
            except Exception:
                continue
            if value is not None:
                return value
        return None

    def set(self, key, text):
        while True:
            try:
                self._levels[0].set(key, text)
                return
            except Exception as error:
                self._fail(error)

    def remove(self, key):
        for level in self._levels:
            try:
                level.remove(key)
            except Exception:
                pass
