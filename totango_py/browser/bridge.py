"""The core's ports for a web page, built once (see ``totango_py.ports`` for the contracts)."""

from .console import ConsoleLogger
from .context import page_context
from .lifecycle import PageLifecycle
from .storage import BrowserStorage
from .transport import BrowserTransport


def ports():
    logger = ConsoleLogger()
    return {
        "storage": BrowserStorage(logger),
        "transport": BrowserTransport(logger),
        "logger": logger,
        "context": page_context,
        "lifecycle": PageLifecycle(),
    }
