"""The tag and a PyScript app on one page share one collector script and both deliver."""

from page_helpers import COLLECTOR, SERVICE_ID, snippet, wait_activity

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Both</title>
<script>%(snippet)s</script>
<script>
analytics.load({serviceId: '%(service)s', trackerUrl: '%(collector)s', disableHeartbeat: true});
analytics.identify('both-user'); analytics.group('both-co'); analytics.track('From JS');
</script>
<script type="module" src="/pyscript/core.js"></script>
</head><body>
<script type="mpy" config="/tag/pyscript-mpy.json">
from totango_py import analytics
analytics.load(service_id="%(service)s", tracker_url="%(collector)s", disable_heartbeat=True)
analytics.track("From Python")
</script>
</body></html>
"""


def test_tag_and_pyscript_app_share_one_collector(site, server, watched):
    html = PAGE % {"snippet": snippet(), "service": SERVICE_ID, "collector": COLLECTOR}
    (site / "t" / "both.html").write_text(html)
    watched.goto(server.url + "t/both.html")
    from_js = wait_activity(server, "From JS", timeout=60)
    from_python = wait_activity(server, "From Python", timeout=60)
    assert [(r["account"], r["user"]) for r in from_js + from_python] == [("both-co", "both-user")] * 2
    assert watched.evaluate("document.querySelectorAll('script[src$=\"totango4.0.3.js\"]').length") == 1
    assert watched.errors == []
