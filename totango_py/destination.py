"""The Totango destination: the mapping's commands, delivered through a transport.

Owns everything Totango: its settings, the collector options, the current
module, the activities held until a user and an account are known, and the
persisted outbox of commands waiting for the collector (or for the page to
stay: delivery pauses while it is being left).
"""

from . import settings as settings_module, storage as keys
from .holding import HoldQueue
from .ports import DELIVERED, Destination, RecordingTransport, combine, dropped, held
from .totango import TotangoMapping
from .values import clean_object

# Storage keys of the destination's own state.
OUTBOX_KEY = "totango_py_outbox"
HELD_KEY = "totango_py_held"
MODULE_KEY = "totango_py_module"
OUTBOX_LIMIT = 1000
NEEDS_ACCOUNT = "Totango needs identify() and group() first"


def _attribute(command, account_id, user_id):
    """An activity held before the account was known, now naming account and user."""
    if command[0] == "track":
        return command[:3] + (account_id, user_id)
    return command


class TotangoDestination(Destination):
    name = "Totango"

    def __init__(self, transport=None):
        self.transport = transport
        self.state = "not loaded"
        self.paused = None
        self.delivered = 0
        self.held = self.outbox = None
        self._seen_page = False

    # -- loading -------------------------------------------------------------
    def load(self, settings, analytics, on_ready):
        self.settings = settings_module.validate(settings)
        ports, self.journal, self._on_ready = analytics.ports, analytics.journal, on_ready
        if isinstance(settings, str):
            self.journal.log("warn", "load(%r): taken as the Totango serviceId" % settings)
        self.transport = self.transport or ports.get("transport") or RecordingTransport()
        self._storage = ports["storage"]
        self.mapping = TotangoMapping(self.settings)
        self.held = HoldQueue(self.settings["holdLimit"], self._storage, HELD_KEY)
        self.outbox = HoldQueue(OUTBOX_LIMIT, self._storage, OUTBOX_KEY)
        if len(self.held) or len(self.outbox):
            self.journal.log("info", "restored %d call(s) kept from an earlier page" % (len(self.held) + len(self.outbox)))
        module = keys.load(self._storage, MODULE_KEY)
        self.module = module if isinstance(module, str) else None
        user, group = analytics.user(), analytics.group()
        self._options = self.mapping.collector_options(user.id(), user.traits(), group.id(), group.traits())
        self.state = "loading"
        if ports.get("lifecycle") is not None:
            ports["lifecycle"].watch(self.pause, self.resume)
        url = self.settings["trackerUrl"]
        self.journal.log("debug", "loading the Totango collector from %s" % url)
        try:
            self.transport.load(self._options, url, self._ready, self._failed)
        except Exception as error:
            self._failed("could not start loading the collector: %s" % error)

    def is_loaded(self):
        return self.state == "ready"

    def _ready(self):
        if self.state != "ready":
            self.state = "ready"
            self.journal.log("debug", "Totango collector loaded")
            self._flush()
            self._on_ready()

    def _failed(self, reason):
        self.state = "failed"
        self.journal.log("error", "Totango collector failed to load (%s); %d call(s) kept" % (reason, len(self.outbox)))

    def pause(self, reason):
        """Keep new commands in the (persisted) outbox instead of handing them over."""
        if self.paused is None:
            self.journal.log("debug", "delivery paused: %s" % reason)
        self.paused = reason

    def resume(self):
        """Deliver what was kept while paused."""
        if self.paused is not None:
            self.journal.log("debug", "delivery resumed")
            self.paused = None
            self._flush()

    # -- delivery ------------------------------------------------------------
    def _flush(self):
        if self.state == "ready" and self.paused is None:
            for entry in self.outbox.take_all():
                self._deliver(entry["command"], entry["call"])

    def _deliver(self, command, call):
        try:
            self.transport.send(command)
        except Exception as error:
            reason = "the collector raised %s" % error
            self.journal.drop(call, reason)
            return dropped(reason)
        self.delivered += 1
        self.journal.log("debug", "%s → totango.%s%r" % (call, command[0], tuple(command[1:])))
        return DELIVERED

    def _send(self, command, call):
        if self.state == "ready" and self.paused is None:
            return self._deliver(command, call)
        for entry in self.outbox.add(command, call):
            self.journal.drop(entry["call"], "more than %d calls waited for the collector" % OUTBOX_LIMIT)
        reason = self.paused or "waiting for the Totango collector to load"
        self.journal.log("debug", "%s held: %s" % (call, reason))
        return held(reason)

    def _send_all(self, commands, event, warnings):
        """Report the mapping's warnings, send its commands, release what waited for an account."""
        self.journal.warn_all(event["call"], warnings)
        outcome = combine([self._send(command, event["call"]) for command in commands])
        if event["userId"] is not None and event["groupId"] is not None and len(self.held):
            entries = self.held.take_all()
            self.journal.log("debug", "account known: releasing %d held activit%s"
                             % (len(entries), "y" if len(entries) == 1 else "ies"))
            for entry in entries:
                self._send(_attribute(entry["command"], event["groupId"], event["userId"]), entry["call"])
        return outcome

    def _activity(self, commands, event):
        if event["userId"] is not None and event["groupId"] is not None:
            return combine([self._send(command, event["call"]) for command in commands])
        for command in commands:
            for entry in self.held.add(command, event["call"]):
                self.journal.drop(entry["call"], "more than %d activities waited for an account; oldest dropped"
                                  % self.held.limit)
        if commands:
            self.journal.log("debug", "%s held: %s (%d waiting)" % (event["call"], NEEDS_ACCOUNT, len(self.held)))
            return held(NEEDS_ACCOUNT)
        return DELIVERED

    # -- the calls -----------------------------------------------------------
    def identify(self, event):
        if event["userId"] is None:
            return dropped("id required")
        warnings = []
        return self._send_all(self.mapping.identify(event["userId"], event["traits"], warnings), event, warnings)

    def group(self, event):
        if event["groupId"] is None:
            return dropped("id required")
        warnings = []
        per_call = clean_object(event["integration"], "options.Totango", warnings) or {}
        commands = self.mapping.group(event["groupId"], event["traits"], {}, per_call, warnings)
        return self._send_all(commands, event, warnings)

    def page(self, event):
        category, account, user = event["category"], event["groupId"], event["userId"]
        if category and not self._seen_page and self.state != "ready":
            self._options["module"] = category
            self.transport.set_options(self._options)
        self._seen_page = True
        warnings = []
        commands = self.mapping.page(category, event["name"], self.module, account, user, warnings)
        self.journal.warn_all(event["call"], warnings)
        self.module = category or None  # a page without a category clears the module, as the original
        keys.save(self._storage, MODULE_KEY, self.module)
        outcome = self._activity(commands, event)
        if account is None or user is None:
            self.journal.log("debug", "%s: no go(module): identify and group first" % event["call"])
        elif not category:
            self.journal.log("debug", "%s: no go(module): a category is required to set the module" % event["call"])
        else:
            outcome = combine([outcome, self._send(self.mapping.page_module(category), event["call"])])
        return outcome

    def track(self, event):
        warnings = []
        commands = self.mapping.track(event["event"], event["properties"], self.module,
                                      event["groupId"], event["userId"], warnings)
        self.journal.warn_all(event["call"], warnings)
        return self._activity(commands, event)

    def reset(self, event=None):
        for entry in self.held.take_all():
            self.journal.drop(entry["call"], "reset() before an account was known")
        # The collector keeps its own user and account (and heartbeat) until told.
        return self._send(self.mapping.clear(), "reset()")

    def status(self):
        return {
            "tracker": self.state,
            "paused": self.paused,
            "delivered": self.delivered,
            "held_for_account": [e["call"] for e in self.held.entries] if self.held else [],
            "waiting_for_collector": [e["call"] for e in self.outbox.entries] if self.outbox else [],
        }
