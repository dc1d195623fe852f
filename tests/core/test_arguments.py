"""analytics.js argument shuffling."""

from totango_py import arguments


def cb():
    pass


def test_identify_shapes():
    assert arguments.identify([{"a": 1}])["traits"] == {"a": 1}
    m = arguments.identify([{"a": 1}, {"integrations": {}}, cb])
    assert (m["userId"], m["traits"], m["options"], m["callback"]) == (None, {"a": 1}, {"integrations": {}}, cb)
    m = arguments.identify(["u", cb, "ignored"])
    assert (m["userId"], m["traits"], m["callback"]) == ("u", None, cb)


def test_page_shapes():
    m = arguments.page(["Home"])
    assert (m["category"], m["name"]) == (None, "Home")
    m = arguments.page([{"path": "/x"}])
    assert (m["category"], m["name"], m["properties"]) == (None, None, {"path": "/x"})
    m = arguments.page(["Home", {"p": 1}, {"o": 1}])
    assert (m["category"], m["name"], m["properties"], m["options"]) == (None, "Home", {"p": 1}, {"o": 1})
    m = arguments.page(["Cat", "Name", {"p": 1}, {"o": 1}, cb])
    assert (m["category"], m["name"], m["properties"], m["options"], m["callback"]) == (
        "Cat", "Name", {"p": 1}, {"o": 1}, cb)
    m = arguments.page([cb])
    assert (m["name"], m["callback"]) == (None, cb)


def test_track_and_per_call_options():
    m = arguments.track(["Paid", {"a": 1}, {"Totango": {"x": 1}}])
    assert arguments.integration_options(m["options"], "Totango") == {"x": 1}
    assert arguments.integration_options({"integrations": {"Totango": {"y": 2}}}, "Totango") == {"y": 2}
    assert arguments.integration_options({"integrations": {"Totango": True}}, "Totango") == {}
    m = arguments.track(["Paid", cb])
    assert (m["properties"], m["callback"]) == (None, cb)
