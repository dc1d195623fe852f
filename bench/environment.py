"""What the figures were measured on: the machine, and the versions of everything measured."""

import json
import os
import platform
import sys

from settings import AJS_PACKAGE, ROOT


def first_field(path, prefix):
    """The value after the first ``prefix…:`` line of a /proc file, or None."""
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_info():
    info = {"cpu_count": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]}
    model = first_field("/proc/cpuinfo", "model name")
    memory = first_field("/proc/meminfo", "MemTotal")
    if model:
        info["cpu_model"] = model
    if memory:
        info["memory_kb"] = int(memory.split()[0])
    return info


def read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def package_versions():
    """The runtimes dist/ was built with, analytics-next, Playwright and totango_py."""
    versions = dict(read_json(os.path.join(ROOT, "dist", "versions.json")).get("versions", {}))
    ajs = read_json(os.path.join(AJS_PACKAGE, "package.json")).get("version")
    if ajs:
        versions["@segment/analytics-next"] = ajs
    try:
        from importlib.metadata import version
        versions["playwright (python)"] = version("playwright")
    except Exception:
        pass
    try:
        import totango_py  # bench.py puts the project root on sys.path
        versions["totango_py"] = totango_py.__version__
    except Exception:
        pass
    return versions
