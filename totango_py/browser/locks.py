"""The locks port in a page: the Web Locks API (``navigator.locks``).

A lock is shared by every tab of the origin and granted to one holder at a
time; the browser releases it when its holder's page goes away, even when it
crashes. See ``totango_py.ownership`` for what the locks protect and why.
Without the API (a page not served over https) ``LeaseLocks`` stands in.
"""

import js

from ..ownership import LeaseLocks
from . import ffi

_RENEW_MS = 60000


class WebLocks:
    def __init__(self, manager):
        self._manager = manager
        self._release = None
        self._kept = []
        self._ignore = ffi.create_proxy(self._ignored)

    def _ignored(self, *_):
        return None

    def _request(self, name, options, callback):
        proxy = ffi.create_proxy(callback)
        self._kept.append(proxy)
        promise = ffi.call(self._manager, "request", name, ffi.to_js(options), proxy)
        ffi.call(promise, "catch", self._ignore)  # a request cut short by the page going away

    def hold(self, name, on_held):
        def granted(lock, *_):
            waiting = js.Promise.new(ffi.create_proxy(self._keep_resolver))
            try:
                on_held()
            except Exception as error:  # never into the page
                ffi.log("error", "[totango_py] after taking this tab's lock: %s" % error)
            return waiting

        self._request(name, {"mode": "exclusive"}, granted)

    def _keep_resolver(self, resolve, *_):
        self._release = resolve

    def release(self):
        release, self._release = self._release, None
        if release is not None:
            release()

    def try_hold(self, name, fn):
        def granted(lock, *_):
            if ffi.is_none(lock):
                return None  # its owner lives
            try:
                fn()
            except Exception as error:
                ffi.log("error", "[totango_py] adopting another tab's work: %s" % error)
            return None

        self._request(name, {"mode": "exclusive", "ifAvailable": True}, granted)
        return True


def page_locks(storage):
    """Web Locks when the page has them, else leases in storage renewed on a timer."""
    try:
        manager = ffi.get(js.navigator, "locks")
    except ffi.JsError:
        manager = None
    if not ffi.is_none(manager):
        return WebLocks(manager)
    locks = LeaseLocks(storage)
    ffi.call(js.window, "setInterval", ffi.create_proxy(lambda *_: locks.renew()), _RENEW_MS)
    return locks
