"""Typed records of what learners and staff write, and the bounds on their text.

Each record converts to plain JSON (``to_dict``) and back (``from_dict``); the store
builds them from its tables. Data read back from storage is checked: a malformed record raises
Invalid; optional keys may be missing. Text is stored as typed (never escaped, never
truncated); it is escaped when shown.
"""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import Invalid, TooLarge, _

#: Characters in one answer to one prompt.
MAX_ANSWER_CHARS = 10000
#: Characters in one comment.
MAX_COMMENT_CHARS = 4000
#: Characters in a moderator's reason for hiding or restoring an item.
MAX_REASON_CHARS = 500
#: Characters in a learner's reason for flagging an item.
MAX_FLAG_REASON_CHARS = 500


#: Characters that show as nothing: Unicode's default-ignorable code points (zero-width
#: spaces and joiners, the BOM, bidi controls, variation selectors, Hangul fillers, tags...)
#: and the braille blank. Text made of these and whitespace is empty text; they never
#: make a word. The page's word counter uses the same class (static/js/foorumi.js).
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def handle_of(forum_key: str, learner_id: str) -> str:
    """A learner's forum-local handle: what other learners see as their id (a hash of the
    forum's usage key and the anonymous user id, so it tells nothing across forums)."""
    return "m" + hashlib.sha256(f"{forum_key}:{learner_id}".encode()).hexdigest()[:15]


def is_blank(text: str) -> bool:
    """Whether ``text`` shows nothing: only whitespace and invisible characters."""
    return not INVISIBLE.sub("", text).strip()


def check_text(text, limit: int, what: str, required: bool = True) -> str:
    """Return ``text`` unchanged if it is a string of at most ``limit`` characters.

    Raises Invalid for a non-string, or for text that shows nothing when ``required``
    (whitespace, zero-width and other invisible characters: ``is_blank``); raises
    TooLarge over the limit (text is never truncated). ``what`` names the field for the
    caller (it is a parameter of the error, not part of the translated sentence).
    """
    if not isinstance(text, str):
        raise Invalid(_("This text must be a string."), what=what)
    if required and is_blank(text):
        raise Invalid(_("This text may not be empty."), what=what)
    if len(text) > limit:
        raise TooLarge(_("This text has %(length)s characters; at most %(limit)s are "
                         "allowed."), what=what, length=len(text), limit=limit)
    return text


# ------------------------------------------------- reading stored JSON, checked


def malformed(what: str, key: str) -> Invalid:
    """The error for a stored ``what`` record whose ``key`` is missing or wrong."""
    return Invalid(_("A stored %(what)s record is malformed (%(key)s)."), what=what, key=key)


def _mapping(data, what):
    if not isinstance(data, dict):
        raise malformed(what, "record")
    return data


def read_str(data: dict, key: str, what: str, optional: bool = False):
    """``data[key]`` if it is a non-empty string (None when ``optional`` and absent/null),
    else Invalid."""
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise malformed(what, key)
    return value


def read_text(data: dict, key: str, what: str, default: str = "") -> str:
    """``data[key]`` if it is a string (possibly empty; ``default`` when absent), else
    Invalid."""
    value = data.get(key, default)
    if not isinstance(value, str):
        raise malformed(what, key)
    return value


def read_number(data: dict, key: str, what: str, optional: bool = False):
    """``data[key]`` as a float if it is a number (None when ``optional`` and
    absent/null), else Invalid."""
    value = data.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise malformed(what, key)
    return float(value)


def read_bool(data: dict, key: str, what: str, default: bool = False) -> bool:
    """``data[key]`` if it is a boolean (``default`` when absent), else Invalid."""
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise malformed(what, key)
    return value


# --------------------------------------------------------------------- records


@dataclass(frozen=True)
class Member:
    """A learner as shown to their group: an id and a display name (or pseudonym)."""

    id: str
    name: str

    def to_dict(self) -> dict:
        """JSON-able form: ``{"id", "name"}``."""
        return {"id": self.id, "name": self.name}

    @classmethod
    def from_dict(cls, data) -> "Member":
        """Read a member back; Invalid when malformed."""
        data = _mapping(data, "member")
        return cls(id=read_str(data, "id", "member"), name=read_text(data, "name", "member"))


