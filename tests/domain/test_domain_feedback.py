"""Feedback: suggestions, progress and completion, read as a specification."""

import json

import pytest
from hypothesis import given, strategies as st

from foorumi_xblock.forum.errors import Invalid
from foorumi_xblock.forum.feedback import (
    CommentEdge, Progress, comments_received, needs_feedback, progress, required_comments,
    suggestions)

MEMBERS = ("anna", "bertta", "cecilia", "daniel")
REFLECTIONS = {member: f"r-{member}" for member in MEMBERS}


def edge(commenter, author, number=None):
    """A comment by ``commenter`` on ``author``'s reflection."""
    comment_id = f"c-{commenter}-{author}-{number}"
    return CommentEdge(comment_id, commenter, f"r-{author}", author)


# ------------------------------------------------------------------ suggestions


def test_suggestions_start_with_the_next_member_after_me_when_nobody_has_commented():
    assert suggestions("bertta", MEMBERS, REFLECTIONS, [], 2) == [
        "r-cecilia", "r-daniel", "r-anna"]


def test_suggestions_leave_out_my_own_reflection_and_those_i_commented_on():
    edges = [edge("anna", "bertta"), edge("anna", "bertta", 2)]
    assert suggestions("anna", MEMBERS, REFLECTIONS, edges, 2) == ["r-cecilia", "r-daniel"]


def test_reflections_short_of_feedback_come_before_those_that_have_enough():
    edges = [edge("bertta", "cecilia"), edge("daniel", "cecilia")]
    assert suggestions("anna", MEMBERS, REFLECTIONS, edges, 2) == [
        "r-bertta", "r-daniel", "r-cecilia"]


def test_among_reflections_short_of_feedback_the_next_member_after_me_comes_first():
    # bertta already has one comment and daniel none, but bertta comes right after anna:
    # following the member order is what guarantees that nobody is left without feedback.
    edges = [edge("cecilia", "bertta")]
    assert suggestions("anna", MEMBERS, REFLECTIONS, edges, 2)[:2] == ["r-bertta", "r-cecilia"]


def test_reflections_with_enough_feedback_come_last_fewest_comments_first():
    edges = [edge(who, "bertta") for who in ("cecilia", "daniel")] + [
        edge(who, "cecilia") for who in ("bertta", "daniel", "anna")] + [
        edge("bertta", "daniel")]
    assert suggestions("anna", MEMBERS, REFLECTIONS, edges, 1) == ["r-daniel", "r-bertta"]


def test_replies_by_the_author_do_not_count_as_feedback_received():
    edges = [edge("bertta", "bertta"), edge("bertta", "bertta", 2)]
    assert comments_received(edges) == {}
    assert suggestions("anna", MEMBERS, REFLECTIONS, edges, 1)[0] == "r-bertta"


def test_members_without_a_visible_reflection_are_not_suggested():
    visible = {member: REFLECTIONS[member] for member in ("anna", "cecilia")}
    assert suggestions("anna", MEMBERS, visible, [], 2) == ["r-cecilia"]


def test_without_comments_required_suggestions_follow_the_member_order_after_me():
    edges = [edge("bertta", "daniel"), edge("cecilia", "daniel")]
    assert suggestions("cecilia", MEMBERS, REFLECTIONS, edges) == ["r-anna", "r-bertta"]


def test_the_interleaving_that_defeats_fewest_comments_first_still_gives_everyone_two():
    # Givers in the order anna, anna, bertta, bertta, cecilia, daniel, daniel, cecilia: with
    # "fewest comments first", cecilia would end with one comment (see feedback.py).
    edges = []
    for who in ("anna", "anna", "bertta", "bertta", "cecilia", "daniel", "daniel", "cecilia"):
        chosen = suggestions(who, MEMBERS, REFLECTIONS, edges, 2)[0]
        edges.append(CommentEdge(f"c{len(edges)}", who, chosen, chosen[2:]))
    assert comments_received(edges) == dict.fromkeys(REFLECTIONS.values(), 2)


# --------------------------------------------------------------------- progress


def test_progress_counts_distinct_reflections_of_other_learners():
    edges = [edge("anna", "bertta"), edge("anna", "bertta", 2), edge("anna", "anna"),
             edge("bertta", "anna")]
    assert progress("anna", True, edges, 2) == Progress(True, 1, 2, False)


def test_a_learner_is_complete_when_submitted_and_enough_comments_given():
    edges = [edge("anna", "bertta"), edge("anna", "cecilia"), edge("anna", "daniel")]
    assert progress("anna", True, edges, 2).complete
    assert not progress("anna", False, edges, 2).complete


