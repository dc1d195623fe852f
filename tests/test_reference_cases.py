"""The 27 reference cases of the upstream integration, restated exactly."""

import datetime

from core_helpers import SERVICE_ID, base, make, signed_in
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
    analytics, tracker, _, _ = make(auto_ready=False)
    assert tracker.commands == [("load", D, "https://tracker.totango.com/totango4.0.3.js")]
    assert analytics.tracker_state == "loading"


def test_03_first_page_sets_module_option():
    analytics, tracker, _, _ = make(auto_ready=False)
    analytics.page("Category", "Name")
    options = dict(D)
    options["module"] = "Category"
    assert ("options", options) in tracker.commands


def test_04_one_collector_load_even_when_load_twice():
    analytics, tracker, logger, _ = make(auto_ready=False)
    analytics.load({"serviceId": "SP-9999-99"})
    assert [c for c in tracker.commands if c[0] == "load"] == [("load", D, "https://tracker.totango.com/totango4.0.3.js")]
    assert any("load() called again" in m for m in logger.messages("warn"))


def test_05_loaded_once_collector_arrives():
    analytics, tracker, _, _ = make(auto_ready=False)
    seen = []
    analytics.ready(lambda: seen.append("ready"))
    assert seen == [] and analytics.tracker_state == "loading"
    tracker.ready()
    assert seen == ["ready"] and analytics.tracker_state == "ready"


def test_06_named_page():
    analytics, tracker, _, _ = signed_in()
    analytics.page(None, "Name")
    assert tracker.sent() == [("track", "Viewed Name Page", None)]


def test_07_category_and_name_page():
    analytics, tracker, _, _ = signed_in()
    analytics.page("Category", "Name")
    assert ("track", "Viewed Category Name Page", "Category") in tracker.sent()


def test_08_categorized_page():
    analytics, tracker, _, _ = signed_in()
    analytics.page("Category", "Name")
    assert tracker.sent("track") == [("track", "Viewed Category Page", "Category"),
                                     ("track", "Viewed Category Name Page", "Category")]


def test_09_page_options_off_send_no_track():
    analytics, tracker, _, _ = signed_in(trackNamedPages=False, trackCategorizedPages=False)
    analytics.page(None, "Name")
    analytics.page("Category", "Name")
    assert tracker.sent("track") == []


def test_10_page_without_user_or_group_sends_no_go():
    analytics, tracker, logger, _ = make()
    analytics.page()
    assert tracker.sent("go") == []
    assert any("identify and group first" in m for m in logger.messages("debug"))


def test_11_page_without_category_sends_no_go():
    analytics, tracker, logger, _ = signed_in()
    analytics.page()
    assert tracker.sent("go") == []
    assert any("category is required" in m for m in logger.messages("debug"))


def test_12_page_with_user_group_and_category_sets_module():
    analytics, tracker, _, _ = make()
    analytics.identify("id")
    analytics.group("id")
    analytics.page("Category", "Name")
    assert tracker.sent("go")[-1] == go(module="Category")


def test_13_identify_without_id():
    analytics, tracker, logger, _ = make()
    analytics.identify(None, {"trait": True})
    assert tracker.sent("go") == []
    assert any("id required" in m for m in logger.messages())


def test_14_identify():
    analytics, tracker, _, _ = make()
    analytics.identify("id", {"trait": True})
    assert tracker.sent() == [go(username="id", user={"id": "id", "trait": True})]


def test_15_identify_date_trait():
    analytics, tracker, _, _ = make()
    analytics.identify("id", {"date": WHEN})
    assert tracker.sent("go")[0][1]["user"]["date"] == WHEN_ISO


def test_16_identify_created_becomes_create_date():
    analytics, tracker, _, _ = make()
    analytics.identify("id", {"created": WHEN})
    user = tracker.sent("go")[0][1]["user"]
    assert user["Create Date"] == WHEN_ISO
    assert "created" not in user


def test_17_group_without_id():
    analytics, tracker, logger, _ = make()
    analytics.group(None, {"property": True})
    assert tracker.sent("go") == []
    assert any("id required" in m for m in logger.messages())


def test_18_group_with_default_plan():
    analytics, tracker, _, _ = make()
    analytics.group("id", {"property": True})
    assert tracker.sent() == [go(account={"id": "id", "property": True, "plan": "Free"})]


def test_19_group_date_trait():
    analytics, tracker, _, _ = make()
    analytics.group("id", {"date": WHEN})
    assert tracker.sent("go")[0][1]["account"]["date"] == WHEN_ISO


def test_20_group_created_becomes_create_date():
    analytics, tracker, _, _ = make()
    analytics.group("id", {"created": WHEN})
    account = tracker.sent("go")[0][1]["account"]
    assert account["Create Date"] == WHEN_ISO
    assert "created" not in account


def test_21_group_parent_option():
    analytics, tracker, _, _ = make()
    analytics.group("id", {"property": True}, {"Totango": {"parent": {"id": "XYZ-85b"}}})
    assert tracker.sent() == [go(account={"id": "id", "property": True, "plan": "Free",
                                          "parent": {"id": "XYZ-85b"}})]


def test_22_group_enable_hierarchy_false():
    analytics, tracker, _, _ = make()
    analytics.group("id", {"property": True}, {"Totango": {"enableHierarchy": False}})
    assert tracker.sent() == [go(account={"id": "id", "property": True, "plan": "Free"},
                                 enableHierarchy=False)]


def test_23_group_product_option():
    analytics, tracker, _, _ = make()
    analytics.group("id", {"property": True}, {"Totango": {"product": {"id": "productA"}}})
    assert tracker.sent() == [go(account={"id": "id", "property": True, "plan": "Free"},
                                 product={"id": "productA"})]


def test_24_group_product_date_option():
    analytics, tracker, _, _ = make()
    analytics.group("id", {"property": True}, {"Totango": {"product": {"date": WHEN}}})
    assert tracker.sent() == [go(account={"id": "id", "property": True, "plan": "Free"},
                                 product={"date": WHEN_ISO})]


def test_25_track_without_page():
    analytics, tracker, _, _ = signed_in()
    analytics.track("event")
    assert tracker.sent() == [("track", "event", None)]


def test_26_track_after_page_uses_module():
    analytics, tracker, _, _ = signed_in()
    analytics.page("Category", "Name")
    del tracker.commands[:]
    analytics.track("event")
    assert tracker.sent() == [("track", "event", "Category")]


def test_27_track_category_property_wins():
    analytics, tracker, _, _ = signed_in()
    analytics.page("Category", "Name")
    del tracker.commands[:]
    analytics.track("event", {"category": "preferred"})
    assert tracker.sent() == [("track", "event", "preferred")]


def test_integrations_form_of_per_call_options():
    analytics, tracker, _, _ = make()
    analytics.group("id", {}, {"integrations": {"Totango": {"product": {"id": "p"}}}})
    assert tracker.sent("go")[0][1]["product"] == {"id": "p"}


def test_service_id_in_base():
    assert D["service_id"] == SERVICE_ID
