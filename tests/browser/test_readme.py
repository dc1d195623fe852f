"""The README's code blocks run as pasted: Python on CPython, the snippet usage and the
PyScript app in Chromium (Totango's tracker URL answered locally by a recording collector)."""

import pytest

from page_helpers import RECORDING_HELPERS, snippet
from readme_blocks import api_table, blocks
from totango_py import vocabulary

TRACKER = "https://tracker.totango.com/"


@pytest.fixture
def local_tracker(watched, site, recorder):
    """The default tracker URL answered by the recording collector; nothing leaves the machine."""
    script = (site / recorder.lstrip("/")).read_text()
    watched.route(TRACKER + "**", lambda route: route.fulfill(body=script, content_type="text/javascript"))
    yield watched
    watched.outside[:] = [url for url in watched.outside if not url.startswith(TRACKER)]


def test_python_blocks_run():
    found = blocks("python")
    assert found, "no python block in README"
    for block in found:
        exec(compile(block, "README.md", "exec"), {"__name__": "__main__"})


def test_every_api_method_is_in_the_table():
    table = api_table()
    for name in vocabulary.QUEUED_METHODS + ["load", "user", "status"]:
        assert name in table, name
    assert all(table[name] for name in vocabulary.QUEUED_METHODS + ["load"])


def test_snippet_usage_runs_as_pasted(site, server, local_tracker):
    html, = [b for b in blocks("html") if "contents of dist/tag/snippet.js" in b]
    js, = blocks("js")
    page = html.replace("/* contents of dist/tag/snippet.js */", snippet())
    page = "<!doctype html><head>%s<script>%s</script><script>%s</script></head>" % (page, RECORDING_HELPERS, js)
    (site / "t" / "readme-snippet.html").write_text(page)
    local_tracker.goto(server.url + "t/readme-snippet.html")
    local_tracker.wait_for_function("recorded('clear').length === 1", timeout=30000)
    assert local_tracker.evaluate("recorded('track')") == [
        # The first page was held until the js block's identify + group.
        ["Viewed Dashboard Page", "Dashboard", "sjsj2hdj2", "29ej29d"],
        ["Viewed Dashboard Overview Page", "Dashboard", "sjsj2hdj2", "29ej29d"],
        ["Viewed Billing Page", "Billing", "sjsj2hdj2", "29ej29d"],
        ["Viewed Billing Invoices Page", "Billing", "sjsj2hdj2", "29ej29d"],
        ["Paid invoice", "Billing", "sjsj2hdj2", "29ej29d"],
        ["Exported report", "Reports", "sjsj2hdj2", "29ej29d"],
    ]
    goes = local_tracker.evaluate("recorded('go')")
    assert [g[0].get("module") for g in goes if "module" in g[0]] == ["Billing"]
    assert local_tracker.errors == []


@pytest.mark.parametrize("script_type", ["py", "mpy"])
def test_pyscript_block_runs_as_pasted(site, server, local_tracker, script_type):
    block, = [b for b in blocks("html") if "/pyscript/core.js" in b]
    if script_type == "mpy":  # the variant the README describes below the block
        block = block.replace('type="py"', 'type="mpy"').replace("/tag/pyscript-py.json", "/tag/pyscript-mpy.json")
    (site / "t" / ("readme-pyscript-%s.html" % script_type)).write_text(
        "<!doctype html><head><script>%s</script></head><body>%s</body>" % (RECORDING_HELPERS, block))
    local_tracker.goto(server.url + "t/readme-pyscript-%s.html" % script_type)
    local_tracker.wait_for_function("recorded('track').length >= 3", timeout=90000)
    assert local_tracker.evaluate("recorded('track')") == [
        ["Viewed Billing Page", "Billing", "sjsj2hdj2", "29ej29d"],
        ["Viewed Billing Invoices Page", "Billing", "sjsj2hdj2", "29ej29d"],
        ["Paid invoice", "Billing", "sjsj2hdj2", "29ej29d"],
    ]
    assert any(text.startswith("29ej29d ") for kind, text in local_tracker.console_lines if kind == "log")
    assert local_tracker.errors == []
