"""The repository: the forum's shared records in Foorumi's own tables, as plain data.

The only module that imports the models (``models.py``) and the only place where
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
import hashlib
import time
from dataclasses import dataclass, field

from django.db import IntegrityError, OperationalError
from django.db import connection as _db_connection
from django.db import transaction as _db_transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Max, Q, Subquery, Window
from django.db.models.functions import RowNumber

from .forum import groups as _groups
from .forum.errors import Conflict, NotFound, WrongStage, _
from .forum.records import Comment, Reflection
from .models import Comment as _Comment
from .models import Flag as _Flag
from .models import Forum as _Forum
from .models import GroupSet as _GroupSet
from .models import HelpfulMark as _HelpfulMark
from .models import Membership as _Membership
from .models import ModerationDecision as _ModerationDecision
from .models import Participant as _Participant
from .models import PeerGroup as _PeerGroup
from .models import Reflection as _Reflection

#: How often a learner's ``last_seen`` is written at most (seconds): a poll is not a write.
LAST_SEEN_EVERY = 60
#: Attempts of one operation when the database reports a deadlock or a busy lock.
ATTEMPTS = 4


# ----------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class ForumRef:
    """A forum's row ids: ``pk`` of the forum, ``group_set`` of its group set."""

    pk: int
    group_set: int
    usage_key: str


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


# ----------------------------------------------------------------------- transactions


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


def lock_forum(forum):
    """Lock the forum row until the transaction ends; must be the transaction's first lock."""
    _Forum.objects.select_for_update().only("pk").get(pk=forum.pk)


# ----------------------------------------------------------------------- forums and people


#: Forum rows already committed, by (database, usage key): they never change or go away,
#: so a learner's poll need not look its forum up again.
_KNOWN_FORUMS = {}


def open_forum(usage_key, course_key, now):
    """The forum of a block, created on first use (race-safe); returns a ``ForumRef``."""
    usage_key, course_key = str(usage_key), str(course_key)
    cache_key = (_db_connection.settings_dict.get("NAME"), usage_key)
    known = _KNOWN_FORUMS.get(cache_key)
    if known is not None:
        return known
    row = _Forum.objects.filter(usage_key=usage_key).values("pk", "group_set_id").first()
    if row is not None:  # committed by an earlier request: safe to remember
        ref = _KNOWN_FORUMS[cache_key] = ForumRef(pk=row["pk"], group_set=row["group_set_id"], usage_key=usage_key)
        return ref
    with _db_transaction.atomic():
        own_set = "@" + hashlib.sha256(usage_key.encode()).hexdigest()[:40]  # a forum's own group set
        group_set, _created = _GroupSet.objects.get_or_create(course_key=course_key, set_id=own_set)
        forum, _created = _Forum.objects.get_or_create(
            usage_key=usage_key, defaults={"course_key": course_key, "group_set": group_set, "created_at": now},
        )
    return ForumRef(pk=forum.pk, group_set=forum.group_set_id, usage_key=usage_key)


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


# ----------------------------------------------------------------------- the roster


def _group_rows(forum, below):
    """The set's groups with fewer than ``below`` members, with their member ids."""
    rows = list(
        _PeerGroup.objects.filter(group_set_id=forum.group_set, size__lt=below)
        .order_by("id")
        .values("pk", "uid", "created_at")
    )
    members = {}
    for group_id, user_id in (
        _Membership.objects.filter(group_id__in=[r["pk"] for r in rows]).order_by("id").values_list("group_id", "user_id")
    ):
        members.setdefault(group_id, []).append(user_id)
    return rows, members


