"""Names the JavaScript tag and Python share, written once.

``build.py`` writes these values into ``web/tag/*.js`` wherever a
``/*@vocabulary.NAME*/null`` placeholder stands (``tools/runtimes.py`` names
them for JavaScript), so the two languages cannot drift apart. Plain data only:
it runs in the page on MicroPython too.
"""

# Marks a value JavaScript could not pass over (a cycle, a function, a DOM node).
SKIPPED = "__totango_py_skipped__"
# Stands for a page function in an encoded call; Python calls it back by index.
CALLBACK = "__totango_py_fn__"
DEFAULT_TRACKER_URL = "https://tracker.totango.com/totango4.0.3.js"
# analytics.js's storage keys (JSON in localStorage), read by the snippet for
# user() / group() before Python has booted.
USER_KEYS = {"id": "ajs_user_id", "traits": "ajs_user_traits"}
GROUP_KEYS = {"id": "ajs_group_id", "traits": "ajs_group_properties"}
ANONYMOUS_ID_KEY = "ajs_anonymous_id"
# localStorage key under which the snippet keeps calls still queued when the page is left.
QUEUE_KEY = "totango_py_queue"
# Every key of persisted work starts with this (``<kind>:<tab>``, see ``ownership``); a tab
# leaving work behind writes LEFT_KEY, and other tabs look for orphans.
WORK_PREFIX = "totango_py_"
LEFT_KEY = "totango_py_left"
# The Web Lock a tab holds while it lives, ``<prefix><tab>`` (see ``ownership``); boot.js
# asks for it while the runtime loads, and Python takes it over.
TAB_LOCK_PREFIX = "totango_py_tab:"
# analytics.js's API: the methods the snippet queues (each returns a Promise of
# the call's outcome) and Python's ``Analytics.call`` dispatches. ``load``,
# ``status`` and the getters ``user()`` / ``group()`` are answered in place.
QUEUED_METHODS = ["identify", "group", "page", "track", "alias", "reset", "ready", "debug",
                  "on", "once", "off", "trackLink", "trackForm", "trackClick", "trackSubmit", "timeout",
                  "setAnonymousId", "addSourceMiddleware", "addDestinationMiddleware", "register", "deregister",
                  "pageview", "screen", "addIntegrationMiddleware"]
# Of those, the calls the snippet keeps in localStorage when the page is left
# before Python took them (the others carry page functions or elements).
KEPT_METHODS = ["identify", "group", "page", "track", "alias", "reset", "setAnonymousId", "pageview"]
# Of the queued methods, the ones whose first argument is page elements: they stay in
# JavaScript and Python gets them by reference, like page functions.
ELEMENT_METHODS = ["trackLink", "trackForm", "trackClick", "trackSubmit"]
# Of the queued methods, those in ``local_calls`` (with ``emitter`` and ``middleware``): shipped in a
# bundle of their own that the tag fetches on the first such call, so most pages never do.
LATER_METHODS = ["alias", "on", "once", "off", "trackLink", "trackForm", "trackClick", "trackSubmit", "timeout",
                 "setAnonymousId", "addSourceMiddleware", "addDestinationMiddleware", "register", "deregister",
                 "screen", "addIntegrationMiddleware"]

DEFAULT_RUNTIME = "micropython"
# The interpreters the tag can boot. How each is built and started (npm package, files,
# options) is the build's business: tools/runtimes.py, which the page never downloads.
RUNTIME_NAMES = ("micropython", "pyodide")
