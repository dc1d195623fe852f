"""Fixtures of this tier: ``receiver``, the emulator's pixel receiver alone on 127.0.0.1 (tests/support)."""

import server_helpers

receiver = server_helpers.receiver
