"""The page context analytics.js adds to page calls: path, url, title, referrer, search."""

import js

from . import ffi


def page_context():
    location = ffi.get(js.window, "location")
    return {
        "path": ffi.text(ffi.get(location, "pathname")),
        "url": ffi.text(ffi.get(location, "href")),
        "search": ffi.text(ffi.get(location, "search")),
        "title": ffi.text(ffi.get(js.document, "title")),
        "referrer": ffi.text(ffi.get(js.document, "referrer")),
    }
