"""Plain data, transactions, the forum lock, forums and participants."""
import hashlib
import time
from dataclasses import dataclass, field

from django.db import IntegrityError, OperationalError
from django.db import connection as _db_connection
from django.db import transaction as _db_transaction
from django.db.models import F

from ..forum.records import Reflection
from ..models import Forum as _Forum
from ..models import GroupSet as _GroupSet
from ..models import Membership as _Membership
from ..models import Participant as _Participant
from ..models import PeerGroup as _PeerGroup


#: How often a learner's ``last_seen`` is written at most (seconds): a poll is not a write.
LAST_SEEN_EVERY = 60


#: Attempts of one operation when the database reports a deadlock or a busy lock.
ATTEMPTS = 4


@dataclass(frozen=True)
class ForumRef:
    """A forum's row ids: ``pk`` of the forum, ``group_set`` of its group set; ``shared``
    when the set is a course's ``group_set`` (other forums may share its groups)."""

    pk: int
    group_set: int
    usage_key: str
    shared: bool = False


@dataclass(frozen=True)
class Person:
    """A learner in one forum: ``user_id`` (anonymous id) is never sent to other learners."""

    user_id: str
    handle: str
    name: str
    accepted_at: float | None = None
    submitted_at: float | None = None
    waiting_since: float | None = None


@dataclass(frozen=True)
class GroupView:
    """What a member's view of their group needs, loaded in a fixed number of queries.

    ``members`` in join order; ``people`` maps user ids of members and of anyone who wrote
    in the group's threads to their ``Person``; ``reflections`` and ``comments`` carry
    handles as authors.
    """

    uid: str
    number: int
    version: int
    members: tuple = ()  # user ids
    people: dict = field(default_factory=dict)
    reflections: tuple = ()  # Reflection records, in members' order
    comments: tuple = ()  # Comment records, oldest first
    reasons: dict = field(default_factory=dict)  # hidden item id -> the moderator's reason
    totals: dict = field(default_factory=dict)  # reflection id -> its number of comments
    edges: tuple = ()  # (commenter handle, reflection id): who gave feedback where (no replies)


@dataclass(frozen=True)
class Pool:
    """The pool as one waiter sees it."""

    waiting: int
    position: int | None
    oldest_since: float | None
    groups: int = 0  # groups of the forum's set so far


def _retryable(error):
    text = str(error).lower()
    return any(sign in text for sign in ("deadlock", "database is locked", "lock wait timeout", "could not serialize"))


def transaction(fn):
    """Run ``fn()`` as one database transaction and return its result.

    A deadlock or busy lock reported by the database rolls the whole attempt back and runs
    it again (at most ``ATTEMPTS`` times); any other error rolls back and propagates, so an
    operation that raises has changed nothing.
    """
    for attempt in range(ATTEMPTS):
        try:
            with _db_transaction.atomic():
                return fn()
        except OperationalError as error:
            if attempt == ATTEMPTS - 1 or not _retryable(error):
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def lock_roster(forum):
    """Lock the forum's group set row until the transaction ends: every decision about who
    is in which group of the set (in any of its forums) is taken under it. A forum with no
    ``group_set`` has a set of its own, so this is then a lock on that forum's roster. Must
    be the transaction's first lock (``docs/storage.md``)."""
    _GroupSet.objects.select_for_update().only("pk").get(pk=forum.group_set)


#: Forum rows already committed and in step with the block, by (database, usage key, set
#: id, what the block says of itself): a learner's poll need not look its forum up again.
_KNOWN_FORUMS = {}


