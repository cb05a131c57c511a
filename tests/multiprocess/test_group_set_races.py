"""Races across worker processes for groups that last (``group_set``): the roster of a group
set is decided under the set's row lock, whichever of its forums a request comes to.

* (f) a later session of a group set: six returning members and two newcomers submit at once.
* (g) two later sessions of one group set each place a newcomer into its one group at once.

The servers, the barrier and the bookkeeping are those of ``test_races.py``.
"""
import collections
import functools

import pytest

from tests.multiprocess.test_races import RACE_BUDGET, Clock, Learner, Problems, answers, at_once, in_parallel, tag

pytestmark = pytest.mark.multiprocess


# -- (f) groups that last: a group set's later session, its members and newcomers at once ---------


SET_TRIALS = 10  # race.set.N.a and race.set.N.b (one group set per N) in race_wsgi.py


def test_a_later_session_with_returning_members_and_newcomers_at_once(race_workbench):
    """Two groups of three formed in session 1 of a group set (group_size 4). In session 2,
    all six and two newcomers submit at the same moment. Afterwards every returning member
    is in the group they had, without waiting, and each newcomer joined one of the two
    groups (the smallest below group_size): each group has exactly four members, nobody is
    in two groups or in the pool, and every member's view of session 2 agrees."""
    url, db = race_workbench.url, race_workbench.database
    clock = Clock(RACE_BUDGET)
    problems = Problems(f"[{db}] a later session of a group set, everyone at once")
    t = tag()
    failed = set()
    for trial in range(SET_TRIALS):
        if clock.left() <= 0:
            break
        before = problems.count()
        first, second = f"race.set.{trial}.a", f"race.set.{trial}.b"
        returning = [f"f{trial}_{who}_{t}" for who in ("x1", "x2", "x3", "y1", "y2", "y3")]
        newcomers = [f"f{trial}_{who}_{t}" for who in ("n1", "n2")]
        earlier = {}
        for student in returning:  # session 1, one after another: x1..x3 form a group, then y1..y3
            state = Learner(url, first, student).ok(
                "submit_reflection", {"answers": answers(student), "request_id": "s1"})
            earlier[student] = state
        groups_then = {s: Learner(url, first, s).state()["group"]["id"] for s in returning}
        assert len(set(groups_then.values())) == 2, f"setup: session 1 made {set(groups_then.values())}"
        learners = in_parallel([functools.partial(Learner, url, second, s) for s in returning + newcomers])
        results = at_once(*[
            functools.partial(learner.call, "submit_reflection", {"answers": answers(learner.student_id), "request_id": "s2"})
            for learner in learners
        ])
        for learner, (status, payload) in zip(learners, results, strict=True):
            if status != 200:
                problems.add("a racing submit did not answer 200", (trial, learner.student_id, status, payload))
        states = dict(zip([learner.student_id for learner in learners],
                          in_parallel([learner.state for learner in learners]), strict=True))
        for student in returning:
            state = states[student]
            if state["stage"] != "group":
                problems.add("a returning member is not in their group", (trial, student, state["stage"]))
            elif state["group"]["id"] != groups_then[student]:
                problems.add("a returning member landed in another group", (trial, student))
        for student in newcomers:
            if states[student]["stage"] != "group":
                problems.add("a newcomer was not placed in a group with room", (trial, student, states[student]["stage"]))
        by_group = collections.defaultdict(set)
        for student, state in states.items():
            if state["stage"] == "group":
                by_group[state["group"]["id"]].add(student)
                shown = {m["id"] for m in state["group"]["members"]}
                if len(shown) != 4 or len(state["threads"]) != 4:
                    problems.add("a member's view does not show the four of the group",
                                 (trial, student, len(shown), len(state["threads"])))
        if sorted(len(members) for members in by_group.values()) != [4, 4]:
            problems.add("the groups are not two groups of four", (trial, {g: sorted(m) for g, m in by_group.items()}))
        if problems.count() > before:
            failed.add(trial)
    print(f"[{db}] (f) {SET_TRIALS} trials, {len(failed)} failed, {clock.elapsed():.1f}s")
    assert not problems, f"{len(failed)} of {SET_TRIALS} trials failed\n" + problems.report()


def test_two_sessions_of_one_set_place_newcomers_into_one_group_at_once(race_workbench):
    """A group of three formed in session a (group_size 4 in sessions b and c). A newcomer
    submits in b and another in c at the same moment: the group has room for one. Exactly
    one of them joins it (four members, as both their views say); the other waits in their
    forum's pool. Deciding under a per-forum lock would let both join (five members)."""
    url, db = race_workbench.url, race_workbench.database
    clock = Clock(RACE_BUDGET)
    problems = Problems(f"[{db}] two sessions of one set placing newcomers at once")
    t = tag()
    failed = set()
    for trial in range(SET_TRIALS):
        if clock.left() <= 0:
            break
        before = problems.count()
        for who in ("x1", "x2", "x3"):
            student = f"g{trial}_{who}_{t}"
            Learner(url, f"race.cross.{trial}.a", student).ok(
                "submit_reflection", {"answers": answers(student), "request_id": "s1"})
        newcomers = in_parallel([
            functools.partial(Learner, url, f"race.cross.{trial}.{s}", f"g{trial}_n{s}_{t}") for s in "bc"
        ])
        results = at_once(*[
            functools.partial(learner.call, "submit_reflection", {"answers": answers(learner.student_id), "request_id": "s"})
            for learner in newcomers
        ])
        for learner, (status, payload) in zip(newcomers, results, strict=True):
            if status != 200:
                problems.add("a racing submit did not answer 200", (trial, learner.student_id, status, payload))
        states = in_parallel([learner.state for learner in newcomers])
        stages = sorted(state["stage"] for state in states)
        if stages != ["group", "pool"]:
            problems.add("not exactly one newcomer joined the group", (trial, stages))
        for state in states:
            if state["stage"] == "group" and len(state["group"]["members"]) != 4:
                # The three of session a are listed too, as members who have not written here yet.
                problems.add("the group does not have four members",
                             (trial, len(state["group"]["members"]), state["group"]["not_yet"]))
        if problems.count() > before:
            failed.add(trial)
    print(f"[{db}] (g) {SET_TRIALS} trials, {len(failed)} failed, {clock.elapsed():.1f}s")
    assert not problems, f"{len(failed)} of {SET_TRIALS} trials failed\n" + problems.report()
