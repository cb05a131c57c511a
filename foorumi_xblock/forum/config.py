"""A forum's configuration and its validation.

Pure domain: plain data in, plain data out; standard library only. ``ForumConfig``
mirrors the XBlock's settings fields. ``ForumConfig.from_fields`` never refuses
anything: whatever the fields hold (wrong types included) is carried over, and
``validate`` reports every broken rule as a ``Problem`` attached to the field (and,
for prompts and agreement items, to the index) it concerns.
"""

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Invalid, _

IDENTITY_MODES = ("named", "pseudonymous")

PROMPT_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")

#: A group set id: empty (the forum's groups are its own) or a short id that forums of one
#: course share to keep the same groups from session to session.
GROUP_SET_PATTERN = re.compile(r"(?:[a-z0-9][a-z0-9_-]{0,39})?")

LIMITS = {
    "display_name": {"min_length": 1, "max_length": 200},
    "intro": {"max_length": 5000},
    "group_size": {"min": 2, "max": 30},
    "min_group_size": {"min": 2, "max": 30},
    "max_group_size": {"min": 2, "max": 30},
    "comments_required": {"min": 0, "max": 29},
    "pool_timeout_hours": {"min": 1, "max": 720},
    "feedback_min_words": {"min": 0, "max": 500},
    "group_set": {"max_length": 40},
    "weight": {"min": 0, "max": 100},
    "prompts": {
        "min_count": 1,
        "max_count": 10,
        "id_max_length": 40,
        "text_max_length": 2000,
        "max_words": 5000,
    },
    "agreement_items": {"max_count": 20, "item_max_length": 500},
}

# The ground rules from the seed's "Important" slide. Marked for translation so that a
# view may show the default in the learner's language.
DEFAULT_AGREEMENT = (
    _("Confidentiality: what is said in the group stays in the group."),
    _("Equality: everyone takes part as an equal."),
    _("Respect and safety: we listen to each other and keep this a safe place."),
    _("Everyone's experience counts: each member matters to the group."),
)


@dataclass(frozen=True)
class Prompt:
    """One reflection prompt: the learner answers ``text`` in min..max words."""

    id: str
    text: str
    min_words: int = 0
    max_words: int = 500

    def to_dict(self) -> dict:
        """The prompt as a plain dict, as stored in the XBlock's ``prompts`` field."""
        return {
            "id": self.id,
            "text": self.text,
            "min_words": self.min_words,
            "max_words": self.max_words,
        }

    @classmethod
    def from_dict(cls, d) -> "Prompt":
        """A prompt from a dict; missing word limits take defaults.

        Raises ``errors.Invalid`` when ``d`` is not a mapping, ``id`` or ``text`` is
        missing or not text, or a word limit is not a whole number. Values are not
        checked against the rules here: that is ``validate``'s job.
        """
        if not isinstance(d, Mapping):
            raise Invalid(_("A prompt must be an object with an id and a text."))
        for key in ("id", "text"):
            if not isinstance(d.get(key), str):
                raise Invalid(_("The prompt's %(key)s must be text."), key=key)
        limits = {}
        for key in ("min_words", "max_words"):
            if key in d:
                if not _is_int(d[key]):
                    raise Invalid(_("The prompt's %(key)s must be a whole number."), key=key)
                limits[key] = d[key]
        return cls(id=d["id"], text=d["text"], **limits)


@dataclass(frozen=True)
class Problem:
    """One broken rule: ``message`` (an untranslated template) filled by ``params``.

    ``field`` names the XBlock field concerned; ``index`` the prompt or agreement item
    (0-based) for list fields, ``None`` when the problem concerns the whole field;
    ``subfield`` the key within a prompt (``id``, ``text``, ``min_words``, ``max_words``).
    """

    field: str
    message: str
    params: dict = dataclasses.field(default_factory=dict)
    index: int | None = None
    subfield: str | None = None

    def render(self, gettext=None) -> str:
        """The message translated with ``gettext`` (identity when none) and filled in."""
        template = gettext(self.message) if gettext else self.message
        return template % self.params if self.params else template


FIELD_NAMES = (
    "display_name",
    "intro",
    "agreement_required",
    "agreement_items",
    "prompts",
    "group_size",
    "min_group_size",
    "max_group_size",
    "comments_required",
    "pool_timeout_hours",
    "feedback_min_words",
    "identity",
    "group_set",
    "newcomers_see_earlier",
    "scored",
    "weight",
)