def _change_roster(forum, fn, below, now):
    """Lock the forum, load the groups below ``below`` members and the pool, apply ``fn``.

    ``fn(roster)`` is a pure function of ``forum/groups.py`` returning ``(roster, changes)``;
    groups at ``below`` members or more cannot be chosen by it, so they are left out. Its
    changes are written here: memberships inserted, new groups created (numbered in their
    set), pool entries set or cleared, and the version of every group that changed bumped.
    ``now`` is the time of the request. Returns the changes.
    """
    lock_forum(forum)
    rows, members = _group_rows(forum, below)
    pool = tuple(
        _groups.Waiter(user_id, since)
        for user_id, since in _Participant.objects.filter(forum_id=forum.pk, waiting_since__isnull=False)
        .order_by("waiting_since", "id").values_list("user_id", "waiting_since")
    )
    roster = _groups.Roster(
        groups=tuple(_groups.Group(r["uid"], tuple(members.get(r["pk"], ())), r["created_at"]) for r in rows),
        pool=pool,
    )
    after, changes = fn(roster)
    if not changes and after == roster:
        return changes
    before_members = {g.id: set(g.members) for g in roster.groups}
    pks = {r["uid"]: r["pk"] for r in rows}
    number = (_PeerGroup.objects.filter(group_set_id=forum.group_set).aggregate(n=Max("number"))["n"] or 0)
    touched = set()
    for group in after.groups:
        if group.id not in pks:
            number += 1
            pks[group.id] = _PeerGroup.objects.create(
                uid=group.id, group_set_id=forum.group_set, number=number, created_at=group.created_at,
                last_activity=group.created_at,
            ).pk
        added = [m for m in group.members if m not in before_members.get(group.id, set())]
        if added:
            # Memberships of learners who moved between groups are replaced, not duplicated.
            _Membership.objects.filter(group_set_id=forum.group_set, user_id__in=added).delete()
            _Membership.objects.bulk_create([
                _Membership(group_set_id=forum.group_set, user_id=m, group_id=pks[group.id], joined_at=now)
                for m in added
            ])
        if set(group.members) != before_members.get(group.id):
            touched.add(pks[group.id])
            _PeerGroup.objects.filter(pk=pks[group.id]).update(size=len(group.members))
    gone = [pks[uid] for uid in {g.id for g in roster.groups} - {g.id for g in after.groups}]
    if gone:  # emptied by a move: the domain dropped it
        _PeerGroup.objects.filter(pk__in=gone, memberships__isnull=True).delete()
    waiting_before = {w.learner_id for w in roster.pool}
    waiting_after = {w.learner_id for w in after.pool}
    if waiting_before - waiting_after:
        _Participant.objects.filter(forum_id=forum.pk, user_id__in=waiting_before - waiting_after).update(waiting_since=None)
    for waiter in after.pool:
        if waiter.learner_id not in waiting_before:
            _Participant.objects.filter(forum_id=forum.pk, user_id=waiter.learner_id).update(waiting_since=waiter.since)
    _bump(touched, now)
    return changes


def _bump(group_pks, now):
    """Every member of these groups will see something new."""
    for pk in sorted(group_pks):  # one order everywhere: no deadlock between two bumps
        _PeerGroup.objects.filter(pk=pk).update(version=F("version") + 1, last_activity=now)


def oldest_waiter(forum):
    """When the longest-waiting learner of the forum's pool started waiting, or None."""
    return (
        _Participant.objects.filter(forum_id=forum.pk, waiting_since__isnull=False)
        .order_by("waiting_since").values_list("waiting_since", flat=True).first()
    )


def apply_pool_timeout(forum, rules, now, new_id):
    """Group the pool when anyone has waited ``pool_timeout_hours``; the changes made.

    Checked without a lock first (one indexed query), so a forum with nobody overdue pays
    nothing more; under the forum lock the pool is read again before deciding.
    """
    since = oldest_waiter(forum)
    if since is None or now - since < rules.pool_timeout_seconds:
        return []
    return _change_roster(forum, lambda roster: _groups.expire(roster, now, rules, new_id), rules.max_group_size, now)


def form_groups_now(forum, rules, now, new_id):
    """Staff's "form groups now": everyone waiting is placed (see ``groups.form_now``)."""
    return _change_roster(forum, lambda roster: _groups.form_now(roster, now, rules, new_id), rules.max_group_size, now)


# ----------------------------------------------------------------------- reflections


def _reflection(row, handle):
    return Reflection(
        id=row.uid, author=handle, answers=dict(row.answers or {}), submitted_at=row.submitted_at,
        edited_at=row.edited_at, request_id=row.request_id, hidden=row.hidden,
    )


def my_reflection(forum, person):
    """The learner's submitted reflection in this forum, or None."""
    row = _Reflection.objects.filter(forum_id=forum.pk, author=person.user_id).first()
    return _reflection(row, person.handle) if row else None


