"""One identify/group/page/track scenario through the core, printed as canonical JSON.

Runs unchanged on CPython and MicroPython; the test compares the two outputs
byte for byte. The JSON writer is here (not ``json.dumps``) because the two
interpreters order dict keys and escape text differently.
"""

import datetime

from totango_py import Analytics
from totango_py.ports import ListLogger, RecordingTracker
from totango_py.storage import MemoryStorage


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
    tracker = RecordingTracker(auto_ready=False)
    logger = ListLogger()
    analytics = Analytics(storage=storage, tracker=tracker, logger=logger)
    analytics.debug(True)
    analytics.track("Before anything")
    analytics.load({"serviceId": "SP-3389-01", "region": "eu1", "disableHeartbeat": True})
    analytics.page("Dashboard", "Home", {"path": "/home"})
    analytics.identify(1001, {
        "email": "lawrence@example.com", "name": "Lawrence Drywall", "age": 42,
        "created": datetime.datetime(2023, 12, 31, 23, 59, 58, 999999),
        "born": datetime.date(1980, 2, 29),
        "seen": "2024-06-01T12:00:00+02:00",
        "score": 42.99, "tags": ["a", "é"], "nested": {"ok": True, "none": None},
    })
    analytics.group("initech", {"name": "Initech", "created": "2020-01-02", "employees": 250},
                    {"integrations": {"Totango": {"parent": {"id": "XYZ-85b"}, "enableHierarchy": False,
                                                  "product": {"id": "p1", "since": datetime.datetime(2022, 5, 6)}}}})
    tracker.ready()
    analytics.page("Billing", "Invoices")
    analytics.track("Paid invoice", {"revenue": 42.99})
    analytics.track("Exported report", {"category": "Reports"})
    analytics.identify(True)
    analytics.group(None)
    analytics.track(None)
    again = Analytics(storage=storage, tracker=RecordingTracker(), logger=ListLogger())
    again.load({"serviceId": "SP-3389-01"})
    again.track("After reload")
    return {
        "commands": tracker.commands,
        "reloaded": again._ports["tracker"].commands,
        "dropped": analytics.status()["dropped"],
        "user": [analytics.user().id(), analytics.user().traits()],
        "group": [analytics.group().id(), analytics.group().traits()],
    }


print(canonical(run()))
