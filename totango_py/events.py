"""From a call's sorted arguments to the fields of the event destinations get.

Each function checks the call's values (ids, texts, traits, properties),
updates the identity where the call says so, and returns either the event's
fields or, for a call that cannot be accepted, the reason it is dropped
(a string). Warnings about single values go to the journal.
"""

from .values import clean_object, to_id, type_name


def _cleaned(value, what, call, journal):
    warnings = []
    cleaned = clean_object(value, what, warnings)
    journal.warn_all(call, warnings)
    return cleaned


def _texts(message, fields):
    """The call's text fields (a number is made a string), or the reason one is not text."""
    values = []
    for field in fields:
        value = message[field]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        elif value is not None and not isinstance(value, str):
            return "%s must be a string, got %s" % (field, type_name(value))
        values.append(value)
    return values


def party(message, call, identity, journal):
    """identify and group: check the id and traits, then update the user or the group."""
    field, what = ("userId", "user") if message["type"] == "identify" else ("groupId", "group")
    entity = identity.user if what == "user" else identity.group
    traits = _cleaned(message["traits"], "traits", call, journal)
    if traits is None:
        return "traits must be an object"
    new_id = None
    if message["hasId"] or message[field] is not None:
        new_id, error = to_id(message[field], what)
        if error:
            return error
    entity.update(new_id, traits, message["idGiven"])
    if entity.id is None and traits:
        journal.log("debug", "%s: traits kept until a %s id is known" % (call, what))
    return {"traits": dict(entity.traits)}


def page(message, call, context, journal):
    texts = _texts(message, ("category", "name"))
    if isinstance(texts, str):
        return texts
    properties = _cleaned(message["properties"], "properties", call, journal)
    if properties is None:
        return "properties must be an object"
    if context is not None:
        for key, value in context().items():
            properties.setdefault(key, value)
    return {"category": texts[0], "name": texts[1], "properties": properties}


def track(message, call, journal):
    texts = _texts(message, ("event",))
    if isinstance(texts, str) or not texts[0]:
        return texts if isinstance(texts, str) else "event name required"
    properties = _cleaned(message["properties"], "properties", call, journal)
    if properties is None:
        return "properties must be an object"
    return {"event": texts[0], "properties": properties}


def fields(message, call, identity, context, journal):
    """The event fields for any call, or the reason it is dropped."""
    kind = message["type"]
    if kind in ("identify", "group"):
        return party(message, call, identity, journal)
    if kind == "page":
        return page(message, call, context, journal)
    if kind == "track":
        return track(message, call, journal)
    identity.reset()
    journal.log("debug", "reset: user, group and anonymous id cleared")
    return {}
