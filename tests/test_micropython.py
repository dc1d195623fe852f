"""The same core gives byte-identical output on MicroPython (WebAssembly, under Node) and CPython."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

SCENARIO = os.path.join(ROOT, "tests", "micropython", "scenario.py")
RUNNER = os.path.join(ROOT, "tests", "micropython", "run_scenario.mjs")


def shipped_bytecode():
    """The zip of .mpy files the tag ships for MicroPython (named in dist/tag/files.json)."""
    with open(os.path.join(ROOT, "dist", "tag", "files.json")) as handle:
        return os.path.join(ROOT, "dist", "tag", json.load(handle)["runtimes"]["micropython"]["bundle"])


@pytest.mark.parametrize("shipped", [False, True], ids=["sources", "shipped-bytecode"])
def test_scenario_identical_on_micropython_and_cpython(shipped):
    bundle = shipped_bytecode() if shipped else None
    assert os.path.isdir(os.path.join(ROOT, "node_modules", "@micropython")), \
        "node_modules missing: run `npm ci` (python3 build.py test does it)"
    micropython = subprocess.run(["node", RUNNER, ROOT] + ([bundle] if bundle else []),
                                 capture_output=True, timeout=120)
    assert micropython.returncode == 0, micropython.stderr.decode()
    cpython = subprocess.run([sys.executable, SCENARIO], capture_output=True, timeout=60,
                             env=dict(os.environ, PYTHONPATH=ROOT))
    assert cpython.returncode == 0, cpython.stderr.decode()
    assert micropython.stdout.startswith(b'{"commands":[[[{"allow_empty_accounts":false')
    assert micropython.stdout == cpython.stdout
