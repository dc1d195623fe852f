"""Shared set-up for the pure-core tests: an Analytics over in-memory ports."""

from totango_py import Analytics, ListLogger, MemoryStorage, RecordingTransport

SERVICE_ID = "SP-3389-01"


def base(region="us"):
    return {"service_id": SERVICE_ID, "region": region, "disable_heartbeat": True,
            "allow_empty_accounts": False}


def make(storage=None, auto_ready=True, load=True, **settings):
    """Return ``(analytics, transport, logger, storage)``, loaded unless ``load=False``."""
    storage = storage if storage is not None else MemoryStorage()
    transport = RecordingTransport(auto_ready=auto_ready)
    logger = ListLogger()
    analytics = Analytics(storage=storage, transport=transport, logger=logger)
    analytics.debug(True)
    if load:
        given = {"serviceId": SERVICE_ID, "disableHeartbeat": True}
        given.update(settings)
        analytics.load(given)
    return analytics, transport, logger, storage


def signed_in(**settings):
    """An instance with a user and account known and the commands so far cleared."""
    analytics, transport, logger, storage = make(**settings)
    analytics.identify("id")
    analytics.group("id")
    del transport.sent[:]
    return analytics, transport, logger, storage


def sent(transport, kind):
    """The commands of one kind (``"go"``, ``"track"``, ``"clear"``) the transport was given."""
    return [command for command in transport.sent if command[0] == kind]
