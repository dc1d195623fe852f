"""The snippet asks for what the chosen runtime needs side by side, each file once, and
nothing of the other runtime; every file it names exists under its content-hashed name."""

import json
import os

import pytest

from conftest import DIST, RUNTIMES
from page_helpers import tag_page, wait_activity


def layout():
    with open(os.path.join(DIST, "tag", "files.json"), encoding="utf-8") as handle:
        return json.load(handle)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_each_file_requested_once_and_only_the_runtimes_own(site, server, watched, runtime):
    requested = []
    watched.on("request", lambda request: requested.append(request.url.replace(server.url, "")))
    calls = "analytics.identify('req-user'); analytics.group('req-co'); analytics.track('Requested');"
    watched.goto(server.url + tag_page(site, "requests-" + runtime, runtime, calls))
    wait_activity(server, "Requested", timeout=60)
    built = layout()
    tag = sorted(url[len("tag/"):] for url in requested if url.startswith("tag/"))
    hints = built["runtimes"][runtime]["preload"]
    if hints[0][0] == "worker":  # the page asks for boot.js, the package and the worker's page side only
        hints = [hint for hint in hints if hint[0] in ("worker", "bundle")]
        # The worker's own script: Chromium may show it among the page's requests, once at most.
        assert tag.count(built["worker"]) <= 1
        tag = [url for url in tag if url != built["worker"]]
    preloaded = sorted([built["boot"]] + [path for _, path in hints])
    assert tag == preloaded  # each once: a preload the loader did not reuse would be fetched twice
    others = [name for name in built["runtimes"] if name != runtime]
    assert not [url for url in tag if url.startswith(tuple(name + "/" for name in others))]
    assert watched.errors == []
