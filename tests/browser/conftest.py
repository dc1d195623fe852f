"""Playwright set-up of the browser tier.

Browser tests run real Chromium (Debian's /usr/bin/chromium when present,
else Playwright's own) against ``dist/`` served by the local Totango emulator.
Every request that is not to 127.0.0.1 goes to a dead proxy and fails the test.
"""

import os

import pytest

from paths import DIST

CHROMIUM = "/usr/bin/chromium"
PAGES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pages")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = dict(browser_type_launch_args)
    if os.path.exists(CHROMIUM):
        args["executable_path"] = CHROMIUM
    # Loopback bypasses the proxy; everything else hits a closed port and fails.
    args["proxy"] = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"}
    args["args"] = list(args.get("args") or []) + [
        "--disable-background-networking", "--disable-component-update", "--no-first-run"]
    return args


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """A web root with the built ``dist/`` folders and room for test pages."""
    if not os.path.exists(os.path.join(DIST, "tag", "files.json")):
        pytest.fail("dist/ is not built: run `python3 build.py test`")
    root = tmp_path_factory.mktemp("site")
    for name in os.listdir(DIST):
        target = os.path.join(DIST, name)
        if os.path.isdir(target):
            os.symlink(target, os.path.join(str(root), name))
    (root / "t").mkdir()
    (root / "t" / "blank.html").write_text("<!doctype html><title>blank</title>")
    return root


@pytest.fixture(scope="session")
def recorder(site):
    """URL of a collector that records every call made to ``window.totango`` (``window.__recorded``)."""
    source = os.path.join(PAGES, "recording_collector.js")
    with open(source, encoding="utf-8") as handle:
        (site / "t" / "recording_collector.js").write_text(handle.read())
    return "/t/recording_collector.js"


@pytest.fixture(scope="session")
def server(site):
    from emulator.server import EmulatorServer

    emulator = EmulatorServer(root=str(site)).start()
    yield emulator
    emulator.stop()


@pytest.fixture
def watched(page, server):
    """The Playwright page with its page errors, console lines and outside requests recorded."""
    page.errors = []
    page.console_lines = []
    page.outside = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda line: page.console_lines.append((line.type, line.text)))

    def check(request):
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            page.outside.append(request.url)

    page.on("request", check)
    server.clear()
    yield page
    assert page.outside == [], "requests left this machine: %r" % page.outside

