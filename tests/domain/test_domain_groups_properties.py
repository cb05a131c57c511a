"""Properties of group formation over random arrival orders, sizes and settings."""

import itertools
import json

from hypothesis import given, strategies as st

from foorumi_xblock.forum.errors import Conflict, NotFound
from foorumi_xblock.forum.groups import (
    Group, GroupRules, LeftAlone, Roster, Waiter, expire, form_now, join, move, rebalance)


def ids(prefix="g"):
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers)}"


@st.composite
def group_rules(draw):
    """Valid settings: 2 <= min <= size <= max <= 12."""
    minimum = draw(st.integers(2, 12))
    size = draw(st.integers(minimum, 12))
    maximum = draw(st.integers(size, 12))
    hours = draw(st.sampled_from([0.5, 1, 24]))
    return GroupRules(group_size=size, min_group_size=minimum, max_group_size=maximum,
                      pool_timeout_hours=hours)


#: Arrivals: learner numbers (repeats are re-joins) with the minutes since the last one.
arrivals = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 90)), max_size=80)


@st.composite
def rosters(draw, rules):
    """Any roster a forum could hold, including groups out of bounds after staff overrides."""
    names = (f"l{n}" for n in itertools.count())
    groups = tuple(
        Group(id=f"g{n}", members=tuple(itertools.islice(names, size)), created_at=float(n))
        for n, size in enumerate(draw(st.lists(st.integers(1, rules.max_group_size + 1),
                                               max_size=8))))
    pool = tuple(Waiter(next(names), float(n)) for n in range(draw(st.integers(0, 15))))
    return Roster(groups=groups, pool=pool)


def assert_everyone_exactly_once(roster, learners):
    placed = roster.learners()
    assert len(placed) == len(set(placed)), "a learner is in two places"
    assert set(placed) == set(learners)
    assert len({group.id for group in roster.groups}) == len(roster.groups)
    assert all(group.members for group in roster.groups)


def run_arrivals(steps, rules):
    """Join everyone in order; yield (roster, changes, learner, already_there, now)."""
    roster, new_id, now = Roster(), ids(), 0.0
    for number, minutes in steps:
        now += minutes * 60.0
        learner = f"l{number}"
        already = roster.is_known(learner)
        roster, changes = join(roster, learner, now, rules, new_id)
        yield roster, changes, learner, already, now


@given(group_rules(), arrivals)
def test_joining_keeps_groups_between_min_and_group_size_and_the_pool_below_min(rules, steps):
    learners, before = set(), Roster()
    for roster, changes, learner, already, _ in run_arrivals(steps, rules):
        learners.add(learner)
        assert_everyone_exactly_once(roster, learners)
        assert all(rules.min_group_size <= len(g.members) <= rules.group_size
                   for g in roster.groups)
        assert len(roster.pool) < rules.min_group_size
        if already:
            assert (roster, changes) == (before, [])
        before = roster


@given(group_rules(), arrivals)
def test_someone_waits_only_when_every_group_is_full(rules, steps):
    for roster, _, _, _, _ in run_arrivals(steps, rules):
        if roster.pool:
            assert all(len(g.members) == rules.group_size for g in roster.groups)


def _last(steps, rules):
    result = (Roster(), [], None, False, 0.0)
    for step in run_arrivals(steps, rules):
        result = step
    return result[0], result[4]


@given(group_rules(), arrivals)
def test_form_now_groups_everyone_within_max_group_size(rules, steps):
    before, now = _last(steps, rules)
    roster, changes = form_now(before, now, rules, ids("new"))
    assert_everyone_exactly_once(roster, before.learners())
    assert all(len(g.members) <= rules.max_group_size for g in roster.groups)
    new_groups = [g for g in roster.groups if before.group(g.id) is None]
    assert all(len(g.members) >= 2 for g in new_groups)
    _assert_pool_empty_unless_left_alone(roster, changes, rules)


@given(st.data(), group_rules())
def test_form_now_never_takes_a_group_above_max_group_size_from_any_roster(data, rules):
    before = data.draw(rosters(rules))
    roster, changes = form_now(before, 100.0, rules, ids("new"))
    assert_everyone_exactly_once(roster, before.learners())
    for group in roster.groups:
        old = before.group(group.id)
        if old is None:
            assert 2 <= len(group.members) <= rules.max_group_size
        elif len(group.members) > len(old.members):
            assert len(group.members) <= rules.max_group_size
            assert group.members[:len(old.members)] == old.members
    _assert_pool_empty_unless_left_alone(roster, changes, rules)


