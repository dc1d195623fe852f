"""The edits the build makes to the vendored runtimes' files, pinned to the exact package
versions they were written against (``package@version``, as package-lock.json installs it).

Pyodide's loader is published minified, so its patches name minified functions (``Ie``,
``Ae``, ``Oe``) and private options (``_snapshotDeserializer``); MicroPython's glue is
Emscripten's output. Neither is an interface: each entry holds only for its version. A
version without an entry stops the build; to update, copy the entry under the new key, run
``python3 -m tools.patching`` (what each patch matches in the installed files, and the hash
of that text), read every deletion whose hash changed, and pin the new hashes.

Each ``Patch`` must match exactly once, and ``removes`` pins the text it replaces (the
first 12 hex digits of its sha256): a lazy ``.*?`` that grows to swallow more, or a literal
that now finds other text, stops the build (tools/patching.py applies them). A patch that
misses stops the build too, unless it is ``size_only``: it only drops code the page never
runs, so without it the file is larger but works the same; its miss is a warning and that
part stays as published.

``needs`` names the patches without which a patch would break the file (it calls what they
add, or matches the text they leave); they come before it (files in the order given,
patches in list order). A patch whose need did not apply counts as missed itself: a
size-only one is left out with a warning, any other stops the build. Left out rather than
promoted to failing: a size-only patch and the ones it needs only drop code, so the file
still works without them, and a patch that carries a feature is never dropped quietly.
"""

import re
from typing import NamedTuple, Tuple


class Patch(NamedTuple):
    name: str
    pattern: "re.Pattern"
    replacement: str  # a re template (``\\1`` names a group)
    removes: str  # sha256 of the text the pattern matches, first 12 hex digits
    size_only: bool = False
    needs: Tuple[str, ...] = ()


def literal(text):
    return re.compile(re.escape(text))


def per_site(name, pattern_of, replacement, pins, **options):
    """One patch for each site of a repeated edit: ``pins`` maps each site (a name in the
    text) to the hash of what its patch replaces; ``pattern_of(site)`` is its regex."""
    return [Patch("%s: %s" % (name, site), re.compile(pattern_of(re.escape(site))), replacement, removes, **options)
            for site, removes in pins.items()]


_STRING = r'"(?:[^"\\]|\\.)*"'  # a "…" literal of the glue
_TEMPLATE = r'`(?:[^`\\]|\\.)*`'  # a `…` literal (the glue's ${…} hold no backquote)
# Pyodide's bundler helper walks an object with for…in, so an enumerable key a
# page added to Object.prototype became a "getter" and stopped the runtime.
_PYODIDE_EXPORT = "for(var name in all)__defProp("

MICROPYTHON = "@micropython/micropython-webassembly-pyscript@1.27.0"
PYODIDE = "pyodide@314.0.7"

