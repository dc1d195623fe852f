"""The analytics object: the public API over the core's pieces.

Every accepted call ends as exactly one of: delivered to the collector,
held (see ``status()``), or dropped with a reason that is logged. Nothing
here raises into the caller except ``load`` with bad settings.
"""

from . import arguments, settings as settings_module, storage as keys
from .holding import HoldQueue
from .ports import ListLogger, RecordingTracker
from .state import Identity
from .storage import MemoryStorage
from .totango import Totango
from .values import clean_object, to_id, type_name

OUTBOX_KEY = "totango_py_outbox"
OUTBOX_LIMIT = 1000
_HISTORY = 200


class View:
    """What ``user()`` / ``group()`` return: ``id()`` and ``traits()``, as in analytics.js."""

    def __init__(self, party):
        self._id = party.id if party else None
        self._traits = dict(party.traits) if party else {}

    def id(self):
        return self._id

    def traits(self):
        return dict(self._traits)


def describe(kind, args):
    """A short human-readable form of a call, for logs and ``status()``."""
    shown = []
    for value in args:
        if callable(value):
            break
        if isinstance(value, str):
            text = '"%s"' % (value if len(value) <= 40 else value[:37] + "...")
        elif isinstance(value, dict):
            text = "{…}"
        else:
            text = type_name(value) if isinstance(value, (list, tuple)) else repr(value)
        shown.append(text)
    while shown and shown[-1] == "None":
        shown.pop()
    return "%s(%s)" % (kind, ", ".join(shown))


