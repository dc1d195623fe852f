"""``python -m totango_py.server send events.jsonl --service-id SP-…``: backfill Segment messages into Totango.

Every line is checked on its own: a bad one is reported with its line number
and the run goes on. Messages are sent by several connections at once, with
the client's retries; a progress bar (tqdm, on stderr) shows rate and ETA; a
summary ends the run. ``--dry-run`` prints the pixel requests instead.
Exit status: 0 when every line was sent, 1 when some were rejected or failed.
"""

import argparse
import collections
import json
import os
import sys
import time

from ..settings import SettingsError
from . import backfill
from .client import Client
from .errors import MessageError
from .transport import ENDPOINTS


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m totango_py.server", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    send = commands.add_parser("send", help="send Segment messages (JSON lines, .gz, or - for stdin)")
    send.add_argument("files", nargs="+", help="files of Segment messages, one JSON object per line")
    send.add_argument("--service-id", required=True, help="your Totango service id, e.g. SP-1234-56")
    send.add_argument("--region", default="us", choices=sorted(ENDPOINTS), help="Totango region (default us)")
    send.add_argument("--endpoint", help="receiver URL instead of the region's (e.g. a local emulator)")
    send.add_argument("--concurrency", type=int, default=16, help="connections sending at once (default 16)")
    send.add_argument("--retries", type=int, default=5, help="retries per pixel (default 5)")
    send.add_argument("--failed", metavar="FILE", help="write messages that failed after retries here (JSON lines)")
    send.add_argument("--dry-run", action="store_true", help="check every line and print the pixels; send nothing")
    send.add_argument("--progress", choices=["auto", "always", "never"], default="auto",
                      help="progress bar on stderr: auto shows it on a terminal (default)")
    return parser.parse_args(argv)


class Outcome:
    """Counts and reasons for the summary; ``on_error`` of the client."""

    def __init__(self, failed_path):
        self.queued = 0
        self.pixels = 0
        self.rejected = collections.Counter()
        self.failed = []
        self._failed_messages = set()
        self._failed_file = open(failed_path, "w", encoding="utf-8") if failed_path else None
        self.write = print  # tqdm.write while a progress bar is shown

    def reject(self, where, reason):
        self.rejected[reason] += 1
        self.write("%s: %s" % (where, reason), file=sys.stderr)

    def on_error(self, error, message):
        self.failed.append(str(error))
        if id(message) in self._failed_messages:
            return
        self._failed_messages.add(id(message))
        if self._failed_file is not None:
            self._failed_file.write(json.dumps(message, default=str) + "\n")

    def failed_messages(self):
        return len(self._failed_messages)

    def close(self):
        if self._failed_file is not None:
            self._failed_file.close()


def dry_run(args, client, outcome):
    for line in backfill.read(args.files):
        for where, message, problem in line:
            try:
                if problem:
                    raise MessageError(problem)
                for method, url, body in client.pixels(message):
                    outcome.pixels += 1
                    print("%s %s%s" % (method, url, "" if body is None else "  body: " + body.decode("ascii")))
                outcome.queued += 1
            except MessageError as error:
                outcome.reject(where, str(error))


def send_all(args, client, outcome):
    try:
        from tqdm import tqdm
    except ImportError:
        sys.exit("the progress bar needs tqdm: pip install 'totango_py[server]' (or tqdm)")
    outcome.write = tqdm.write
    limit = client.max_queue_size
    bar = tqdm(total=backfill.count_lines(args.files), unit="line", file=sys.stderr, dynamic_ncols=True,
               disable={"auto": None, "always": False, "never": True}[args.progress], smoothing=0.1)
    for line in backfill.read(args.files):
        for where, message, problem in line:
            try:
                if problem:
                    raise MessageError(problem)
                while client.pending() >= limit:  # backpressure: a backfill waits rather than drops
                    time.sleep(0.002)
                if client.send(message):
                    outcome.queued += 1
            except MessageError as error:
                outcome.reject(where, str(error))
        bar.update(1)
    client.flush()
    bar.close()


def summary(args, client, outcome, seconds):
    rejected = sum(outcome.rejected.values())
    verb = "checked" if args.dry_run else "sent"
    lines = ["%s %d message(s) (%d pixel(s)) in %.1f s; rejected %d; failed after retries %d; skipped %d"
             % (verb, outcome.queued - outcome.failed_messages(), client.stats["sent"] + outcome.pixels, seconds,
                rejected, outcome.failed_messages(), client.stats["skipped"])]
    for reason, count in outcome.rejected.most_common(10):
        lines.append("  rejected %d× %s" % (count, reason))
    for reason, count in collections.Counter(outcome.failed).most_common(5):
        lines.append("  failed %d× %s" % (count, reason))
    if outcome.failed and args.failed:
        lines.append("  failed messages written to %s" % args.failed)
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    missing = [path for path in args.files if path != "-" and not os.path.isfile(path)]
    if missing:
        sys.exit("no such file: %s" % ", ".join(missing))
    try:
        client = Client(args.service_id, region=args.region, endpoint=args.endpoint, workers=args.concurrency,
                        max_queue_size=args.concurrency * 64, retries=args.retries, sync_mode=args.dry_run)
    except SettingsError as error:
        sys.exit(str(error))
    outcome = Outcome(args.failed)
    client.on_error = outcome.on_error
    started = time.monotonic()
    try:
        (dry_run if args.dry_run else send_all)(args, client, outcome)
    except KeyboardInterrupt:
        print("interrupted: waiting for messages already queued", file=sys.stderr)
        client.flush(30)
    finally:
        client.shutdown(30)
        outcome.close()
    print(summary(args, client, outcome, time.monotonic() - started))
    return 1 if outcome.rejected or outcome.failed else 0
