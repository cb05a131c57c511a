"""The shared index: the small, repairable map of who is where, kept in ``user_state_summary``.

It holds ids only (never learner text): who the learners are (for the server's own reads of
their state), the group roster and pool, which reflection each learner submitted, the comment
edges (who commented on whose reflection), moderation decisions and flags. Each learner's
request re-merges that learner's own entries (``merge_learner``), so an entry lost to a
concurrent write in another process comes back on that learner's next request.
"""
from dataclasses import dataclass, field, replace

from .groups import GroupRules, Roster, expire, join, restore

#: Last activity is refreshed at most this often (seconds), so polling does not write.
ACTIVITY_RESOLUTION = 300


@dataclass(frozen=True)
class LearnerSnapshot:
    """What one learner's own state says about them, in ids only."""

    handle: str
    username: str
    name: str
    reflection_id: str | None = None
    group_id: str | None = None
    comments: tuple = ()  # (comment_id, reflection_id) pairs
    flags: tuple = ()  # (item_id, reason) pairs


@dataclass
class Index:
    """The shared index as plain data; ``to_dict``/``from_dict`` give the stored JSON."""

    learners: dict = field(default_factory=dict)  # handle -> {"u": username, "n": name}
    roster: Roster = field(default_factory=Roster)
    reflections: dict = field(default_factory=dict)  # handle -> reflection id
    edges: dict = field(default_factory=dict)  # comment id -> [commenter, reflection id]
    moderation: dict = field(default_factory=dict)  # item id -> {"hidden", "by", "reason", "at"}
    flags: dict = field(default_factory=dict)  # item id -> {reporter handle: reason}
    activity: dict = field(default_factory=dict)  # handle -> last activity (epoch seconds)

    @classmethod
    def from_dict(cls, data):
        """Read the stored JSON; anything missing or malformed starts empty."""
        data = data if isinstance(data, dict) else {}

        def mapping(key):
            value = data.get(key)
            return dict(value) if isinstance(value, dict) else {}

        return cls(
            learners=mapping("learners"),
            roster=Roster.from_dict(data.get("roster") or {}),
            reflections=mapping("reflections"),
            edges=mapping("edges"),
            moderation=mapping("moderation"),
            flags={k: dict(v) for k, v in mapping("flags").items() if isinstance(v, dict)},
            activity=mapping("activity"),
        )

    def to_dict(self):
        """The JSON kept in the field."""
        return {
            "v": 1,
            "learners": self.learners,
            "roster": self.roster.to_dict(),
            "reflections": self.reflections,
            "edges": self.edges,
            "moderation": self.moderation,
            "flags": self.flags,
            "activity": self.activity,
        }

    def author_of_reflection(self, reflection_id):
        """The handle whose reflection this is, or None."""
        for handle, rid in self.reflections.items():
            if rid == reflection_id:
                return handle
        return None

    def owner_of(self, item_id):
        """The handle that wrote a reflection or comment with this id, or None."""
        edge = self.edges.get(item_id)
        if edge:
            return edge[0]
        return self.author_of_reflection(item_id)

    def is_hidden(self, item_id):
        """Whether staff hid this item."""
        decision = self.moderation.get(item_id)
        return bool(decision and decision.get("hidden"))


def merge_learner(index, snapshot, now, rules: GroupRules, new_id):
    """Re-merge one learner's own entries into the index and apply the pool timeout.

    Returns ``(index, changes)``: the roster changes (placements, groups formed) and the
    index with this learner's entries restored, which is the given ``Index`` itself when
    nothing changed (the given one is never modified). A submitter missing from the roster
    is restored to the group their own state remembers, or joins as a new submitter.
    """
    handle = snapshot.handle
    updates = {}

    def update(name, key, value):
        current = getattr(index, name)
        if current.get(key) != value:
            updates.setdefault(name, dict(current))[key] = value

    update("learners", handle, {"u": snapshot.username, "n": snapshot.name})
    if snapshot.reflection_id:
        update("reflections", handle, snapshot.reflection_id)
    for comment_id, reflection_id in snapshot.comments:
        update("edges", comment_id, [handle, reflection_id])
    for item_id, reason in snapshot.flags:
        reporters = index.flags.get(item_id, {})
        if reporters.get(handle) != reason:
            update("flags", item_id, {**reporters, handle: reason})

    changes = []
    roster = index.roster
    if snapshot.reflection_id and roster.group_of(handle) is None and not roster.is_waiting(handle):
        if snapshot.group_id:
            roster, placed = restore(roster, handle, snapshot.group_id, now)
        else:
            roster, placed = join(roster, handle, now, rules, new_id)
        changes.extend(placed)
    roster, expired = expire(roster, now, rules, new_id)
    changes.extend(expired)
    if changes:
        updates["roster"] = roster
    if changes or now - index.activity.get(handle, 0) >= ACTIVITY_RESOLUTION:
        update("activity", handle, now)
    return (replace(index, **updates) if updates else index), changes
