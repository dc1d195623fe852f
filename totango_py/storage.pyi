from typing import Any

from .ports import StoragePort

USER_ID: str
USER_TRAITS: str
ANONYMOUS_ID: str
GROUP_ID: str
GROUP_TRAITS: str
MODULE: str
HELD: str

class MemoryStorage:
    data: dict[str, str]
    def __init__(self, data: dict[str, str] | None = None) -> None: ...
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, text: str) -> None: ...
    def remove(self, key: str) -> None: ...

def load(storage: StoragePort, key: str, default: Any = None) -> Any: ...
def save(storage: StoragePort, key: str, value: Any) -> bool: ...
