"""The learner view's strings and escaping rules, checked on the source files.

* every ``t("...")`` in ``static/js/foorumi.js`` is a literal listed in ``JS_STRINGS``, and
  every entry of ``JS_STRINGS`` is used by a JS module (no dead catalogue entries);
* the JS never builds HTML from strings (learner text goes through textContent only);
* ``templates/student.html`` never marks learner data ``|safe`` nor turns autoescape off;
* the Finnish strings file, when present, translates every string of the learner JS and
  template with the same placeholders.
"""
import gettext
import json
import pathlib
import re

import pytest

from foorumi_xblock.ui_strings import JS_STRINGS, js_translations

ROOT = pathlib.Path(__file__).resolve().parent.parent
JS_DIR = ROOT / "static" / "js"
LEARNER_JS = JS_DIR / "foorumi.js"
TEMPLATE = ROOT / "templates" / "student.html"
FINNISH_MO = ROOT / "conf" / "locale" / "fi" / "LC_MESSAGES" / "text.mo"

#: A call of ``t`` with one string literal: t("...") or t('...').
T_LITERAL = re.compile(r"""(?<![\w$.])t\(\s*(?P<q>["'])(?P<body>(?:\\.|(?!(?P=q)).)*)(?P=q)\s*\)""", re.S)
#: Any call of ``t`` (not ``foo.t(``, ``at(``, nor the definition ``function t(``).
T_CALL = re.compile(r"(?<![\w$.])(?<!function )t\(")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def js_literal(body, quote):
    """The value of a JS string literal's body (handles \\uXXXX, \\n, \\' and \\")."""
    if quote == "'":
        body = body.replace("\\'", "'").replace('"', '\\"')
    return json.loads('"' + body + '"')


def t_strings(path):
    """Every string passed literally to ``t`` in the JS file at ``path``."""
    source = path.read_text(encoding="utf-8")
    return [js_literal(m.group("body"), m.group("q")) for m in T_LITERAL.finditer(source)]


def template_strings(path):
    """The msgids of ``{% trans "..." %}`` tags in a template."""
    source = path.read_text(encoding="utf-8")
    return re.findall(r"""{%\s*trans\s+"((?:[^"\\]|\\.)*)"\s*%}""", source)


def test_every_t_call_is_a_literal():
    source = LEARNER_JS.read_text(encoding="utf-8")
    calls = len(T_CALL.findall(source))
    literals = len(T_LITERAL.findall(source))
    assert calls == literals, "t() must only be called with a string literal, so extraction finds it"
    assert literals > 50


def test_every_js_string_is_in_the_catalogue():
    missing = sorted(set(t_strings(LEARNER_JS)) - set(JS_STRINGS))
    assert not missing, f"add to foorumi_xblock/ui_strings.py JS_STRINGS: {missing}"


def test_no_unused_catalogue_entries():
    used = set()
    for path in JS_DIR.glob("*.js"):
        used.update(t_strings(path))
    unused = sorted(set(JS_STRINGS) - used)
    assert not unused, f"no JS module uses these JS_STRINGS entries: {unused}"


def test_catalogue_has_no_duplicates():
    assert len(JS_STRINGS) == len(set(JS_STRINGS))


def test_js_translations_sends_only_what_differs():
    fake = {"Saved": "Tallennettu", "Reply": "Reply"}
    sent = js_translations(lambda text: fake.get(text, text))
    assert sent == {"Saved": "Tallennettu"}


@pytest.mark.parametrize("pattern", [
    r"\.innerHTML\b", r"\.outerHTML\b", r"insertAdjacentHTML", r"document\.write", r"\beval\(",
    r"new Function\(", r"\$\(", r"jQuery",
])
def test_js_never_builds_html_or_uses_jquery(pattern):
    source = LEARNER_JS.read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.S)
    assert not re.search(pattern, code), pattern


def test_js_queries_are_scoped_to_the_element():
    source = LEARNER_JS.read_text(encoding="utf-8")
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
    from xblock.utils.resources import ResourceLoader  # pylint: disable=import-outside-toplevel

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
        return {k: v for k, v in gettext.GNUTranslations(catalog)._catalog.items() if k}  # pylint: disable=protected-access


def test_finnish_covers_every_string_with_the_same_placeholders():
    rows = finnish()
    wanted = sorted(set(t_strings(LEARNER_JS))) + template_strings(TEMPLATE)
    missing = [s for s in wanted if s not in rows]
    assert not missing, f"no Finnish for: {missing}"
    for english in wanted:
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(rows[english])), english
