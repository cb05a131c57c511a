"""The repository (``store/``) over a real database: placement, cost, retries, retirement.

These run on the test process's sqlite database (``conftest.py``); the same functions run
under several worker processes on MariaDB and PostgreSQL in ``tests/multiprocess``.
"""
import itertools
import json
import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings, strategies as st

from foorumi_xblock import models, store
from foorumi_xblock.forum.errors import Conflict, NotFound, TooLarge, WrongStage
from foorumi_xblock.forum.groups import GroupRules
from tests.runtime.harness import ForumHarness

_FORUMS = itertools.count(1)
RULES = GroupRules(group_size=4, min_group_size=3, max_group_size=6, pool_timeout_hours=24)


def new_forum():
    return store.open_forum(f"store-test.foorumi.{uuid.uuid4().hex}", "course-v1:Foo+Bar+Baz", 0.0)


def ids():
    counter = itertools.count(1)
    return lambda: f"{uuid.uuid4().hex[:6]}{next(counter)}"


def person(forum, name, now=0.0):
    return store.enter(forum, f"anon-{name}", f"m{name[:15]}", name.title(), now)


def submit(forum, name, now, rules=RULES, new_id=None):
    who = person(forum, name, now)
    return store.transaction(
        lambda: store.submit(forum, who, {"p": "text"}, f"req-{name}", now, rules, new_id or ids())
    )


def places(forum):
    """Every submitter's place: ``{user_id: group pk or "pool"}``, asserting each has one."""
    submitters = set(
        models.Participant.objects.filter(forum_id=forum.pk, submitted_at__isnull=False).values_list("user_id", flat=True)
    )
    waiting = set(
        models.Participant.objects.filter(forum_id=forum.pk, waiting_since__isnull=False).values_list("user_id", flat=True)
    )
    members = dict(models.Membership.objects.filter(group_set_id=forum.group_set).values_list("user_id", "group_id"))
    assert not waiting & set(members), "someone is both waiting and in a group"
    assert waiting | set(members) == submitters, "someone who submitted is nowhere, or someone is somewhere without submitting"
    return {**members, **dict.fromkeys(waiting, "pool")}


# -- placement through the store ---------------------------------------------------------


def test_the_third_submitter_forms_a_group_and_the_fourth_joins_it():
    forum = new_forum()
    for number, name in enumerate(["anna", "ben"]):
        submit(forum, name, float(number))
    assert set(places(forum).values()) == {"pool"}
    submit(forum, "cai", 2.0)
    submit(forum, "dora", 3.0)
    where = places(forum)
    assert len(set(where.values())) == 1 and "pool" not in where.values()
    group = models.PeerGroup.objects.get(pk=next(iter(where.values())))
    assert group.number == 1 and group.version >= 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    sizes=st.tuples(st.integers(1, 4), st.integers(0, 3), st.integers(0, 3)).map(
        lambda t: (t[0], t[0] + t[1], t[0] + t[1] + t[2])),
    steps=st.lists(st.one_of(
        st.tuples(st.just("submit"), st.integers(0, 30)),
        st.tuples(st.just("wait"), st.integers(0, 30)),
        st.tuples(st.just("form_now"), st.just(0)),
    ), max_size=40),
)
def test_any_interleaving_of_placements_leaves_every_submitter_in_exactly_one_place(sizes, steps):
    rules = GroupRules(min_group_size=sizes[0], group_size=sizes[1], max_group_size=sizes[2], pool_timeout_hours=24)
    forum, now, new_id = new_forum(), 0.0, ids()
    for kind, value in steps:
        now += 60.0
        if kind == "submit":
            who = person(forum, f"l{value}", now)
            try:
                store.transaction(lambda who=who, now=now: store.submit(forum, who, {"p": "x"}, "r", now, rules, new_id))
            except Conflict:  # cannot happen: same learner, same request id
                raise
        elif kind == "wait":
            now += value * 3600.0
            store.transaction(lambda now=now: store.apply_pool_timeout(forum, rules, now, new_id))
        else:
            store.transaction(lambda now=now: store.form_groups_now(forum, rules, now, new_id))
        where = places(forum)
        sizes_now = {}
        for place in where.values():
            sizes_now[place] = sizes_now.get(place, 0) + 1
        for place, size in sizes_now.items():
            if place != "pool":
                assert size <= rules.max_group_size
        assert sizes_now.get("pool", 0) < max(rules.min_group_size, 2) or not any(p != "pool" for p in sizes_now)


