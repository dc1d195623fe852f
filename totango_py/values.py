"""Making caller-supplied ids, traits and properties safe to send.

Callers hand over anything: numbers for ids, JS objects, cycles, NaN, sets.
These helpers return plain JSON-safe copies plus human-readable warnings;
they never raise on bad data, so bad input can never break the host page.
"""

import json

from .dates import datetime_types, iso
from .vocabulary import SKIPPED  # where JavaScript could not pass a value over; reported and skipped

_MAX_DEPTH = 16


def type_name(value):
    """The name a JavaScript or Python user recognises for ``value``'s type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def js_text(value):
    """``value`` as JavaScript would print it in a log: JSON (null, true, "text", {...})."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return str(value)


def to_id(value, what):
    """Return ``(id_string, None)`` or ``(None, reason)`` for a user/group id."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "%s id required" % what
    if isinstance(value, bool):
        return None, "%s id must be a string or number, got boolean" % what
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None, "%s id must be a finite number, got %r" % (what, value)
        return (str(int(value)) if value == int(value) else repr(value)), None
    if isinstance(value, str):
        return value, None
    return None, "%s id must be a string or number, got %s" % (what, type_name(value))


def _clean(value, path, ancestors, warnings):
    """Return ``(ok, copy)``; ``ok`` False means drop this value."""
    if value is None or isinstance(value, bool) or isinstance(value, int):
        return True, value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            warnings.append("%s skipped: %r is not a finite number" % (path, value))
            return False, None
        return True, value
    if isinstance(value, str):
        date = iso(value)
        return True, (date if date is not None else value)
    if isinstance(value, datetime_types()):
        return True, iso(value)
    if isinstance(value, (dict, list, tuple)):
        if id(value) in ancestors:
            warnings.append("%s skipped: it refers back to itself (cycle)" % path)
            return False, None
        if len(ancestors) >= _MAX_DEPTH:
            warnings.append("%s skipped: nested deeper than %d levels" % (path, _MAX_DEPTH))
            return False, None
        if isinstance(value, dict) and SKIPPED in value:
            warnings.append("%s skipped: %s" % (path, value[SKIPPED]))
            return False, None
        ancestors.append(id(value))
        if isinstance(value, dict):
            copy = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    key = str(key)
                ok, cleaned = _clean(item, path + "." + key, ancestors, warnings)
                if ok:
                    copy[key] = cleaned
        else:
            copy = []
            for index, item in enumerate(value):
                ok, cleaned = _clean(item, "%s[%d]" % (path, index), ancestors, warnings)
                if ok:
                    copy.append(cleaned)
        ancestors.pop()
        return True, copy
    warnings.append("%s skipped: a %s cannot be sent" % (path, type_name(value)))
    return False, None


def clean_object(value, what, warnings):
    """Return a JSON-safe copy of a traits/properties object, or None if it is not one.

    ``None`` means "no traits" and gives ``{}``. Anything but a dict is
    rejected (returns None, with a warning).
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        warnings.append("%s must be an object, got %s" % (what, type_name(value)))
        return None
    ok, copy = _clean(value, what, [], warnings)
    return copy if ok else {}
