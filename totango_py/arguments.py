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


def integration_options(options, name):
    """A destination's per-call options: ``options.integrations[name]`` or ``options[name]``, if an object."""
    if not isinstance(options, dict):
        return {}
    integrations = options.get("integrations")
    if isinstance(integrations, dict) and isinstance(integrations.get(name), dict):
        return integrations[name]
    if isinstance(options.get(name), dict):
        return options[name]
    return {}


def enabled(options, name):
    """analytics.js's per-call opt-out: ``integrations[name] === false``, or
    ``integrations.All === false`` unless ``integrations[name]`` is given."""
    integrations = options.get("integrations") if isinstance(options, dict) else None
    if not isinstance(integrations, dict):
        return True
    own = integrations.get(name)
    if own is False:
        return False
    return not (integrations.get("All") is False and own in (None, False))


_PYTHON_NAMES = {
    "identify": ("user_id", "traits", "options", "callback"),
    "group": ("group_id", "traits", "options", "callback"),
    "page": ("category", "name", "properties", "options", "callback"),
    "track": ("event", "properties", "options", "callback"),
}


def from_python(kind, args, kwargs):
    """Positional arguments for a call made from Python with keywords, e.g. ``track("x", properties={})``."""
    names = _PYTHON_NAMES[kind]
    values = list(args)
    for name, value in kwargs.items():
        if name not in names:
            raise TypeError("%s() got an unexpected keyword argument %r" % (kind, name))
        index = names.index(name)
        values += [None] * (index + 1 - len(values))
        values[index] = value
    return values


def _message(kind, callback, options, **fields):
    message = {"type": kind, "callback": callback, "options": options}
    message.update(fields)
    return message


def _party(kind, id_field, args):
    """``identify`` and ``group``: ``(id, [traits], [options])``, or ``(traits, [options])``."""
    args, callback = _split_callback(args)
    traits_only = bool(args) and isinstance(args[0], dict)
    if traits_only:
        args = [None] + args
    party_id, traits, options = _pad(args, 3)
    # As analytics.js: the traits-only form merges into the current party; an
    # id given (even null) that is not the current one replaces its traits.
    fields = {id_field: party_id, "traits": traits, "hasId": bool(args) and args[0] is not None,
              "idGiven": not traits_only}
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


def pageview(args):
    """``pageview([url])``, classic analytics.js's old form of ``page({path: url})``."""
    url = args[0] if args and not callable(args[0]) else None
    return _message("page", None, None, category=None, name=None, properties={"path": url} if url else {})


def screen(args):
    """``screen([category], [name], [properties], [options], [callback])``: page's arguments."""
    message = page(args)
    message["type"] = "screen"
    return message


def track(args):
    """``track(event, [properties], [options], [callback])``."""
    args, callback = _split_callback(args)
    event, properties, options = _pad(args, 3)
    return _message("track", callback, options, event=event, properties=properties)


def alias(args):
    """``alias(to, [from], [options], [callback])``."""
    args, callback = _split_callback(args)
    to, from_, options = _pad(args, 3)
    if isinstance(from_, dict) and options is None:
        from_, options = None, from_
    return _message("alias", callback, options, to=to, **{"from": from_})


def reset(args):
    """``reset()``: no arguments."""
    return _message("reset", None, None)


# The calls destinations get. ``pageview`` is a ``page`` call; dispatched from here, it needs no
# ``local_calls`` (a pageview kept at page exit is sent from the next page before that bundle is in).
SHUFFLERS = {"identify": identify, "group": group, "page": page, "track": track, "reset": reset,
             "pageview": pageview}
