# Type information for checkers; the runtime (CPython, MicroPython, Pyodide) never reads it.
from typing import Any, Iterable

from . import client
from .destination import TotangoDestination as TotangoDestination
from .ownership import Owner
from .ports import (
    ContextPort,
    Destination as Destination,
    LifecyclePort,
    ListLogger as ListLogger,
    LoggerPort,
    ManualLifecycle as ManualLifecycle,
    MemoryStorage as MemoryStorage,
    PacerPort,
    RecordingTransport as RecordingTransport,
    StoragePort,
    TransportPort,
)
from .settings import SettingsError as SettingsError

__version__: str

class TransportUnavailableError(ImportError): ...

class Analytics(client.Analytics):
    def __init__(self, transport: TransportPort | None = None, destinations: Iterable[Destination] = (), *,
                 port_factory: Any = None, storage: StoragePort | None = None, logger: LoggerPort | None = None,
                 context: ContextPort | None = None, lifecycle: LifecyclePort | None = None,
                 owner: Owner | None = None, pacer: PacerPort | None = None) -> None: ...

analytics: Analytics

__all__ = ["Analytics", "Destination", "ListLogger", "ManualLifecycle", "MemoryStorage", "RecordingTransport",
           "SettingsError", "TotangoDestination", "TransportUnavailableError", "analytics"]
