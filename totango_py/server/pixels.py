"""Totango commands as pixel parameters for the receiver (``sdr_*``), and as a request.

Pure: a command plus the account and user it belongs to in, an ordered list of
``(name, text)`` pairs out. Values are written the way the browser collector
writes them (``true``/``false``, ``3`` not ``3.0``, objects as compact JSON),
so the receiver sees the same thing from a page and from a server.
"""

import functools
import json
from urllib.parse import quote

_ACCOUNT_SPECIAL = {"id", "name", "parent"}


def text(value):
    """A trait value as the collector sends it."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _attributes(pairs, prefix, attributes, skip):
    for key, value in attributes.items():
        if key not in skip and value is not None:
            pairs.append((prefix + key, text(value)))


def encode(command, service_id, account_id, user_id):
    """The pixel parameters of one command; [] for commands with no pixel (``clear``)."""
    kind = command[0]
    if kind == "track":
        pairs = [("sdr_s", service_id), ("sdr_o", command[3]), ("sdr_u", command[4]), ("sdr_a", command[1])]
        if command[2] is not None:
            pairs.append(("sdr_m", command[2]))
        return pairs
    if kind != "go":
        return []
    options = command[1]
    account = options.get("account") or {}
    user = options.get("user") or {}
    account_id = account.get("id", account_id)
    user_id = user.get("id", options.get("username", user_id))
    pairs = [("sdr_s", service_id), ("sdr_o", account_id)]
    if user_id is not None:
        pairs.append(("sdr_u", user_id))
    if account.get("name") is not None:
        pairs.append(("sdr_odn", text(account["name"])))
    parent = account.get("parent")
    if isinstance(parent, dict) and parent.get("id") not in (None, ""):
        pairs.append(("sdr_o.parent_id", text(parent["id"])))
    _attributes(pairs, "sdr_o.", account, _ACCOUNT_SPECIAL)
    _attributes(pairs, "sdr_u.", user, ("id",))
    return pairs


@functools.lru_cache(maxsize=1024)
def _name(name):
    """Parameter names repeat (``sdr_s``, ``sdr_o.plan``…): quoted once each."""
    return quote(name, safe="")


def query(pairs):
    """URL-encoded parameters, spaces as ``%20`` as the collector writes them."""
    return "&".join(_name(name) + "=" + quote(value, safe="") for name, value in pairs)