@pytest.mark.parametrize("submitted, given, required, grade", [
    (False, 0, 2, 0.0), (True, 0, 2, 1 / 3), (True, 1, 2, 2 / 3), (True, 3, 2, 1.0),
    (False, 2, 2, 2 / 3), (True, 0, 0, 1.0),
])
def test_the_grade_is_the_fraction_of_requirements_met(submitted, given, required, grade):
    assert Progress(submitted, given, required, False).grade == pytest.approx(grade)


def test_progress_as_json():
    assert progress("anna", True, [], 2).to_dict() == {
        "submitted": True, "comments_given": 0, "comments_required": 2, "complete": False}


@pytest.mark.parametrize("required, size, expected", [(2, 5, 2), (2, 2, 1), (3, 1, 0),
                                                      (0, 4, 0)])
def test_the_requirement_is_capped_at_one_comment_per_other_member(required, size, expected):
    assert required_comments(required, size) == expected


# ------------------------------------------------------------- staff's view


def test_comments_received_counts_distinct_commenters_other_than_the_author():
    edges = [edge("anna", "bertta"), edge("anna", "bertta", 2), edge("cecilia", "bertta"),
             edge("bertta", "bertta")]
    assert comments_received(edges) == {"r-bertta": 2}


def test_needs_feedback_lists_reflections_short_of_the_requirement_in_member_order():
    edges = [edge("anna", "bertta"), edge("cecilia", "bertta"), edge("anna", "daniel")]
    assert needs_feedback(MEMBERS, REFLECTIONS, edges, 2) == [
        "r-anna", "r-cecilia", "r-daniel"]


# --------------------------------------------------------------------- storage


def test_a_comment_edge_round_trips_through_json():
    before = edge("anna", "bertta")
    assert CommentEdge.from_dict(json.loads(json.dumps(before.to_dict()))) == before


@pytest.mark.parametrize("data", [None, [], {"comment_id": "c"},
                                  {"comment_id": "c", "commenter": "a", "reflection_id": 1,
                                   "reflection_author": "b"}])
def test_a_malformed_stored_comment_edge_is_invalid(data):
    with pytest.raises(Invalid):
        CommentEdge.from_dict(data)


# ------------------------------------------------------------------ properties


@st.composite
def groups_and_requirements(draw):
    size = draw(st.integers(2, 12))
    members = draw(st.permutations([f"m{n}" for n in range(size)]))
    required = draw(st.integers(1, size - 1))
    return members, required


def follow_suggestions(data, members, required, passed_requirement):
    """Everyone comments on their first suggestion, one comment at a time, in a random
    interleaving, until each has given ``required``."""
    reflections = {member: f"r-{member}" for member in members}
    authors = {rid: member for member, rid in reflections.items()}
    edges, given = [], dict.fromkeys(members, 0)
    while True:
        still = [member for member in members if given[member] < required]
        if not still:
            return reflections, edges
        who = data.draw(st.sampled_from(still))
        suggested = suggestions(who, members, reflections, edges,
                                required if passed_requirement else None)
        assert suggested, "a learner who still owes comments must get a suggestion"
        edges.append(CommentEdge(f"c{len(edges)}", who, suggested[0], authors[suggested[0]]))
        given[who] += 1


@given(groups_and_requirements(), st.booleans(), st.data())
def test_under_full_participation_everyone_receives_exactly_comments_required(
        setup, passed_requirement, data):
    members, required = setup
    reflections, edges = follow_suggestions(data, members, required, passed_requirement)
    received = comments_received(edges)
    assert min(received.get(rid, 0) for rid in reflections.values()) >= required
    assert set(received.values()) == {required}
    assert all(progress(member, True, edges, required).complete for member in members)
    assert needs_feedback(members, reflections, edges, required) == []


@given(groups_and_requirements(), st.data())
def test_suggestions_are_every_other_uncommented_reflection_short_ones_first(setup, data):
    members, required = setup
    visible = data.draw(st.lists(st.sampled_from(members), unique=True))
    reflections = {member: f"r-{member}" for member in visible}
    edges = [CommentEdge(f"c{n}", who, f"r-{author}", author) for n, (who, author) in
             enumerate(data.draw(st.lists(st.tuples(st.sampled_from(members),
                                                    st.sampled_from(visible or members)))))]
    me = data.draw(st.sampled_from(members))
    suggested = suggestions(me, members, reflections, edges, required)
    mine = {e.reflection_id for e in edges if e.commenter == me}
    assert sorted(suggested) == sorted(
        rid for author, rid in reflections.items() if author != me and rid not in mine)
    received = comments_received(edges)
    short = [received.get(rid, 0) < required for rid in suggested]
    assert short == sorted(short, reverse=True)
    assert suggested == suggestions(me, members, dict(reversed(reflections.items())),
                                    list(reversed(edges)), required)
