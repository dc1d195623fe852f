"""The logger port: the core's messages go to the browser console."""

import js

_METHODS = {"debug": "debug", "info": "info", "warn": "warn", "error": "error"}


class ConsoleLogger:
    def log(self, level, message):
        getattr(js.console, _METHODS.get(level, "log"))(message)
