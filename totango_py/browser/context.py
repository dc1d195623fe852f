"""The page context analytics.js adds to page calls: path, url, title, referrer, search."""

import js

from . import ffi


def page_context():
    location = js.window.location
    return {
        "path": ffi.text(location.pathname),
        "url": ffi.text(location.href),
        "search": ffi.text(location.search),
        "title": ffi.text(js.document.title),
        "referrer": ffi.text(js.document.referrer),
    }
