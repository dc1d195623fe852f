"""What the server client raises at the call, and what it hands to ``on_error`` later.

Misuse (a message Totango cannot take) raises at the call, before anything is
queued; delivery problems never raise into the caller and go to ``on_error``.
"""


class MessageError(ValueError):
    """A message cannot be sent to Totango; the text says which field and why."""

    def __init__(self, text, field=None, index=None):
        if index is not None:
            text = "message %d: %s" % (index, text)
        ValueError.__init__(self, text)
        self.field = field
        self.index = index


class MissingFieldError(MessageError):
    """A field Totango needs is absent, e.g. ``context.groupId`` on a track."""


class UnsupportedMessageError(MessageError):
    """A Segment message type Totango has no counterpart for (``alias``)."""


class ClientClosedError(RuntimeError):
    """A call on a client after ``shutdown()``."""


class QueueFullError(Exception):
    """Given to ``on_error`` when a message is dropped because the queue is full."""


class DeliveryError(Exception):
    """Given to ``on_error`` when a pixel could not be delivered (after any retries)."""

    def __init__(self, text, status=None):
        Exception.__init__(self, text)
        self.status = status