def test_a_retried_submit_returns_the_first_and_another_request_id_is_a_conflict():
    forum = new_forum()
    first, created, _changes = submit(forum, "anna", 1.0)
    again, created_again, _changes = submit(forum, "anna", 2.0)
    assert created and not created_again and again.id == first.id
    who = person(forum, "anna")
    with pytest.raises(Conflict):
        store.transaction(lambda: store.submit(forum, who, {"p": "x"}, "another", 3.0, RULES, ids()))
    assert models.Reflection.objects.filter(forum_id=forum.pk).count() == 1


def test_a_comment_retried_from_two_threads_at_once_is_stored_once():
    forum = new_forum()
    for number, name in enumerate(["anna", "ben", "cai"]):
        submit(forum, name, float(number))
    anna, ben = person(forum, "anna"), person(forum, "ben")
    target = store.my_reflection(forum, ben).id
    barrier, results = threading.Barrier(2), []

    def send():
        barrier.wait()
        try:
            results.append(store.transaction(
                lambda: store.add_comment(forum, anna, target, "Kiitos", "same-request", 5.0, ids())))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2 and results[0][0] == results[1][0]
    assert sorted(created for _uid, created in results) == [False, True]
    assert models.Comment.objects.filter(forum_id=forum.pk).count() == 1


# -- the cost of a learner's request -------------------------------------------------------


def seeded_harness(learners):
    """A forum (through the block) whose ``learners`` submitted, seeded through the store."""
    harness = ForumHarness(group_size=5, min_group_size=3, max_group_size=7, comments_required=2, agreement_required=False)
    harness.ok("learner0", "state")  # the forum row, with the block's usage key
    forum = store.open_forum(harness.usage_id, "workbench", harness.now)
    rules = GroupRules(group_size=5, min_group_size=3, max_group_size=7, pool_timeout_hours=24)
    new_id = ids()
    for number in range(1, learners):
        name = f"learner{number}"
        who = store.enter(forum, harness.anonymous_id(name), harness.handle(name), name, harness.now)
        store.transaction(lambda who=who: store.submit(forum, who, {"origin": "sana " * 20}, "seed", harness.now, rules, new_id))
    harness.submit("learner0")
    return harness


def queries_of_state(harness, user):
    harness.ok(user, "state")  # warm: anything created on a first visit exists now
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        state = harness.ok(user, "state")
    assert state["stage"] == "group"
    return len(captured.captured_queries)


def test_a_state_request_costs_the_same_queries_at_10_and_at_2000_learners():
    small = queries_of_state(seeded_harness(10), "learner0")
    large = queries_of_state(seeded_harness(2000), "learner0")
    assert small == large, (small, large)
    print(f"state: {small} queries at 10 and at 2,000 learners")
    assert small <= 16


def test_a_state_in_a_group_set_costs_the_same_queries_whatever_the_earlier_sessions_hold():
    """Two queries more than a forum of its own (the set's forums, who took part in the
    group's earlier sessions), however many learners the earlier session had."""
    def state_queries(learners):
        set_id = f"kulut-{learners}"
        first = ForumHarness(group_size=5, min_group_size=3, max_group_size=7, agreement_required=False, group_set=set_id)
        second = ForumHarness(group_size=5, min_group_size=3, max_group_size=7, agreement_required=False, group_set=set_id)
        second.now += 3600
        first.ok("learner0", "state")
        second.ok("learner0", "state")
        for number in range(learners):
            first.submit(f"learner{number}")
        second.submit("learner0")
        return queries_of_state(second, "learner0")

    small, large = state_queries(3), state_queries(40)
    print(f"state in a group set: {small} queries after 3 and after 40 learners in the earlier session")
    assert small == large, (small, large)
    assert small <= 18


