"""analytics.js's events: ``on`` / ``once`` / ``off`` and what each call emits.

A call emits its type with analytics.js's arguments once it has been handled
(``track`` → ``(event, properties, options)``), and ``ready`` once every
destination has loaded. A listener that raises is reported, never re-raised.
"""

EVENTS = ("identify", "group", "page", "track", "alias", "screen", "reset", "ready")


def emitted(message):
    """The arguments analytics.js passes to listeners of a handled call."""
    kind = message["type"]
    if kind in ("identify", "group"):
        return (message["userId" if kind == "identify" else "groupId"], message["traits"], message["options"])
    if kind in ("page", "screen"):
        return (message["category"], message["name"], message["properties"], message["options"])
    if kind == "track":
        return (message["event"], message["properties"], message["options"])
    if kind == "alias":
        return (message["to"], message["from"], message["options"])
    return ()


class Emitter:
    def __init__(self, journal):
        self.journal = journal
        self.listeners = []  # [event, function, once]

    def on(self, event, function, once=False):
        self.listeners.append([event, function, once])

    def off(self, event=None, function=None):
        """Remove the listeners of ``event`` (all events when None) that are ``function`` (all when None)."""
        kept = [entry for entry in self.listeners
                if not ((event is None or entry[0] == event) and (function is None or entry[1] == function))]
        removed = len(self.listeners) - len(kept)
        self.listeners = kept
        return removed

    def emit_call(self, message):
        """Emit a handled call with analytics.js's arguments, under its message's type:
        ``pageview`` is heard as ``page``, as analytics.js's ``pageview`` calls ``page``."""
        self.emit(message["type"], *emitted(message))

    def emit(self, event, *args):
        for entry in [e for e in self.listeners if e[0] == event]:
            if entry[2]:
                self.off(event, entry[1])
            try:
                entry[1](*args)
            except Exception as error:
                self.journal.log("error", "a listener of %r raised %s: %s" % (event, type(error).__name__, error))
