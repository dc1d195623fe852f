"""Who owns persisted work, so that it is delivered once whatever the tabs do.

Every page instance (a *tab*) keeps its persisted work under keys of its own, in
numbered pieces ``<kind>.<n>:<tab>`` (``totango_py_outbox.7:k3x…``: see ``spool``;
the snippet keeps its queue at pagehide in pieces too), or in one key
``<kind>:<tab>`` as older versions did: a tab writes only its own keys, so two
live tabs never overwrite or deliver each other's work. A key without a tab
(``totango_py_outbox``, as the oldest versions wrote it) belongs to nobody.

A tab holds a lock named after itself while it lives, and gives it up when
it is hidden for good or for the back/forward cache (``leave``). Another tab
*adopts* a tab's work only once it got that tab's lock, and keeps the lock
while it lives, so no third tab can adopt the same work again (even one whose
copy of storage has not yet seen it removed). A tab coming back from the
back/forward cache takes a new name (its parts start over under new keys:
``rekey``) and adopts its own old work like anybody's: only if nobody did.

Why a lock (the Web Locks API in a page, ``browser/locks.py``) rather than a
lease or ``pagehide`` alone: a lease is a clock guess (a background tab's
timers run once a minute, so a live tab's lease runs out and its work would be
taken while it still sends it), and ``pagehide`` does not fire when a tab
crashes or is killed. The browser releases a lock whenever its holder goes
away, and grants it to one holder at a time, across tabs. Where the API is
missing (a page not served over https), ``LeaseLocks`` stands in: work is
adopted once its owner left (``pagehide``) or was silent for ``LEASE_MS``.

The locks port: ``hold(name, on_held)`` takes ``name`` and calls
``on_held()`` once granted; ``try_hold(name, fn)`` takes ``name`` only if
nobody holds it and calls ``fn(True)`` then, or ``fn(False)`` when somebody
does (possibly later, always once); ``release()`` gives up every lock this tab took.

A tab's own calls wait until it is *settled*: it holds its lock and every
attempt to adopt what gone tabs left has ended, so that older work goes first.
"""

import time

from . import storage as keys
from .ports import Pacer
from .vocabulary import LEFT_KEY, TAB_LOCK_PREFIX as LOCK_PREFIX, WORK_PREFIX

PREFIX = WORK_PREFIX            # the stored work keys' prefix
LEASE_MS = 180000              # longer than a background tab's once-a-minute timers


def new_tab_id():
    import random  # only where no tab name was given (the snippet names each tab): ~15 ms on MicroPython

    return "%08x%04x" % (random.getrandbits(32), random.getrandbits(16))


def work_key(kind, tab, piece=None):
    """The key of ``kind``'s work of ``tab`` (its piece ``piece``, when kept in pieces)."""
    name = kind if piece is None else "%s.%d" % (kind, piece)
    return name + ":" + tab if tab else name


def split_key(key):
    """``(kind, piece, tab)`` of a work key: piece is None for a key of one piece, tab
    is ``""`` for a key that belongs to nobody."""
    name, _, tab = key.partition(":")
    kind, _, piece = name.partition(".")
    return kind, (int(piece) if piece.isdigit() else None), tab


def _listed(storage):
    """Every key in ``storage``, or None when it cannot list them."""
    try:
        return list(storage.keys())
    except Exception:  # a storage without key listing
        return None


def pieces(storage, kind, tab):
    """The keys of ``kind``'s work of ``tab``, in order: the one-piece key, then the pieces by number.
    Without key listing, only the one-piece key can be found."""
    single = work_key(kind, tab)
    names = _listed(storage)
    if names is None:
        return [single]
    numbered = []
    for name in names:
        if name is None:
            continue
        found_kind, piece, found_tab = split_key(name)
        if found_kind == kind and found_tab == tab and piece is not None:
            numbered.append((piece, name))
    numbered.sort()
    return ([single] if single in names else []) + [name for _, name in numbered]


