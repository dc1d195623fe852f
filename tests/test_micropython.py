"""The same core gives byte-identical output on MicroPython (WebAssembly, under Node) and CPython."""

import base64
import glob
import json
import os
import subprocess
import sys
import zipfile

import pytest

from conftest import DIST, ROOT

SCENARIO = os.path.join(ROOT, "tests", "micropython", "scenario.py")
RUNNER = os.path.join(ROOT, "tests", "micropython", "run_scenario.mjs")


@pytest.mark.parametrize("bundle", [None, os.path.join(ROOT, "dist", "tag", "totango_py.mpy.json")],
                         ids=["sources", "shipped-bytecode"])
def test_scenario_identical_on_micropython_and_cpython(bundle):
    assert_identical(bundle)


def assert_identical(bundle):
    """The scenario's output on MicroPython (package files from ``bundle``, else the sources) equals CPython's."""
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


def test_scenario_from_the_wheel_with_its_type_stubs(tmp_path):
    """The wheel's files as installed (py.typed and .pyi stubs included) run unchanged on MicroPython."""
    wheel = glob.glob(os.path.join(DIST, "python", "totango_py-*-py3-none-any.whl"))[0]
    with zipfile.ZipFile(wheel) as archive:
        files = {name: base64.b64encode(archive.read(name)).decode("ascii")
                 for name in archive.namelist() if name.startswith("totango_py/")}
    assert "totango_py/py.typed" in files and "totango_py/client.pyi" in files
    bundle = tmp_path / "wheel.json"
    bundle.write_text(json.dumps(files))
    assert_identical(str(bundle))