def submitted_count(usage_key):
    """How many learners have submitted a reflection in the forum of this block."""
    return _Reflection.objects.filter(forum__usage_key=str(usage_key)).count()


def submit(forum, person, answers, request_id, now, rules, new_id):
    """Submit the learner's reflection and place them (join a group or wait in the pool).

    Returns ``(reflection, created, changes)``. A retry of the same ``request_id`` returns
    the first reflection with ``created`` False and changes nothing; a submit with another
    ``request_id`` when one exists raises Conflict. Runs under the forum lock.
    """
    lock_forum(forum)
    existing = my_reflection(forum, person)
    if existing is not None:
        if existing.request_id == request_id:
            return existing, False, []
        raise Conflict(_("Your reflection is already submitted; edit it instead."))
    row = _Reflection.objects.create(
        uid="r" + new_id(), forum_id=forum.pk, author=person.user_id, answers=answers, request_id=request_id,
        submitted_at=now,
    )
    _Participant.objects.filter(forum_id=forum.pk, user_id=person.user_id).update(submitted_at=now)
    member = _Membership.objects.filter(group_set_id=forum.group_set, user_id=person.user_id).values_list("group_id", flat=True).first()
    if member is not None:  # already in a group of the set: no pool, no wait
        _bump({member}, now)
        return _reflection(row, person.handle), True, []
    changes = _change_roster(
        forum, lambda roster: _groups.join(roster, person.user_id, now, rules, new_id), rules.group_size, now,
    )
    return _reflection(row, person.handle), True, changes


def edit_reflection(forum, person, answers, now):
    """Replace the learner's answers; returns the reflection (None if there is none) and
    whether anything changed."""
    row = _Reflection.objects.select_for_update().filter(forum_id=forum.pk, author=person.user_id).first()
    if row is None:
        return None, False
    if row.answers == answers:
        return _reflection(row, person.handle), False
    row.answers, row.edited_at = answers, now
    row.save(update_fields=["answers", "edited_at"])
    _bump_group_of(forum, person.user_id, now)
    return _reflection(row, person.handle), True


def _group_pk_of(forum, user_id):
    return _Membership.objects.filter(group_set_id=forum.group_set, user_id=user_id).values_list("group_id", flat=True).first()


def _bump_group_of(forum, user_id, now):
    group = _group_pk_of(forum, user_id)
    if group is not None:
        _bump({group}, now)


# ----------------------------------------------------------------------- the group view


def group_view(forum, person):
    """The learner's group with its threads, or None when they are in no group.

    A fixed number of indexed queries, whatever the size of the course: the membership,
    the members, their reflections, the comments (with replies and helpful marks joined),
    and the participant rows of everyone who wrote there.
    """
    membership = (
        _Membership.objects.filter(group_set_id=forum.group_set, user_id=person.user_id)
        .select_related("group").first()
    )
    return _load_group(forum, membership.group) if membership else None


#: The newest comments of each thread that one learner state carries; older ones come a
#: page at a time (``older_comments``), so a state stays bounded whatever others write.
COMMENTS_PER_THREAD = 20


