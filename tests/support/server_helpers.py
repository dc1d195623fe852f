"""Shared set-up for the server client's tests: a receiver on 127.0.0.1 and what it decoded."""

import socket
import time

import pytest

from emulator.server import EmulatorServer
from totango_py.server import Client

SERVICE_ID = "SP-SERVER-1"
ACME = {"groupId": "acme"}
FAST_RETRIES = {"backoff_factor": 0.01, "backoff_jitter": 0.0}


@pytest.fixture
def receiver():
    """The emulator's pixel receiver alone (no static files), faults reset per test."""
    emulator = EmulatorServer().start()
    yield emulator
    emulator.stop()


def make_client(receiver, **options):
    given = dict(FAST_RETRIES, endpoint=receiver.url + "pixel.gif/")
    given.update(options)
    return Client(given.pop("service_id", SERVICE_ID), **given)


def dead_endpoint():
    """A URL on 127.0.0.1 where nothing listens (connections are refused)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return "http://127.0.0.1:%d/pixel.gif/" % port


def wait_records(receiver, count, timeout=10.0):
    """The decoded pixels once at least ``count`` arrived (or the timeout passed)."""
    return receiver.received(wait=count, timeout=timeout)


def activities(records):
    """``(activity, module, account, user)`` of the activity pixels, in arrival order."""
    return [(r["activity"], r["module"], r["account"], r["user"]) for r in records if r["activity"]]


def merged_parties(records):
    """What Totango ends up knowing: accounts and users with their attributes, merged over all pixels."""
    accounts, users = {}, {}
    for r in records:
        if r["account"]:
            account = accounts.setdefault(r["account"], {})
            account.update(r["account_attributes"])
            for key in ("account_name", "parent_id"):
                if r[key] is not None:
                    account[key] = r[key]
        if r["user"]:
            user = users.setdefault(r["user"], {})
            user.update(r["user_attributes"])
            if r["user_name"] is not None:
                user["name"] = r["user_name"]
    return accounts, users


class Errors:
    """An ``on_error`` that keeps what it was given."""

    def __init__(self):
        self.seen = []

    def __call__(self, error, message):
        self.seen.append((error, message))

    def wait(self, count, timeout=15.0):
        deadline = time.monotonic() + timeout
        while len(self.seen) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.seen
