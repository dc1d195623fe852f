#!/usr/bin/env python3
"""Build, demo, test and benchmark totango_py. Standard library only.

    python3 build.py            # build dist/ (build dependencies: npm, the `build` frontend, mpy-cross)
    python3 build.py demo       # install what is missing, build, serve the demo on 127.0.0.1
    python3 build.py test       # install what is missing, check (ruff, mypy), build, run every test
    python3 build.py test --core  # the checks and the core tests only: no build, no browser
    python3 build.py bench      # install what is missing, build, run the benchmark
    python3 build.py COMMAND --help

``dist/tag/`` is the self-contained folder a site copies to its static host;
``dist/python/`` holds the wheel and sdist. The command line is in tools/cli.py. Build
dependencies run where they are installed: mpy-cross, brotli, zopfli and the wheel
frontend in ``.venv`` (requirements-build.txt), terser and Binaryen's wasm-opt in ``node_modules``
(package.json).
"""

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

from tools import cli
from tools.install import MODULES, ensure_node_modules, ensure_venv, venv_python
from tools.progress import log, run, step, timed
from tools.runtimes import (  # the runtimes; the names web/tag/*.js shares with Python
    IMPORT_STEPS,
    PACKAGE_ROOT,
    RUNTIMES,
    STEPS,
    for_javascript,
    vocabulary,
)

