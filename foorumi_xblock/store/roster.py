"""Who is in which group: every change goes through ``_change_roster`` under the roster lock.

Groups belong to the forum's group set, which several forums of a course may share
(``group_set``): a learner's membership in the set is their group in every later forum of
it. ``Participant.group`` records the group a learner takes part in in one forum; it is set
when they are placed there and follows moves and merges made in that forum only, so an
earlier session keeps the group it had.
"""
from django.db.models import Max

from ..forum import groups as _groups
from ..forum.errors import Conflict, NotFound, _
from ..models import Membership as _Membership
from ..models import Participant as _Participant
from ..models import PeerGroup as _PeerGroup
from ..models import Reflection as _Reflection
from .core import _bump, _reflection, _set_group_pk_of, lock_roster, oldest_waiter
from .threads import my_reflection


def _group_rows(forum, below):
    """The set's groups with fewer than ``below`` members (none: a group emptied by moves
    is kept only for the sessions it took part in), with their member ids."""
    rows = list(
        _PeerGroup.objects.filter(group_set_id=forum.group_set, size__lt=below, size__gt=0)
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
    lock_roster(forum)
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
            # In this forum their threads are now the group's (earlier forums keep theirs).
            _Participant.objects.filter(forum_id=forum.pk, user_id__in=added).update(group_id=pks[group.id])
        if set(group.members) != before_members.get(group.id):
            touched.add(pks[group.id])
            _PeerGroup.objects.filter(pk=pks[group.id]).update(size=len(group.members))
    gone = [pks[uid] for uid in {g.id for g in roster.groups} - {g.id for g in after.groups}]
    if gone:  # emptied by a move or a merge: the domain dropped it
        _PeerGroup.objects.filter(pk__in=gone).update(size=0)
        # Deleted unless an earlier session of the set took place in it.
        _PeerGroup.objects.filter(pk__in=gone, memberships__isnull=True, participants__isnull=True).delete()
    waiting_before = {w.learner_id for w in roster.pool}
    waiting_after = {w.learner_id for w in after.pool}
    if waiting_before - waiting_after:
        _Participant.objects.filter(forum_id=forum.pk, user_id__in=waiting_before - waiting_after).update(waiting_since=None)
    for waiter in after.pool:
        if waiter.learner_id not in waiting_before:
            _Participant.objects.filter(forum_id=forum.pk, user_id=waiter.learner_id).update(waiting_since=waiter.since)
    _bump(touched, now)
    return changes




def apply_pool_timeout(forum, rules, now, new_id):
    """Group the pool when anyone has waited ``pool_timeout_hours``; the changes made.

    Checked without a lock first (one indexed query), so a forum with nobody overdue pays
    nothing more; under the roster lock the pool is read again before deciding.
    """
    since = oldest_waiter(forum)
    if since is None or now - since < rules.pool_timeout_seconds:
        return []
    return _change_roster(forum, lambda roster: _groups.expire(roster, now, rules, new_id), rules.max_group_size, now)


def form_groups_now(forum, rules, now, new_id):
    """Staff's "form groups now": everyone waiting is placed (see ``groups.form_now``)."""
    return _change_roster(forum, lambda roster: _groups.form_now(roster, now, rules, new_id), rules.max_group_size, now)


def submit(forum, person, answers, request_id, now, rules, new_id):
    """Submit the learner's reflection and place them (join a group or wait in the pool).

    Returns ``(reflection, created, changes)``. A retry of the same ``request_id`` returns
    the first reflection with ``created`` False and changes nothing; a submit with another
    ``request_id`` when one exists raises Conflict. Runs under the roster lock.
    """
    lock_roster(forum)
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
    member = _set_group_pk_of(forum, person.user_id)
    if member is not None:  # already in a group of the set: no pool, no wait
        _Participant.objects.filter(forum_id=forum.pk, user_id=person.user_id).update(group_id=member)
        _bump({member}, now)
        return _reflection(row, person.handle), True, []
    changes = _change_roster(
        forum, lambda roster: _groups.join(roster, person.user_id, now, rules, new_id), rules.group_size, now,
    )
    return _reflection(row, person.handle), True, changes


#: ``_change_roster`` loads groups below this size: for a move, every group.
_EVERY_GROUP = 2 ** 31


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


def merge_groups(forum, source_uid, target_uid, rules, now):
    """Staff merge two groups of the set: every member of ``source`` joins ``target``, in
    this forum and in later forums of the set (earlier sessions keep their groups).

    Raises NotFound for a group not in the set, Conflict where the rules refuse (the same
    group twice, or more members than ``max_group_size``).
    """
    return _change_roster(
        forum, lambda roster: _groups.merge(roster, source_uid, target_uid, rules), _EVERY_GROUP, now,
    )
