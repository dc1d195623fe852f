"""Bounded, persisted queues of commands that cannot be sent yet.

Queues keep their order, drop the oldest entry when full (the caller counts
and reports it), and write themselves to storage so that a reload does not
lose them.
"""

from . import storage as keys


class HoldQueue:
    """A FIFO of ``{"command": tuple, "call": str}`` entries with a size bound."""

    def __init__(self, limit, storage=None, key=None):
        self.limit = limit
        self._storage = storage
        self._key = key
        self.entries = []
        if storage is not None and key is not None:
            stored = keys.load(storage, key, [])
            if isinstance(stored, list):
                for entry in stored:
                    if isinstance(entry, dict) and isinstance(entry.get("command"), list):
                        self.entries.append({"command": tuple(entry["command"]), "call": str(entry.get("call", ""))})

    def __len__(self):
        return len(self.entries)

    def _save(self):
        if self._storage is not None and self._key is not None:
            keys.save(self._storage, self._key, self.entries or None)

    def add(self, command, call):
        """Append; return the list of entries dropped to stay within the bound."""
        self.entries.append({"command": command, "call": call})
        dropped = []
        while len(self.entries) > self.limit:
            dropped.append(self.entries.pop(0))
        self._save()
        return dropped

    def take_all(self):
        """Remove and return every entry, oldest first."""
        entries, self.entries = self.entries, []
        self._save()
        return entries