def _assert_pool_empty_unless_left_alone(roster, changes, rules):
    if roster.pool:
        (alone,) = roster.pool
        assert LeftAlone(alone.learner_id) in changes
        assert all(len(g.members) >= rules.max_group_size for g in roster.groups)
    else:
        assert not any(isinstance(change, LeftAlone) for change in changes)


@given(group_rules(), arrivals, st.floats(0, 48))
def test_expire_groups_the_pool_exactly_when_someone_waited_the_timeout(rules, steps, hours):
    before, now = _last(steps, rules)
    later = now + hours * 3600.0
    after = expire(before, later, rules, ids("new"))
    if any(later - w.since >= rules.pool_timeout_seconds for w in before.pool):
        assert after == form_now(before, later, rules, ids("new"))
    else:
        assert after == (before, [])


@given(st.data(), group_rules())
def test_rebalance_dissolves_small_groups_without_exceeding_max_group_size(data, rules):
    before = data.draw(rosters(rules))
    roster, changes = rebalance(before, rules, ids("new"))
    assert_everyone_exactly_once(roster, before.learners())
    assert roster.pool == before.pool
    for group in roster.groups:
        old = before.group(group.id)
        assert old is not None, "rebalance creates no group"
        assert group.members[:len(old.members)] == old.members
        if len(group.members) > len(old.members):
            assert len(group.members) <= rules.max_group_size
    for group in roster.groups:
        if len(group.members) < rules.min_group_size:
            room = sum(max(0, rules.max_group_size - len(other.members))
                       for other in roster.groups if other.id != group.id)
            assert room < len(group.members), "a small group could have been dissolved"
    assert bool(changes) == (roster != before)


operations = st.lists(st.one_of(
    st.tuples(st.just("join"), st.integers(0, 40)),
    st.tuples(st.just("form_now"), st.just(0)),
    st.tuples(st.just("expire"), st.integers(0, 30)),
    st.tuples(st.just("move"), st.integers(0, 40), st.integers(0, 10), st.booleans()),
    st.tuples(st.just("rebalance"), st.just(0)),
), max_size=60)


def apply(operations_, rules):
    """Apply operations; return (roster, changes per step, everyone who joined)."""
    roster, new_id, now, joined, log = Roster(), ids(), 0.0, set(), []
    for operation in operations_:
        now += 3600.0
        kind = operation[0]
        if kind == "join":
            joined.add(f"l{operation[1]}")
            roster, changes = join(roster, f"l{operation[1]}", now, rules, new_id)
        elif kind == "form_now":
            roster, changes = form_now(roster, now, rules, new_id)
        elif kind == "expire":
            roster, changes = expire(roster, now + operation[1] * 3600.0, rules, new_id)
        elif kind == "move":
            _, learner, group, override = operation
            group_id = roster.groups[group % len(roster.groups)].id if roster.groups else "g0"
            try:
                roster, changes = move(roster, f"l{learner}", group_id, rules, override)
            except (NotFound, Conflict) as error:
                changes = [type(error).__name__]
        else:
            roster, changes = rebalance(roster, rules, new_id)
        log.append(changes)
    return roster, log, joined


@given(group_rules(), operations)
def test_everyone_stays_in_exactly_one_place_through_any_staff_operations(rules, steps):
    roster, _, joined = apply(steps, rules)
    assert_everyone_exactly_once(roster, joined)


@given(group_rules(), operations)
def test_the_same_inputs_and_ids_give_the_same_groups(rules, steps):
    assert apply(steps, rules)[:2] == apply(steps, rules)[:2]


@given(group_rules(), operations)
def test_a_roster_round_trips_through_json_whatever_happened(rules, steps):
    roster, log, _ = apply(steps, rules)
    assert Roster.from_dict(json.loads(json.dumps(roster.to_dict()))) == roster
    for changes in log:
        json.dumps([c if isinstance(c, str) else c.to_dict() for c in changes])
