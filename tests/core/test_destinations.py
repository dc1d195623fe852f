"""The API does not assume Totango: any destination gets the calls, each its own opt-out."""

from core_helpers import SERVICE_ID, sent
from totango_py import Analytics, Destination, MemoryStorage, RecordingTransport
from totango_py.ports import held


class Recorder(Destination):
    """A second destination in a few lines: it keeps every event it is handed."""

    name = "Recorder"

    def __init__(self):
        self.events = []

    def track(self, event):
        self.events.append((event["type"], event["event"], event["userId"], event["groupId"]))
        return held("kept for later")


def two_destinations():
    transport, recorder = RecordingTransport(), Recorder()
    analytics = Analytics(transport=transport, destinations=[recorder], storage=MemoryStorage())
    analytics.load({"serviceId": SERVICE_ID})
    analytics.identify("u1")
    analytics.group("g1")
    return analytics, transport, recorder


def test_both_destinations_receive_the_calls():
    analytics, transport, recorder = two_destinations()
    outcome = analytics.track("Paid", {"amount": 3})
    assert sent(transport, "track") == [("track", "Paid", None, "g1", "u1")]
    assert recorder.events == [("track", "Paid", "u1", "g1")]
    assert outcome["destinations"] == {"Totango": {"outcome": "delivered"},
                                       "Recorder": {"outcome": "held", "reason": "kept for later"}}
    assert outcome["outcome"] == "held"   # the least done of the two


def test_opt_out_is_per_destination_by_name():
    analytics, transport, recorder = two_destinations()
    analytics.track("Only Totango", {}, {"integrations": {"Recorder": False}})
    analytics.track("Only Recorder", {}, {"integrations": {"All": False, "Recorder": True}})
    outcome = analytics.track("Nobody", {}, {"integrations": {"All": False}})
    assert [c[1] for c in sent(transport, "track")] == ["Only Totango"]
    assert [e[1] for e in recorder.events] == ["Only Recorder"]
    assert outcome["outcome"] == "disabled" and outcome["reason"] == "disabled for this call"


def test_a_failing_destination_costs_only_its_own_delivery():
    class Broken(Destination):
        name = "Broken"

        def track(self, event):
            raise RuntimeError("boom")

    transport = RecordingTransport()
    analytics = Analytics(transport=transport, destinations=[Broken()])
    analytics.load({"serviceId": SERVICE_ID})
    analytics.identify("u1")
    analytics.group("g1")
    outcome = analytics.track("Still sent")
    assert sent(transport, "track") == [("track", "Still sent", None, "g1", "u1")]
    assert outcome["outcome"] == "dropped" and "boom" in outcome["reason"]
    assert analytics.status()["dropped"][-1]["call"] == 'track("Still sent")'


def test_status_sums_and_keeps_each_destination():
    analytics, _, _ = two_destinations()
    analytics.track("x")
    status = analytics.status()
    assert status["delivered"] == 3 and status["destinations"]["Totango"]["delivered"] == 3
    assert status["destinations"]["Recorder"] == {}


def test_ready_waits_for_every_destination():
    class Slow(Destination):
        name = "Slow"

        def load(self, settings, analytics, on_ready):
            self.on_ready = on_ready

    slow, seen = Slow(), []
    analytics = Analytics(transport=RecordingTransport(), destinations=[slow])
    analytics.ready(lambda: seen.append("ready"))
    analytics.load({"serviceId": SERVICE_ID})
    assert seen == []
    slow.on_ready()
    assert seen == ["ready"]


def test_recording_transport_keeps_any_command_as_given():
    transport = RecordingTransport()
    transport.send(("setUserAttributes", {"a": 1}))
    transport.send(("anything", 1, 2, 3))
    assert transport.sent == [("setUserAttributes", {"a": 1}), ("anything", 1, 2, 3)]
