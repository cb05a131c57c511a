"""Groups that last: a group's earlier sessions in the other forums of its group set.

Forums of a course with the same ``group_set`` share their groups (``roster.py``). Their
order is the order in which they were first opened (``Forum.created_at``), which is course
order when the sessions run one after another. ``Participant.group`` says who took part in
which group in each forum, so an earlier session shows the group as it was then: who wrote
there, and only to those who were in it (or, where the forum allows it, to newcomers).
"""
from dataclasses import dataclass

from ..forum.errors import NotFound, _
from ..models import Forum as _Forum
from ..models import Membership as _Membership
from ..models import Participant as _Participant
from ..models import PeerGroup as _PeerGroup
from .core import ForumRef, _group_pk_of
from .threads import COMMENTS_PER_THREAD, _load_group


@dataclass(frozen=True)
class Session:
    """One forum of a group set as later sessions see it; ``number`` is 1-based in set order."""

    number: int
    pk: int
    usage_key: str
    title: str
    prompts: tuple  # ((id, text), ...)
    pseudonymous: bool


@dataclass(frozen=True)
class Continuity:
    """What a member's view of their group says about its earlier sessions.

    ``sessions``: (Session, user ids who took part in the group then), earlier first;
    ``new``: user ids of the group's members now who took part in none of its earlier
    sessions (a member who skipped one session is not new when they come back).
    """

    sessions: tuple = ()
    new: frozenset = frozenset()


def set_sessions(forum):
    """Every forum of the set, in set order, as ``Session`` records."""
    rows = (
        _Forum.objects.filter(group_set_id=forum.group_set).order_by("created_at", "id")
        .values_list("pk", "usage_key", "title", "prompts", "pseudonymous")
    )
    return [
        Session(number=i + 1, pk=pk, usage_key=usage_key, title=title, pseudonymous=pseudonymous,
                prompts=tuple((p.get("id"), p.get("text")) for p in (prompts or []) if isinstance(p, dict)))
        for i, (pk, usage_key, title, prompts, pseudonymous) in enumerate(rows)
    ]


def _earlier_sessions(forum):
    """The forums of the set before this one, in set order (none for a set of its own)."""
    if not forum.shared:
        return []
    sessions = set_sessions(forum)
    mine = next((i for i, s in enumerate(sessions) if s.pk == forum.pk), len(sessions))
    return sessions[:mine]


def _took_part(forum_pks, group_uid):
    """{forum pk: [user ids who took part in the group there, in order]}."""
    found = {}
    rows = (
        _Participant.objects.filter(forum_id__in=forum_pks, group__uid=group_uid, submitted_at__isnull=False)
        .order_by("id").values_list("forum_id", "user_id")
    )
    for forum_pk, user_id in rows:
        found.setdefault(forum_pk, []).append(user_id)
    return found


def continuity(forum, group_uid, members):
    """The group's earlier sessions and who is new since the last one (two queries); an
    empty ``Continuity`` for a forum whose groups are its own."""
    earlier = _earlier_sessions(forum)
    if not earlier:
        return Continuity()
    took_part = _took_part([s.pk for s in earlier], group_uid)
    listed = tuple((s, tuple(took_part.get(s.pk, ()))) for s in earlier if took_part.get(s.pk))
    if not listed:
        return Continuity()
    before = {user_id for _session, took_part in listed for user_id in took_part}
    return Continuity(sessions=listed, new=frozenset(m for m in members if m not in before))


def earlier_session(forum, person, number, newcomers_allowed):
    """Session ``number`` (1-based in set order, earlier than this forum) of the learner's
    group, read-only: ``(Session, GroupView)`` with the group as it was then.

    NotFound for a session that is not an earlier one of the group, or when the learner
    was not in the group then and newcomers may not read it.
    """
    group_pk = _group_pk_of(forum, person.user_id)
    earlier = _earlier_sessions(forum)
    if group_pk is None or not isinstance(number, int) or not 1 <= number <= len(earlier):
        raise NotFound(_("Your group has no such earlier session."))
    session = earlier[number - 1]
    was_there = _Participant.objects.filter(forum_id=session.pk, user_id=person.user_id, group_id=group_pk).exists()
    if not was_there and not newcomers_allowed:
        raise NotFound(_("Only those who were in the group then can read this session."))
    group = _PeerGroup.objects.get(pk=group_pk)
    then = ForumRef(pk=session.pk, group_set=forum.group_set, usage_key=session.usage_key, shared=True)
    view = _load_group(then, group, limit=COMMENTS_PER_THREAD, current=False)
    if not view.reflections:
        raise NotFound(_("Your group has no such earlier session."))
    return session, view


def set_health(forum):
    """Staff: every group of the set with its members now and who took part in which session.

    Returns ``(sessions, groups, names)``: ``groups`` is a list of dicts ``{"pk", "uid",
    "number", "members": [user ids now], "took_part": {session number: [user ids]}}``;
    ``names`` maps everyone listed to their display name (the latest the set knows).
    """
    sessions = set_sessions(forum)
    numbers = {s.pk: s.number for s in sessions}
    groups = list(
        _PeerGroup.objects.filter(group_set_id=forum.group_set).order_by("number").values("pk", "uid", "number")
    )
    members = {}
    for group_pk, user_id in _Membership.objects.filter(group_set_id=forum.group_set).order_by("id").values_list(
            "group_id", "user_id"):
        members.setdefault(group_pk, []).append(user_id)
    took_part, names = {}, {}
    rows = (
        _Participant.objects.filter(forum__group_set_id=forum.group_set)
        .order_by("forum__created_at", "id").values_list("forum_id", "group_id", "user_id", "display_name", "submitted_at")
    )
    for forum_pk, group_pk, user_id, name, submitted in rows:
        names[user_id] = name or names.get(user_id, "")
        if group_pk is not None and submitted is not None:
            took_part.setdefault(group_pk, {}).setdefault(numbers[forum_pk], []).append(user_id)
    result = [
        {**g, "members": members.get(g["pk"], []), "took_part": took_part.get(g["pk"], {})}
        for g in groups if members.get(g["pk"]) or took_part.get(g["pk"])
    ]
    return sessions, result, names
