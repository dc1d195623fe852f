"""State survives in storage: a second instance (a reload) sees the same identity."""

import json

from core_helpers import base, make, sent
from totango_py.storage import MemoryStorage


def test_second_instance_sees_user_group_and_module():
    first, _, _, storage = make()
    first.identify("u1", {"email": "ann@example.com"})
    first.group("acme", {"name": "Acme"})
    first.page("Billing", "Invoices")
    second, _, _, _ = make(storage=storage)
    assert second.user().id() == "u1"
    assert second.user().traits() == {"email": "ann@example.com"}
    assert second.group().id() == "acme"
    assert second.group().traits() == {"name": "Acme"}
    assert second.destinations[0].module == "Billing"
    assert second.identity.anonymous_id == first.identity.anonymous_id


def test_reload_attributes_track_to_cached_account_without_group():
    first, _, _, storage = make()
    first.identify("u1")
    first.group("acme", {"name": "Acme", "plan": "Paying"})
    second, transport, _, _ = make(storage=storage)
    load = transport.loads[0]
    assert load[0]["account"] == {"id": "acme", "name": "Acme", "plan": "Paying"}
    assert load[0]["user"] == {"id": "u1"} and load[0]["username"] == "u1"
    second.track("Paid")
    assert transport.sent == [("track", "Paid", None, "acme", "u1")]


def test_values_stored_json_encoded_under_analytics_js_keys():
    analytics, _, _, storage = make()
    analytics.identify("u1", {"a": 1})
    analytics.group("g1", {"name": "G"})
    assert json.loads(storage.data["ajs_user_id"]) == "u1"
    assert json.loads(storage.data["ajs_user_traits"]) == {"a": 1}
    assert json.loads(storage.data["ajs_group_id"]) == "g1"
    assert json.loads(storage.data["ajs_group_properties"]) == {"name": "G"}
    assert len(json.loads(storage.data["ajs_anonymous_id"])) == 36


def test_reads_analytics_js_formats():
    storage = MemoryStorage({
        "ajs_user_id": "raw-user",            # a cookie value, not JSON
        "ajs_group_id": json.dumps("g-9"),    # localStorage, JSON-encoded
        "ajs_anonymous_id": "%22anon-1%22",   # URL-encoded JSON cookie
        "ajs_group_properties": json.dumps({"name": "Nine"}),
    })
    analytics, _, _, _ = make(storage=storage)
    assert analytics.user().id() == "raw-user"
    assert analytics.group().id() == "g-9"
    assert analytics.identity.anonymous_id == "anon-1"


def test_numeric_stored_ids_become_strings():
    storage = MemoryStorage({"ajs_user_id": "123", "ajs_group_id": "456"})
    analytics, _, _, _ = make(storage=storage)
    assert analytics.user().id() == "123" and analytics.group().id() == "456"


def test_same_id_merges_other_id_replaces():
    analytics, transport, _, _ = make()
    analytics.identify("u1", {"a": 1})
    analytics.identify("u1", {"b": 2})
    assert analytics.user().traits() == {"a": 1, "b": 2}
    analytics.identify({"c": 3})
    assert analytics.user().id() == "u1" and analytics.user().traits() == {"a": 1, "b": 2, "c": 3}
    analytics.identify("u2", {"z": 0})
    assert analytics.user().traits() == {"z": 0}
    analytics.group("g1", {"a": 1})
    analytics.group("g1", {"b": 2})
    assert analytics.group().traits() == {"a": 1, "b": 2}
    analytics.group("g2", {"c": 3})
    assert analytics.group().traits() == {"c": 3}


def test_identify_traits_only_uses_stored_id():
    analytics, transport, _, _ = make()
    analytics.identify("u1")
    del transport.sent[:]
    analytics.identify({"email": "e@x.io"})
    options = dict(base())
    options.update(username="u1", user={"id": "u1", "email": "e@x.io"})
    assert transport.sent == [("go", options)]


def test_default_plan_not_added_when_cached_account_has_plan():
    analytics, transport, _, _ = make()
    analytics.group("g1", {"plan": "Paying"})
    analytics.group("g1", {"seats": 5})
    assert sent(transport, "go")[-1][1]["account"] == {"id": "g1", "plan": "Paying", "seats": 5}
    analytics.group("g2", {"seats": 5})
    assert sent(transport, "go")[-1][1]["account"]["plan"] == "Free"


def test_default_plan_null_disables():
    analytics, transport, _, _ = make(defaultPlan=None)
    analytics.group("g1", {})
    assert sent(transport, "go")[0][1]["account"] == {"id": "g1"}


def test_reset_clears_identity_and_issues_new_anonymous_id():
    analytics, transport, _, storage = make()
    analytics.identify("u1", {"a": 1})
    analytics.group("g1", {"b": 2})
    old = analytics.identity.anonymous_id
    analytics.reset()
    assert analytics.user().id() is None and analytics.user().traits() == {}
    assert analytics.group().id() is None and analytics.group().traits() == {}
    assert analytics.identity.anonymous_id != old
    assert transport.sent[-1] == ("clear",)
    for key in ("ajs_user_id", "ajs_user_traits", "ajs_group_id", "ajs_group_properties"):
        assert key not in storage.data
    again, _, _, _ = make(storage=storage)
    assert again.user().id() is None and again.identity.anonymous_id == analytics.identity.anonymous_id


def test_region_eu1_reaches_options_and_every_go():
    analytics, transport, _, _ = make(region="eu1")
    analytics.identify("u1")
    assert transport.loads[0][0]["region"] == "eu1"
    assert sent(transport, "go")[0][1]["region"] == "eu1"
