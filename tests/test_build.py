"""What build.py produced, and its guard against absolute URLs in generated files."""

import hashlib
import json
import os

import pytest

import build
from conftest import DIST


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
