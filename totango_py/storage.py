"""Reading and writing persisted values in analytics.js's own formats.

A storage port is any object with ``get(key) -> str | None``,
``set(key, text)`` and ``remove(key)``. analytics.js keeps JSON-encoded
values in localStorage and raw (or URL-encoded JSON) values in cookies;
``load`` accepts both so that sites migrating from it keep their ids.
"""

import json

from .ports import MemoryStorage  # noqa: F401  (kept importable from here)
from .vocabulary import ANONYMOUS_ID_KEY, GROUP_KEYS, USER_KEYS

USER_ID = USER_KEYS["id"]
USER_TRAITS = USER_KEYS["traits"]
GROUP_ID = GROUP_KEYS["id"]
GROUP_TRAITS = GROUP_KEYS["traits"]
ANONYMOUS_ID = ANONYMOUS_ID_KEY


def _unquote(text):
    """Undo the %XX escapes a cookie value may carry."""
    if "%" not in text:
        return text
    out = bytearray()
    raw = text.encode()
    index = 0
    while index < len(raw):
        if raw[index] == 37 and index + 2 < len(raw):
            try:
                out.append(int(raw[index + 1:index + 3].decode(), 16))
                index += 3
                continue
            except ValueError:
                pass
        out.append(raw[index])
        index += 1
    try:
        return out.decode()
    except UnicodeError:
        return text


def load(storage, key, default=None):
    """Return the stored value for ``key``: JSON when it parses, else the raw text."""
    try:
        text = storage.get(key)
    except Exception:  # a broken port must not break the caller
        return default
    if text is None or text == "":
        return default
    for candidate in (text, _unquote(text)):
        try:
            return json.loads(candidate)
        except (ValueError, TypeError):
            pass
    return _unquote(text)


def save(storage, key, value):
    """Store ``value`` JSON-encoded; ``None`` removes the key. Returns False on failure."""
    try:
        if value is None:
            storage.remove(key)
        else:
            storage.set(key, json.dumps(value))
        return True
    except Exception:
        return False
