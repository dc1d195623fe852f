from typing import Any

from .ports import MemoryStorage as MemoryStorage, StoragePort

USER_ID: str
USER_TRAITS: str
ANONYMOUS_ID: str
GROUP_ID: str
GROUP_TRAITS: str

def load(storage: StoragePort, key: str, default: Any = None) -> Any: ...
def save(storage: StoragePort, key: str, value: Any) -> bool: ...
