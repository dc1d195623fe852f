"""The core's ports for a web page, built once (see ``totango_py.ports`` for the contracts)."""

from ..ownership import Owner
from .console import ConsoleLogger
from .context import page_context
from .lifecycle import PageLifecycle
from .locks import page_locks
from .storage import BrowserStorage
from .transport import BrowserTransport


# The tag sets it to the name the snippet gave this tab (its queue kept at
# pagehide is stored under that name); a PyScript app gets a name of its own.
tab = None


class _LinksOnUse:
    """The links port, its module imported with the later methods that bind links (trackLink, trackForm)."""

    def __init__(self, logger):
        self._logger, self._links = logger, None

    def bind(self, elements, dom_event, handler):
        if self._links is None:
            from .links import PageLinks

            self._links = PageLinks(self._logger)
        return self._links.bind(elements, dom_event, handler)


def ports():
    logger = ConsoleLogger()
    storage = BrowserStorage(logger)
    owner = Owner(storage, page_locks(storage), tab)
    return {
        "storage": storage,
        "transport": BrowserTransport(logger),
        "logger": logger,
        "context": page_context,
        "lifecycle": PageLifecycle(owner),
        "owner": owner,
        "links": _LinksOnUse(logger),
    }
