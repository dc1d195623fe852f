from typing import Any

from .vocabulary import DEFAULT_TRACKER_URL as DEFAULT_TRACKER_URL, RUNTIME_NAMES as RUNTIME_NAMES

DEFAULTS: dict[str, Any]
REGIONS: tuple[str, ...]

class SettingsError(ValueError): ...

def validate(given: dict[str, Any] | None) -> dict[str, Any]: ...
