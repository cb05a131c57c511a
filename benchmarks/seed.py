"""A forum of N learners, seeded through the repository (``store/``), not the handlers.

Every learner enters and submits (so groups form as they would: five per group, three
to start one); then every learner in a group comments once, on the reflection of the
member after them in the group (their first suggestion). The learners are the harness
users ``learner0`` … ``learnerN-1``, entered with the anonymous id, handle and name the
block computes for them, so the handlers find their rows afterwards (at the runtime
level, and over HTTP in the workbench, whose user service gives the same ids).

Many operations share one ``store.transaction`` (``BATCH`` learners): one commit per
batch, not per learner. Who is in which group is taken from what ``store.submit``
answers (the groups formed and joined), so seeding reads no group view back. What
remains is the ORM's own work, about 20 queries per learner (enter, submit with its
placement, one comment).

A forum may be given the usage id of a workbench scenario (``usage_id``): the rows then
belong to that block once copied into the server's database (``database.copy_tables``).
"""
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from foorumi_xblock import store
from foorumi_xblock.forum import groups
from foorumi_xblock.learner import group_rules

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for ``tests``
from tests.runtime.harness import AUTHOR, ForumHarness  # noqa: E402  (after the sys.path it needs)

#: The forum under test (agreement off: a newcomer's submit is one request). The server's
#: scenarios (``server_wsgi.py``) carry the same settings as OLX attributes.
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

    @property
    def usage_id(self):
        return self.harness.usage_id


def new_id():
    """Fresh ids, as the block makes them."""
    return uuid.uuid4().hex[:12]


def learner_name(number):
    return f"learner{number}"


def new_harness(usage_id=None, now=None):
    """A ``ForumHarness`` with ``SETTINGS``; on ``usage_id`` when given, at time ``now``."""
    harness = ForumHarness(**SETTINGS)
    if now is not None:
        harness.now = now
    if usage_id is not None:  # settings are stored per usage: set them again on the new one
        harness.usage_id = usage_id
        author = harness.block(AUTHOR)
        for name, value in SETTINGS.items():
            setattr(author, name, value)
        author.save()
    return harness


def seed_forum(size, usage_id=None, now=None):
    """A new forum block whose ``size`` learners submitted and (when grouped) commented."""
    seeder = Seeder(new_harness(usage_id, now))
    names = [learner_name(number) for number in range(size)]
    for batch in _batches(names):
        store.transaction(lambda batch=batch: seeder.submit(batch))
    threads = {}
    for batch in _batches(seeder.group_list()):
        threads.update(store.transaction(lambda batch=batch: seeder.comment(batch)))
    return SeededForum(harness=seeder.harness, learners=names, threads=threads)


def _batches(items, size=BATCH):
    return [items[start:start + size] for start in range(0, len(items), size)]


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
        self.reflections = {}  # anonymous user id -> reflection id
        self.groups = {}  # group id -> member user ids, in join order (as the memberships)

    def submit(self, names):
        """Enter and submit each learner, in order (placement as the handler would do it)."""
        now = self.harness.now
        for name in names:
            viewer = self.harness.block(name).viewer()  # the ids and name the block will use
            person = store.enter(self.forum, viewer.user_id, viewer.handle, viewer.name, now)
            reflection, _created, changes = store.submit(
                self.forum, person, self.answers, f"seed-{name}", now, self.rules, new_id)
            self.people[name], self.names[person.user_id] = person, name
            self.reflections[person.user_id] = reflection.id
            for change in changes:
                if isinstance(change, groups.GroupFormed):
                    self.groups[change.group_id] = list(change.members)
                elif isinstance(change, groups.Placed):
                    self.groups[change.group_id].append(change.learner_id)

    def group_list(self):
        """The groups formed so far, oldest first, as lists of member user ids."""
        return list(self.groups.values())

    def comment(self, group_batch):
        """In each group, every member comments on the next member's reflection.

        Returns the thread each commenter commented on, by name.
        """
        threads = {}
        for members in group_batch:
            for index, member in enumerate(members):
                thread = self.reflections[members[(index + 1) % len(members)]]
                commenter = self.names[member]
                store.add_comment(self.forum, self.people[commenter], thread, SEED_COMMENT, f"seed-{commenter}",
                                  self.harness.now, new_id)
                threads[commenter] = thread
        return threads
