"""The links port: ``trackLink`` / ``trackForm`` listeners on page elements.

Takes one element, an array, a NodeList or a jQuery object. No navigation is
delayed: a call made as the page is left stays in the snippet's queue (kept in
localStorage) and goes out from the next page.
"""

from . import ffi


def _elements(value):
    value = getattr(value, "js", value)  # a PageValue from the tag
    if isinstance(value, (list, tuple)):
        return list(value)
    if ffi.is_none(value):
        return []
    if not ffi.is_none(ffi.get(value, "nodeType")):
        return [value]
    length = ffi.get(value, "length")
    if ffi.is_none(length):
        return []
    return [ffi.get(value, index) for index in range(int(length))]


class PageLinks:
    def __init__(self, logger):
        self._logger = logger
        self._handlers = []

    def bind(self, elements, dom_event, handler):
        """Call ``handler(element)`` on each ``dom_event`` of the elements; return how many were bound."""

        def listener(event):
            try:
                handler(event.currentTarget)
            except Exception as error:  # never into the page's event loop
                self._logger.log("error", "[totango_py] %s handler failed: %s" % (dom_event, error))

        proxy = ffi.create_proxy(listener)
        self._handlers.append(proxy)
        bound = 0
        for element in _elements(elements):
            try:
                ffi.call(element, "addEventListener", dom_event, proxy)
                bound += 1
            except ffi.JsError as error:
                self._logger.log("warn", "[totango_py] not an element, skipped: %s" % error)
        return bound
