"""The pacer port in a page (and in the tag's worker): work in slices of a few
milliseconds, each slice a task of its own, so that handing thousands of waiting
calls to the collector never makes a long task (see ``totango_py.ports``)."""

import js

from . import ffi

_BUDGET_MS = 5


class PagePacer:
    """``budget_ms``: how long a slice may run on; 0 in the tag's worker, where a step's cost is
    the page's (it applies each collector command a step hands over): one step per answer."""

    def __init__(self, budget_ms=_BUDGET_MS):
        self._budget_ms = budget_ms
        self._steps = []
        self._busy = False   # a slice is running, or one is due
        self._slice_js = ffi.create_proxy(self._slice)

    def run(self, step):
        """Start ``step`` now, in this task, and go on in later ones while it has more to do."""
        self._steps.append(step)
        if not self._busy:
            self._slice()

    def _slice(self, *_):
        self._busy = True
        started = js.performance.now()
        try:
            while self._steps:
                try:
                    more = self._steps[0]()
                except Exception as error:  # never into the page; the step is given up
                    ffi.log("error", "[totango_py] %s: %s" % (type(error).__name__, error))
                    more = False
                if not more:
                    self._steps.pop(0)
                if self._steps and js.performance.now() - started >= self._budget_ms:
                    ffi.call(js.window, "setTimeout", self._slice_js, 0)
                    return  # still busy: the next slice is due
        except ffi.JsError as error:  # no timer to be had: the next run() starts over
            ffi.log("error", "[totango_py] could not continue later: %s" % error)
        self._busy = False