def _load_group(forum, group, limit=COMMENTS_PER_THREAD):
    """A group's members, reflections and (the newest ``limit`` per thread, or all when
    None) comments, with each thread's comment count and who gave feedback where."""
    members = tuple(
        _Membership.objects.filter(group_id=group.pk).order_by("id").values_list("user_id", flat=True)
    )
    reflections = list(
        _Reflection.objects.filter(forum_id=forum.pk, author__in=members)
    )
    pks = [r.pk for r in reflections]
    shown = _Comment.objects.filter(reflection__in=pks)
    if limit is not None:
        shown = shown.annotate(rank=Window(
            RowNumber(), partition_by=[F("reflection_id")], order_by=[F("created_at").desc(), F("id").desc()],
        )).filter(rank__lte=limit)
    comments = list(shown.select_related("reply_to", "helpful_mark").order_by("created_at", "id"))
    # Per thread, author and kind: the counts and the feedback edges, however many comments.
    tallies = list(
        _Comment.objects.filter(reflection__in=pks)
        .annotate(top=ExpressionWrapper(Q(reply_to__isnull=True), output_field=BooleanField()))
        .values("reflection_id", "author", "top").annotate(n=Count("id"))
        .values_list("reflection_id", "author", "top", "n")
    )
    wanted = set(members) | {c.author for c in comments} | {author for _r, author, _top, _n in tallies}
    people = {
        row.user_id: _person(row)
        for row in _Participant.objects.filter(forum_id=forum.pk, user_id__in=wanted)
    }

    def handle(user_id):
        found = people.get(user_id)
        return found.handle if found else "?"

    order = {m: i for i, m in enumerate(members)}
    reflections.sort(key=lambda r: order.get(r.author, len(order)))
    uids = {r.pk: r.uid for r in reflections}
    totals = {}
    for reflection_pk, _author, _top, count in tallies:
        totals[uids[reflection_pk]] = totals.get(uids[reflection_pk], 0) + count
    return GroupView(
        uid=group.uid, number=group.number, version=group.version, members=members, people=people,
        reflections=tuple(_reflection(r, handle(r.author)) for r in reflections),
        comments=tuple(_comment(c, uids[c.reflection_id], handle) for c in comments),
        reasons={r.uid: r.hidden_reason for r in reflections if r.hidden}
        | {c.uid: c.hidden_reason for c in comments if c.hidden},
        totals=totals,
        edges=tuple(sorted({(handle(author), uids[r]) for r, author, top, _n in tallies if top})),
    )


def _comment(row, reflection_uid, handle):
    return Comment(
        id=row.uid, author=handle(row.author), reflection_id=reflection_uid, text=row.text,
        created_at=row.created_at, edited_at=row.edited_at, request_id=row.request_id,
        helpful=_has_mark(row), reply_to=row.reply_to.uid if row.reply_to_id else None, hidden=row.hidden,
    )


def older_comments(forum, person, reflection_uid, before_uid, limit=COMMENTS_PER_THREAD):
    """The page of a thread of the learner's group before comment ``before_uid``: up to
    ``limit`` comments, oldest first, and whether there are older ones still.

    Returns ``(comments, reasons, people, more)``; NotFound for a thread or comment outside
    the learner's group.
    """
    reflection, _group = _thread_in_group(forum, person, reflection_uid)
    if reflection is None:
        raise NotFound(_("There is no such reflection in your group."))
    before = _Comment.objects.filter(reflection_id=reflection.pk, uid=before_uid).values("created_at", "pk").first()
    if before is None:
        raise NotFound(_("There is no such comment in this thread."))
    rows = list(
        _Comment.objects.filter(reflection_id=reflection.pk)
        .filter(Q(created_at__lt=before["created_at"]) | Q(created_at=before["created_at"], pk__lt=before["pk"]))
        .select_related("reply_to", "helpful_mark").order_by("-created_at", "-id")[:limit + 1]
    )
    more, rows = len(rows) > limit, rows[:limit][::-1]
    people = {
        row.user_id: _person(row)
        for row in _Participant.objects.filter(forum_id=forum.pk, user_id__in={r.author for r in rows})
    }

    def handle(user_id):
        found = people.get(user_id)
        return found.handle if found else "?"

    comments = tuple(_comment(r, reflection.uid, handle) for r in rows)
    return comments, {r.uid: r.hidden_reason for r in rows if r.hidden}, people, more


def _has_mark(comment):
    try:
        return comment.helpful_mark is not None
    except _HelpfulMark.DoesNotExist:
        return False


def group_version(forum, user_id):
    """``(group uid, version, oldest waiter's since)`` for a learner's no-change poll, or
    None when they are in no group: one indexed query."""
    oldest = (
        _Participant.objects.filter(forum_id=forum.pk, waiting_since__isnull=False)
        .order_by("waiting_since").values("waiting_since")[:1]
    )
    return (
        _Membership.objects.filter(group_set_id=forum.group_set, user_id=user_id)
        .annotate(oldest=Subquery(oldest))
        .values_list("group__uid", "group__version", "oldest").first()
    )


def pool_view(forum, person):
    """How many wait in the pool and the learner's place in line."""
    waiting = _Participant.objects.filter(forum_id=forum.pk, waiting_since__isnull=False)
    count = waiting.count()
    position = None
    if person.waiting_since is not None:
        position = waiting.filter(waiting_since__lt=person.waiting_since).count() + 1
    return Pool(waiting=count, position=position, oldest_since=oldest_waiter(forum) if count else None)


