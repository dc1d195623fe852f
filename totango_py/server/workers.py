"""A bounded queue drained by background threads: the caller's side never blocks.

``put`` returns False at once when the queue is full; ``wait`` blocks until
everything put so far has been handled (or the timeout passes).
"""

import logging
import queue
import threading
import time

_STOP = object()


class Workers:
    def __init__(self, handle, count, max_size, name="totango-py"):
        self._handle = handle
        self._queue = queue.Queue(max_size)
        self._threads = []
        for index in range(count):
            thread = threading.Thread(target=self._run, name="%s-%d" % (name, index + 1), daemon=True)
            thread.start()
            self._threads.append(thread)

    def put(self, item):
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            return False
        return True

    def pending(self):
        """Items queued or being handled."""
        return self._queue.unfinished_tasks

    def _run(self):
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                self._handle(item)
            except Exception:  # a worker must survive anything one item does
                logging.getLogger("totango_py.server").exception("a queued message failed")
            finally:
                self._queue.task_done()

    def wait(self, timeout=None):
        """Block until every item put so far is handled; False if ``timeout`` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        done = self._queue.all_tasks_done
        with done:
            while self._queue.unfinished_tasks:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                done.wait(left)
        return True

    def stop(self, timeout=None):
        """Let the threads finish what is queued, then end them."""
        for _ in self._threads:
            self._queue.put(_STOP)
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            thread.join(left)
        return not any(thread.is_alive() for thread in self._threads)
