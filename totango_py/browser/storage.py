"""The storage port in a page: localStorage, else cookies, else memory.

localStorage can be missing, disabled or throwing (SecurityError in
sandboxed frames, QuotaExceededError when full); each failure moves down one
level with a console warning and never raises. analytics.js keeps ids in
cookies too, so an id missing from localStorage is also looked up there.
"""

import js

from .. import storage as keys
from ..ports import MemoryStorage
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

    def keys(self):
        count = int(ffi.get(self._store, "length"))
        return [ffi.text(ffi.call(self._store, "key", index)) for index in range(count)]


def _cookies():
    return str(ffi.get(js.document, "cookie"))


def _cookie(key):
    for part in _cookies().split(";"):
        name, _, value = part.strip().partition("=")
        if name == key:
            return ffi.text(ffi.call(js.window, "decodeURIComponent", value))
    return None


class CookieStorage:
    def __init__(self, probe=True):
        if probe:
            ffi.put(js.document, "cookie", _PROBE + "=1; path=/; SameSite=Lax")
            if (_PROBE + "=1") not in _cookies():
                raise ffi.JsError("cookies are disabled")
            self.remove(_PROBE)

    def get(self, key):
        return _cookie(key)

    def set(self, key, text):
        value = ffi.call(js.window, "encodeURIComponent", text)
        ffi.put(js.document, "cookie", "%s=%s; path=/; max-age=%d; SameSite=Lax" % (key, value, _YEAR))

    def remove(self, key):
        ffi.put(js.document, "cookie", key + "=; path=/; max-age=0; SameSite=Lax")

    def keys(self):
        return [part.strip().partition("=")[0] for part in _cookies().split(";") if part.strip()]


# The cookies analytics.js may have left: removed on reset even while
# localStorage is in use, so an old id cannot come back.
_COOKIES = CookieStorage(probe=False)
_ANALYTICS_JS_COOKIES = (keys.USER_ID, keys.GROUP_ID, keys.ANONYMOUS_ID)


class BrowserStorage:
    """localStorage → cookie → memory, each level taken on the first failure of the one before.

    Cookies are also read (never probed) while localStorage works, for the ids
    analytics.js may have left there.
    """

    def __init__(self, logger):
        self._logger = logger
        self._active = None
        self._fallbacks = [CookieStorage, MemoryStorage]
        try:
            self._active = LocalStorage()
        except Exception as error:
            self._next("LocalStorage unavailable (%s)" % error)

    def _next(self, reason):
        """Take the next level that starts (memory always does)."""
        while True:
            self._logger.log("warn", "[totango_py] storage: %s; falling back" % reason)
            kind = self._fallbacks.pop(0)
            try:
                self._active = kind()
                break
            except Exception as error:
                reason = "%s unavailable (%s)" % (kind.__name__, error)

    def get(self, key):
        try:
            value = self._active.get(key)
        except Exception:
            value = None
        if value is None and key in _ANALYTICS_JS_COOKIES and isinstance(self._active, LocalStorage):
            try:
                value = _cookie(key)
            except Exception:
                value = None
        return value

    def set(self, key, text):
        while True:
            try:
                self._active.set(key, text)
                return
            except Exception as error:
                self._next("%s failed (%s)" % (type(self._active).__name__, error))

    def keys(self):
        try:
            return [key for key in self._active.keys() if key is not None]
        except Exception:
            return []

    def remove(self, key):
        levels = [self._active]
        if key in _ANALYTICS_JS_COOKIES and not isinstance(self._active, CookieStorage):
            levels.append(_COOKIES)
        for level in levels:
            try:
                level.remove(key)
            except Exception:
                pass
