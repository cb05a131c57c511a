"""Group formation, read as a specification: one rule per test."""

import itertools
import json

import pytest

from foorumi_xblock.forum.errors import Conflict, Invalid, NotFound
from foorumi_xblock.forum.groups import (
    Group, GroupFormed, GroupRules, LeftAlone, Merged, Moved, Placed, Roster, Waiter, Waiting,
    expire, form_now, join, move, rebalance, split_sizes, waiting_since)

RULES = GroupRules(group_size=5, min_group_size=3, max_group_size=7, pool_timeout_hours=24)
HOUR = 3600.0


def ids(prefix="g"):
    """A deterministic ``new_id``: g1, g2, ..."""
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers)}"


def roster_of(*sizes, pool=()):
    """Groups g1, g2, ... of the given sizes (members a1.., b1.., ...) and a pool."""
    groups = tuple(
        Group(id=f"g{n}", members=tuple(f"{chr(96 + n)}{i}" for i in range(1, size + 1)),
              created_at=float(n))
        for n, size in enumerate(sizes, start=1))
    return Roster(groups=groups, pool=tuple(Waiter(who, 0.0) for who in pool))


def sizes(roster):
    return [len(group.members) for group in roster.groups]


# ------------------------------------------------------------------------- join


def test_a_submitter_joins_the_smallest_group_below_group_size():
    roster, changes = join(roster_of(5, 4, 3), "new", 10.0, RULES, ids("x"))
    assert sizes(roster) == [5, 4, 4]
    assert roster.group_of("new").id == "g3"
    assert changes == [Placed("new", "g3")]


def test_on_a_tie_the_oldest_group_is_joined():
    roster, _ = join(roster_of(4, 3, 3), "new", 10.0, RULES, ids("x"))
    assert roster.group_of("new").id == "g2"


def test_a_late_joiner_is_added_after_the_existing_members():
    roster, _ = join(roster_of(3), "new", 10.0, RULES, ids("x"))
    assert roster.group("g1").members == ("a1", "a2", "a3", "new")


def test_when_every_group_is_full_the_submitter_waits_in_the_pool():
    roster, changes = join(roster_of(5, 5), "new", 10.0, RULES, ids("x"))
    assert roster.is_waiting("new")
    assert waiting_since(roster, "new") == 10.0
    assert changes == [Waiting("new")]


def test_a_group_at_group_size_is_full_even_though_max_group_size_is_higher():
    roster, _ = join(roster_of(5), "new", 10.0, RULES, ids("x"))
    assert sizes(roster) == [5]
    assert roster.is_waiting("new")


def test_the_first_submitters_wait_until_min_group_size_of_them_form_a_group():
    roster = Roster()
    roster, first = join(roster, "anna", 1.0, RULES, ids())
    roster, second = join(roster, "bertta", 2.0, RULES, ids())
    assert (first, second) == ([Waiting("anna")], [Waiting("bertta")])
    roster, third = join(roster, "cecilia", 3.0, RULES, ids())
    assert third == [GroupFormed("g1", ("anna", "bertta", "cecilia"))]
    assert roster.pool == ()
    assert roster.groups == (Group("g1", ("anna", "bertta", "cecilia"), 3.0),)


def test_joining_again_when_already_in_a_group_changes_nothing():
    before = roster_of(3)
    assert join(before, "a2", 10.0, RULES, ids()) == (before, [])


def test_joining_again_when_already_waiting_changes_nothing():
    before = roster_of(5, pool=("w",))
    assert join(before, "w", 10.0, RULES, ids()) == (before, [])


def test_nobody_is_grouped_with_people_who_never_submitted():
    roster = Roster()
    for who in ("a", "b"):
        roster, _ = join(roster, who, 0.0, RULES, ids())
    assert roster.groups == ()
    assert roster.learners() == ["a", "b"]


# --------------------------------------------------------------------- form_now


def test_form_now_puts_waiters_into_the_smallest_groups_never_above_max_group_size():
    roster, changes = form_now(roster_of(7, 5, 6, pool=("w1", "w2")), 10.0, RULES, ids("x"))
    assert sizes(roster) == [7, 7, 6]
    assert changes == [Placed("w1", "g2"), Placed("w2", "g2")]
    assert roster.pool == ()


def test_form_now_fills_groups_below_group_size_first():
    roster, changes = form_now(roster_of(5, 3, pool=("w1", "w2")), 10.0, RULES, ids("x"))
    assert sizes(roster) == [5, 5]
    assert changes == [Placed("w1", "g2"), Placed("w2", "g2")]


def test_form_now_with_no_group_lets_two_waiters_form_a_group_of_two():
    roster, changes = form_now(roster_of(pool=("w1", "w2")), 10.0, RULES, ids("x"))
    assert roster.groups == (Group("x1", ("w1", "w2"), 10.0),)
    assert changes == [GroupFormed("x1", ("w1", "w2"))]


