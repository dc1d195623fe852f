"""Dates in Totango's format, ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (UTC, milliseconds).

Written for both CPython and MicroPython: MicroPython's ``datetime`` is small
(no ``strftime``, ``datetime`` is not a subclass of ``date``) and its ``re``
has no counted repetition, so parsing is done by hand. ``datetime`` is imported
on the first date string (on MicroPython in a page it costs ~80 ms): until
then no value can be a ``datetime``.
"""

import re
import sys

_ISO = re.compile(
    r"^(\d\d\d\d)-(\d\d)-(\d\d)"
    r"(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?"
    r"(Z|z|[+-]\d\d:?\d\d)?$"
)


def _format(dt):
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond // 1000,
    )


def _to_utc(dt):
    offset = dt.utcoffset() if dt.tzinfo is not None else None
    if offset is not None:
        dt = (dt - offset).replace(tzinfo=None)
    return dt


def datetime_types():
    """``(datetime, date)`` once the ``datetime`` module is loaded, else ``()``."""
    module = sys.modules.get("datetime")
    return (module.datetime, module.date) if module else ()


def _parse(text):
    match = _ISO.match(text)
    if not match:
        return None
    import datetime
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    hour = int(match.group(4) or 0)
    minute = int(match.group(5) or 0)
    second = int(match.group(6) or 0)
    fraction = match.group(7) or ""
    micro = int((fraction + "000000")[:6])
    try:
        dt = datetime.datetime(year, month, day, hour, minute, second, micro)
    except (ValueError, OverflowError):
        return None
    zone = match.group(8)
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        dt = dt - datetime.timedelta(minutes=sign * minutes)
    return dt


def is_date(value):
    """True for values Totango should receive as a date string."""
    if isinstance(value, datetime_types()):
        return True
    return isinstance(value, str) and _parse(value) is not None


def iso(value):
    """Return ``value`` as Totango's date string, or None when it is not a date.

    Accepts ``datetime`` (naive means UTC), ``date`` (midnight UTC) and
    ISO-8601-looking strings, including what JavaScript's ``Date.toJSON`` gives.
    Numbers are never taken for dates.
    """
    types = datetime_types()
    if types and isinstance(value, types[0]):
        return _format(_to_utc(value))
    if types and isinstance(value, types[1]):
        return "%04d-%02d-%02dT00:00:00.000Z" % (value.year, value.month, value.day)
    if isinstance(value, str):
        parsed = _parse(value)
        return _format(parsed) if parsed is not None else None
    return None
