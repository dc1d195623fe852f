"""What the build is doing, and how long each long step took."""

import contextlib
import functools
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(message):
    print("[build] " + message, flush=True)


@contextlib.contextmanager
def step(what):
    """``with step("npm ci: ...")``: announces the step, then says how long it took (or that it failed)."""
    log(what + " ...")
    started = time.monotonic()
    failed = True
    try:
        yield
        failed = False
    finally:
        took = time.monotonic() - started
        log("%s %s in %.1f s" % (what.split(":")[0], "failed" if failed else "done", took))


def timed(what):
    """Decorator form of ``step`` for a build function."""
    def wrap(function):
        @functools.wraps(function)
        def run_timed(*args, **kwargs):
            with step(what):
                return function(*args, **kwargs)
        return run_timed
    return wrap


def run(command, quiet=False, **kwargs):
    """Run ``command`` in the repository; with ``quiet`` its output is shown only when it fails."""
    log("$ " + " ".join(command))
    kwargs.setdefault("cwd", ROOT)
    if not quiet:
        subprocess.run(command, check=True, **kwargs)
        return
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)
    if done.returncode != 0:
        sys.stdout.write(done.stdout.decode("utf-8", "replace"))
        raise subprocess.CalledProcessError(done.returncode, command)