def comments_given(forum, person):
    """Distinct reflections of others the learner has commented on (replies don't count)."""
    return (
        _Comment.objects.filter(forum_id=forum.pk, author=person.user_id, reply_to__isnull=True)
        .exclude(reflection__author=person.user_id)
        .values("reflection_id").distinct().count()
    )


def my_flags(forum, person):
    """Ids of the items the learner has flagged in this forum."""
    return set(_Flag.objects.filter(forum_id=forum.pk, flagger=person.user_id).values_list("item_uid", flat=True))


# ----------------------------------------------------------------------- comments


def _thread_in_group(forum, person, reflection_uid):
    """The reflection row ``reflection_uid`` if its author is in the learner's group."""
    group = _group_pk_of(forum, person.user_id)
    if group is None:
        return None, None
    members = _Membership.objects.filter(group_id=group).values("user_id")
    row = _Reflection.objects.filter(forum_id=forum.pk, uid=reflection_uid, author__in=Subquery(members)).first()
    return row, group


def earlier_comment(forum, person, request_id):
    """The comment the learner's request ``request_id`` created earlier, or None."""
    row = _Comment.objects.filter(forum_id=forum.pk, author=person.user_id, request_id=request_id).select_related("reflection").first()
    return row.uid if row else None


def add_comment(forum, person, reflection_uid, text, request_id, now, new_id, reply_to=None, limit=None):
    """Insert a comment in a thread of the learner's group; returns ``(comment_id, created)``.

    A retried ``request_id`` returns the first comment's id (also when the retry runs at
    the same moment in another process: the unique constraint decides). Raises NotFound
    for a thread (or ``reply_to`` comment) outside the learner's group, Conflict for a
    hidden thread, and ``limit`` (an exception) when the learner already has too many.
    """
    earlier = earlier_comment(forum, person, request_id)
    if earlier:
        return earlier, False
    reflection, group = _thread_in_group(forum, person, reflection_uid)
    if group is None:
        raise WrongStage(_("You are not in a group yet."))
    if reflection is None:
        raise NotFound(_("There is no such reflection in your group."))
    if reflection.hidden:
        raise Conflict(_("This reflection was removed by a moderator."))
    parent = None
    if reply_to is not None:
        parent = _Comment.objects.filter(reflection_id=reflection.pk, uid=reply_to).values_list("pk", flat=True).first()
        if parent is None:
            raise NotFound(_("There is no such comment in this thread."))
    if limit is not None and _Comment.objects.filter(forum_id=forum.pk, author=person.user_id).count() >= limit[0]:
        raise limit[1]
    uid = "c" + new_id()
    try:
        with _db_transaction.atomic():
            _Comment.objects.create(
                uid=uid, forum_id=forum.pk, reflection_id=reflection.pk, reply_to_id=parent, author=person.user_id,
                text=text, request_id=request_id, created_at=now,
            )
    except IntegrityError:  # the same request, sent again at the same moment, won
        earlier = earlier_comment(forum, person, request_id)
        if earlier is None:
            raise
        return earlier, False
    _bump({group}, now)
    return uid, True


def edit_comment(forum, person, comment_uid, text, now):
    """Replace the text of the learner's own comment; returns whether anything changed."""
    row = _Comment.objects.select_for_update().filter(forum_id=forum.pk, uid=comment_uid, author=person.user_id).first()
    if row is None:
        raise NotFound(_("You have no such comment."))
    if row.text == text:
        return False
    row.text, row.edited_at = text, now
    row.save(update_fields=["text", "edited_at"])
    _bump_group_of(forum, person.user_id, now)
    return True


def set_helpful(forum, person, comment_uid, helpful, now):
    """The reflection's author marks (or unmarks) another's comment on it as helpful.

    Returns whether anything changed; NotFound for a comment not on the learner's own
    reflection or written by the learner.
    """
    row = (
        _Comment.objects.filter(forum_id=forum.pk, uid=comment_uid, reflection__author=person.user_id)
        .exclude(author=person.user_id).values_list("pk", flat=True).first()
    )
    if row is None:
        raise NotFound(_("There is no such comment on your reflection."))
    if helpful:
        _mark, created = _HelpfulMark.objects.get_or_create(comment_id=row, defaults={"marked_at": now})
        changed = created
    else:
        changed = bool(_HelpfulMark.objects.filter(comment_id=row).delete()[0])
    if changed:
        _bump_group_of(forum, person.user_id, now)
    return changed