class Owner:
    """This tab's claim on its persisted work, and the adoption of work whose owner is gone.

    Parts register the kinds of work they persist: ``register(kind, adopt, rekey)``;
    ``adopt(value)`` takes another tab's stored value as its own, ``rekey()``
    starts over, empty, under this tab's new keys (after the back/forward cache).
    """

    def __init__(self, storage, locks=None, tab=None, pacer=None):
        self.storage = storage
        self.locks = locks
        self._pacer = pacer or Pacer()  # adoption goes a key at a time: a gone tab may have left many
        self.tab = tab if tab is not None else (new_tab_id() if locks is not None else "")
        self.holding = locks is None   # alone in memory: everything is ours
        self._kinds = {}
        self._order = []
        self._waiting = []
        self._unsettled = []
        self.adopting = 0  # attempts to adopt another tab's work not ended yet
        self._left = False

    def key(self, kind, piece=None):
        return work_key(kind, self.tab, piece)

    def register(self, kind, adopt, rekey=None):
        if kind not in self._kinds:
            self._order.append(kind)
        self._kinds[kind] = (adopt, rekey)

    def when_holding(self, fn):
        """Run ``fn`` now if this tab holds its lock, else as soon as it does."""
        if self.holding:
            fn()
        else:
            self._waiting.append(fn)

    def settled(self):
        return self.holding and self.adopting == 0

    def when_settled(self, fn):
        """Run ``fn`` now if this tab is settled, else once it is (see above)."""
        if self.settled():
            fn()
        else:
            self._unsettled.append(fn)

    def _check_settled(self):
        if self.settled():
            waiting, self._unsettled = self._unsettled, []
            for fn in waiting:
                fn()

    # -- this tab ------------------------------------------------------------
    def start(self):
        """Take this tab's lock, under a new name after a ``leave``; then look for orphans."""
        if self.locks is None or self.holding:
            return
        if self._left:
            self.tab = new_tab_id()
        self.locks.hold(LOCK_PREFIX + self.tab, self._held)

    def _held(self):
        self.holding = True
        if self._left:
            self._left = False
            for kind in self._order:
                rekey = self._kinds[kind][1]
                if rekey is not None:
                    rekey()
        waiting, self._waiting = self._waiting, []
        for fn in waiting:
            fn()
        self.sweep()
        self._check_settled()

    def leave(self):
        """This tab is hidden: give up the lock; tell other tabs when work is left behind."""
        if self.locks is None or not self.holding:
            return
        self.holding = False
        self._left = True
        self.locks.release()
        if self.has_work():
            keys.save(self.storage, LEFT_KEY, {"tab": self.tab, "at": _now_ms()})

    def has_work(self):
        for kind in self._order:
            for name in pieces(self.storage, kind, self.tab):
                if keys.load(self.storage, name) not in (None, []):
                    return True
        return False

    # -- other tabs ------------------------------------------------------------
    def orphans(self):
        """Tabs other than this one with work in storage, oldest-named first."""
        tabs = []
        for name in _listed(self.storage) or []:  # without key listing: nothing to adopt
            if name is None:
                continue
            kind, _, tab = split_key(name)
            if kind in self._kinds and tab != self.tab and tab not in tabs:
                tabs.append(tab)
        return tabs

    def sweep(self):
        """Try to adopt the work of every other tab; adoption happens only where the owner is gone."""
        if self.locks is None or not self.holding:
            return
        for tab in self.orphans():
            self.adopting += 1
            self.locks.try_hold(LOCK_PREFIX + tab, self._adopter(tab))

    def _adopter(self, tab):
        def adopt(granted):
            if not (granted and self.holding):
                self._adopted()
                return
            work = [(kind, name) for kind in self._order for name in pieces(self.storage, kind, tab)]
            self._pacer.run(lambda: self._adopt_one(work))
        return adopt

    def _adopt_one(self, work):
        """Adopt the next key of a gone tab's work; True while some are left."""
        done = True
        try:
            if work and self.holding:
                kind, name = work.pop(0)
                value = keys.load(self.storage, name)
                if value is not None:
                    # Ours first, then theirs removed: a crash in between repeats, never loses.
                    self._kinds[kind][0](value)
                    keys.save(self.storage, name, None)
                done = not work
        finally:
            if done:
                self._adopted()
        return not done

    def _adopted(self):
        self.adopting -= 1
        self._check_settled()


def _now_ms():
    return int(time.time() * 1000)


class MemoryLocks:
    """Locks shared by the ``Owner``s of one process: tabs simulated in tests.

    ``table`` maps a lock name to its holder; pass one table to several
    instances. Grants are immediate (the browser's are asynchronous).
    """

    def __init__(self, table=None):
        self.table = table if table is not None else {}
        self._mine = []

    def hold(self, name, on_held):
        if self.table.get(name) not in (None, self):
            raise RuntimeError("%s is held by another tab" % name)
        self.table[name] = self
        self._mine.append(name)
        on_held()

    def release(self):
        for name in self._mine:
            if self.table.get(name) is self:
                del self.table[name]
        self._mine = []

    def try_hold(self, name, fn):
        if name in self.table:
            fn(False)
            return
        self.table[name] = self
        self._mine.append(name)
        fn(True)


class LeaseLocks:
    """Locks kept as leases in storage, where the Web Locks API is missing.

    The holder renews its lease (``renew``, on a timer and at each change);
    another tab takes a name only once its lease expired or was released.
    Without an atomic grant two tabs could adopt at the same instant: the
    Web Locks API is used wherever it exists.
    """

    def __init__(self, storage, clock=None, lease_ms=LEASE_MS):
        self.storage = storage
        self.clock = clock or _now_ms
        self.lease_ms = lease_ms
        self._mine = []

    def _key(self, name):
        return "totango_py_lease:" + name[len(LOCK_PREFIX):]

    def _free(self, name):
        until = keys.load(self.storage, self._key(name))
        return not isinstance(until, (int, float)) or until <= self.clock()

    def hold(self, name, on_held):
        self._mine.append(name)
        self.renew()
        on_held()

    def renew(self):
        for name in self._mine:
            keys.save(self.storage, self._key(name), self.clock() + self.lease_ms)

    def release(self):
        for name in self._mine:
            keys.save(self.storage, self._key(name), None)
        self._mine = []

    def try_hold(self, name, fn):
        if name in self._mine or not self._free(name):
            fn(False)
            return
        self._mine.append(name)
        self.renew()
        fn(True)
