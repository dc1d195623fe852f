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
from .ports import DELIVERED, Destination, Pacer, combine, dropped, held, local
from .spool import Spool, entries_of, entry
from .totango import TotangoMapping
from .values import clean_object, js_text

# Storage keys of the destination's own state.
OUTBOX_KEY = "totango_py_outbox"
HELD_KEY = "totango_py_held"
MODULE_KEY = "totango_py_module"
# What the outbox may take of the origin's localStorage, in stored characters: browsers
# allow 5 M (Chromium, Firefox) or 2.5 M (Safari) per origin, and the site needs its share.
# A waiting track() call takes about 100 (docs/performance.md): some 10,000 calls.
OUTBOX_CHARS = 1200000
LISTED = 100  # calls status() lists of each queue (it counts them all)
STEP = 4      # calls handed to the collector at a time (each costs the page up to a millisecond)
NEEDS_ACCOUNT = "Totango needs identify() and group() first"


def _attribute(command, account_id, user_id):
    """An activity held before the account was known, now naming account and user."""
    if command[0] == "track":
        return command[:3] + (account_id, user_id)
    return command


def _state_of(command):
    """``(kind, entity)`` of a command that sets state (a user's, an account's, the module),
    else None: the newest state of an entity supersedes an older one still waiting."""
    if command[0] != "go":
        return None
    options = command[1]
    if "user" in options:
        return "user", options.get("username")
    if "account" in options:
        return "account", options["account"].get("id")
    if "module" in options:
        return "module", None
    return None


def _merged(old, new):
    """One ``go`` for an entity from two: the newer's fields win, user and account traits merged."""
    options = dict(old[1])
    for name, value in new[1].items():
        if isinstance(value, dict) and isinstance(options.get(name), dict):
            value = dict(options[name], **value)
        options[name] = value
    return ("go", options)


def _is_activity(item):
    return any(command[0] == "track" for command in item["commands"])


def _calls(spool):
    return [item["call"] for index, item in zip(range(LISTED), spool)]