def queries_of_comment(harness, user, **extra):
    """The queries of one new comment by ``user`` in another's thread, and of a state."""
    state = harness.ok(user, "state")
    target = next(t["id"] for t in state["threads"] if not t["author"]["is_me"])
    state_queries = queries_of_state(harness, user)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        harness.ok(user, "comment", {"reflection_id": target, "text": "Hyvä pohdinta, kiitos.",
                                     "request_id": f"cost-{len(extra)}", **extra})
    return len(captured.captured_queries), state_queries, [q["sql"] for q in captured.captured_queries]


def test_a_comment_costs_a_state_and_five_statements_at_10_and_at_2000_learners():
    """One query checks everything (group, thread, retry, the learner's comment count); then
    the insert in its savepoint (three statements) and the group's version bump."""
    small, small_state, sql = queries_of_comment(seeded_harness(10), "learner0")
    large, large_state, _sql = queries_of_comment(seeded_harness(2000), "learner0")
    print(f"comment: {small} queries at 10 and at 2,000 learners (state {small_state})")
    assert small == large and small_state == large_state, (small, large)
    assert small - small_state == 5, sql


def test_a_comments_checks_in_their_order_a_retry_first_the_limit_last():
    forum = new_forum()
    for number, name in enumerate(["anna", "ben", "cai", "dan"]):
        submit(forum, name, float(number))
    anna, ben = person(forum, "anna"), person(forum, "ben")
    target, own = store.my_reflection(forum, ben).id, store.my_reflection(forum, anna).id
    limit = (2, TooLarge("too many"))

    def comment(request_id, thread=target, reply_to=None, who=anna):
        return store.transaction(lambda: store.add_comment(forum, who, thread, "Kiitos", request_id, 5.0, ids(),
                                                           reply_to=reply_to, limit=limit))

    first, created = comment("r1")
    assert created and comment("r2", thread=own, reply_to=None)[1]
    with pytest.raises(NotFound):
        comment("r3", reply_to="c-nothing")  # a reply to no comment of the thread
    with pytest.raises(NotFound):
        comment("r3", thread=own, reply_to=first)  # a comment of another thread
    with pytest.raises(NotFound):
        comment("r3", thread="r-nothing")  # checked before the limit
    with pytest.raises(TooLarge):
        comment("r3")
    assert comment("r1") == (first, False)  # a retry at the limit returns the first
    models.Reflection.objects.filter(uid=target).update(hidden=True)
    assert comment("r1") == (first, False)  # also once its thread was hidden
    with pytest.raises(Conflict):
        comment("b1", who=person(forum, "cai"))
    lone = new_forum()
    submit(lone, "eve", 1.0)
    with pytest.raises(WrongStage):
        store.transaction(lambda: store.add_comment(lone, person(lone, "eve"), "r-any", "hei", "e1", 2.0, ids()))
    replied, created = comment("r9", thread=own, reply_to=None, who=ben)
    assert created and models.Comment.objects.filter(forum_id=forum.pk).count() == 3


# -- retirement ------------------------------------------------------------------------------


def test_retiring_a_learner_blanks_their_names_and_texts_in_every_forum():
    harness = ForumHarness(group_size=3, min_group_size=3, max_group_size=4, comments_required=1, agreement_required=False)
    for user in ("anna", "ben", "cai"):
        harness.submit(user)
    state = harness.ok("anna", "state")
    bens = next(t for t in state["threads"] if t["author"]["name"] == "Ben")
    harness.ok("anna", "comment", {"reflection_id": bens["id"], "text": "Anna kirjoitti tämän", "request_id": "c1"})
    harness.ok("anna", "flag", {"item_id": bens["id"], "reason": "Annan syy"})
    with open("/dev/null", "w", encoding="utf-8") as devnull:
        call_command("foorumi_retire_user", harness.anonymous_id("anna"), stdout=devnull)
    ben = harness.ok("ben", "state")
    text = str(ben)
    assert "Anna" not in text and "sana" in text  # Ben's own words stay
    records = harness.records()
    assert [c["text"] for c in records["comments"]] == [""]
    assert [f["reason"] for f in records["flags"]] == [""]
    anna_row = next(p for p in records["participants"] if p["user_id"] == harness.anonymous_id("anna"))
    assert anna_row["display_name"] == ""
    assert len(ben["group"]["members"]) == 3  # the group keeps its shape


