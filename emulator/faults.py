"""Planned misbehaviour of the emulator's pixel receiver, for testing clients' retries.

Each pixel request takes the next planned action (then the standing one, if
set); with none it is answered normally. An action is a dict:

* ``{"status": 503}`` — answer with that status (no pixel recorded)
* ``{"status": 429, "retry_after": 2}`` — with a ``Retry-After`` header
* ``{"delay": 1.5}`` — wait first, then answer normally (or with ``status``)
* ``{"drop": True}`` — close the connection without an answer

Every pixel request is also noted in ``attempts`` (time, action, parameters),
so a test can see each retry, not only what was finally recorded.
"""

import collections
import threading
import time


class Faults:
    def __init__(self, keep=10000):
        self._lock = threading.Lock()
        self._plan = collections.deque()
        self._standing = None
        self.attempts = collections.deque(maxlen=keep)

    def plan(self, *actions):
        """Queue actions for the next requests, one each."""
        with self._lock:
            self._plan.extend(dict(action) for action in actions)

    def always(self, action):
        """Apply ``action`` to every request once the plan is used up (None: answer normally)."""
        with self._lock:
            self._standing = dict(action) if action else None

    def reset(self):
        with self._lock:
            self._plan.clear()
            self._standing = None
            self.attempts.clear()

    def next(self, params):
        """The action for this request (None: answer normally), noted in ``attempts``."""
        with self._lock:
            action = self._plan.popleft() if self._plan else self._standing
            self.attempts.append({"time": time.monotonic(), "action": action, "params": params})
            return action

    def configure(self, spec):
        """Apply a JSON control request: ``{"reset": true, "plan": [...], "always": {...}}``."""
        if spec.get("reset"):
            self.reset()
        self.plan(*(spec.get("plan") or []))
        if "always" in spec:
            self.always(spec["always"])

    def summary(self):
        with self._lock:
            return {"pending": list(self._plan), "always": self._standing,
                    "attempts": [{"time": a["time"], "action": a["action"]} for a in self.attempts]}
