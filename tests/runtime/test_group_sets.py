"""Groups that last (``group_set``): the forums of a course with the same group set keep the
same small groups from session to session (``store/sessions.py``, ``store/roster.py``).

Each test makes forums of one course (the harness's blocks share the workbench course) with
a group set of its own, so tests never see each other's groups.
"""
import itertools

import pytest

from foorumi_xblock import models
from tests.runtime.harness import AUTHOR, ForumHarness

STAFF = "staff_anna"
SETTINGS = {"group_size": 4, "min_group_size": 3, "max_group_size": 5, "comments_required": 2,
            "agreement_required": False, "feedback_min_words": 0}
_SETS = itertools.count(1)


def session_forums(count=2, **settings):
    """``count`` forums of one new group set, opened in order (the set's session order)."""
    set_id = f"esimiehet-{next(_SETS)}"
    forums = []
    for index in range(count):
        forum = ForumHarness(**{**SETTINGS, "display_name": f"Istunto {index + 1}", "group_set": set_id, **settings})
        forum.now += index * 7 * 24 * 3600  # a week apart
        forum.ok(AUTHOR, "state")  # opened: the forum's place in the set's order
        forums.append(forum)
    return forums


def submit(forum, user, text=None):
    answers = {pid: f"{text or user} {value}" for pid, value in forum.answers().items()}
    return forum.ok(user, "submit_reflection", {"answers": answers, "request_id": f"s-{user}"})


def member_names(state):
    return sorted(m["name"] for m in state["group"]["members"])


def test_a_grouped_learner_lands_in_the_same_group_with_the_same_members_without_waiting():
    first, second = session_forums()
    for user in ("anna", "ben", "cai"):
        state = submit(first, user)
    assert state["stage"] == "group"
    group = state["group"]

    state = submit(second, "anna")
    assert state["stage"] == "group", "no pool, no wait"
    assert state["pool"] is None
    assert (state["group"]["id"], state["group"]["name"]) == (group["id"], group["name"])
    assert state["group"]["not_yet"] == 2  # ben and cai have not written in this session yet
    # Listed already, with their names, before they open this session.
    assert member_names(state) == sorted(m["name"] for m in group["members"])
    assert {m["id"] for m in state["group"]["members"]} == {second.handle(u) for u in ("anna", "ben", "cai")}
    submit(second, "ben")
    state = submit(second, "cai")
    assert state["group"]["id"] == group["id"]
    assert member_names(state) == sorted(m["name"] for m in group["members"])
    assert state["group"]["not_yet"] == 0
    assert len(state["threads"]) == 3
    # Nobody new since the last session; the first session is listed and readable.
    continuity = state["group"]["continuity"]
    assert continuity["new"] == []
    assert [(s["number"], s["title"], s["took_part"], s["was_member"], s["readable"]) for s in continuity["sessions"]] \
        == [(1, "Istunto 1", 3, True, True)]
    # The second forum's threads are its own: the first session's reflections stay there.
    assert all("Istunto" not in str(t["answers"]) for t in state["threads"])


def test_a_newcomer_joins_by_the_normal_rules_and_is_new_to_the_group():
    first, second = session_forums()
    for user in ("anna", "ben", "cai"):
        submit(first, user)
    for user in ("anna", "ben", "cai"):
        submit(second, user)
    group_id = second.ok("anna", "state")["group"]["id"]

    state = submit(second, "dora")  # the group has room (3 of 4): she joins it
    assert state["stage"] == "group" and state["group"]["id"] == group_id
    seen_by_anna = second.ok("anna", "state")["group"]
    assert seen_by_anna["continuity"]["new"] == [second.handle("dora")]
    # Her own view lists the earlier session, not readable for her (she was not there).
    assert [(s["was_member"], s["readable"]) for s in state["group"]["continuity"]["sessions"]] == [(False, False)]

    state = submit(second, "eero")  # the group is full (4): the pool, as in any forum
    assert state["stage"] == "pool"
    submit(second, "fanni")
    state = submit(second, "gus")  # three waiting: a new group of the set
    assert state["stage"] == "group" and state["group"]["id"] != group_id
    assert state["group"]["name"] == "Group 2"
    assert state["group"]["continuity"]["sessions"] == []  # this group has no earlier session


