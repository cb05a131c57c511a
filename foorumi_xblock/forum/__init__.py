"""Foorumi's pure domain: groups, feedback, records, word counts and idempotency.

Plain data in, plain data out. Nothing here imports xblock, django or webob; the clock
(``now``) and id generation (``new_id``) are passed in, so every rule is deterministic
and testable on its own. Errors are the typed classes of ``errors``.
"""

from .errors import Conflict, ForumError, Invalid, NotAllowed, NotFound, TooLarge, WrongStage
from .feedback import (CommentEdge, Progress, comments_received, needs_feedback, progress,
                       required_comments, suggestions)
from .groups import (Group, GroupFormed, GroupRules, LeftAlone, Merged, Moved, Placed, Roster,
                     Waiter, Waiting, expire, form_now, join, move, rebalance,
                     waiting_since)
from .records import (MAX_ANSWER_CHARS, MAX_COMMENT_CHARS, MAX_FLAG_REASON_CHARS,
                      MAX_REASON_CHARS, Comment, Flag, Member, ModerationDecision, Reflection,
                      check_text, hidden_items)
from .requests import earlier_result, valid_request_id
from .words import check_answer, count_words

__all__ = [
    "Comment", "CommentEdge", "Conflict", "Flag", "ForumError", "Group", "GroupFormed", "GroupRules", "Invalid",
    "LeftAlone", "MAX_ANSWER_CHARS", "MAX_COMMENT_CHARS", "MAX_FLAG_REASON_CHARS", "MAX_REASON_CHARS", "Member",
    "Merged", "ModerationDecision", "Moved", "NotAllowed", "NotFound", "Placed", "Progress", "Reflection", "Roster",
    "TooLarge", "Waiter", "Waiting", "WrongStage", "check_answer", "check_text", "comments_received", "count_words",
    "earlier_result", "expire", "form_now", "hidden_items", "join", "move", "needs_feedback", "progress", "rebalance",
    "required_comments", "suggestions", "valid_request_id", "waiting_since",
]
