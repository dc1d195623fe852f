"""The static checks of ``python3 build.py test`` (and ``test --core``), configured in pyproject.toml.

- ruff: pycodestyle, pyflakes, import order and naming, over every Python file of the repository;
- mypy: the package as a type checker sees it (each module's ``.pyi`` stub where there is one);
- stubtest: each stub against the module it describes, as CPython imports it; what it may
  report is in tools/stubtest-allowlist.txt, each entry with its reason.

Each runs to the end; a finding of any fails the command, saying which check found it.
"""

import os
import subprocess
import sys

from .progress import ROOT, log, step

ALLOWLIST = os.path.join("tools", "stubtest-allowlist.txt")
CHECKS = [
    ("ruff", ["-m", "ruff", "check", "."]),
    ("mypy", ["-m", "mypy"]),
    ("stubtest", ["-m", "mypy.stubtest", "--mypy-config-file", "pyproject.toml", "--allowlist", ALLOWLIST,
                  "totango_py"]),
]


def run_checks(python):
    """Every check with ``python`` (the virtualenv's); exits non-zero naming those with findings."""
    failed = []
    for name, arguments in CHECKS:
        try:
            with step("%s: %s" % (name, " ".join(arguments[1:]))):
                subprocess.run([python] + arguments, cwd=ROOT, check=True)
        except subprocess.CalledProcessError:
            failed.append(name)
    if failed:
        log("static checks failed: %s (findings above)" % ", ".join(failed))
        sys.exit(1)
