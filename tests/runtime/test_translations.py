"""Finnish is a first-class language: the shipped catalog is complete, compiled from its
source, and covers the strings marked in Python, templates and JS."""
import ast
import gettext
import re
from pathlib import Path

import pytest

from foorumi_xblock.ui_strings import JS_STRINGS

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "conf" / "locale" / "fi" / "LC_MESSAGES" / "text.po"
MO = ROOT / "conf" / "locale" / "fi" / "LC_MESSAGES" / "text.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def po_entries():
    """``{msgid: msgstr}`` read from the .po source (plain entries; no plurals are used)."""
    entries, current, key = {}, {}, None
    for line in PO.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if "msgid" in current and current["msgid"]:
                entries[current["msgid"]] = current.get("msgstr", "")
            current, key = {}, None
        elif line.startswith(("msgid ", "msgstr ")):
            key, _, literal = line.partition(" ")
            current[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    return entries


def shipped():
    with open(MO, "rb") as handle:
        return {k: v for k, v in gettext.GNUTranslations(handle)._catalog.items() if k}


def test_every_string_in_the_catalog_has_finnish_with_the_same_placeholders():
    entries = po_entries()
    assert len(entries) > 200
    assert [k for k, v in entries.items() if not v] == []
    for english, finnish in entries.items():
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(finnish)), english


def test_the_compiled_catalog_is_the_source_compiled():
    assert shipped() == po_entries(), "run `make translations` to recompile text.mo"


def marked_in_python():
    found = set()
    for path in (ROOT / "foorumi_xblock").rglob("*.py"):
        if "workbench" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


@pytest.mark.parametrize("source", ["python", "js", "templates"])
def test_every_marked_string_is_in_the_finnish_catalog(source):
    if source == "python":
        wanted = marked_in_python()
    elif source == "js":
        wanted = set(JS_STRINGS)
    else:
        wanted = set()
        for template in (ROOT / "templates").glob("*.html"):
            wanted |= set(re.findall(r"""{%\s*trans\s+"((?:[^"\\]|\\.)*)"\s*%}""", template.read_text(encoding="utf-8")))
    assert wanted
    missing = sorted(wanted - set(shipped()))
    assert not missing, f"run `make translations` and translate: {missing}"
