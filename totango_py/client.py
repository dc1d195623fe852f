"""The analytics object: analytics.js's API over one or more destinations.

It sorts arguments, keeps who the user and the account are, honours per-call
opt-outs, runs callbacks and reports ``status()``; destinations do the rest.
Every call returns its outcome (delivered, held or dropped, with the reason).
Nothing here raises into the caller except ``load`` with bad settings.
"""

from . import arguments, events
from .journal import Journal, describe
from .ports import ListLogger, MemoryStorage, combine, dropped, held
from .settings import SettingsError
from .state import Identity, View
from .values import type_name

_PORTS = ("storage", "transport", "logger", "context", "lifecycle")


class Analytics:
    """analytics.js-style API. Ports (see ``ports``) default to in-memory ones;
    ``port_factory`` returns those not given, at ``load`` (the page's, in a browser)."""

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
        self._pending = []
        self._ready_callbacks = []
        self._ready = set()

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
        self.journal.logger = self.ports["logger"]
        self.identity = Identity(self.ports["storage"])
        for destination in self.destinations:
            destination.load(given, self, self._ready_callback(destination))
        self.settings = given
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
        return ready

    def is_ready(self):
        return len(self._ready) == len(self.destinations)

    def ready(self, callback):
        """Run ``callback`` once every destination has loaded (now, if they have)."""
        if not callable(callback):
            self.journal.log("warn", "ready() needs a function, got %s" % type_name(callback))
        elif self.settings is not None and self.is_ready():
            self._run_callback(callback)
        else:
            self._ready_callbacks.append(callback)

    def debug(self, enabled=True):
        """Log every decision (through the logger port) while enabled."""
        self.journal.debug = bool(enabled)

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

    def track(self, *args, **kwargs):
        """``track(event, [properties], [options], [callback])``."""
        return self._call("track", arguments.from_python("track", args, kwargs))

    def user(self):
        """The current user: ``.id()`` and ``.traits()``."""
        return View(self.identity.user if self.identity else None)

    def reset(self):
        """Forget user, group and anonymous id, and tell every destination."""
        return self._call("reset", [])

    def call(self, kind, args):
        """Dispatch a call given as analytics.js positional arguments (used by the JS tag)."""
        if kind in arguments.SHUFFLERS:
            return self._call(kind, list(args))
        if kind in ("debug", "ready"):
            return getattr(self, kind)(args[0] if args else (True if kind == "debug" else None))
        self.journal.log("warn", "unknown method %r ignored" % (kind,))
        return None

    def _call(self, kind, args):
        if self.settings is None:
            self._pending.append((kind, args))
            return held("waiting for load()")
        message = arguments.SHUFFLERS[kind](args)
        call = describe(kind, args)
        try:
            fields = events.fields(message, call, self.identity, self.ports["context"], self.journal)
            outcome = self._hand(message, call, fields)
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
        outcomes = {}
        for destination in self.destinations:
            if not arguments.enabled(message["options"], destination.name):
                self.journal.log("debug", "%s: not sent to %s: disabled for this call" % (call, destination.name))
                outcomes[destination.name] = {"outcome": "disabled", "reason": "disabled for this call"}
                continue
            event["integration"] = arguments.integration_options(message["options"], destination.name)
            try:
                outcome = getattr(destination, message["type"])(dict(event))
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
