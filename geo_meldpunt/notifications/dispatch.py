"""What the reporter, followers and departments are told when something happens to a report.

The workflow calls these inside its transaction; they write outgoing messages (an outbox) in that same
transaction and queue their sending after commit, so no message is lost when a worker or the broker is down.
"""

from __future__ import annotations


def report_created_notify(*, report) -> list:
    """Acknowledgement to the reporter (or thanks and forwarding for a compliment). Returns the messages."""
    return []


def report_transitioned_notify(*, report, event) -> list:
    """Messages for a status change (forwarded, waiting for the reporter, answered, ...). Returns the messages."""
    return []
