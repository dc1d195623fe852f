"""The same core gives byte-identical output on MicroPython (WebAssembly, under Node) and CPython."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT

SCENARIO = os.path.join(ROOT, "tests", "micropython", "scenario.py")
RUNNER = os.path.join(ROOT, "tests", "micropython", "run_scenario.mjs")


@pytest.mark.parametrize("bundle", [None, os.path.join(ROOT, "dist", "tag", "totango_py.mpy.json")],
                         ids=["sources", "shipped-bytecode"])
def test_scenario_identical_on_micropython_and_cpython(bundle):
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
