"""Chromium, offline: every request outside 127.0.0.1 goes to a dead proxy and is counted.

A Session holds what every measurement needs: the browser, the local server and the guards.
"""

import contextlib
import os

from settings import boot_timeout_s, log

CHROMIUM = "/usr/bin/chromium"  # Debian's: Playwright cannot download its own browser offline
DEAD_PROXY = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"}
LAUNCH_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]

# Everything a page knows about its own load, read once the measurement is over.
COLLECT = """() => {
  const B = window.__bench || {};
  let st = null;
  try { if (window.analytics && window.analytics.status) st = window.analytics.status(); } catch (e) {}
  const r = (e) => ({name: e.name.replace(location.origin, ''), type: e.initiatorType, start: e.startTime,
      requestStart: e.requestStart, responseStart: e.responseStart, end: e.responseEnd,
      transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize});
  let exit = null;
  try { exit = JSON.parse(sessionStorage.getItem('bench_exit')); } catch (e) {}
  return {timeOrigin: performance.timeOrigin, now: performance.now(), lt: B.lt || [], ltError: B.ltError || null,
    marks: B.marks || {}, ready: B.ready === undefined ? null : B.ready, exit: exit,
    status: st && {tracker: st.tracker, delivered: st.delivered, times: st.times, runtime: st.runtime,
                   dropped_count: st.dropped_count, bootError: st.bootError || null},
    resources: performance.getEntriesByType('resource').map(r)};
}"""


def launch_kwargs():
    kwargs = {"headless": True, "proxy": DEAD_PROXY, "args": LAUNCH_ARGS}
    if os.path.exists(CHROMIUM):
        kwargs["executable_path"] = CHROMIUM
    return kwargs


class Outside:
    """Counts every request that is not to this machine (the dead proxy makes them fail)."""

    def __init__(self):
        self.urls = []

    def watch(self, context):
        def check(request):
            url = request.url
            if not url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
                self.urls.append(url)
                log("!! request left this machine: " + url)
        context.on("request", check)


class Session:
    """The running benchmark: Playwright, the shared browser, the emulator, the CPU guard, a temp dir."""

    def __init__(self, pw, browser, server, guard, workdir):
        self.pw, self.browser, self.server = pw, browser, server
        self.guard, self.workdir = guard, workdir
        self.outside = Outside()

    def url(self, path):
        return self.server.url + path

    def goto(self, page, variant, name, wait_until="load"):
        """Open p/<variant>/<name> in ``page``."""
        page.goto(self.url("p/%s/%s" % (variant, name)), wait_until=wait_until,
                  timeout=boot_timeout_s(variant) * 1000)

    @contextlib.contextmanager
    def watched(self, context):
        """``context`` with its outside requests counted, closed on the way out."""
        self.outside.watch(context)
        try:
            yield context
        finally:
            context.close()

    def fresh_context(self):
        """A new context of the shared browser: empty profile and HTTP cache."""
        return self.watched(self.browser.new_context())

    @contextlib.contextmanager
    def fresh_page(self):
        """A tab in a fresh context."""
        with self.fresh_context() as context:
            yield context.new_page()

    def persistent_context(self, name):
        """A browser with a profile of its own that keeps its HTTP cache and storage between tabs."""
        profile = os.path.join(self.workdir, "profile-" + name)
        return self.watched(self.pw.chromium.launch_persistent_context(profile, **launch_kwargs()))
