"""The forum configuration: defaults, field round trips and every validation rule."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foorumi_xblock.forum import errors
from foorumi_xblock.forum.config import (
    DEFAULT_AGREEMENT,
    FIELD_NAMES,
    LIMITS,
    ForumConfig,
    Problem,
    Prompt,
    validate,
)


def config_with(**changes):
    """The default config's fields with ``changes`` applied, through ``from_fields``."""
    return ForumConfig.from_fields({**ForumConfig().to_fields(), **changes})


def prompts(count, **overrides):
    return [
        {"id": f"p{i}", "text": f"Prompt {i}?", "min_words": 0, "max_words": 500, **overrides}
        for i in range(count)
    ]


# Defaults and conversions -----------------------------------------------------------


def test_defaults_are_valid():
    config = ForumConfig()
    assert validate(config) == []
    assert config.agreement_items == DEFAULT_AGREEMENT
    assert len(DEFAULT_AGREEMENT) == 4
    assert config.prompts == (Prompt("origin", "How did you become a manager?", 0, 500),)
    assert (config.group_size, config.min_group_size, config.max_group_size) == (5, 3, 7)
    assert (config.comments_required, config.pool_timeout_hours) == (2, 24)


def test_field_names_cover_the_dataclass_in_order():
    assert tuple(ForumConfig.__dataclass_fields__) == FIELD_NAMES


def test_limits_match_the_rules():
    assert LIMITS["group_size"] == {"min": 2, "max": 30}
    assert LIMITS["pool_timeout_hours"] == {"min": 1, "max": 720}
    assert LIMITS["prompts"]["max_count"] == 10
    assert LIMITS["agreement_items"]["max_count"] == 20


def test_from_fields_missing_keys_take_defaults_and_unknown_keys_are_ignored():
    assert ForumConfig.from_fields({}) == ForumConfig()
    config = ForumConfig.from_fields({"group_size": 6, "url_name": "x", "has_score": True})
    assert config == ForumConfig(group_size=6)


def test_to_fields_gives_plain_lists_and_dicts():
    fields = ForumConfig().to_fields()
    assert set(fields) == set(FIELD_NAMES)
    assert fields["prompts"] == [
        {"id": "origin", "text": "How did you become a manager?", "min_words": 0, "max_words": 500}
    ]
    assert fields["agreement_items"] == list(DEFAULT_AGREEMENT)
    assert ForumConfig.from_fields(fields) == ForumConfig()


def test_from_fields_keeps_bad_values_for_validate_to_report():
    config = ForumConfig.from_fields({"prompts": [{"text": 3}, "x"], "group_size": "5"})
    assert config.prompts == (Prompt(None, 3, 0, 500), "x")
    fields = {(p.field, p.index) for p in validate(config)}
    assert {("prompts", 0), ("prompts", 1), ("group_size", None)} <= fields


def test_prompt_from_dict_is_tolerant_of_missing_word_limits():
    assert Prompt.from_dict({"id": "a", "text": "T"}) == Prompt("a", "T", 0, 500)
    assert Prompt.from_dict({"id": "a", "text": "T", "max_words": 9}).max_words == 9
    prompt = Prompt("a", "T", 1, 2)
    assert Prompt.from_dict(prompt.to_dict()) == prompt


@pytest.mark.parametrize(
    "data",
    [
        "origin",
        None,
        {"text": "T"},
        {"id": 3, "text": "T"},
        {"id": "a", "text": None},
        {"id": "a", "text": "T", "min_words": "3"},
        {"id": "a", "text": "T", "max_words": True},
        {"id": "a", "text": "T", "max_words": 2.0},
    ],
)
def test_prompt_from_dict_refuses_wrong_types(data):
    with pytest.raises(errors.Invalid):
        Prompt.from_dict(data)


def test_problem_renders_with_and_without_gettext():
    problem = Problem("group_size", errors._("Must be at least %(min)s."), {"min": 2})
    assert problem.render() == "Must be at least 2."
    finnish = {"Must be at least %(min)s.": "Vähintään %(min)s."}
    assert problem.render(finnish.get) == "Vähintään 2."
    assert Problem("x", "100% sure").render() == "100% sure"


