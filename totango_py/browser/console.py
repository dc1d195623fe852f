"""The logger port: the core's messages go to the browser console.

Debug lines go to ``console.log`` (Chrome hides ``console.debug`` by default):
``debug(true)`` must be seen. Through ``ffi``: a page's console wrapper that throws (error-reporting shims
do) must not stop the call that logged.
"""

from . import ffi

_METHODS = {"debug": "log", "info": "info", "warn": "warn", "error": "error"}


class ConsoleLogger:
    def log(self, level, message):
        ffi.log(_METHODS.get(level, "log"), message)
