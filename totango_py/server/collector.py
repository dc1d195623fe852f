"""Totango's collector, in Python: the transport of ``totango_py.analytics`` outside a page.

In a page the destination's commands go to Totango's collector script, which
keeps the options, the current user and the current account, and turns each
command into a pixel. A program on CPython (a desktop app, a CLI tool, a
notebook) has no such script, so this transport does its part: it applies each
command the way the collector does (``emulator/totango_collector.js`` is the
same behaviour in JavaScript) and hands the pixels to one sender thread, which
delivers them in order through ``transport.Transport`` (urllib3, with retries).

A command counts as delivered once its pixel is queued for that thread, as one
handed to the collector in a page does. Delivery problems go to the
``totango_py`` logger; nothing raises into the caller except a full queue.
At interpreter exit the thread gets a few seconds to finish, never more.
"""

import atexit
import logging
import os
import threading

from . import pixels
from .errors import DeliveryError
from .transport import ENDPOINTS, MAX_URL_LENGTH, Transport, retry_policy
from .workers import Workers

log = logging.getLogger("totango_py")

EXIT_WAIT = 5.0          # seconds the sender gets at interpreter exit
HEARTBEAT_SECONDS = 60.0  # as the collector's own heartbeat
MAX_WAITING = 10000      # pixels queued for the sender before a command is refused


def _empty(value):
    """The collector's test for "not given": undefined, null or ''."""
    return value is None or value == ""


def _next_entity(current, incoming):
    """The collector's user or account after ``incoming``: the same id updates, another replaces."""
    if not isinstance(incoming, dict):
        return current
    same = current is not None and (_empty(incoming.get("id"))
                                    or pixels.text(incoming["id"]) == pixels.text(current.get("id")))
    return _merged(current, incoming) if same else dict(incoming)


def _merged(current, incoming):
    merged = dict(current or {})
    merged.update(incoming)
    return merged


