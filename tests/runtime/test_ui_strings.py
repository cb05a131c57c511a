"""The JavaScript's strings, escaping rules and layout, checked on the source files.

* every ``t("...")`` in the learner view's files (``static/js/foorumi*.js`` but the staff
  console's and the Studio editor's) is a literal listed in ``JS_STRINGS``, every
  ``ngettext("...", "...", n)`` a pair listed in ``JS_PLURALS``, and every entry of those is
  used by a JS file (no dead catalogue entries);
* the JS never builds HTML from strings (learner text goes through textContent only);
* each view is a few files by concern, none over 700 lines: each part adds one key to
  ``window.Foorumi``; the entry files check their parts;
* ``templates/student.html`` never marks learner data ``|safe`` nor turns autoescape off;
* the Finnish strings file, when present, translates every string of the learner JS and
  template with the same placeholders, and both forms of every plural.
"""
import gettext
import json
import pathlib
import re

import pytest

from foorumi_xblock.ui_strings import JS_PLURALS, JS_STRINGS, js_translations

ROOT = pathlib.Path(__file__).resolve().parents[2]
JS_DIR = ROOT / "static" / "js"
#: The learner view's files: the entry (foorumi.js) and its parts, with the shared core.
LEARNER_JS = sorted(p for p in JS_DIR.glob("foorumi*.js") if not p.name.startswith(("foorumi_staff", "foorumi_studio")))
TEMPLATE = ROOT / "templates" / "student.html"
FINNISH_MO = ROOT / "conf" / "locale" / "fi" / "LC_MESSAGES" / "text.mo"
MAX_LINES = 700

_STRING = r"""(?P<q{n}>["'])(?P<body{n}>(?:\\.|(?!(?P=q{n})).)*)(?P=q{n})"""
#: A call of ``t`` with one string literal: t("...") or t('...').
T_LITERAL = re.compile(r"""(?<![\w$.])t\(\s*(?P<q>["'])(?P<body>(?:\\.|(?!(?P=q)).)*)(?P=q)\s*\)""", re.S)
#: Any call of ``t`` (not ``foo.t(``, ``at(``, nor the definition ``function t(``).
T_CALL = re.compile(r"(?<![\w$.])(?<!function )t\(")
#: A call of ``ngettext`` with two string literals: ngettext("one", "many", n).
N_LITERAL = re.compile(r"(?<![\w$.])ngettext\(\s*" + _STRING.format(n=1) + r"\s*,\s*" + _STRING.format(n=2) + r"\s*,", re.S)
#: Any call of ``ngettext`` (not ``foo.ngettext(``).
N_CALL = re.compile(r"(?<![\w$.])ngettext\(")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def js_literal(body, quote):
    """The value of a JS string literal's body (handles \\uXXXX, \\n, \\' and \\")."""
    if quote == "'":
        body = body.replace("\\'", "'").replace('"', '\\"')
    return json.loads('"' + body + '"')


def t_strings(*paths):
    """Every string passed literally to ``t`` in the JS files at ``paths``."""
    found = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        found += [js_literal(m.group("body"), m.group("q")) for m in T_LITERAL.finditer(source)]
    return found


def plural_pairs(*paths):
    """Every ``(singular, plural)`` passed literally to ``ngettext`` in the JS files at ``paths``."""
    found = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        found += [(js_literal(m.group("body1"), m.group("q1")), js_literal(m.group("body2"), m.group("q2")))
                  for m in N_LITERAL.finditer(source)]
    return found


def template_strings(path):
    """The msgids of ``{% trans "..." %}`` tags in a template."""
    source = path.read_text(encoding="utf-8")
    return re.findall(r"""{%\s*trans\s+"((?:[^"\\]|\\.)*)"\s*%}""", source)


def code_of(path):
    """A JS file without its comments."""
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", path.read_text(encoding="utf-8"), flags=re.S)


def test_the_learner_view_is_its_entry_and_parts():
    assert {p.name for p in LEARNER_JS} == {
        "foorumi.js", "foorumi_core.js", "foorumi_words.js", "foorumi_render.js", "foorumi_sync.js",
        "foorumi_stages.js", "foorumi_comments.js", "foorumi_group.js", "foorumi_links.js", "foorumi_compose.js",
        "foorumi_sessions.js",
    }