PINNED = {
    # MicroPython's Emscripten glue, shipped with Node support, assertions and long names:
    # made browser-only and assertion-free here (then minified: tools/vendored.py).
    MICROPYTHON: {"micropython.mjs": [
        # Page safety (see the README's known limits): the loader sets ``globalThis.Module``
        # and its helpers read that global; it becomes a variable of the module instead, so
        # a page's own ``window.Module`` survives.
        Patch("own Module variable: declared", re.compile(r"\A(?=async function _createMicroPythonModule\()"),
              "var Module;function setModule$(m){Module=m}", removes="e3b0c44298fc"),
        Patch("own Module variable: set instead of globalThis.Module", literal("globalThis.Module=Module"),
              "setModule$(Module)", removes="c2b1b467e785", needs=("own Module variable: declared",)),
        # FS errors as a release build makes them: not an Error (no stack trace captured) and no
        # message looked up in the wasm. Every import probes paths that do not exist: milliseconds.
        Patch("diagnostic FS errors", literal(
            'ErrnoError:class extends Error{name="ErrnoError";constructor(errno){'
            'for(var key in super(runtimeInitialized?'
            '(errno=>UTF8ToString(_strerror(errno)))(errno):""),this.errno=errno,ERRNO_CODES)if(ERRNO_CODES[key]===errno)'
            '{this.code=key;break}}}'),
            'ErrnoError:class{name="ErrnoError";constructor(errno){this.errno=errno}}', removes="abea6d9ce70a"),
        # Exported functions called directly, as in a release build: the assertion build wraps each
        # in a checking closure with rest arguments, paid on every call between Python and the page.
        Patch("checked export wrappers", literal(
            "function createExportWrapper(name,nargs){return(...args)=>{assert(runtimeInitialized,`native function "
            "\\`${name}\\` called before runtime initialization`);var f=wasmExports[name];return assert(f,`exported "
            "native function \\`${name}\\` not found`),assert(args.length<=nargs,`native function \\`${name}\\` called "
            "with ${args.length} args but expects ${nargs}`),f(...args)}}"),
            "function createExportWrapper(name){return wasmExports[name]}", removes="a664bc8d85e6"),
        # The module the snippet compiled while it downloaded (COMPILED_EARLY), when it is given:
        # ``loadMicroPython({wasmModule})`` takes a Promise of it (of null: compile as usual).
        Patch("early-compiled module option", literal(
            "let Module={locateFile:(path,scriptDirectory)=>url||scriptDirectory+path};"),
            "let Module={locateFile:(path,scriptDirectory)=>url||scriptDirectory+path,wasmModule:options.wasmModule};",
            removes="e77399cb3e0a"),
        Patch("early-compiled module use", literal("async function instantiateAsync(binary,binaryFile,imports){"),
              "async function instantiateAsync(binary,binaryFile,imports){var early=await Module.wasmModule;"
              "if(early)try{return{module:early,instance:await WebAssembly.instantiate(early,imports)}}catch{}",
              removes="2c54ac97b9e8"),
        # Its Node test made false: terser drops the Node branches.
        Patch("Node support", literal(
            'ENVIRONMENT_IS_NODE=globalThis.process?.versions?.node&&"renderer"!=globalThis.process?.type'),
            "ENVIRONMENT_IS_NODE=!1", removes="501094b9ca7c", size_only=True),
        # Getters that only explain, in an abort, that a symbol was not exported (≈3.5 KB of names).
        Patch("unexported-symbol traps: library symbols", re.compile(
            r'\[(?:"[\w$]+",?)+\]\.forEach\(function\(sym\)\{unexportedRuntimeSymbol\(sym\)\}\)'),
            "0", removes="17d13959460a", size_only=True),
        Patch("unexported-symbol traps: runtime symbols", re.compile(
            r'\[(?:"[\w$]+",?)+\]\.forEach\(unexportedRuntimeSymbol\)'), "0", removes="e7e17811c1b9", size_only=True),
        # The rest of what ASSERTIONS added: each only turns a misuse or a broken engine into a
        # message (terser's pure_funcs drops assert calls but keeps what their arguments read).
        # Node / Safari / Firefox / Chrome minimum versions, thrown as text: engines older than
        # those cannot parse the glue in the first place (??=, ?., class fields).
        Patch("browser version checks", re.compile(
            r'!function\(\)\{function humanReadableVersionToPacked\(.*?'
            r'requires Chrome v\d+ \(detected v\$\{currentChromeVersion\}\)`\)\}\(\);'),
            "", removes="82e78c94f810", size_only=True),
        # The stack cookie, written at start-up and checked twice then: it names a stack overflow
        # during start-up. The stack itself is still set up (_emscripten_stack_init). The check
        # goes first: kept, it would find no cookie once the writing is gone.
        Patch("stack cookie check", re.compile(
            r'function checkStackCookie\(\)\{if\(!ABORT\)\{.*?\(address zero\)!"\)\}\}'),
              "function checkStackCookie(){}", removes="84ebe43f9b7b", size_only=True),
        Patch("stack cookie", re.compile(
            r'function stackCheckInit\(\)\{var max;_emscripten_stack_init\(\),assert\(.*?HEAPU32\[0\]=1668509029\}'),
            "function stackCheckInit(){_emscripten_stack_init()}", removes="911de6fb8e6a", size_only=True,
            needs=("stack cookie check",)),
        # Module options set too late, not supported or long removed: loadMicroPython sets none of them.
        Patch("late-option traps", re.compile(
            r'function consumedModuleProp\(prop\)\{Object\.getOwnPropertyDescriptor\(Module,prop\)\|\|'
            r'Object\.defineProperty\(Module,prop,\{configurable:!0,set\(\)\{abort\(' + _TEMPLATE + r'\)\}\}\)\}'),
            "function consumedModuleProp(prop){}", removes="641fa2c45de0", size_only=True),
        Patch("unsupported-option check", re.compile(
            r'prop="fetchSettings",Object\.getOwnPropertyDescriptor\(Module,prop\)&&abort\(' + _TEMPLATE + r'\),'),
            "", removes="516368fc3616", size_only=True),
        Patch("removed-option checks", re.compile(r'(?:assert\(void 0===Module\.\w+,' + _STRING + r'\),)+'),
              "", removes="8978e8ea86b0", size_only=True),
        *per_site("unused option read", lambda site: r'Module\.%s&&Module\.%s,' % (site, site), "", {
            "noExitRuntime": "c6af06bbef13",
            "arguments": "e3eafe6e572e",
            "thisProgram": "c69105200750",
        }, size_only=True),
        # Getters explaining that the factory's argument is not the module: here it is the same
        # object (var Module=moduleArg), so the loop never defines one.
        Patch("constructor-argument traps", re.compile(
            r'for\(const prop of Object\.keys\(Module\)\)prop in moduleArg\|\|Object\.defineProperty\(moduleArg,prop,'
            r'\{configurable:!0,get\(\)\{abort\(' + _TEMPLATE + r'\)\}\}\);'),
            "", removes="b8f6d2b0e94a", size_only=True),
        # Stand-ins for the wasm exports until the wasm is instantiated, which only explain a call
        # made before then (nothing calls one before: loadMicroPython awaits the module). Each
        # stand-in is pinned to the one site left once the traps are gone.
        Patch("early-call traps", re.compile(r'(?:Module\._\w+=makeInvalidEarlyAccess\("\w+"\)[,;])+(?=var _fflush=)'),
              "", removes="4829484a1fe7", size_only=True),
        *per_site("early-call stand-in", lambda site: r'makeInvalidEarlyAccess\("%s"\)' % site, "void 0", {
            "_fflush": "c6ae3bb33855",
            "_strerror": "6dafc700589c",
            "_emscripten_stack_get_end": "3c01f54e3a1d",
            "_emscripten_stack_get_base": "f3be60fca5ba",
            "_setThrew": "0f52245fd3a9",
            "_emscripten_stack_init": "f4a0e649218b",
            "_emscripten_stack_get_free": "7d0640aad521",
            "__emscripten_stack_restore": "0a7aec798332",
            "__emscripten_stack_alloc": "a21753194778",
            "_emscripten_stack_get_current": "7a437a8de7db",
            "memory": "978b671fcc2a",
            "__indirect_function_table": "865af0cdefc1",
            "wasmMemory": "fbb612a00bc8",
            "wasmTable": "4fe8bf1f8016",
        }, size_only=True, needs=("early-call traps",)),
        # Every browser engine is little-endian.
        Patch("little-endian check", re.compile(
            r'h16=new Int16Array\(1\),h8=new Int8Array\(h16\.buffer\),h16\[0\]=25459,115===h8\[0\]&&99===h8\[1\]\|\|'
            r'abort\(' + _STRING + r'\);'), "", removes="d4b1b9dc9144", size_only=True),
        # FS methods Emscripten removed long ago, kept as aborts that name their replacement.
        Patch("removed-FS-method notices", re.compile(
            r',absolutePath\(\)\{abort\(' + _STRING + r'\)\}(?:,\w+\(\)\{abort\(' + _STRING + r'\)\})*'),
            "", removes="0eb9fe88894b", size_only=True),
        # Console warnings on a malformed UTF-8 byte or code point; the conversions are unchanged.
        Patch("UTF-8 warnings: leading byte", re.compile(
            r'240!=\(248&u0\)&&warnOnce\("Invalid U[^"]*"\+ptrToString\(u0\)\+' + _STRING + r'\),'),
            "", removes="031ea7d5b638", size_only=True),
        Patch("UTF-8 warnings: code point", re.compile(
            r'u>1114111&&warnOnce\("Invalid U[^"]*"\+ptrToString\(u\)\+' + _STRING + r'\),'),
            "", removes="2fd7a403c1ed", size_only=True),
        # The command line for `node micropython.mjs`; the global loadMicroPython stays.
        Patch("Node command line", re.compile(
            r'if\(globalThis\.loadMicroPython=loadMicroPython,"object"==typeof process&&.*?\}\(\)\}'
            r'(?=class PyProxy\{)'),
            "globalThis.loadMicroPython=loadMicroPython;", removes="c4e539a1aa19", size_only=True),
        # Advice printed when a wasm fetched from a file:// URL fails (the failure is still reported).
        Patch("file-URL advice", re.compile(r',isFileURI\(binaryFile\)&&err\(' + _TEMPLATE + r'\)'),
              "", removes="e3f04e59e482", size_only=True),
        Patch("typed-array check", re.compile(r'assert\(globalThis\.Int32Array&&[^;]*?' + _STRING + r'\);'),
              "", removes="37c725f3dcca", size_only=True),
        # With Node off, a page that is neither a window nor a worker is the shell case: these
        # throws cannot happen; the no-WebAssembly message precedes an error of its own.
        Patch("environment checks: detection", re.compile(
            r'if\(!ENVIRONMENT_IS_WEB&&!ENVIRONMENT_IS_WORKER\)throw new Error\(' + _STRING + r'\);'),
            "", removes="23fd9555c7d8", size_only=True),
        Patch("environment checks: window or worker", re.compile(
            r'if\(!globalThis\.window&&!globalThis\.WorkerGlobalScope\)throw new Error\(' + _STRING + r'\);'),
            "", removes="c2a6320cd697", size_only=True),
        Patch("environment checks: WebAssembly", re.compile(r',globalThis\.WebAssembly\|\|err\(' + _STRING + r'\)'),
              "", removes="cd2fd7b96fa2", size_only=True),
        # Messages when the heap cannot grow; the allocation still fails as before.
        *per_site("heap-growth message", lambda site: r'err\(`%s' % site + _TEMPLATE[1:] + r'\)', "0", {
            "growMemory: Attempted": "6ffe49c122af",
            "Cannot enlarge memory": "e716ea06125f",
            "Failed to grow the heap": "40ee5366d98c",
        }, size_only=True),
        # Left over from asserts: a second table lookup per call through a function pointer
        # (not size-only: every such call pays it), and a read of each export to check that it
        # exists.
        Patch("function-table check", re.compile(r',assert\(wasmTable\.get\(funcPtr\)==func,' + _STRING + r'\)'),
              "", removes="3970083c7f83"),
        *per_site("export check", lambda site: r'assert\(void 0!==wasmExports\.%s,' % site + _STRING + r'\),', "", {
            "free": "e4cfa0e4daa8",
            "malloc": "4389e173f64e",
            "mp_sched_keyboard_interrupt": "0fbe579b8ad8",
            "mp_js_init": "3b97e196cf90",
            "mp_js_register_js_module": "565edfdeac94",
            "mp_js_do_import": "9e3b02089228",
            "proxy_convert_mp_to_js_obj_cside": "ce3da8c47fd6",
            "mp_js_do_exec": "475a239543e3",
            "mp_js_do_exec_async": "05b1aadea5db",
            "mp_js_repl_init": "3869578de3a0",
            "mp_js_repl_process_char": "e49197d75a83",
            "mp_hal_get_interrupt_char": "feb85815b37c",
            "proxy_c_init": "431762a3fe5a",
            "proxy_c_free_obj": "e41663094d77",
            "proxy_c_to_js_call": "5cd0d5bf0dba",
            "proxy_c_to_js_dir": "e0b4623a20d2",
            "proxy_c_to_js_has_attr": "9d01bf0cf4a5",
            "proxy_c_to_js_lookup_attr": "02b3806bb94f",
            "proxy_c_to_js_store_attr": "275462838c53",
            "proxy_c_to_js_delete_attr": "ab890ca65eed",
            "proxy_c_to_js_get_type": "96931f44e3fc",
            "proxy_c_to_js_get_array": "bbe058129e02",
            "proxy_c_to_js_get_dict": "7607cbc5c42e",
            "proxy_c_to_js_get_iter": "7b0576a92585",
            "proxy_c_to_js_iternext": "e80421ddfb05",
            "proxy_c_to_js_resume": "c60982293140",
            "fflush": "e69e1fce4811",
            "strerror": "7515058d6645",
            "emscripten_stack_get_end": "906a4854bebe",
            "emscripten_stack_get_base": "435d790bc792",
            "setThrew": "1502225da98b",
            "emscripten_stack_init": "f072eeee9505",
            "emscripten_stack_get_free": "896e424e97ed",
            "_emscripten_stack_restore": "7aa0c85e0c00",
            "_emscripten_stack_alloc": "2b7b7ad716c2",
            "emscripten_stack_get_current": "d13484cb6bbd",
            "memory": "40c462ec0c31",
            "__indirect_function_table": "ae5cd70c7256",
        }, size_only=True),
        # FS features for Emscripten's file packager, which no caller uses (boot.js writes the
        # package with FS.mkdir / FS.writeFile; PyScript uses mkdirTree, writeFile, mount, syncfs):
        # lazy files read by synchronous XMLHttpRequest in chunks, and preloaded files with their
        # run-dependency watcher. Each now throws, saying so.
        Patch("lazy files", re.compile(
            r'createLazyFile\(parent,name,url,canRead,canWrite\)\{class LazyUint8Array\{.*?'
            r'node\.stream_ops=stream_ops,node\}(?=,absolutePath\(\)|\}\,SYSCALLS=)'),
            'createLazyFile(){throw new Error("FS.createLazyFile is not included")}',
            removes="54197345ad18", size_only=True),
        Patch("lazy-file loading", re.compile(
            r'forceLoadFile\(obj\)\{if\(obj\.isDevice.*?throw new FS\.ErrnoError\(29\)\}\}(?=,createLazyFile)'),
            'forceLoadFile(){throw new Error("FS.forceLoadFile is not included")}',
            removes="97066af88136", size_only=True),
        Patch("file preloading", re.compile(
            r'FS\.createPreloadedFile=\(parent,[^=]*\)=>\{FS_preloadFile\([^)]*\)\.then\(onload\)\.catch\(onerror\)\},'
            r'FS\.preloadFile=FS_preloadFile,'),
            'FS.createPreloadedFile=FS.preloadFile=()=>{throw new Error("FS preloading is not included")},',
            removes="57714c550bd3", size_only=True),
    ]},
    # Pyodide's loader (pyodide.mjs) and its Emscripten module (pyodide.asm.mjs), published
    # minified. The module comes first: the loader's patches rely on one of its patches.
    PYODIDE: {"pyodide.asm.mjs": [
        # Page safety: ``__export`` over own keys only, so a page's polluted Object.prototype
        # cannot stop the runtime.
        Patch("__export over own keys only", literal(_PYODIDE_EXPORT), "for(var name of Object.keys(all))__defProp(",
              removes="8bc40432b75f"),
        Patch("pause between linking and running", literal("wasmExports=await (createWasm());run();"),
              "wasmExports=await (createWasm());if(Module.pause)await Module.pause();run();", removes="1a1f5116eeff"),
        # A restored snapshot also overwrites where CPython keeps its trampoline for calls through
        # C function pointers: the one found under Node, which has no wasm trampoline, so calls
        # take a JS detour, slower and fatal to Python waiting through JSPI (``run_sync``). The
        # page's own, found before the restore, is kept here and written back (pyodide.mjs below).
        Patch("the trampoline kept for a restored snapshot", literal("HEAP32[(__PyRuntime+offset)/4>>>0]=ptr});"),
              "HEAP32[(__PyRuntime+offset)/4>>>0]=ptr;"
              "Module.setTrampoline=()=>{HEAP32[(__PyRuntime+offset)/4>>>0]=ptr}});",
              removes="7b4e550be8a2"),
    ], "pyodide.mjs": [
        # ``loadPyodide({wasmModule})`` takes a Promise of the module the snippet compiled (of null:
        # fetch and compile as usual): compiling 9 MB is off the page's thread then.
        # ``loadPyodide({pause})``: a Promise of the next task, awaited between the start-up steps
        # (instantiating, linking, restoring the memory, finishing Python's start, setting up its
        # streams), so that the page's own work can run in between.
        Patch("early-compiled module and pause options", literal("instantiateWasm:Ie(e.indexURL)"),
              "instantiateWasm:Ie(e.indexURL,e.wasmModule,e.pause),pause:e.pause", removes="17122a23d3ee"),
        Patch("early-compiled module: no second fetch", literal(
            'function Ie(e){if(typeof WasmOffsetConverter<"u")return;let{binary:t,response:n}=_(e+"pyodide.asm.wasm")'),
            'function Ie(e,early,pause){if(typeof WasmOffsetConverter<"u")return;let{binary:t,response:n}=early?{}:'
            '_(e+"pyodide.asm.wasm")', removes="f23bb18d5fff"),
        Patch("early-compiled module use", literal(
            "try{let l;n?l=await WebAssembly.instantiateStreaming(n,s):l=await WebAssembly.instantiate(await t,s);"),
            "try{let l,m=await early;if(pause)await pause();"
            "if(m)l={module:m,instance:await WebAssembly.instantiate(m,s)};"
            'else{if(early)({binary:t,response:n}=_(e+"pyodide.asm.wasm"));'
            "n?l=await WebAssembly.instantiateStreaming(n,s):l=await WebAssembly.instantiate(await t,s)}"
            "if(pause)await pause();", removes="4bc5df6521b4", needs=("early-compiled module: no second fetch",)),
        # ``Ae`` becomes async, so its one caller awaits it.
        Patch("pause before the streams", literal("let a=Ae(r,s,t);return await Oe(a,t)"),
              "let a=await Ae(r,s,t);if(t.pause)await t.pause();return await Oe(a,t)", removes="d42ce3f341c7"),
        Patch("pauses between start-up steps", literal(
            "function Ae(e,t,n){let i=e.API,s;return t&&(s=i.restoreSnapshot(t)),"
            "i.finalizeBootstrap(s,n._snapshotDeserializer)}"),
            "async function Ae(e,t,n){let i=e.API,s;if(n.pause)await n.pause();"
            "t&&(s=i.restoreSnapshot(t),e.setTrampoline());"
            "if(n.pause)await n.pause();return i.finalizeBootstrap(s,n._snapshotDeserializer)}",
            removes="96b3617183a4", needs=("pause before the streams", "the trampoline kept for a restored snapshot")),
    ]},
}
