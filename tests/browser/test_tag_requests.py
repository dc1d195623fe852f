"""The snippet asks for what the chosen runtime needs side by side, each file once, and
nothing of the other runtime; every file it names exists under its content-hashed name."""

import json
import os

import pytest

from page_helpers import RUNTIMES, tag_page, wait_activity
from paths import DIST


def layout():
    with open(os.path.join(DIST, "tag", "files.json"), encoding="utf-8") as handle:
        return json.load(handle)


# The tag's files a page (or its worker) fetched, by Resource Timing: each fetch, once.
FETCHED = """() => performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)
                .filter(path => path.startsWith('/tag/')).map(path => path.slice('/tag/'.length)).sort()"""


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_each_file_requested_once_and_only_the_runtimes_own(site, server, watched, runtime):
    calls = "analytics.identify('req-user'); analytics.group('req-co'); analytics.track('Requested');"
    watched.goto(server.url + tag_page(site, "requests-" + runtime, runtime, calls))
    wait_activity(server, "Requested", timeout=60)
    built = layout()
    where = built["runtimes"][runtime]
    page = watched.evaluate(FETCHED)
    hints = where["preload"]
    if hints[0][0] == "worker":
        # The page asks for boot.js, the package, the worker's page side and its script; the
        # worker, for the runtime's files and memory: each once, a preload not reused included.
        worker = sorted(path for path in watched.workers[0].evaluate(FETCHED))
        assert page == sorted([built["boot"], where["bundle"], where["relay"], where["worker"]])
        assert worker == sorted(path for kind, path in hints if kind not in ("worker", "bundle"))
    else:
        assert page == sorted([built["boot"]] + [path for _, path in hints])
    others = [name for name in built["runtimes"] if name != runtime]
    assert not [path for path in page if path.startswith(tuple(name + "/" for name in others))]
    assert watched.errors == []