def own_set_id(usage_key):
    """The set id of a forum's own group set (a forum with an empty ``group_set``)."""
    return "@" + hashlib.sha256(str(usage_key).encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Described:
    """What a forum shows of itself to later forums of its set as an earlier session."""

    title: str = ""
    prompts: tuple = ()  # ((id, text), ...)
    pseudonymous: bool = False

    def fields(self):
        return {
            "title": self.title[:255], "pseudonymous": self.pseudonymous,
            "prompts": [{"id": i, "text": t} for i, t in self.prompts],
        }


def _shared(set_id):
    return not set_id.startswith("@")


def open_forum(usage_key, course_key, now, set_id="", described=None):
    """The forum of a block, created on first use (race-safe); returns a ``ForumRef``.

    ``set_id`` is the block's ``group_set`` (empty: the forum's own set). When it changed
    (allowed only before anyone submitted: the block refuses it later) the forum joins the
    new set. ``described`` (a ``Described``) is written to the row when it differs.
    """
    usage_key, course_key = str(usage_key), str(course_key)
    set_id = set_id or own_set_id(usage_key)
    cache_key = (_db_connection.settings_dict.get("NAME"), usage_key, set_id, described)
    known = _KNOWN_FORUMS.get(cache_key)
    if known is not None:
        return known
    row = (
        _Forum.objects.filter(usage_key=usage_key)
        .values("pk", "group_set_id", "group_set__set_id", "title", "prompts", "pseudonymous").first()
    )
    if row is None:
        with _db_transaction.atomic():
            group_set, _created = _GroupSet.objects.get_or_create(course_key=course_key, set_id=set_id)
            forum, _created = _Forum.objects.get_or_create(
                usage_key=usage_key, defaults={
                    "course_key": course_key, "group_set": group_set, "created_at": now,
                    **(described.fields() if described else {}),
                },
            )
        # Not remembered: the row may belong to a transaction that has not committed yet.
        return ForumRef(pk=forum.pk, group_set=forum.group_set_id, usage_key=usage_key, shared=_shared(set_id))
    changes = {}
    if row["group_set__set_id"] != set_id:
        group_set, _created = _GroupSet.objects.get_or_create(course_key=course_key, set_id=set_id)
        changes["group_set_id"] = group_set.pk
    if described is not None:
        changes.update({k: v for k, v in described.fields().items() if row[k] != v})
    if changes:
        _Forum.objects.filter(pk=row["pk"]).update(**changes)
    ref = ForumRef(
        pk=row["pk"], group_set=changes.get("group_set_id", row["group_set_id"]), usage_key=usage_key,
        shared=_shared(set_id),
    )
    _KNOWN_FORUMS[cache_key] = ref
    return ref


def _person(row):
    return Person(
        user_id=row.user_id, handle=row.handle, name=row.display_name, accepted_at=row.accepted_at,
        submitted_at=row.submitted_at, waiting_since=row.waiting_since,
    )


def enter(forum, user_id, handle, name, now, staff=False):
    """The learner's participant row, created on their first request (race-safe).

    Keeps the display name and the staff mark current (learners see the name in their
    group; the staff report leaves out staff who only looked) and ``last_seen`` within
    ``LAST_SEEN_EVERY`` seconds, writing only when one of them is stale.
    """
    row = _Participant.objects.filter(forum_id=forum.pk, user_id=user_id).first()
    if row is None:
        try:
            with _db_transaction.atomic():
                row = _Participant.objects.create(
                    forum_id=forum.pk, user_id=user_id, handle=handle, display_name=name[:255], last_seen=now,
                    is_staff=staff,
                )
        except IntegrityError:  # the same learner's other tab created it first
            row = _Participant.objects.get(forum_id=forum.pk, user_id=user_id)
    changes = {}
    if row.display_name != name[:255]:
        changes["display_name"] = name[:255]
    if row.is_staff != staff:
        changes["is_staff"] = staff
    if now - row.last_seen >= LAST_SEEN_EVERY:
        changes["last_seen"] = now
    if changes:
        _Participant.objects.filter(pk=row.pk).update(**changes)
        for key, value in changes.items():
            setattr(row, key, value)
    return _person(row)


def accept_agreement(forum, user_id, now):
    """Record that the learner accepted the ground rules; True if this is the first time."""
    return bool(_Participant.objects.filter(forum_id=forum.pk, user_id=user_id, accepted_at=None).update(accepted_at=now))


def _bump(group_pks, now):
    """Every member of these groups will see something new."""
    for pk in sorted(group_pks):  # one order everywhere: no deadlock between two bumps
        _PeerGroup.objects.filter(pk=pk).update(version=F("version") + 1, last_activity=now)


def _group_pk_of(forum, user_id):
    """The group the learner takes part in in this forum (None before they are placed)."""
    return _Participant.objects.filter(forum_id=forum.pk, user_id=user_id).values_list("group_id", flat=True).first()


def _set_group_pk_of(forum, user_id):
    """The learner's group in the forum's set now (from any forum of the set), or None."""
    return _Membership.objects.filter(group_set_id=forum.group_set, user_id=user_id).values_list("group_id", flat=True).first()


def _bump_group_of(forum, user_id, now):
    group = _group_pk_of(forum, user_id)
    if group is not None:
        _bump({group}, now)


def _reflection(row, handle):
    return Reflection(
        id=row.uid, author=handle, answers=dict(row.answers or {}), submitted_at=row.submitted_at,
        edited_at=row.edited_at, request_id=row.request_id, hidden=row.hidden,
    )

def oldest_waiter(forum):
    """When the longest-waiting learner of the forum's pool started waiting, or None."""
    return (
        _Participant.objects.filter(forum_id=forum.pk, waiting_since__isnull=False)
        .order_by("waiting_since").values_list("waiting_since", flat=True).first()
    )
