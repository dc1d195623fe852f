"""The tag folder (``dist/tag/``): the snippet and boot loader with the shared vocabulary and
this build's file names written in, each runtime's folder and package bundles under
content-hashed names, PyScript configs, and ``files.json`` naming them.
"""

import json
import os
import re
import sys

from .bundles import WORKER_MODULES, compile_mpy, python_sources, split_later, write_bundle
from .files import DIST, content_hash, read_bytes, write, write_bytes
from .progress import ROOT
from .runtimes import RUNTIMES, for_javascript
from .shrink import minify
from .vendored import COMPILED_EARLY, runtime_files, write_snapshot

_PLACEHOLDER = re.compile(r"/\*@(vocabulary|build)\.(\w+)\*/null")
# Tag files whose names stay the same across builds (a host must not cache them for long).
STABLE = ("snippet.js", "snippet.html", "files.json") + tuple(
    "pyscript-%s.json" % runtime["pyscript"] for runtime in RUNTIMES.values())


def preload_hints(runtime, folder, bundle):
    """What the snippet asks for as soon as ``load()`` runs: every file the runtime's loader
    would otherwise request one after the other ([kind, path] pairs)."""
    hints = [["modulepreload", folder + runtime["module"]]]
    hints += [["modulepreload" if name.endswith(".mjs") else "wasm" if name in COMPILED_EARLY else "fetch",
               folder + name] for name in runtime["files"] if name != runtime["module"]]
    return hints + [["bundle", bundle]]


def tag_script(name, built=None):
    """``web/tag/<name>`` with the shared vocabulary, and what this build named (``built``),
    written in place of its placeholders."""
    with open(os.path.join(ROOT, "web", "tag", name), encoding="utf-8") as handle:
        source = handle.read()
    values = {"vocabulary": for_javascript(), "build": built or {}}

    def value(match):
        family, key = match.group(1), match.group(2)
        if key not in values[family]:
            sys.exit("build failed: %s names an unknown %s entry %r" % (name, family, key))
        return json.dumps(values[family][key], separators=(",", ":"))

    result = _PLACEHOLDER.sub(value, source)
    if "/*@vocabulary" in result or "/*@build" in result:
        sys.exit("build failed: %s has a malformed placeholder" % name)
    return result


def snippet(tag_path, layout=None):
    """The inline snippet a site pastes, pointing at ``tag_path`` and at the hashed files of
    ``layout`` (by default the built ``dist/tag/files.json``)."""
    if layout is None:
        with open(os.path.join(DIST, "tag", "files.json"), encoding="utf-8") as handle:
            layout = json.load(handle)
    built = {"boot": layout["boot"], "preload": {name: runtime["preload"]
                                                 for name, runtime in layout["runtimes"].items()}}
    return tag_script("snippet.js", built).replace('})("/tag/");', "})(%s);" % json.dumps(tag_path))


def boot_runtimes(runtimes):
    """What boot.js is told of each runtime's built files (the rest of ``files.json`` is the snippet's)."""
    keys = ("folder", "bundle", "later", "snapshot", "relay", "worker", "wasm")
    return {name: {key: r[key] for key in keys if key in r} for name, r in runtimes.items()}


def build_tag(tag_dir, tag_path):
    """The tag folder: stable snippet and PyScript configs, everything they load under hashed
    names (``boot.<hash>.js``, ``<runtime>/<hash>/``, ``<runtime>/totango_py.<hash>.zip`` and
    ``totango_py-later.<hash>.zip``), and
    ``files.json`` naming them."""
    sources = python_sources()
    packages = {"mpy": compile_mpy([path for path in sources if path[:-3] not in WORKER_MODULES]),
                "source": {path: read_bytes(os.path.join(ROOT, path)) for path in sources}}
    layout = {"runtimes": {}}
    for side in ("relay", "worker"):  # Pyodide's Web Worker: the page's side, the worker's script
        script = minify(tag_script(side + ".js").encode("utf-8"))
        layout[side] = "%s.%s.js" % (side, content_hash(script))
        write_bytes(os.path.join(tag_dir, layout[side]), script)
    for name, runtime in RUNTIMES.items():
        files = runtime_files(runtime)
        folder = "%s/%s/" % (name, content_hash(*[n.encode() + b"\0" + files[n] for n in sorted(files)]))
        for file_name, data in files.items():
            write_bytes(os.path.join(tag_dir, folder, file_name), data)
        first, later = split_later(packages[runtime["format"]])
        bundle, later = [write_bundle(tag_dir, name, stem, files) for stem, files in
                         (("totango_py", first), ("totango_py-later", later))]
        layout["runtimes"][name] = {"folder": folder, "bundle": bundle, "later": later,
                                    "preload": preload_hints(runtime, folder, bundle)}
        if runtime.get("worker"):
            # Its worker: where the snippet sees the worker can run, it starts the worker's script,
            # which fetches the runtime off the page's thread, and the page asks only for the
            # package. boot.js imports the page's side (not preloaded: an import whose
            # modulepreload failed stalls for seconds), which talks to the worker.
            layout["runtimes"][name]["relay"] = layout["relay"]
            layout["runtimes"][name]["worker"] = layout["worker"]
            layout["runtimes"][name]["wasm"] = next(path for kind, path in layout["runtimes"][name]["preload"]
                                                    if kind == "wasm")  # the worker compiles it
            layout["runtimes"][name]["preload"].insert(0, ["worker", layout["worker"]])
        if runtime.get("snapshot"):
            snapshot = write_snapshot(tag_dir, name, runtime, folder, bundle)
            layout["runtimes"][name]["snapshot"] = snapshot
            layout["runtimes"][name]["preload"].append(["snapshot", snapshot])
        config = {"interpreter": tag_path + folder + runtime["module"],
                  "files": {tag_path + bundle: "./*", tag_path + later: "./*"}}
        write(os.path.join(tag_dir, "pyscript-%s.json" % runtime["pyscript"]), json.dumps(config, indent=2) + "\n")
    boot = minify(tag_script("boot.js", {"runtimes": boot_runtimes(layout["runtimes"])}).encode("utf-8"))
    layout["boot"] = "boot.%s.js" % content_hash(boot)
    layout["stable"] = list(STABLE)
    write_bytes(os.path.join(tag_dir, layout["boot"]), boot)
    write(os.path.join(tag_dir, "files.json"), json.dumps(layout, indent=2) + "\n")
    write(os.path.join(tag_dir, "snippet.js"), snippet(tag_path, layout))
    write(os.path.join(tag_dir, "snippet.html"), "<script>\n%s</script>\n" % snippet(tag_path, layout))
    return layout
