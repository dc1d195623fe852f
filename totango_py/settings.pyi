from typing import Any

DEFAULT_TRACKER_URL: str
DEFAULTS: dict[str, Any]
REGIONS: tuple[str, ...]
RUNTIMES: tuple[str, ...]

class SettingsError(ValueError): ...

def validate(given: dict[str, Any] | None) -> dict[str, Any]: ...