# Validation rules: each with valid and invalid examples ------------------------------

VALID = [
    {"display_name": "x"},
    {"display_name": "ä" * 200},
    {"intro": ""},
    {"intro": "a" * 5000},
    {"min_group_size": 2, "group_size": 2, "max_group_size": 2, "comments_required": 1},
    {"min_group_size": 30, "group_size": 30, "max_group_size": 30, "comments_required": 29},
    {"min_group_size": 3, "group_size": 3, "max_group_size": 3},
    {"group_size": 7},
    {"comments_required": 0},
    {"pool_timeout_hours": 1},
    {"pool_timeout_hours": 720},
    {"identity": "pseudonymous"},
    {"group_set": "esimiesfoorumit"},
    {"group_set": "a"},
    {"group_set": "0" + "x" * 39},
    {"newcomers_see_earlier": True},
    {"weight": 0},
    {"weight": 100},
    {"weight": 2.5},
    {"scored": True},
    {"agreement_required": False, "agreement_items": []},
    {"agreement_items": ["a" * 500] * 20},
    {"prompts": prompts(10)},
    {"prompts": [{"id": "a", "text": "T"}]},
    {"prompts": [{"id": "0" + "x" * 39, "text": "T"}]},
    {"prompts": [{"id": "a-b_c", "text": "t" * 2000}]},
    {"prompts": prompts(1, min_words=5000, max_words=5000)},
    {"prompts": prompts(1, min_words=0, max_words=1)},
]


@pytest.mark.parametrize("changes", VALID)
def test_valid_examples(changes):
    assert validate(config_with(**changes)) == []


INVALID = [
    # (changes, field, index)
    ({"display_name": ""}, "display_name", None),
    ({"display_name": "   "}, "display_name", None),
    ({"display_name": "a" * 201}, "display_name", None),
    ({"display_name": 5}, "display_name", None),
    ({"intro": "a" * 5001}, "intro", None),
    ({"intro": None}, "intro", None),
    ({"min_group_size": 1, "comments_required": 0}, "min_group_size", None),
    ({"max_group_size": 31}, "max_group_size", None),
    ({"group_size": 31}, "group_size", None),
    ({"group_size": "5"}, "group_size", None),
    ({"group_size": True}, "group_size", None),
    ({"group_size": 5.0}, "group_size", None),
    ({"min_group_size": 4, "group_size": 3}, "group_size", None),
    ({"group_size": 8}, "group_size", None),
    ({"min_group_size": 8, "group_size": 7}, "min_group_size", None),
    ({"comments_required": -1}, "comments_required", None),
    ({"comments_required": 3}, "comments_required", None),
    ({"min_group_size": 2, "group_size": 2, "comments_required": 2}, "comments_required", None),
    ({"comments_required": "2"}, "comments_required", None),
    ({"pool_timeout_hours": 0}, "pool_timeout_hours", None),
    ({"pool_timeout_hours": 721}, "pool_timeout_hours", None),
    ({"pool_timeout_hours": 1.5}, "pool_timeout_hours", None),
    ({"identity": "anonymous"}, "identity", None),
    ({"identity": None}, "identity", None),
    ({"group_set": "Esimiehet"}, "group_set", None),
    ({"group_set": "-set"}, "group_set", None),
    ({"group_set": "x" * 41}, "group_set", None),
    ({"group_set": "a b"}, "group_set", None),
    ({"group_set": "set\n"}, "group_set", None),
    ({"group_set": None}, "group_set", None),
    ({"newcomers_see_earlier": "yes"}, "newcomers_see_earlier", None),
    ({"weight": -0.1}, "weight", None),
    ({"weight": 100.5}, "weight", None),
    ({"weight": math.nan}, "weight", None),
    ({"weight": math.inf}, "weight", None),
    ({"weight": 10**400}, "weight", None),
    ({"weight": "1"}, "weight", None),
    ({"weight": True}, "weight", None),
    ({"scored": "no"}, "scored", None),
    ({"agreement_required": "yes"}, "agreement_required", None),
    ({"agreement_items": []}, "agreement_items", None),
    ({"agreement_items": ["a"] * 21}, "agreement_items", None),
    ({"agreement_items": "Be kind."}, "agreement_items", None),
    ({"agreement_items": ["ok", "  "]}, "agreement_items", 1),
    ({"agreement_items": ["a" * 501]}, "agreement_items", 0),
    ({"agreement_items": ["ok", "ok", 5]}, "agreement_items", 2),
    ({"prompts": []}, "prompts", None),
    ({"prompts": prompts(11)}, "prompts", None),
    ({"prompts": "How?"}, "prompts", None),
    ({"prompts": [3]}, "prompts", 0),
    ({"prompts": [{"id": "Origin", "text": "T"}]}, "prompts", 0),
    ({"prompts": [{"id": "", "text": "T"}]}, "prompts", 0),
    ({"prompts": [{"id": "_a", "text": "T"}]}, "prompts", 0),
    ({"prompts": [{"id": "a" * 41, "text": "T"}]}, "prompts", 0),
    ({"prompts": [{"id": "a b", "text": "T"}]}, "prompts", 0),
    ({"prompts": [{"id": "a\n", "text": "T"}]}, "prompts", 0),
    ({"prompts": [{"id": 1, "text": "T"}]}, "prompts", 0),
    ({"prompts": [{"id": "a", "text": "T"}, {"id": "a", "text": "U"}]}, "prompts", 1),
    ({"prompts": [{"id": "a", "text": "T"}, {"id": "b", "text": " \n"}]}, "prompts", 1),
    ({"prompts": [{"id": "a", "text": "t" * 2001}]}, "prompts", 0),
    ({"prompts": [{"id": "a", "text": None}]}, "prompts", 0),
    ({"prompts": prompts(1, min_words=-1)}, "prompts", 0),
    ({"prompts": prompts(1, min_words=0, max_words=0)}, "prompts", 0),
    ({"prompts": prompts(1, max_words=5001)}, "prompts", 0),
    ({"prompts": prompts(1, min_words=10, max_words=9)}, "prompts", 0),
    ({"prompts": prompts(1, min_words="5")}, "prompts", 0),
]


