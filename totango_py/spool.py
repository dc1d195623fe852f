"""Persisted queues of calls that cannot be sent yet, kept in pieces.

A burst of thousands of calls while the collector is late must cost each call
little, in time and in memory:

* Time: rewriting one stored list per call grows with the queue (quadratic over
  a burst). So entries are stored in pieces of at most ``PIECE`` under keys of
  their own (``<kind>.<n>:<tab>``, see ``ownership``): adding rewrites only the
  last piece, delivering takes from the first. Each entry keeps its JSON text,
  so a piece is written by joining texts rather than encoding it again; inside
  ``Batch()`` a piece is written once however often it changed.
* Memory: MicroPython in a page collects garbage each time control returns to
  the page, over everything alive. So only the first piece (being taken) and
  the last ones (being filled) stay in memory; the pieces between live in
  storage alone (*spilled*) and are read back when their turn comes.

An entry is one call: ``{"commands": [command, …], "call": "track(\\"Paid\\")"}``.
Entries of older versions (``{"command": […], "call": …}``) are read as such.
"""

import json

from . import storage as keys
from .ownership import pieces, split_key, work_key

PIECE = 32
_FILLING = 2  # the last pieces, kept in memory while calls are added
_batch = {"depth": 0, "dirty": []}


class Batch:
    """``with spool.Batch():`` pieces changed inside are written once, when it ends: for a
    slice of calls handled in one task (nothing can happen to the page in between)."""

    def __enter__(self):
        _batch["depth"] += 1
        return self

    def __exit__(self, *_):
        _batch["depth"] -= 1
        if _batch["depth"] == 0:
            dirty, _batch["dirty"] = _batch["dirty"], []
            for spool, piece in dirty:
                piece.dirty = False
                spool._write(piece)


def entries_of(stored):
    """The well-formed entries of a stored piece (any other value gives none)."""
    entries = []
    if isinstance(stored, list):
        for item in stored:
            if not isinstance(item, dict):
                continue
            commands = item.get("commands")
            if commands is None and isinstance(item.get("command"), list):
                commands = [item["command"]]
            if isinstance(commands, list) and all(isinstance(c, list) and c for c in commands):
                entries.append(entry([tuple(c) for c in commands], str(item.get("call", ""))))
    return entries


def entry(commands, call):
    return {"commands": list(commands), "call": call}


def _text(item):
    return json.dumps({"commands": item["commands"], "call": item["call"]})


class _Piece:
    def __init__(self, number, items=()):
        self.number = number
        self.entries = []   # None while spilled: then only in storage
        self.texts = []
        self.count = 0
        self.chars = 0
        self.gone = False   # taken or emptied: no longer part of the spool
        self.dirty = False  # changed inside a batch, written when it ends
        for item in items:
            self.put(item)

    def put(self, item):
        text = _text(item)
        self.entries.append(item)
        self.texts.append(text)
        self.count += 1
        self.chars += len(text)