@dataclass(frozen=True)
class Reflection:
    """A learner's submitted answers, one text per prompt id: one post in the group."""

    id: str
    author: str
    answers: dict = field(default_factory=dict)
    submitted_at: float = 0.0
    edited_at: float | None = None
    request_id: str | None = None
    hidden: bool = False

    @property
    def edited(self) -> bool:
        """True once the author has edited the reflection after submitting it."""
        return self.edited_at is not None

    def to_dict(self) -> dict:
        """JSON-able form with every field."""
        return {"id": self.id, "author": self.author, "answers": dict(self.answers),
                "submitted_at": self.submitted_at, "edited_at": self.edited_at,
                "request_id": self.request_id, "hidden": self.hidden}

    @classmethod
    def from_dict(cls, data) -> "Reflection":
        """Read a reflection back; Invalid when malformed (``edited_at`` and
        ``request_id`` may be missing)."""
        what = "reflection"
        data = _mapping(data, what)
        answers = data.get("answers", {})
        if not isinstance(answers, dict) or not all(
                isinstance(key, str) and isinstance(value, str)
                for key, value in answers.items()):
            raise malformed(what, "answers")
        return cls(id=read_str(data, "id", what), author=read_str(data, "author", what),
                   answers=dict(answers), submitted_at=read_number(data, "submitted_at", what),
                   edited_at=read_number(data, "edited_at", what, optional=True),
                   request_id=read_str(data, "request_id", what, optional=True),
                   hidden=read_bool(data, "hidden", what))


@dataclass(frozen=True)
class Comment:
    """A comment in the thread of reflection ``reflection_id`` (``reply_to``: the comment
    it answers there, if any); ``helpful`` is the reflection author's mark."""

    id: str
    author: str
    reflection_id: str
    text: str
    created_at: float
    edited_at: float | None = None
    request_id: str | None = None
    helpful: bool = False
    reply_to: str | None = None
    hidden: bool = False
    words: int = 0

    @property
    def edited(self) -> bool:
        """True once the author has edited the comment."""
        return self.edited_at is not None

    def to_dict(self) -> dict:
        """JSON-able form with every field."""
        return {"id": self.id, "author": self.author, "reflection_id": self.reflection_id,
                "text": self.text, "created_at": self.created_at,
                "edited_at": self.edited_at, "request_id": self.request_id,
                "helpful": self.helpful, "reply_to": self.reply_to, "hidden": self.hidden,
                "words": self.words}

    @classmethod
    def from_dict(cls, data) -> "Comment":
        """Read a comment back; Invalid when malformed (``edited_at``, ``request_id`` and
        ``helpful`` may be missing)."""
        what = "comment"
        data = _mapping(data, what)
        return cls(id=read_str(data, "id", what), author=read_str(data, "author", what),
                   reflection_id=read_str(data, "reflection_id", what),
                   text=read_text(data, "text", what),
                   created_at=read_number(data, "created_at", what),
                   edited_at=read_number(data, "edited_at", what, optional=True),
                   request_id=read_str(data, "request_id", what, optional=True),
                   helpful=read_bool(data, "helpful", what),
                   reply_to=read_str(data, "reply_to", what, optional=True),
                   hidden=read_bool(data, "hidden", what),
                   words=int(read_number(data, "words", what, optional=True) or 0))


@dataclass(frozen=True)
class Flag:
    """``reporter`` asked staff to look at item ``item_id`` (a reflection or comment)."""

    item_id: str
    reporter: str
    reason: str
    at: float

    def to_dict(self) -> dict:
        """JSON-able form with every field."""
        return {"item_id": self.item_id, "reporter": self.reporter, "reason": self.reason,
                "at": self.at}

    @classmethod
    def from_dict(cls, data) -> "Flag":
        """Read a flag back; Invalid when malformed (``reason`` may be missing)."""
        what = "flag"
        data = _mapping(data, what)
        return cls(item_id=read_str(data, "item_id", what),
                   reporter=read_str(data, "reporter", what),
                   reason=read_text(data, "reason", what), at=read_number(data, "at", what))


@dataclass(frozen=True)
class ModerationDecision:
    """Staff member ``by`` hid (``hidden``) or restored item ``item_id`` at ``at``."""

    item_id: str
    hidden: bool
    by: str
    reason: str
    at: float

    def to_dict(self) -> dict:
        """JSON-able form with every field."""
        return {"item_id": self.item_id, "hidden": self.hidden, "by": self.by,
                "reason": self.reason, "at": self.at}

    @classmethod
    def from_dict(cls, data) -> "ModerationDecision":
        """Read a decision back; Invalid when malformed (``reason`` may be missing)."""
        what = "moderation decision"
        data = _mapping(data, what)
        hidden = data.get("hidden")
        if not isinstance(hidden, bool):
            raise malformed(what, "hidden")
        return cls(item_id=read_str(data, "item_id", what), hidden=hidden,
                   by=read_str(data, "by", what), reason=read_text(data, "reason", what),
                   at=read_number(data, "at", what))


def hidden_items(decisions: Iterable[ModerationDecision]) -> set[str]:
    """Ids of the items whose latest decision (by time, later in the list on a tie) hides
    them; a restore undoes an earlier hide."""
    latest: dict[str, ModerationDecision] = {}
    for decision in decisions:
        previous = latest.get(decision.item_id)
        if previous is None or decision.at >= previous.at:
            latest[decision.item_id] = decision
    return {item_id for item_id, decision in latest.items() if decision.hidden}
