"""The ports ``totango_py.analytics`` takes on CPython: one user per process, no page.

A desktop app, a CLI tool or a notebook uses the browser-style API, so it needs
what a page would give it: a collector that really sends (``collector.Collector``)
and a console a developer reads (Python's ``logging``). Storage stays in memory.
"""

import logging

from .collector import Collector

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR}


class LoggingLogger:
    """The logger port over ``logging.getLogger("totango_py")``, so warnings are seen."""

    def __init__(self, name="totango_py"):
        self.logger = logging.getLogger(name)

    def log(self, level, message):
        self.logger.log(_LEVELS.get(level, logging.WARNING), message)


class SettingsCollector(Collector):
    """A ``Collector`` whose receiver is the ``endpoint`` setting, read when it loads.

    The ports are made before ``load()`` has checked its settings; ``settings``
    returns them, checked, by the time the destination starts the collector.
    """

    def __init__(self, settings):
        Collector.__init__(self)
        self._settings = settings

    def load(self, options, url, on_ready, on_fail):
        self.endpoint = self._settings().get("endpoint")
        Collector.load(self, options, url, on_ready, on_fail)


def ports(settings):
    """The transport and logger ports; ``settings()`` returns the loaded settings."""
    return {"transport": SettingsCollector(settings), "logger": LoggingLogger()}
