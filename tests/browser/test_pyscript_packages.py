"""The built wheel loaded by PyScript pages through ``packages = [...]`` on both interpreters."""

import json
import os

import pytest

from page_helpers import COLLECTOR, SERVICE_ID, activities, wait_pixels
from paths import DIST, built_wheel
from tools.runtimes import RUNTIMES

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
    wheel_url = "/python/" + os.path.basename(built_wheel())
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
