"""Groups: the pool, group formation, late joiners, staff moves and rebalancing.

Groups are formed only from learners who submitted, so nobody is grouped with people
who never showed up. Every function takes a ``Roster`` (plain, immutable data) and returns
a new one together with a list of change records saying what happened, so the XBlock can
persist the roster and tell staff what changed. Time (``now``, epoch seconds) and group
ids (``new_id``) are passed in: the same inputs give the same result.

Invariant kept by every function: each learner id appears at most once in the roster,
either as a member of exactly one group or as a waiter in the pool.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .errors import Conflict, Invalid, NotFound, _

NewId = Callable[[], str]

#: A learner may not be moved out of a group that would be left smaller than this
#: (unless staff override): a group of one is nobody's peer group.
MIN_GROUP_AFTER_MOVE = 2


# ---------------------------------------------------------------------------- data


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class GroupRules:
    """How big groups are: joiners fill groups up to ``group_size``; ``min_group_size``
    waiters form a new group; nothing but a staff override goes above ``max_group_size``;
    nobody waits in the pool longer than ``pool_timeout_hours``."""

    group_size: int = 5
    min_group_size: int = 3
    max_group_size: int = 7
    pool_timeout_hours: float = 24

    def __post_init__(self):
        sizes = (self.min_group_size, self.group_size, self.max_group_size)
        if not all(_is_int(size) for size in sizes):
            raise Invalid(_("Group sizes must be whole numbers."))
        if not 1 <= self.min_group_size <= self.group_size <= self.max_group_size:
            raise Invalid(
                _("Group sizes must satisfy 1 <= minimum (%(min)s) <= size (%(size)s) "
                  "<= maximum (%(max)s)."),
                min=self.min_group_size, size=self.group_size, max=self.max_group_size)
        if not _is_number(self.pool_timeout_hours) or self.pool_timeout_hours < 0:
            raise Invalid(_("The pool timeout must be a number of hours, 0 or more."))

    @property
    def pool_timeout_seconds(self) -> float:
        """The pool timeout in seconds."""
        return self.pool_timeout_hours * 3600.0


@dataclass(frozen=True)
class Group:
    """A group of peers; ``members`` are learner ids in join order."""

    id: str
    members: tuple[str, ...]
    created_at: float

    def to_dict(self) -> dict:
        """JSON-able form: ``{"id", "members", "created_at"}``."""
        return {"id": self.id, "members": list(self.members), "created_at": self.created_at}


@dataclass(frozen=True)
class Waiter:
    """A submitter waiting in the pool since ``since`` (epoch seconds)."""

    learner_id: str
    since: float

    def to_dict(self) -> dict:
        """JSON-able form: ``{"id", "since"}``."""
        return {"id": self.learner_id, "since": self.since}


@dataclass(frozen=True)
class Roster:
    """All groups of one forum (in creation order) and the pool (in arrival order)."""

    groups: tuple[Group, ...] = ()
    pool: tuple[Waiter, ...] = ()

    def group_of(self, learner_id: str) -> Group | None:
        """The group ``learner_id`` is a member of, or None."""
        for group in self.groups:
            if learner_id in group.members:
                return group
        return None

    def group(self, group_id: str) -> Group | None:
        """The group with id ``group_id``, or None."""
        for group in self.groups:
            if group.id == group_id:
                return group
        return None

    def is_waiting(self, learner_id: str) -> bool:
        """True when ``learner_id`` waits in the pool."""
        return any(waiter.learner_id == learner_id for waiter in self.pool)

    def is_known(self, learner_id: str) -> bool:
        """True when ``learner_id`` is in a group or waiting."""
        return self.group_of(learner_id) is not None or self.is_waiting(learner_id)

    def learners(self) -> list[str]:
        """Every learner in the roster: group members (group by group), then waiters."""
        placed = [member for group in self.groups for member in group.members]
        return placed + [waiter.learner_id for waiter in self.pool]

    def to_dict(self) -> dict:
        """Compact JSON-able form (ids and times only); ``from_dict`` is its inverse."""
        return {"groups": [group.to_dict() for group in self.groups],
                "pool": [waiter.to_dict() for waiter in self.pool]}

    @classmethod
    def from_dict(cls, data) -> "Roster":
        """Read a roster back from storage; None or ``{}`` is the empty roster.

        Malformed data raises Invalid. A learner listed twice (possible only after a
        storage fault) keeps their first place, groups before the pool, so the roster
        invariant holds whatever was stored.
        """
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise _malformed("roster")
        seen_learners, seen_groups = set(), set()
        groups = []
        for item in _list_of(data.get("groups", []), "roster"):
            group = _group_from_dict(item)
            if group.id in seen_groups:
                continue
            seen_groups.add(group.id)
            members = tuple(_unique(group.members, seen_learners))
            groups.append(replace(group, members=members))
        pool = []
        for item in _list_of(data.get("pool", []), "roster"):
            waiter = _waiter_from_dict(item)
            if waiter.learner_id not in seen_learners:
                seen_learners.add(waiter.learner_id)
                pool.append(waiter)
        return cls(groups=tuple(groups), pool=tuple(pool))


def waiting_since(roster: Roster, learner_id: str) -> float | None:
    """When ``learner_id`` started waiting in the pool, or None if they are not waiting."""
    for waiter in roster.pool:
        if waiter.learner_id == learner_id:
            return waiter.since
    return None


def _malformed(what):
    return Invalid(_("A stored %(what)s is malformed."), what=what)


def _list_of(value, what):
    if not isinstance(value, list):
        raise _malformed(what)
    return value


def _unique(ids, seen):
    for learner_id in ids:
        if learner_id not in seen:
            seen.add(learner_id)
            yield learner_id


def _nonempty_str(value):
    return isinstance(value, str) and value != ""


def _group_from_dict(data) -> Group:
    if not isinstance(data, dict) or not _nonempty_str(data.get("id")):
        raise _malformed("group")
    members = _list_of(data.get("members", []), "group")
    if not all(_nonempty_str(member) for member in members):
        raise _malformed("group")
    created_at = data.get("created_at", 0.0)
    if not _is_number(created_at):
        raise _malformed("group")
    return Group(id=data["id"], members=tuple(members), created_at=created_at)


def _waiter_from_dict(data) -> Waiter:
    if not isinstance(data, dict) or not _nonempty_str(data.get("id")):
        raise _malformed("pool entry")
    since = data.get("since", 0.0)
    if not _is_number(since):
        raise _malformed("pool entry")
    return Waiter(learner_id=data["id"], since=since)


# ---------------------------------------------------------------------- changes


@dataclass(frozen=True)
class Placed:
    """``learner_id`` became a member of the existing group ``group_id``."""

    learner_id: str
    group_id: str

    def to_dict(self) -> dict:
        """JSON-able form with ``"kind": "placed"``."""
        return {"kind": "placed", "learner_id": self.learner_id, "group_id": self.group_id}


@dataclass(frozen=True)
class Waiting:
    """``learner_id`` waits in the pool."""

    learner_id: str

    def to_dict(self) -> dict:
        """JSON-able form with ``"kind": "waiting"``."""
        return {"kind": "waiting", "learner_id": self.learner_id}


@dataclass(frozen=True)
class GroupFormed:
    """A new group ``group_id`` was formed of ``members``."""

    group_id: str
    members: tuple[str, ...]

    def to_dict(self) -> dict:
        """JSON-able form with ``"kind": "group_formed"``."""
        return {"kind": "group_formed", "group_id": self.group_id, "members": list(self.members)}


@dataclass(frozen=True)
class Moved:
    """``learner_id`` moved from ``from_group`` (None: from the pool) to ``to_group``."""

    learner_id: str
    from_group: str | None
    to_group: str

    def to_dict(self) -> dict:
        """JSON-able form with ``"kind": "moved"``."""
        return {"kind": "moved", "learner_id": self.learner_id,
                "from_group": self.from_group, "to_group": self.to_group}


@dataclass(frozen=True)
class Merged:
    """Group ``from_group`` ceased to exist; its ``members`` joined ``into_group``."""

    from_group: str
    into_group: str
    members: tuple[str, ...]

    def to_dict(self) -> dict:
        """JSON-able form with ``"kind": "merged"``."""
        return {"kind": "merged", "from_group": self.from_group,
                "into_group": self.into_group, "members": list(self.members)}


@dataclass(frozen=True)
class LeftAlone:
    """``learner_id`` could not be grouped (alone, every group at ``max_group_size``):
    they stay waiting."""

    learner_id: str

    def to_dict(self) -> dict:
        """JSON-able form with ``"kind": "left_alone"``."""
        return {"kind": "left_alone", "learner_id": self.learner_id}


Change = Placed | Waiting | GroupFormed | Moved | Merged | LeftAlone


# ----------------------------------------------------------------- small helpers


def _smallest(groups: list[Group], below: int, exclude: str | None = None) -> int | None:
    """Index of the smallest group with fewer than ``below`` members (oldest on a tie)."""
    best = None
    for index, group in enumerate(groups):
        if group.id == exclude or len(group.members) >= below:
            continue
        if best is None or len(group.members) < len(groups[best].members):
            best = index
    return best


def _add_member(groups: list[Group], index: int, learner_id: str) -> None:
    groups[index] = replace(groups[index], members=groups[index].members + (learner_id,))


def split_sizes(count: int, rules: GroupRules) -> list[int]:
    """Sizes, as equal as possible, for ``count`` learners forming new groups.

    The fewest groups whose sizes all lie within ``min_group_size..group_size``; failing
    that, within ``min_group_size..max_group_size``; failing that (or when ``count`` is
    below the minimum), the fewest groups none of which exceeds ``max_group_size``. A group
    of one is never formed (unless ``min_group_size`` is 1): that learner is left over, so
    the sizes may add up to ``count - 1``.
    """
    if count <= 0:
        return []
    for low, high in ((rules.min_group_size, rules.group_size),
                      (rules.min_group_size, rules.max_group_size)):
        for parts in range(math.ceil(count / high), count // low + 1):
            if low <= count // parts and math.ceil(count / parts) <= high:
                return _even(count, parts)
    sizes = _even(count, math.ceil(count / rules.max_group_size))
    return [size for size in sizes if size > 1 or rules.min_group_size == 1]


def _even(count, parts):
    base, extra = divmod(count, parts)
    return [base + 1] * extra + [base] * (parts - extra)


def _form_groups(waiters, now, rules, new_id):
    """New groups of the given waiters, in arrival order, sized by ``split_sizes``;
    returns (groups, changes, waiters left over)."""
    groups, changes, start = [], [], 0
    for size in split_sizes(len(waiters), rules):
        members = tuple(waiter.learner_id for waiter in waiters[start:start + size])
        start += size
        group = Group(id=new_id(), members=members, created_at=now)
        groups.append(group)
        changes.append(GroupFormed(group.id, members))
    return groups, changes, tuple(waiters[start:])


# --------------------------------------------------------------------- the rules


def join(roster: Roster, learner_id: str, now: float, rules: GroupRules,
         new_id: NewId) -> tuple[Roster, list[Change]]:
    """A submitter joins the smallest group below ``group_size`` (oldest on a tie), else
    waits in the pool; as soon as ``min_group_size`` wait, they form a new group.

    Joining again when already placed or waiting changes nothing.
    """
    if roster.is_known(learner_id):
        return roster, []
    groups = list(roster.groups)
    index = _smallest(groups, below=rules.group_size)
    if index is not None:
        _add_member(groups, index, learner_id)
        return replace(roster, groups=tuple(groups)), [Placed(learner_id, groups[index].id)]
    pool = roster.pool + (Waiter(learner_id, now),)
    if len(pool) < rules.min_group_size:
        return replace(roster, pool=pool), [Waiting(learner_id)]
    formed, changes, left = _form_groups(pool, now, rules, new_id)
    return Roster(groups=tuple(groups + formed), pool=left), changes


def form_now(roster: Roster, now: float, rules: GroupRules,
             new_id: NewId) -> tuple[Roster, list[Change]]:
    """Group everyone waiting (staff's "form groups now", or the pool timeout).

    In arrival order, waiters first fill groups below ``group_size`` as ``join`` would.
    If ``min_group_size`` or more are left, they form new groups (``split_sizes``); anyone
    still left goes into the smallest group below ``max_group_size``. Those with no room
    anywhere form a group of their own, even of two; a single learner with nowhere to go
    stays waiting and is reported as ``LeftAlone``.
    """
    groups = list(roster.groups)
    changes: list[Change] = []

    def seat(waiters, below):
        left = []
        for waiter in waiters:
            index = _smallest(groups, below=below)
            if index is None:
                left.append(waiter)
            else:
                _add_member(groups, index, waiter.learner_id)
                changes.append(Placed(waiter.learner_id, groups[index].id))
        return left

    def form(waiters):
        formed, formed_changes, left = _form_groups(waiters, now, rules, new_id)
        groups.extend(formed)
        changes.extend(formed_changes)
        return left

    left = seat(roster.pool, below=rules.group_size)
    if len(left) >= rules.min_group_size:
        left = form(left)
    left = form(seat(left, below=rules.max_group_size))
    changes.extend(LeftAlone(waiter.learner_id) for waiter in left)
    return Roster(groups=tuple(groups), pool=left), changes


def expire(roster: Roster, now: float, rules: GroupRules,
           new_id: NewId) -> tuple[Roster, list[Change]]:
    """When anyone has waited ``pool_timeout_hours`` or longer, group the pool now
    (``form_now``); otherwise change nothing."""
    if any(now - waiter.since >= rules.pool_timeout_seconds for waiter in roster.pool):
        return form_now(roster, now, rules, new_id)
    return roster, []


def move(roster: Roster, learner_id: str, group_id: str, rules: GroupRules,
         override: bool = False) -> tuple[Roster, list[Change]]:
    """Staff move a learner (placed or waiting) into another existing group.

    Raises NotFound for an unknown learner or group and Conflict when the learner is
    already there; unless ``override``, also Conflict when the target would exceed
    ``max_group_size`` or the source would keep fewer than two members. A group left
    empty by an override disappears.
    """
    target = roster.group(group_id)
    if target is None:
        raise NotFound(_("There is no group %(group_id)s."), group_id=group_id)
    source = roster.group_of(learner_id)
    if source is None and not roster.is_waiting(learner_id):
        raise NotFound(_("Learner %(learner_id)s is neither in a group nor waiting."),
                       learner_id=learner_id)
    if source is not None and source.id == group_id:
        raise Conflict(_("Learner %(learner_id)s is already in group %(group_id)s."),
                       learner_id=learner_id, group_id=group_id)
    if not override:
        if len(target.members) + 1 > rules.max_group_size:
            raise Conflict(_("Group %(group_id)s would have more than %(max)s members."),
                           group_id=group_id, max=rules.max_group_size)
        if source is not None and len(source.members) - 1 < MIN_GROUP_AFTER_MOVE:
            raise Conflict(_("Group %(group_id)s would be left with fewer than %(min)s "
                             "members."), group_id=source.id, min=MIN_GROUP_AFTER_MOVE)
    groups = []
    for group in roster.groups:
        if group.id == group_id:
            group = replace(group, members=group.members + (learner_id,))
        elif source is not None and group.id == source.id:
            group = replace(group, members=tuple(m for m in group.members if m != learner_id))
            if not group.members:
                continue
        groups.append(group)
    pool = tuple(waiter for waiter in roster.pool if waiter.learner_id != learner_id)
    moved = Moved(learner_id, source.id if source else None, group_id)
    return Roster(groups=tuple(groups), pool=pool), [moved]


def merge(roster: Roster, source_id: str, target_id: str,
          rules: GroupRules) -> tuple[Roster, list[Change]]:
    """Staff merge group ``source_id`` into ``target_id``: its members join the target (in
    their order) and the source disappears.

    Raises NotFound for an unknown group, Conflict for the same group twice or when the
    merged group would have more than ``max_group_size`` members.
    """
    source, target = roster.group(source_id), roster.group(target_id)
    for group_id, group in ((source_id, source), (target_id, target)):
        if group is None:
            raise NotFound(_("There is no group %(group_id)s."), group_id=group_id)
    if source_id == target_id:
        raise Conflict(_("A group cannot be merged with itself."))
    size = len(source.members) + len(target.members)
    if size > rules.max_group_size:
        raise Conflict(_("Merged, the groups would have %(size)s members, more than %(max)s."),
                       size=size, max=rules.max_group_size)
    groups = tuple(
        replace(group, members=group.members + source.members) if group.id == target_id else group
        for group in roster.groups if group.id != source_id
    )
    return replace(roster, groups=groups), [Merged(source_id, target_id, source.members)]


def rebalance(roster: Roster, rules: GroupRules,
              new_id: NewId | None = None) -> tuple[Roster, list[Change]]:
    """Dissolve groups that shrank below ``min_group_size`` into other groups, never
    taking any group above ``max_group_size``; no group is split.

    Smallest small group first: it merges whole into the smallest group it fits in
    (``Merged``); if none fits, its members go one by one into the smallest groups with
    room (``Moved``); if the other groups lack room for all of them, it stays as it is.
    Learners keep their ids, so their reflections and comments go with them. Empty groups
    are dropped. ``new_id`` is accepted for symmetry and not used: nothing is created.
    """
    groups = [group for group in roster.groups if group.members]
    changes: list[Change] = []
    while True:
        change = _dissolve_one(groups, rules)
        if change is None:
            return replace(roster, groups=tuple(groups)), changes
        changes.extend(change)


def _room(group: Group, rules: GroupRules) -> int:
    return max(0, rules.max_group_size - len(group.members))


def _dissolve_one(groups: list[Group], rules: GroupRules) -> list[Change] | None:
    """Dissolve the smallest fixable group below the minimum in place; None if none."""
    small = sorted((index for index, group in enumerate(groups)
                    if len(group.members) < rules.min_group_size),
                   key=lambda index: (len(groups[index].members), index))
    for index in small:
        group = groups[index]
        size = len(group.members)
        into = _smallest(groups, below=rules.max_group_size - size + 1, exclude=group.id)
        if into is not None:
            target = groups[into]
            groups[into] = replace(target, members=target.members + group.members)
            del groups[index]
            return [Merged(group.id, target.id, group.members)]
        others = sum(_room(other, rules) for other in groups if other.id != group.id)
        if others >= size:
            del groups[index]
            changes = []
            for learner_id in group.members:
                to = _smallest(groups, below=rules.max_group_size)
                _add_member(groups, to, learner_id)
                changes.append(Moved(learner_id, group.id, groups[to].id))
            return changes
    return None


def changes_to_dicts(changes: Iterable[Change]) -> list[dict]:
    """The JSON-able form of a list of change records."""
    return [change.to_dict() for change in changes]
