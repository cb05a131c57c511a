"""Request ids: what makes a retried submit or comment create nothing twice."""
import pytest

from foorumi_xblock.forum.errors import Invalid
from foorumi_xblock.forum.requests import earlier_result, valid_request_id


@pytest.mark.parametrize("value", ["a", "retry-1", "A_b-9", "x" * 64, "0f8e3a1c-5b2d-4e7f-9a6b-1c2d3e4f5a6b"])
def test_a_request_id_is_1_to_64_letters_digits_underscores_or_hyphens(value):
    assert valid_request_id(value) == value


@pytest.mark.parametrize("value", ["", "x" * 65, "has space", "ä", "a/b", None, 42, ["a"], {"a": 1}])
def test_anything_else_is_not_a_request_id(value):
    with pytest.raises(Invalid):
        valid_request_id(value)


def test_a_request_seen_before_gives_the_id_of_what_it_created():
    records = [{"id": "c1", "request_id": "r1"}, {"id": "c2", "request_id": "r2"}]
    assert earlier_result(records, "r2") == "c2"


def test_a_new_request_has_no_earlier_result():
    assert earlier_result([{"id": "c1", "request_id": "r1"}], "r3") is None
    assert earlier_result([], "r1") is None
    assert earlier_result([None, {}], "r1") is None


def test_nothing_is_forgotten_however_many_requests_came_between():
    records = [{"id": f"c{n}", "request_id": f"r{n}"} for n in range(5000)]
    assert earlier_result(records, "r0") == "c0"
