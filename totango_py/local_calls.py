"""The rest of analytics.js's API: calls that Totango has no counterpart for, or
whose work is done inside totango_py (listeners, middleware, link binding).

Each is accepted, returns its outcome (``local`` or ``unsupported``, with the
reason), is logged under ``debug(true)`` and never raises. ``Analytics`` finds
these methods here on their first use (``vocabulary.LATER_METHODS``), so a page
that never calls them never loads this module, ``emitter`` or ``middleware``.
"""

from . import arguments
from .emitter import Emitter
from .journal import describe
from .middleware import Middleware
from .ports import held, local, unsupported
from .values import to_id, type_name

NO_PLUGINS = "analytics-next plugins are not run here; addSourceMiddleware changes or drops calls"
NO_SCREENS = "Totango has no screens: nothing sent; call page() for a web page"


def _functions(values):
    """Functions given one by one or as one list (analytics.js takes both)."""
    if len(values) == 1 and isinstance(values[0], (list, tuple)):
        values = values[0]
    return list(values)


def _emitter(analytics):
    if analytics.emitter is None:
        analytics.emitter = Emitter(analytics.journal)
    return analytics.emitter


def _middleware(analytics):
    if analytics.middleware is None:
        analytics.middleware = Middleware()
    return analytics.middleware


class LocalCalls:
    # -- alias -------------------------------------------------------------
    def alias(self, *args):
        """``alias(to, [from], [options], [callback])``: Totango has no alias; listeners still hear it."""
        return _unsent(self, arguments.alias(list(args)), args, "Totango has no alias: nothing sent")

    # -- the other names of Segment's snippets ---------------------------------
    def screen(self, *args):
        """``screen([category], [name], [properties], [options], [callback])`` (analytics-next's):
        Totango has no screens, and an integration without them gets nothing; listeners still hear it."""
        return _unsent(self, arguments.screen(list(args)), args, NO_SCREENS)

    # -- events ------------------------------------------------------------
    def on(self, event=None, function=None):
        """Call ``function`` with analytics.js's arguments each time ``event`` is emitted."""
        return _listen(self, "on", event, function)

    def once(self, event=None, function=None):
        """``on``, for the next emission only."""
        return _listen(self, "once", event, function)

    def off(self, event=None, function=None):
        """Stop calling ``function`` (every listener when not given) for ``event``."""
        removed = 0 if self.emitter is None else self.emitter.off(event, function)
        return self._local(describe("off", [event]), local("%d listener(s) removed" % removed))

    # -- links and forms ---------------------------------------------------
    def trackLink(self, elements=None, event=None, properties=None):
        """Track ``event`` on each click of the links (no navigation delay: the queue persists)."""
        return _bind(self, "trackLink", "click", elements, event, properties)

    def trackForm(self, elements=None, event=None, properties=None):
        """Track ``event`` on each submit of the forms."""
        return _bind(self, "trackForm", "submit", elements, event, properties)

    trackClick = trackLink  # analytics.js classic's older names
    trackSubmit = trackForm

    # -- settings of the call path -------------------------------------------
    def timeout(self, milliseconds=None):
        """Accepted: callbacks never wait for the network here, each runs once its call is handled."""
        self.callback_timeout = milliseconds
        return self._local(describe("timeout", [milliseconds]),
                           local("callbacks run once their call is handled; no timeout is needed"))

    def setAnonymousId(self, anonymous_id=None):
        """Set the anonymous id (``ajs_anonymous_id``), as analytics.js."""
        call = describe("setAnonymousId", [anonymous_id])
        if self.settings is None:
            self._pending.append(("setAnonymousId", [anonymous_id]))
            return held("waiting for load()")
        value, error = to_id(anonymous_id, "anonymous")
        if error:
            return self._bad(call, error)
        self.identity.set_anonymous_id(value)
        return self._local(call, local("anonymous id set"))

    def addSourceMiddleware(self, function=None):
        """Run ``function`` on every call before any destination; it may change or drop the call."""
        if not callable(function):
            return self._bad("addSourceMiddleware()", "needs a function, got %s" % _js_type(function))
        _middleware(self).source.append(function)
        return self._local("addSourceMiddleware()", local("source middleware added"))

    def addIntegrationMiddleware(self, function=None):
        """Classic analytics.js's: ``function(payload, integration, next)`` runs on every call before
        each destination (ahead of its destination middleware); it may change or drop the call."""
        if not callable(function):
            return self._bad("addIntegrationMiddleware()", "needs a function, got %s" % _js_type(function))
        _middleware(self).integration.append(function)
        return self._local("addIntegrationMiddleware()", local("integration middleware added"))

    def addDestinationMiddleware(self, name=None, *functions):
        """Run the functions on every call before destination ``name``; they may change or drop it."""
        functions = _functions(functions)
        call = describe("addDestinationMiddleware", [name])
        if not isinstance(name, str) or not functions or not all(callable(f) for f in functions):
            return self._bad(call, "needs a destination name and functions")
        if name not in [d.name for d in self.destinations]:
            self.journal.log("warn", "%s: no destination is named %s" % (call, name))
        _middleware(self).add_destination(name, functions)
        return self._local(call, local("%d middleware(s) added for %s" % (len(functions), name)))

    def register(self, *plugins):
        """Accepted: analytics-next plugins are not run."""
        return self._local("register()", unsupported(NO_PLUGINS))

    def deregister(self, *names):
        """Accepted: there are no registered plugins to remove."""
        return self._local("deregister()", unsupported(NO_PLUGINS))


def _unsent(analytics, message, args, reason):
    """A call Totango has no counterpart for: its listeners hear it and its callback runs."""
    if analytics.emitter is not None:
        analytics.emitter.emit_call(message)
    if message["callback"] is not None:
        analytics._run_callback(message["callback"])
    return analytics._local(describe(message["type"], args), unsupported(reason))


def _js_type(value):
    """``value``'s type as JavaScript names it (for the page's console)."""
    if isinstance(value, str):
        return "string"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "number"
    return type_name(value)


def _listen(analytics, kind, event, function):
    call = describe(kind, [event])
    if not isinstance(event, str) or not callable(function):
        return analytics._bad(call, "needs an event name and a function")
    _emitter(analytics).on(event, function, kind == "once")
    return analytics._local(call, local("listening to %s" % event))


def _bind(analytics, kind, dom_event, elements, event, properties):
    call = describe(kind, [event] if isinstance(event, str) else [])
    if analytics.settings is None:
        analytics._pending.append((kind, [elements, event, properties]))
        return held("waiting for load()")
    if not (isinstance(event, str) or callable(event)):
        return analytics._bad(call, "needs an event name (or a function of the element)")
    if analytics.ports.get("links") is None:
        return analytics._local(call, unsupported("no page here: there are no elements to bind"))

    try:
        count = analytics.ports["links"].bind(elements, dom_event, _LinkHandler(analytics, call, event, properties))
    except Exception as error:
        return analytics._bad(call, "could not bind: %s" % error)
    return analytics._local(call, local("tracks each %s of %d element(s)" % (dom_event, count)))


class _LinkHandler:
    """Tracks an element's click or submit. It keeps the event and properties it was given
    (names or functions of the element), for a links port that works them out on the page."""

    def __init__(self, analytics, call, event, properties):
        self.analytics, self.call, self.event, self.properties = analytics, call, event, properties

    def __call__(self, element):
        try:
            name = self.event(element) if callable(self.event) else self.event
            given = self.properties(element) if callable(self.properties) else self.properties
        except Exception as error:
            self.analytics.journal.log("error", "%s: a function given raised %s" % (self.call, error))
            return
        self.analytics.track(name, given)