@pytest.mark.parametrize(
    "changes, field, index", INVALID, ids=[f"{f}-{i}-{n}" for n, (_, f, i) in enumerate(INVALID)]
)
def test_invalid_examples(changes, field, index):
    problems = validate(config_with(**changes))
    assert [(p.field, p.index) for p in problems] == [(field, index)]
    text = problems[0].render()
    assert text and "%(" not in text


def test_group_size_messages_name_the_relationship():
    (problem,) = validate(config_with(min_group_size=4, group_size=3))
    assert "minimum group size" in problem.render()
    (problem,) = validate(config_with(group_size=8))
    assert "maximum group size (7)" in problem.render()
    (problem,) = validate(config_with(comments_required=3))
    assert "between 0 and 2" in problem.render()


def test_prompt_problems_say_which_prompt():
    (problem,) = validate(config_with(prompts=prompts(2) + [{"id": "p0", "text": "T"}]))
    assert problem.index == 2
    assert problem.render().startswith("Prompt 3:")


# Properties ---------------------------------------------------------------------------

# Authored text that XML can carry (see test_text_that_xml_cannot_carry_is_refused...).
_xml_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07"
                           "\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
                           "\x1d\x1e\x1f\ufffe\uffff")
_text = st.text(_xml_chars, min_size=1, max_size=60).filter(lambda s: s.strip())