@dataclass(frozen=True)
class ForumConfig:
    """The settings of one forum, with the defaults a new block starts from."""

    display_name: str = _("Peer forum")
    intro: str = ""
    agreement_required: bool = True
    agreement_items: tuple[str, ...] = DEFAULT_AGREEMENT
    prompts: tuple[Prompt, ...] = (Prompt("origin", _("How did you become a manager?"), 0, 500),)
    group_size: int = 5
    min_group_size: int = 3
    max_group_size: int = 7
    comments_required: int = 2
    pool_timeout_hours: int = 24
    feedback_min_words: int = 5
    identity: str = "named"
    group_set: str = ""
    newcomers_see_earlier: bool = False
    scored: bool = False
    weight: float = 1.0

    @classmethod
    def from_fields(cls, values: Mapping[str, Any]) -> "ForumConfig":
        """A config from XBlock field values; missing keys take defaults.

        ``prompts`` is a list of dicts, ``agreement_items`` a list of str; unknown keys
        are ignored. Never raises on bad values: they are kept as given (a prompt dict
        becomes a ``Prompt`` holding whatever it held) so that ``validate`` can name
        each one.
        """
        kwargs = {name: values[name] for name in FIELD_NAMES if name in values}
        if isinstance(kwargs.get("prompts"), (list, tuple)):
            kwargs["prompts"] = tuple(_lenient_prompt(item) for item in kwargs["prompts"])
        if isinstance(kwargs.get("agreement_items"), (list, tuple)):
            kwargs["agreement_items"] = tuple(kwargs["agreement_items"])
        return cls(**kwargs)

    def to_fields(self) -> dict:
        """The config as XBlock field values (the inverse of ``from_fields``)."""
        values = {name: getattr(self, name) for name in FIELD_NAMES}
        if isinstance(self.prompts, (list, tuple)):
            values["prompts"] = [
                item.to_dict() if isinstance(item, Prompt) else item for item in self.prompts
            ]
        if isinstance(self.agreement_items, (list, tuple)):
            values["agreement_items"] = list(self.agreement_items)
        return values


def validate(config: ForumConfig) -> list[Problem]:
    """Every rule ``config`` breaks, in field order; an empty list means valid."""
    problems: list[Problem] = []
    problems += _check_text("display_name", config.display_name, required=True)
    problems += _check_text("intro", config.intro, required=False)
    problems += _check_bool("agreement_required", config.agreement_required)
    problems += _check_agreement(config.agreement_items, config.agreement_required)
    problems += _check_prompts(config.prompts)
    problems += _check_group_sizes(config)
    problems += _check_int_range("pool_timeout_hours", config.pool_timeout_hours)
    problems += _check_int_range("feedback_min_words", config.feedback_min_words)
    if config.identity not in IDENTITY_MODES:
        problems.append(
            Problem(
                "identity",
                _("The identity mode must be one of: %(choices)s."),
                {"choices": ", ".join(IDENTITY_MODES)},
            )
        )
    if not isinstance(config.group_set, str) or not GROUP_SET_PATTERN.fullmatch(config.group_set):
        problems.append(Problem(
            "group_set",
            _("The group set must be empty or 1 to %(max)s characters: lowercase letters a-z, digits, "
              "'-' or '_', starting with a letter or digit."),
            {"max": LIMITS["group_set"]["max_length"]},
        ))
    problems += _check_bool("newcomers_see_earlier", config.newcomers_see_earlier)
    problems += _check_bool("scored", config.scored)
    problems += _check_weight(config.weight)
    problems += _check_xml_safe(config)
    return problems


#: Characters no XML document can carry (course export would fail or alter the text):
#: C0 controls other than tab, newline and carriage return, lone surrogates, U+FFFE/U+FFFF.
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _check_xml_safe(config: ForumConfig) -> list[Problem]:
    """Every authored text can be saved and exported: a problem next to each that cannot."""
    message = _("This text contains a character that cannot be saved (a control character "
                "or a broken one). Please remove it.")
    def items(value):  # other rules report a value of the wrong shape
        return enumerate(value) if isinstance(value, (list, tuple)) else ()

    places = [("display_name", None, None, config.display_name), ("intro", None, None, config.intro)]
    places += [("agreement_items", i, None, item) for i, item in items(config.agreement_items)]
    for i, prompt in items(config.prompts):
        for key in ("id", "text"):
            places.append(("prompts", i, key, prompt.get(key) if isinstance(prompt, Mapping) else getattr(prompt, key, None)))
    return [
        Problem(field, message, index=index, subfield=subfield)
        for field, index, subfield, text in places
        if isinstance(text, str) and XML_UNSAFE.search(text)
    ]


