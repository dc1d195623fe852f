"""totango-py's sdist and wheel (``dist/python/``), built by the ``build`` frontend with
hatchling from pyproject.toml.
"""

import os
import shutil
import subprocess

from .install import venv_python
from .progress import ROOT, run, timed


def source_date_epoch():
    """The last commit's time, so two builds of one commit give the same wheel."""
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


@timed("wheel: building totango-py's sdist, then the wheel from it (`build` frontend, hatchling)")
def build_python_package(target):
    """The wheel and sdist of pyproject.toml into ``target``; hatchling takes every sub-package."""
    env = dict(os.environ)
    if source_date_epoch():
        env.setdefault("SOURCE_DATE_EPOCH", source_date_epoch())
    frontend = os.path.join(os.path.dirname(venv_python()), "pyproject-build")
    try:
        run([frontend, "--no-isolation", "--outdir", target, ROOT], quiet=True, env=env)
    finally:
        shutil.rmtree(os.path.join(ROOT, "totango_py.egg-info"), ignore_errors=True)