def test_earlier_sessions_are_read_only_and_only_for_those_who_were_members_then():
    first, second = session_forums()
    for user in ("anna", "ben", "cai"):
        submit(first, user, text=f"ensimmäinen-{user}")
    state = first.ok("ben", "state")
    anna_thread = next(t for t in state["threads"] if t["author"]["name"] == first.block("anna").viewer().name)
    first.ok("ben", "comment",
             {"reflection_id": anna_thread["id"], "text": "Kiitos, tämä auttoi minua paljon", "request_id": "c1"})
    for user in ("anna", "ben", "cai", "dora"):
        submit(second, user)

    status, session = second.call("anna", "earlier_session", {"session": 1})
    assert status == 200, session
    assert session["title"] == "Istunto 1"
    assert [p["id"] for p in session["prompts"]] == [p["id"] for p in second.block(AUTHOR).prompts]
    texts = sorted(next(iter(t["answers"].values())).split()[0] for t in session["threads"])
    assert texts == ["ensimmäinen-anna", "ensimmäinen-ben", "ensimmäinen-cai"]
    comments = [c for t in session["threads"] for c in t["comments"]]
    assert [c["text"] for c in comments] == ["Kiitos, tämä auttoi minua paljon"]
    assert sum(t["author"]["is_me"] for t in session["threads"]) == 1

    # Dora joined in the second session: the first one was promised to the group as it was.
    status, payload = second.call("dora", "earlier_session", {"session": 1})
    assert status == 404, payload
    assert "ensimmäinen" not in str(payload)
    # Not a later session, not this one, not a number.
    for value in (2, 3, 0, -1, "1", None, True, 1.0):
        status, payload = second.call("anna", "earlier_session", {"session": value})
        assert status in (400, 404), (value, status)
    # A learner of the first forum reads no "earlier" session there.
    assert first.call("anna", "earlier_session", {"session": 1})[0] == 404


def test_staff_may_let_newcomers_read_earlier_sessions():
    first, second = session_forums(newcomers_see_earlier=True)
    for user in ("anna", "ben", "cai"):
        submit(first, user)
    for user in ("anna", "dora"):
        submit(second, user)
    state = second.ok("dora", "state")
    assert [(s["was_member"], s["readable"]) for s in state["group"]["continuity"]["sessions"]] == [(False, True)]
    status, session = second.call("dora", "earlier_session", {"session": 1})
    assert status == 200 and len(session["threads"]) == 3


def test_an_earlier_session_shows_names_as_that_forum_did_and_nothing_hidden():
    first, second = session_forums()
    first_block = first.block(AUTHOR)
    first_block.identity = "pseudonymous"
    first_block.save()
    for user in ("anna", "ben", "cai"):
        submit(first, user)
    hidden = next(r["uid"] for r in first.records()["reflections"] if r["author"] == first.anonymous_id("cai"))
    first.hide(hidden)
    for user in ("anna", "ben"):
        submit(second, user)
    second.ok("anna", "state")  # the second forum (named) is described as it is now
    first.ok("anna", "state")  # the first describes itself as pseudonymous
    session = second.ok("anna", "earlier_session", {"session": 1})
    names = sorted(t["author"]["name"] for t in session["threads"])
    assert names == ["Participant 1", "Participant 2"], "pseudonyms then, pseudonyms now; cai's hidden reflection left out"
    assert session["pseudonymous"] is True


def test_a_move_carries_over_to_later_forums_and_leaves_earlier_ones():
    first, second, third = session_forums(3, group_size=3, max_group_size=4)
    for user in ("a1", "a2", "a3", "b1", "b2", "b3"):
        submit(first, user)
    groups = {u: first.ok(u, "state")["group"]["id"] for u in ("a1", "b1")}
    first.ok(STAFF, "move_learner", {"learner_id": first.handle("a3"), "group_id": groups["b1"]})
    assert first.ok("a3", "state")["group"]["id"] == groups["b1"]  # within the forum, threads follow

    assert submit(second, "a3")["group"]["id"] == groups["b1"], "the move carries over"
    second.ok(STAFF, "move_learner", {"learner_id": second.handle("a3"), "group_id": groups["a1"]})
    assert second.ok("a3", "state")["group"]["id"] == groups["a1"]
    # From that point on: the first forum keeps the group a3 took part in there.
    assert first.ok("a3", "state")["group"]["id"] == groups["b1"]
    b_thread_authors = {t["author"]["name"] for t in first.ok("b1", "state")["threads"]}
    assert first.block("a3").viewer().name in b_thread_authors
    assert submit(third, "a3")["group"]["id"] == groups["a1"]


