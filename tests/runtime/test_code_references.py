"""Every file of the repository that a comment or docstring names exists (issue 12: a
newcomer who follows a reference finds it)."""
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: Paths as comments write them: under one of the repository's top-level folders, with an
#: extension, e.g. ``docs/storage.md``, ``foorumi_xblock/store/roster.py``, ``static/js/foorumi.js``.
REFERENCE = re.compile(
    r"(?<![\w/.])((?:docs|foorumi_xblock|static|templates|tests|benchmarks|scripts|conf)/[\w./-]*\.(?:py|js|css|md|html|po|xml|txt))"
)
SOURCES = sorted(
    path for pattern in ("foorumi_xblock/**/*.py", "static/js/*.js", "static/css/*.css", "tests/**/*.py",
                         "benchmarks/*.py", "scripts/*", "templates/*.html", "docs/**/*.md", "Makefile", "README.md")
    for path in REPO.glob(pattern) if path.is_file() and "/i18n/" not in str(path)
)
#: Named as paths that must not exist or be served (the tests of ``resources.py``).
NOT_FILES = {"static/.hidden.js", "static/js/bundle/nope.abcdefabcdef.js", "static/js/nope.js"}


def references(path):
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        for found in REFERENCE.findall(line):
            yield number, found.rstrip(".")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_file_a_source_names_exists(path):
    missing = [
        (number, name) for number, name in references(path)
        if name not in NOT_FILES and "<" not in name and "*" not in name and not (REPO / name).exists()
        and not (path.parent / name).exists()
    ]
    assert not missing, f"{path.relative_to(REPO)} names files that do not exist: {missing}"
