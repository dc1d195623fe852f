"""The 27 reference cases of the upstream integration, restated exactly."""

import datetime

from core_helpers import SERVICE_ID, base, make, sent, signed_in
from totango_py import Analytics
from totango_py.settings import DEFAULTS

D = base()
WHEN = datetime.datetime(2024, 3, 5, 7, 8, 9, 123456)
WHEN_ISO = "2024-03-05T07:08:09.123Z"


def go(**fields):
    options = dict(D)
    options.update(fields)
    return ("go", options)


def test_01_defaults():
    analytics = Analytics()
    assert analytics.settings is None
    assert DEFAULTS["serviceId"] is None
    assert DEFAULTS["disableHeartbeat"] is False
    assert DEFAULTS["region"] == "us"
    assert DEFAULTS["trackNamedPages"] is True and DEFAULTS["trackCategorizedPages"] is True


def test_02_load_installs_stub_before_collector():
    analytics, transport, _, _ = make(auto_ready=False)
    assert transport.loads == [(D, "https://tracker.totango.com/totango4.0.3.js")]
    assert transport.sent == []
    assert analytics.status()["tracker"] == "loading"


def test_03_first_page_sets_module_option():
    analytics, transport, _, _ = make(auto_ready=False)
    analytics.page("Category", "Name")
    options = dict(D)
    options["module"] = "Category"
    assert transport.options == [options]


def test_04_one_collector_load_even_when_load_twice():
    analytics, transport, logger, _ = make(auto_ready=False)
    analytics.load({"serviceId": "SP-9999-99"})
    assert transport.loads == [(D, "https://tracker.totango.com/totango4.0.3.js")]
    assert any("load() called again" in m for m in logger.messages("warn"))


def test_05_loaded_once_collector_arrives():
    analytics, transport, _, _ = make(auto_ready=False)
    seen = []
    analytics.ready(lambda: seen.append("ready"))
    assert seen == [] and analytics.status()["tracker"] == "loading"
    transport.ready()
    assert seen == ["ready"] and analytics.status()["tracker"] == "ready"


def test_06_named_page():
    analytics, transport, _, _ = signed_in()
    analytics.page(None, "Name")
    assert transport.sent == [("track", "Viewed Name Page", None, "id", "id")]


def test_07_category_and_name_page():
    analytics, transport, _, _ = signed_in()
    analytics.page("Category", "Name")
    assert ("track", "Viewed Category Name Page", "Category", "id", "id") in transport.sent


def test_08_categorized_page():
    analytics, transport, _, _ = signed_in()
    analytics.page("Category", "Name")
    assert sent(transport, "track") == [("track", "Viewed Category Page", "Category", "id", "id"),
                                     ("track", "Viewed Category Name Page", "Category", "id", "id")]


def test_09_page_options_off_send_no_track():
    analytics, transport, _, _ = signed_in(trackNamedPages=False, trackCategorizedPages=False)
    analytics.page(None, "Name")
    analytics.page("Category", "Name")
    assert sent(transport, "track") == []


def test_10_page_without_user_or_group_sends_no_go():
    analytics, transport, logger, _ = make()
    analytics.page()
    assert sent(transport, "go") == []
    assert any("identify and group first" in m for m in logger.messages("debug"))


def test_11_page_without_category_sends_no_go():
    analytics, transport, logger, _ = signed_in()
    analytics.page()
    assert sent(transport, "go") == []
    assert any("category required" in m for m in logger.messages("debug"))


def test_12_page_with_user_group_and_category_sets_module():
    analytics, transport, _, _ = make()
    analytics.identify("id")
    analytics.group("id")
    analytics.page("Category", "Name")
    assert sent(transport, "go")[-1] == go(module="Category")


def test_13_identify_without_id():
    analytics, transport, logger, _ = make()
    analytics.identify(None, {"trait": True})
    assert sent(transport, "go") == []
    assert any("id required" in m for m in logger.messages())


