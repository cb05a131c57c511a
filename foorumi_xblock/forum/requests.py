"""Idempotency: a retried submit or comment creates nothing twice.

The client sends a ``request_id`` with each submit or comment. The learner's own state
keeps a small mapping ``request_id -> id of what that request created``; a request whose
id was already seen returns the earlier result instead of creating a new one.
"""

import re
from typing import Mapping

from .errors import Invalid, _

#: How many request ids a learner's state remembers (the oldest are forgotten first).
REMEMBERED_REQUESTS = 200

_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def valid_request_id(value) -> str:
    """``value`` if it is a string of 1 to 64 characters from ``A-Z a-z 0-9 _ -``;
    otherwise Invalid."""
    if not isinstance(value, str) or not _REQUEST_ID.fullmatch(value):
        raise Invalid(_("A request id must be 1 to 64 letters, digits, '_' or '-'."))
    return value


def recall(seen: Mapping[str, str], request_id: str) -> str | None:
    """The id of what ``request_id`` created earlier, or None if it is new."""
    return seen.get(request_id)


def remember(seen: Mapping[str, str], request_id: str, result_id: str,
             limit: int = REMEMBERED_REQUESTS) -> dict:
    """A new mapping that also remembers ``request_id -> result_id``, keeping only the
    ``limit`` most recent pairs (insertion order). A request id already remembered keeps
    its first result: the earlier result is the one a retry must get."""
    if limit < 1:
        raise Invalid(_("At least one request must be remembered."))
    pairs = dict(seen)
    pairs.setdefault(request_id, result_id)
    while len(pairs) > limit:
        del pairs[next(iter(pairs))]
    return pairs
