"""The ports the core talks through, each with an in-memory implementation.

The browser bridge (``totango_py.browser``) provides the real ones; these
serve tests, scripts and servers::

    from totango_py import Analytics, MemoryStorage, RecordingTransport
    transport = RecordingTransport()
    analytics = Analytics(storage=MemoryStorage(), transport=transport)
    analytics.load(service_id="SP-1234-56")
    analytics.identify("u1")
    transport.sent   # [("go", {...})]

Contracts (duck-typed: any object with these methods will do):

* storage — ``get(key) -> str | None``, ``set(key, text)``, ``remove(key)``,
  and ``keys()`` listing the stored keys (optional: without it no work is
  adopted from other tabs)
* owner — an ``ownership.Owner``: whose persisted work is whose across tabs
* transport — ``load(options, url, on_ready, on_fail)`` starts the collector,
  ``set_options(options)`` updates its options before it has loaded, and
  ``send(command)`` applies one command ``(collector_method, *args)``
* logger — ``log(level, message)``, level ``debug``/``info``/``warn``/``error``
* context — a function returning the page's ``{path, url, title, referrer, search}``
* lifecycle — ``watch(pause, resume)``: calls ``pause(reason)`` while delivery
  would be cut off (the page is being left, offline) and ``resume()`` after
* links — ``bind(elements, dom_event, handler) -> count``: calls ``handler(element)``
  on each ``click`` / ``submit`` of the elements (``trackLink`` / ``trackForm``);
  absent outside a page
* pacer — ``run(step)``: calls ``step()`` until it returns False, in slices with
  pauses between them where a host must stay responsive (a page); ``Pacer`` runs
  every step at once
* destination — see ``Destination`` below
"""

DELIVERED = {"outcome": "delivered"}


def held(reason):
    return {"outcome": "held", "reason": reason}


def dropped(reason):
    return {"outcome": "dropped", "reason": reason}


def local(reason):
    """A call that did its work inside totango_py (a listener added, links bound): nothing for Totango."""
    return {"outcome": "local", "reason": reason}


def unsupported(reason):
    """A call accepted although Totango has no counterpart (``alias``): nothing sent."""
    return {"outcome": "unsupported", "reason": reason}


_RANK = {"dropped": 4, "held": 3, "delivered": 2, "local": 1, "unsupported": 1, "disabled": 0}


def combine(outcomes):
    """One outcome for several: the least done wins (dropped, then held, then delivered, then
    nothing to send: local or unsupported)."""
    result = {"outcome": "disabled", "reason": "disabled for this call"}
    for outcome in outcomes:
        if _RANK[outcome["outcome"]] > _RANK[result["outcome"]]:
            result = outcome
    return dict(result)


class MemoryStorage:
    """Storage in a dict: for tests, servers and as the last browser fallback."""

    def __init__(self, data=None):
        self.data = data if data is not None else {}

    def get(self, key):
        return self.data.get(key)

    def set(self, key, text):
        self.data[key] = text

    def remove(self, key):
        self.data.pop(key, None)

    def keys(self):
        return list(self.data)


class RecordingTransport:
    """Records every command in ``sent``, without knowing what commands mean.

    ``auto_ready`` reports the collector loaded at once; otherwise call
    ``ready()`` or ``fail(reason)`` to play it arriving or failing.
    """

    def __init__(self, auto_ready=True):
        self.auto_ready = auto_ready
        self.sent = []
        self.loads = []
        self.options = []
        self._on_ready = None
        self._on_fail = None

    def load(self, options, url, on_ready, on_fail):
        self.loads.append((dict(options), url))
        self._on_ready, self._on_fail = on_ready, on_fail
        if self.auto_ready:
            on_ready()

    def set_options(self, options):
        self.options.append(dict(options))

    def send(self, command):
        self.sent.append(command)

    def ready(self):
        self._on_ready()

    def fail(self, reason):
        self._on_fail(reason)


class Pacer:
    """Runs work at once, every step in a row: where nothing waits on this thread."""

    def run(self, step):
        while step():
            pass


class ListLogger:
    """A logger that keeps ``(level, message)`` pairs."""

    def __init__(self):
        self.lines = []

    def log(self, level, message):
        self.lines.append((level, message))

    def messages(self, level=None):
        return [m for lv, m in self.lines if level is None or lv == level]


class ManualLifecycle:
    """A lifecycle driven by hand: ``leave(reason)`` pauses delivery, ``back()`` resumes it."""

    def __init__(self):
        self._pause = self._resume = None

    def watch(self, pause, resume):
        self._pause, self._resume = pause, resume

    def leave(self, reason="the page is being left"):
        self._pause(reason)

    def back(self):
        self._resume()


class Destination:
    """What ``Analytics`` hands accepted calls to (the shape of analytics-next's
    destination plugins). Subclass and override what the destination does.

    ``load(settings, analytics, on_ready)`` starts it (raise ``SettingsError``
    for bad settings; ``analytics.ports``, ``analytics.journal``,
    ``analytics.user()`` and ``analytics.group()`` are there to read) and calls
    ``on_ready()`` once it can deliver. Each call method takes an event dict
    (``type``, ``call``, ``userId``, ``groupId``, ``anonymousId``, ``options``,
    ``integration`` — this destination's per-call options —, ``traits`` or
    ``properties``, ``category``/``name``/``event``) and returns an outcome:
    ``DELIVERED``, ``held(reason)`` or ``dropped(reason)``.
    """

    name = "Destination"

    def load(self, settings, analytics, on_ready):
        on_ready()

    def identify(self, event):
        return DELIVERED

    def group(self, event):
        return DELIVERED

    def page(self, event):
        return DELIVERED

    def track(self, event):
        return DELIVERED

    def reset(self, event):
        return DELIVERED

    def status(self):
        return {}
