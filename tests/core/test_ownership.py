"""Persisted work has an owner: tabs over one storage deliver each call once (pure core, fake locks and clock)."""

import json

from core_helpers import SERVICE_ID
from totango_py import Analytics, ListLogger, MemoryStorage, RecordingTransport
from totango_py.ownership import LEFT_KEY, LeaseLocks, MemoryLocks, Owner


def tab(storage, locks, auto_ready=True, tab_id=None):
    """One tab: an Analytics over the shared storage, with its own transport and owner."""
    transport = RecordingTransport(auto_ready=auto_ready)
    owner = Owner(storage, locks, tab_id)
    analytics = Analytics(storage=storage, transport=transport, logger=ListLogger(), owner=owner)
    analytics.load({"serviceId": SERVICE_ID, "disableHeartbeat": True})
    return analytics, transport, owner


def tracks(*transports):
    return [command[1] for transport in transports for command in transport.sent if command[0] == "track"]


def test_a_live_tabs_work_is_never_taken():
    storage, table = MemoryStorage(), {}
    a, a_wire, a_owner = tab(storage, MemoryLocks(table), auto_ready=False)   # slow collector
    a.identify("u1")
    a.group("acme")
    a.track("A only")
    assert storage.get("totango_py_outbox.1:" + a_owner.tab) is not None
    b, b_wire, _ = tab(storage, MemoryLocks(table))                            # opens meanwhile
    assert b_wire.sent == []
    a_wire.ready()
    assert tracks(a_wire, b_wire) == ["A only"]
    assert [c[0] for c in a_wire.sent] == ["go", "go", "track"]
    assert storage.get("totango_py_outbox.1:" + a_owner.tab) is None


def test_work_of_a_tab_that_left_is_adopted_once_even_if_it_comes_back():
    storage, table = MemoryStorage(), {}
    a, a_wire, a_owner = tab(storage, MemoryLocks(table), auto_ready=False)
    a.identify("u1")
    a.group("acme")
    a.track("Left behind")
    a_owner.leave()                                                # pagehide: to the back/forward cache
    assert json.loads(storage.get(LEFT_KEY))["tab"] == a_owner.tab
    b, b_wire, b_owner = tab(storage, MemoryLocks(table))          # adopts at start
    assert tracks(b_wire) == ["Left behind"]
    assert b.status()["delivered"] == 3
    a_wire.ready()                                                 # A's collector arrives while A is cached
    a_owner.start()                                                # pageshow: A takes its lock again
    assert tracks(a_wire) == []
    assert a.status()["waiting_for_collector"] == []
    b_owner.sweep()
    assert tracks(a_wire, b_wire) == ["Left behind"]


def test_activity_held_for_an_account_is_adopted_and_released():
    storage, table = MemoryStorage(), {}
    a, a_wire, a_owner = tab(storage, MemoryLocks(table))
    a.track("Before sign-in")
    a_owner.leave()
    b, b_wire, _ = tab(storage, MemoryLocks(table))
    assert b.status()["held_for_account"] == ['track("Before sign-in")']
    b.identify("u1")
    b.group("acme")
    assert [c for c in b_wire.sent if c[0] == "track"] == [("track", "Before sign-in", None, "acme", "u1")]


def test_keys_of_older_versions_belong_to_nobody_and_are_adopted():
    storage = MemoryStorage()
    storage.set("totango_py_outbox",
                json.dumps([{"command": ["track", "Old", None, "acme", "u1"], "call": 'track("Old")'}]))
    b, b_wire, _ = tab(storage, MemoryLocks())
    assert b_wire.sent == [("track", "Old", None, "acme", "u1")]
    assert storage.get("totango_py_outbox") is None


def test_a_tab_without_key_listing_adopts_nothing_and_fails_nothing():
    class NoListing(MemoryStorage):
        keys = None
    storage = NoListing()
    storage.set("totango_py_outbox:other", json.dumps([{"command": ["track", "X", None, "a", "u"], "call": "x"}]))
    _, wire, owner = tab(storage, MemoryLocks())
    assert owner.orphans() == [] and wire.sent == []


def test_lease_fallback_adopts_only_expired_or_released_leases():
    storage, now = MemoryStorage(), [1000]
    clock = lambda: now[0]  # noqa: E731
    a, a_wire, a_owner = tab(storage, LeaseLocks(storage, clock, lease_ms=5000), auto_ready=False)
    a.identify("u1")
    a.group("acme")
    a.track("Leased")
    b, b_wire, b_owner = tab(storage, LeaseLocks(storage, clock, lease_ms=5000))
    assert tracks(b_wire) == []                      # A's lease runs
    now[0] += 6000                                   # A went silent (crashed)
    b_owner.sweep()
    assert tracks(b_wire) == ["Leased"]
    a_owner.leave()
    a_owner.start()
    a_wire.ready()
    assert tracks(a_wire) == []


def test_every_call_of_many_tabs_is_delivered_exactly_once():
    """Random opens, calls, leaves, returns and collector arrivals over one storage."""
    import random

    rng = random.Random(7)
    storage, table = MemoryStorage(), {}
    tabs, wires, made = [], [], []
    for step in range(400):
        action = rng.random()
        if action < 0.15 or not tabs:
            analytics, wire, owner = tab(storage, MemoryLocks(table), auto_ready=rng.random() < 0.5)
            analytics.identify("u1")
            analytics.group("acme")
            tabs.append([analytics, wire, owner, True])
            wires.append(wire)
        entry = rng.choice(tabs)
        analytics, wire, owner, alive = entry
        if action < 0.6 and alive:
            name = "event %d" % step
            analytics.track(name)
            made.append(name)
        elif action < 0.75 and alive:
            owner.leave()
            entry[3] = False
        elif action < 0.85 and not alive:
            owner.start()
            entry[3] = True
        elif wire._on_ready is not None and not analytics.destinations[0].is_loaded():
            wire.ready()
    for analytics, wire, owner, alive in tabs:
        if not alive:
            owner.start()
        if not analytics.destinations[0].is_loaded():
            wire.ready()
    for analytics, wire, owner, alive in tabs:
        owner.sweep()
    assert sorted(tracks(*wires)) == sorted(made)
