"""The Totango destination: the mapping's commands, delivered through a transport.

Owns everything Totango: its settings, the collector options, the current
module, the activities held until a user and an account are known, and the
persisted outbox of commands waiting for the collector (or for the page to
stay: delivery pauses while it is being left). Both queues are kept under
this tab's own keys and delivered only while it holds its lock (see
``ownership``); another tab's, once that tab is gone, are adopted and joined
to these.
"""

from . import settings as settings_module, storage as keys
from .holding import HoldQueue, entries_of
from .ports import DELIVERED, Destination, RecordingTransport, combine, dropped, held
from .totango import TotangoMapping
from .values import clean_object, js_text

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
        self._analytics = analytics
        self.owner = owner = analytics.owner
        if isinstance(settings, str):
            self.journal.log("warn", "load(%s): taken as the Totango serviceId" % js_text(settings))
        self.transport = self.transport or ports.get("transport") or RecordingTransport()
        self._storage = ports["storage"]
        self.mapping = TotangoMapping(self.settings)
        self.held = HoldQueue(self.settings["holdLimit"], self._storage, owner.key(HELD_KEY))
        self.outbox = HoldQueue(OUTBOX_LIMIT, self._storage, owner.key(OUTBOX_KEY))
        if len(self.held) or len(self.outbox):
            self.journal.log("info", "restored %d call(s) kept from an earlier page" % (len(self.held) + len(self.outbox)))
        owner.register(OUTBOX_KEY, self._adopt_outbox, self._rekey)
        owner.register(HELD_KEY, self._adopt_held)
        module = keys.load(self._storage, MODULE_KEY)
        self.module = module if isinstance(module, str) else None
        user, group = analytics.user(), analytics.group()
        self._options = self.mapping.collector_options(user.id(), user.traits(), group.id(), group.traits())
        self.state = "loading"
        owner.when_holding(self._flush)
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
            self.owner.when_holding(self._on_ready)  # ready means a call now is delivered at once

    def _failed(self, reason):
        self.state = "failed"
        self.journal.log("error", "Totango collector failed to load (%s); %d call(s) kept" % (reason, len(self.outbox)))

    # -- work of this tab and of tabs that are gone ------------------------------
    def _rekey(self):
        """Back from the back/forward cache under a new name: start over empty under its
        keys; the old ones are adopted like any other tab's, if nobody did meanwhile."""
        self.held = HoldQueue(self.held.limit, self._storage, self.owner.key(HELD_KEY))
        self.outbox = HoldQueue(OUTBOX_LIMIT, self._storage, self.owner.key(OUTBOX_KEY))

    def _adopt_outbox(self, stored):
        entries = entries_of(stored)
        if entries:
            self.journal.log("info", "adopted %d call(s) another tab left undelivered" % len(entries))
        for entry in entries:
            for gone in self.outbox.add(entry["command"], entry["call"]):
                self.journal.drop(gone["call"], "more than %d calls waited for the collector" % OUTBOX_LIMIT)
        self._flush()

    def _adopt_held(self, stored):
        entries = entries_of(stored)
        if entries:
            self.journal.log("info", "adopted %d activit%s another tab held for an account"
                             % (len(entries), "y" if len(entries) == 1 else "ies"))
        for entry in entries:
            for gone in self.held.add(entry["command"], entry["call"]):
                self.journal.drop(gone["call"], "more than %d activities waited for an account; oldest dropped"
                                  % self.held.limit)
        user, group = self._analytics.user().id(), self._analytics.group().id()
        if user is not None and group is not None:
            self._release_held(group, user)

    def _release_held(self, account_id, user_id):
        entries = self.held.take_all()
        self.journal.log("debug", "account known: releasing %d held activit%s"
                         % (len(entries), "y" if len(entries) == 1 else "ies"))
        for entry in entries:
            self._send(_attribute(entry["command"], account_id, user_id), entry["call"])

    def _can_deliver(self):
        return self.state == "ready" and self.paused is None and self.owner.holding

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
        if self._can_deliver():
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
        self.journal.log("debug", "%s → totango.%s(%s)" % (call, command[0], ", ".join(js_text(a) for a in command[1:])))
        return DELIVERED

    def _send(self, command, call):
        if self._can_deliver():
            return self._deliver(command, call)
        for entry in self.outbox.add(command, call):
            self.journal.drop(entry["call"], "more than %d calls waited for the collector" % OUTBOX_LIMIT)
        reason = self.paused or ("waiting for the Totango collector to load" if self.state != "ready"
                                 else "waiting for this tab's claim on its work")
        self.journal.log("debug", "%s held: %s" % (call, reason))
        return held(reason)

    def _send_all(self, commands, event, warnings):
        """Report the mapping's warnings, send its commands, release what waited for an account."""
        self.journal.warn_all(event["call"], warnings)
        outcome = combine([self._send(command, event["call"]) for command in commands])
        if event["userId"] is not None and event["groupId"] is not None and len(self.held):
            self._release_held(event["groupId"], event["userId"])
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
            self.journal.log("debug", "%s: no go(module): must identify and group first" % event["call"])
        elif not category:
            self.journal.log("debug", "%s: no go(module): category required (the module is the page's category)"
                             % event["call"])
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
