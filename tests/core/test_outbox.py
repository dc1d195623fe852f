"""The outbox under a burst: nothing lost to a bound but activities, identity merged, kept in pieces."""

import json
import random

import pytest

from core_helpers import SERVICE_ID, make, sent
from totango_py import Analytics, ListLogger, MemoryStorage, RecordingTransport, destination
from totango_py.spool import PIECE


class ManualPacer:
    """Runs one step per ``tick()``: a page that yields between slices, played by hand."""

    def __init__(self):
        self.steps = []

    def run(self, step):
        self.steps.append(step)

    def tick(self):
        if self.steps and not self.steps[0]():
            self.steps.pop(0)
        return bool(self.steps)


class CountingStorage(MemoryStorage):
    def __init__(self):
        MemoryStorage.__init__(self)
        self.writes = []

    def set(self, key, text):
        self.writes.append(key)
        MemoryStorage.set(self, key, text)


def collector_model(commands):
    """What Totango ends up knowing from a stream of commands, as its collector applies them:
    users' and accounts' merged attributes, the activities in order, and who is current."""
    users, accounts, activities = {}, {}, []
    current = {"user": None, "account": None, "module": None}
    for command in commands:
        if command[0] == "clear":
            current["user"] = current["account"] = None
        elif command[0] == "track":
            activities.append(command[1:])
        else:
            options = command[1]
            if "user" in options:
                users.setdefault(options["username"], {}).update(options["user"])
                current["user"] = options["username"]
            if "account" in options:
                accounts.setdefault(options["account"]["id"], {}).update(options["account"])
                current["account"] = options["account"]["id"]
            if "module" in options:
                current["module"] = options["module"]
    return users, accounts, activities, current


def test_a_burst_before_the_collector_loses_nothing_and_keeps_its_order():
    analytics, transport, _, _ = make(auto_ready=False)
    analytics.identify("u1", {"email": "ann@example.com"})
    analytics.group("acme", {"name": "Acme"})
    for n in range(10000):
        analytics.track("Burst %d" % n)
    status = analytics.status()
    assert status["dropped_count"] == 0 and status["waiting_count"] == 10002
    assert len(status["waiting_for_collector"]) == destination.LISTED
    transport.ready()
    assert [c[0] for c in transport.sent[:2]] == ["go", "go"]
    assert [c[1] for c in sent(transport, "track")] == ["Burst %d" % n for n in range(10000)]
    assert analytics.status()["waiting_count"] == 0


def test_only_the_last_piece_is_written_per_call():
    storage = CountingStorage()
    analytics, transport, _, _ = make(storage=storage, auto_ready=False)
    analytics.identify("u1")
    analytics.group("acme")
    del storage.writes[:]
    for n in range(3 * PIECE):
        analytics.track("t%d" % n)
    outbox = [key for key in storage.writes if key.startswith("totango_py_outbox")]
    assert len(outbox) == 3 * PIECE                   # one write a call, of one piece
    pieces = sorted(key for key in storage.data if key.startswith("totango_py_outbox"))
    assert pieces == ["totango_py_outbox.1", "totango_py_outbox.2", "totango_py_outbox.3", "totango_py_outbox.4"]
    assert all(len(json.loads(storage.data[key])) <= PIECE for key in pieces)
    transport.ready()
    assert [key for key in storage.data if key.startswith("totango_py_outbox")] == []


def test_only_the_first_and_last_pieces_stay_in_memory():
    analytics, transport, _, storage = make(auto_ready=False)
    analytics.identify("u1")
    analytics.group("acme")
    for n in range(1000):
        analytics.track("t%d" % n)
    outbox = analytics.destinations[0].outbox
    assert len(outbox) == 1002 and outbox.resident() <= 3 * PIECE
    assert analytics.status()["waiting_for_collector"][-1] == 'track("t97")'   # read back to be listed
    transport.ready()
    assert [c[1] for c in sent(transport, "track")] == ["t%d" % n for n in range(1000)]


def test_waiting_calls_removed_from_storage_are_reported():
    analytics, transport, _, storage = make(auto_ready=False)
    analytics.identify("u1")
    analytics.group("acme")
    for n in range(10 * PIECE):
        analytics.track("t%d" % n)
    storage.remove("totango_py_outbox.5")          # a page's localStorage.clear(), say
    transport.ready()
    status = analytics.status()
    assert len(sent(transport, "track")) == 9 * PIECE
    assert status["dropped_count"] == PIECE
    assert "removed from localStorage" in status["dropped"][0]["reason"]


def test_pieces_survive_a_reload_in_order():
    first, _, _, storage = make(auto_ready=False)
    first.identify("u1")
    first.group("acme")
    for n in range(100):
        first.track("t%d" % n)
    second, transport, _, _ = make(storage=storage)
    assert [c[1] for c in sent(transport, "track")] == ["t%d" % n for n in range(100)]
    assert [c[0] for c in transport.sent[:2]] == ["go", "go"]


def test_an_older_versions_outbox_comes_first():
    storage = MemoryStorage()
    old = [{"command": ["track", "old %d" % n, None, "acme", "u1"], "call": "old"} for n in range(3)]
    storage.set("totango_py_outbox", json.dumps(old))
    storage.set("totango_py_outbox.1", json.dumps([{"commands": [["track", "new", None, "acme", "u1"]],
                                                    "call": 'track("new")'}]))
    _, transport, _, _ = make(storage=storage)
    assert [c[1] for c in sent(transport, "track")] == ["old 0", "old 1", "old 2", "new"]
    assert [key for key in storage.data if key.startswith("totango_py_outbox")] == []


