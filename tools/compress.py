"""The ``.br`` and ``.gz`` copies a static host serves beside each compressible file of ``dist/``
(brotli and zopfli, build dependencies in the venv); each is cached by its input.
"""

import gzip
import os
import subprocess
import sys

from .files import cache_path, cached, read_bytes, write_bytes
from .install import ensure_venv
from .progress import ROOT, log

COMPRESSIBLE = (".js", ".mjs", ".wasm", ".json", ".html", ".css", ".py", ".svg", ".txt", ".zip", ".bin")
# A compressed copy is written only when it is at most this share of the original
# and saves at least a network packet.
WORTH_COMPRESSING = 0.95
WORTH_BYTES = 1400
# Build outputs that describe the tag folder but are never fetched by pages.
NOT_SERVED = ("files.json",)
# Brotli's default window (4 MB) and its largest (16 MB, which browsers decode too).
BROTLI_WINDOWS = (22, 24)


def _brotli(data):
    """Best quality; a file larger than the default window is also tried with the largest,
    and the smaller result kept (≈120 KB less for Pyodide's 31 MB snapshot, more for its wasm)."""
    import brotli
    windows = BROTLI_WINDOWS if len(data) > 1 << BROTLI_WINDOWS[0] else BROTLI_WINDOWS[:1]
    return min((brotli.compress(data, quality=11, lgwin=window) for window in windows), key=len)


def _gzip(data):
    """zopfli's gzip (a few % smaller than zlib's best) up to 2 MB; zlib's level 9 above (zopfli
    would take minutes)."""
    if len(data) > 2000000:
        return gzip.compress(data, compresslevel=9, mtime=0)
    import zopfli.gzip
    return zopfli.gzip.compress(data)


COMPRESSORS = {".br": ("brotli11-windows", _brotli), ".gz": ("zopfli-gzip", _gzip)}


def fill_compressed_cache(paths):
    """The compressed copies of each file into the build cache. brotli and zopfli are build
    dependencies in the venv: when this Python lacks them, the venv's Python does this part."""
    todo = [path for path in paths for kind, _ in COMPRESSORS.values()
            if not os.path.exists(cache_path(kind, read_bytes(path)))]
    if not todo:
        return
    try:
        import brotli  # noqa: F401
        import zopfli  # noqa: F401
    except ImportError:
        if os.environ.get("TOTANGO_PY_COMPRESS_CHILD"):
            sys.exit("brotli/zopfli are missing: %s -m pip install -r requirements-dev.txt" % sys.executable)
        subprocess.run([ensure_venv(), "-c", "import sys; from tools import compress; "
                        "compress.fill_compressed_cache(sys.argv[1:])"] + sorted(set(todo)),
                       check=True, cwd=ROOT, env=dict(os.environ, TOTANGO_PY_COMPRESS_CHILD="1"))
        return
    for path in sorted(set(todo)):
        data = read_bytes(path)
        if len(data) > 2000000:
            log("compressing %s (%d MB, once: the result is cached)" % (os.path.basename(path), len(data) // 1000000))
        for kind, make in COMPRESSORS.values():
            cached(kind, data, make)


def precompress(root):
    """``file.br`` and ``file.gz`` beside each compressible file a page may fetch, as a static
    host serves them, when they save at least 5 % and a network packet's worth."""
    paths = [os.path.join(folder, name) for folder, _, names in os.walk(root)
             for name in names if name.endswith(COMPRESSIBLE) and name not in NOT_SERVED]
    fill_compressed_cache(paths)
    for path in paths:
        data = read_bytes(path)
        for extension, (kind, _) in COMPRESSORS.items():
            packed = cached(kind, data, None)
            if len(packed) <= WORTH_COMPRESSING * len(data) and len(data) - len(packed) >= WORTH_BYTES:
                write_bytes(path + extension, packed)
