"""Totango from Python backends (CPython only): Segment messages sent as Totango pixels.

Example::

    import totango_py.server as totango

    totango.configure("SP-1234-56", region="eu1")
    totango.identify("u1", {"name": "Ann"}, context={"groupId": "acme"})
    totango.group("u1", "acme", {"name": "Acme", "plan": "Paying"})
    totango.track("u1", "Paid invoice", {"category": "Billing"}, context={"groupId": "acme"})

The module-level functions use one shared ``Client`` made by ``configure``.
Every identify, page and track must carry ``context.groupId`` (Totango needs
the account); without it the call raises ``MissingFieldError``.
Needs urllib3 (``pip install totango_py[server]``); the browser package never imports this.
For one user per process (a desktop app, a CLI tool), ``totango_py.analytics`` is simpler:
on CPython it sends through this package's ``collector``.
"""

from .client import Client
from .errors import (
    ClientClosedError,
    DeliveryError,
    MessageError,
    MissingFieldError,
    QueueFullError,
    UnsupportedMessageError,
)

_client = None


def configure(service_id, **options):
    """Create the shared client (replacing and shutting down an earlier one) and return it."""
    global _client
    if _client is not None:
        _client.shutdown()
    _client = Client(service_id, **options)
    return _client


def default_client():
    if _client is None:
        raise RuntimeError("call totango_py.server.configure(service_id, ...) first")
    return _client


def identify(*args, **kwargs):
    return default_client().identify(*args, **kwargs)


def group(*args, **kwargs):
    return default_client().group(*args, **kwargs)


def page(*args, **kwargs):
    return default_client().page(*args, **kwargs)


def track(*args, **kwargs):
    return default_client().track(*args, **kwargs)


def send(message):
    return default_client().send(message)


def send_batch(batch):
    return default_client().send_batch(batch)


def flush(timeout=None):
    return default_client().flush(timeout)


def shutdown(timeout=None):
    return default_client().shutdown(timeout)


__all__ = ["Client", "ClientClosedError", "DeliveryError", "MessageError", "MissingFieldError",
           "QueueFullError", "UnsupportedMessageError", "configure", "identify", "group", "page", "track",
           "send", "send_batch", "flush", "shutdown"]