@st.composite
def valid_fields(draw):
    """Field values that satisfy every rule."""
    low = draw(st.integers(2, 30))
    high = draw(st.integers(low, 30))
    ids = draw(
        st.lists(st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,39}\Z"), min_size=1, max_size=10,
                 unique=True)
    )
    prompt_list = []
    for prompt_id in ids:
        max_words = draw(st.integers(1, 5000))
        prompt_list.append({
            "id": prompt_id,
            "text": draw(_text),
            "min_words": draw(st.integers(0, max_words)),
            "max_words": max_words,
        })
    required = draw(st.booleans())
    return {
        "display_name": draw(st.text(_xml_chars, max_size=200).filter(lambda s: s.strip())),
        "intro": draw(st.text(_xml_chars, max_size=300)),
        "agreement_required": required,
        "agreement_items": draw(st.lists(_text, min_size=int(required), max_size=20)),
        "prompts": prompt_list,
        "group_size": draw(st.integers(low, high)),
        "min_group_size": low,
        "max_group_size": high,
        "comments_required": draw(st.integers(0, low - 1)),
        "feedback_min_words": draw(st.integers(0, 500)),
        "pool_timeout_hours": draw(st.integers(1, 720)),
        "identity": draw(st.sampled_from(["named", "pseudonymous"])),
        "group_set": draw(st.from_regex(r"\A(?:[a-z0-9][a-z0-9_-]{0,39})?\Z")),
        "newcomers_see_earlier": draw(st.booleans()),
        "scored": draw(st.booleans()),
        "weight": draw(st.floats(0, 100) | st.integers(0, 100)),
    }


@given(valid_fields())
def test_valid_fields_validate_and_round_trip(fields):
    config = ForumConfig.from_fields(fields)
    assert validate(config) == []
    assert config.to_fields() == fields
    assert ForumConfig.from_fields(config.to_fields()) == config


_junk = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=3),
                       st.dictionaries(st.sampled_from(["id", "text", "min_words", "max_words"]),
                                       st.one_of(st.none(), st.integers(), st.text(max_size=3)))),
             max_size=3),
)


@given(st.dictionaries(st.sampled_from(FIELD_NAMES), _junk))
def test_any_field_values_give_problems_not_exceptions(fields):
    config = ForumConfig.from_fields(fields)
    for problem in validate(config):
        assert problem.field in FIELD_NAMES
        assert problem.render()
    assert ForumConfig.from_fields(config.to_fields()) == config or _has_nan(fields)


def _has_nan(fields):
    weight = fields.get("weight")
    return isinstance(weight, float) and math.isnan(weight)


@pytest.mark.parametrize("prompt, subfield", [
    ({"id": "Bad Id", "text": "x"}, "id"),
    ({"id": "a", "text": "   "}, "text"),
    ({"id": "a", "text": "x", "min_words": 5, "max_words": 2}, "min_words"),
    ({"id": "a", "text": "x", "min_words": 0, "max_words": 0}, "max_words"),
])
def test_a_prompt_problem_names_the_input_it_concerns(prompt, subfield):
    problems = validate(ForumConfig.from_fields({"prompts": [prompt]}))
    assert [(p.field, p.index, p.subfield) for p in problems] == [("prompts", 0, subfield)]


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\ud800", "\udfff", "\ufffe"])
@pytest.mark.parametrize("where", ["display_name", "intro", "agreement", "prompt_text"])
def test_text_that_xml_cannot_carry_is_refused_next_to_its_field(bad, where):
    from foorumi_xblock.forum.config import ForumConfig, validate

    fields = {"display_name": "Foorumi", "intro": "", "agreement_items": ["Luottamus"],
              "prompts": [{"id": "origin", "text": "Miten?", "min_words": 0, "max_words": 100}]}
    if where == "display_name":
        fields["display_name"] = f"Foo{bad}rumi"
        expected = ("display_name", None, None)
    elif where == "intro":
        fields["intro"] = f"Tervetuloa{bad}"
        expected = ("intro", None, None)
    elif where == "agreement":
        fields["agreement_items"] = ["Hyvä", f"Luotta{bad}mus"]
        expected = ("agreement_items", 1, None)
    else:
        fields["prompts"][0]["text"] = f"Miten{bad}?"
        expected = ("prompts", 0, "text")
    problems = validate(ForumConfig.from_fields(fields))
    assert [(p.field, p.index, p.subfield) for p in problems] == [expected]


def test_tab_newline_and_finnish_text_are_fine():
    from foorumi_xblock.forum.config import ForumConfig, validate

    fields = {"display_name": "Äänekoski – puun ja kuoren välissä 🌲", "intro": "Rivi 1\n\tRivi 2\r\n",
              "prompts": [{"id": "origin", "text": "Miten?", "min_words": 0, "max_words": 100}]}
    assert validate(ForumConfig.from_fields(fields)) == []
