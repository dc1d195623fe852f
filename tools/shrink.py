"""JavaScript and WebAssembly made smaller by the npm dev dependencies terser and Binaryen's
wasm-opt (package.json); each result is cached by its input.
"""

import os
import subprocess

from .files import CACHE, cached, package_version, read_bytes, write_bytes
from .install import MODULES
from .progress import ROOT

# Binaryen's passes for it: -Oz, then GUFA (whole-program flow analysis: constants and
# unreachable code it proves) and -Oz again on what that leaves; the target_features
# section is for tools, which engines ignore. Nothing here assumes anything about the
# code (no --traps-never-happen, no --low-memory-unused).
WASM_OPT = ["-Oz", "--gufa", "-Oz", "--strip-target-features"]


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