def test_staff_merge_two_groups_of_the_set_for_this_and_later_forums():
    first, second, third = session_forums(3, group_size=3, max_group_size=6)
    for user in ("a1", "a2", "a3", "b1", "b2", "b3"):
        submit(first, user)
    for user in ("a1", "a2", "b1"):
        submit(second, user)
    groups = {u: second.ok(u, "state")["group"]["id"] for u in ("a1", "b1")}
    report = second.ok(STAFF, "staff_report")
    health = {g["id"]: g for g in report["sessions"]["groups"]}
    assert [s["current"] for s in report["sessions"]["sessions"]] == [False, True, False]
    assert health[groups["a1"]]["active"] == 3 and health[groups["a1"]]["warnings"] == []
    assert sorted(health[groups["a1"]]["took_part"]) == ["1", "2"]
    assert len(health[groups["a1"]]["took_part"]["2"]) == 2

    status, payload = second.call(STAFF, "merge_groups", {"group_id": groups["b1"], "into_group_id": groups["b1"]})
    assert status == 409, payload
    status, payload = second.call(STAFF, "merge_groups", {"group_id": "nope", "into_group_id": groups["a1"]})
    assert status == 404, payload
    report = second.ok(STAFF, "merge_groups", {"group_id": groups["b1"], "into_group_id": groups["a1"]})
    assert {g["id"] for g in report["sessions"]["groups"] if g["members"]} == {groups["a1"]}
    state = second.ok("a1", "state")
    assert len(state["threads"]) == 3  # b1 wrote here; b2 and b3 not yet, though they are members now
    assert len(state["group"]["members"]) == 6 and state["group"]["not_yet"] == 3
    assert first.ok("b1", "state")["group"]["id"] == groups["b1"], "the first session keeps its groups"
    assert submit(third, "b2")["group"]["id"] == groups["a1"]
    # Too many for the largest group.
    forums = session_forums(1, group_size=3, max_group_size=5)
    for user in ("c1", "c2", "c3", "d1", "d2", "d3"):
        submit(forums[0], user)
    ids = {u: forums[0].ok(u, "state")["group"]["id"] for u in ("c1", "d1")}
    status, payload = forums[0].call(STAFF, "merge_groups", {"group_id": ids["d1"], "into_group_id": ids["c1"]})
    assert status == 409, payload


def test_group_health_warns_when_too_few_members_take_part():
    first, second = session_forums(min_group_size=3)
    for user in ("anna", "ben", "cai"):
        submit(first, user)
    second.ok("anna", "state")
    report = second.ok(STAFF, "staff_report")
    (group,) = report["sessions"]["groups"]
    assert group["active"] == 3 and group["warnings"] == []  # the session before counts too
    third = session_forums(1)[0]
    assert third.ok(STAFF, "staff_report")["sessions"]["groups"] == []


def test_a_forum_of_its_own_reports_no_sessions():
    forum = ForumHarness(**SETTINGS)
    for user in ("anna", "ben", "cai"):
        state = submit(forum, user)
    assert state["group"]["continuity"] is None
    assert forum.ok(STAFF, "staff_report")["sessions"] is None
    assert forum.call("anna", "earlier_session", {"session": 1})[0] == 404


def test_the_group_set_cannot_change_once_learners_have_submitted():
    (forum,) = session_forums(1)
    status, payload = forum.call(AUTHOR, "studio_submit", {"values": {"group_set": "toinen-sarja"}})
    assert status == 200, payload  # nobody has submitted: the forum may join another set
    forum.ok("anna", "state")
    assert models.Forum.objects.get(usage_key=forum.usage_id).group_set.set_id == "toinen-sarja"
    submit(forum, "anna")
    status, payload = forum.call(AUTHOR, "studio_submit", {"values": {"group_set": "kolmas-sarja"}})
    assert status == 400
    assert [p["field"] for p in payload["problems"]] == ["group_set"]
    status, payload = forum.call(AUTHOR, "studio_submit", {"values": {"group_set": "Bad Id"}})
    assert status == 400


@pytest.mark.parametrize("value", ["", "sarja-1"])
def test_the_group_set_round_trips_through_studio(value):
    forum = ForumHarness(**SETTINGS)
    status, payload = forum.call(AUTHOR, "studio_submit", {"values": {"group_set": value, "newcomers_see_earlier": True}})
    assert status == 200, payload
    assert (forum.block(AUTHOR).group_set, forum.block(AUTHOR).newcomers_see_earlier) == (value, True)


def test_a_member_who_skipped_a_session_is_not_new_when_they_come_back():
    first, second, third = session_forums(3)
    for user in ("anna", "ben", "cai"):
        submit(first, user)
    for user in ("anna", "ben"):  # cai skips the second session
        submit(second, user)
    for user in ("anna", "cai", "dora"):
        submit(third, user)
    continuity = third.ok("anna", "state")["group"]["continuity"]
    assert continuity["new"] == [third.handle("dora")]
    assert [(s["number"], s["took_part"]) for s in continuity["sessions"]] == [(1, 3), (2, 2)]
    status, session = third.call("cai", "earlier_session", {"session": 2})
    assert status == 404, "cai was in the group, but did not take part in the second session"
    assert third.call("cai", "earlier_session", {"session": 1})[0] == 200
