"""Word counts and answer limits, read as a specification."""

import pytest
from hypothesis import given, strategies as st

from foorumi_xblock.forum.errors import Invalid, TooLarge
from foorumi_xblock.forum.records import MAX_ANSWER_CHARS
from foorumi_xblock.forum.words import check_answer, count_words


@pytest.mark.parametrize("text, words", [
    ("vertaistuki", 1),
    ("esimies-alaissuhde", 1),
    ("Miten olet tullut esimieheksi?", 4),
    ("Hei, maailma! — ... ?!", 2),
    ("esimies- ja alaistaidot", 3),
    ("2000-luvulla EU:ssa 3,5 % enemmän", 4),
    ("Vuonna 2024 oli 12 esihenkilöä.", 5),
    ("Åsa, Öljy ja Äiti", 4),
    ("Привет мир", 2),
    ("Γειά σου κόσμε", 3),
    ("नमस्ते दुनिया", 2),
    ("東京タワー", 5),
    ("Katso https://example.com/a?b=1&c=2 tai www.esimerkki.fi/sivu.", 4),
    ("Kirjoita osoitteeseen matti.meikalainen@firma.fi, kiitos", 4),
    ("rock'n'roll ja ja/tai", 3),
    ("", 0), ("   \n\t ", 0), ("— – - ... !!", 0), ("😀 👍", 0),
])
def test_words_are_counted_the_way_a_finnish_writer_expects(text, words):
    assert count_words(text) == words


def test_decomposed_letters_count_like_composed_ones():
    assert count_words("ka\u0308ynti") == count_words("käynti") == 1


@given(st.lists(st.from_regex(r"[a-zA-ZäöåÄÖÅ0-9]+(-[a-zäöå0-9]+)?", fullmatch=True),
                max_size=30),
       st.sampled_from([" ", "\n", " - ", ", ", ". ", "  "]))
def test_words_separated_by_spaces_and_punctuation_count_one_each(words, separator):
    assert count_words(separator.join(words)) == len(words)


# ----------------------------------------------------------------- check_answer


def test_an_answer_within_its_limits_returns_its_word_count():
    assert check_answer("Sattumalta, kun edellinen esimies lähti.", 2, 10, final=True) == 5


def test_a_draft_may_be_under_the_minimum_or_empty():
    assert check_answer("Ehkä", 20, 400, final=False) == 1
    assert check_answer("", 20, 400, final=False) == 0


def test_a_draft_over_the_maximum_is_too_large():
    with pytest.raises(TooLarge) as error:
        check_answer("yksi kaksi kolme", None, 2, final=False, prompt_id="origin")
    assert error.value.params == {"count": 3, "limit": 2, "prompt_id": "origin"}


def test_an_answer_over_the_character_bound_is_too_large_whatever_its_words():
    with pytest.raises(TooLarge):
        check_answer("a" * (MAX_ANSWER_CHARS + 1), None, None, final=False)


def test_a_submitted_answer_under_the_minimum_is_invalid():
    with pytest.raises(Invalid) as error:
        check_answer("liian lyhyt", 3, None, final=True)
    assert error.value.params["count"] == 2
    assert "3" in str(error.value)


@pytest.mark.parametrize("text", ["", "   ", "?!"])
def test_a_submitted_answer_without_words_is_invalid_even_without_a_minimum(text):
    with pytest.raises(Invalid):
        check_answer(text, None, None, final=True)


@pytest.mark.parametrize("value", [None, 12, ["a"]])
def test_an_answer_that_is_not_text_is_invalid(value):
    with pytest.raises(Invalid):
        check_answer(value, None, None, final=False)
