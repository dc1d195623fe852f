"""totango_py: Segment's analytics.js Totango destination, in Python.

Example::

    from totango_py import analytics

    analytics.load(service_id="SP-1234-56")
    analytics.identify("u1", {"email": "ann@example.com"})
    analytics.group("acme", {"name": "Acme", "plan": "Paying"})
    analytics.page("Billing", "Invoices")
    analytics.track("Paid invoice")

Which API fits which program:

* One user per process (a web page, a desktop app, a CLI tool, a notebook):
  ``totango_py.analytics``, or your own ``totango_py.Analytics``. It remembers
  who the user and the account are, as analytics.js does. In a page it uses the
  page's ports (localStorage, Totango's collector script). On CPython it sends
  Totango's pixels itself, from a background thread (``totango_py.server.collector``),
  and logs through ``logging.getLogger("totango_py")``; that needs the server extra,
  ``pip install 'totango-py[server]'``, without which ``load()`` raises
  ``TransportUnavailableError``.
* Many users per process (a web backend, a worker, a backfill):
  ``totango_py.server.Client``, stateless, where every identify, page and track
  names its account in ``context.groupId``.
"""

from . import client
from .destination import TotangoDestination
from .ports import Destination, ListLogger, ManualLifecycle, MemoryStorage, RecordingTransport
from .settings import SettingsError

__version__ = "0.1.0"


class TransportUnavailableError(ImportError):
    """``load()`` on CPython without the server extra: nothing could be sent, so nothing is accepted."""


class Analytics(client.Analytics):
    """analytics.js's API sending to Totango, and to any other ``destinations`` given.

    ``transport`` is where Totango's commands go: for ``analytics``, the page's
    collector in a browser and ``totango_py.server.collector.Collector`` on CPython;
    give one (or ``port_factory``) to an ``Analytics`` of your own.
    """

    def __init__(self, transport=None, destinations=(), **ports):
        self._totango = TotangoDestination(transport)
        super().__init__([self._totango] + list(destinations), **ports)


def _default_ports(owner):
    """The ports of ``owner`` (the module's ``analytics``): the page's in a browser, sending
    ones on CPython (or ``TransportUnavailableError``), else None (in-memory ports)."""
    import sys

    if sys.implementation.name == "cpython" and sys.platform != "emscripten":
        return _cpython_ports(owner)
    try:
        import js  # noqa: F401  (present only under Pyodide/MicroPython in a page)
    except ImportError:
        return None
    from .browser import bridge

    return bridge.ports()


def _cpython_ports(owner):
    """Pixels sent through the server transport, warnings through ``logging``."""
    try:
        import urllib3  # noqa: F401  (the server extra)
    except ImportError:
        raise TransportUnavailableError(
            "totango_py.analytics cannot send anything on CPython without urllib3: "
            "pip install 'totango-py[server]'. (Many users per process, as in a web backend? "
            "Use totango_py.server.Client.)") from None
    from .server import one_user

    return one_user.ports(lambda: owner._totango.settings)


analytics = Analytics(port_factory=lambda: _default_ports(analytics))

__all__ = ["Analytics", "Destination", "ListLogger", "ManualLifecycle", "MemoryStorage", "RecordingTransport",
           "SettingsError", "TotangoDestination", "TransportUnavailableError", "analytics"]
