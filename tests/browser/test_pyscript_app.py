"""``from totango_py import analytics`` inside a PyScript app, on both interpreters."""

import pytest

from page_helpers import COLLECTOR, SERVICE_ID, activities, wait_pixels

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>PyScript app</title>
<script type="module" src="/pyscript/core.js"></script>
</head><body>
<script type="%(type)s" config="/tag/pyscript-%(type)s.json">
from totango_py import analytics

analytics.load(service_id="%(service)s", tracker_url="%(collector)s", disable_heartbeat=True)
analytics.identify("py-user", {"name": "Py User"})
analytics.group("py-account", {"name": "Py Co"})
analytics.page("Reports", "Overview")
heard = []
analytics.on("track", lambda event, *rest: heard.append(event))  # from the later bundle
analytics.track("Ran report")
analytics.track("Shared report", {"category": "Sharing"})
analytics.track("Heard %%d" %% len(heard))
</script>
</body></html>
"""


@pytest.mark.parametrize("script_type", ["mpy", "py"])
def test_pyscript_app_reaches_totango(site, server, watched, script_type):
    html = PAGE % {"type": script_type, "service": SERVICE_ID, "collector": COLLECTOR}
    (site / "t" / ("pyscript-%s.html" % script_type)).write_text(html)
    watched.goto(server.url + "t/pyscript-%s.html" % script_type)
    records = wait_pixels(server, 5, timeout=60)
    assert activities(records) == [
        ("Viewed Reports Page", "Reports", "py-account", "py-user"),
        ("Viewed Reports Overview Page", "Reports", "py-account", "py-user"),
        ("Ran report", "Reports", "py-account", "py-user"),
        ("Shared report", "Sharing", "py-account", "py-user"),
        ("Heard 2", "Reports", "py-account", "py-user"),
    ]
    assert all(r["service_id"] == SERVICE_ID for r in records)
    assert watched.evaluate("localStorage.getItem('ajs_group_id')") == '"py-account"'
    assert watched.errors == []
