"""What ``dist/`` holds, checked and listed: no absolute URL in a file the build wrote, and
``versions.json`` (the runtimes' versions and every file's sha256).
"""

import hashlib
import os
import re
import sys

from .files import DIST, package_version, read_bytes
from .runtimes import RUNTIMES, vocabulary

DEFAULT_TRACKER_URL = vocabulary.DEFAULT_TRACKER_URL
_URL = re.compile(r"https?://[^\s\"'`)<>\\]+")


def check_urls(paths):
    """Fail when a generated page, loader or config names an absolute URL (the
    documented default Totango tracker URL is the one exception)."""
    bad = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for url in _URL.findall(handle.read()):
                if url != DEFAULT_TRACKER_URL:
                    bad.append("%s: %s" % (os.path.relpath(path, DIST), url))
    if bad:
        sys.exit("build failed: absolute URLs in generated files:\n  " + "\n  ".join(bad))


def generated_files(root):
    """The files this build wrote itself (not vendored runtime files)."""
    out = []
    for folder, _, names in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        if rel.startswith(tuple("tag/" + name for name in RUNTIMES) + ("pyscript",)):
            continue
        out += [os.path.join(folder, n) for n in names if n.endswith((".html", ".js", ".json", ".toml", ".py"))]
    return out


def manifest(root):
    files = {}
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            path = os.path.join(folder, name)
            if name.endswith((".gz", ".br")) or path.endswith("versions.json"):
                continue
            files[os.path.relpath(path, root).replace(os.sep, "/")] = hashlib.sha256(read_bytes(path)).hexdigest()
    packages = [runtime["package"] for runtime in RUNTIMES.values()] + ["@pyscript/core"]
    versions = {name: package_version(name) for name in packages}
    return {"versions": versions, "files": dict(sorted(files.items()))}
