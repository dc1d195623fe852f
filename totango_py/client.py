"""The analytics object: analytics.js's API over one or more destinations.

It sorts arguments, keeps who the user and the account are, honours per-call
opt-outs, runs callbacks and reports ``status()``; destinations do the rest.
Every call returns its outcome (delivered, held or dropped, with the reason).
Nothing here raises into the caller except ``load`` with bad settings.
"""

from . import arguments, events
from .journal import Journal, describe
from .ownership import Owner
from .ports import ListLogger, MemoryStorage, Pacer, combine, dropped, held, local
from .settings import SettingsError
from .state import Identity, View
from .values import type_name
from .vocabulary import LATER_METHODS, QUEUED_METHODS

_PORTS = ("storage", "transport", "logger", "context", "lifecycle", "links", "owner", "pacer")


class Analytics:
    """analytics.js-style API. Ports (see ``ports``) default to in-memory ones;
    ``port_factory`` returns those not given, at ``load`` (the page's, in a browser).
    analytics.js's other methods (``LATER_METHODS``) are in ``local_calls``."""

    def __init__(self, destinations=(), port_factory=None, **ports):
        unknown = set(ports) - set(_PORTS)
        if unknown:
            raise TypeError("unknown port(s): %s" % ", ".join(sorted(unknown)))
        self.ports = {name: ports.get(name) for name in _PORTS}
        self.destinations = list(destinations)
        self._port_factory = port_factory
        self.settings = None
        self.identity = None
        self.journal = Journal()
        self.owner = None
        self.emitter = None      # an Emitter once on() / once() is called
        self.middleware = None   # a Middleware once one is added
        self.callback_timeout = None
        self._pending = []
        self._ready_callbacks = []
        self._ready = set()

    def __getattr__(self, name):
        """analytics.js's other methods, imported on their first use: a page that never calls
        them never downloads them (the tag fetches their bundle before handing such a call over)."""
        if name in LATER_METHODS:
            from .local_calls import LocalCalls

            method = getattr(LocalCalls, name)
            return lambda *args, **kwargs: method(self, *args, **kwargs)
        raise AttributeError(name)

    def _local(self, call, outcome):
        self.journal.log("debug", "%s: %s" % (call, outcome["reason"]))
        return outcome

    def _bad(self, call, reason):
        self.journal.log("warn", "%s ignored: %s" % (call, reason))
        return dropped(reason)

    # -- lifecycle -------------------------------------------------------
    def load(self, settings=None, **more):
        """Start every destination with ``settings``; raises ``SettingsError`` when they are bad."""
        if settings is not None and not isinstance(settings, (dict, str)):
            raise SettingsError("load() takes an object of settings, got %s" % type_name(settings))
        given = settings if isinstance(settings, str) else dict(settings or {}, **more)
        if self.settings is not None:
            self.journal.log("warn", "load() called again; the first settings stay in force")
            return self
        if self._port_factory is not None and None in self.ports.values():
            for name, port in (self._port_factory() or {}).items():
                self.ports[name] = self.ports.get(name) or port
        self.ports["storage"] = self.ports["storage"] or MemoryStorage()
        self.ports["logger"] = self.ports["logger"] or ListLogger()
        self.ports["pacer"] = self.ports["pacer"] or Pacer()
        self.owner = self.ports["owner"] = self.ports["owner"] or Owner(self.ports["storage"])
        self.journal.logger = self.ports["logger"]
        self.identity = Identity(self.ports["storage"])
        for destination in self.destinations:
            destination.load(given, self, self._ready_callback(destination))
        self.settings = given
        self.owner.start()  # then its work is reloaded and other tabs' orphaned work adopted
        pending, self._pending = self._pending, []
        for kind, args in pending:
            self.call(kind, args)
        return self

    def _ready_callback(self, destination):
        def ready():
            self._ready.add(destination.name)
            if self.is_ready():
                callbacks, self._ready_callbacks = self._ready_callbacks, []
                for callback in callbacks:
                    self._run_callback(callback)
                if self.emitter is not None:
                    self.emitter.emit("ready")
        return ready

    def is_ready(self):
        return len(self._ready) == len(self.destinations)

    def ready(self, callback):
        """Run ``callback`` once every destination has loaded (now, if they have)."""
        if not callable(callback):
            return self._bad("ready()", "needs a function, got %s" % type_name(callback))
        if self.settings is not None and self.is_ready():
            self._run_callback(callback)
            return self._local("ready()", local("ran at once: the collector has loaded"))
        self._ready_callbacks.append(callback)
        return self._local("ready()", local("runs once the collector has loaded"))

    def debug(self, enabled=True):
        """Log every decision (through the logger port) while enabled."""
        self.journal.debug = bool(enabled)
        return local("debug logging %s" % ("on" if self.journal.debug else "off"))

    # -- the calls ---------------------------------------------------------
    def identify(self, *args, **kwargs):
        """``identify([user_id], [traits], [options], [callback])``."""
        return self._call("identify", arguments.from_python("identify", args, kwargs))

    def group(self, *args, **kwargs):
        """``group(group_id, [traits], [options], [callback])``; with no arguments, the current group."""
        if not args and not kwargs:
            return View(self.identity.group if self.identity else None)
        return self._call("group", arguments.from_python("group", args, kwargs))

    def page(self, *args, **kwargs):
        """``page([category], [name], [properties], [options], [callback])``."""
        return self._call("page", arguments.from_python("page", args, kwargs))

    def pageview(self, url=None):
        """Classic analytics.js's old ``pageview([url])``: ``page({path: url})``, with that call's outcome."""
        return self._call("pageview", [] if url is None else [url])

    def track(self, *args, **kwargs):
        """``track(event, [properties], [options], [callback])``."""
        return self._call("track", arguments.from_python("track", args, kwargs))

    def user(self):
        """The current user: ``.id()``, ``.traits()`` and ``.anonymousId()``."""
        identity = self.identity
        return View(identity.user if identity else None, identity.anonymous_id if identity else None)

    def reset(self):
        """Forget user, group and anonymous id, and tell every destination."""
        return self._call("reset", [])

    def call(self, kind, args):
        """Dispatch a call given as analytics.js positional arguments (used by the JS tag)."""
        try:
            if kind in arguments.SHUFFLERS:
                return self._call(kind, list(args))
            if kind in QUEUED_METHODS:
                return getattr(self, kind)(*args)
        except TypeError as error:  # too many arguments, from page code
            return self._bad(describe(kind, args), "bad arguments: %s" % error)
        return self._bad(describe(kind, args), "analytics.js has no method of that name")

    def _call(self, kind, args):
        if self.settings is None:
            self._pending.append((kind, args))
            return held("waiting for load()")
        message = arguments.SHUFFLERS[kind](args)
        call = describe(kind, args)
        try:
            fields = events.fields(message, call, self.identity, self.ports["context"], self.journal)
            outcome = self._hand(message, call, fields)
            if self.emitter is not None and not isinstance(fields, str):
                self.emitter.emit_call(message)
        except Exception as error:  # a bug must never reach the host page
            outcome = self._drop(call, "internal error: %s: %s" % (type(error).__name__, error))
        if message["callback"] is not None:
            self._run_callback(message["callback"])
        return outcome

    def _run_callback(self, callback):
        try:
            callback()
        except Exception as error:
            self.journal.log("error", "a callback raised %s: %s" % (type(error).__name__, error))

    def _drop(self, call, reason):
        self.journal.drop(call, reason)
        return dropped(reason)

    def _hand(self, message, call, fields):
        """Give the call to every destination not disabled for it; return the combined outcome."""
        if isinstance(fields, str):
            return self._drop(call, fields)
        event = {"type": message["type"], "call": call, "options": message["options"],
                 "userId": self.identity.user.id, "groupId": self.identity.group.id,
                 "anonymousId": self.identity.anonymous_id}
        event.update(fields)
        if self.middleware is not None:
            event = self.middleware.run_source(event)
        if event is None:
            return self._drop(call, "a source middleware did not call next()")
        outcomes = {}
        for destination in self.destinations:
            name = destination.name
            if not arguments.enabled(event["options"], name):
                self.journal.log("debug", "%s: not sent to %s: disabled for this call" % (call, name))
                outcomes[name] = {"outcome": "disabled", "reason": "disabled for this call"}
                continue
            routed = dict(event, integration=arguments.integration_options(event["options"], name))
            if self.middleware is not None:
                routed = self.middleware.run_destination(name, routed)
            try:
                outcome = dropped("a destination middleware of %s did not call next()" % name) if routed is None \
                    else getattr(destination, message["type"])(routed)
            except Exception as error:
                outcome = dropped("internal error in %s: %s: %s" % (destination.name, type(error).__name__, error))
            if outcome["outcome"] == "dropped":
                self.journal.drop(call, outcome["reason"])
            outcomes[destination.name] = outcome
        result = combine(outcomes.values())
        result["destinations"] = outcomes
        return result

    # -- inspection ----------------------------------------------------------
    def status(self):
        """Where every call went, summed over the destinations, and each destination's own."""
        return self.journal.status({d.name: d.status() for d in self.destinations},
                                   [describe(kind, args) for kind, args in self._pending])
