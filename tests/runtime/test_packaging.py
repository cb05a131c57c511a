"""The package as an LMS gets it: a wheel built from the repository, installed into a fresh
virtualenv outside the repository, carries its templates, static files (every view's
JavaScript, served by URL from ``public_dir``) and compiled translations, and the ``foorumi``
XBlock entry point loads from it."""
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(REPO)],
        check=True, cwd=out,
    )
    (path,) = out.glob("foorumi_xblock-*.whl")
    return path


def test_the_wheel_carries_templates_static_files_translations_and_the_entry_point(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "foorumi_xblock/block.py",
        "foorumi_xblock/forum/groups.py",
        "foorumi_xblock/templates/student.html",
        "foorumi_xblock/templates/studio.html",
        "foorumi_xblock/templates/author.html",
        "foorumi_xblock/static/css/foorumi.css",
        "foorumi_xblock/static/css/foorumi_staff.css",
        "foorumi_xblock/static/css/foorumi_studio.css",
        "foorumi_xblock/translations/fi/LC_MESSAGES/text.mo",
        "foorumi_xblock/workbench/scenarios/1_esimiesfoorumi.xml",
        "foorumi_xblock/apps.py",
        "foorumi_xblock/models.py",
        "foorumi_xblock/migrations/0001_initial.py",
        "foorumi_xblock/management/commands/foorumi_retire_user.py",
    ):
        assert needed in names, needed
    # Every JavaScript file of every view (they are served by URL from the package's static/).
    for path in sorted((REPO / "static" / "js").glob("*.js")):
        assert f"foorumi_xblock/static/js/{path.name}" in names, path.name
    assert not any(name.startswith(("tests/", "foorumi_xblock/tests")) for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    declared = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "foorumi = foorumi_xblock.block:FoorumiXBlock" in declared
    # The plugin app, so that the LMS and Studio install it and migrate its tables.
    for group in ("[lms.djangoapp]", "[cms.djangoapp]"):
        assert f"{group}\nfoorumi = foorumi_xblock.apps:FoorumiConfig" in declared


def test_the_wheel_installs_into_a_fresh_venv_and_the_xblock_loads_from_it(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Only the wheel is named: what it needs must come from its own declared requirements
    # (resolved within the project's pinned versions).
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-c", str(REPO / "constraints.txt"), str(wheel)],
                   check=True, cwd=tmp_path)
    probe = """
import importlib.resources, json, gettext
from xblock.core import XBlock
cls = XBlock.load_class("foorumi")
import foorumi_xblock
root = importlib.resources.files("foorumi_xblock")
fi = gettext.translation("text", localedir=str(root / "translations"), languages=["fi"])
print(json.dumps({
    "class": cls.__module__ + "." + cls.__name__,
    "file": foorumi_xblock.__file__,
    "template": (root / "templates" / "student.html").is_file(),
    "js": (root / "static" / "js" / "foorumi.js").is_file(),
    # What the LMS serves for runtime.local_resource_url (public_dir "static").
    "served": len(cls.open_local_resource("static/js/foorumi_core.js").read()),
    "finnish": fi.gettext("Participant %(number)s"),
}))
"""
    result = subprocess.run([str(python), "-c", probe], check=True, cwd=tmp_path, capture_output=True, text=True)
    found = json.loads(result.stdout)
    assert found["class"] == "foorumi_xblock.block.FoorumiXBlock"
    assert str(venv) in found["file"] and str(REPO) not in found["file"]
    assert found["template"] and found["js"] and found["served"] > 1000
    assert found["finnish"] == "Osallistuja %(number)s"
