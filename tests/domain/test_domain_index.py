"""The shared index: ids only, re-merged from each learner's own state on their requests."""
import json

from foorumi_xblock.forum.groups import GroupRules, Roster
from foorumi_xblock.forum.index import Index, LearnerSnapshot, merge_learner

RULES = GroupRules(group_size=3, min_group_size=2, max_group_size=4, pool_timeout_hours=24)
NOW = 1_000_000.0


def ids():
    counter = iter(range(1, 1000))
    return lambda: f"g{next(counter)}"


def snap(handle, **kwargs):
    return LearnerSnapshot(handle=handle, username=f"user-{handle}", name=f"Name {handle}", **kwargs)


def test_a_learners_entries_are_merged_in_as_ids_only():
    index, changes = merge_learner(Index(), snap("a", reflection_id="r1", comments=(("c1", "r9"),), flags=("r9",)), NOW, RULES, ids())
    assert index.learners == {"a": {"u": "user-a", "n": "Name a"}}
    assert index.reflections == {"a": "r1"}
    assert index.edges == {"c1": ["a", "r9"]}
    assert index.flags == {"r9": ["a"]}  # who flagged; the reason stays in their own state
    assert index.roster.is_waiting("a") and [c.to_dict()["kind"] for c in changes] == ["waiting"]


def test_nothing_changed_gives_back_the_same_index_so_nothing_is_written():
    first, _ = merge_learner(Index(), snap("a", reflection_id="r1"), NOW, RULES, ids())
    again, changes = merge_learner(first, snap("a", reflection_id="r1"), NOW + 10, RULES, ids())
    assert again is first and changes == []


def test_the_given_index_is_never_modified():
    index, _ = merge_learner(Index(), snap("a", reflection_id="r1"), NOW, RULES, ids())
    before = json.dumps(index.to_dict(), sort_keys=True)
    merge_learner(index, snap("b", reflection_id="r2", comments=(("c1", "r1"),)), NOW, RULES, ids())
    assert json.dumps(index.to_dict(), sort_keys=True) == before


def test_a_submitter_lost_from_the_roster_returns_to_the_group_their_own_state_remembers():
    index, _ = merge_learner(Index(), snap("a", reflection_id="r1", group_id="g7"), NOW, RULES, ids())
    assert index.roster.group_of("a").id == "g7"


def test_the_second_submitter_forms_a_group_with_the_first():
    new_id = ids()
    index, _ = merge_learner(Index(), snap("a", reflection_id="r1"), NOW, RULES, new_id)
    index, changes = merge_learner(index, snap("b", reflection_id="r2"), NOW, RULES, new_id)
    assert index.roster.group_of("a").members == ("a", "b")
    assert "group_formed" in [c.to_dict()["kind"] for c in changes]


def test_anyones_request_applies_the_pool_timeout():
    rules = GroupRules(group_size=3, min_group_size=3, max_group_size=4, pool_timeout_hours=1)
    new_id = ids()
    index, _ = merge_learner(Index(), snap("a", reflection_id="r1"), NOW, rules, new_id)
    index, _ = merge_learner(index, snap("b", reflection_id="r2"), NOW, rules, new_id)
    assert index.roster.groups == ()
    index, _ = merge_learner(index, snap("c"), NOW + 3600, rules, new_id)  # c has not submitted
    assert index.roster.group_of("a").members == ("a", "b")


def test_a_learner_left_alone_in_the_pool_after_the_timeout_writes_nothing_on_each_request():
    index, _ = merge_learner(Index(), snap("a", reflection_id="r1"), NOW, RULES, ids())
    later, changes = merge_learner(index, snap("a", reflection_id="r1"), NOW + 25 * 3600, RULES, ids())
    assert [c.to_dict()["kind"] for c in changes] == ["left_alone"]
    assert later is index


def test_a_stale_write_that_put_placed_learners_back_in_the_pool_is_repaired_from_their_own_state():
    new_id = ids()
    index = Index()
    for handle, rid in (("a", "r1"), ("b", "r2")):
        index, _ = merge_learner(index, snap(handle, reflection_id=rid), NOW, RULES, new_id)
    group = index.roster.group_of("a").id
    stale, _ = merge_learner(Index(), snap("a", reflection_id="r1"), NOW, RULES, ids())  # a waiting
    repaired, _ = merge_learner(stale, snap("a", reflection_id="r1", group_id=group), NOW, RULES, ids())
    assert repaired.roster.group_of("a").id == group and not repaired.roster.is_waiting("a")


def test_the_index_round_trips_through_json_and_tolerates_garbage():
    index, _ = merge_learner(Index(), snap("a", reflection_id="r1", comments=(("c1", "r2"),)), NOW, RULES, ids())
    assert Index.from_dict(json.loads(json.dumps(index.to_dict()))).to_dict() == index.to_dict()
    assert Index.from_dict(None).to_dict() == Index().to_dict()
    assert Index.from_dict({"learners": [], "edges": "x", "flags": {"i": 3}}).roster == Roster()
    assert Index.from_dict({"roster": {"groups": "nonsense"}, "edges": {"c": ["a"], "d": ["a", "r"]}}).to_dict() == \
        Index(edges={"d": ["a", "r"]}).to_dict()


def test_items_are_found_by_id():
    index, _ = merge_learner(Index(), snap("a", reflection_id="r1", comments=(("c1", "r2"),)), NOW, RULES, ids())
    assert index.author_of_reflection("r1") == "a" and index.owner_of("c1") == "a" and index.owner_of("nope") is None
    index.moderation["c1"] = {"hidden": True}
    assert index.is_hidden("c1") and not index.is_hidden("r1")
