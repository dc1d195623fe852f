"""The pixel receiver of the server benchmark: the emulator's HTTP handler in its own process, counting.

It parses every request as the emulator does (keep-alive HTTP/1.1, query and
form bodies) but keeps only a count, shared with the benchmark process, so a
million pixels cost no memory and the count is read without any request.
"""

import multiprocessing
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from emulator.server import EmulatorServer  # noqa: E402


class CountingLog:
    """Stands in for the emulator's PixelLog: decodes each pixel, counts it, keeps nothing."""

    def __init__(self, counter):
        self.counter = counter

    def add(self, region, query, params, method):
        if params.get("sdr_s") and params.get("sdr_u"):
            with self.counter.get_lock():
                self.counter.value += 1

    def list(self, since=0, wait=0, timeout=None):
        return []

    def clear(self):
        pass


def _serve(counter, ready, delay):
    server = EmulatorServer()
    server.log = CountingLog(counter)
    if delay:
        server.faults.always({"delay": delay})
    server.start()
    ready.send(server.port)
    server.run_until_interrupted()


class Receiver:
    """``with Receiver() as r``: ``r.url`` to send to, ``r.count()`` pixels received so far.

    ``delay`` (seconds) holds every answer back, as a receiver that far away would.
    """

    def __init__(self, delay=0.0):
        self.delay = delay
        context = multiprocessing.get_context("fork")
        self._counter = context.Value("q", 0)
        here, there = context.Pipe()
        self._process = context.Process(target=_serve, args=(self._counter, there, delay), daemon=True)
        self._process.start()
        self.port = here.recv()
        self.url = "http://127.0.0.1:%d/pixel.gif/" % self.port
        self.pid = self._process.pid

    def count(self):
        return self._counter.value

    def stop(self):
        self._process.terminate()
        self._process.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

