"""The lifecycle port: pause delivery while the page is being left or offline.

A pixel the collector sends while a navigation is under way is cut off when
the next page commits. So from ``beforeunload`` (or ``offline``) commands stay
in the persisted outbox, which the next page delivers; if the page stays
after all (a download link, a cancelled navigation) delivery resumes.

On ``pagehide`` the tab gives up its claim on its work (``Owner.leave``):
another tab may adopt it. Coming back from the back/forward cache
(``pageshow`` with ``persisted``) it claims it again and re-reads it first.
A ``storage`` event telling that a tab left work behind (or a snippet kept
its queue) makes this one look for orphans.
No ``unload`` handler: it would keep every tag page out of the back/forward cache.
"""

import js

from ..ownership import LEFT_KEY, split_key
from ..vocabulary import QUEUE_KEY
from . import ffi

_STAY_MS = 3000
_SWEEP_AGAIN_MS = (300, 1500, 5000)
_LEAVING = "the page is being left"


class PageLifecycle:
    def __init__(self, owner=None):
        self._owner = owner
        self._pause = None
        self._resume = None
        self._handlers = []
        self._timer = None

    def _listen(self, name, handler):
        self._handlers.append(ffi.listen(js.window, name, handler))

    def watch(self, pause, resume):
        self._pause, self._resume = pause, resume
        self._back_js = ffi.create_proxy(self._stayed)
        self._sweep_js = ffi.create_proxy(self._sweep)
        self._listen("beforeunload", self._leaving)
        self._listen("pagehide", self._hidden)
        self._listen("pageshow", self._shown)
        self._listen("offline", self._offline)
        self._listen("online", self._back)
        self._listen("storage", self._storage)
        if not ffi.is_none(ffi.snippet_attr("_leaving")):
            self._leaving()
        if ffi.get(js.navigator, "onLine") is False:
            self._offline()

    def _leaving(self, *_):
        self._pause(_LEAVING)
        self._timer = ffi.call(js.window, "setTimeout", self._back_js, _STAY_MS)

    def _stayed(self, *_):
        self._timer = None
        self._back()

    def _hidden(self, *_):
        self._pause(_LEAVING)
        if self._timer is not None:  # no timer left running in the back/forward cache
            ffi.call(js.window, "clearTimeout", self._timer)
            self._timer = None
        if self._owner is not None:
            self._owner.leave()

    def _shown(self, event=None, *_):
        if self._owner is not None and event is not None and ffi.get(event, "persisted") is True:
            self._owner.start()  # back from the back/forward cache: claim, re-read, then deliver
        self._back()

    def _offline(self, *_):
        self._pause("the browser is offline")

    def _back(self, *_):
        if ffi.get(js.navigator, "onLine") is not False:
            self._resume()

    def _sweep(self, *_):
        self._owner.sweep()

    def _storage(self, event=None, *_):
        if self._owner is None or event is None:
            return
        key = ffi.text(ffi.get(event, "key")) or ""
        if key == LEFT_KEY or split_key(key)[0] == QUEUE_KEY:  # a tab left work behind
            self._owner.sweep()
            # Its lock is released a moment after it said so: look again shortly.
            for delay in _SWEEP_AGAIN_MS:
                ffi.call(js.window, "setTimeout", self._sweep_js, delay)
