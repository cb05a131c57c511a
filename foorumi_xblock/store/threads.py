"""Reflections, the group view, comments, helpful marks and flags."""
from django.db import IntegrityError
from django.db import connection as _db_connection
from django.db import transaction as _db_transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Subquery, Window
from django.db.models.functions import RowNumber

from ..forum.errors import Conflict, NotFound, WrongStage, _
from ..forum.records import Comment, handle_of
from ..forum.words import count_words
from ..models import Comment as _Comment
from ..models import Flag as _Flag
from ..models import HelpfulMark as _HelpfulMark
from ..models import Membership as _Membership
from ..models import Participant as _Participant
from ..models import PeerGroup as _PeerGroup
from ..models import Reflection as _Reflection
from .core import GroupView, Person, Pool, _bump, _bump_group_of, _group_pk_of, _person, _reflection, oldest_waiter


def my_reflection(forum, person):
    """The learner's submitted reflection in this forum, or None."""
    row = _Reflection.objects.filter(forum_id=forum.pk, author=person.user_id).first()
    return _reflection(row, person.handle) if row else None


def submitted_count(usage_key):
    """How many learners have submitted a reflection in the forum of this block."""
    return _Reflection.objects.filter(forum__usage_key=str(usage_key)).count()


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


def group_view(forum, person, min_words=0):
    """The learner's group with its threads, or None when they are in no group.

    A fixed number of indexed queries, whatever the size of the course: the membership,
    the members, their reflections, the comments (with replies and helpful marks joined),
    and the participant rows of everyone who wrote there.
    """
    here = (
        _Participant.objects.filter(forum_id=forum.pk, user_id=person.user_id, group__isnull=False)
        .select_related("group").first()
    )
    return _load_group(forum, here.group, min_words=min_words) if here else None


#: The newest comments of each thread that one learner state carries; older ones come a
#: page at a time (``older_comments``), so a state stays bounded whatever others write.
COMMENTS_PER_THREAD = 20


def _load_group(forum, group, limit=COMMENTS_PER_THREAD, min_words=0, current=True):
    """A group's members, reflections and (the newest ``limit`` per thread, or all when
    None) comments in this forum, with each thread's comment count and who gave feedback
    where (comments, not replies, of at least ``min_words`` words).

    The threads are those of the learners who take part in this forum in the group
    (``Participant.group``). ``members``: with ``current``, the group's members in the set
    now (in join order) and, in a shared set, anyone who took part here in it and has left
    since (members placed in another group in this forum are left out); without
    ``current``, only those who took part here.
    """
    took_part = _Participant.objects.filter(forum_id=forum.pk, group_id=group.pk)
    if current and not forum.shared:
        # A forum of its own: its memberships are exactly who takes part here.
        members = tuple(_Membership.objects.filter(group_id=group.pk).order_by("id").values_list("user_id", flat=True))
    else:
        here = tuple(took_part.order_by("id").values_list("user_id", flat=True))
        members = here
        if current:
            now_in = tuple(_Membership.objects.filter(group_id=group.pk).order_by("id").values_list("user_id", flat=True))
            elsewhere = set(
                _Participant.objects.filter(forum_id=forum.pk, user_id__in=now_in, group__isnull=False)
                .exclude(group_id=group.pk).values_list("user_id", flat=True)
            )
            members = tuple(m for m in now_in if m not in elsewhere) + tuple(m for m in here if m not in now_in)
    reflections = list(
        _Reflection.objects.filter(forum_id=forum.pk, author__in=Subquery(took_part.values("user_id")))
    )
    pks = [r.pk for r in reflections]
    # Per thread, author and kind: the counts and the feedback edges, however many comments.
    tallies = list(
        _Comment.objects.filter(reflection__in=pks)
        .annotate(top=ExpressionWrapper(Q(reply_to__isnull=True, words__gte=min_words), output_field=BooleanField()))
        .values("reflection_id", "author", "top").annotate(n=Count("id"))
        .values_list("reflection_id", "author", "top", "n")
    )
    per_thread = {}
    for reflection_pk, _author, _top, count in tallies:
        per_thread[reflection_pk] = per_thread.get(reflection_pk, 0) + count
    shown = _Comment.objects.filter(reflection__in=pks)
    if limit is not None and any(count > limit for count in per_thread.values()):
        # Only when a thread is longer than a page: the newest ``limit`` of each thread.
        shown = shown.annotate(rank=Window(
            RowNumber(), partition_by=[F("reflection_id")], order_by=[F("created_at").desc(), F("id").desc()],
        )).filter(rank__lte=limit)
    comments = list(shown.select_related("reply_to", "helpful_mark").order_by("created_at", "id"))
    wanted = set(members) | {c.author for c in comments} | {author for _r, author, _top, _n in tallies}
    people = {
        row.user_id: _person(row)
        for row in _Participant.objects.filter(forum_id=forum.pk, user_id__in=wanted)
    }
    absent = [m for m in members if m not in people]
    if absent:  # members of the set's group who have not opened this forum yet
        for user_id, name in (
            _Participant.objects.filter(forum__group_set_id=forum.group_set, user_id__in=absent)
            .order_by("last_seen").values_list("user_id", "display_name")
        ):  # the latest name the set knows
            people[user_id] = Person(user_id=user_id, handle=handle_of(forum.usage_key, user_id), name=name)

    def handle(user_id):
        found = people.get(user_id)
        return found.handle if found else "?"

    order = {m: i for i, m in enumerate(members)}
    reflections.sort(key=lambda r: order.get(r.author, len(order)))
    uids = {r.pk: r.uid for r in reflections}
    totals = {uids[pk]: count for pk, count in per_thread.items()}
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
        words=row.words,
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
    found = (
        _Participant.objects.filter(forum_id=forum.pk, user_id=user_id)
        .annotate(oldest=Subquery(oldest))
        .values_list("group__uid", "group__version", "oldest").first()
    )
    return found if found and found[0] is not None else None


