"""Runtime-level tests of the Studio editor: ``studio_submit``, ``validate``, and the views.

Read as the editor's contract: a valid save changes every field (text round-trips exactly,
quotes and ampersands included); an invalid one is a 400 naming each problem's field (and
list index) and changes nothing; Studio's validation and the editor's initial problems come
from the same domain rules (``forum/config.py``).
"""
import copy
import gettext
import json
import pathlib
import re

import pytest

from foorumi_xblock import resources
from foorumi_xblock.forum.config import FIELD_NAMES, LIMITS
from foorumi_xblock.ui_strings import JS_PLURALS, JS_STRINGS
from tests.runtime.harness import AUTHOR, ForumHarness, TableI18n

ROOT = pathlib.Path(__file__).resolve().parents[2]
#: The editor: its entry (foorumi_studio.js) and its parts; the shared core is checked with the learner view.
STUDIO_JS = sorted((ROOT / "static" / "js").glob("foorumi_studio*.js"))
STUDIO_TEMPLATE = ROOT / "templates" / "studio.html"
FINNISH_MO = ROOT / "conf" / "locale" / "fi" / "LC_MESSAGES" / "text.mo"

FINNISH_NAME = 'Esimiesfoorumi: "puun & kuoren" välissä <b>ei lihavoitu</b>'

VALID = {
    "display_name": FINNISH_NAME,
    "intro": "Tervetuloa!\nKirjoita ensin oma pohdintasi; sitten luette toistenne 'ajatuksia' & annatte palautetta.",
    "agreement_required": True,
    "agreement_items": [
        "Luottamuksellisuus: ryhmässä kerrottu jää ryhmään.",
        'Kunnioitus & turvallisuus: "kuuntelemme" toisiamme.',
    ],
    "prompts": [
        {"id": "origin", "text": "Miten olet tullut esimieheksi?", "min_words": 20, "max_words": 400},
        {"id": "support_2", "text": 'Missä tarvitset vertaistukea "puun ja kuoren välissä"?', "min_words": 0, "max_words": 300},
    ],
    "group_size": 4,
    "min_group_size": 3,
    "max_group_size": 6,
    "comments_required": 2,
    "pool_timeout_hours": 48,
    "feedback_min_words": 3,
    "identity": "pseudonymous",
    "group_set": "esimiesfoorumit",
    "newcomers_see_earlier": True,
    "scored": True,
    "weight": 2.5,
}

#: A forum that is not at the defaults, so that a partial write would show.
START = {"display_name": "Alku", "group_size": 6, "min_group_size": 4, "max_group_size": 8, "comments_required": 3}


@pytest.fixture
def harness():
    return ForumHarness(**START)


def fields(harness):
    """Every editable field as a fresh request's block sees it."""
    block = harness.block(AUTHOR)
    return {name: copy.deepcopy(getattr(block, name)) for name in FIELD_NAMES}


def stored(harness):
    """Everything in the key-value store, to prove that a refused save wrote nothing."""
    return json.dumps({repr(key): value for key, value in harness.kvs.db_dict.items()}, sort_keys=True)


def submit(harness, values):
    return harness.call(AUTHOR, "studio_submit", {"values": values})


def with_change(**change):
    values = copy.deepcopy(VALID)
    values.update(change)
    return values


def prompt(index, **change):
    """VALID's prompts with prompt ``index`` changed."""
    prompts = copy.deepcopy(VALID["prompts"])
    prompts[index].update(change)
    return prompts


# -- saving ----------------------------------------------------------------------------------

def test_a_valid_save_changes_every_field_and_text_round_trips(harness):
    status, payload = submit(harness, VALID)
    assert status == 200, payload
    assert payload["result"] == "success"
    assert fields(harness) == VALID
    assert payload["values"] == VALID


def test_a_save_may_send_only_some_fields(harness):
    status, _ = submit(harness, {"intro": "Vain johdanto & muuta ei."})
    assert status == 200
    after = fields(harness)
    assert after["intro"] == "Vain johdanto & muuta ei."
    assert after["group_size"] == START["group_size"] and after["display_name"] == START["display_name"]


def test_unknown_keys_are_ignored(harness):
    status, _ = submit(harness, with_change(forum_index={"x": 1}, reflection="no"))
    assert status == 200
    assert harness.records() == {}  # no forum row: a save is not a learner's visit


def test_the_saved_forum_renders_its_text_escaped(harness):
    submit(harness, VALID)
    html = harness.block(AUTHOR).author_view().content
    assert "&quot;puun &amp; kuoren&quot;" in html
    assert "<b>ei lihavoitu</b>" not in html and "&lt;b&gt;ei lihavoitu&lt;/b&gt;" in html
    assert "Kunnioitus &amp; turvallisuus" in html


