"""Segment messages read from files for a backfill: one JSON message per line.

Accepts plain or gzip-compressed (``.gz``) files, ``-`` for standard input,
and lines holding Segment's ``{"batch": [...]}`` envelope. Each item comes
with where it was read (``file:line``) so a bad line can be reported exactly.
"""

import gzip
import io
import json
import sys


def open_text(path):
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def count_lines(paths):
    """Non-blank lines in the files (None when reading standard input): the progress bar's total."""
    if "-" in paths:
        return None
    total = 0
    for path in paths:
        with open_text(path) as handle:
            total += sum(1 for line in handle if line.strip())
    return total


def read(paths):
    """Yield, per non-blank line, a list of ``(where, message, problem)``: a message, or why it cannot be read."""
    for path in paths:
        with open_text(path) as handle:
            for number, line in enumerate(handle, 1):
                line = line.strip()
                if line:
                    yield _items("%s:%d" % ("<stdin>" if path == "-" else path, number), line)


def _items(where, line):
    try:
        data = json.loads(line)
    except ValueError as error:
        return [(where, None, "not JSON: %s" % error)]
    if isinstance(data, dict) and isinstance(data.get("batch"), list):
        return [("%s[%d]" % (where, index), message, None) for index, message in enumerate(data["batch"])]
    return [(where, data, None)]
