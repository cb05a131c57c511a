"""Idempotency: a retried submit or comment creates nothing twice.

The client sends a ``request_id`` with each submit or comment, and the record that
request creates (a reflection, a comment) keeps it. A request whose id is already on one
of the learner's records returns that earlier result instead of creating a new one; the
records are the memory, so nothing is forgotten however many requests come between.
"""

import re
from collections.abc import Iterable, Mapping

from .errors import Invalid, _

_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def valid_request_id(value) -> str:
    """``value`` if it is a string of 1 to 64 characters from ``A-Z a-z 0-9 _ -``;
    otherwise Invalid."""
    if not isinstance(value, str) or not _REQUEST_ID.fullmatch(value):
        raise Invalid(_("A request id must be 1 to 64 letters, digits, '_' or '-'."))
    return value


def earlier_result(records: Iterable[Mapping], request_id: str) -> str | None:
    """The id of the record that ``request_id`` created earlier, or None if it is new."""
    for record in records:
        if record and record.get("request_id") == request_id:
            return record.get("id")
    return None
