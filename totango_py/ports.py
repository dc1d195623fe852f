"""In-memory implementations of the ports the core talks through.

The browser bridge provides the real ones (localStorage, ``window.totango``,
the console); these serve tests, the MicroPython scenario and servers.

* storage: ``get(key)``, ``set(key, text)``, ``remove(key)`` — see ``storage.MemoryStorage``
* tracker: ``load(options, url, on_ready, on_fail)``, ``set_options(options)``, ``send(command)``
* logger: ``log(level, message)`` with level ``debug``/``info``/``warn``/``error``
"""

from .storage import MemoryStorage  # noqa: F401  (re-exported: one place for all ports)


class RecordingTracker:
    """A tracker that records every command in ``commands``.

    ``auto_ready`` makes it report loaded at once; otherwise call ``ready()``
    or ``fail(reason)`` to play the collector script arriving or failing.
    """

    def __init__(self, auto_ready=True):
        self.auto_ready = auto_ready
        self.commands = []
        self._on_ready = None
        self._on_fail = None

    def load(self, options, url, on_ready, on_fail):
        self.commands.append(("load", dict(options), url))
        self._on_ready, self._on_fail = on_ready, on_fail
        if self.auto_ready:
            on_ready()

    def set_options(self, options):
        self.commands.append(("options", dict(options)))

    def send(self, command):
        self.commands.append(command)

    def ready(self):
        self._on_ready()

    def fail(self, reason):
        self._on_fail(reason)

    def sent(self, kind=None):
        """The commands sent to the collector, optionally of one kind."""
        return [c for c in self.commands if c[0] in ("go", "track", "clear") and (kind is None or c[0] == kind)]


class ListLogger:
    """A logger that keeps ``(level, message)`` pairs."""

    def __init__(self):
        self.lines = []

    def log(self, level, message):
        self.lines.append((level, message))

    def messages(self, level=None):
        return [m for lv, m in self.lines if level is None or lv == level]
