"""The built wheel as a user gets it: installed in a clean virtualenv outside the repository,
and loaded by PyScript pages through ``packages = [...]`` on both interpreters."""

import ast
import glob
import importlib
import inspect
import json
import os
import subprocess
import sys
import zipfile

import pytest

from conftest import DIST, ROOT
from page_helpers import COLLECTOR, SERVICE_ID, activities, wait_pixels
from tools.runtimes import RUNTIMES

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


def the_wheel():
    found = glob.glob(os.path.join(DIST, "python", "totango_py-*-py3-none-any.whl"))
    assert len(found) == 1, "expected one wheel in dist/python/, found %r: run `python3 build.py`" % found
    return found[0]


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
    subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", the_wheel()],
                   check=True, timeout=300, env=clean_env())
    return python


def run_outside(python, *args):
    return subprocess.run([python] + list(args), cwd="/", capture_output=True, text=True, timeout=120,
                          env=clean_env())


def test_wheel_ships_the_package_only():
    with zipfile.ZipFile(the_wheel()) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    packages = {name.split("/")[0] for name in names}
    assert packages == {"totango_py", os.path.basename(the_wheel()).split("-py3")[0] + ".dist-info"}
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
    assert os.path.basename(the_wheel()).startswith("totango_py-%s-" % version)


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
def test_server_client_from_the_wheel_reaches_the_emulator(installed, server):
    done = subprocess.run([installed, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                           the_wheel() + "[server]"], capture_output=True, text=True, timeout=300, env=clean_env())
    assert done.returncode == 0, done.stdout + done.stderr
    server.clear()
    done = run_outside(installed, "-c", SERVER_CALL, server.url + "pixel.gif/")
    assert done.returncode == 0, done.stderr
    records = [r for r in server.received() if r["activity"] == "Did it"]
    assert [(r["service_id"], r["account"], r["user"]) for r in records] == [("SP-1", "g1", "u1")]
    # The extra brings everything the sub-package imports, its command line included.
    done = run_outside(installed, "-m", "totango_py.server", "--help")
    assert done.returncode == 0 and "usage" in done.stdout, done.stderr


# -- type information -----------------------------------------------------------

BUILTIN_KINDS = {"str": str, "int": int, "bool": bool, "dict": dict, "list": list, "tuple": tuple}
STUBS = sorted(glob.glob(os.path.join(ROOT, "totango_py", "**", "*.pyi"), recursive=True))


@pytest.mark.parametrize("stub", STUBS, ids=[os.path.relpath(s, ROOT) for s in STUBS])
def test_stub_matches_its_module(stub):
    """Every function and method a stub declares exists in the module with the same parameters."""
    module_name = os.path.relpath(stub, ROOT)[:-4].replace(os.sep, ".").replace(".__init__", "")
    module = importlib.import_module(module_name)
    tree = ast.parse(open(stub, encoding="utf-8").read())
    checked = 0
    for node in tree.body:
        if isinstance(node, ast.AnnAssign):  # a module-level name: it exists, of the declared kind
            name, kind = node.target.id, ast.unparse(node.annotation).split("[")[0]
            assert hasattr(module, name), "%s is in the stub only" % name
            if kind in BUILTIN_KINDS:
                assert isinstance(getattr(module, name), BUILTIN_KINDS[kind]), name
            checked += 1
        owners = [(module, node)] if isinstance(node, ast.FunctionDef) else []
        if isinstance(node, ast.ClassDef) and hasattr(module, node.name):
            runtime_class = getattr(module, node.name)
            if not inspect.isclass(runtime_class) or runtime_class.__module__ != module_name:
                continue
            owners = [(runtime_class, item) for item in node.body if isinstance(item, ast.FunctionDef)]
        elif isinstance(node, ast.ClassDef):
            assert node.bases and ast.unparse(node.bases[0]) == "Protocol", "%s missing" % node.name
        for owner, function in owners:
            runtime = getattr(owner, function.name, None)
            assert runtime is not None, "%s.%s is in the stub only" % (owner.__name__, function.name)
            actual = [{p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "") + p.name
                      for p in inspect.signature(runtime).parameters.values()]
            declared = [a.arg for a in function.args.posonlyargs + function.args.args]
            declared += ["*" + function.args.vararg.arg] if function.args.vararg else []
            if any(name.startswith("**") for name in actual):
                # The stub may spell out, as keyword-only parameters, what the code takes as **kwargs.
                actual = [name for name in actual if not name.startswith("**")]
            else:
                declared += [a.arg for a in function.args.kwonlyargs]
                declared += ["**" + function.args.kwarg.arg] if function.args.kwarg else []
            assert sorted(declared) == sorted(actual), "%s.%s" % (owner.__name__, function.name)
            checked += 1
    if not stub.endswith("__init__.pyi"):
        assert checked > 0


# -- PyScript apps that list the wheel in `packages` --------------------------------

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>PyScript packages</title>
<script type="module" src="/pyscript/core.js"></script>
</head><body>
<script type="%(type)s" config='%(config)s'>
import totango_py
from totango_py import analytics

print("totango_py from", totango_py.__file__)
analytics.load(service_id="%(service)s", tracker_url="%(collector)s", disable_heartbeat=True)
analytics.identify("py-user", {"name": "Py User"})
analytics.group("py-account", {"name": "Py Co"})
analytics.page("Reports", "Overview")
analytics.track("Ran report")
</script>
</body></html>
"""

def interpreter(script_type):
    """The tag's copy of the runtime's module, in its hashed folder (dist/tag/files.json)."""
    name = {"mpy": "micropython", "py": "pyodide"}[script_type]
    with open(os.path.join(DIST, "tag", "files.json")) as handle:
        folder = json.load(handle)["runtimes"][name]["folder"]
    return "/tag/" + folder + RUNTIMES[name]["module"]


@pytest.mark.parametrize("script_type", ["mpy", "py"])
def test_pyscript_packages_installs_the_wheel(site, server, watched, script_type):
    wheel_url = "/python/" + os.path.basename(the_wheel())
    config = {"interpreter": interpreter(script_type), "packages": [wheel_url]}  # inline, as README shows
    html = PAGE % {"type": script_type, "config": json.dumps(config), "service": SERVICE_ID, "collector": COLLECTOR}
    (site / "t" / ("packages-%s.html" % script_type)).write_text(html)
    watched.goto(server.url + "t/packages-%s.html" % script_type)
    records = wait_pixels(server, 3, timeout=90)
    assert activities(records) == [
        ("Viewed Reports Page", "Reports", "py-account", "py-user"),
        ("Viewed Reports Overview Page", "Reports", "py-account", "py-user"),
        ("Ran report", "Reports", "py-account", "py-user"),
    ]
    watched.evaluate("0")  # a round trip, so the console lines logged so far have been handled
    origin = [text for kind, text in watched.console_lines if text.startswith("totango_py from")]
    # Pyodide installs into site-packages through micropip; MicroPython unpacks the wheel in its cwd.
    expected = "site-packages/totango_py/__init__.py" if script_type == "py" else "totango_py/__init__.py"
    assert len(origin) == 1 and origin[0].endswith(expected), origin
    assert watched.errors == []
