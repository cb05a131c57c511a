"""How the views' scripts and stylesheets are served (``foorumi_xblock/resources.py``):
one minified file per view, named by its content, or the sources one by one for debugging."""
import re

import pytest
import rjsmin
from xblock.exceptions import DisallowedFileError

from foorumi_xblock import resources
from foorumi_xblock.block import FoorumiXBlock
from tests.runtime.harness import ForumHarness



def page_scripts(forum, user):
    """The resource paths of the scripts a user's page names, in order."""
    fragment = forum.block(user).student_view({})
    return [r.data.split("/resource/", 1)[1] for r in fragment.resources
            if r.kind == "url" and r.mimetype == "application/javascript"]


def test_a_learner_page_names_one_bundle_served_minified_and_whole():
    forum = ForumHarness()
    (bundle,) = page_scripts(forum, "anna")
    assert re.fullmatch(r"static/js/bundle/learner\.[0-9a-f]{12}\.js", bundle), bundle
    served = FoorumiXBlock.open_local_resource(bundle).read().decode("utf-8")
    assert not served.startswith("/*"), "minified: no comments"
    rest = served
    for name in resources.BUNDLES["learner"]:  # every part, in order
        part = rjsmin.jsmin(FoorumiXBlock._read_resource(resources.source_path(name)).decode("utf-8"))
        rest = rest[rest.index(part) + len(part):]
    assert rest == ";"
    # The staff page adds the console's bundle; the init function is the console's.
    staff = page_scripts(forum, "staff_anna")
    assert [p.split("/")[-1].split(".")[0] for p in staff] == ["learner", "staff"]


def test_the_bundle_name_changes_with_its_content_only():
    first = FoorumiXBlock._scripts("learner")
    assert FoorumiXBlock._scripts("learner") == first
    assert FoorumiXBlock._scripts("studio") != first


def test_sources_one_by_one_for_debugging(monkeypatch):
    monkeypatch.setenv("FOORUMI_JS_SOURCES", "1")
    forum = ForumHarness()
    scripts = page_scripts(forum, "anna")
    assert scripts == [resources.source_path(name) for name in resources.BUNDLES["learner"]]
    served = FoorumiXBlock.open_local_resource("static/js/foorumi_core.js").read()
    assert served == FoorumiXBlock._read_resource("static/js/foorumi_core.js"), "untouched, comments and all"


@pytest.mark.parametrize("uri", [
    "static/../foorumi_xblock/block.py", "static/js/../../setup.py", "templates/student.html", "static/.hidden.js",
    "public/x.js",
])
def test_nothing_outside_the_public_dir_is_served(uri):
    with pytest.raises(DisallowedFileError):
        FoorumiXBlock.open_local_resource(uri)


@pytest.mark.parametrize("uri", ["static/js/bundle/nope.abcdefabcdef.js", "static/js/nope.js"])
def test_an_unknown_script_is_not_found(uri):
    with pytest.raises((FileNotFoundError, OSError, DisallowedFileError)):
        FoorumiXBlock.open_local_resource(uri)
