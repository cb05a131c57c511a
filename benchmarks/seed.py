"""A forum of N learners, seeded through the repository (``store/``), not the handlers.

Every learner enters and submits (so groups form as they would: five per group, three
to start one); then every learner in a group comments once, on the reflection of the
member after them in the group (their first suggestion). The learners are the harness
users ``learner0`` … ``learnerN-1``, entered with the anonymous id, handle and name the
block computes for them, so the handlers find their rows afterwards.

Many operations share one ``store.transaction`` (``BATCH`` learners): one commit per
batch, not per learner. What remains is the ORM's own work, about 25 queries per learner
(enter, submit with its placement, one comment).
"""
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from foorumi_xblock import store
from foorumi_xblock.learner import group_rules

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from harness import AUTHOR, ForumHarness  # noqa: E402  pylint: disable=wrong-import-position  (tests/harness.py)

#: The forum under test (agreement off: a newcomer's submit is one request).
SETTINGS = {
    "group_size": 5, "min_group_size": 3, "max_group_size": 7,
    "comments_required": 2, "agreement_required": False,
}
BATCH = 500
SEED_COMMENT = "Kiitos jakamisesta, tämä sai minut ajattelemaan."


@dataclass
class SeededForum:
    """A harness over a seeded forum: ``threads`` maps each learner who commented to the
    reflection id they commented on (a thread of their own group)."""

    harness: ForumHarness
    learners: list
    threads: dict = field(default_factory=dict)


def new_id():
    """Fresh ids, as the block makes them."""
    return uuid.uuid4().hex[:12]


def learner_name(number):
    return f"learner{number}"


def seed_forum(size):
    """A new forum block whose ``size`` learners submitted and (when grouped) commented."""
    seeder = Seeder(ForumHarness(**SETTINGS))
    names = [learner_name(number) for number in range(size)]
    for batch in _batches(names):
        store.transaction(lambda batch=batch: seeder.submit(batch))
    threads = {}
    for batch in _batches(names):
        threads.update(store.transaction(lambda batch=batch: seeder.comment(batch, done=threads)))
    return SeededForum(harness=seeder.harness, learners=names, threads=threads)


def _batches(items):
    return [items[start:start + BATCH] for start in range(0, len(items), BATCH)]


class Seeder:
    """Writes one forum's learners through the store; each method runs inside a transaction."""

    def __init__(self, harness):
        self.harness = harness
        author = harness.block(AUTHOR)
        self.forum = store.open_forum(harness.usage_id, author.course_key(), harness.now)
        self.rules = group_rules(author.config())
        self.answers = harness.answers()
        self.people = {}  # name -> store.Person
        self.names = {}  # anonymous user id -> name

    def submit(self, names):
        """Enter and submit each learner, in order (placement as the handler would do it)."""
        now = self.harness.now
        for name in names:
            viewer = self.harness.block(name).viewer()  # the ids and name the block will use
            person = store.enter(self.forum, viewer.user_id, viewer.handle, viewer.name, now)
            store.submit(self.forum, person, self.answers, f"seed-{name}", now, self.rules, new_id)
            self.people[name], self.names[person.user_id] = person, name

    def comment(self, names, done):
        """Each grouped learner (not in ``done``) comments on the next member's reflection.

        One group view per group: all its members comment in the same pass. Returns the
        thread each commenter commented on, by name.
        """
        threads = {}
        for name in names:
            if name in done or name in threads:
                continue
            group = store.group_view(self.forum, self.people[name])
            if group is not None:  # None: still in the pool, nobody to comment on
                threads.update(self._comment_in(group))
        return threads

    def _comment_in(self, group):
        reflection_of = {r.author: r.id for r in group.reflections}  # by handle
        members = list(group.members)
        threads = {}
        for index, member in enumerate(members):
            thread = reflection_of[group.people[members[(index + 1) % len(members)]].handle]
            commenter = self.names[member]
            store.add_comment(self.forum, self.people[commenter], thread, SEED_COMMENT, f"seed-{commenter}",
                              self.harness.now, new_id)
            threads[commenter] = thread
        return threads
