"""Stored records and text bounds, read as a specification."""

import json

import pytest
from hypothesis import given, strategies as st

from foorumi_xblock.forum.errors import Invalid, TooLarge
from foorumi_xblock.forum.records import (
    MAX_ANSWER_CHARS, MAX_COMMENT_CHARS, MAX_FLAG_REASON_CHARS, MAX_REASON_CHARS, Comment, Flag,
    Member, ModerationDecision, Reflection, check_text, hidden_items)


def through_json(record):
    return type(record).from_dict(json.loads(json.dumps(record.to_dict())))


# ------------------------------------------------------------------- check_text


def test_text_at_the_bound_is_accepted_unchanged():
    text = "ä" * MAX_COMMENT_CHARS
    assert check_text(text, MAX_COMMENT_CHARS, "comment") is text


def test_text_over_the_bound_is_too_large_and_never_truncated():
    with pytest.raises(TooLarge) as error:
        check_text("x" * (MAX_COMMENT_CHARS + 1), MAX_COMMENT_CHARS, "comment")
    assert error.value.params == {"what": "comment", "length": MAX_COMMENT_CHARS + 1,
                                  "limit": MAX_COMMENT_CHARS}
    assert str(MAX_COMMENT_CHARS) in str(error.value)


@pytest.mark.parametrize("value", [None, 3, ["text"], b"bytes"])
def test_text_that_is_not_a_string_is_invalid(value):
    with pytest.raises(Invalid):
        check_text(value, 100, "comment")


@pytest.mark.parametrize("value", ["", "   ", "\n\t"])
def test_empty_text_is_invalid_when_required_and_accepted_otherwise(value):
    with pytest.raises(Invalid):
        check_text(value, 100, "comment")
    assert check_text(value, 100, "reason", required=False) == value


def test_the_bounds_are_the_documented_ones():
    assert (MAX_ANSWER_CHARS, MAX_COMMENT_CHARS, MAX_REASON_CHARS, MAX_FLAG_REASON_CHARS) == (
        10000, 4000, 500, 500)


# ---------------------------------------------------------------------- records


def test_a_reflection_is_edited_once_it_has_an_edit_time():
    reflection = Reflection("r1", "anna", {"origin": "Sattumalta."}, 10.0)
    assert not reflection.edited
    assert Reflection("r1", "anna", {}, 10.0, edited_at=20.0).edited


def test_a_comment_is_edited_once_it_has_an_edit_time():
    assert not Comment("c1", "anna", "r1", "Kiitos!", 10.0).edited
    assert Comment("c1", "anna", "r1", "Kiitos!", 10.0, edited_at=11.0).edited


RECORDS = [
    Member("anna", "Anna A."),
    Reflection("r1", "anna", {"origin": "Sattumalta <b>ja</b> vähitellen."}, 10.0, 12.5, "req-1"),
    Reflection("r2", "bertta", {}, 11.0),
    Comment("c1", "bertta", "r1", "Tunnistan tämän.", 13.0, None, "req-2", True),
    Flag("c1", "anna", "Loukkaava", 14.0),
    ModerationDecision("c1", True, "staff1", "Asiaton", 15.0),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda record: type(record).__name__)
def test_a_record_round_trips_through_json(record):
    assert through_json(record) == record


def test_optional_keys_may_be_missing_from_stored_records():
    assert Reflection.from_dict({"id": "r", "author": "a", "answers": {},
                                 "submitted_at": 1}) == Reflection("r", "a", {}, 1.0)
    assert Comment.from_dict({"id": "c", "author": "a", "reflection_id": "r", "text": "t",
                              "created_at": 1}) == Comment("c", "a", "r", "t", 1.0)
    assert Flag.from_dict({"item_id": "c", "reporter": "a", "at": 2}) == Flag("c", "a", "", 2.0)


def test_unknown_keys_in_stored_records_are_ignored():
    data = dict(RECORDS[3].to_dict(), future_field=1)
    assert Comment.from_dict(data) == RECORDS[3]


@pytest.mark.parametrize("kind, data", [
    (Reflection, None),
    (Reflection, {"id": "r", "author": "a", "answers": [], "submitted_at": 1}),
    (Reflection, {"id": "r", "author": "a", "answers": {"p": 3}, "submitted_at": 1}),
    (Reflection, {"id": "r", "author": "a", "answers": {}, "submitted_at": "1"}),
    (Reflection, {"id": "", "author": "a", "answers": {}, "submitted_at": 1}),
    (Reflection, {"author": "a", "answers": {}, "submitted_at": 1}),
    (Reflection, {"id": "r", "author": "a", "answers": {}, "submitted_at": 1, "edited_at": "x"}),
    (Comment, {"id": "c", "author": "a", "reflection_id": "r", "text": 5, "created_at": 1}),
    (Comment, {"id": "c", "author": "a", "reflection_id": "r", "text": "t", "created_at": 1,
               "helpful": "yes"}),
    (Comment, {"id": "c", "author": "a", "text": "t", "created_at": 1}),
    (Flag, {"item_id": "c", "reporter": "a", "at": True}),
    (ModerationDecision, {"item_id": "c", "hidden": 1, "by": "s", "at": 1}),
    (ModerationDecision, {"item_id": "c", "by": "s", "at": 1}),
    (Member, ["anna"]),
])
def test_a_malformed_stored_record_is_invalid(kind, data):
    with pytest.raises(Invalid):
        kind.from_dict(data)


def test_the_latest_moderation_decision_on_an_item_wins():
    decisions = [ModerationDecision("c1", True, "s", "", 1.0),
                 ModerationDecision("c2", True, "s", "", 2.0),
                 ModerationDecision("c1", False, "s", "", 3.0),
                 ModerationDecision("c3", False, "s", "", 4.0),
                 ModerationDecision("c3", True, "s", "", 4.0)]
    assert hidden_items(decisions) == {"c2", "c3"}


text = st.text(max_size=30)
ids_ = st.text(min_size=1, max_size=12)
times = st.floats(0, 2e9, allow_nan=False)


@given(st.builds(Reflection, ids_, ids_, st.dictionaries(ids_, text, max_size=4), times,
                 st.none() | times, st.none() | ids_),
       st.builds(Comment, ids_, ids_, ids_, text, times, st.none() | times, st.none() | ids_,
                 st.booleans()))
def test_any_reflection_and_comment_round_trip_through_json(reflection, comment):
    assert through_json(reflection) == reflection
    assert through_json(comment) == comment
