"""The JS strings travel in a cacheable file per language (static/js/i18n/), not inline.

``make translations`` writes the files from the compiled catalogs (scripts/js_catalog.py):
the committed ones must be what it writes now. A view names its language's files by URL and
sends inline only what the runtime's translator says otherwise than the file (normally
nothing); the JavaScript looks in the inline entries, then the file, then the English.
"""
import gettext
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from foorumi_xblock.ui_strings import (
    JS_CATALOGS, JS_PLURALS, JS_STRINGS, STAFF_JS_PLURALS, STAFF_JS_STRINGS, js_translations, read_js_catalog,
    shipped_js_catalog,
)
from tests.runtime.harness import AUTHOR, ForumHarness, HarnessRuntime, TableI18n

ROOT = Path(__file__).resolve().parents[2]
CATALOG_DIR = ROOT / "static" / "js" / "i18n"
FINNISH_MO = ROOT / "conf" / "locale" / "fi" / "LC_MESSAGES" / "text.mo"
#: A view's scripts: one minified file named by its content (``foorumi_xblock/resources.py``).
BUNDLE = r"static/js/bundle/%s\.[0-9a-f]{12}\.js"
REGENERATE = "run `make translations` (or `.venv/bin/python scripts/js_catalog.py`) and commit static/js/i18n/"
NODE = shutil.which("node")


def finnish():
    with open(FINNISH_MO, "rb") as handle:
        return gettext.GNUTranslations(handle)


