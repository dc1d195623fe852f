"""analytics.js argument shuffling, shared by the JavaScript and Python forms.

``identify({traits})`` means no id, ``page('Home')`` means a name with no
category, ``page({props})`` means properties only, and a function in any
trailing position is the callback; everything after it is ignored.
"""


def _split_callback(args):
    """Return ``(args_before_the_first_callable, callable_or_None)``."""
    for index, value in enumerate(args):
        if callable(value):
            return list(args[:index]), value
    return list(args), None


def _pad(args, size):
    return (list(args) + [None] * size)[:size]


def _totango_options(options):
    """The per-call Totango options inside analytics.js call options."""
    if not isinstance(options, dict):
        return {}
    integrations = options.get("integrations")
    if isinstance(integrations, dict) and isinstance(integrations.get("Totango"), dict):
        return integrations["Totango"]
    if isinstance(options.get("Totango"), dict):
        return options["Totango"]
    return {}


def _message(kind, callback, options, **fields):
    message = {"type": kind, "callback": callback, "options": options,
               "totango": _totango_options(options)}
    message.update(fields)
    return message


def _party(kind, id_field, args):
    """``identify`` and ``group``: ``(id, [traits], [options])``, or ``(traits, [options])``."""
    args, callback = _split_callback(args)
    if args and isinstance(args[0], dict):
        args = [None] + args
    party_id, traits, options = _pad(args, 3)
    fields = {id_field: party_id, "traits": traits, "hasId": bool(args) and args[0] is not None}
    return _message(kind, callback, options, **fields)


def identify(args):
    """``identify([userId], [traits], [options], [callback])``."""
    return _party("identify", "userId", args)


def group(args):
    """``group(groupId, [traits], [options], [callback])``."""
    return _party("group", "groupId", args)


def page(args):
    """``page([category], [name], [properties], [options], [callback])``."""
    args, callback = _split_callback(args)
    category, name, properties, options = _pad(args, 4)
    if isinstance(category, dict):
        category, name, properties, options = None, None, category, name
    elif isinstance(name, dict):
        name, properties, options = None, name, properties
    if isinstance(category, str) and not isinstance(name, str):
        category, name = None, category
    return _message("page", callback, options, category=category, name=name, properties=properties)


def track(args):
    """``track(event, [properties], [options], [callback])``."""
    args, callback = _split_callback(args)
    event, properties, options = _pad(args, 3)
    return _message("track", callback, options, event=event, properties=properties)


SHUFFLERS = {"identify": identify, "group": group, "page": page, "track": track}