ROOT = os.path.dirname(os.path.abspath(__file__))
DIST = os.path.join(ROOT, "dist")
PYODIDE_WHEELS = os.path.join(ROOT, "tools", "pyodide-wheels.txt")
PYODIDE_LOCK = "pyodide-lock.json"  # where Pyodide's packages are listed: micropip is added to it
WHEEL_CACHE = os.path.join(ROOT, ".cache", "pyodide-wheels")
DEFAULT_TRACKER_URL = vocabulary.DEFAULT_TRACKER_URL
_PLACEHOLDER = re.compile(r"/\*@(vocabulary|build)\.(\w+)\*/null")
COMPRESSIBLE = (".js", ".mjs", ".wasm", ".json", ".html", ".css", ".py", ".svg", ".txt", ".zip", ".bin")
# A compressed copy is written only when it is at most this share of the original
# and saves at least a network packet.
WORTH_COMPRESSING = 0.95
WORTH_BYTES = 1400
# Build outputs that describe the tag folder but are never fetched by pages.
NOT_SERVED = ("files.json",)
# Derived files of unchanged inputs (minified glue, brotli of the 9.6 MB Pyodide wasm),
# kept by content so that a rebuild does not redo them.
CACHE = os.path.join(MODULES, ".cache", "totango_py")
HASH_LENGTH = 12
# mpy-cross flags: -O3 also leaves out line numbers (tracebacks name the function and file).
MPY_FLAGS = ["-O3"]
# Vendored Emscripten glue shipped with Node support, assertions and long names: made
# browser-only, assertion-free and mangled here, where it pays.
GLUE = ("micropython.mjs",)
# The modules only analytics.js's rarer methods need (vocabulary.LATER_METHODS): a bundle of their own.
LATER_MODULES = ("totango_py/local_calls", "totango_py/emitter", "totango_py/middleware")
# Only for a runtime that runs in the tag's Web Worker (``worker`` in tools/runtimes.py): Pyodide.
WORKER_MODULES = ("totango_py/browser/relay",)
SHRUNK = ("micropython.wasm",)  # Pyodide's 9 MB one is left as published
# Binaryen's passes for it: -Oz, then GUFA (whole-program flow analysis: constants and
# unreachable code it proves) and -Oz again on what that leaves; the target_features
# section is for tools, which engines ignore. Nothing here assumes anything about the
# code (no --traps-never-happen, no --low-memory-unused).
WASM_OPT = ["-Oz", "--gufa", "-Oz", "--strip-target-features"]
_STRING = r'"(?:[^"\\]|\\.)*"'  # a "…" literal of the glue
_TEMPLATE = r'`(?:[^`\\]|\\.)*`'  # a `…` literal (the glue's ${…} hold no backquote)
# Chrome's compile hint: compile every function of a runtime's loader while it streams in,
# off the page's thread, since the runtime's start calls nearly all of them (others ignore it).
EAGER_COMPILE = b"//# allFunctionsCalledOnLoad\n"
COMPILE_HINTED = ("micropython.mjs", "pyodide.mjs", "pyodide.asm.mjs")
# WebAssembly the snippet compiles while it downloads (its loader takes the module:
# GLUE_PATCHES, LOADER_PATCHES).
COMPILED_EARLY = ("micropython.wasm", "pyodide.asm.wasm")
# Pyodide's loader, published minified: the names below are its own, pinned by package.json.
LOADER_PATCHES = {"pyodide.mjs": [
    # ``loadPyodide({wasmModule})`` takes a Promise of the module the snippet compiled (of null:
    # fetch and compile as usual): compiling 9 MB is off the page's thread then.
    # ``loadPyodide({pause})``: a Promise of the next task, awaited between the start-up steps
    # (instantiating, linking, restoring the memory, finishing Python's start, setting up its
    # streams), so that the page's own work can run in between.
    ("early-compiled module and pause options", re.compile(re.escape("instantiateWasm:Ie(e.indexURL)")),
     "instantiateWasm:Ie(e.indexURL,e.wasmModule,e.pause),pause:e.pause"),
    ("early-compiled module: no second fetch", re.compile(re.escape(
        'function Ie(e){if(typeof WasmOffsetConverter<"u")return;let{binary:t,response:n}=_(e+"pyodide.asm.wasm")')),
     'function Ie(e,early,pause){if(typeof WasmOffsetConverter<"u")return;let{binary:t,response:n}=early?{}:'
     '_(e+"pyodide.asm.wasm")'),
    ("early-compiled module use", re.compile(re.escape(
        "try{let l;n?l=await WebAssembly.instantiateStreaming(n,s):l=await WebAssembly.instantiate(await t,s);")),
     "try{let l,m=await early;if(pause)await pause();if(m)l={module:m,instance:await WebAssembly.instantiate(m,s)};"
     'else{if(early)({binary:t,response:n}=_(e+"pyodide.asm.wasm"));'
     "n?l=await WebAssembly.instantiateStreaming(n,s):l=await WebAssembly.instantiate(await t,s)}"
     "if(pause)await pause();"),
    # A restored snapshot also overwrites where CPython keeps its trampoline for calls through
    # C function pointers: the one found under Node, which has no wasm trampoline, so calls
    # take a JS detour, slower and fatal to Python waiting through JSPI (``run_sync``). The
    # page's own, found before the restore, is written back (below, ``pyodide.asm.mjs``).
    ("pauses between start-up steps", re.compile(re.escape(
        "function Ae(e,t,n){let i=e.API,s;return t&&(s=i.restoreSnapshot(t)),"
        "i.finalizeBootstrap(s,n._snapshotDeserializer)}")),
     "async function Ae(e,t,n){let i=e.API,s;if(n.pause)await n.pause();"
     "t&&(s=i.restoreSnapshot(t),e.setTrampoline());"
     "if(n.pause)await n.pause();return i.finalizeBootstrap(s,n._snapshotDeserializer)}"),
    ("pause before the streams", re.compile(re.escape("let a=Ae(r,s,t);return await Oe(a,t)")),
     "let a=await Ae(r,s,t);if(t.pause)await t.pause();return await Oe(a,t)"),
], "pyodide.asm.mjs": [
    ("pause between linking and running", re.compile(re.escape("wasmExports=await (createWasm());run();")),
     "wasmExports=await (createWasm());if(Module.pause)await Module.pause();run();"),
    ("the trampoline kept for a restored snapshot", re.compile(re.escape(
        "HEAP32[(__PyRuntime+offset)/4>>>0]=ptr});")),
     "HEAP32[(__PyRuntime+offset)/4>>>0]=ptr;Module.setTrampoline=()=>{HEAP32[(__PyRuntime+offset)/4>>>0]=ptr}});"),
]}
GLUE_PATCHES = [
    # FS errors as a release build makes them: not an Error (no stack trace captured) and no
    # message looked up in the wasm. Every import probes paths that do not exist: milliseconds.
    ("diagnostic FS errors", re.compile(re.escape(
        'ErrnoError:class extends Error{name="ErrnoError";constructor(errno){for(var key in super(runtimeInitialized?'
        '(errno=>UTF8ToString(_strerror(errno)))(errno):""),this.errno=errno,ERRNO_CODES)if(ERRNO_CODES[key]===errno)'
        '{this.code=key;break}}}')),
     'ErrnoError:class{name="ErrnoError";constructor(errno){this.errno=errno}}'),
    # Exported functions called directly, as in a release build: the assertion build wraps each
    # in a checking closure with rest arguments, paid on every call between Python and the page.
    ("checked export wrappers", re.compile(re.escape(
        "function createExportWrapper(name,nargs){return(...args)=>{assert(runtimeInitialized,`native function "
        "\\`${name}\\` called before runtime initialization`);var f=wasmExports[name];return assert(f,`exported "
        "native function \\`${name}\\` not found`),assert(args.length<=nargs,`native function \\`${name}\\` called "
        "with ${args.length} args but expects ${nargs}`),f(...args)}}")),
     "function createExportWrapper(name){return wasmExports[name]}"),
    # The module the snippet compiled while it downloaded (COMPILED_EARLY), when it is given:
    # ``loadMicroPython({wasmModule})`` takes a Promise of it (of null: compile as usual).
    ("early-compiled module option", re.compile(re.escape(
        "let Module={locateFile:(path,scriptDirectory)=>url||scriptDirectory+path};")),
     "let Module={locateFile:(path,scriptDirectory)=>url||scriptDirectory+path,wasmModule:options.wasmModule};"),
    ("early-compiled module use", re.compile(re.escape(
        "async function instantiateAsync(binary,binaryFile,imports){")),
     "async function instantiateAsync(binary,binaryFile,imports){var early=await Module.wasmModule;"
     "if(early)try{return{module:early,instance:await WebAssembly.instantiate(early,imports)}}catch{}"),
    # Its Node test made false: terser drops the Node branches.
    ("Node support", re.compile(re.escape(
        'ENVIRONMENT_IS_NODE=globalThis.process?.versions?.node&&"renderer"!=globalThis.process?.type')),
     "ENVIRONMENT_IS_NODE=!1"),
    # Getters that only explain, in an abort, that a symbol was not exported (≈3.5 KB of names).
    ("unexported-symbol traps", re.compile(
        r'\[(?:"[\w$]+",?)+\]\.forEach\((?:unexportedRuntimeSymbol|function\(sym\)\{unexportedRuntimeSymbol\(sym\)\})\)'),
     "0"),
    # The rest of what ASSERTIONS added: each only turns a misuse or a broken engine into a
    # message (terser's pure_funcs drops assert calls but keeps what their arguments read).
    # Node / Safari / Firefox / Chrome minimum versions, thrown as text: engines older than
    # those cannot parse the glue in the first place (??=, ?., class fields).
    ("browser version checks", re.compile(
        r'!function\(\)\{function humanReadableVersionToPacked\(.*?'
        r'requires Chrome v\d+ \(detected v\$\{currentChromeVersion\}\)`\)\}\(\);'), ""),
    # The stack cookie, written at start-up and checked twice then: it names a stack overflow
    # during start-up. The stack itself is still set up (_emscripten_stack_init).
    ("stack cookie check", re.compile(r'function checkStackCookie\(\)\{if\(!ABORT\)\{.*?\(address zero\)!"\)\}\}'),
     "function checkStackCookie(){}"),
    ("stack cookie", re.compile(
        r'function stackCheckInit\(\)\{var max;_emscripten_stack_init\(\),assert\(.*?HEAPU32\[0\]=1668509029\}'),
     "function stackCheckInit(){_emscripten_stack_init()}"),
    # Module options set too late, not supported or long removed: loadMicroPython sets none of them.
    ("late-option traps", re.compile(
        r'function consumedModuleProp\(prop\)\{Object\.getOwnPropertyDescriptor\(Module,prop\)\|\|'
        r'Object\.defineProperty\(Module,prop,\{configurable:!0,set\(\)\{abort\(' + _TEMPLATE + r'\)\}\}\)\}'),
     "function consumedModuleProp(prop){}"),
    ("unsupported-option check", re.compile(
        r'prop="fetchSettings",Object\.getOwnPropertyDescriptor\(Module,prop\)&&abort\(' + _TEMPLATE + r'\),'), ""),
    ("removed-option checks", re.compile(r'assert\(void 0===Module\.\w+,' + _STRING + r'\),'), ""),
    ("unused option reads", re.compile(r'Module\.(\w+)&&Module\.\1,'), ""),
    # Getters explaining that the factory's argument is not the module: here it is the same
    # object (var Module=moduleArg), so the loop never defines one.
    ("constructor-argument traps", re.compile(
        r'for\(const prop of Object\.keys\(Module\)\)prop in moduleArg\|\|Object\.defineProperty\(moduleArg,prop,'
        r'\{configurable:!0,get\(\)\{abort\(' + _TEMPLATE + r'\)\}\}\);'), ""),
    # Stand-ins for the wasm exports until the wasm is instantiated, which only explain a call
    # made before then (nothing calls one before: loadMicroPython awaits the module).
    ("early-call traps", re.compile(r'(?:Module\._\w+=makeInvalidEarlyAccess\("\w+"\)[,;])+(?=var _fflush=)'), ""),
    ("early-call stand-ins", re.compile(r'makeInvalidEarlyAccess\("\w+"\)'), "void 0"),
    # Every browser engine is little-endian.
    ("little-endian check", re.compile(
        r'h16=new Int16Array\(1\),h8=new Int8Array\(h16\.buffer\),h16\[0\]=25459,115===h8\[0\]&&99===h8\[1\]\|\|'
        r'abort\(' + _STRING + r'\);'), ""),
    # FS methods Emscripten removed long ago, kept as aborts that name their replacement.
    ("removed-FS-method notices", re.compile(
        r',absolutePath\(\)\{abort\(' + _STRING + r'\)\}(?:,\w+\(\)\{abort\(' + _STRING + r'\)\})*'), ""),
    # Console warnings on a malformed UTF-8 byte or code point; the conversions are unchanged.
    ("UTF-8 warnings", re.compile(
        r'(?:240!=\(248&u0\)|u>1114111)&&warnOnce\("Invalid U[^"]*"\+ptrToString\(u0?\)\+' + _STRING + r'\),'), ""),
    # The command line for `node micropython.mjs`; the global loadMicroPython stays.
    ("Node command line", re.compile(
        r'if\(globalThis\.loadMicroPython=loadMicroPython,"object"==typeof process&&.*?\}\(\)\}(?=class PyProxy\{)'),
     "globalThis.loadMicroPython=loadMicroPython;"),
    # Advice printed when a wasm fetched from a file:// URL fails (the failure is still reported).
    ("file-URL advice", re.compile(r',isFileURI\(binaryFile\)&&err\(' + _TEMPLATE + r'\)'), ""),
    ("typed-array check", re.compile(r'assert\(globalThis\.Int32Array&&[^;]*?' + _STRING + r'\);'), ""),
    # With Node off, a page that is neither a window nor a worker is the shell case: these
    # throws cannot happen; the no-WebAssembly message precedes an error of its own.
    ("environment checks", re.compile(
        r'if\(!ENVIRONMENT_IS_WEB&&!ENVIRONMENT_IS_WORKER\)throw new Error\(' + _STRING + r'\);'
        r'|if\(!globalThis\.window&&!globalThis\.WorkerGlobalScope\)throw new Error\(' + _STRING + r'\);'
        r'|,globalThis\.WebAssembly\|\|err\(' + _STRING + r'\)'), ""),
    # Messages when the heap cannot grow; the allocation still fails as before.
    ("heap-growth messages", re.compile(
        r'err\(`(?:Cannot enlarge memory|Failed to grow the heap|growMemory: Attempted)' + _TEMPLATE[1:] + r'\)'), "0"),
    # Left over from asserts: a second table lookup per call through a function pointer, and
    # a read of each export to check that it exists.
    ("function-table check", re.compile(r',assert\(wasmTable\.get\(funcPtr\)==func,' + _STRING + r'\)'), ""),
    ("export checks", re.compile(r'assert\(void 0!==wasmExports\.\w+,' + _STRING + r'\),'), ""),
    # FS features for Emscripten's file packager, which no caller uses (boot.js writes the
    # package with FS.mkdir / FS.writeFile; PyScript uses mkdirTree, writeFile, mount, syncfs):
    # lazy files read by synchronous XMLHttpRequest in chunks, and preloaded files with their
    # run-dependency watcher. Each now throws, saying so.
    ("lazy files", re.compile(
        r'createLazyFile\(parent,name,url,canRead,canWrite\)\{class LazyUint8Array\{.*?'
        r'node\.stream_ops=stream_ops,node\}(?=,absolutePath\(\)|\}\,SYSCALLS=)'),
     'createLazyFile(){throw new Error("FS.createLazyFile is not included")}'),
    ("lazy-file loading", re.compile(
        r'forceLoadFile\(obj\)\{if\(obj\.isDevice.*?throw new FS\.ErrnoError\(29\)\}\}(?=,createLazyFile)'),
     'forceLoadFile(){throw new Error("FS.forceLoadFile is not included")}'),
    ("file preloading", re.compile(
        r'FS\.createPreloadedFile=\(parent,[^=]*\)=>\{FS_preloadFile\([^)]*\)\.then\(onload\)\.catch\(onerror\)\},'
        r'FS\.preloadFile=FS_preloadFile,'),
     'FS.createPreloadedFile=FS.preloadFile=()=>{throw new Error("FS preloading is not included")},'),
]
# Tag files whose names stay the same across builds (a host must not cache them for long).
STABLE = ("snippet.js", "snippet.html", "files.json") + tuple(
    "pyscript-%s.json" % runtime["pyscript"] for runtime in RUNTIMES.values())
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


