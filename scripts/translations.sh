#!/usr/bin/env bash
# Re-extract Foorumi's strings (Python, templates, the JS string list) into
# conf/locale/<lang>/LC_MESSAGES/text.po, keeping existing translations, and compile text.mo.
# Needs GNU gettext (apt-get install gettext) and the development venv.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Django's makemessages understands {% trans %} and {% blocktrans %}; run it on a copy that
# holds only our sources, then take its catalog as ours.
mkdir -p "$work/src/locale"
cp -r foorumi_xblock/*.py foorumi_xblock/forum foorumi_xblock/store "$work/src/"
cp -r templates "$work/src/"
(cd "$work/src" && DJANGO_SETTINGS_MODULE=foorumi_xblock.workbench.settings FOORUMI_VAR_DIR="$work/var" \
  PYTHONPATH="$OLDPWD" "$OLDPWD/$PY" -m django makemessages -l fi --no-location --no-obsolete -v0 \
  --keep-pot --ignore 'locale/*')
pot="$work/src/locale/django.pot"
for lang in fi; do
  po="conf/locale/$lang/LC_MESSAGES/text.po"
  mkdir -p "$(dirname "$po")"
  if [ -f "$po" ]; then
    msgmerge --quiet --no-fuzzy-matching --no-location --update --backup=none "$po" "$pot"
    msgattrib --no-obsolete -o "$po" "$po"
  else
    msginit --no-translator --locale="$lang" --input="$pot" --output-file="$po"
  fi
  msgfmt --check --statistics -o "conf/locale/$lang/LC_MESSAGES/text.mo" "$po"
done
# The JavaScript strings per language, as cacheable files (static/js/i18n/, committed).
"$PY" scripts/js_catalog.py
