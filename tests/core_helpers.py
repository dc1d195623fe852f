"""Shared set-up for the pure-core tests: an Analytics over in-memory ports."""

from totango_py import Analytics
from totango_py.ports import ListLogger, RecordingTracker
from totango_py.storage import MemoryStorage

SERVICE_ID = "SP-3389-01"


def base(region="us"):
    return {"service_id": SERVICE_ID, "region": region, "disable_heartbeat": True,
            "allow_empty_accounts": False}


def make(storage=None, auto_ready=True, load=True, **settings):
    """Return ``(analytics, tracker, logger, storage)``, loaded unless ``load=False``."""
    storage = storage if storage is not None else MemoryStorage()
    tracker = RecordingTracker(auto_ready=auto_ready)
    logger = ListLogger()
    analytics = Analytics(storage=storage, tracker=tracker, logger=logger)
    analytics.debug(True)
    if load:
        given = {"serviceId": SERVICE_ID, "disableHeartbeat": True}
        given.update(settings)
        analytics.load(given)
    return analytics, tracker, logger, storage


def signed_in(**settings):
    """An instance with a user and account known and the commands so far cleared."""
    analytics, tracker, logger, storage = make(**settings)
    analytics.identify("id")
    analytics.group("id")
    del tracker.commands[:]
    return analytics, tracker, logger, storage
