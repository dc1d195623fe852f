"""The core's ports for a web page, built once (see ``totango_py.ports`` for the contracts)."""

from ..ownership import Owner
from . import ffi
from .console import ConsoleLogger
from .context import page_context
from .lifecycle import PageLifecycle
from .links import PageLinks
from .locks import page_locks
from .pacer import PagePacer
from .storage import BrowserStorage
from .transport import BrowserTransport

# The tag sets it to the name the snippet gave this tab (its queue kept at
# pagehide is stored under that name); a PyScript app gets a name of its own.
tab = None


def ports():
    if ffi.in_worker():
        from .relay import ports as relayed

        return relayed(tab)
    logger = ConsoleLogger()
    storage = BrowserStorage(logger)
    pacer = PagePacer()
    owner = Owner(storage, page_locks(storage), tab, pacer)
    return {
        "storage": storage,
        "transport": BrowserTransport(logger),
        "logger": logger,
        "context": page_context,
        "lifecycle": PageLifecycle(owner),
        "owner": owner,
        "links": PageLinks(logger),
        "pacer": pacer,
    }
