"""§6 bad input, table-driven: a clear message, never an exception."""

import datetime

import pytest

from core_helpers import make, sent, signed_in
from totango_py import SettingsError
from totango_py.settings import validate


class Opaque:
    pass


def cyclic():
    traits = {"name": "loop"}
    traits["self"] = traits
    return traits


# (call, args, expected commands sent, substring expected in a warning/debug line)
ROWS = [
    ("identify", [42, {"a": 1}], [("go", "user", {"id": "42", "a": 1})], None),
    ("identify", [42.0], [("go", "user", {"id": "42"})], None),
    ("group", [7, {}], [("go", "account", {"id": "7", "plan": "Free"})], None),
    ("identify", [None, {"a": 1}], [], "id required"),
    ("identify", ["", {"a": 1}], [], "id required"),
    ("identify", ["   "], [], "id required"),
    ("group", [None], [], "id required"),
    ("group", [""], [], "id required"),
    ("identify", [True], [], "must be a string or number, got boolean"),
    ("identify", [["u"]], [], "must be a string or number, got array"),
    ("group", [False], [], "must be a string or number, got boolean"),
    ("group", [["g"]], [], "must be a string or number, got array"),
    ("identify", [float("nan")], [], "finite number"),
    ("identify", ["u1", "not traits"], [], "traits must be an object, got str"),
    ("identify", ["u1", [1, 2]], [], "traits must be an object, got array"),
    ("group", ["g1", 5], [], "traits must be an object, got int"),
    ("track", ["e", "props"], [], "properties must be an object"),
    ("page", ["Cat", "Name", 3], [], "properties must be an object"),
    ("track", [None], [], "event name required"),
    ("track", [""], [], "event name required"),
    ("track", [{"a": 1}], [], "event must be a string, got object"),
    ("page", [["x"]], [], "category must be a string, got array"),
    ("identify", ["u1", cyclic()], [("go", "user", {"id": "u1", "name": "loop"})], "cycle"),
    ("identify", ["u1", {"obj": Opaque(), "ok": 1}], [("go", "user", {"id": "u1", "ok": 1})], "cannot be sent"),
    ("identify", ["u1", {"n": float("inf")}], [("go", "user", {"id": "u1"})], "finite number"),
    ("identify", ["u1", {"__x": {"__totango_py_skipped__": "a function"}}], [("go", "user", {"id": "u1"})],
     "a function"),
    ("identify", ["u" * 101], [("go", "user", {"id": "u" * 101})], "at most 100"),
    ("group", ["g" * 481], [("go", "account", {"id": "g" * 481, "plan": "Free"})], "at most 480"),
    ("track", ["a" * 191], [("track", "a" * 191, None, "id", "id")], "at most 190"),
    ("track", ["e", {"category": "m" * 101}], [("track", "e", "m" * 101, "id", "id")], "at most 100"),
    ("identify", ["u1", {"bio": "b" * 256}], [("go", "user", {"id": "u1", "bio": "b" * 256})], "at most 255"),
    ("group", ["g1", {"about": "b" * 513}], [("go", "account", {"id": "g1", "about": "b" * 513, "plan": "Free"})],
     "at most 512"),
]


@pytest.mark.parametrize("call,args,expected,message", ROWS, ids=[
    "%02d-%s" % (n, row[0]) for n, row in enumerate(ROWS)])
def test_bad_input_row(call, args, expected, message):
    analytics, transport, logger, _ = make()
    if call in ("track", "page"):
        analytics, transport, logger, _ = signed_in()
    getattr(analytics, call)(*args)
    sent = []
    for command in transport.sent:
        if command[0] == "go":
            key = "user" if "user" in command[1] else "account"
            sent.append(("go", key, command[1][key]))
        else:
            sent.append(command)
    if call == "page":
        sent = [c for c in sent if c[0] == "track"]
    assert sent == expected
    if message is not None:
        assert any(message in line for line in logger.messages()), logger.messages()


def test_dates_everywhere_become_iso():
    analytics, transport, _, _ = make()
    aware = datetime.datetime(2024, 1, 1, 1, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    analytics.identify("u", {"a": aware, "b": datetime.date(2024, 2, 29), "c": "2024-05-06T07:08:09Z",
                             "d": 1700000000, "nested": {"when": "2024-05-06"}, "list": ["2024-05-06T01:02:03+01:00"]})
    user = sent(transport, "go")[0][1]["user"]
    assert user == {"id": "u", "a": "2023-12-31T23:30:00.000Z", "b": "2024-02-29T00:00:00.000Z",
                    "c": "2024-05-06T07:08:09.000Z", "d": 1700000000,
                    "nested": {"when": "2024-05-06T00:00:00.000Z"}, "list": ["2024-05-06T00:02:03.000Z"]}


@pytest.mark.parametrize("settings,message", [
    ({}, "serviceId is required"),
    ({"serviceId": ""}, "serviceId is required"),
    ({"serviceId": "SP 12<script>"}, "malformed"),
    ({"serviceId": 1234}, "malformed"),
    ({"serviceId": "SP-1", "color": "red"}, "unknown setting 'color'"),
    ({"serviceId": "SP-1", "region": "eu"}, "region must be one of us, eu1"),
    ({"serviceId": "SP-1", "disableHeartbeat": "yes"}, "disableHeartbeat must be true or false"),
    ({"serviceId": "SP-1", "trackerUrl": "javascript:alert(1)"}, "trackerUrl must be an http(s) or relative URL"),
    ({"serviceId": "SP-1", "trackerUrl": "https://x/\"onload=\""}, "plain URL"),
    ({"serviceId": "SP-1", "runtime": "cpython"}, "runtime must be one of"),
    ({"serviceId": "SP-1", "snapshot": "no"}, "snapshot must be true or false"),
    ({"serviceId": "SP-1", "worker": 1}, "worker must be true or false"),
    ({"serviceId": "SP-1", "holdLimit": 0}, "holdLimit"),
    ({"serviceId": "SP-1", "defaultPlan": 3}, "defaultPlan"),
])
def test_bad_settings_are_clear_errors(settings, message):
    with pytest.raises(SettingsError) as raised:
        validate(settings)
    assert message in str(raised.value)


def test_snake_case_settings_accepted():
    settings = validate({"service_id": "SP-1", "disable_heartbeat": True, "region": "eu1"})
    assert settings["serviceId"] == "SP-1" and settings["disableHeartbeat"] is True


def test_callback_that_raises_is_contained():
    analytics, _, logger, _ = make()

    def boom():
        raise RuntimeError("host bug")

    analytics.track("e", {}, {}, boom)
    assert any("callback raised RuntimeError" in m for m in logger.messages("error"))


def test_each_warning_is_logged_once():
    analytics, _, logger, _ = make()
    analytics.identify("u1", {"n": float("nan"), "bio": "b" * 300})
    warnings = logger.messages("warn")
    assert len([w for w in warnings if "finite number" in w]) == 1
    assert len([w for w in warnings if "at most 255" in w]) == 1
