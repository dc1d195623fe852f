"""The vendored runtimes as the tag ships them: their files from node_modules, patched
(``PAGE_SAFETY``, ``LOADER_PATCHES``, ``GLUE_PATCHES``), MicroPython's glue minified and its
wasm shrunk, micropip's wheel beside Pyodide, and Pyodide's memory snapshot; PyScript's core
for PyScript apps.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

from .files import CACHE, DIST, cached, content_hash, copy, read_bytes, write_bytes
from .install import MODULES, venv_python
from .progress import ROOT, log, run, step
from .runtimes import IMPORT_STEPS, PACKAGE_ROOT, STEPS
from .shrink import minify, shrink_wasm

PYODIDE_WHEELS = os.path.join(ROOT, "tools", "pyodide-wheels.txt")
PYODIDE_LOCK = "pyodide-lock.json"  # where Pyodide's packages are listed: micropip is added to it
WHEEL_CACHE = os.path.join(ROOT, ".cache", "pyodide-wheels")
# Vendored Emscripten glue shipped with Node support, assertions and long names: made
# browser-only, assertion-free and mangled here, where it pays.
GLUE = ("micropython.mjs",)
SHRUNK = ("micropython.wasm",)  # Pyodide's 9 MB one is left as published
# Chrome's compile hint: compile every function of a runtime's loader while it streams in,
# off the page's thread, since the runtime's start calls nearly all of them (others ignore it).
EAGER_COMPILE = b"//# allFunctionsCalledOnLoad\n"
COMPILE_HINTED = ("micropython.mjs", "pyodide.mjs", "pyodide.asm.mjs")
# WebAssembly the snippet compiles while it downloads (its loader takes the module:
# GLUE_PATCHES, LOADER_PATCHES).
COMPILED_EARLY = ("micropython.wasm", "pyodide.asm.wasm")
_STRING = r'"(?:[^"\\]|\\.)*"'  # a "…" literal of the glue
_TEMPLATE = r'`(?:[^`\\]|\\.)*`'  # a `…` literal (the glue's ${…} hold no backquote)
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
        "function Ae(e,t,n){let i=e.API,s;return t&&(s=i.restoreSnapshot(t)),i.finalizeBootstrap(s,n._snapshotDeserializer)}")),
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
    ("lazy-file loading", re.compile(r'forceLoadFile\(obj\)\{if\(obj\.isDevice.*?throw new FS\.ErrnoError\(29\)\}\}(?=,createLazyFile)'),
     'forceLoadFile(){throw new Error("FS.forceLoadFile is not included")}'),
    ("file preloading", re.compile(
        r'FS\.createPreloadedFile=\(parent,[^=]*\)=>\{FS_preloadFile\([^)]*\)\.then\(onload\)\.catch\(onerror\)\},'
        r'FS\.preloadFile=FS_preloadFile,'),
     'FS.createPreloadedFile=FS.preloadFile=()=>{throw new Error("FS preloading is not included")},'),
]


def patched(name, text, patches):
    """``text`` with each (what, pattern, replacement) applied; a pattern that no longer
    matches leaves that part as published, with a note (tests/test_build.py fails on it)."""
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