def test_a_newer_state_is_merged_into_the_waiting_one():
    analytics, transport, logger, _ = make(auto_ready=False)
    analytics.identify("u1", {"email": "ann@example.com"})
    analytics.group("acme", {"name": "Acme"})
    analytics.track("Paid")
    analytics.identify("u1", {"plan": "pro"})
    analytics.group("acme", {"employees": 40}, {"integrations": {"Totango": {"product": {"id": "p1"}}}})
    status = analytics.status()
    assert status["merged"] == 2 and status["waiting_count"] == 3
    assert status["waiting_for_collector"] == ['identify("u1", {…})', 'group("acme", {…}, {…})', 'track("Paid")']
    transport.ready()
    assert [c[0] for c in transport.sent] == ["go", "go", "track"]
    assert transport.sent[0][1]["user"] == {"id": "u1", "email": "ann@example.com", "plan": "pro"}
    assert transport.sent[1][1]["account"] == {"id": "acme", "name": "Acme", "employees": 40, "plan": "Free"}
    assert transport.sent[1][1]["product"] == {"id": "p1"}
    assert any("merged into" in line for line in logger.messages("debug"))


def test_states_are_not_merged_across_another_entity_or_a_clear():
    analytics, transport, _, _ = make(auto_ready=False)
    analytics.identify("u1", {"a": 1})
    analytics.identify("u2", {"b": 2})
    analytics.identify("u1", {"c": 3})    # u2 came between: u1 must end current
    analytics.reset()
    analytics.identify("u1", {"d": 4})    # after a clear: its own go
    transport.ready()
    users = [c[1]["username"] for c in transport.sent if c[0] == "go"]
    assert users == ["u1", "u2", "u1", "u1"]
    assert [c[0] for c in transport.sent] == ["go", "go", "go", "clear", "go"]


def test_a_bound_drops_only_activities_oldest_first(monkeypatch):
    monkeypatch.setattr(destination, "OUTBOX_CHARS", 3000)
    analytics, transport, _, _ = make(auto_ready=False)
    analytics.identify("u1", {"name": "Ann"})
    analytics.group("acme", {"name": "Acme"})
    analytics.page("Billing", "Invoices")
    for n in range(100):
        analytics.track("t%d" % n)
    status = analytics.status()
    assert status["dropped_count"] > 0
    assert status["dropped"][0]["call"] == 'page("Billing", "Invoices")'
    assert all("oldest activity dropped" in d["reason"] for d in status["dropped"])
    transport.ready()
    gos = [c[1] for c in sent(transport, "go")]
    assert [list(g)[4:] for g in gos] == [["username", "user"], ["account"], ["module"]]   # every state arrives
    tracks = [c[1] for c in sent(transport, "track")]
    assert tracks == ["t%d" % n for n in range(100 - len(tracks), 100)]                    # the newest activities
    assert status["dropped_count"] == 1 + 100 - len(tracks)


def test_a_page_call_is_listed_once_and_failure_counts_calls():
    analytics, transport, logger, _ = make(auto_ready=False)
    analytics.identify("u1")
    analytics.group("acme")
    for n in range(3):
        analytics.page("Billing", "Invoices")
    analytics.track("Paid")
    assert analytics.status()["waiting_for_collector"] == [
        'identify("u1")', 'group("acme")', 'page("Billing", "Invoices")', 'page("Billing", "Invoices")',
        'page("Billing", "Invoices")', 'track("Paid")']
    transport.fail("404")
    assert logger.messages("error") == ["[totango_py] Totango collector failed to load (404); 6 call(s) kept so far, "
                                        "and every later one: status().waiting_for_collector lists them"]


def test_calls_during_a_paced_flush_go_behind_it():
    pacer = ManualPacer()
    transport = RecordingTransport(auto_ready=False)
    analytics = Analytics(storage=MemoryStorage(), transport=transport, logger=ListLogger(), pacer=pacer)
    analytics.load({"serviceId": SERVICE_ID})
    analytics.identify("u1")
    analytics.group("acme")
    for n in range(3 * PIECE):
        analytics.track("early %d" % n)
    transport.ready()
    assert pacer.tick() is True                           # a few handed over, the rest waits
    assert len(transport.sent) == destination.STEP
    outcome = analytics.track("late")
    assert outcome["destinations"]["Totango"] == {"outcome": "held",
                                                  "reason": "behind earlier calls on their way to the collector"}
    while pacer.tick():
        pass
    assert [c[1] for c in sent(transport, "track")] == ["early %d" % n for n in range(3 * PIECE)] + ["late"]
    assert analytics.track("after")["outcome"] == "delivered"


@pytest.mark.parametrize("seed", range(20))
def test_random_calls_reach_the_same_state_late_or_not(seed):
    """Whatever waits for the collector, and whatever is merged meanwhile, Totango ends up
    knowing what it would have known from a collector that was there from the start."""
    rng = random.Random(seed)
    script = []
    for _ in range(rng.randrange(20, 200)):
        kind = rng.choice(["identify", "identify", "group", "page", "track", "track", "track", "reset"])
        if kind == "identify":
            script.append(("identify", rng.choice(["u1", "u2", "u3"]), {rng.choice("abcd"): rng.randrange(9)}))
        elif kind == "group":
            script.append(("group", rng.choice(["acme", "initech"]), {rng.choice("wxyz"): rng.randrange(9)}))
        elif kind == "page":
            script.append(("page", rng.choice(["Billing", "Reports", None]), rng.choice(["Home", None])))
        elif kind == "track":
            script.append(("track", "event %d" % rng.randrange(50)))
        else:
            script.append(("reset",))
    results = []
    for late in (False, True):
        analytics, transport, _, _ = make(auto_ready=not late)
        for call in script:
            getattr(analytics, call[0])(*call[1:])
        if late:
            transport.ready()
        results.append((collector_model(transport.sent), analytics.status()["dropped"]))
    assert results[0] == results[1]
