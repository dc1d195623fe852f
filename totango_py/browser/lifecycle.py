"""The lifecycle port: pause delivery while the page is being left or offline.

A pixel the collector sends while a navigation is under way is cut off when
the next page commits. So from ``beforeunload`` (or ``offline``) commands stay
in the persisted outbox, which the next page delivers; if the page stays
after all (a download link, a cancelled navigation) delivery resumes.
"""

import js

from . import ffi

_STAY_MS = 3000
_LEAVING = "the page is being left"


class PageLifecycle:
    def __init__(self):
        self._pause = None
        self._resume = None
        self._handlers = []

    def _listen(self, name, handler):
        proxy = ffi.create_proxy(handler)
        self._handlers.append(proxy)
        js.window.addEventListener(name, proxy)

    def watch(self, pause, resume):
        self._pause, self._resume = pause, resume
        self._back_js = ffi.create_proxy(self._back)
        self._listen("beforeunload", self._leaving)
        self._listen("pageshow", self._back)
        self._listen("offline", self._offline)
        self._listen("online", self._back)
        if not ffi.is_none(ffi.snippet_attr("_leaving")):
            self._leaving()
        if js.navigator.onLine is False:
            self._offline()

    def _leaving(self, *_):
        self._pause(_LEAVING)
        js.setTimeout(self._back_js, _STAY_MS)  # still here: the page stayed after all

    def _offline(self, *_):
        self._pause("the browser is offline")

    def _back(self, *_):
        if js.navigator.onLine is not False:
            self._resume()
