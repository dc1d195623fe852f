"""The built wheel and sdist as a user gets them: the wheel installed in a clean virtualenv outside
the repository (PyScript pages that list it in ``packages``: tests/browser/test_pyscript_packages.py)."""

import glob
import json
import os
import subprocess
import sys
import zipfile

import pytest

from paths import DIST, ROOT, built_wheel


def readme_example():
    """The CPython example README.md gives (the Python block after "Outside a page")."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        text = handle.read()
    block = text[text.index("Outside a page (CPython"):]
    start = block.index("```python\n") + 10
    return block[start:block.index("\n```", start)]


SERVER_CALL = """
import sys
from totango_py.server import Client

client = Client("SP-1", endpoint=sys.argv[1], sync_mode=True)
client.track("u1", "Did it", {}, {"groupId": "g1"})
"""


def clean_env():
    """The environment without anything that would point Python at the repository."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtualenv outside the repository with the wheel installed; returns its python."""
    home = tmp_path_factory.mktemp("wheel-venv")
    assert not str(home).startswith(ROOT)
    subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True, timeout=120)
    python = str(home / "venv" / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", built_wheel()],
                   check=True, timeout=300, env=clean_env())
    return python


def run_outside(python, *args):
    return subprocess.run([python] + list(args), cwd="/", capture_output=True, text=True, timeout=120,
                          env=clean_env())


def test_wheel_ships_the_package_only():
    with zipfile.ZipFile(built_wheel()) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    packages = {name.split("/")[0] for name in names}
    assert packages == {"totango_py", os.path.basename(built_wheel()).split("-py3")[0] + ".dist-info"}
    assert "totango_py/py.typed" in names and "totango_py/client.pyi" in names
    assert not [n for n in names if n.startswith("totango_py/") and "test" in n]
    assert any(n.endswith("/licenses/LICENSE") for n in names)
    assert "Name: totango-py" in metadata and "Requires-Python: >=3.10" in metadata
    assert "License-Expression: MIT" in metadata
    # No runtime dependency for the core: every requirement belongs to the server extra.
    requires = [line.replace("'", '"') for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert "Requires-Dist: urllib3>=2; extra == \"server\"" in requires
    assert all(line.endswith('; extra == "server"') for line in requires), requires
    if os.path.isdir(os.path.join(ROOT, "totango_py", "server")):
        assert "totango_py/server/__init__.py" in names


def test_sdist_holds_sources_and_no_tests():
    found = glob.glob(os.path.join(DIST, "python", "totango_py-*.tar.gz"))
    assert len(found) == 1
    import tarfile

    with tarfile.open(found[0]) as sdist:
        names = [name.split("/", 1)[1] for name in sdist.getnames() if "/" in name]
    assert {"pyproject.toml", "README.md", "LICENSE", "totango_py/__init__.py", "totango_py/py.typed"} <= set(names)
    assert not [n for n in names if n.startswith(("tests", "bench", "emulator", "demo", "web"))]


def test_import_from_root_directory(installed):
    done = run_outside(installed, "-c", "import totango_py; from totango_py import analytics; "
                                        "print(totango_py.__file__, totango_py.__version__)")
    assert done.returncode == 0, done.stderr
    location, version = done.stdout.split()
    assert "site-packages" in location and not location.startswith(ROOT)
    assert os.path.basename(built_wheel()).startswith("totango_py-%s-" % version)


def test_readme_cpython_example_from_root_directory(installed):
    example = readme_example()
    assert "RecordingTransport" in example and "assert " in example  # the example checks itself
    done = run_outside(installed, "-c", example + "\nimport json; print(json.dumps(transport.sent))")
    assert done.returncode == 0, done.stderr
    sent = json.loads(done.stdout)
    assert sent[-1] == ["track", "Paid invoice", "Billing", "acme", "u1"]
    assert [command[0] for command in sent].count("go") >= 2


def test_analytics_without_the_server_extra_refuses_to_load(installed):
    """Before the next test installs the extra: the core alone has no way to send from CPython."""
    done = run_outside(installed, "-c", "from totango_py import analytics; analytics.load(service_id='SP-1')")
    assert done.returncode == 1
    assert "TransportUnavailableError" in done.stderr and "pip install 'totango-py[server]'" in done.stderr


@pytest.mark.skipif(not os.path.isdir(os.path.join(ROOT, "totango_py", "server")),
                    reason="totango_py/server (the CPython client) is not in this source tree")
def test_server_client_from_the_wheel_reaches_the_emulator(installed, receiver):
    done = subprocess.run([installed, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                           built_wheel() + "[server]"], capture_output=True, text=True, timeout=300, env=clean_env())
    assert done.returncode == 0, done.stdout + done.stderr
    receiver.clear()
    done = run_outside(installed, "-c", SERVER_CALL, receiver.url + "pixel.gif/")
    assert done.returncode == 0, done.stderr
    records = [r for r in receiver.received() if r["activity"] == "Did it"]
    assert [(r["service_id"], r["account"], r["user"]) for r in records] == [("SP-1", "g1", "u1")]
    # The extra brings everything the sub-package imports, its command line included.
    done = run_outside(installed, "-m", "totango_py.server", "--help")
    assert done.returncode == 0 and "usage" in done.stdout, done.stderr
