"""Settings of ``analytics.load``: defaults, names and validation.

Settings arrive from JavaScript in camelCase (``serviceId``) and from Python in
snake_case (``service_id``); both spellings are accepted and stored camelCase.
A bad setting is a ``SettingsError`` at load, never a silent no-op.
"""

import re

from .vocabulary import DEFAULT_RUNTIME, DEFAULT_TRACKER_URL, RUNTIME_NAMES

DEFAULTS = {
    "serviceId": None,
    "region": "us",
    "disableHeartbeat": False,
    "trackNamedPages": True,
    "trackCategorizedPages": True,
    "defaultPlan": "Free",
    "trackerUrl": DEFAULT_TRACKER_URL,
    # Tag-level settings: which interpreter boots the tag, whether Pyodide starts from the
    # build's memory snapshot (read by the snippet) and runs in a Web Worker (read by boot.js),
    # and how many activity calls may wait for an account before the oldest is dropped.
    "runtime": DEFAULT_RUNTIME,
    "snapshot": True,
    "worker": True,
    "holdLimit": 100,
    # Python outside a page only: the pixel receiver's URL (None: Totango's for the region).
    "endpoint": None,
}

REGIONS = ("us", "eu1")
_SERVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_LOOKS_LIKE_SERVICE_ID = re.compile(r"^SP-[A-Za-z0-9_-]+$")
_SNAKE = {
    "service_id": "serviceId",
    "disable_heartbeat": "disableHeartbeat",
    "track_named_pages": "trackNamedPages",
    "track_categorized_pages": "trackCategorizedPages",
    "default_plan": "defaultPlan",
    "tracker_url": "trackerUrl",
    "hold_limit": "holdLimit",
}


class SettingsError(ValueError):
    """A setting given to ``load`` is unknown or malformed."""


def _check_bool(name, value):
    if not isinstance(value, bool):
        raise SettingsError("setting %s must be true or false, got %r" % (name, value))


def _is_http_url(url):
    """An absolute http(s) URL with a host and nothing that could break out of it."""
    if not isinstance(url, str) or any(c in url for c in "\"'<> \n\r\t"):
        return False
    lower = url.lower()
    for scheme in ("http://", "https://"):
        if lower.startswith(scheme):
            host = url[len(scheme):].split("/")[0]
            return host != "" and host[0] not in "?#:"
    return False


def validate(given):
    """Return the complete settings dict for ``given``, or raise SettingsError.

    A string is analytics.js's ``load('WRITE_KEY')`` habit: taken as the
    service id when it looks like one (``SP-…``), refused otherwise.
    """
    if given is None:
        given = {}
    if isinstance(given, str):
        if not _LOOKS_LIKE_SERVICE_ID.match(given):
            raise SettingsError("load() takes settings such as {serviceId: 'SP-1234-56'}; %r is not a Totango "
                                "service id (a Segment write key is not needed)" % (given[:40],))
        given = {"serviceId": given}
    if not isinstance(given, dict):
        raise SettingsError("settings must be an object, got %s" % type(given).__name__)
    settings = dict(DEFAULTS)
    for key, value in given.items():
        name = _SNAKE.get(key, key)
        if name not in DEFAULTS:
            raise SettingsError(
                "unknown setting %r; known settings: %s" % (key, ", ".join(sorted(DEFAULTS)))
            )
        settings[name] = value

    service_id = settings["serviceId"]
    if service_id is None or service_id == "":
        raise SettingsError("setting serviceId is required (your Totango service id, e.g. SP-1234-56)")
    if not isinstance(service_id, str) or len(service_id) > 64 or not _SERVICE_ID.match(service_id):
        raise SettingsError(
            "setting serviceId %r is malformed: expected letters, digits, '-' or '_' such as SP-1234-56"
            % (service_id,)
        )
    if settings["region"] not in REGIONS:
        raise SettingsError("setting region must be one of %s, got %r" % (", ".join(REGIONS), settings["region"]))
    if settings["runtime"] not in RUNTIME_NAMES:
        raise SettingsError("setting runtime must be one of %s, got %r"
                            % (", ".join(sorted(RUNTIME_NAMES)), settings["runtime"]))
    for name in ("disableHeartbeat", "trackNamedPages", "trackCategorizedPages", "snapshot", "worker"):
        _check_bool(name, settings[name])
    plan = settings["defaultPlan"]
    if plan is not None and not isinstance(plan, str):
        raise SettingsError("setting defaultPlan must be a string or null, got %r" % (plan,))
    url = settings["trackerUrl"]
    if not isinstance(url, str) or not url or any(c in url for c in "\"'<> \n\r\t"):
        raise SettingsError("setting trackerUrl must be a plain URL string, got %r" % (url,))
    lower = url.lower()
    if ":" in lower.split("/")[0] and not lower.startswith(("http:", "https:")):
        raise SettingsError("setting trackerUrl must be an http(s) or relative URL, got %r" % (url,))
    endpoint = settings["endpoint"]
    if endpoint is not None and not _is_http_url(endpoint):
        raise SettingsError("setting endpoint must be an http(s) URL such as https://sdr.totango.com/pixel.gif/, "
                            "got %r" % (endpoint,))
    limit = settings["holdLimit"]
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise SettingsError("setting holdLimit must be a positive whole number, got %r" % (limit,))
    return settings
