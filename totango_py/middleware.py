"""analytics.js middleware: functions that see each call first and may change or drop it.

A source middleware gets ``{"payload": {"obj": message}, "integrations": …,
"next": next}`` before any destination; a destination middleware gets
``{"payload": …, "integration": name, "next": next}`` before that destination.
An integration middleware (classic analytics.js's ``addIntegrationMiddleware``)
is called ``function(payload, integration, next)`` before every destination,
ahead of that destination's own middleware.
Calling ``next(payload)`` passes the (possibly changed) message on; not calling
it drops the call. ``next`` must be called before the middleware returns.
"""

# The fields of an event a middleware sees and may change.
FIELDS = ("type", "userId", "groupId", "anonymousId", "traits", "properties", "event", "name", "category",
          "options", "to", "from")


def _message(event):
    message = {key: event[key] for key in FIELDS if key in event}
    options = event.get("options")
    message["integrations"] = options.get("integrations", {}) if isinstance(options, dict) else {}
    return message


def _run(function, message, context):
    """The message ``function`` passed to ``next()``, or None when it did not.
    With ``context["spread"]`` it is called ``(payload, integration, next)``, else with one object."""
    page_run = getattr(function, "run_middleware", None)
    if page_run is not None:  # a page's JavaScript function
        return page_run(message, context)
    passed = []
    payload = {"obj": message}

    def next_(given=None):
        passed.append((given if given is not None else payload).get("obj", message))

    if context.get("spread"):
        function(payload, context["integration"], next_)
    else:
        function(dict(context, payload=payload, next=next_))
    return passed[0] if passed else None


class Middleware:
    def __init__(self):
        self.source = []
        self.integration = []  # before every destination
        self.destination = {}

    def add_destination(self, name, functions):
        self.destination.setdefault(name, []).extend(functions)

    def apply(self, event, functions, context):
        """``event`` changed by each of ``functions`` in turn, or None when one dropped it."""
        if not functions:
            return event
        message = _message(event)
        for function in functions:
            message = _run(function, message, context)
            if not isinstance(message, dict):
                return None
        changed = dict(event)
        changed.update({key: message[key] for key in FIELDS if key in message and key in event})
        return changed

    def run_source(self, event):
        return self.apply(event, self.source, {"integrations": _message(event)["integrations"]})

    def run_destination(self, name, event):
        event = self.apply(event, self.integration, {"integration": name, "spread": True})
        if event is None:
            return None
        return self.apply(event, self.destination.get(name, []), {"integration": name})
