"""The core's ports in the tag's Web Worker (web/tag/worker.js), where Pyodide runs off
the page's thread.

A worker has no page. The page's side (web/tag/relay.js) sends what Python reads: the
settings, a copy of localStorage (and each change another tab makes), the page's
context with each call, its lifecycle events. Everything Python does to the page (a storage write,
a collector command, a console line, a DOM event) becomes an *effect*, kept in
order and posted once the page's message has been handled: the page applies
one message's effects in one task, so a page left in between has applied all
of them or none, and still holds the calls they answer. Page functions
(callbacks, middleware, trackLink's functions) are called through the page,
Python waiting for the answer (``ffi.wait``).
"""

import json

from ..ownership import Owner
from ..ports import MemoryStorage
from ..vocabulary import CALLBACK
from . import ffi
from .console import ConsoleLogger
from .lifecycle import PageLifecycle
from .locks import page_locks
from .pacer import PagePacer

_effects = []  # type: list[list[object] | None]
_stored_at = {}  # type: dict[str, int]  # storage key -> where its latest write is in _effects


def effect(*parts):
    _effects.append(list(parts))


def _store(*parts):
    """A storage write: only the last one of a key reaches the page (a burst rewrites
    the outbox's last piece with every call)."""
    earlier = _stored_at.get(parts[1])
    if earlier is not None:
        _effects[earlier] = None
    _stored_at[parts[1]] = len(_effects)
    _effects.append(list(parts))


def flush(*_):
    """The effects so far, as JSON text for the page; the list starts over."""
    global _effects, _stored_at
    done, _effects, _stored_at = _effects, [], {}
    return json.dumps([item for item in done if item is not None])


def ask(*request):
    """The page's answer to ``request``: ``{"ok": …, "value" | "error": …}``, raised as
    ``ffi.JsError`` when a page function threw."""
    answer = json.loads(str(ffi.wait(ffi.snippet_attr("_ask")(json.dumps(list(request))))))
    if not answer.get("ok"):
        raise ffi.JsError(str(answer.get("error")))
    return answer.get("value")


def _plain(value):
    return {CALLBACK: value.index} if isinstance(value, RemoteValue) else value


class RemoteValue:
    """A page function or page elements, kept on the page: Python holds its index there
    (the page gives one function the same index each time, so equal references compare equal)."""

    def __init__(self, index):
        self.index = index

    def __call__(self, *args):
        return ask("apply", self.index, [_plain(arg) for arg in args])

    def __eq__(self, other):
        return isinstance(other, RemoteValue) and other.index == self.index

    def run_middleware(self, message, context):
        """What this page middleware passed to ``next()``, or None (``totango_py.middleware``)."""
        return ask("middleware", self.index, message, context)


class MirrorStorage(MemoryStorage):
    """The page's localStorage as the page sent it; each write also goes to the page."""

    def set(self, key, text):
        MemoryStorage.set(self, key, text)
        _store("set", key, text)

    def remove(self, key):
        MemoryStorage.remove(self, key)
        _store("remove", key)

    def changed(self, key, text):
        """Another tab wrote (``text`` None: removed) or cleared everything (``key`` None)."""
        if key is None:
            self.data.clear()
        elif text is None:
            self.data.pop(key, None)
        else:
            self.data[key] = text


class RelayTransport:
    """The page inserts the collector and applies the commands; it says when the collector
    has loaded or failed (``settled``), and page code is told after the held commands."""

    def __init__(self):
        self._on_ready = self._on_fail = None

    def load(self, options, url, on_ready, on_fail):
        self._on_ready, self._on_fail = on_ready, on_fail
        effect("collector", options, url)

    def set_options(self, options):
        effect("options", options)

    def send(self, command):
        effect("send", list(command))

    def settled(self, reason=None):
        if ffi.is_none(reason):
            self._on_ready()
            effect("dispatch", "totango:ready", {})
        else:
            reason = str(reason)
            effect("dispatch", "totango:error", {"reason": reason})
            self._on_fail(reason)


class RelayLinks:
    """trackLink / trackForm: the page listens, works out the event's name and properties
    on each click or submit, and queues the track call itself, so a page left at once keeps it."""

    def bind(self, elements, dom_event, handler):
        return ask("bind", _plain(elements), dom_event, _plain(handler.event), _plain(handler.properties))


storage = None
transport = None


def page_context():
    return json.loads(str(ffi.snippet_attr("_context")))


def ports(tab):
    global storage, transport
    ffi.forward = effect
    storage = MirrorStorage(json.loads(str(ffi.snippet_attr("_storage"))))
    transport = RelayTransport()
    pacer = PagePacer(0)
    owner = Owner(storage, page_locks(storage), tab, pacer)
    return {
        "storage": storage,
        "transport": transport,
        "logger": ConsoleLogger(),
        "context": page_context,
        "lifecycle": PageLifecycle(owner),
        "owner": owner,
        "links": RelayLinks(),
        "pacer": pacer,
    }