INVALID = [
    pytest.param(with_change(group_size=3, min_group_size=4), "group_size", None, id="min_group_size>group_size"),
    pytest.param(with_change(min_group_size=5, max_group_size=4, group_size=4), "min_group_size", None, id="min>max"),
    pytest.param(with_change(group_size=7, max_group_size=6), "group_size", None, id="group_size>max"),
    pytest.param(with_change(comments_required=3), "comments_required", None, id="comments_required>=min_group_size"),
    pytest.param(with_change(comments_required=-1), "comments_required", None, id="negative comments"),
    pytest.param(with_change(prompts=prompt(1, id="origin")), "prompts", 1, id="duplicate prompt ids"),
    pytest.param(with_change(prompts=[]), "prompts", None, id="no prompts"),
    pytest.param(with_change(prompts=VALID["prompts"] * 6), "prompts", None, id="too many prompts"),
    pytest.param(with_change(prompts="origin"), "prompts", None, id="prompts not a list"),
    pytest.param(with_change(prompts=prompt(1, text="   ")), "prompts", 1, id="empty prompt text"),
    pytest.param(with_change(prompts=prompt(0, min_words=50, max_words=10)), "prompts", 0, id="max_words<min_words"),
    pytest.param(with_change(prompts=prompt(1, id="Tuki!")), "prompts", 1, id="bad prompt id"),
    pytest.param(with_change(prompts=prompt(0, min_words="5")), "prompts", 0, id="word limit as a string"),
    pytest.param(with_change(prompts=[VALID["prompts"][0], "just text"]), "prompts", 1, id="prompt not an object"),
    pytest.param(with_change(identity="x"), "identity", None, id="identity x"),
    pytest.param(with_change(group_size="5"), "group_size", None, id="string for an int"),
    pytest.param(with_change(pool_timeout_hours=None), "pool_timeout_hours", None, id="empty number"),
    pytest.param(with_change(pool_timeout_hours=721), "pool_timeout_hours", None, id="pool timeout too long"),
    pytest.param(with_change(weight="heavy"), "weight", None, id="weight not a number"),
    pytest.param(with_change(weight=101), "weight", None, id="weight too large"),
    pytest.param(with_change(scored="true"), "scored", None, id="boolean as a string"),
    pytest.param(with_change(agreement_items=[f"Sääntö {n}" for n in range(LIMITS["agreement_items"]["max_count"] + 1)]),
                 "agreement_items", None, id="too many agreement items"),
    pytest.param(with_change(agreement_items=[]), "agreement_items", None, id="agreement required but empty"),
    pytest.param(with_change(agreement_items=["Hyvä", "", "Myös hyvä"]), "agreement_items", 1, id="empty agreement item"),
    pytest.param(with_change(agreement_items=["ok", "x" * 501]), "agreement_items", 1, id="agreement item too long"),
    pytest.param(with_change(display_name="x" * (LIMITS["display_name"]["max_length"] + 1)), "display_name", None,
                 id="display_name too long"),
    pytest.param(with_change(display_name="   "), "display_name", None, id="display_name blank"),
    pytest.param(with_change(intro=["not", "text"]), "intro", None, id="intro not text"),
]


@pytest.mark.parametrize("values, field, index", INVALID)
def test_an_invalid_save_is_refused_where_it_is_wrong_and_changes_nothing(harness, values, field, index):
    before_fields, before_store = fields(harness), stored(harness)
    status, payload = submit(harness, values)
    assert status == 400, payload
    assert payload["error"]
    assert any(p["field"] == field and p["index"] == index for p in payload["problems"]), payload["problems"]
    for problem in payload["problems"]:
        assert set(problem) >= {"field", "index", "message"}
        assert problem["field"] in FIELD_NAMES and problem["message"]
    assert fields(harness) == before_fields
    assert stored(harness) == before_store


def test_every_problem_is_reported_at_once(harness):
    status, payload = submit(harness, with_change(identity="x", display_name="", prompts=prompt(0, text="")))
    assert status == 400
    found = {(p["field"], p["index"]) for p in payload["problems"]}
    assert {("identity", None), ("display_name", None), ("prompts", 0)} <= found


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_only_post_is_allowed(harness, method):
    before = stored(harness)
    status, payload = harness.call(AUTHOR, "studio_submit", method=method)
    assert status == 405 and payload["error"]
    assert stored(harness) == before


