"""Segment spec messages (dicts, as analytics-python/node or a webhook give them) checked for Totango.

``parse`` runs in the caller's thread: it raises ``MessageError`` for anything
Totango cannot take, so nothing is half-sent, and returns a small tuple (a
"call") holding clean copies of the caller's data. ``commands`` runs later, in
a worker, and turns a call into Totango commands through the shared mapping.

Totango needs an account for everything: server-side identify, page and track
must carry ``context.groupId`` (Segment's rule for server libraries).
"""

from ..arguments import enabled, integration_options
from ..values import clean_object, to_id, type_name
from .errors import MessageError, MissingFieldError, UnsupportedMessageError

NEEDS_ACCOUNT = ("identify", "page", "screen", "track")
KINDS = ("identify", "group", "page", "screen", "track")


def _object(message, key, kind, warnings):
    value = clean_object(message.get(key), key, warnings)
    if value is None:
        raise MessageError("%s message: %s must be an object, got %s"
                           % (kind, key, type_name(message.get(key))), key)
    return value


def _text(value, what, kind):
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise MessageError("%s message: %s must be a string, got %s" % (kind, what, type_name(value)), what)


def _totango_options(message, kind):
    """Per-call Totango options, or False when the message opts out of Totango (as analytics.js)."""
    integrations = message.get("integrations")
    if integrations is not None and not isinstance(integrations, dict):
        raise MessageError("%s message: integrations must be an object" % kind, "integrations")
    if not enabled(message, "Totango"):
        return False
    return integration_options(message, "Totango")


def _user_id(message, kind, required):
    for key in ("userId", "anonymousId"):
        value = message.get(key)
        if value is not None and value != "":
            user_id, error = to_id(value, "user")
            if error:
                raise MessageError("%s message: %s: %s" % (kind, key, error), key)
            return user_id
    if required:
        raise MissingFieldError("%s message: userId (or anonymousId) is required: Totango needs a user"
                                % kind, "userId")
    return None


def _account_id(context, kind):
    value = context.get("groupId")
    if value is None or value == "":
        raise MissingFieldError(
            "%s message: context.groupId is required: server-side identify, page and track must name "
            "the Totango account, e.g. context={'groupId': 'acme'}" % kind, "context.groupId")
    account_id, error = to_id(value, "group")
    if error:
        raise MessageError("%s message: context.groupId: %s" % (kind, error), "context.groupId")
    return account_id


def parse(message, warnings):
    """Return the call for ``message`` (None when it opts out of Totango), or raise MessageError."""
    if not isinstance(message, dict):
        raise MessageError("a message must be an object (dict), got %s" % type_name(message))
    kind = message.get("type")
    if kind == "alias":
        raise UnsupportedMessageError("alias message: Totango has no counterpart for alias", "type")
    if kind not in KINDS:
        if kind is None:
            raise MissingFieldError("message: type is required (identify, group, page, screen or track)", "type")
        raise MessageError("message: unknown type %r (expected identify, group, page, screen or track)"
                           % (kind,), "type")
    options = _totango_options(message, kind)
    if options is False:
        return None
    context = message.get("context")
    if context is None:
        context = {}
    elif not isinstance(context, dict):
        raise MessageError("%s message: context must be an object, got %s" % (kind, type_name(context)), "context")
    user_id = _user_id(message, kind, kind != "group")
    if kind == "group":
        group_id, error = to_id(message.get("groupId"), "group")
        if error:
            raise (MissingFieldError if message.get("groupId") in (None, "") else MessageError)(
                "group message: groupId: %s" % error, "groupId")
        traits = _object(message, "traits", kind, warnings)
        return ("group", user_id, group_id, traits, clean_object(options, "integrations.Totango", warnings) or {})
    account_id = _account_id(context, kind)
    if kind == "identify":
        return ("identify", user_id, account_id, _object(message, "traits", kind, warnings))
    properties = _object(message, "properties", kind, warnings)
    if kind == "track":
        event = _text(message.get("event"), "event", kind)
        if not event:
            raise MissingFieldError("track message: event is required", "event")
        page = context.get("page")
        module = _text(page.get("category"), "context.page.category", kind) if isinstance(page, dict) else None
        return ("track", user_id, account_id, event, properties, module)
    category = _text(message.get("category") or properties.get("category"), "category", kind)
    name = _text(message.get("name") or properties.get("name"), "name", kind)
    return ("page", user_id, account_id, category, name)


def commands(call, mapping, warnings):
    """The Totango commands of a parsed call, each with the account and user it belongs to."""
    kind, user_id, account_id = call[0], call[1], call[2]
    if kind == "identify":
        found = mapping.identify(user_id, call[3], warnings)
    elif kind == "group":
        found = mapping.group(account_id, call[3], {}, call[4], warnings)
    elif kind == "track":
        found = mapping.track(call[3], call[4], call[5], account_id, user_id, warnings)
    else:
        found = mapping.page(call[3], call[4], None, account_id, user_id, warnings)
    return [(command, account_id, user_id) for command in found]
