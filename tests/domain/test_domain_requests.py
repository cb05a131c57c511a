"""Idempotency of submits and comments, read as a specification."""

import pytest
from hypothesis import given, strategies as st

from foorumi_xblock.forum.errors import Invalid
from foorumi_xblock.forum.requests import recall, remember, valid_request_id


@pytest.mark.parametrize("value", ["a", "req-1_X", "0" * 64,
                                   "3f2b8c1e-9d4a-4e6b-8f00-1234567890ab"])
def test_a_request_id_is_1_to_64_letters_digits_underscores_or_hyphens(value):
    assert valid_request_id(value) == value


@pytest.mark.parametrize("value", [None, 5, "", "0" * 65, "has space", "ä", "a/b", "a\n"])
def test_any_other_request_id_is_invalid(value):
    with pytest.raises(Invalid):
        valid_request_id(value)


def test_a_request_seen_before_recalls_its_earlier_result():
    seen = remember({}, "req-1", "r-1")
    assert recall(seen, "req-1") == "r-1"
    assert recall(seen, "req-2") is None


def test_remembering_a_request_again_keeps_its_first_result():
    seen = remember(remember({}, "req-1", "r-1"), "req-1", "r-2")
    assert seen == {"req-1": "r-1"}


def test_remember_returns_a_new_mapping_and_leaves_the_old_one_alone():
    before = {"req-1": "r-1"}
    after = remember(before, "req-2", "r-2")
    assert before == {"req-1": "r-1"}
    assert after == {"req-1": "r-1", "req-2": "r-2"}


def test_the_oldest_requests_are_forgotten_beyond_the_limit():
    seen = {}
    for n in range(5):
        seen = remember(seen, f"req-{n}", f"r-{n}", limit=3)
    assert list(seen) == ["req-2", "req-3", "req-4"]


def test_a_limit_below_one_is_invalid():
    with pytest.raises(Invalid):
        remember({}, "req", "r", limit=0)


@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 9)), max_size=40),
       st.integers(1, 10))
def test_the_newest_request_is_always_remembered_with_its_first_result(pairs, limit):
    seen = {}
    for request_id, result in pairs:
        earlier = recall(seen, request_id)
        seen = remember(seen, request_id, str(result), limit)
        assert len(seen) <= limit
        assert recall(seen, request_id) == (earlier if earlier is not None else str(result))