@pytest.mark.parametrize("handler", ["studio_submit", "submit_studio_edits"])
@pytest.mark.parametrize("body", [
    b"{not json", b"", b"\xff\xfe", b"[]", b'"values"', b"{}", b'{"values": []}', b'{"values": "x"}', b'{"values": null}',
    b'{"values": 1}', b'{"values": {"prompts": "x"}}', b"[" * 200_000,
])
def test_a_body_that_is_not_a_values_object_is_a_400(harness, handler, body):
    before = stored(harness)
    status, payload = harness.call(AUTHOR, handler, body=body)
    assert status == 400 and payload["error"]
    assert stored(harness) == before


def test_a_huge_body_is_refused(harness):
    status, _ = harness.call(AUTHOR, "studio_submit", body=json.dumps({"values": {"intro": "x" * 300_000}}).encode())
    assert status == 413


# -- Studio's validation and the views ----------------------------------------------------

def invalid_block(harness):
    block = harness.block(AUTHOR)
    block.min_group_size = 6
    block.group_size = 5
    block.identity = "x"
    block.save()
    return harness.block(AUTHOR)


def test_validate_lists_each_problem_of_an_invalid_block(harness):
    messages = [m.text for m in invalid_block(harness).validate().messages]
    assert any("Group size" in text for text in messages), messages
    assert any("Identity" in text for text in messages), messages


def test_validate_is_empty_for_a_valid_block(harness):
    assert harness.block(AUTHOR).validate().messages == []
    submit(harness, VALID)
    assert harness.block(AUTHOR).validate().messages == []


def test_validate_names_the_list_item(harness):
    block = harness.block(AUTHOR)
    block.prompts = prompt(1, text="")
    messages = [m.text for m in block.validate().messages]
    assert any("2" in text and "Prompt" in text for text in messages), messages


def test_studio_view_renders_the_frame_and_passes_the_values(harness):
    submit(harness, VALID)
    fragment = harness.block(AUTHOR).studio_view()
    html = fragment.content
    assert 'class="foorumi-studio' in html and "<form" in html
    assert ">Save<" in html and ">Cancel<" in html
    assert 'role="alert"' in html and 'aria-live="polite"' in html
    assert "&quot;puun &amp; kuoren&quot;" in html and "<b>ei lihavoitu</b>" not in html
    assert fragment.js_init_fn == "FoorumiStudio"
    init = json.loads(fragment.json_init_args["json"])
    assert init["values"] == VALID
    assert init["limits"] == LIMITS
    assert init["problems"] == []
    for label in ("Group size", "Smallest group", "Reflection prompts", "Ground rules", "Add prompt", "Move up"):
        assert init["i18n"].get(label, label) == label
    # The editor's files by URL, as one minified file (resources.py): the shared core first,
    # the editor's parts, its entry last; only the init data is inline.
    urls = [(resource.kind, resource.mimetype, resource.data) for resource in fragment.resources]
    scripts = [data for kind, mimetype, data in urls if kind == "url" and mimetype == "application/javascript"]
    assert len(scripts) == 1 and re.fullmatch(r"/resource/static/js/bundle/studio\.[0-9a-f]{12}\.js", scripts[0]), scripts
    parts = resources.BUNDLES["studio"]
    assert parts[0] == "foorumi_core" and parts[-1] == "foorumi_studio"
    assert {f"{name}.js" for name in parts} == {"foorumi_core.js"} | {path.name for path in STUDIO_JS}
    assert fragment.js_init_fn == "FoorumiStudio"
    assert [data for kind, mimetype, data in urls if mimetype == "text/css"] == ["/resource/static/css/foorumi_studio.css"]
    assert all(kind == "url" for kind, _mimetype, _data in urls)


def test_studio_view_shows_an_invalid_blocks_problems(harness):
    init = json.loads(invalid_block(harness).studio_view().json_init_args["json"])
    found = {(p["field"], p["index"]) for p in init["problems"]}
    assert ("group_size", None) in found and ("identity", None) in found
    assert init["values"]["identity"] == "x"


def test_author_view_renders_the_settings(harness):
    submit(harness, VALID)
    html = harness.block(AUTHOR).author_view().content
    assert "Reflection prompts" in html and "Ground rules" in html
    assert "Miten olet tullut esimieheksi?" in html
    assert "Pseudonyms" in html


def test_author_view_renders_an_invalid_block_with_its_problems(harness):
    html = invalid_block(harness).author_view().content
    assert 'role="alert"' in html
    assert "group size" in html


    def get_language(self):
        return "fi"


def finnish_table():
    """The shipped Finnish catalog (what the LMS's i18n service reads)."""
    with open(FINNISH_MO, "rb") as catalog:
        return {k: v for k, v in gettext.GNUTranslations(catalog)._catalog.items() if k}