class TotangoDestination(Destination):
    name = "Totango"

    def __init__(self, transport=None):
        self.transport = transport
        self.state = "not loaded"
        self.paused = None
        self.delivered = 0
        self.merged = 0
        self.held = self.outbox = None
        self._seen_page = False
        self._flushing = False
        self._latest = {}  # state kind -> (entity, entry, piece): its newest command waiting

    # -- loading -------------------------------------------------------------
    def load(self, settings, analytics, on_ready):
        self.settings = settings_module.validate(settings)
        ports, self.journal, self._on_ready = analytics.ports, analytics.journal, on_ready
        self._analytics = analytics
        self.owner = owner = analytics.owner
        if isinstance(settings, str):
            self.journal.log("warn", "load(%s): taken as the Totango serviceId" % js_text(settings))
        self.transport = self.transport or ports.get("transport")
        if self.transport is None:
            raise RuntimeError("no transport: give Analytics(transport=…) somewhere to send Totango's commands, "
                               "e.g. totango_py.server.collector.Collector() (pip install 'totango-py[server]')")
        self._storage = ports["storage"]
        self._pacer = ports.get("pacer") or Pacer()
        self.mapping = TotangoMapping(self.settings)
        self._open_spools()
        waiting = len(self.held) + len(self.outbox)
        if waiting:
            self.journal.log("info", "restored %d call(s) kept from an earlier page" % waiting)
        owner.register(OUTBOX_KEY, self._adopt_outbox, self._open_spools)
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

    def _open_spools(self):
        """This tab's queues, read from storage; after the back/forward cache, under its new
        name, empty (the old keys are adopted like any other tab's, if nobody did meanwhile)."""
        self.held = Spool(self._storage, HELD_KEY, self.owner.tab, self._lost)
        self.outbox = Spool(self._storage, OUTBOX_KEY, self.owner.tab, self._lost)
        self._latest = {}

    def _lost(self, count):
        for _ in range(count):
            self.journal.drop("a waiting call", "removed from localStorage before its turn (localStorage.clear()?)")

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
        # Calls the page makes after the failure (a queue still being drained) are kept too.
        kept = len(self.outbox) + len(self.held)
        self.journal.log("error", "Totango collector failed to load (%s); %d call(s) kept so far, and every "
                         "later one: status().waiting_for_collector lists them" % (reason, kept))

    # -- work of this tab and of tabs that are gone ------------------------------
    def _adopt_outbox(self, stored):
        entries = entries_of(stored)
        if entries:
            self.journal.log("info", "adopted %d call(s) another tab left undelivered" % len(entries))
        self.outbox.extend(entries)
        self._latest = {}  # a newer state is not merged into another tab's calls
        self._bound_outbox()
        self._flush()

    def _adopt_held(self, stored):
        entries = entries_of(stored)
        if entries:
            self.journal.log("info", "adopted %d activit%s another tab held for an account"
                             % (len(entries), "y" if len(entries) == 1 else "ies"))
        self.held.extend(entries)
        self._bound_held()
        user, group = self._analytics.user().id(), self._analytics.group().id()
        if user is not None and group is not None:
            self._release_held(group, user)

    def _release_held(self, account_id, user_id):
        entries = self.held.take_all()
        self.journal.log("debug", "account known: releasing %d held call(s)" % len(entries))
        for item in entries:
            self._send([_attribute(command, account_id, user_id) for command in item["commands"]], item["call"])

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

    # -- bounds: only activities are ever dropped ----------------------------------
    def _bound_outbox(self):
        while self.outbox.chars > OUTBOX_CHARS:
            oldest = self.outbox.first(_is_activity)
            if oldest is None:
                return  # only the users', accounts' and module's newest states: never dropped
            state = [command for command in oldest["commands"] if command[0] != "track"]
            if state:  # a page's go(module) stays
                kept = entry(state, oldest["call"])
                self.outbox.replace(oldest, kept)
                for kind, (entity, item, piece) in list(self._latest.items()):
                    if item is oldest:
                        self._latest[kind] = (entity, kept, piece)
            else:
                self.outbox.remove(oldest)
            self.journal.drop(oldest["call"], "the calls waiting for the collector filled the %d characters "
                              "they may take of localStorage; oldest activity dropped" % OUTBOX_CHARS)

    def _bound_held(self):
        limit = self.settings["holdLimit"]
        while len(self.held) > limit:
            oldest = self.held.first(_is_activity)
            self.held.remove(oldest)
            self.journal.drop(oldest["call"], "more than %d calls waited for an account; oldest dropped" % limit)

    # -- delivery ------------------------------------------------------------
    def _flush(self):
        """Hand the outbox to the collector a few calls at a time, which the pacer spreads out."""
        if self._flushing or not len(self.outbox) or not self._can_deliver():
            return
        self._flushing = True
        self._pacer.run(self._deliver_some)

    def _deliver_some(self):
        more = False
        try:
            if self._can_deliver():
                for item in self.outbox.take(STEP):
                    for command in item["commands"]:
                        self._deliver(command, item["call"])
                more = len(self.outbox) > 0
        finally:
            self._flushing = more
        return more

    def _deliver(self, command, call):
        try:
            self.transport.send(command)
        except Exception as error:
            reason = "the collector raised %s" % error
            self.journal.drop(call, reason)
            return dropped(reason)
        self.delivered += 1
        self.journal.log("debug", "%s → totango.%s(%s)" % (
            call, command[0], ", ".join(js_text(a) for a in command[1:])))
        return DELIVERED

    def _send(self, commands, call):
        """Hand one call's commands over, or keep them (in order, behind what waits already)."""
        if self._can_deliver() and not self._flushing and not len(self.outbox):
            return combine([self._deliver(command, call) for command in commands])
        self._keep(commands, call)
        if self.paused:
            reason = self.paused
        elif self.state != "ready":
            reason = "waiting for the Totango collector to load"
        elif not self.owner.holding:
            reason = "waiting for this tab's claim on its work"
        else:
            reason = "behind earlier calls on their way to the collector"
        self.journal.log("debug", "%s held: %s" % (call, reason))
        return held(reason)

    def _keep(self, commands, call):
        """Into the outbox; a newer state of an entity whose go still waits is merged into it."""
        rest, states = [], []
        for command in commands:
            state = _state_of(command)
            if command[0] == "clear":
                self._latest = {}  # nothing before a clear() is merged with what follows it
            if state is None or not self._merge(state, command, call):
                rest.append(command)
                if state is not None:
                    states.append(state)
        if not rest:
            return
        item = entry(rest, call)
        piece = self.outbox.add(item)
        for kind, entity in states:
            self._latest[kind] = (entity, item, piece)
        self._bound_outbox()

    def _merge(self, state, command, call):
        kind, entity = state
        latest = self._latest.get(kind)
        if latest is None or latest[0] != entity:
            return False
        _, old, piece = latest
        commands = [_merged(c, command) if _state_of(c) == state else c for c in old["commands"]]
        new = entry(commands, call if len(commands) == 1 else old["call"])
        if not self.outbox.replace(old, new, piece):
            return False
        self._latest[kind] = (entity, new, piece)
        self.merged += 1
        self.journal.log("debug", "%s merged into %s, still waiting for the collector" % (call, old["call"]))
        return True

    def _send_all(self, commands, event, warnings):
        """Report the mapping's warnings, send its commands, release what waited for an account."""
        self.journal.warn_all(event["call"], warnings)
        outcome = self._send(commands, event["call"])
        if event["userId"] is not None and event["groupId"] is not None and len(self.held):
            self._release_held(event["groupId"], event["userId"])
        return outcome

    def _activity(self, commands, event):
        if not commands:
            return local("nothing for Totango: a page is sent by its category or name")
        if event["userId"] is not None and event["groupId"] is not None:
            return self._send(commands, event["call"])
        self.held.add(entry(commands, event["call"]))
        self._bound_held()
        self.journal.log("debug", "%s held: %s (%d waiting)" % (event["call"], NEEDS_ACCOUNT, len(self.held)))
        return held(NEEDS_ACCOUNT)

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
        if account is None or user is None:
            self.journal.log("debug", "%s: no go(module): must identify and group first" % event["call"])
        elif not category:
            self.journal.log("debug", "%s: no go(module): category required (the module is the page's category)"
                             % event["call"])
        else:
            commands.append(self.mapping.page_module(category))
        return self._activity(commands, event)

    def track(self, event):
        warnings = []
        commands = self.mapping.track(event["event"], event["properties"], self.module,
                                      event["groupId"], event["userId"], warnings)
        self.journal.warn_all(event["call"], warnings)
        return self._activity(commands, event)

    def reset(self, event=None):
        for item in self.held.take_all():
            self.journal.drop(item["call"], "reset() before an account was known")
        # The collector keeps its own user and account (and heartbeat) until told.
        return self._send([self.mapping.clear()], "reset()")

    def status(self):
        return {
            "tracker": self.state,
            "paused": self.paused,
            "delivered": self.delivered,
            "merged": self.merged,
            "held_for_account": _calls(self.held) if self.held else [],
            "held_count": len(self.held) if self.held else 0,
            "waiting_for_collector": _calls(self.outbox) if self.outbox else [],
            "waiting_count": len(self.outbox) if self.outbox else 0,
        }
