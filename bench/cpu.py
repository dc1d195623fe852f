"""Other load on the machine: a run measured while other processes took the CPU is measured again.

The benchmark shares a small machine with other work; timings taken while it is busy are inflated.
"""

import os
import time

from settings import BUSY_LIMIT, REMEASURE_BUDGET, log

PROC_STAT = "/proc/stat"


def machine_jiffies():
    """(busy, total) CPU time of the whole machine."""
    with open(PROC_STAT) as handle:
        fields = [int(x) for x in handle.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def tree_jiffies(root_pid):
    """CPU time of root_pid and every live descendant, reaped children included."""
    parents, times = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as handle:
                data = handle.read()
        except OSError:
            continue
        rest = data[data.rfind(")") + 2:].split()
        parents[int(name)] = int(rest[1])
        times[int(name)] = sum(int(x) for x in rest[11:15])  # utime stime cutime cstime
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(times.get(pid, 0) for pid in tree)


class CpuWatch:
    """Share of the machine's CPU used by processes outside this benchmark, between two marks."""

    def __init__(self):
        self.available = os.path.exists(PROC_STAT)
        self.mark()

    def _sample(self):
        busy, total = machine_jiffies()
        return busy, total, tree_jiffies(os.getpid())

    def mark(self):
        if self.available:
            self._last = self._sample()

    def foreign_percent(self):
        """Percent of all cores busy with other processes since the last mark (then marks again)."""
        if not self.available:
            return None
        (busy0, total0, mine0), now = self._last, self._sample()
        self._last = now
        busy, total, mine = now
        span = total - total0
        foreign = (busy - busy0) - (mine - mine0)
        return max(0.0, 100.0 * foreign / span) if span > 0 else None


def wait_for_quiet(limit_s, threshold=BUSY_LIMIT):
    """Wait (up to limit_s) until other processes use less than threshold % of the CPU for 3 s."""
    if limit_s <= 0 or not os.path.exists(PROC_STAT):
        return None
    watch, end, said = CpuWatch(), time.monotonic() + limit_s, False
    while True:
        time.sleep(3)
        busy = watch.foreign_percent()
        if busy is None or busy < threshold:
            return busy
        if time.monotonic() > end:
            log("the machine is still busy (%.0f%% of the CPU used by other processes); measuring anyway" % busy)
            return busy
        if not said:
            log("waiting for other processes to calm down (%.0f%% CPU busy elsewhere) …" % busy)
            said = True


class Guard:
    """Runs a measurement, and again when other processes took more than BUSY_LIMIT % of the CPU
    meanwhile (up to twice per run, REMEASURE_BUDGET times per benchmark)."""

    def __init__(self):
        self.watch = CpuWatch()
        self.left = REMEASURE_BUDGET

    @property
    def remeasured(self):
        return REMEASURE_BUDGET - self.left

    def __call__(self, label, measure):
        """``measure()``'s result, with the other processes' CPU share and the attempts it took."""
        attempt = 0
        while True:
            attempt += 1
            self.watch.mark()
            result = measure()
            busy = self.watch.foreign_percent()
            result["foreign_cpu_percent"] = busy
            result["attempts"] = attempt
            if busy is None or busy <= BUSY_LIMIT or attempt > 2 or self.left <= 0:
                return result
            self.left -= 1
            log("%s: other processes took %.0f%% of the CPU meanwhile; measuring it again" % (label, busy))
            wait_for_quiet(90)
