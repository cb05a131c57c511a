"""Feedback within a group: whose reflection to comment on next, progress, completion.

The group's comments are known as ``CommentEdge``s (who commented on whose reflection,
ids only), kept in the shared index. ``reflections`` maps an author's learner id to the id
of their visible (submitted, not hidden) reflection in the group.

Why the suggestion order is what it is
--------------------------------------
The forum promises that under full participation every member receives at least
``comments_required`` comments. "Fewest comments received first" does not keep that
promise: in a group A, B, C, D with two comments required, learners who each follow it can
comment A->B, A->C, B->D, B->A, C->D, D->A, D->B, after which C must comment on A or B
(C already commented on D) and C's own reflection is left with one comment.

``suggestions`` therefore puts first the reflections still short of ``comments_required``,
in the order of the members after ``me`` (cyclically); then the others, fewest comments
first. Under full participation (every member of the group has a visible reflection before
anyone comments, and each comments on their first suggestion until they have given
``comments_required <= len(members) - 1``), member ``i`` comments on members ``i+1 ...
i+r`` whatever the interleaving, so every reflection receives exactly ``r``: by induction,
when ``i`` has given ``c < r`` comments, on ``i+1 .. i+c``, the reflection of ``i+c+1`` has
been commented on only by members among ``i+c+1-r .. i+c`` other than ``i``, so at most
``r - 1`` times: it is still short, and every member between ``i`` and it is already
commented on by ``i``. A member who joins after the others have finished commenting
cannot be helped by this order (nobody owes them comments any more).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .records import malformed, read_str


@dataclass(frozen=True)
class CommentEdge:
    """``commenter`` wrote comment ``comment_id`` in the thread of ``reflection_author``'s
    reflection ``reflection_id``."""

    comment_id: str
    commenter: str
    reflection_id: str
    reflection_author: str

    def to_dict(self) -> dict:
        """JSON-able form with every field."""
        return {"comment_id": self.comment_id, "commenter": self.commenter,
                "reflection_id": self.reflection_id,
                "reflection_author": self.reflection_author}

    @classmethod
    def from_dict(cls, data) -> "CommentEdge":
        """Read an edge back from storage; Invalid when malformed."""
        what = "comment edge"
        if not isinstance(data, dict):
            raise malformed(what, "record")
        return cls(**{name: read_str(data, name, what) for name in
                      ("comment_id", "commenter", "reflection_id", "reflection_author")})

    @property
    def is_feedback(self) -> bool:
        """True when the commenter is not the reflection's author (a reply in one's own
        thread is not feedback)."""
        return self.commenter != self.reflection_author


@dataclass(frozen=True)
class Progress:
    """How far a learner is: submitted, and comments given on distinct peers' reflections."""

    submitted: bool
    comments_given: int
    comments_required: int
    complete: bool

    @property
    def grade(self) -> float:
        """The fraction of requirements met: submitting counts as one, each required
        comment as one more."""
        met = int(self.submitted) + min(self.comments_given, self.comments_required)
        return met / (1 + self.comments_required)

    def to_dict(self) -> dict:
        """JSON-able form: ``{"submitted", "comments_given", "comments_required",
        "complete"}``."""
        return {"submitted": self.submitted, "comments_given": self.comments_given,
                "comments_required": self.comments_required, "complete": self.complete}


def required_comments(comments_required: int, group_size: int) -> int:
    """The requirement a member of a group of ``group_size`` can actually meet: at most
    one comment per other member (a group of two formed from the pool, or a group shrunk
    by staff, cannot give two comments each)."""
    return max(0, min(comments_required, group_size - 1))


def comments_received(edges: Iterable[CommentEdge]) -> dict[str, int]:
    """For each reflection id, the number of distinct commenters other than its author."""
    commenters: dict[str, set[str]] = {}
    for edge in edges:
        if edge.is_feedback:
            commenters.setdefault(edge.reflection_id, set()).add(edge.commenter)
    return {reflection_id: len(people) for reflection_id, people in commenters.items()}


def commented_on(me: str, edges: Iterable[CommentEdge]) -> set[str]:
    """Ids of the other learners' reflections that ``me`` has commented on."""
    return {edge.reflection_id for edge in edges if edge.commenter == me and edge.is_feedback}


def progress(me: str, submitted: bool, edges: Iterable[CommentEdge],
             comments_required: int) -> Progress:
    """``me``'s progress: comments given counts distinct reflections of other learners
    (several comments on one reflection count once; replies in one's own thread not at
    all); complete when submitted and at least ``comments_required`` given."""
    given = len(commented_on(me, edges))
    return Progress(submitted=bool(submitted), comments_given=given,
                    comments_required=comments_required,
                    complete=bool(submitted) and given >= comments_required)


def _after(me: str, members: Sequence[str]):
    """Rank of each member in the cyclic order starting just after ``me`` (``me`` last;
    when ``me`` is not a member, the members' own order)."""
    start = members.index(me) + 1 if me in members else 0
    count = len(members)
    return {member: (index - start) % count for index, member in enumerate(members)}


def suggestions(me: str, members: Sequence[str], reflections: Mapping[str, str],
                edges: Iterable[CommentEdge],
                comments_required: int | None = None) -> list[str]:
    """Reflection ids ``me`` should comment on, most needed first; own reflection and
    those ``me`` already commented on are left out.

    Reflections still short of ``comments_required`` distinct commenters come first, in
    the order of the members after ``me`` (cyclically); then the rest, fewest commenters
    first, in the same order on a tie. Without ``comments_required`` every reflection
    counts as short, which keeps the guarantee of the module docstring but ignores need.
    """
    edges = list(edges)
    received = comments_received(edges)
    done = commented_on(me, edges)
    rank = _after(me, members)

    def need(author):
        count = received.get(reflections[author], 0)
        short = comments_required is None or count < comments_required
        return (0, 0, rank.get(author, len(members))) if short else (
            1, count, rank.get(author, len(members)))

    authors = [author for author in reflections
               if author != me and reflections[author] not in done]
    return [reflections[author] for author in sorted(authors, key=need)]


def needs_feedback(members: Sequence[str], reflections: Mapping[str, str],
                   edges: Iterable[CommentEdge], comments_required: int) -> list[str]:
    """Ids of the visible reflections with fewer than ``comments_required`` distinct
    commenters, in the order of their authors in ``members``."""
    received = comments_received(edges)
    order = [author for author in members if author in reflections]
    order += [author for author in reflections if author not in members]
    return [reflections[author] for author in order
            if received.get(reflections[author], 0) < comments_required]