def flag(forum, person, item_uid, reason, now, limit=None):
    """Flag a reflection or comment of the learner's group for staff (again: new reason).

    NotFound for an item outside the group, Conflict for the learner's own text.
    """
    group = _group_pk_of(forum, person.user_id)
    members = _Membership.objects.filter(group_id=group).values("user_id") if group else None
    owner = None
    if members is not None:
        owner = (
            _Reflection.objects.filter(forum_id=forum.pk, uid=item_uid, author__in=Subquery(members))
            .values_list("author", flat=True).first()
            or _Comment.objects.filter(forum_id=forum.pk, uid=item_uid, reflection__author__in=Subquery(members))
            .values_list("author", flat=True).first()
        )
    if owner is None:
        raise NotFound(_("There is no such item in your group."))
    if owner == person.user_id:
        raise Conflict(_("You cannot flag your own text."))
    updated = _Flag.objects.filter(item_uid=item_uid, flagger=person.user_id).update(reason=reason, flagged_at=now)
    if updated:
        return False
    if limit is not None and _Flag.objects.filter(forum_id=forum.pk, flagger=person.user_id).count() >= limit[0]:
        raise limit[1]
    try:
        with _db_transaction.atomic():
            _Flag.objects.create(forum_id=forum.pk, item_uid=item_uid, flagger=person.user_id, reason=reason, flagged_at=now)
    except IntegrityError:  # the same flag from another tab at the same moment
        _Flag.objects.filter(item_uid=item_uid, flagger=person.user_id).update(reason=reason, flagged_at=now)
        return False
    return True


# ----------------------------------------------------------------------- staff


def staff_group(forum, group_uid):
    """Any group of the forum's set, hidden items included (staff only); NotFound if none."""
    group = _PeerGroup.objects.filter(group_set_id=forum.group_set, uid=group_uid).first()
    if group is None:
        raise NotFound(_("There is no such group."))
    return _load_group(forum, group, limit=None)  # staff read every comment


def moderate(forum, item_uid, hide, reason, by, now):
    """Hide (or restore) a reflection or comment of the forum and log the decision.

    The decision log is append-only: every call adds a row, even one that changes nothing.
    Returns whether the item's visibility changed; NotFound for an item not in the forum.
    """
    target = _Reflection.objects.filter(forum_id=forum.pk, uid=item_uid).values_list("author", "hidden").first()
    model = _Reflection
    if target is None:
        target = _Comment.objects.filter(forum_id=forum.pk, uid=item_uid).values_list("reflection__author", "hidden").first()
        model = _Comment
    if target is None:
        raise NotFound(_("There is no such item in this forum."))
    author, hidden = target
    model.objects.filter(uid=item_uid).update(hidden=hide, hidden_reason=reason if hide else "")
    _ModerationDecision.objects.create(
        forum_id=forum.pk, item_uid=item_uid, action="hide" if hide else "restore", reason=reason,
        decided_by=by, decided_at=now,
    )
    _bump_group_of(forum, author, now)
    return hidden != hide


def move_learner(forum, handle, group_uid, rules, now, override=False):
    """Staff move a learner (placed or waiting) into another group of the set.

    Their reflection and comments go with them (threads follow the author's group).
    Raises NotFound for an unknown learner or group, Conflict where the rules refuse.
    """
    user_id = _Participant.objects.filter(forum_id=forum.pk, handle=handle).values_list("user_id", flat=True).first()
    if user_id is None:
        raise NotFound(_("There is no such learner in this forum."))
    return _change_roster(
        forum, lambda roster: _groups.move(roster, user_id, group_uid, rules, override), _EVERY_GROUP, now,
    )


#: ``_change_roster`` loads groups below this size: for a move, every group.
_EVERY_GROUP = 2 ** 31