def test_the_committed_files_are_what_make_translations_writes_now(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "js_catalog.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=120)
    fresh = {path.name: path.read_bytes() for path in tmp_path.glob("*.js")}
    committed = {path.name: path.read_bytes() for path in CATALOG_DIR.glob("*.js")}
    assert set(fresh) == {"foorumi_i18n_fi.js", "foorumi_i18n_staff_fi.js"} <= set(committed)
    assert sorted(committed) == sorted(fresh), REGENERATE
    for name, text in fresh.items():
        assert committed[name] == text, f"{name} is out of step: {REGENERATE}"
        assert text.isascii(), f"{name}: served without a charset, it must read the same in any"


@pytest.mark.parametrize("name", sorted(JS_CATALOGS))
def test_each_file_holds_every_translated_string_of_its_table_from_the_mo(name):
    strings, plurals = JS_CATALOGS[name]
    catalog = finnish()
    table = read_js_catalog((CATALOG_DIR / f"{name}_fi.js").read_text(encoding="utf-8"))
    assert table == js_translations(catalog.gettext, strings, plurals, ngettext=catalog.ngettext)
    untranslated = set(strings) - set(table)
    assert len(untranslated) <= len(strings) // 10, untranslated
    assert set(table) <= set(strings) | {singular for singular, _plural in plurals}
    assert shipped_js_catalog(name, "fi")[1:] == (f"static/js/i18n/{name}_fi.js", table)
    assert shipped_js_catalog(name, "fi-fi")[0] == "fi"
    assert shipped_js_catalog(name, "en") is None and shipped_js_catalog(name, "../../x") is None


# -- the views -------------------------------------------------------------------------------


@pytest.fixture
def service(monkeypatch):
    """The harness's i18n service, as a ``Service`` whose table a test fills."""
    fake = TableI18n({})
    original = HarnessRuntime.__init__

    def init(self, harness, user_id):
        original(self, harness, user_id)
        self._services["i18n"] = fake

    monkeypatch.setattr(HarnessRuntime, "__init__", init)
    return fake


@pytest.fixture
def forum(service):
    return ForumHarness(group_size=3, min_group_size=3, max_group_size=4, comments_required=1, agreement_required=False)


def view(block, name="student_view"):
    """``(init data, script paths)`` of a view."""
    fragment = getattr(block, name)()
    scripts = [r.data.removeprefix("/resource/") for r in fragment.resources
               if r.kind == "url" and r.mimetype == "application/javascript"]
    return json.loads(fragment.json_init_args["json"]), scripts


def test_a_finnish_learner_view_names_the_file_and_carries_no_table_inline(forum):
    with translation.override("fi"):
        init, scripts = view(forum.block("anna"))
    assert init["catalog"] == "fi" and init["i18n"] == {}
    assert scripts[0] == "static/js/i18n/foorumi_i18n_fi.js" and re.fullmatch(BUNDLE % "learner", scripts[1]), scripts
    assert not [path for path in scripts if "staff" in path]
    inline = json.dumps(init, ensure_ascii=False)
    assert "Ilmoitettu kurssin henkilökunnalle" not in inline and "Hyväksyn" not in inline


def test_an_english_view_has_no_file_and_nothing_inline(forum):
    init, scripts = view(forum.block("anna"))
    assert init["i18n"] == {} and "catalog" not in init
    assert not [path for path in scripts if "/i18n/" in path]
    init, scripts = view(forum.block("staff_maija"))
    assert init["staff"]["i18n"] == {} and not [path for path in scripts if "/i18n/" in path]


def test_where_the_platform_translates_otherwise_only_that_goes_inline(forum, service):
    service.table.update({
        "Participant": "Osanottaja",  # the file says "Osallistuja"
        "%(count)s word": "%(count)s sananen", "%(count)s words": "%(count)s sanasta",
        "Staff console": "Valvomo",
        "I accept": "Hyväksyn",  # as the file says: nothing to send
    })
    assert ("%(count)s word", "%(count)s words") in JS_PLURALS and "Staff console" in STAFF_JS_STRINGS
    with translation.override("fi"):
        learner, _ = view(forum.block("anna"))
        staff, staff_scripts = view(forum.block("staff_maija"))
        studio, studio_scripts = view(forum.block(AUTHOR), "studio_view")
    expected = {"Participant": "Osanottaja", "%(count)s word": ["%(count)s sananen", "%(count)s sanasta"]}
    assert learner["i18n"] == expected and studio["i18n"] == expected and staff["i18n"] == expected
    assert staff["staff"]["i18n"] == {"Staff console": "Valvomo"}
    # The console's file comes on staff pages, before the console's entry; the editor's after the core.
    assert staff_scripts[-2] == "static/js/i18n/foorumi_i18n_staff_fi.js" and re.fullmatch(BUNDLE % "staff", staff_scripts[-1])
    assert "static/js/i18n/foorumi_i18n_fi.js" in staff_scripts and staff["catalog"] == "fi"
    assert studio_scripts[0] == "static/js/i18n/foorumi_i18n_fi.js" and re.fullmatch(BUNDLE % "studio", studio_scripts[1])
    assert studio["catalog"] == "fi"


def test_a_language_without_a_file_gets_its_whole_table_inline(forum, service):
    service.table.update({"Participant": "Deltagare", "Staff console": "Personalvy"})
    with translation.override("sv"):
        init, scripts = view(forum.block("staff_maija"))
    assert init["i18n"] == {"Participant": "Deltagare"} and init["staff"]["i18n"] == {"Staff console": "Personalvy"}
    assert "catalog" not in init and not [path for path in scripts if "/i18n/" in path]


# -- the JavaScript's lookup -----------------------------------------------------------------

@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_the_js_looks_inline_then_in_the_file_then_falls_back_to_english():
    program = """
const fs = require("fs"), vm = require("vm");
const [core, learner, staff] = process.argv.slice(1);
const page = {}; page.window = page; vm.createContext(page);
for (const file of [learner, core, staff]) vm.runInContext(fs.readFileSync(file, "utf8"), page);
const tr = page.Foorumi.core.translator({"Participant": "Osanottaja", "Saved": "Saved"}, "fi");
const none = page.Foorumi.core.translator({}, "sv");
process.stdout.write(JSON.stringify([
  tr.t("Participant"), tr.t("I accept"), tr.t("Saved"), tr.t("Not in any table"),
  tr.ngettext("Small: fewer than %(min)s member", "Small: fewer than %(min)s members", 3),
  tr.ngettext("x", "xs", 1), none.t("I accept"),
]));
"""
    paths = [ROOT / "static" / "js" / "foorumi_core.js", CATALOG_DIR / "foorumi_i18n_fi.js",
             CATALOG_DIR / "foorumi_i18n_staff_fi.js"]
    result = subprocess.run([NODE, "-e", program, *map(str, paths)], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(result.stdout) == [
        "Osanottaja", "Hyväksyn", "Saved", "Not in any table", "Pieni: alle %(min)s jäsentä", "x", "I accept",
    ]


def test_the_staff_strings_are_not_in_the_learners_file():
    learner = read_js_catalog((CATALOG_DIR / "foorumi_i18n_fi.js").read_text(encoding="utf-8"))
    staff_only = (set(STAFF_JS_STRINGS) | {one for one, _many in STAFF_JS_PLURALS}) - set(JS_STRINGS)
    assert staff_only and not staff_only & set(learner)