# Helpers ------------------------------------------------------------------------------

# Full sentences per field, so that each one is translated as a whole.
_TEXT_MESSAGES = {
    "display_name": (
        _("The display name must be text."),
        _("The display name must not be empty."),
        _("The display name must be at most %(max)s characters long."),
    ),
    "intro": (
        _("The introduction must be text."),
        None,
        _("The introduction must be at most %(max)s characters long."),
    ),
}
_BOOL_MESSAGES = {
    "agreement_required": _("Whether the agreement is required must be true or false."),
    "scored": _("Whether the forum is scored must be true or false."),
    "newcomers_see_earlier": _("Whether newcomers may read the group's earlier sessions must be true or false."),
}
_INT_MESSAGES = {
    "group_size": (
        _("The group size must be a whole number."),
        _("The group size must be between %(min)s and %(max)s."),
    ),
    "min_group_size": (
        _("The minimum group size must be a whole number."),
        _("The minimum group size must be between %(min)s and %(max)s."),
    ),
    "max_group_size": (
        _("The maximum group size must be a whole number."),
        _("The maximum group size must be between %(min)s and %(max)s."),
    ),
    "comments_required": (
        _("The number of required comments must be a whole number."),
        _("The number of required comments must be between %(min)s and %(max)s."),
    ),
    "pool_timeout_hours": (
        _("The pool timeout must be a whole number of hours."),
        _("The pool timeout must be between %(min)s and %(max)s hours."),
    ),
    "feedback_min_words": (
        _("The words a comment needs to count as feedback must be a whole number."),
        _("The words a comment needs to count as feedback must be between %(min)s and %(max)s."),
    ),
}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _lenient_prompt(item):
    if not isinstance(item, Mapping):
        return item
    return Prompt(
        id=item.get("id"),
        text=item.get("text"),
        min_words=item.get("min_words", 0),
        max_words=item.get("max_words", 500),
    )


def _check_text(name, value, required) -> list[Problem]:
    not_text, empty, too_long = _TEXT_MESSAGES[name]
    limit = LIMITS[name]["max_length"]
    if not isinstance(value, str):
        return [Problem(name, not_text)]
    if required and not value.strip():
        return [Problem(name, empty)]
    if len(value) > limit:
        return [Problem(name, too_long, {"max": limit})]
    return []


def _check_bool(name, value) -> list[Problem]:
    return [] if isinstance(value, bool) else [Problem(name, _BOOL_MESSAGES[name])]


def _check_int_range(name, value) -> list[Problem]:
    """``value`` is a whole number within ``LIMITS[name]``."""
    not_int, out_of_range = _INT_MESSAGES[name]
    low, high = LIMITS[name]["min"], LIMITS[name]["max"]
    if not _is_int(value):
        return [Problem(name, not_int)]
    if not low <= value <= high:
        return [Problem(name, out_of_range, {"min": low, "max": high})]
    return []


def _check_group_sizes(config) -> list[Problem]:
    """Each size within its bounds, then min <= group_size <= max, then the comments."""
    names = ("min_group_size", "group_size", "max_group_size")
    problems, ok = [], set()
    for name in names:
        found = _check_int_range(name, getattr(config, name))
        problems += found
        if not found:
            ok.add(name)
    low, size, high = (getattr(config, name) for name in names)
    if {"min_group_size", "max_group_size"} <= ok and low > high:
        problems.append(
            Problem(
                "min_group_size",
                _("The minimum group size must not be larger than the maximum group size "
                  "(%(max_group_size)s)."),
                {"max_group_size": high},
            )
        )
    elif {"group_size", "min_group_size"} <= ok and size < low:
        problems.append(
            Problem(
                "group_size",
                _("The group size must not be smaller than the minimum group size "
                  "(%(min_group_size)s)."),
                {"min_group_size": low},
            )
        )
    elif {"group_size", "max_group_size"} <= ok and size > high:
        problems.append(
            Problem(
                "group_size",
                _("The group size must not be larger than the maximum group size "
                  "(%(max_group_size)s)."),
                {"max_group_size": high},
            )
        )
    required = config.comments_required
    if _is_int(required) and "min_group_size" in ok:
        most = low - 1
        if not 0 <= required <= most:
            problems.append(
                Problem(
                    "comments_required",
                    _("The number of required comments must be between 0 and %(max)s (the "
                      "minimum group size minus one), so that everyone can give them."),
                    {"max": most},
                )
            )
    else:
        problems += _check_int_range("comments_required", required)
    return problems