def report(forum):
    """Plain data for the staff report, aggregated in SQL: one query per kind of record.

    Returns a dict with ``people`` (Person per user id, with ``last_seen``), ``groups``
    (uid, number, size, last_activity, version), ``membership`` (user id -> group uid),
    ``reflections`` (author -> (uid, hidden)), ``given``/``received``/``helpful`` (user
    id -> count), ``comments_per_group`` and ``last_comment`` per group uid, ``flags``
    (item uid -> list of (reason, at)), ``texts`` (flagged item uid -> (kind, author, text))
    and the latest ``decisions``.
    """
    people, last_seen = {}, {}
    for row in _Participant.objects.filter(forum_id=forum.pk).order_by("id"):
        if row.is_staff and row.submitted_at is None:
            continue  # staff who only looked at the learner view are no learners
        people[row.user_id] = _person(row)
        last_seen[row.user_id] = row.last_seen
    groups = list(
        _PeerGroup.objects.filter(group_set_id=forum.group_set).order_by("number")
        .values("pk", "uid", "number", "size", "last_activity", "version")
    )
    by_pk = {g["pk"]: g["uid"] for g in groups}
    membership = {
        user_id: by_pk[group_id]
        for user_id, group_id in _Membership.objects.filter(group_set_id=forum.group_set).values_list("user_id", "group_id")
    }
    reflections = {
        author: (uid, hidden)
        for author, uid, hidden in _Reflection.objects.filter(forum_id=forum.pk).values_list("author", "uid", "hidden")
    }
    feedback_rows = _Comment.objects.filter(forum_id=forum.pk, reply_to__isnull=True).exclude(reflection__author=F("author"))
    given = dict(feedback_rows.values("author").annotate(n=Count("reflection", distinct=True)).values_list("author", "n"))
    received = dict(
        feedback_rows.values("reflection__author").annotate(n=Count("author", distinct=True))
        .values_list("reflection__author", "n")
    )
    helpful = dict(
        _HelpfulMark.objects.filter(comment__forum_id=forum.pk).values("comment__author")
        .annotate(n=Count("id")).values_list("comment__author", "n")
    )
    per_author = dict(
        _Comment.objects.filter(forum_id=forum.pk).values("reflection__author")
        .annotate(n=Count("id"), last=Max("created_at")).values_list("reflection__author", "n")
    )
    flags = {}
    for item_uid, reason, at in _Flag.objects.filter(forum_id=forum.pk).order_by("flagged_at").values_list("item_uid", "reason", "flagged_at"):
        flags.setdefault(item_uid, []).append((reason, at))
    texts = {}
    for uid, author, answers, hidden in _Reflection.objects.filter(forum_id=forum.pk, uid__in=list(flags)).values_list("uid", "author", "answers", "hidden"):
        texts[uid] = ("reflection", author, answers or {}, hidden)
    for uid, author, text, hidden in _Comment.objects.filter(forum_id=forum.pk, uid__in=list(flags)).values_list("uid", "author", "text", "hidden"):
        texts[uid] = ("comment", author, text, hidden)
    decisions = list(
        _ModerationDecision.objects.filter(forum_id=forum.pk).order_by("-decided_at", "-id")[:200]
        .values("item_uid", "action", "reason", "decided_by", "decided_at")
    )
    return {
        "people": people, "last_seen": last_seen, "groups": groups, "membership": membership,
        "reflections": reflections, "given": given, "received": received, "helpful": helpful,
        "comments_by_reflection_author": per_author, "flags": flags, "texts": texts, "decisions": decisions,
    }


def reflection_texts(forum):
    """Every reflection's answers in the forum by author (for a CSV export with texts)."""
    return dict(_Reflection.objects.filter(forum_id=forum.pk).values_list("author", "answers"))


# ----------------------------------------------------------------------- retirement


def retire_user(user_ids):
    """Blank the names and texts of the learner(s) with these anonymous ids, in every forum.

    Their rows stay (groups keep their shape, other learners' threads keep their place);
    display names, answers, comments and flag reasons become empty. Returns counts.
    """
    user_ids = [str(u) for u in user_ids if u]

    def run():
        return {
            "participants": _Participant.objects.filter(user_id__in=user_ids).update(display_name=""),
            "reflections": _Reflection.objects.filter(author__in=user_ids).update(answers={}),
            "comments": _Comment.objects.filter(author__in=user_ids).update(text=""),
            "flags": _Flag.objects.filter(flagger__in=user_ids).update(reason=""),
        }

    return transaction(run) if user_ids else {"participants": 0, "reflections": 0, "comments": 0, "flags": 0}

