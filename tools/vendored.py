"""The vendored runtimes as the tag ships them: their files from node_modules with the pinned
patches applied (tools/patches.py), MicroPython's glue minified and its wasm shrunk, micropip's
wheel beside Pyodide, and Pyodide's memory snapshot; PyScript's core for PyScript apps.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile

from .files import CACHE, DIST, cached, content_hash, copy, read_bytes, write_bytes
from .install import MODULES, venv_python
from .patching import patch_files, pinned_patches, vendored_version
from .progress import ROOT, run, step
from .runtimes import IMPORT_STEPS, PACKAGE_ROOT, STEPS
from .shrink import minify, shrink_wasm

PYODIDE_WHEELS = os.path.join(ROOT, "tools", "pyodide-wheels.txt")
PYODIDE_LOCK = "pyodide-lock.json"  # where Pyodide's packages are listed: micropip is added to it
WHEEL_CACHE = os.path.join(ROOT, ".cache", "pyodide-wheels")
# Vendored Emscripten glue shipped with Node support, assertions and long names: made
# browser-only and assertion-free by its patches, and mangled here, where it pays.
GLUE = ("micropython.mjs",)
SHRUNK = ("micropython.wasm",)  # Pyodide's 9 MB one is left as published
# Chrome's compile hint: compile every function of a runtime's loader while it streams in,
# off the page's thread, since the runtime's start calls nearly all of them (others ignore it).
EAGER_COMPILE = b"//# allFunctionsCalledOnLoad\n"
COMPILE_HINTED = ("micropython.mjs", "pyodide.mjs", "pyodide.asm.mjs")
# WebAssembly the snippet compiles while it downloads (its loader takes the module: the
# early-compiled module patches of tools/patches.py).
COMPILED_EARLY = ("micropython.wasm", "pyodide.asm.wasm")


def runtime_files(runtime):
    """The runtime's vendored files by name: patched as pinned for the installed version, its
    glue minified, its wasm shrunk, its loaders hinted for eager compiling."""
    package = runtime["package"]
    version = vendored_version(package)
    texts = {name: read_bytes(os.path.join(MODULES, package, name)).decode("utf-8")
             for name in pinned_patches(package, version)}
    patched = patch_files(package, version, texts)
    out = {}
    for file_name in runtime["files"]:
        if file_name in patched:
            data = patched[file_name].encode("utf-8")
        else:
            data = read_bytes(os.path.join(MODULES, package, file_name))
        if file_name in GLUE:
            data = minify(data, module=True, pure=("assert",))
        elif file_name in SHRUNK:
            data = shrink_wasm(data)
        if file_name in COMPILE_HINTED:
            data = EAGER_COMPILE + data
        out[file_name] = data
    if PYODIDE_LOCK in out:
        vendor_pyodide_wheels(out)
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


def vendor_pyodide_wheels(files):
    """micropip beside Pyodide (``files``: the runtime's files by name), its lock entry
    pointing at it, so PyScript's ``packages`` needs no CDN: the npm pyodide package names
    micropip in its lock but ships no file."""
    lock = json.loads(files[PYODIDE_LOCK].decode("utf-8"))
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
        files[entry["file_name"]] = read_bytes(cached)
        entry["sha256"] = hashlib.sha256(files[entry["file_name"]]).hexdigest()
    files[PYODIDE_LOCK] = json.dumps(lock, separators=(", ", ": ")).encode("utf-8")


def write_snapshot(tag_dir, runtime_name, runtime, folder, bundle):
    """The runtime's memory after boot.js's imports (``IMPORT_STEPS``) and the runtime's own
    ``snapshot`` code, made by the built runtime under Node; its name, relative to the tag folder."""
    code = "\n".join([step[1] for step in STEPS[:IMPORT_STEPS]] + [runtime["snapshot"]])
    script = os.path.join(ROOT, "tools", "pyodide_snapshot.mjs")
    inputs = [read_bytes(script), code.encode(), read_bytes(os.path.join(tag_dir, bundle))] + [
        read_bytes(os.path.join(tag_dir, folder, file_name)) for file_name in runtime["files"]]

    def make(_):
        scratch = os.path.join(CACHE, "snapshot.tmp")
        shutil.rmtree(scratch, ignore_errors=True)
        with zipfile.ZipFile(os.path.join(tag_dir, bundle)) as archive:
            archive.extractall(os.path.join(scratch, "package"))
        with step("node: %s's memory snapshot (once: the result is cached)" % runtime["label"]):
            run(["node", script, os.path.join(tag_dir, folder), os.path.join(scratch, "package"), PACKAGE_ROOT,
                 code, os.path.join(scratch, "snapshot.bin")], quiet=True)
        return read_bytes(os.path.join(scratch, "snapshot.bin"))
    data = cached("snapshot-node%s" % node_version(), content_hash(*inputs).encode(), make)
    name = "%s/snapshot.%s.bin" % (runtime_name, content_hash(data))
    write_bytes(os.path.join(tag_dir, name), data)
    return name


def node_version():
    return subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()


def build_pyscript(target):
    """PyScript's core without source maps, for PyScript apps."""
    source = os.path.join(MODULES, "@pyscript", "core", "dist")
    for name in sorted(os.listdir(source)):
        if name.endswith((".js", ".css")) and not name.endswith(".map"):
            copy(os.path.join(source, name), os.path.join(target, name))
