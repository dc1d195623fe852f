"""Lint: outside ``browser/ffi.py`` the bridge never calls page JavaScript directly.

On MicroPython a JavaScript exception cannot be caught by Python and escapes the
whole run, so every call into page JS goes through ``ffi``'s try/catch guard.
Only builtins that cannot throw are called directly.
"""

import ast
import glob
import os

from paths import ROOT

NEVER_THROW = {"js.performance.now", "js.Promise.new", "js.Array.new"}
BOOT = os.path.join(ROOT, "web", "tag", "boot.js")


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def test_no_direct_js_calls_outside_ffi():
    found = []
    for path in sorted(glob.glob(os.path.join(ROOT, "totango_py", "browser", "*.py"))):
        if os.path.basename(path) == "ffi.py":
            continue
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = _dotted(node.func)
                if name and name.startswith("js.") and name not in NEVER_THROW:
                    found.append("%s:%d %s" % (os.path.relpath(path, ROOT), node.lineno, name))
    assert found == []


def test_boot_js_reaches_the_console_only_through_its_guard():
    with open(BOOT, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    code = [(n, line) for n, line in enumerate(lines, 1) if not line.strip().startswith("//")]
    direct = [n for n, line in code if "console." in line]
    guarded = [n for n in direct if "try" in " ".join(lines[n - 3:n])]
    assert direct and direct == guarded, direct
    assert not [n for n, line in code if "JSON.stringify" in line]  # its own serialiser only
