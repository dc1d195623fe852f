"""The same core gives byte-identical output on MicroPython (WebAssembly, under Node) and CPython."""

import glob
import json
import os
import subprocess
import sys
import zipfile

import pytest

from paths import DIST, ROOT

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "micropython", "scenario.py")
RUNNER = os.path.join(HERE, "micropython", "run_scenario.mjs")


def shipped_bytecode():
    """The zip of .mpy files the tag ships for MicroPython (named in dist/tag/files.json)."""
    with open(os.path.join(ROOT, "dist", "tag", "files.json")) as handle:
        return os.path.join(ROOT, "dist", "tag", json.load(handle)["runtimes"]["micropython"]["bundle"])


@pytest.mark.parametrize("shipped", [False, True], ids=["sources", "shipped-bytecode"])
def test_scenario_identical_on_micropython_and_cpython(shipped):
    assert_identical(shipped_bytecode() if shipped else None)


def assert_identical(bundle):
    """The scenario's output on MicroPython (package files from the zip ``bundle``, else the sources)
    equals CPython's."""
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
    bundle = tmp_path / "wheel.zip"
    with zipfile.ZipFile(wheel) as archive, zipfile.ZipFile(bundle, "w", zipfile.ZIP_STORED) as stored:
        names = [name for name in archive.namelist() if name.startswith("totango_py/")]
        for name in names:
            stored.writestr(name, archive.read(name))
    assert "totango_py/py.typed" in names and "totango_py/client.pyi" in names
    assert_identical(str(bundle))