def _cache_path(kind, data):
    return os.path.join(CACHE, kind, hashlib.sha256(data).hexdigest())


def cached(kind, data, make):
    """``make(data)``, kept in the build cache under the input's digest."""
    path = _cache_path(kind, data)
    if os.path.exists(path):
        return read_bytes(path)
    result = make(data)
    write_bytes(path + ".tmp", result)
    os.replace(path + ".tmp", path)
    return result


def minify(source, module=False, pure=()):
    """JavaScript ``source`` (bytes) compressed and mangled by terser (an npm dev dependency);
    calls of the ``pure`` functions are dropped."""
    compress = "passes=2" + (",pure_funcs=[%s]" % ",".join(pure) if pure else "")
    options = ["--compress", compress, "--mangle"] + (["--module"] if module else [])

    def make(data):
        terser = os.path.join(MODULES, "terser", "bin", "terser")
        return subprocess.run(["node", terser] + options, input=data, capture_output=True, check=True,
                              cwd=ROOT).stdout
    return cached("terser-%s-%s" % (package_version("terser"), "-".join(options)), source, make)


def shrink_wasm(data):
    """A runtime's WebAssembly optimised for size by Binaryen's ``wasm-opt`` (``WASM_OPT``; an
    npm dev dependency): MicroPython's published build is ≈12 % larger than it needs to be."""
    def make(data):
        wasm_opt = os.path.join(MODULES, "binaryen", "bin", "wasm-opt")
        scratch = os.path.join(CACHE, "wasm-opt.tmp")
        os.makedirs(scratch, exist_ok=True)
        source, target = os.path.join(scratch, "in.wasm"), os.path.join(scratch, "out.wasm")
        write_bytes(source, data)
        subprocess.run(["node", wasm_opt] + WASM_OPT + [source, "-o", target], check=True, capture_output=True)
        return read_bytes(target)
    return cached("wasm-opt-%s%s" % (package_version("binaryen"), "".join(WASM_OPT)), data, make)


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


