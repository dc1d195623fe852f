"""The logger port: the core's messages go to the browser console.

Debug lines go to ``console.log`` (Chrome hides ``console.debug`` by default):
``debug(true)`` must be seen.
"""

import js

_METHODS = {"debug": "log", "info": "info", "warn": "warn", "error": "error"}


class ConsoleLogger:
    def log(self, level, message):
        getattr(js.console, _METHODS.get(level, "log"))(message)
