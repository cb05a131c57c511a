"""Staff: any group, moderation, the report's data, retirement."""
from django.db.models import Count, F, Max

from ..forum.errors import NotFound, _
from ..models import Comment as _Comment
from ..models import Flag as _Flag
from ..models import HelpfulMark as _HelpfulMark
from ..models import Membership as _Membership
from ..models import ModerationDecision as _ModerationDecision
from ..models import Participant as _Participant
from ..models import PeerGroup as _PeerGroup
from ..models import Reflection as _Reflection
from .core import Person, _bump_group_of, transaction
from .threads import _load_group


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


def report(forum, min_words=0):
    """Plain data for the staff report, aggregated in SQL: one query per kind of record.

    Returns a dict with ``people`` (Person per user id, with ``last_seen``), ``groups``
    (uid, number, size, last_activity, version), ``membership`` (user id -> group uid),
    ``reflections`` (author -> (uid, hidden)), ``given``/``received``/``helpful`` (user
    id -> count), ``comments_per_group`` and ``last_comment`` per group uid, ``flags``
    (item uid -> list of (reason, at)), ``texts`` (flagged item uid -> (kind, author, text))
    and the latest ``decisions``.
    """
    people, last_seen, here = {}, {}, {}
    rows = _Participant.objects.filter(forum_id=forum.pk).order_by("id").values_list(
        "user_id", "handle", "display_name", "accepted_at", "submitted_at", "waiting_since", "last_seen", "is_staff",
        "group_id",
    )
    for user_id, handle, name, accepted_at, submitted_at, waiting_since, seen, is_staff, group_id in rows:
        if is_staff and submitted_at is None:
            continue  # staff who only looked at the learner view are no learners
        if group_id is not None:
            here[user_id] = group_id
        people[user_id] = Person(user_id=user_id, handle=handle, name=name, accepted_at=accepted_at,
                                 submitted_at=submitted_at, waiting_since=waiting_since)
        last_seen[user_id] = seen
    groups = list(
        _PeerGroup.objects.filter(group_set_id=forum.group_set).order_by("number")
        .values("pk", "uid", "number", "size", "last_activity", "version")
    )
    by_pk = {g["pk"]: g["uid"] for g in groups}
    # The group each learner takes part in here; one who has not yet (a member of the set
    # who has not written in this forum) by their group in the set.
    membership = {
        user_id: by_pk[group_id]
        for user_id, group_id in _Membership.objects.filter(group_set_id=forum.group_set).values_list("user_id", "group_id")
        if user_id in people
    }
    membership.update({user_id: by_pk[group_id] for user_id, group_id in here.items() if group_id in by_pk})
    reflections = {
        author: (uid, hidden)
        for author, uid, hidden in _Reflection.objects.filter(forum_id=forum.pk).values_list("author", "uid", "hidden")
    }
    feedback_rows = (
        _Comment.objects.filter(forum_id=forum.pk, reply_to__isnull=True, words__gte=min_words)
        .exclude(reflection__author=F("author"))
    )
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
    flag_rows = _Flag.objects.filter(forum_id=forum.pk).order_by("flagged_at")
    for item_uid, reason, at in flag_rows.values_list("item_uid", "reason", "flagged_at"):
        flags.setdefault(item_uid, []).append((reason, at))
    texts = {}
    flagged_reflections = _Reflection.objects.filter(forum_id=forum.pk, uid__in=list(flags))
    for uid, author, answers, hidden in flagged_reflections.values_list("uid", "author", "answers", "hidden"):
        texts[uid] = ("reflection", author, answers or {}, hidden)
    flagged_comments = _Comment.objects.filter(forum_id=forum.pk, uid__in=list(flags))
    for uid, author, text, hidden in flagged_comments.values_list("uid", "author", "text", "hidden"):
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