def _check_weight(value) -> list[Problem]:
    low, high = LIMITS["weight"]["min"], LIMITS["weight"]["max"]
    is_number = _is_int(value) or (isinstance(value, float) and math.isfinite(value))
    if not is_number:
        return [Problem("weight", _("The weight must be a number."))]
    if not low <= value <= high:
        return [
            Problem(
                "weight",
                _("The weight must be between %(min)s and %(max)s."),
                {"min": low, "max": high},
            )
        ]
    return []


def _check_agreement(items, required) -> list[Problem]:
    limits = LIMITS["agreement_items"]
    name = "agreement_items"
    if not isinstance(items, (list, tuple)):
        return [Problem(name, _("The agreement items must be a list of texts."))]
    if len(items) > limits["max_count"]:
        return [
            Problem(
                name,
                _("There can be at most %(max)s agreement items."),
                {"max": limits["max_count"]},
            )
        ]
    problems = []
    if required is True and not items:
        problems.append(
            Problem(name, _("An agreement is required, so it needs at least one item."))
        )
    for index, item in enumerate(items):
        number = {"number": index + 1}
        if not isinstance(item, str):
            message = _("Agreement item %(number)s must be text.")
        elif not item.strip():
            message = _("Agreement item %(number)s must not be empty.")
        elif len(item) > limits["item_max_length"]:
            message = _("Agreement item %(number)s must be at most %(max)s characters long.")
            number["max"] = limits["item_max_length"]
        else:
            continue
        problems.append(Problem(name, message, number, index))
    return problems


def _check_prompts(prompts) -> list[Problem]:
    limits = LIMITS["prompts"]
    name = "prompts"
    if not isinstance(prompts, (list, tuple)):
        return [Problem(name, _("The prompts must be a list."))]
    if not limits["min_count"] <= len(prompts) <= limits["max_count"]:
        return [
            Problem(
                name,
                _("There must be between %(min)s and %(max)s prompts."),
                {"min": limits["min_count"], "max": limits["max_count"]},
            )
        ]
    problems = []
    seen_ids = set()
    for index, prompt in enumerate(prompts):
        for subfield, message, params in _prompt_problems(prompt, seen_ids):
            problems.append(Problem(name, message, {"number": index + 1, **params}, index, subfield))
    return problems


def _prompt_problems(prompt, seen_ids):
    """(subfield, message, params) triples for one prompt; records its id in ``seen_ids``."""
    limits = LIMITS["prompts"]
    if not isinstance(prompt, Prompt):
        yield None, _("Prompt %(number)s must have an id and a text."), {}
        return
    if not isinstance(prompt.id, str) or not PROMPT_ID_PATTERN.fullmatch(prompt.id):
        yield (
            "id",
            _("Prompt %(number)s: the id must be 1 to %(max)s characters: lowercase "
              "letters a-z, digits, '-' or '_', starting with a letter or digit."),
            {"max": limits["id_max_length"]},
        )
    elif prompt.id in seen_ids:
        yield "id", _("Prompt %(number)s: the id %(id)s is already used."), {"id": prompt.id}
    else:
        seen_ids.add(prompt.id)
    if not isinstance(prompt.text, str):
        yield "text", _("Prompt %(number)s needs a text."), {}
    elif not prompt.text.strip():
        yield "text", _("Prompt %(number)s: the text must not be empty."), {}
    elif len(prompt.text) > limits["text_max_length"]:
        yield (
            "text",
            _("Prompt %(number)s: the text must be at most %(max)s characters long."),
            {"max": limits["text_max_length"]},
        )
    low, high = prompt.min_words, prompt.max_words
    if not _is_int(low) or not _is_int(high):
        yield "min_words", _("Prompt %(number)s: the word limits must be whole numbers."), {}
    elif not 1 <= high <= limits["max_words"]:
        yield (
            "max_words",
            _("Prompt %(number)s: the maximum number of words must be between 1 and %(max)s."),
            {"max": limits["max_words"]},
        )
    elif not 0 <= low <= high:
        yield (
            "min_words",
            _("Prompt %(number)s: the minimum number of words must be between 0 and the "
              "maximum (%(max)s)."),
            {"max": high},
        )
