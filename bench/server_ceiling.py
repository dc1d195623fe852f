"""The receiver's own ceiling: pixels/s with bare keep-alive clients and nothing else.

Two processes of two threads each send the same pixel over ``http.client`` as
fast as the receiver answers. No client can deliver more than this to the
receiver on this machine, so it bounds every client's events/s (and any ratio
between two clients) on loopback.
"""

import http.client
import multiprocessing
import threading
import time

PIXEL = "/pixel.gif/?sdr_s=SP-BENCH-1&sdr_u=u-1&sdr_o=o-1&sdr_a=Ceiling&sdr_m=bench"


def _send_for(port, seconds, threads):
    def loop():
        connection = http.client.HTTPConnection("127.0.0.1", port)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            connection.request("GET", PIXEL)
            connection.getresponse().read()

    running = [threading.Thread(target=loop) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()


def ceiling(receiver, seconds=5.0, processes=2, threads=2):
    """Pixels/s the receiver counted while bare clients kept it busy for ``seconds``."""
    context = multiprocessing.get_context("fork")
    before, started = receiver.count(), time.monotonic()
    senders = [context.Process(target=_send_for, args=(receiver.port, seconds, threads)) for _ in range(processes)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    return (receiver.count() - before) / (time.monotonic() - started)
