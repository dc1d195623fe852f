"""The tag works under a strict Content-Security-Policy: no eval, no inline script."""

import json

import pytest

from page_helpers import COLLECTOR, RUNTIMES, SERVICE_ID, wait_activity

POLICY = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
          "connect-src 'self'; img-src 'self'; style-src 'self'")


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_strict_csp(site, server, watched, runtime):
    settings = {"serviceId": SERVICE_ID, "trackerUrl": COLLECTOR, "runtime": runtime, "disableHeartbeat": True}
    (site / "t" / ("csp-%s.js" % runtime)).write_text(
        "analytics.load(%s);\n"
        "analytics.identify('csp-user');\nanalytics.group('csp-co');\nanalytics.track('Under CSP');\n"
        % json.dumps(settings))
    (site / "t" / ("csp-%s.html" % runtime)).write_text(
        '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="%s">'
        '<script src="/tag/snippet.js"></script><script src="/t/csp-%s.js"></script>'
        "</head><body>strict</body></html>" % (POLICY, runtime))
    violations = []
    watched.on("console", lambda line: violations.append(line.text) if "Content Security Policy" in line.text else None)
    watched.goto(server.url + "t/csp-%s.html" % runtime)
    records = wait_activity(server, "Under CSP", timeout=60)
    assert [(r["account"], r["user"]) for r in records] == [("csp-co", "csp-user")]
    assert violations == [] and watched.errors == []
    if runtime == "pyodide":  # its Web Worker is a same-origin script: allowed by 'self'
        assert watched.evaluate("analytics.status().worker") is True
