"""The core's ports for a web page, built once."""

from .console import ConsoleLogger
from .context import page_context
from .lifecycle import PageLifecycle
from .storage import BrowserStorage
from .tracker import BrowserTracker


def ports():
    logger = ConsoleLogger()
    return {
        "storage": BrowserStorage(logger),
        "tracker": BrowserTracker(logger),
        "logger": logger,
        "context": page_context,
        "lifecycle": PageLifecycle(),
    }
