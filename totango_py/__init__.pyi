# Type information for checkers; the runtime (CPython, MicroPython, Pyodide) never reads it.
from .client import Analytics as Analytics
from .settings import SettingsError as SettingsError

__version__: str
analytics: Analytics

__all__ = ["Analytics", "SettingsError", "analytics"]