@pytest.mark.parametrize("path", sorted(JS_DIR.glob("*.js")), ids=lambda p: p.name)
def test_every_js_file_is_one_concern_of_at_most_700_lines(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_LINES, f"{path.name}: split it by concern"
    entry = path.name in ("foorumi.js", "foorumi_staff.js", "foorumi_studio.js")
    keys = re.findall(r"(?<![\w$.])Foorumi\.(\w+) = ", code_of(path)) + \
        re.findall(r"root\.Foorumi\.(\w+) = ", code_of(path))
    if entry:
        assert keys == [], f"{path.name} wires the parts and adds none"
        assert "throw new Error(" in source, f"{path.name} must fail loudly when a part is missing"
    else:
        assert len(keys) == 1, f"{path.name} adds exactly one key to window.Foorumi: {keys}"


@pytest.mark.parametrize("path", LEARNER_JS, ids=lambda p: p.name)
def test_every_t_and_ngettext_call_is_a_literal(path):
    source = code_of(path)
    assert len(T_CALL.findall(source)) == len(T_LITERAL.findall(source)), \
        "t() must only be called with a string literal, so extraction finds it"
    assert len(N_CALL.findall(source)) == len(N_LITERAL.findall(source)), \
        "ngettext() must only be called with two string literals and a count"


def test_the_learner_view_uses_many_strings():
    assert len(t_strings(*LEARNER_JS)) > 50 and len(plural_pairs(*LEARNER_JS)) >= 10


def test_every_js_string_is_in_the_catalogue():
    missing = sorted(set(t_strings(*LEARNER_JS)) - set(JS_STRINGS))
    assert not missing, f"add to foorumi_xblock/ui_strings.py JS_STRINGS: {missing}"
    missing = sorted(set(plural_pairs(*LEARNER_JS)) - set(JS_PLURALS))
    assert not missing, f"add to foorumi_xblock/ui_strings.py JS_PLURALS: {missing}"


def test_no_unused_catalogue_entries():
    every_file = sorted(JS_DIR.glob("*.js"))
    unused = sorted(set(JS_STRINGS) - set(t_strings(*every_file)))
    assert not unused, f"no JS module uses these JS_STRINGS entries: {unused}"
    unused = sorted(set(JS_PLURALS) - set(plural_pairs(*every_file)))
    assert not unused, f"no JS module uses these JS_PLURALS entries: {unused}"


def test_catalogue_has_no_duplicates():
    assert len(JS_STRINGS) == len(set(JS_STRINGS))
    assert len(JS_PLURALS) == len(set(JS_PLURALS))
    assert all(isinstance(pair, tuple) and len(pair) == 2 for pair in JS_PLURALS)
    singulars = [singular for singular, _plural in JS_PLURALS]
    assert len(singulars) == len(set(singulars)) and not set(singulars) & set(JS_STRINGS)


def test_js_translations_sends_only_what_differs():
    fake = {"Saved": "Tallennettu", "Reply": "Reply"}
    sent = js_translations(lambda text: fake.get(text, text))
    assert sent == {"Saved": "Tallennettu"}


def test_js_translations_sends_both_forms_of_a_plural():
    fake = {"%(count)s word": "%(count)s sana", "%(count)s words": "%(count)s sanaa"}
    sent = js_translations(lambda text: fake.get(text, text))
    assert sent == {"%(count)s word": ["%(count)s sana", "%(count)s sanaa"]}

    # A catalogue with a plural entry (msgid_plural) is preferred, through ngettext.
    def ngettext(singular, plural, n):
        return {"%(count)s word": ("%(count)s sana", "%(count)s sanaa")}.get(singular, (singular, plural))[n != 1]

    assert js_translations(lambda text: text, ngettext=ngettext) == sent


@pytest.mark.parametrize("pattern", [
    r"\.innerHTML\b", r"\.outerHTML\b", r"insertAdjacentHTML", r"document\.write", r"\beval\(",
    r"new Function\(", r"\$\(", r"jQuery",
])
@pytest.mark.parametrize("path", LEARNER_JS, ids=lambda p: p.name)
def test_js_never_builds_html_or_uses_jquery(path, pattern):
    code = code_of(path)
    if path.name == "foorumi_core.js" and pattern == "jQuery":
        code = code.replace("element.jquery", "")  # elementOf() unwraps what some runtimes pass
    assert not re.search(pattern, code), pattern


@pytest.mark.parametrize("path", LEARNER_JS, ids=lambda p: p.name)
def test_js_queries_are_scoped_to_the_element(path):
    source = path.read_text(encoding="utf-8")
    assert "document.querySelector" not in source
    assert "document.getElementsBy" not in source


def test_template_escapes_learner_data():
    source = TEMPLATE.read_text(encoding="utf-8")
    assert "|safe" not in source.replace(" ", "")
    assert "autoescape off" not in source
    assert "{% autoescape" not in source
    assert re.search(r"{{\s*intro\|linebreaksbr\s*}}", source)
    assert re.search(r"{{\s*display_name\s*}}", source)


def test_template_renders_escaped():
    from xblock.utils.resources import ResourceLoader

    html = ResourceLoader("foorumi_xblock").render_django_template("templates/student.html", {
        "display_name": "<b>Forum</b>",
        "intro": "line <script>alert(1)</script>\nsecond",
        "is_staff": False,
    })
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>second" in html
    assert "&lt;b&gt;Forum&lt;/b&gt;" in html
    assert 'class="foorumi-app"' in html
    assert 'aria-live="polite"' in html
    assert "<noscript>" in html


def finnish():
    """The shipped Finnish catalog (what the LMS's i18n service reads)."""
    with open(FINNISH_MO, "rb") as catalog:
        return {k: v for k, v in gettext.GNUTranslations(catalog)._catalog.items() if k}


def test_finnish_covers_every_string_with_the_same_placeholders():
    rows = finnish()
    wanted = sorted(set(t_strings(*LEARNER_JS))) + template_strings(TEMPLATE)
    wanted += sorted({form for pair in plural_pairs(*LEARNER_JS) for form in pair})
    missing = [s for s in wanted if s not in rows]
    assert not missing, f"no Finnish for: {missing}"
    for english in wanted:
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(rows[english])), english