def test_form_now_leaves_a_lone_learner_waiting_when_there_is_no_group():
    roster, changes = form_now(roster_of(pool=("w1",)), 10.0, RULES, ids("x"))
    assert roster.groups == ()
    assert roster.is_waiting("w1")
    assert changes == [LeftAlone("w1")]


def test_form_now_leaves_a_lone_learner_waiting_when_every_group_is_at_max_group_size():
    roster, changes = form_now(roster_of(7, 7, pool=("w1",)), 10.0, RULES, ids("x"))
    assert sizes(roster) == [7, 7]
    assert changes == [LeftAlone("w1")]


def test_form_now_lets_waiters_with_no_room_anywhere_form_their_own_group():
    roster, changes = form_now(roster_of(7, pool=("w1", "w2")), 10.0, RULES, ids("x"))
    assert sizes(roster) == [7, 2]
    assert changes == [GroupFormed("x1", ("w1", "w2"))]


def test_form_now_splits_eight_waiters_into_two_groups_of_four_not_one_of_eight():
    waiters = tuple(f"w{i}" for i in range(1, 9))
    roster, _ = form_now(roster_of(pool=waiters), 10.0, RULES, ids("x"))
    assert sizes(roster) == [4, 4]
    assert roster.group("x1").members == waiters[:4]


def test_form_now_with_min_group_size_waiting_forms_a_new_group_rather_than_overfill():
    roster, changes = form_now(roster_of(5, 5, pool=("w1", "w2", "w3")), 10.0, RULES,
                               ids("x"))
    assert sizes(roster) == [5, 5, 3]
    assert changes == [GroupFormed("x1", ("w1", "w2", "w3"))]


def test_form_now_with_nobody_waiting_changes_nothing():
    before = roster_of(4, 5)
    assert form_now(before, 10.0, RULES, ids()) == (before, [])


def test_form_now_never_forms_a_group_of_one_from_a_remainder():
    pairs = GroupRules(group_size=2, min_group_size=2, max_group_size=2)
    roster, changes = form_now(roster_of(pool=("w1", "w2", "w3")), 10.0, pairs, ids("x"))
    assert sizes(roster) == [2]
    assert changes == [GroupFormed("x1", ("w1", "w2")), LeftAlone("w3")]


@pytest.mark.parametrize("count, expected", [
    (2, [2]), (3, [3]), (5, [5]), (6, [3, 3]), (8, [4, 4]), (10, [5, 5]), (11, [4, 4, 3]),
])
def test_new_groups_are_as_equal_as_possible_within_min_and_group_size(count, expected):
    assert split_sizes(count, RULES) == expected


def test_new_groups_stay_within_max_group_size_when_min_and_group_size_cannot_both_hold():
    tight = GroupRules(group_size=4, min_group_size=4, max_group_size=5)
    assert split_sizes(6, tight) == [3, 3]
    assert split_sizes(9, tight) == [5, 4]


# ----------------------------------------------------------------------- expire


def test_expire_changes_nothing_before_anyone_waited_pool_timeout_hours():
    before = roster_of(5, pool=("w1",))
    assert expire(before, 24 * HOUR - 1, RULES, ids()) == (before, [])


def test_expire_groups_the_pool_once_someone_waited_pool_timeout_hours():
    before = roster_of(5, pool=("w1",))
    roster, changes = expire(before, 24 * HOUR, RULES, ids())
    assert sizes(roster) == [6]
    assert changes == [Placed("w1", "g1")]


# ------------------------------------------------------------------------- move


def test_staff_move_a_learner_into_another_group():
    roster, changes = move(roster_of(4, 3), "a1", "g2", RULES)
    assert roster.group("g1").members == ("a2", "a3", "a4")
    assert roster.group("g2").members == ("b1", "b2", "b3", "a1")
    assert changes == [Moved("a1", "g1", "g2")]


def test_staff_move_a_waiting_learner_into_a_group():
    roster, changes = move(roster_of(3, pool=("w1",)), "w1", "g1", RULES)
    assert roster.pool == ()
    assert roster.group_of("w1").id == "g1"
    assert changes == [Moved("w1", None, "g1")]


def test_moving_into_an_unknown_group_is_not_found():
    with pytest.raises(NotFound):
        move(roster_of(3), "a1", "nope", RULES)


def test_moving_an_unknown_learner_is_not_found():
    with pytest.raises(NotFound):
        move(roster_of(3), "stranger", "g1", RULES)


def test_moving_a_learner_into_their_own_group_is_a_conflict():
    with pytest.raises(Conflict):
        move(roster_of(3), "a1", "g1", RULES)


def test_moving_into_a_group_at_max_group_size_is_a_conflict_naming_the_bound():
    with pytest.raises(Conflict) as error:
        move(roster_of(3, 7), "a1", "g2", RULES)
    assert "7" in str(error.value)
    assert error.value.params["max"] == 7