def patched(name, text, patches):
    """``text`` with each (what, pattern, replacement) applied; a pattern that no longer
    matches leaves that part as published, with a note (tests/package/test_build.py fails on it)."""
    for what, pattern, replacement in patches:
        text, count = pattern.subn(replacement, text)
        if not count:
            log("note: %s has changed: its %s stays as published" % (name, what))
    return text


def browser_glue(name, data):
    """Emscripten glue as a page needs it: no Node branches, no assertions, short names."""
    text = patched(name, data.decode("utf-8"), GLUE_PATCHES)
    return minify(text.encode("utf-8"), module=True, pure=("assert",))


def runtime_files(runtime):
    """The runtime's vendored files by name, its glue made browser-only."""
    out = {}
    for file_name in runtime["files"]:
        data = read_bytes(os.path.join(MODULES, runtime["package"], file_name))
        if file_name in PAGE_SAFETY:
            data = PAGE_SAFETY[file_name](file_name, data.decode("utf-8")).encode("utf-8")
        if file_name in LOADER_PATCHES:
            data = patched(file_name, data.decode("utf-8"), LOADER_PATCHES[file_name]).encode("utf-8")
        if file_name in GLUE:
            data = browser_glue(file_name, data)
        elif file_name in SHRUNK:
            data = shrink_wasm(data)
        if file_name in COMPILE_HINTED:
            data = EAGER_COMPILE + data
        out[file_name] = data
    if PYODIDE_LOCK in out:
        vendor_pyodide_wheels(out)
    return out


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


