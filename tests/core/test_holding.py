"""Ordering and holding: nothing is sent without an account, nothing vanishes."""

from core_helpers import SERVICE_ID, make, sent
from totango_py import Analytics, ListLogger, ManualLifecycle, MemoryStorage, RecordingTransport


def test_activity_before_group_is_held_then_released_in_order():
    analytics, transport, logger, _ = make()
    analytics.page("Dashboard", "Home")
    analytics.track("Opened app")
    analytics.identify("u1")
    assert sent(transport, "track") == []
    assert analytics.status()["held_for_account"] == ['page("Dashboard", "Home")', 'track("Opened app")']
    analytics.group("acme")
    kinds = [c[0] for c in transport.sent]
    assert kinds == ["go", "go", "track", "track", "track"]
    assert sent(transport, "track") == [
        ("track", "Viewed Dashboard Page", "Dashboard", "acme", "u1"),
        ("track", "Viewed Dashboard Home Page", "Dashboard", "acme", "u1"),
        ("track", "Opened app", "Dashboard", "acme", "u1"),
    ]
    assert analytics.status()["held_for_account"] == []
    assert any("held" in m for m in logger.messages("debug"))


def test_nothing_sent_without_an_account():
    analytics, transport, _, _ = make()
    analytics.track("a")
    analytics.group("acme")   # account but no user yet
    analytics.track("b")
    assert sent(transport, "track") == []
    analytics.identify("u1")
    assert [c[1] for c in sent(transport, "track")] == ["a", "b"]


def test_bound_drops_oldest_first_and_counts():
    analytics, transport, logger, _ = make(holdLimit=3)
    for n in range(5):
        analytics.track("e%d" % n)
    status = analytics.status()
    assert status["held_for_account"] == ['track("e2")', 'track("e3")', 'track("e4")']
    assert status["dropped_count"] == 2
    assert [d["call"] for d in status["dropped"]] == ['track("e0")', 'track("e1")']
    assert all("waited for an account" in d["reason"] for d in status["dropped"])
    assert len([m for m in logger.messages("warn") if "dropped" in m]) == 2
    analytics.identify("u")
    analytics.group("g")
    assert [c[1] for c in sent(transport, "track")] == ["e2", "e3", "e4"]


def test_calls_before_collector_loads_are_replayed_in_order():
    analytics, transport, _, _ = make(auto_ready=False)
    analytics.identify("u1")
    analytics.group("g1")
    analytics.track("t1")
    assert transport.sent == []
    assert len(analytics.status()["waiting_for_collector"]) == 3
    transport.ready()
    assert [c[0] for c in transport.sent] == ["go", "go", "track"]
    assert analytics.status()["delivered"] == 3


def test_collector_failure_keeps_calls_and_reports():
    analytics, transport, logger, _ = make(auto_ready=False)
    analytics.identify("u1")
    analytics.group("g1")
    analytics.track("t1")
    transport.fail("404")
    assert analytics.status()["tracker"] == "failed"
    assert analytics.status()["waiting_for_collector"] == ['identify("u1")', 'group("g1")', 'track("t1")']
    assert any("failed to load (404)" in m for m in logger.messages("error"))


def test_held_calls_survive_a_reload():
    first, _, _, storage = make(auto_ready=False)
    first.identify("u1")
    first.track("early")
    first.group("g1")
    second, transport, _, _ = make(storage=storage)
    assert [c[0] for c in transport.sent] == ["go", "go", "track"]
    third, transport3, _, _ = make(storage=storage)
    assert transport3.sent == []   # delivered once, not again


def test_calls_before_load_are_kept_until_load():
    analytics, transport, _, _ = make(load=False)
    analytics.identify("u1")
    analytics.group("g1")
    assert analytics.status()["pending_load"] == ['identify("u1")', 'group("g1")']
    analytics.load({"serviceId": "SP-1"})
    assert [c[0] for c in transport.sent] == ["go", "go"]


def test_reset_drops_activity_waiting_for_account_with_reason():
    analytics, _, _, _ = make()
    analytics.track("anon")
    analytics.reset()
    status = analytics.status()
    assert status["held_for_account"] == []
    assert status["dropped"] == [{"call": 'track("anon")', "reason": "reset() before an account was known"}]


def test_every_call_accounted_for():
    analytics, transport, _, _ = make(auto_ready=False, holdLimit=2)
    calls = 0
    for n in range(4):
        analytics.track("t%d" % n)
        calls += 1
    analytics.identify(None)
    analytics.identify("u")
    analytics.group("g")
    calls += 3
    status = analytics.status()
    # t0,t1 dropped by the bound; identify(None) dropped; identify, group, t2, t3 wait.
    assert status["dropped_count"] + len(status["waiting_for_collector"]) + len(status["held_for_account"]) == calls
    transport.ready()
    status = analytics.status()
    assert status["delivered"] + status["dropped_count"] == calls


def test_callbacks_run_after_the_call():
    analytics, transport, _, _ = make()
    seen = []
    analytics.identify("u1", {}, None, lambda: seen.append(len(transport.sent)))
    assert seen == [1]


def test_paused_delivery_is_kept_then_resumed():
    lifecycle = ManualLifecycle()
    storage, transport = MemoryStorage(), RecordingTransport()
    analytics = Analytics(storage=storage, transport=transport, logger=ListLogger(), lifecycle=lifecycle)
    analytics.load({"serviceId": SERVICE_ID})
    analytics.identify("u1")
    lifecycle.leave("the page is being left")
    analytics.group("g1")
    analytics.track("t1")
    assert [c[0] for c in transport.sent] == ["go"]
    assert analytics.status()["paused"] == "the page is being left"
    assert analytics.status()["waiting_for_collector"] == ['group("g1")', 'track("t1")']
    assert "totango_py_outbox.1" in storage.data    # the next page would deliver them
    lifecycle.back()
    assert [c[0] for c in transport.sent] == ["go", "go", "track"]
    assert "totango_py_outbox.1" not in storage.data
