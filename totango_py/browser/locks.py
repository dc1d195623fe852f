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
        self._releases = []
        self._kept = []
        self._ignore = ffi.create_proxy(self._ignored)
        self._keep = ffi.create_proxy(self._keep_resolver)
        self._early = None
        self._take_early_js = ffi.create_proxy(self._take_early)

    def _ignored(self, *_):
        return None

    def _request(self, name, options, callback):
        proxy = ffi.create_proxy(callback)
        self._kept.append(proxy)
        promise = ffi.call(self._manager, "request", name, ffi.to_js(options), proxy)
        ffi.call(promise, "catch", self._ignore)  # a request cut short by the page going away

    def hold(self, name, on_held):
        early = ffi.snippet_attr("_tabLock")  # boot.js asked for this tab's lock while the runtime loaded
        if not ffi.is_none(early) and not early.taken and ffi.text(early.name) == name:
            early.taken = True
            self._early = (name, on_held)
            if ffi.is_none(early.release):
                ffi.call(early.held, "then", self._take_early_js)
            else:
                self._take_early(early.release)
            return
        self._hold(name, on_held)

    def _take_early(self, release, *_):
        name, on_held = self._early
        if ffi.is_none(release):  # boot.js's request failed: ask again
            self._hold(name, on_held)
            return
        self._releases.append(release)
        _run_held(on_held)

    def _hold(self, name, on_held):
        def granted(lock, *_):
            waiting = self._kept_until_release()
            _run_held(on_held)
            return waiting

        self._request(name, {"mode": "exclusive"}, granted)

    def _keep_resolver(self, resolve, *_):
        self._releases.append(resolve)

    def _kept_until_release(self):
        """What a granted callback returns: the lock stays ours until ``release``."""
        return js.Promise.new(self._keep)

    def release(self):
        releases, self._releases = self._releases, []
        for release in releases:
            release()

    def try_hold(self, name, fn):
        def granted(lock, *_):
            got = not ffi.is_none(lock)  # else its owner lives
            waiting = self._kept_until_release() if got else None  # kept: no third tab adopts it again
            try:
                fn(got)
            except Exception as error:
                ffi.log("error", "[totango_py] adopting another tab's work: %s" % error)
            return waiting

        self._request(name, {"mode": "exclusive", "ifAvailable": True}, granted)


def _run_held(on_held):
    try:
        on_held()
    except Exception as error:  # never into the page
        ffi.log("error", "[totango_py] after taking this tab's lock: %s" % error)


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