def own_module_global(name, source):
    """MicroPython's loader sets ``globalThis.Module`` and its helpers read that global:
    make it a variable of the module instead, so a page's own ``window.Module`` survives."""
    if source.count("globalThis.Module=Module") != 1:
        sys.exit("build failed: %s no longer sets globalThis.Module as expected" % name)
    return "var Module;function setModule$(m){Module=m}" + source.replace(
        "globalThis.Module=Module", "setModule$(Module)")


# Pyodide's bundler helper walks an object with for…in, so an enumerable key a
# page added to Object.prototype became a "getter" and stopped the runtime.
_PYODIDE_EXPORT = "for(var name in all)__defProp("


def own_keys_only(name, source):
    """Pyodide's ``__export`` over own keys only: a page's polluted Object.prototype cannot stop it."""
    if source.count(_PYODIDE_EXPORT) != 1:
        sys.exit("build failed: %s no longer has the expected __export helper" % name)
    return source.replace(_PYODIDE_EXPORT, "for(var name of Object.keys(all))__defProp(")


# Runtime files changed so that they keep out of the host page's way (see the README's known limits).
PAGE_SAFETY = {"micropython.mjs": own_module_global, "pyodide.asm.mjs": own_keys_only}


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
            if not os.path.exists(_cache_path(kind, read_bytes(path)))]
    if not todo:
        return
    try:
        import brotli  # noqa: F401
        import zopfli  # noqa: F401
    except ImportError:
        if os.environ.get("TOTANGO_PY_COMPRESS_CHILD"):
            sys.exit("brotli/zopfli are missing: %s -m pip install -r requirements-dev.txt" % sys.executable)
        subprocess.run([ensure_venv(), "-c", "import sys, build; build.fill_compressed_cache(sys.argv[1:])"]
                       + sorted(set(todo)), check=True, cwd=ROOT, env=dict(os.environ, TOTANGO_PY_COMPRESS_CHILD="1"))
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


def generated_files(root):
    """The files this build wrote itself (not vendored runtime files)."""
    out = []
    for folder, _, names in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        if rel.startswith(tuple("tag/" + name for name in RUNTIMES) + ("pyscript",)):
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