class Collector:
    """The transport port (see ``totango_py.ports``) for CPython: commands in, pixels out.

    ``endpoint`` is the pixel receiver's URL; None means Totango's for the
    ``region`` in the options given to ``load``, which then sets it.
    """

    def __init__(self, endpoint=None, retries=5, backoff_factor=0.5, timeout=(5.0, 10.0),
                 max_waiting=MAX_WAITING, exit_wait=EXIT_WAIT, heartbeat_seconds=HEARTBEAT_SECONDS):
        self.endpoint = endpoint
        self.options = {}
        self.user = None
        self.account = None
        self.exit_wait = exit_wait
        self.heartbeat_seconds = heartbeat_seconds
        self._retry = retry_policy(retries, backoff_factor)
        self._timeout = timeout
        self._max_waiting = max_waiting
        self._lock = threading.Lock()  # the state is shared with the heartbeat thread
        self._stopped = threading.Event()
        self._http = None
        self._sender = None
        self._pid = None

    # -- the transport port ----------------------------------------------------------
    def load(self, options, url, on_ready, on_fail):
        """Start the sender and take ``options`` as the collector takes ``totango_options``.

        ``url`` is the collector script's: there is none to load here.
        """
        self.endpoint = self.endpoint or ENDPOINTS.get(options.get("region"), ENDPOINTS["us"])
        self._start_sender()
        atexit.register(self._at_exit)
        with self._lock:
            self._queue(self._go(options, quiet=True))
        heartbeat = threading.Thread(target=self._beat, name="totango-py-heartbeat", daemon=True)
        heartbeat.start()
        on_ready()

    def set_options(self, options):
        """Nothing to do: the collector reads its options once, at ``load``, and this one has loaded."""

    def send(self, command):
        """Apply one command ``(collector_method, *args)``; raises if its pixel cannot be queued."""
        if self._sender is None:
            raise RuntimeError("the collector has not been loaded")
        method = _METHODS.get(command[0])
        if method is None:
            raise ValueError("Totango's collector has no method %r" % (command[0],))
        with self._lock:
            self._queue(method(self, *command[1:]))

    # -- waiting for the sender -----------------------------------------------------
    def pending(self):
        """Pixels queued or being sent."""
        return 0 if self._sender is None else self._sender.pending()

    def flush(self, timeout=None):
        """Block until every pixel so far is sent or given up on; False if ``timeout`` seconds passed first."""
        return True if self._sender is None else self._sender.wait(timeout)

    def stop(self):
        """End the heartbeat; what is queued is still sent."""
        self._stopped.set()

    def _at_exit(self):
        self.stop()
        if not self.flush(self.exit_wait):
            log.warning("%d Totango pixel(s) not sent: the program exited while they were still being sent",
                        self.pending())

    # -- the collector's methods ------------------------------------------------------
    def _user_id(self):
        return None if self.user is None or _empty(self.user.get("id")) else self.user["id"]

    def _account_id(self):
        return None if self.account is None or _empty(self.account.get("id")) else self.account["id"]

    def _blocked(self, account_id, user_id):
        """Why no pixel may go out, or None."""
        if _empty(self.options.get("service_id")):
            return "no service_id in the options"
        if _empty(user_id):
            return "no user id"
        if _empty(account_id) and not self.options.get("allow_empty_accounts"):
            return "no account id and allow_empty_accounts is false"
        return None

    def _identification(self, account_attributes, user_attributes):
        """A pixel naming the current account and user, with these attributes."""
        account_id, user_id = self._account_id(), self._user_id()
        account, user = _merged(account_attributes, {"id": account_id}), _merged(user_attributes, {"id": user_id})
        return pixels.encode(("go", {"account": account, "user": user}), self.options.get("service_id"),
                             account_id, user_id)

    def _go(self, options, quiet=False):
        if not isinstance(options, dict):
            options = {}
        for key, value in options.items():
            if key not in ("user", "account"):
                self.options[key] = value
        user = options.get("user")
        if not _empty(options.get("username")) and not (isinstance(user, dict) and not _empty(user.get("id"))):
            user = _merged(user if isinstance(user, dict) else {}, {"id": options["username"]})
        self.user = _next_entity(self.user, user)
        self.account = _next_entity(self.account, options.get("account"))
        why = self._blocked(self._account_id(), self._user_id())
        if why:
            # Usual and harmless when identify() comes before group(): the next go carries the user.
            if not quiet:
                log.debug("go: identification not sent: %s", why)
            return []
        return self._identification(self.account or {}, self.user or {})

    def _track(self, activity, module=None, account_id=None, user_id=None, quiet=False):
        account_id = self._account_id() if _empty(account_id) else account_id
        user_id = self._user_id() if _empty(user_id) else user_id
        why = self._blocked(account_id, user_id)
        if why:
            if not quiet:
                log.warning("track(%r) not sent: %s", activity, why)
            return []
        module = self.options.get("module") if _empty(module) else module
        command = ("track", activity, None if _empty(module) else module, account_id, user_id)
        return pixels.encode(command, self.options.get("service_id"), account_id, user_id)

    def _identify(self, user):
        if not isinstance(user, dict):
            log.warning("identify: expected a user object")
            return []
        self.user = _next_entity(self.user, user)
        why = self._blocked(self._account_id(), self._user_id())
        if why:
            log.warning("identify not sent: %s", why)
            return []
        return self._identification({}, self.user)

    def _set_account_attributes(self, attributes):
        if not isinstance(attributes, dict):
            log.warning("setAccountAttributes: expected an object")
            return []
        self.account = _merged(self.account, attributes)
        why = "no account id" if self._account_id() is None else self._blocked(self._account_id(), self._user_id())
        if why:
            log.warning("setAccountAttributes not sent: %s", why)
            return []
        return self._identification(attributes, {})

    def _set_user_attributes(self, attributes):
        if not isinstance(attributes, dict):
            log.warning("setUserAttributes: expected an object")
            return []
        self.user = _merged(self.user, attributes)
        why = self._blocked(self._account_id(), self._user_id())
        if why:
            log.warning("setUserAttributes not sent: %s", why)
            return []
        return self._identification({}, attributes)

    def _clear(self):
        self.user = self.account = None
        return []

    # -- the threads -------------------------------------------------------------------
    def _start_sender(self):
        self._http = Transport(self.endpoint, self._retry, self._timeout, pool_size=1, max_url_length=MAX_URL_LENGTH)
        self._sender = Workers(self._post, 1, self._max_waiting, name="totango-py-collector")
        self._pid = os.getpid()

    def _queue(self, pairs):
        """Hand one pixel to the sender (values as the collector writes them, nulls left out)."""
        if not pairs:
            return
        if self._pid != os.getpid():  # forked: the parent's thread and connection are not this process's
            self._start_sender()
        pairs = [(name, value if isinstance(value, str) else pixels.text(value))
                 for name, value in pairs if value is not None]
        if not self._sender.put(pairs):
            raise RuntimeError("%d Totango pixels are waiting to be sent; this one was not queued" % self._max_waiting)

    def _post(self, pairs):
        try:
            self._http.send(pairs)
        except DeliveryError as error:
            log.warning("Totango pixel not delivered: %s", error)

    def _beat(self):
        """The collector's heartbeat: a ``__heartbeat`` activity every minute unless disabled."""
        while not self._stopped.wait(self.heartbeat_seconds):
            with self._lock:
                if not self.options.get("disable_heartbeat"):
                    try:
                        self._queue(self._track("__heartbeat", "__system", quiet=True))
                    except RuntimeError as error:
                        log.warning("heartbeat not sent: %s", error)


_METHODS = {
    "go": Collector._go,
    "track": Collector._track,
    "identify": Collector._identify,
    "setAccountAttributes": Collector._set_account_attributes,
    "setUserAttributes": Collector._set_user_attributes,
    "clear": Collector._clear,
}