class Analytics:
    """analytics.js-style API for Totango. Ports default to in-memory ones.

    ``context`` (optional) returns the page's ``{path, url, title, referrer, search}``.
    ``lifecycle`` (optional) has ``watch(pause, resume)``: it pauses delivery while
    the page is being left or offline, so nothing is handed over just to be cut off.
    ``port_factory`` (optional) returns a dict of the ports not given here
    at ``load`` time for ports not given here; the package façade uses it to
    pick the browser bridge only when running in a page.
    """

    def __init__(self, storage=None, tracker=None, logger=None, context=None, lifecycle=None,
                 port_factory=None):
        self._ports = {"storage": storage, "tracker": tracker, "logger": logger, "context": context,
                       "lifecycle": lifecycle}
        self._port_factory = port_factory
        self.settings = None
        self.identity = None
        self.destination = None
        self._debug = False
        self._pending = []
        self._ready_callbacks = []
        self._collector_options = None
        self._seen_page = False
        self.tracker_state = "not loaded"
        self.paused = None
        self.delivered = 0
        self.dropped = []
        self.dropped_count = 0
        self.history = []

    # -- ports -----------------------------------------------------------
    def _log(self, level, message):
        self.history.append((level, message))
        del self.history[:-_HISTORY]
        if level in ("warn", "error") or self._debug:
            logger = self._ports["logger"]
            if logger is not None:
                try:
                    logger.log(level, "[totango_py] " + message)
                except Exception:
                    pass

    # -- lifecycle -------------------------------------------------------
    def load(self, settings=None, **more):
        """Validate settings, restore state, and start loading the collector.

        Raises ``SettingsError`` for unknown or malformed settings.
        """
        given = dict(settings or {})
        given.update(more)
        if self.settings is not None:
            self._log("warn", "load() called again; the first settings stay in force")
            return self
        checked = settings_module.validate(given)
        if self._port_factory is not None and None in self._ports.values():
            for name, port in (self._port_factory() or {}).items():
                if self._ports.get(name) is None:
                    self._ports[name] = port
        self._ports["storage"] = self._ports["storage"] or MemoryStorage()
        self._ports["tracker"] = self._ports["tracker"] or RecordingTracker()
        self._ports["logger"] = self._ports["logger"] or ListLogger()
        store = self._ports["storage"]
        self.settings = checked
        self.identity = Identity(store)
        self.destination = Totango(checked)
        self.held = HoldQueue(checked["holdLimit"], store, keys.HELD)
        self.outbox = HoldQueue(OUTBOX_LIMIT, store, OUTBOX_KEY)
        if len(self.held) or len(self.outbox):
            self._log("info", "restored %d call(s) kept from an earlier page" % (len(self.held) + len(self.outbox)))
        self._collector_options = self.destination.collector_options(self.identity)
        self.tracker_state = "loading"
        if self._ports["lifecycle"] is not None:
            self._ports["lifecycle"].watch(self.pause, self.resume)
        self._log("debug", "loading the Totango collector from %s" % checked["trackerUrl"])
        try:
            self._ports["tracker"].load(self._collector_options, checked["trackerUrl"],
                                       self._tracker_ready, self._tracker_failed)
        except Exception as error:
            self._tracker_failed("could not start loading the collector: %s" % error)
        pending, self._pending = self._pending, []
        for kind, args in pending:
            self._call(kind, args)
        return self

    def _tracker_ready(self):
        if self.tracker_state == "ready":
            return
        self.tracker_state = "ready"
        self._log("debug", "Totango collector loaded")
        self._flush()
        callbacks, self._ready_callbacks = self._ready_callbacks, []
        for callback in callbacks:
            self._run_callback(callback)

    def _tracker_failed(self, reason):
        self.tracker_state = "failed"
        self._log("error", "Totango collector failed to load (%s); %d call(s) kept" % (reason, len(self.outbox)))

    def _flush(self):
        if self.tracker_state == "ready" and self.paused is None:
            for entry in self.outbox.take_all():
                self._deliver(entry["command"], entry["call"])

    def pause(self, reason):
        """Keep new commands in the (persisted) outbox instead of handing them over."""
        if self.paused is None:
            self._log("debug", "delivery paused: %s" % reason)
        self.paused = reason

    def resume(self):
        """Deliver what was kept while paused."""
        if self.paused is not None:
            self._log("debug", "delivery resumed")
            self.paused = None
            self._flush()

    def ready(self, callback):
        """Run ``callback`` once the collector has loaded (now, if it has)."""
        if not callable(callback):
            self._log("warn", "ready() needs a function, got %s" % type_name(callback))
        elif self.tracker_state == "ready":
            self._run_callback(callback)
        else:
            self._ready_callbacks.append(callback)

    def debug(self, enabled=True):
        """Log every decision (through the logger port) while enabled."""
        self._debug = bool(enabled)

    # -- the calls ---------------------------------------------------------
    def identify(self, user_id=None, traits=None, options=None, callback=None):
        self._call("identify", [user_id, traits, options, callback])

    def group(self, *args, **kwargs):
        """``group(group_id, traits=None, options=None)``; with no arguments, the current group."""
        if not args and not kwargs:
            return View(self.identity.group if self.identity else None)
        names = ("group_id", "traits", "options", "callback")
        values = list(args) + [None] * (4 - len(args))
        for name, value in kwargs.items():
            if name not in names:
                self._log("warn", "group() got an unknown argument %r" % name)
                return None
            values[names.index(name)] = value
        self._call("group", values)
        return None

    def page(self, category=None, name=None, properties=None, options=None, callback=None):
        self._call("page", [category, name, properties, options, callback])

    def track(self, event=None, properties=None, options=None, callback=None):
        self._call("track", [event, properties, options, callback])

    def user(self):
        """The current user: ``.id()`` and ``.traits()``."""
        return View(self.identity.user if self.identity else None)

    def reset(self):
        """Forget user, group and anonymous id; activity still waiting for an account is dropped."""
        if self.identity is None:
            self._pending.append(("reset", []))
            return
        for entry in self.held.take_all():
            self._drop(entry["call"], "reset() before an account was known")
        self.identity.reset()
        # The collector keeps its own user and account (and heartbeat) until told.
        self._send(("clear",), "reset()")
        self._log("debug", "reset: user, group and anonymous id cleared")

    def call(self, kind, args):
        """Dispatch a call given as analytics.js positional arguments (used by the JS tag)."""
        if kind == "reset":
            self.reset()
        elif kind in arguments.SHUFFLERS:
            self._call(kind, list(args))
        elif kind == "debug":
            self.debug(args[0] if args else True)
        elif kind == "ready":
            self.ready(args[0] if args else None)
        else:
            self._log("warn", "unknown method %r ignored" % (kind,))

    def _call(self, kind, args):
        if self.settings is None:
            self._pending.append((kind, args))
            return
        message = arguments.SHUFFLERS[kind](args)
        call = describe(kind, args)
        try:
            getattr(self, "_" + kind)(message, call)
        except Exception as error:  # a bug must never reach the host page
            self._drop(call, "internal error: %s: %s" % (type(error).__name__, error))
        if message["callback"] is not None:
            self._run_callback(message["callback"])

    def _run_callback(self, callback):
        try:
            callback()
        except Exception as error:
            self._log("error", "a callback raised %s: %s" % (type(error).__name__, error))

    # -- outcomes ----------------------------------------------------------
    def _drop(self, call, reason):
        self.dropped_count += 1
        self.dropped.append({"call": call, "reason": reason})
        del self.dropped[:-100]
        self._log("warn", "%s dropped: %s" % (call, reason))

    def _warn_all(self, call, warnings):
        for warning in warnings:
            self._log("warn", "%s: %s" % (call, warning))

    def _deliver(self, command, call):
        try:
            self._ports["tracker"].send(command)
        except Exception as error:
            self._drop(call, "the collector raised %s" % error)
            return
        self.delivered += 1
        self._log("debug", "%s → totango.%s%r" % (call, command[0], tuple(command[1:])))

    def _send(self, command, call):
        if self.tracker_state == "ready" and self.paused is None:
            self._deliver(command, call)
            return
        for entry in self.outbox.add(command, call):
            self._drop(entry["call"], "more than %d calls waited for the collector" % OUTBOX_LIMIT)
        self._log("debug", "%s held: %s" % (call, self.paused or "the collector has not loaded"))

    def _activity(self, commands, call):
        if self.identity.has_account():
            for command in commands:
                self._send(command, call)
            return
        for command in commands:
            for entry in self.held.add(command, call):
                self._drop(entry["call"], "more than %d activities waited for an account; oldest dropped"
                           % self.held.limit)
        if commands:
            self._log("debug", "%s held: Totango needs identify() and group() first (%d waiting)"
                      % (call, len(self.held)))

    def _release_held(self):
        if self.identity.has_account() and len(self.held):
            entries = self.held.take_all()
            self._log("debug", "account known: releasing %d held activit%s"
                      % (len(entries), "y" if len(entries) == 1 else "ies"))
            for entry in entries:
                self._send(entry["command"], entry["call"])

    # -- per-call mapping ----------------------------------------------------
    def _party_call(self, message, call, party, what):
        """Shared checks of identify and group: the party's id and the call's
        clean traits, or None when nothing is to be sent (the reason is logged)."""
        warnings = []
        traits = clean_object(message["traits"], "traits", warnings)
        self._warn_all(call, warnings)
        if traits is None:
            self._drop(call, "traits must be an object")
            return None
        new_id = None
        if message["hasId"] or message[what] is not None:
            new_id, error = to_id(message[what], "user" if what == "userId" else "group")
            if error:
                self._drop(call, error)
                return None
        party.update(new_id, traits)
        if party.id is None:
            self._drop(call, "id required (%s remembered for later)" % ("traits" if traits else "nothing"))
            return None
        return party.id, traits

    def _send_all(self, commands, call, warnings):
        """Report the mapping's warnings, send its commands, release what waited for an account."""
        self._warn_all(call, warnings)
        for command in commands:
            self._send(command, call)
        self._release_held()

    def _identify(self, message, call):
        result = self._party_call(message, call, self.identity.user, "userId")
        if result:
            warnings = []
            self._send_all(self.destination.identify(result[0], result[1], warnings), call, warnings)

    def _group(self, message, call):
        old_id, cached = self.identity.group.id, dict(self.identity.group.traits)
        result = self._party_call(message, call, self.identity.group, "groupId")
        if result:
            group_id, traits = result
            warnings = []
            per_call = clean_object(message["totango"], "options.Totango", warnings) or {}
            commands = self.destination.group(group_id, traits, cached if group_id == old_id else {},
                                              per_call, warnings)
            self._send_all(commands, call, warnings)

    def _text_arg(self, value, what, call):
        """A page category/name or event: string, number (made a string) or None."""
        if value is None or isinstance(value, str):
            return True, value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True, str(value)
        self._drop(call, "%s must be a string, got %s" % (what, type_name(value)))
        return False, None

    def _page(self, message, call):
        ok_c, category = self._text_arg(message["category"], "category", call)
        ok_n, name = (self._text_arg(message["name"], "name", call) if ok_c else (False, None))
        if not (ok_c and ok_n):
            return
        warnings = []
        properties = clean_object(message["properties"], "properties", warnings)
        self._warn_all(call, warnings)
        if properties is None:
            self._drop(call, "properties must be an object")
            return
        if category and not self._seen_page and self.tracker_state != "ready":
            self._collector_options["module"] = category
            self._ports["tracker"].set_options(self._collector_options)
        self._seen_page = True
        context = self._ports["context"]
        if context is not None:
            for key, value in context().items():
                properties.setdefault(key, value)
            self._log("debug", "%s on %s" % (call, properties.get("path")))
        warnings = []
        commands = self.destination.page_activities(category, name, self.identity.module, warnings)
        self._warn_all(call, warnings)
        if category:
            self.identity.set_module(category)
        self._activity(commands, call)
        if not self.identity.has_account():
            self._log("debug", "%s: no go(module): identify and group first" % call)
        elif not category:
            self._log("debug", "%s: no go(module): a category is required to set the module" % call)
        else:
            self._send(self.destination.page_module(category), call)

    def _track(self, message, call):
        ok, event = self._text_arg(message["event"], "event", call)
        if not ok:
            return
        if not event:
            self._drop(call, "event name required")
            return
        warnings = []
        properties = clean_object(message["properties"], "properties", warnings)
        if properties is None:
            self._warn_all(call, warnings)
            self._drop(call, "properties must be an object")
            return
        commands = self.destination.track(event, properties, self.identity.module, warnings)
        self._warn_all(call, warnings)
        self._activity(commands, call)

    # -- inspection ----------------------------------------------------------
    def status(self):
        """Where every call went: delivered count, held entries, drops with reasons."""
        held = [e["call"] for e in self.held.entries] if self.settings else []
        waiting = [e["call"] for e in self.outbox.entries] if self.settings else []
        return {
            "tracker": self.tracker_state,
            "paused": self.paused,
            "delivered": self.delivered,
            "held_for_account": held,
            "waiting_for_collector": waiting,
            "pending_load": [describe(k, a) for k, a in self._pending],
            "dropped": list(self.dropped),
            "dropped_count": self.dropped_count,
            "log": ["%s: %s" % line for line in self.history[-50:]],
        }
