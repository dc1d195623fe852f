"""Who the user is and which account (group) they are in, kept in storage.

Same id (or no previous id) merges traits; a different id replaces them.
Every change is written through to the storage port at once, so a second
instance over the same storage, or the next page load, sees the same state.
"""

from . import storage as keys
from .values import to_id


def new_anonymous_id():
    """A random version-4 UUID string (no ``uuid`` module on MicroPython)."""
    import random  # on the first new visitor only: ~15 ms on MicroPython in a page

    parts = [random.getrandbits(32) for _ in range(4)]
    text = "%08x%08x%08x%08x" % tuple(parts)
    variant = "89ab"[int(text[16], 16) % 4]
    return "%s-%s-4%s-%s%s-%s" % (text[:8], text[8:12], text[13:16], variant, text[17:20], text[20:32])


class View:
    """What ``user()`` / ``group()`` return: ``id()``, ``traits()`` and, for the user,
    ``anonymousId()``, as in analytics.js."""

    def __init__(self, party, anonymous_id=None):
        self._id = party.id if party else None
        self._traits = dict(party.traits) if party else {}
        self._anonymous_id = anonymous_id

    def id(self):
        return self._id

    def traits(self):
        return dict(self._traits)

    def anonymousId(self):
        return self._anonymous_id


class Party:
    """An id plus traits, persisted under two storage keys (user or group)."""

    def __init__(self, storage, id_key, traits_key, what):
        self._storage = storage
        self._id_key = id_key
        self._traits_key = traits_key
        stored_id = keys.load(storage, id_key)
        self.id = to_id(stored_id, what)[0] if stored_id is not None else None
        traits = keys.load(storage, traits_key, {})
        self.traits = traits if isinstance(traits, dict) else {}

    def update(self, new_id, traits, id_given=True):
        """Set id (None keeps the current one) and merge or replace traits.

        Traits given while no id was known are merged into the first id; an
        id given that is not the current one (null included) replaces them.
        """
        if id_given and self.id is not None and new_id != self.id:
            self.traits = dict(traits)
        else:
            merged = dict(self.traits)
            merged.update(traits)
            self.traits = merged
        if new_id is not None:
            self.id = new_id
        keys.save(self._storage, self._id_key, self.id)
        keys.save(self._storage, self._traits_key, self.traits)

    def clear(self):
        self.id = None
        self.traits = {}
        keys.save(self._storage, self._id_key, None)
        keys.save(self._storage, self._traits_key, None)


class Identity:
    """User, anonymous id and account (group) of this browser."""

    def __init__(self, storage):
        self._storage = storage
        self.user = Party(storage, keys.USER_ID, keys.USER_TRAITS, "user")
        self.group = Party(storage, keys.GROUP_ID, keys.GROUP_TRAITS, "group")
        anonymous = keys.load(storage, keys.ANONYMOUS_ID)
        self.anonymous_id = str(anonymous) if anonymous not in (None, "") else None
        if self.anonymous_id is None:
            self._new_anonymous_id()

    def _new_anonymous_id(self):
        self.set_anonymous_id(new_anonymous_id())

    def set_anonymous_id(self, anonymous_id):
        self.anonymous_id = anonymous_id
        keys.save(self._storage, keys.ANONYMOUS_ID, self.anonymous_id)

    def reset(self):
        self.user.clear()
        self.group.clear()
        self._new_anonymous_id()