def pool_view(forum, person):
    """How many wait in the pool and the learner's place in line."""
    waiting = _Participant.objects.filter(forum_id=forum.pk, waiting_since__isnull=False)
    count = waiting.count()
    position = None
    if person.waiting_since is not None:
        position = waiting.filter(waiting_since__lt=person.waiting_since).count() + 1
    groups = _PeerGroup.objects.filter(group_set_id=forum.group_set).count()
    return Pool(waiting=count, position=position, oldest_since=oldest_waiter(forum) if count else None, groups=groups)


def comments_given(forum, person, min_words=0):
    """Distinct reflections of others the learner has given feedback on: comments of at least
    ``min_words`` words (replies don't count)."""
    return (
        _Comment.objects.filter(forum_id=forum.pk, author=person.user_id, reply_to__isnull=True, words__gte=min_words)
        .exclude(reflection__author=person.user_id)
        .values("reflection_id").distinct().count()
    )


def my_flags(forum, person):
    """Ids of the items the learner has flagged in this forum."""
    return set(_Flag.objects.filter(forum_id=forum.pk, flagger=person.user_id).values_list("item_uid", flat=True))


def _thread_in_group(forum, person, reflection_uid):
    """The reflection row ``reflection_uid`` if its author is in the learner's group."""
    group = _group_pk_of(forum, person.user_id)
    if group is None:
        return None, None
    members = _Participant.objects.filter(forum_id=forum.pk, group_id=group).values("user_id")
    row = _Reflection.objects.filter(forum_id=forum.pk, uid=reflection_uid, author__in=Subquery(members)).first()
    return row, group


def earlier_comment(forum, person, request_id):
    """The comment the learner's request ``request_id`` created earlier, or None."""
    row = _Comment.objects.filter(forum_id=forum.pk, author=person.user_id, request_id=request_id).only("uid").first()
    return row.uid if row else None


