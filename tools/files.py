"""Where the build writes, how it reads and writes files, names them by content and keeps
derived files of unchanged inputs.
"""

import hashlib
import json
import os
import shutil

from .install import MODULES
from .progress import ROOT

DIST = os.path.join(ROOT, "dist")
# Derived files of unchanged inputs (minified glue, brotli of the 9.6 MB Pyodide wasm),
# kept by content so that a rebuild does not redo them.
CACHE = os.path.join(MODULES, ".cache", "totango_py")
HASH_LENGTH = 12


def package_version(name):
    """The version of npm package ``name`` installed in node_modules."""
    with open(os.path.join(MODULES, name, "package.json")) as handle:
        return json.load(handle)["version"]


def locked_version(name):
    """The version of npm package ``name`` that package-lock.json pins."""
    with open(os.path.join(ROOT, "package-lock.json"), encoding="utf-8") as handle:
        return json.load(handle)["packages"]["node_modules/" + name]["version"]


def copy(source, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(source, target)


def write(target, text):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(text)


def read_bytes(path):
    with open(path, "rb") as handle:
        return handle.read()


def write_bytes(target, data):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(data)


def content_hash(*parts):
    """A short hex digest of ``parts``: the name changes whenever the content does."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:HASH_LENGTH]


def cache_path(kind, data):
    return os.path.join(CACHE, kind, hashlib.sha256(data).hexdigest())


def cached(kind, data, make):
    """``make(data)``, kept in the build cache under the input's digest."""
    path = cache_path(kind, data)
    if os.path.exists(path):
        return read_bytes(path)
    result = make(data)
    write_bytes(path + ".tmp", result)
    os.replace(path + ".tmp", path)
    return result