def test_the_editor_strings_follow_the_i18n_service(harness):
    block = harness.block(AUTHOR)
    block.runtime._services["i18n"] = TableI18n(finnish_table())  # the editor's Finnish strings
    init = json.loads(block.studio_view().json_init_args["json"])
    assert init["i18n"]["Add prompt"] == "Lisää kysymys"
    assert init["i18n"]["Group size"] == "Ryhmän koko"


# -- the editor's sources ----------------------------------------------------------------

T_LITERAL = re.compile(r"""(?<![\w$.])t\(\s*(?P<q>["'])(?P<body>(?:\\.|(?!(?P=q)).)*)(?P=q)\s*\)""", re.S)
T_CALL = re.compile(r"(?<![\w$.])(?<!function )t\(")
N_LITERAL = re.compile(r"""(?<![\w$.])ngettext\(\s*"((?:\\.|[^"\\])*)"\s*,\s*"((?:\\.|[^"\\])*)"\s*,""", re.S)
N_CALL = re.compile(r"(?<![\w$.])ngettext\(")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def code_of(path):
    """A JS file without its comments."""
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", path.read_text(encoding="utf-8"), flags=re.S)


def studio_js_strings():
    found = []
    for path in STUDIO_JS:
        found += [json.loads('"' + m.group("body") + '"') for m in T_LITERAL.finditer(path.read_text(encoding="utf-8"))]
    return found


def studio_js_plurals():
    found = []
    for path in STUDIO_JS:
        found += [(json.loads('"' + one + '"'), json.loads('"' + many + '"'))
                  for one, many in N_LITERAL.findall(path.read_text(encoding="utf-8"))]
    return found


@pytest.mark.parametrize("path", STUDIO_JS, ids=lambda p: p.name)
def test_every_editor_string_is_a_literal_in_the_catalogue(path):
    code = code_of(path)
    assert len(T_CALL.findall(code)) == len(T_LITERAL.findall(code))
    assert len(N_CALL.findall(code)) == len(N_LITERAL.findall(code))
    missing = sorted(set(studio_js_strings()) - set(JS_STRINGS))
    assert not missing, f"add to foorumi_xblock/ui_strings.py JS_STRINGS: {missing}"
    missing = sorted(set(studio_js_plurals()) - set(JS_PLURALS))
    assert not missing, f"add to foorumi_xblock/ui_strings.py JS_PLURALS: {missing}"


def test_the_editor_strings_have_finnish_with_the_same_placeholders():
    table = finnish_table()
    template = re.findall(r"""{%\s*trans\s+"((?:[^"\\]|\\.)*)"\s*%}""", STUDIO_TEMPLATE.read_text(encoding="utf-8"))
    wanted = set(studio_js_strings()) | set(template) | {form for pair in studio_js_plurals() for form in pair}
    assert len(studio_js_plurals()) >= 4
    missing = sorted(s for s in wanted if s not in table)
    assert not missing, f"no Finnish for: {missing}"
    for english in wanted:
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(table[english])), english


@pytest.mark.parametrize("pattern", [
    r"\.innerHTML\b", r"\.outerHTML\b", r"insertAdjacentHTML", r"document\.write", r"\beval\(",
    r"new Function\(", r"\$\(", r"jQuery\(", r"document\.querySelector", r"document\.getElement",
])
@pytest.mark.parametrize("path", STUDIO_JS, ids=lambda p: p.name)
def test_the_editor_never_builds_html_nor_queries_outside_its_element(path, pattern):
    assert not re.search(pattern, code_of(path)), pattern


def test_the_editor_template_escapes():
    source = STUDIO_TEMPLATE.read_text(encoding="utf-8")
    assert "|safe" not in source.replace(" ", "") and "autoescape" not in source


@pytest.mark.parametrize("handler", ["studio_submit", "submit_studio_edits"])
def test_a_learner_cannot_change_the_settings_through_any_save_handler(harness, handler):
    before = fields(harness)
    body = {"values": {"display_name": "hacked", "agreement_required": False}, "defaults": []}
    status, payload = harness.call("anna", handler, body)
    assert status == 403 and payload["error"]
    assert fields(harness) == before


def test_the_generic_save_handler_validates_like_the_editor(harness):
    status, payload = harness.call(AUTHOR, "submit_studio_edits", {"values": {"min_group_size": 9}, "defaults": ["group_size"]})
    assert status == 400 and {p["field"] for p in payload["problems"]} >= {"min_group_size"}
    status, _ = harness.call(AUTHOR, "submit_studio_edits", {"values": {"display_name": "Uusi"}, "defaults": ["group_size"]})
    assert status == 200
    block = harness.block(AUTHOR)
    assert block.display_name == "Uusi" and block.group_size == 5
