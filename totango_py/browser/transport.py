"""The transport port in a page: Totango's stub, ``totango_options``, one collector script,
and commands applied to ``window.totango`` as they come.

The stub follows Totango's own snippet (``totango_tmp_stack`` plus ``go``,
``track``, ``identify``, ``setAccountAttributes``) so that page code calling
``window.totango`` early loses nothing; the core itself holds its commands
until the script has loaded and sends them in order then.
"""

import js

from . import ffi

_SCRIPT_ID = "totango-py-collector"
_TIMEOUT_MS = 15000


_dispatch = ffi.dispatch  # tells page code what happened, as a DOM event on window


class _Stub:
    """``window.totango`` until the collector replaces it; ``track`` queues like Totango's."""

    def __init__(self):
        self._track = ffi.create_proxy(self.track)
        self._noop = ffi.create_proxy(self.noop)
        self._go = ffi.create_proxy(self.go)

    def track(self, activity=None, module=None, org=None, user=None):
        entry = {"activity": ffi.text(activity), "module": ffi.text(module),
                 "org": ffi.text(org), "user": ffi.text(user)}
        ffi.call(ffi.get(js.window, "totango_tmp_stack"), "push", ffi.to_js(entry))

    def go(self, *args):
        return -1

    def noop(self, *args):
        return None

    def install(self):
        if ffi.is_none(getattr(js.window, "totango_tmp_stack", None)):
            js.window.totango_tmp_stack = js.Array.new()
        stub = ffi.to_js({})
        stub.go = self._go
        stub.track = self._track
        stub.identify = self._noop
        stub.setAccountAttributes = self._noop
        js.window.totango = stub


class BrowserTransport:
    def __init__(self, logger):
        self._logger = logger
        self._stub = _Stub()
        self._on_ready = None
        self._on_fail = None
        self._done = False
        self._timer = None
        self._timed_out_js = ffi.create_proxy(self._timed_out)
        self.script = None

    def load(self, options, url, on_ready, on_fail):
        self._on_ready, self._on_fail = on_ready, on_fail
        self.set_options(options)
        self._timer = ffi.call(js.window, "setTimeout", self._timed_out_js, _TIMEOUT_MS)
        existing = ffi.call(js.document, "getElementById", _SCRIPT_ID)
        if not ffi.is_none(existing):
            # Another copy of totango_py on this page (say, the tag and a PyScript
            # app) inserted it already: never a second one; wait for that one.
            self.script = existing
            if not ffi.is_none(getattr(js.window, "__totango3", None)):
                self._loaded()
            else:
                ffi.listen(existing, "load", self._loaded)
                ffi.listen(existing, "error", self._errored)
            return
        self._stub.install()
        script = ffi.call(js.document, "createElement", "script")
        script.id = _SCRIPT_ID
        ffi.call(script, "setAttribute", "async", "")
        ffi.listen(script, "load", self._loaded)
        ffi.listen(script, "error", self._errored)
        script.src = url  # a property assignment: the URL is never parsed as HTML
        ffi.call(ffi.get(js.document, "head"), "appendChild", script)
        self.script = script

    def _finish(self):
        if self._done:
            return False
        self._done = True
        if self._timer is not None:
            ffi.call(js.window, "clearTimeout", self._timer)
        return True

    def _loaded(self, *event):
        if not self._finish():
            return
        if ffi.is_none(getattr(js.window, "__totango3", None)):
            self._logger.log("warn", "[totango_py] the collector script loaded but did not define __totango3")
        self._on_ready()  # the held calls go out first; then page code is told
        _dispatch("totango:ready", {})

    def _fail(self, reason):
        if not self._finish():
            return
        _dispatch("totango:error", {"reason": reason})
        self._on_fail(reason)

    def _errored(self, *event):
        self._fail("the collector script could not be loaded from %s" % self.script.src)

    def _timed_out(self, *args):
        self._fail("the collector script did not load within %d s" % (_TIMEOUT_MS // 1000))

    def set_options(self, options):
        js.window.totango_options = ffi.to_js(options)

    def send(self, command):
        """``window.totango[method](*args)``; its exceptions become ``ffi.JsError`` for the core to report."""
        args = [ffi.to_js(arg) if isinstance(arg, (dict, list)) else arg for arg in command[1:]]
        ffi.call(js.window.totango, command[0], *args)