def add_comment(forum, person, reflection_uid, text, request_id, now, new_id, reply_to=None, limit=None):
    """Insert a comment in a thread of the learner's group; returns ``(comment_id, created)``.

    A retried ``request_id`` returns the first comment's id (also when the retry runs at
    the same moment in another process: the unique constraint decides). Raises NotFound
    for a thread (or ``reply_to`` comment) outside the learner's group, Conflict for a
    hidden thread, and ``limit`` (an exception) when the learner already has too many.

    Everything it checks comes from one query (the learner's group; the thread, if its
    author is in that group; the ``reply_to`` comment in it; a comment of the same request
    id; how many the learner has written): then the insert and the group's version bump.
    """
    checks = _comment_checks(forum, person, reflection_uid, request_id, reply_to, limit)
    if checks["earlier"]:
        return checks["earlier"], False
    group = checks["group_id"]
    if group is None:
        raise WrongStage(_("You are not in a group yet."))
    if checks["thread"] is None:
        raise NotFound(_("There is no such reflection in your group."))
    if checks["hidden"]:
        raise Conflict(_("This reflection was removed by a moderator."))
    parent = checks.get("parent")
    if reply_to is not None and parent is None:
        raise NotFound(_("There is no such comment in this thread."))
    if limit is not None and (checks["written"] or 0) >= limit[0]:
        raise limit[1]
    uid = "c" + new_id()
    try:
        with _db_transaction.atomic():
            _Comment.objects.create(
                uid=uid, forum_id=forum.pk, reflection_id=checks["thread"], reply_to_id=parent, author=person.user_id,
                text=text, words=count_words(text), request_id=request_id, created_at=now,
            )
    except IntegrityError:  # the same request, sent again at the same moment, won
        earlier = earlier_comment(forum, person, request_id)
        if earlier is None:
            raise
        return earlier, False
    _bump({group}, now)
    return uid, True


def _comment_checks(forum, person, reflection_uid, request_id, reply_to, limit):
    """What ``add_comment`` checks, in one query on the learner's participant row, as a dict:
    ``group_id``; ``thread`` and ``hidden``, the reflection ``reflection_uid`` if its author
    takes part in that group; ``parent``, the ``reply_to`` comment in that thread (None
    without ``reply_to``); ``earlier``, the learner's comment of ``request_id``; ``written``,
    how many comments the learner has in this forum (with ``limit``).

    Plain SQL (portable: scalar subqueries, each on a unique key or a count): the profile
    of a comment showed Django compiling this as nested subqueries cost more than the four
    round trips it saves; as SQL it is one round trip and no compiling.
    """
    quote = _db_connection.ops.quote_name
    reflections, participants, comments = (
        quote(model._meta.db_table) for model in (_Reflection, _Participant, _Comment))
    parent = "NULL"
    params = [forum.pk, reflection_uid, forum.pk, forum.pk, reflection_uid, forum.pk, person.user_id, request_id]
    if reply_to is not None:
        parent = (f"(SELECT c.id FROM {comments} c WHERE c.forum_id = %s AND c.uid = %s AND c.reflection_id = "
                  f"(SELECT r.id FROM {reflections} r WHERE r.forum_id = %s AND r.uid = %s))")
        params += [forum.pk, reply_to, forum.pk, reflection_uid]
    written = "NULL"
    if limit is not None:
        written = f"(SELECT COUNT(*) FROM {comments} c WHERE c.forum_id = %s AND c.author = %s)"
        params += [forum.pk, person.user_id]
    params += [forum.pk, person.user_id]
    sql = (
        f"SELECT p.group_id, "
        f"(SELECT r.id FROM {reflections} r WHERE r.forum_id = %s AND r.uid = %s AND r.author IN "
        f"(SELECT m.user_id FROM {participants} m WHERE m.forum_id = %s AND m.group_id = p.group_id)), "
        f"(SELECT r.hidden FROM {reflections} r WHERE r.forum_id = %s AND r.uid = %s), "
        f"(SELECT c.uid FROM {comments} c WHERE c.forum_id = %s AND c.author = %s AND c.request_id = %s), "
        f"{parent}, {written} FROM {participants} p WHERE p.forum_id = %s AND p.user_id = %s"
    )
    with _db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # no participant row (the request enters first): in no group
        return {"group_id": None, "thread": None, "hidden": None, "parent": None, "written": None,
                "earlier": earlier_comment(forum, person, request_id)}
    return dict(zip(("group_id", "thread", "hidden", "earlier", "parent", "written"), row, strict=True))


def edit_comment(forum, person, comment_uid, text, now):
    """Replace the text of the learner's own comment; returns whether anything changed."""
    row = _Comment.objects.select_for_update().filter(forum_id=forum.pk, uid=comment_uid, author=person.user_id).first()
    if row is None:
        raise NotFound(_("You have no such comment."))
    if row.text == text:
        return False
    row.text, row.words, row.edited_at = text, count_words(text), now
    row.save(update_fields=["text", "words", "edited_at"])
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
    members = _Participant.objects.filter(forum_id=forum.pk, group_id=group).values("user_id") if group else None
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
