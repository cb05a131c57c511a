"""The shared index: the small, repairable map of who is where, kept in ``user_state_summary``.

It holds ids and names only, never learner text: who the learners are (username and
display name, for the server's own reads of their state), the group roster and pool, which
reflection each learner submitted, the comment edges (who commented on whose reflection),
moderation decisions and who flagged what (the reasons stay in the reporters' own state).
Each learner's request re-merges that learner's own entries (``merge_learner``), so an entry
lost to a concurrent write in another process comes back on that learner's next request.
A request that changes nothing in it writes nothing.
"""
from dataclasses import dataclass, field, replace

from .errors import Invalid
from .groups import GroupRules, Roster, expire, join, restore


@dataclass(frozen=True)
class LearnerSnapshot:
    """What one learner's own state says about them, in ids only."""

    handle: str
    username: str
    name: str
    reflection_id: str | None = None
    group_id: str | None = None
    comments: tuple = ()  # (comment_id, reflection_id) pairs
    flags: tuple = ()  # ids of the items this learner flagged


@dataclass
class Index:
    """The shared index as plain data; ``to_dict``/``from_dict`` give the stored JSON."""

    learners: dict = field(default_factory=dict)  # handle -> {"u": username, "n": name}
    roster: Roster = field(default_factory=Roster)
    reflections: dict = field(default_factory=dict)  # handle -> reflection id
    edges: dict = field(default_factory=dict)  # comment id -> [commenter, reflection id]
    moderation: dict = field(default_factory=dict)  # item id -> {"hidden", "by", "reason", "at"}
    flags: dict = field(default_factory=dict)  # item id -> [reporter handles]

    @classmethod
    def from_dict(cls, data):
        """Read the stored JSON; anything missing or malformed starts empty.

        Entries dropped here come back from the learners' own state on their next request.
        """
        data = data if isinstance(data, dict) else {}

        def mapping(key, keep):
            value = data.get(key)
            if not isinstance(value, dict):
                return {}
            return {k: v for k, v in value.items() if isinstance(k, str) and keep(v)}

        def strings(count):
            return lambda v: isinstance(v, list) and len(v) == count and all(isinstance(x, str) for x in v)

        try:
            roster = Roster.from_dict(data.get("roster") or {})
        except Invalid:
            roster = Roster()
        return cls(
            learners=mapping("learners", lambda v: isinstance(v, dict) and isinstance(v.get("u"), str)),
            roster=roster,
            reflections=mapping("reflections", lambda v: isinstance(v, str)),
            edges=mapping("edges", strings(2)),
            moderation=mapping("moderation", lambda v: isinstance(v, dict)),
            flags=mapping("flags", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)),
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
    for item_id in snapshot.flags:
        reporters = index.flags.get(item_id, [])
        if handle not in reporters:
            update("flags", item_id, sorted(reporters + [handle]))

    changes = []
    roster = index.roster
    if snapshot.reflection_id and roster.group_of(handle) is None:
        if snapshot.group_id:  # own state is authoritative for the group they were placed in
            roster, placed = restore(roster, handle, snapshot.group_id, now)
        else:
            roster, placed = join(roster, handle, now, rules, new_id)
        changes.extend(placed)
    roster, expired = expire(roster, now, rules, new_id)
    changes.extend(expired)
    if roster != index.roster:  # a report alone (someone left alone in the pool) writes nothing
        updates["roster"] = roster
    return (replace(index, **updates) if updates else index), changes