def test_14_identify():
    analytics, transport, _, _ = make()
    analytics.identify("id", {"trait": True})
    assert transport.sent == [go(username="id", user={"id": "id", "trait": True})]


def test_15_identify_date_trait():
    analytics, transport, _, _ = make()
    analytics.identify("id", {"date": WHEN})
    assert sent(transport, "go")[0][1]["user"]["date"] == WHEN_ISO


def test_16_identify_created_becomes_create_date():
    analytics, transport, _, _ = make()
    analytics.identify("id", {"created": WHEN})
    user = sent(transport, "go")[0][1]["user"]
    assert user["Create Date"] == WHEN_ISO
    assert "created" not in user


def test_17_group_without_id():
    analytics, transport, logger, _ = make()
    analytics.group(None, {"property": True})
    assert sent(transport, "go") == []
    assert any("id required" in m for m in logger.messages())


def test_18_group_with_default_plan():
    analytics, transport, _, _ = make()
    analytics.group("id", {"property": True})
    assert transport.sent == [go(account={"id": "id", "property": True, "plan": "Free"})]


def test_19_group_date_trait():
    analytics, transport, _, _ = make()
    analytics.group("id", {"date": WHEN})
    assert sent(transport, "go")[0][1]["account"]["date"] == WHEN_ISO


def test_20_group_created_becomes_create_date():
    analytics, transport, _, _ = make()
    analytics.group("id", {"created": WHEN})
    account = sent(transport, "go")[0][1]["account"]
    assert account["Create Date"] == WHEN_ISO
    assert "created" not in account


def test_21_group_parent_option():
    analytics, transport, _, _ = make()
    analytics.group("id", {"property": True}, {"Totango": {"parent": {"id": "XYZ-85b"}}})
    assert transport.sent == [go(account={"id": "id", "property": True, "plan": "Free",
                                          "parent": {"id": "XYZ-85b"}})]


def test_22_group_enable_hierarchy_false():
    analytics, transport, _, _ = make()
    analytics.group("id", {"property": True}, {"Totango": {"enableHierarchy": False}})
    assert transport.sent == [go(account={"id": "id", "property": True, "plan": "Free"},
                                 enableHierarchy=False)]


def test_23_group_product_option():
    analytics, transport, _, _ = make()
    analytics.group("id", {"property": True}, {"Totango": {"product": {"id": "productA"}}})
    assert transport.sent == [go(account={"id": "id", "property": True, "plan": "Free"},
                                 product={"id": "productA"})]


def test_24_group_product_date_option():
    analytics, transport, _, _ = make()
    analytics.group("id", {"property": True}, {"Totango": {"product": {"date": WHEN}}})
    assert transport.sent == [go(account={"id": "id", "property": True, "plan": "Free"},
                                 product={"date": WHEN_ISO})]


def test_25_track_without_page():
    analytics, transport, _, _ = signed_in()
    analytics.track("event")
    assert transport.sent == [("track", "event", None, "id", "id")]


def test_26_track_after_page_uses_module():
    analytics, transport, _, _ = signed_in()
    analytics.page("Category", "Name")
    del transport.sent[:]
    analytics.track("event")
    assert transport.sent == [("track", "event", "Category", "id", "id")]


def test_27_track_category_property_wins():
    analytics, transport, _, _ = signed_in()
    analytics.page("Category", "Name")
    del transport.sent[:]
    analytics.track("event", {"category": "preferred"})
    assert transport.sent == [("track", "event", "preferred", "id", "id")]


def test_integrations_form_of_per_call_options():
    analytics, transport, _, _ = make()
    analytics.group("id", {}, {"integrations": {"Totango": {"product": {"id": "p"}}}})
    assert sent(transport, "go")[0][1]["product"] == {"id": "p"}


def test_service_id_in_base():
    assert D["service_id"] == SERVICE_ID
