"""Serves the built demo with the local Totango emulator until Ctrl-C.

    python -m demo.serve --port 8000 [--tracker-url URL --service-id SP-… --region us|eu1]

By default the pages send to the emulator's collector on the same server, so
the inspector shows every pixel. With ``--tracker-url``/``--service-id`` they
send to a real Totango collector instead: written to ``dist/demo/config.js``
for this run, and put back to the defaults on exit.
"""

import argparse
import gzip
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIST = os.path.join(ROOT, "dist")
sys.path.insert(0, ROOT)

from demo.build_demo import DEFAULT_CONFIG, config_js  # noqa: E402
from emulator.server import EmulatorServer  # noqa: E402

SERVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def write_config(settings):
    """config.js and the .gz beside it (the server prefers the .gz)."""
    path = os.path.join(DIST, "demo", "config.js")
    data = config_js(settings).encode("utf-8")
    with open(path, "wb") as handle:
        handle.write(data)
    with open(path + ".gz", "wb") as handle:
        handle.write(gzip.compress(data, mtime=0))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve the Initech Cloud demo with the local Totango emulator.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--tracker-url", default=DEFAULT_CONFIG["trackerUrl"],
                        help="a real Totango collector, e.g. https://tracker.totango.com/totango4.0.3.js")
    parser.add_argument("--service-id", default=DEFAULT_CONFIG["serviceId"], help="your Totango service id")
    parser.add_argument("--region", default=DEFAULT_CONFIG["region"], choices=["us", "eu1"])
    args = parser.parse_args(argv)
    if not os.path.exists(os.path.join(DIST, "demo", "index.html")):
        sys.exit("dist/demo is not built: run `python3 build.py` first")
    if not SERVICE_ID.match(args.service_id):
        sys.exit("--service-id %r is malformed: expected something like SP-1234-56" % args.service_id)
    settings = {"serviceId": args.service_id, "trackerUrl": args.tracker_url, "region": args.region}
    write_config(settings)
    server = EmulatorServer(root=DIST, host="127.0.0.1", port=args.port).start()
    print("Initech Cloud demo: open %sdemo/  (PyScript version: %sdemo/pyscript.html)" % (server.url, server.url),
          flush=True)
    if settings != DEFAULT_CONFIG:
        print("Sending to %(trackerUrl)s as service %(serviceId)s, region %(region)s" % settings, flush=True)
    print("Ctrl-C to stop.", flush=True)
    try:
        server.run_until_interrupted()
    finally:
        if settings != DEFAULT_CONFIG:
            write_config(DEFAULT_CONFIG)


if __name__ == "__main__":
    main()
