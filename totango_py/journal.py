"""What happened to every call: log lines, and the calls dropped with their reasons.

Shared by ``Analytics`` and its destinations so that ``status()`` and the
console tell one story. Warnings and errors always reach the logger port;
debug and info lines only while ``debug(true)`` is on.
"""

from .values import type_name

_HISTORY = 200
_DROPS_KEPT = 100


def describe(kind, args):
    """A short form of a call for logs and ``status()``, e.g. ``track("Paid")``."""
    shown = []
    for value in args:
        if callable(value):
            break
        if isinstance(value, str):
            text = '"%s"' % (value if len(value) <= 40 else value[:37] + "...")
        elif isinstance(value, dict):
            text = "{…}"
        elif isinstance(value, (list, tuple)):
            text = type_name(value)
        elif value is None or isinstance(value, bool):
            text = type_name(value) if value is None else ("true" if value else "false")
        else:
            text = repr(value)
        shown.append(text)
    while shown and shown[-1] == "null":
        shown.pop()
    return "%s(%s)" % (kind, ", ".join(shown))


class Journal:
    def __init__(self):
        self.logger = None
        self.debug = False
        self.history = []
        self.dropped = []
        self.dropped_count = 0

    def log(self, level, message):
        self.history.append((level, message))
        del self.history[:-_HISTORY]
        if self.logger is not None and (level in ("warn", "error") or self.debug):
            try:
                self.logger.log(level, "[totango_py] " + message)
            except Exception:  # a page's broken console must not stop the call
                pass

    def warn_all(self, call, warnings):
        for warning in warnings:
            self.log("warn", "%s: %s" % (call, warning))

    def drop(self, call, reason):
        self.dropped_count += 1
        self.dropped.append({"call": call, "reason": reason})
        del self.dropped[:-_DROPS_KEPT]
        self.log("warn", "%s dropped: %s" % (call, reason))

    def status(self, destinations, pending):
        """``status()``: the destinations' own figures summed, each one's, and the drops and log."""
        status = _summed([{"tracker": "not loaded", "paused": None, "delivered": 0}] + list(destinations.values()))
        status.update({
            "destinations": destinations,
            "pending_load": pending,
            "dropped": list(self.dropped),
            "dropped_count": self.dropped_count,
            "log": ["%s: %s" % line for line in self.history[-50:]],
        })
        return status


def _summed(parts):
    """Lists joined and counts added; any other value from the last part that has one."""
    total = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, list):
                total[key] = total.get(key, []) + value
            elif isinstance(value, int) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
            elif value is not None or key not in total:
                total[key] = value
    return total