class Spool:
    """A FIFO of entries persisted in pieces under ``storage`` (None: in memory only).
    ``on_lost(count)`` hears of entries gone from storage before their turn (a page
    that cleared localStorage)."""

    def __init__(self, storage=None, kind=None, tab="", on_lost=None):
        self._storage, self._kind, self._tab, self._on_lost = storage, kind, tab, on_lost
        self.reload()

    def _stored(self):
        return self._storage is not None and self._kind is not None

    def reload(self):
        """Read the entries back from storage: what another tab adopted meanwhile is gone."""
        self._pieces, self.count, self.chars, self._next = [], 0, 0, 1
        if not self._stored():
            return
        found = [(name, split_key(name)[1], entries_of(keys.load(self._storage, name, [])))
                 for name in pieces(self._storage, self._kind, self._tab)]
        self._next = max([number for _, number, _ in found if number is not None] or [0]) + 1
        if found and found[0][1] is None:
            # An older version's one-piece key: all stored again in pieces, new ones written first.
            self.extend([item for _, _, items in found for item in items])
            for name, _, _ in found:
                keys.save(self._storage, name, None)
            return
        for _, number, items in found:
            if items:
                self._pieces.append(_Piece(number, items))
                self.count += len(items)
                self.chars += self._pieces[-1].chars
        for piece in self._pieces[1:-_FILLING]:
            self._spill(piece)

    def __len__(self):
        return self.count

    def resident(self):
        """How many entries are in memory (the others are in storage only)."""
        return sum(piece.count for piece in self._pieces if piece.entries is not None)

    def __iter__(self):
        """Every entry, oldest first; spilled pieces are read without being kept."""
        for piece in self._pieces:
            for item in piece.entries if piece.entries is not None else self._read(piece):
                yield item

    # -- storing -------------------------------------------------------------
    def _name(self, piece):
        return work_key(self._kind, self._tab, piece.number)

    def _save(self, piece):
        if not self._stored():
            return
        if _batch["depth"]:
            if not piece.dirty:
                piece.dirty = True
                _batch["dirty"].append((self, piece))
            return
        self._write(piece)

    def _write(self, piece):
        if not piece.count:
            keys.save(self._storage, self._name(piece), None)
            return
        if piece.entries is None:
            return  # spilled: storage has it as it is
        try:
            self._storage.set(self._name(piece), "[" + ",".join(piece.texts) + "]")
        except Exception:  # a broken storage port: the entries stay in memory
            return
        self._spill(piece)

    def _spill(self, piece):
        """Keep a piece between the first and the last ones in storage only, once it is there."""
        if (piece.entries is None or piece.dirty or piece.gone or not self._stored()
                or piece is self._pieces[0] or piece in self._pieces[-_FILLING:]):
            return
        try:
            stored = self._storage.get(self._name(piece))
        except Exception:
            return
        if stored is not None and len(stored) == piece.chars + piece.count + 1:  # "[" + texts + ","s + "]"
            piece.entries = piece.texts = None

    def _read(self, piece):
        return entries_of(keys.load(self._storage, self._name(piece), []))

    def _load(self, piece):
        """A spilled piece back in memory (its turn has come)."""
        if piece.entries is not None:
            return
        items = self._read(piece)
        count, chars = piece.count, piece.chars
        piece.count = piece.chars = 0
        piece.entries, piece.texts = [], []
        for item in items:
            piece.put(item)
        self.count += piece.count - count
        self.chars += piece.chars - chars
        if piece.count < count and self._on_lost is not None:
            self._on_lost(count - piece.count)

    def _tail(self):
        if not self._pieces or self._pieces[-1].count >= PIECE:
            self._pieces.append(_Piece(self._next))
            self._next += 1
            if len(self._pieces) > _FILLING + 1:
                self._spill(self._pieces[-_FILLING - 1])
        return self._pieces[-1]

    def _put(self, piece, item):
        before = piece.chars
        piece.put(item)
        self.count += 1
        self.chars += piece.chars - before

    # -- the queue -------------------------------------------------------------
    def add(self, item):
        """Append one entry (only the last piece is written); returns where it is, for ``replace``."""
        piece = self._tail()
        self._put(piece, item)
        self._save(piece)
        return piece

    def extend(self, items):
        """Append entries, each piece they fill written once."""
        touched = []
        for item in items:
            piece = self._tail()
            self._put(piece, item)
            if not touched or touched[-1] is not piece:
                touched.append(piece)
        for piece in touched:
            self._save(piece)

    def take(self, limit=PIECE):
        """Remove and return up to ``limit`` of the oldest entries, all from the first piece
        (none when empty); what is left of that piece is written again."""
        while self._pieces:
            piece = self._pieces[0]
            self._load(piece)
            if piece.count:
                break
            self._drop_piece(piece)
        else:
            return []
        taken, piece.entries = piece.entries[:limit], piece.entries[limit:]
        texts, piece.texts = piece.texts[:limit], piece.texts[limit:]
        chars = sum(len(text) for text in texts)
        piece.count -= len(taken)
        piece.chars -= chars
        self.count -= len(taken)
        self.chars -= chars
        if not piece.count:
            self._drop_piece(piece)
        else:
            self._save(piece)
        return taken

    def _drop_piece(self, piece):
        self._pieces.remove(piece)
        piece.gone = True
        self._save(piece)
        if not self._pieces:
            self._next = 1  # nothing stored under this kind any more: numbers start over

    def take_all(self):
        """Remove and return every entry, oldest first."""
        taken = []
        while self._pieces:
            taken.extend(self.take())
        return taken

    def replace(self, old, new, where=None):
        """Put ``new`` where the entry ``old`` (the same object) is, looking in the piece
        ``add`` returned for it when given; False when it is gone or spilled."""
        for piece in ([where] if where is not None else self._pieces):
            for index, item in enumerate(piece.entries if not piece.gone and piece.entries else ()):
                if item is old:
                    text = _text(new)
                    piece.chars += len(text) - len(piece.texts[index])
                    self.chars += len(text) - len(piece.texts[index])
                    piece.entries[index], piece.texts[index] = new, text
                    self._save(piece)
                    return True
        return False

    def remove(self, old):
        """Take out the entry ``old`` (the same object), from a piece in memory."""
        for piece in self._pieces:
            for index, item in enumerate(piece.entries or ()):
                if item is old:
                    del piece.entries[index]
                    chars = len(piece.texts.pop(index))
                    piece.count -= 1
                    piece.chars -= chars
                    self.count -= 1
                    self.chars -= chars
                    if piece.count:
                        self._save(piece)
                    else:
                        self._drop_piece(piece)
                    return True
        return False

    def first(self, predicate):
        """The oldest entry for which ``predicate(entry)`` is true (its piece read back into
        memory, so that it can be removed or replaced), or None."""
        for piece in list(self._pieces):
            self._load(piece)
            for item in piece.entries:
                if predicate(item):
                    return item
        return None