def test_the_retirement_receiver_finds_nothing_to_import_outside_the_lms():
    from foorumi_xblock import retirement

    assert retirement.connect_lms_signal() is False
    assert retirement.anonymous_ids_of(object()) == []


# -- migrations -------------------------------------------------------------------------------


def test_the_models_and_the_committed_migrations_agree():
    call_command("makemigrations", "foorumi", "--check", "--dry-run", verbosity=0)


# -- the no-change poll ------------------------------------------------------------------------


def test_a_poll_that_finds_nothing_new_is_one_query_and_a_tiny_answer():
    harness = seeded_harness(30)
    state = harness.ok("learner0", "state")
    version = state["version"]
    assert version and state["stage"] == "group"
    harness.ok("learner0", "state", {"since": version})  # warm the forum lookup
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        status, answer = harness.call("learner0", "state", {"since": version})
    assert status == 200 and answer == {"unchanged": True, "version": version}
    assert len(captured.captured_queries) == 1, [q["sql"] for q in captured.captured_queries]
    assert len(json.dumps(answer)) < 100
    # A peer's comment is a change: the next poll gets the whole state, with a new version.
    peer_user = next(u for u in (f"learner{n}" for n in range(1, 30))
                     if harness.handle(u) in {m["id"] for m in state["group"]["members"]})
    target = harness.ok(peer_user, "state")["suggested"][0]
    harness.ok(peer_user, "comment", {"reflection_id": target, "text": "Uutta", "request_id": "poll-1"})
    fresh = harness.ok("learner0", "state", {"since": version})
    assert "unchanged" not in fresh and fresh["version"] != version
    assert harness.call("learner0", "state", {"since": 5})[0] == 400


def test_a_learner_outside_a_group_always_gets_the_whole_state():
    harness = ForumHarness(group_size=3, min_group_size=3, max_group_size=4, agreement_required=False)
    state = harness.submit("solo")
    assert state["stage"] == "pool" and state["version"] is None
    assert harness.ok("solo", "state", {"since": "anything"})["stage"] == "pool"


def test_a_retried_transaction_publishes_what_the_rolled_back_attempt_would_have():
    """A deadlock at commit rolls the attempt back; the retry must start from the learner's
    private state as it was, or the completion the first attempt recorded is never published."""
    from contextlib import contextmanager
    from types import SimpleNamespace
    from unittest import mock

    from django.db import OperationalError
    from django.db import transaction as django_transaction

    from foorumi_xblock.store import core

    harness = ForumHarness(group_size=3, min_group_size=3, max_group_size=4, comments_required=1,
                           agreement_required=False, feedback_min_words=0)
    for user in ("anna", "ben", "cai"):
        harness.submit(user)
    target = harness.ok("anna", "state")["suggested"][0]
    commits = []

    @contextmanager
    def deadlock_at_first_commit(*args, **kwargs):
        with django_transaction.atomic(*args, **kwargs):
            yield
            commits.append(1)
            if len(commits) == 1:
                raise OperationalError("Deadlock found when trying to get lock")  # rolls the attempt back

    harness.events.clear()
    with mock.patch.object(core, "_db_transaction", SimpleNamespace(atomic=deadlock_at_first_commit)):
        state = harness.ok("anna", "comment", {"reflection_id": target, "text": "Kiitos", "request_id": "dl"})
    assert len(commits) == 2 and state["progress"]["complete"] is True
    assert harness.events_named("completion", "anna") == [{"completion": 1.0}]
    assert [c["text"] for c in harness.records()["comments"]] == ["Kiitos"]
