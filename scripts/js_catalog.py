"""Write the JavaScript catalog files (static/js/i18n/) from the compiled catalogs.

For every ``conf/locale/<locale>/LC_MESSAGES/text.mo``, one file per table of
``foorumi_xblock.ui_strings.JS_CATALOGS``; files of locales that no longer have a catalog
are removed. ``make translations`` runs this after compiling the ``.mo`` files;
``--out DIR`` writes elsewhere (the tests compare a fresh copy with the committed files).

    .venv/bin/python scripts/js_catalog.py [--out DIR]
"""
import argparse
import gettext
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from foorumi_xblock.ui_strings import CATALOG_DIR, JS_CATALOGS, js_catalog_source  # noqa: E402 (after the path)


def generate(out):
    """Write every catalog file into ``out``; returns the names written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for mo in sorted((ROOT / "conf" / "locale").glob("*/LC_MESSAGES/text.mo")):
        locale = mo.parents[1].name
        with open(mo, "rb") as handle:
            catalog = gettext.GNUTranslations(handle)
        for name in JS_CATALOGS:
            path = out / f"{name}_{locale}.js"
            path.write_text(js_catalog_source(name, locale, catalog.gettext, catalog.ngettext), encoding="utf-8")
            written.append(path.name)
    for stale in out.glob("foorumi_i18n*.js"):
        if stale.name not in written:
            stale.unlink()
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / CATALOG_DIR, help=f"default: {CATALOG_DIR}")
    args = parser.parse_args()
    for name in generate(args.out):
        print(f"{args.out / name}")


if __name__ == "__main__":
    main()
