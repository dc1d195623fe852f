"""One identify/group/page/track scenario through the core, printed as canonical JSON.

Runs unchanged on CPython and MicroPython; the test compares the two outputs
byte for byte. The JSON writer is here (not ``json.dumps``) because the two
interpreters order dict keys and escape text differently.
"""

import datetime

from totango_py import Analytics, ListLogger, MemoryStorage, RecordingTransport


def canonical(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        out = ['"']
        for char in value:
            code = ord(char)
            if char in '"\\':
                out.append("\\" + char)
            elif code < 32 or code > 126:
                out.append("\\u%04x" % code)
            else:
                out.append(char)
        out.append('"')
        return "".join(out)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(canonical(k) + ":" + canonical(value[k]) for k in sorted(value)) + "}"
    raise TypeError("cannot encode %r" % (value,))


def run():
    storage = MemoryStorage()
    transport = RecordingTransport(auto_ready=False)
    logger = ListLogger()
    analytics = Analytics(storage=storage, transport=transport, logger=logger)
    analytics.debug(True)
    outcomes = [analytics.track("Before anything")]
    analytics.load({"serviceId": "SP-3389-01", "region": "eu1", "disableHeartbeat": True})
    outcomes.append(analytics.page("Dashboard", "Home", {"path": "/home"}))
    outcomes.append(analytics.identify({"email": "lawrence@example.com"}))
    outcomes.append(analytics.identify(1001, {
        "name": "Lawrence Drywall", "age": 42,
        "created": datetime.datetime(2023, 12, 31, 23, 59, 58, 999999),
        "born": datetime.date(1980, 2, 29),
        "seen": "2024-06-01T12:00:00+02:00",
        "score": 42.99, "tags": ["a", "é"], "nested": {"ok": True, "none": None},
    }))
    outcomes.append(analytics.group("initech", {"name": "Initech", "created": "2020-01-02", "employees": 250},
                    {"integrations": {"Totango": {"parent": {"id": "XYZ-85b"}, "enableHierarchy": False,
                                                  "product": {"id": "p1", "since": datetime.datetime(2022, 5, 6)}}}}))
    transport.ready()
    outcomes.append(analytics.page("Billing", "Invoices"))
    outcomes.append(analytics.track("Paid invoice", {"revenue": 42.99}))
    outcomes.append(analytics.track("Exported report", {"category": "Reports"}))
    outcomes.append(analytics.track("Not for Totango", {}, {"integrations": {"All": False}}))
    outcomes.append(analytics.page(None, "Uncategorised"))
    outcomes.append(analytics.track("After an uncategorised page"))
    outcomes.append(analytics.identify(True))
    outcomes.append(analytics.group(None))
    outcomes.append(analytics.track(None))
    again = Analytics(storage=storage, transport=RecordingTransport(), logger=ListLogger())
    again.load("SP-3389-01")
    outcomes.append(again.track("After reload"))
    return {
        "commands": [transport.loads, transport.options, transport.sent],
        "reloaded": [again.destinations[0].transport.loads, again.destinations[0].transport.sent],
        "outcomes": outcomes,
        "dropped": analytics.status()["dropped"],
        "user": [analytics.user().id(), analytics.user().traits()],
        "group": [analytics.group().id(), analytics.group().traits()],
    }


print(canonical(run()))
