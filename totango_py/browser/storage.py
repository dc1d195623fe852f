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
        store = ffi.get(js.window, "localStorage")
        if ffi.is_none(store):
            raise ffi.JsError("no localStorage")
        ffi.call(store, "setItem", _PROBE, "1")
        ffi.call(store, "removeItem", _PROBE)
        self._store = store

    def get(self, key):
        return ffi.text(ffi.call(self._store, "getItem", key))

    def set(self, key, text):
        ffi.call(self._store, "setItem", key, text)

    def remove(self, key):
        ffi.call(self._store, "removeItem", key)


def _cookies():
    return str(ffi.get(js.document, "cookie"))


class CookieStorage:
    def __init__(self):
        ffi.put(js.document, "cookie", _PROBE + "=1; path=/; SameSite=Lax")
        if (_PROBE + "=1") not in _cookies():
            raise ffi.JsError("cookies are disabled")
        self.remove(_PROBE)

    def get(self, key):
        for part in _cookies().split(";"):
            name, _, value = part.strip().partition("=")
            if name == key:
                return ffi.text(ffi.call(js.window, "decodeURIComponent", value))
        return None

    def set(self, key, text):
        value = ffi.call(js.window, "encodeURIComponent", text)
        ffi.put(js.document, "cookie", "%s=%s; path=/; max-age=%d; SameSite=Lax" % (key, value, _YEAR))

    def remove(self, key):
        ffi.put(js.document, "cookie", key + "=; path=/; max-age=0; SameSite=Lax")


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
