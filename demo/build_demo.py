"""Writes the demo (``dist/demo``): one app page on the JS tag, one as a PyScript app.

build.py imports this file directly (not as a package) and calls ``build``;
everything here is standard library, and every URL written is relative or
root-relative so the build's absolute-URL check passes.
"""

import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.runtimes import RUNTIMES, vocabulary  # noqa: E402  (the runtimes the tag offers)

del sys.path[0]

HERE = os.path.dirname(os.path.abspath(__file__))
SITE = os.path.join(os.path.dirname(HERE), "web", "demo")
ASSETS = ("demo.css", "shared.js", "app.js", "inspector.js", "app.py")
DEFAULT_CONFIG = {"serviceId": "SP-DEMO-1", "trackerUrl": "/emulator/totango4.0.3.js", "region": "us"}

# The embed, as README tells a site to do it (settings from config.js).
JS_HEAD = """<script>
%(snippet)s</script>
<script src="config.js"></script>
<script src="shared.js"></script>
<script>
  analytics.load({serviceId: DEMO_CONFIG.serviceId, trackerUrl: DEMO_CONFIG.trackerUrl,
                  region: DEMO_CONFIG.region, runtime: demoRuntime()});
  demoCall("page", demoSection(), DEMO_SECTIONS[demoSection()]);
</script>"""
JS_SCRIPTS = """<script src="app.js"></script>
<script src="inspector.js"></script>"""

PY_HEAD = """<script src="config.js"></script>
<script src="shared.js"></script>
<script type="module" src="../pyscript/core.js"></script>"""
# ?runtime=NAME runs the same app.py on that runtime's PyScript interpreter ("mpy" or "py").
PY_SCRIPTS = """<script>
  (function (kind) {
    document.write('<script type="' + kind + '" src="app.py" config="%(tag)spyscript-' + kind + '.json"><\\/script>');
  })(DEMO_RUNTIMES[demoRuntime()].pyscript);
</script>
<script src="inspector.js"></script>"""


def config_js(settings):
    """``config.js``: where the pages send data (demo/serve.py rewrites it at start),
    and the runtimes the tag offers, from the package's own table."""
    runtimes = {name: {"label": r["label"], "pyscript": r["pyscript"]} for name, r in RUNTIMES.items()}
    return ("/* Where the demo sends data (demo/serve.py rewrites this at start). */\n"
            "window.DEMO_CONFIG = %s;\nwindow.DEMO_RUNTIMES = %s;\nwindow.DEMO_DEFAULT_RUNTIME = %s;\n"
            % (json.dumps(settings), json.dumps(runtimes), json.dumps(vocabulary.DEFAULT_RUNTIME)))


def _page(template, title, kind, flavour, head, scripts):
    for key, value in (("title", title), ("kind", kind), ("flavour", flavour), ("head", head), ("scripts", scripts)):
        template = template.replace("{{%s}}" % key, value)
    return template


def build(target_dir, tag_path="/tag/", snippet_source=""):
    """Write index.html (JS tag), pyscript.html (PyScript), assets and config.js into ``target_dir``."""
    os.makedirs(target_dir, exist_ok=True)
    with open(os.path.join(SITE, "page.html"), encoding="utf-8") as handle:
        template = handle.read()
    snippet = snippet_source.replace("</script", "<\\/script")
    pages = {
        "index.html": _page(template, "Initech Cloud · Totango demo", "js", "HTML + JS app",
                            JS_HEAD % {"snippet": snippet}, JS_SCRIPTS),
        "pyscript.html": _page(template, "Initech Cloud · PyScript Totango demo", "pyscript", "PyScript app",
                               PY_HEAD, PY_SCRIPTS % {"tag": tag_path}),
    }
    for name, text in pages.items():
        with open(os.path.join(target_dir, name), "w", encoding="utf-8") as handle:
            handle.write(text)
    for name in ASSETS:
        shutil.copyfile(os.path.join(SITE, name), os.path.join(target_dir, name))
    with open(os.path.join(target_dir, "config.js"), "w", encoding="utf-8") as handle:
        handle.write(config_js(DEFAULT_CONFIG))
