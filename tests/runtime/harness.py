"""A runtime-level harness: one Foorumi block, many learners, shared field data.

Each learner gets their own runtime (own user service) over one key-value store, as the
LMS gives each request its own runtime over one database. The forum's shared records go
to Foorumi's tables in the test database (``conftest.py``); every harness is a forum with a
usage key of its own.
"""
import itertools
import json

from webob import Request
from xblock.fields import Scope, ScopeIds
from xblock.runtime import DictKeyValueStore, KeyValueStore, KvsFieldData, NullI18nService
from xblock.test.tools import TestRuntime

from foorumi_xblock.block import FoorumiXBlock
from foorumi_xblock.workbench.services import WorkbenchUserService, anonymous_id_for

#: Course staff in the workbench user service (ids starting with "staff"): may author.
AUTHOR = "staff_author"
DEF_ID = "demo.foorumi.d0"
PRIVATE_FIELDS = ("draft", "published_grade", "placement")
_FORUMS = itertools.count(1)


class HarnessRuntime(TestRuntime):
    """A test runtime that records published events and makes handler URLs."""

    def __init__(self, harness, user_id):
        super().__init__(services={
            "field-data": KvsFieldData(harness.kvs),
            "user": WorkbenchUserService(user_id),
            "i18n": NullI18nService(),
        })
        self.harness = harness
        self.learner = user_id

    def publish(self, block, event_type, event_data):
        self.harness.events.append((self.learner, event_type, event_data))

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        return f"/handler/{block.scope_ids.usage_id}/{handler_name}"

    def local_resource_url(self, block, uri):
        return f"/resource/{uri}"

    def resource_url(self, resource):
        return f"/static/{resource}"


class ForumHarness:
    """One forum block and helpers to act as any learner on it."""

    def __init__(self, **settings):
        self.kvs = DictKeyValueStore()
        self.usage_id = f"demo.foorumi.d0.u{next(_FORUMS)}"
        self.events = []
        self.now = 1_800_000_000.0
        author = self.block(AUTHOR)
        for name, value in settings.items():
            setattr(author, name, value)
        author.save()

    def block(self, user_id):
        """A fresh block instance for ``user_id`` (as a new request would get)."""
        runtime = HarnessRuntime(self, user_id)
        block = runtime.construct_xblock_from_class(FoorumiXBlock, ScopeIds(user_id, "foorumi", DEF_ID, self.usage_id))
        block.clock = lambda: self.now
        return block

    def call(self, user_id, handler, data=None, method="POST", body=None):
        """Call ``handler`` as ``user_id``; returns ``(status, decoded JSON)``."""
        block = self.block(user_id)
        if body is None:
            body = json.dumps({} if data is None else data).encode()
        request = Request.blank("/", method=method, body=body if method == "POST" else None)
        if method == "POST":
            request.content_type = "application/json"
        response = block.runtime.handle(block, handler, request)
        return response.status_code, json.loads(response.body.decode()) if response.body else None

    def ok(self, user_id, handler, data=None):
        """Call a handler that must succeed; returns the learner state."""
        status, payload = self.call(user_id, handler, data)
        assert status == 200, (handler, status, payload)
        return payload

    def private(self, user_id):
        """A learner's private state as the runtime stored it (draft, grade published)."""
        state = {}
        for name in PRIVATE_FIELDS:
            key = KeyValueStore.Key(scope=Scope.user_state, user_id=user_id, block_scope_id=self.usage_id, field_name=name)
            if self.kvs.has(key):
                state[name] = self.kvs.get(key)
        return state

    @staticmethod
    def anonymous_id(user_id):
        """The anonymous id the workbench user service gives ``user_id`` (rows are keyed by it)."""
        return anonymous_id_for(user_id)

    def handle(self, user_id):
        """The forum-local handle the block gives ``user_id`` (what peers see as their id)."""
        return self.block(user_id).viewer().handle

    def answers(self, words=12):
        """Answers that satisfy every prompt of the block's configuration."""
        block = self.block(AUTHOR)
        text = " ".join(["sana"] * words)
        return {p["id"]: text for p in block.prompts}

    def submit(self, user_id, request_id=None):
        """Accept the agreement (when needed) and submit a valid reflection."""
        self.ok(user_id, "accept_agreement")
        return self.ok(user_id, "submit_reflection", {"answers": self.answers(), "request_id": request_id or f"sub-{user_id}"})

    def events_named(self, name, user_id=None):
        """The data of published events of one type (optionally of one learner)."""
        return [data for uid, event, data in self.events if event == name and (user_id is None or uid == user_id)]

    # -- the forum's rows (tests look at the tables directly; the package never does) ------
    def records(self):
        """Every row of this forum in Foorumi's tables, as plain dicts per table."""
        from foorumi_xblock import models

        forum = models.Forum.objects.filter(usage_key=self.usage_id).first()
        if forum is None:
            return {}
        rows = {
            "forum": list(models.Forum.objects.filter(pk=forum.pk).values()),
            "participants": list(models.Participant.objects.filter(forum=forum).order_by("id").values()),
            "groups": list(models.PeerGroup.objects.filter(group_set_id=forum.group_set_id).order_by("id").values()),
            "memberships": list(models.Membership.objects.filter(group_set_id=forum.group_set_id).order_by("id").values()),
            "reflections": list(models.Reflection.objects.filter(forum=forum).order_by("id").values()),
            "comments": list(models.Comment.objects.filter(forum=forum).order_by("id").values()),
            "helpful": list(models.HelpfulMark.objects.filter(comment__forum=forum).order_by("id").values()),
            "flags": list(models.Flag.objects.filter(forum=forum).order_by("id").values()),
        }
        return rows

    def hide(self, item_id, hidden=True):
        """Hide (or restore) a reflection or comment as a moderator would."""
        from foorumi_xblock import models

        changed = models.Reflection.objects.filter(uid=item_id).update(hidden=hidden)
        changed += models.Comment.objects.filter(uid=item_id).update(hidden=hidden)
        assert changed == 1, item_id


class TableI18n:
    """An i18n service that translates from ``table`` (``{msgid: text}``), as the platform's
    would with a catalogue of its own; anything else stays as it is."""

    def __init__(self, table):
        self.table = table

    def gettext(self, text):
        return self.table.get(text, text)

    def ngettext(self, singular, plural, count):
        return self.gettext(singular if count == 1 else plural)
