"""The repository: the forum's shared records in Foorumi's own tables, as plain data.

The only package that imports the models (``models.py``) and the only place where
transactions and row locks are taken (``docs/storage.md``):

- ``transaction(fn)`` runs one learner or staff operation as one database transaction,
  retried whole when the database reports a deadlock or a busy lock;
- ``_change_roster`` is the one way to change who is in which group: it locks the forum row
  (``select_for_update``), loads the groups and pool the decision needs, calls the pure
  domain (``forum/groups.py``) and writes what it decided, so across any number of worker
  processes a group forms exactly once and nobody is in two places. The forum row lock is
  always the first lock such a transaction takes (no deadlock with the row locks that
  comments take on their group);
- what a learner adds is an insert; a retried request (same author and ``request_id``) hits
  a unique constraint inside a savepoint and returns the first request's result.

Functions take and return plain values and the domain's records (``forum/records.py``);
learners are keyed by their anonymous user id, and shown to each other by a forum-local
``handle``.
"""
from .core import (ATTEMPTS, LAST_SEEN_EVERY, Described, ForumRef, GroupView, Person, Pool, accept_agreement, enter,
                   lock_roster, oldest_waiter, open_forum, transaction)
from .reports import moderate, reflection_texts, report, retire_user, staff_group
from .roster import _change_roster, apply_pool_timeout, form_groups_now, merge_groups, move_learner, submit
from .sessions import Continuity, Session, continuity, earlier_session, set_health, set_sessions
from .threads import (COMMENTS_PER_THREAD, add_comment, comments_given, earlier_comment, edit_comment,
                      edit_reflection, flag, group_version, group_view, my_flags, my_reflection, older_comments,
                      pool_view, set_helpful, submitted_count)

__all__ = [
    "accept_agreement", "add_comment", "apply_pool_timeout", "ATTEMPTS", "_change_roster", "comments_given",
    "COMMENTS_PER_THREAD", "Continuity", "continuity", "Described", "earlier_comment", "earlier_session",
    "edit_comment", "edit_reflection", "enter", "flag", "form_groups_now", "ForumRef", "group_version",
    "group_view", "GroupView", "LAST_SEEN_EVERY", "lock_roster", "merge_groups", "moderate", "move_learner",
    "my_flags", "my_reflection", "older_comments", "oldest_waiter", "open_forum", "Person", "Pool",
    "pool_view", "reflection_texts", "report", "retire_user", "Session", "set_health", "set_helpful",
    "set_sessions", "staff_group", "submit", "submitted_count", "transaction",
]