def test_moving_out_of_a_group_of_two_is_a_conflict_naming_the_bound():
    with pytest.raises(Conflict) as error:
        move(roster_of(2, 3), "a1", "g2", RULES)
    assert error.value.params["min"] == 2


def test_staff_may_override_the_bounds_of_a_move():
    roster, _ = move(roster_of(2, 7), "a1", "g2", RULES, override=True)
    assert sizes(roster) == [1, 8]


def test_a_group_emptied_by_an_override_move_disappears():
    roster, _ = move(roster_of(1, 3), "a1", "g2", RULES, override=True)
    assert [group.id for group in roster.groups] == ["g2"]


# -------------------------------------------------------------------- rebalance


def test_rebalance_merges_a_group_below_min_into_the_smallest_group_it_fits_in():
    roster, changes = rebalance(roster_of(5, 2, 4), RULES, ids())
    assert [(group.id, len(group.members)) for group in roster.groups] == [("g1", 5),
                                                                           ("g3", 6)]
    assert changes == [Merged("g2", "g3", ("b1", "b2"))]


def test_rebalance_spreads_members_when_no_single_group_has_room_for_all():
    roster, changes = rebalance(roster_of(6, 2, 6), RULES, ids())
    assert sizes(roster) == [7, 7]
    assert changes == [Moved("b1", "g2", "g1"), Moved("b2", "g2", "g3")]


def test_rebalance_leaves_a_small_group_alone_when_the_others_have_no_room():
    before = roster_of(7, 2, 6)
    assert rebalance(before, RULES, ids()) == (before, [])


def test_rebalance_merges_two_small_groups_into_one():
    roster, changes = rebalance(roster_of(2, 1), RULES, ids())
    assert sizes(roster) == [3]
    assert changes == [Merged("g2", "g1", ("b1",))]


def test_rebalance_splits_nothing_and_leaves_groups_within_bounds_alone():
    before = roster_of(3, 7, 5, pool=("w1",))
    assert rebalance(before, RULES, ids()) == (before, [])


def test_rebalance_keeps_learner_ids_so_their_posts_move_with_them():
    roster, _ = rebalance(roster_of(5, 2), RULES, ids())
    assert roster.group_of("b1").id == "g1"
    assert roster.group_of("b2").id == "g1"


# ----------------------------------------------------------------------- storage


def test_a_roster_round_trips_through_json():
    before = roster_of(3, 5, pool=("w1", "w2"))
    assert Roster.from_dict(json.loads(json.dumps(before.to_dict()))) == before


def test_a_missing_or_empty_stored_roster_is_the_empty_roster():
    assert Roster.from_dict(None) == Roster()
    assert Roster.from_dict({}) == Roster()


@pytest.mark.parametrize("data", [
    [], "x", {"groups": {}}, {"groups": [{"members": []}]}, {"groups": [{"id": 3}]},
    {"groups": [{"id": "g", "members": [1]}]}, {"groups": [{"id": "g", "created_at": "x"}]},
    {"pool": [{"since": 1}]}, {"pool": [{"id": "w", "since": None}]}, {"pool": "w"},
])
def test_a_malformed_stored_roster_is_invalid(data):
    with pytest.raises(Invalid):
        Roster.from_dict(data)


def test_a_learner_stored_twice_keeps_their_first_place():
    data = {"groups": [{"id": "g1", "members": ["a", "b", "a"], "created_at": 1},
                       {"id": "g2", "members": ["b", "c"], "created_at": 2}],
            "pool": [{"id": "c", "since": 3}, {"id": "d", "since": 4}]}
    roster = Roster.from_dict(data)
    assert roster.learners() == ["a", "b", "c", "d"]
    assert roster.group("g2").members == ("c",)


def test_change_records_say_what_happened_as_json():
    assert [change.to_dict() for change in (
        Placed("a", "g"), Waiting("a"), GroupFormed("g", ("a", "b")), Moved("a", None, "g"),
        Merged("g", "h", ("a",)), LeftAlone("a"))] == [
        {"kind": "placed", "learner_id": "a", "group_id": "g"},
        {"kind": "waiting", "learner_id": "a"},
        {"kind": "group_formed", "group_id": "g", "members": ["a", "b"]},
        {"kind": "moved", "learner_id": "a", "from_group": None, "to_group": "g"},
        {"kind": "merged", "from_group": "g", "into_group": "h", "members": ["a"]},
        {"kind": "left_alone", "learner_id": "a"},
    ]


# ------------------------------------------------------------------------ rules


@pytest.mark.parametrize("kwargs", [
    {"min_group_size": 6}, {"group_size": 8}, {"min_group_size": 0, "group_size": 0},
    {"group_size": 5.0}, {"max_group_size": True}, {"pool_timeout_hours": -1},
    {"pool_timeout_hours": "24"},
])
def test_group_rules_refuse_sizes_out_of_order_or_of_the_wrong_type(kwargs):
    with pytest.raises(Invalid):
        GroupRules(**kwargs)
