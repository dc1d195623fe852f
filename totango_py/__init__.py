"""totango_py: Segment's analytics.js Totango destination, in Python.

Example::

    from totango_py import analytics

    analytics.load(service_id="SP-1234-56")
    analytics.identify("u1", {"email": "ann@example.com"})
    analytics.group("acme", {"name": "Acme", "plan": "Paying"})
    analytics.page("Billing", "Invoices")
    analytics.track("Paid invoice")

In a web page the browser bridge (localStorage, the collector script) is
used; anywhere else the ports are in memory (see ``totango_py.ports``).
"""

from . import client
from .destination import TotangoDestination
from .ports import Destination, ListLogger, ManualLifecycle, MemoryStorage, RecordingTransport
from .settings import SettingsError

__version__ = "0.1.0"


class Analytics(client.Analytics):
    """analytics.js's API sending to Totango, and to any other ``destinations`` given.

    ``transport`` is where Totango's commands go (the page's collector, by
    default, in a browser; a ``RecordingTransport`` elsewhere).
    """

    def __init__(self, transport=None, destinations=(), **ports):
        super().__init__([TotangoDestination(transport)] + list(destinations), **ports)


def _browser_ports():
    """The page's ports when running in a browser, else None (in-memory defaults)."""
    try:
        import js  # noqa: F401  (present only under Pyodide/MicroPython in a page)
    except ImportError:
        return None
    from .browser import bridge

    return bridge.ports()


analytics = Analytics(port_factory=_browser_ports)

__all__ = ["Analytics", "Destination", "ListLogger", "ManualLifecycle", "MemoryStorage", "RecordingTransport",
           "SettingsError", "TotangoDestination", "analytics"]
