"""The server-side client: Segment messages in, Totango pixels out, off the caller's thread.

Example::

    from totango_py.server import Client

    totango = Client("SP-1234-56", region="eu1")
    totango.track("u1", "Paid invoice", {"category": "Billing"}, context={"groupId": "acme"})
    totango.flush()

A call checks its message and queues it (microseconds); worker threads map it
with the same Totango mapping as the browser tag and send the pixels. Bad
messages raise at the call; delivery problems go to ``on_error(error, message)``.
"""

import atexit
import logging
import os
import threading
import time

from .. import settings as settings_module
from ..totango import TotangoMapping
from . import messages, pixels
from .errors import ClientClosedError, DeliveryError, MessageError, QueueFullError
from .transport import ENDPOINTS, MAX_URL_LENGTH, Transport, retry_policy
from .workers import Workers

log = logging.getLogger("totango_py.server")


class Client:
    """One Totango service. Thread-safe; create one per process and share it."""

    def __init__(self, service_id, region="us", endpoint=None, endpoints=None, default_plan="Free",
                 track_named_pages=True, track_categorized_pages=True, workers=16, max_queue_size=10000,
                 retries=5, backoff_factor=0.5, backoff_jitter=0.5, retry_after_max=60, read_retries=None,
                 timeout=(5.0, 10.0), max_url_length=MAX_URL_LENGTH, on_error=None, sync_mode=False):
        self.settings = settings_module.validate({
            "serviceId": service_id, "region": region, "defaultPlan": default_plan,
            "trackNamedPages": track_named_pages, "trackCategorizedPages": track_categorized_pages})
        self.service_id = service_id
        self.region = region
        self.endpoint = endpoint or dict(ENDPOINTS, **(endpoints or {}))[region]
        self.on_error = on_error
        self.sync_mode = sync_mode
        self.stats = {"sent": 0, "failed": 0, "dropped": 0, "skipped": 0}
        self._mapping = TotangoMapping(self.settings)
        self._retry = retry_policy(retries, backoff_factor, backoff_jitter, 30.0, retry_after_max, read_retries)
        self._transport_args = (timeout, max(1, workers), max_url_length)
        self._worker_count, self.max_queue_size = max(1, workers), max_queue_size
        self._lock = threading.Lock()
        self._last_logged = {}
        self._closed = False
        self._start()
        atexit.register(self.shutdown)

    def _start(self):
        timeout, pool_size, max_url_length = self._transport_args
        self._transport = Transport(self.endpoint, self._retry, timeout, pool_size, max_url_length)
        self._pid = os.getpid()
        self._workers = None if self.sync_mode else Workers(self._deliver, self._worker_count,
                                                            self.max_queue_size)

    # -- the Segment calls --------------------------------------------------------
    def identify(self, user_id=None, traits=None, context=None, anonymous_id=None, integrations=None):
        return self.send({"type": "identify", "userId": user_id, "anonymousId": anonymous_id, "traits": traits,
                          "context": context, "integrations": integrations})

    def group(self, user_id=None, group_id=None, traits=None, context=None, anonymous_id=None, integrations=None):
        return self.send({"type": "group", "userId": user_id, "anonymousId": anonymous_id, "groupId": group_id,
                          "traits": traits, "context": context, "integrations": integrations})

    def page(self, user_id=None, category=None, name=None, properties=None, context=None, anonymous_id=None,
             integrations=None):
        return self.send({"type": "page", "userId": user_id, "anonymousId": anonymous_id, "category": category,
                          "name": name, "properties": properties, "context": context,
                          "integrations": integrations})

    def track(self, user_id=None, event=None, properties=None, context=None, anonymous_id=None, integrations=None):
        return self.send({"type": "track", "userId": user_id, "anonymousId": anonymous_id, "event": event,
                          "properties": properties, "context": context, "integrations": integrations})

    def send(self, message):
        """Queue one Segment message; raise MessageError if Totango cannot take it.

        Returns True when queued (or, in sync mode, delivered), False when it
        opts out of Totango, was dropped on a full queue or failed (see on_error).
        """
        if self._closed:
            raise ClientClosedError("this Totango client was shut down; create a new one")
        warnings = []
        call = messages.parse(message, warnings)
        self._warn(warnings)
        return self._enqueue(call, message)

    def send_batch(self, batch):
        """Check every message first (nothing is queued if one is bad), then queue them all.

        Accepts a list of messages or Segment's ``{"batch": [...]}``; returns how many were queued.
        """
        if self._closed:
            raise ClientClosedError("this Totango client was shut down; create a new one")
        if isinstance(batch, dict) and "batch" in batch:
            batch = batch["batch"]
        if not isinstance(batch, (list, tuple)):
            raise MessageError("a batch must be a list of messages or {'batch': [...]}")
        calls, warnings = [], []
        for index, message in enumerate(batch):
            try:
                calls.append((messages.parse(message, warnings), message))
            except MessageError as error:
                raise type(error)(str(error), error.field, index)
        self._warn(warnings)
        return sum(1 for call, message in calls if self._enqueue(call, message))

    def pixels(self, message):
        """The requests one message would make, as ``(method, url, body)``; nothing is sent."""
        warnings = []
        call = messages.parse(message, warnings)
        if call is None:
            return []
        out = []
        for command, account_id, user_id in messages.commands(call, self._mapping, warnings):
            pairs = pixels.encode(command, self.service_id, account_id, user_id)
            if pairs:
                out.append(self._transport.request(pairs))
        return out

    # -- delivery ---------------------------------------------------------------------
    def _enqueue(self, call, message):
        if call is None:
            self._count("skipped")
            return False
        if self.sync_mode:
            return self._deliver((call, message))
        if self._pid != os.getpid():  # forked: the parent's threads and sockets are not ours
            self._start()
        if self._workers.put((call, message)):
            return True
        self._count("dropped")
        self._report(QueueFullError("queue full (%d messages waiting): message dropped" % self.max_queue_size),
                     message)
        return False

    def _deliver(self, item):
        call, message = item
        warnings = []
        delivered = True
        for command, account_id, user_id in messages.commands(call, self._mapping, warnings):
            pairs = pixels.encode(command, self.service_id, account_id, user_id)
            if not pairs:
                continue
            try:
                self._transport.send(pairs)
            except DeliveryError as error:
                delivered = False
                self._count("failed")
                self._report(error, message)
            else:
                self._count("sent")
        self._warn(warnings)
        return delivered

    def _count(self, name):
        with self._lock:
            self.stats[name] += 1

    def _report(self, error, message):
        if self.on_error is not None:
            try:
                self.on_error(error, message)
            except Exception:
                log.exception("on_error raised")
            return
        now, kind = time.monotonic(), type(error).__name__
        if now - self._last_logged.get(kind, -10.0) >= 1.0:  # at most one line a second per kind
            self._last_logged[kind] = now
            log.warning("%s (so far: %d dropped, %d failed)", error, self.stats["dropped"], self.stats["failed"])

    def _warn(self, warnings):
        for warning in warnings:
            log.warning(warning)

    # -- lifecycle --------------------------------------------------------------------
    def pending(self):
        """Messages queued or being sent."""
        return 0 if self._workers is None else self._workers.pending()

    def flush(self, timeout=None):
        """Block until everything queued so far is sent or failed; False if ``timeout`` passed first."""
        return True if self._workers is None else self._workers.wait(timeout)

    def shutdown(self, timeout=None):
        """Deliver what is queued, stop the threads and close connections (also run at exit)."""
        if self._closed:
            return True
        self._closed = True
        done = True
        if self._workers is not None:
            done = self._workers.stop(timeout)
        self._transport.close()
        atexit.unregister(self.shutdown)
        return done
