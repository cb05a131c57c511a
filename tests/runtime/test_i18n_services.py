"""Finnish with the platform's i18n service, whichever translator it delegates to.

The LMS's ``XBlockI18nService`` has no ``get_language`` and forwards every attribute to one
translator object: under Tutor, when an atlas folder exists, Django's (platform) catalog,
which knows none of Foorumi's strings; otherwise a ``GNUTranslations`` of the block's own
catalog. Foorumi must speak Finnish with either, in Django's active language.
"""
import gettext
import json
import os

import pytest
from django.utils import translation

import foorumi_xblock
from foorumi_xblock.ui_strings import JS_STRINGS, shipped_js_catalog
from tests.runtime.harness import ForumHarness, HarnessRuntime

CATALOG = os.path.join(os.path.dirname(foorumi_xblock.__file__), "translations")


class DelegatingService:
    """Forwards every attribute to one translator object, like the LMS's service."""

    def __init__(self, translator):
        self._translator = translator

    def __getattr__(self, name):
        return getattr(self._translator, name)


def platform_only():
    return DelegatingService(translation)  # django.utils.translation: no Foorumi strings


def foorumi_catalog():
    return DelegatingService(gettext.translation("text", localedir=CATALOG, languages=["fi"]))


@pytest.fixture(params=[platform_only, foorumi_catalog], ids=["platform-catalog", "foorumi-catalog"])
def forum(request, monkeypatch):
    service = request.param()
    original = HarnessRuntime.__init__

    def init(self, harness, user_id):
        original(self, harness, user_id)
        self._services["i18n"] = service

    monkeypatch.setattr(HarnessRuntime, "__init__", init)
    return ForumHarness(group_size=3, min_group_size=3, max_group_size=4, comments_required=1,
                        agreement_required=False, identity="pseudonymous")


def test_the_learner_state_speaks_finnish_in_djangos_active_language(forum):
    with translation.override("fi"):
        for user in ("anna", "ben", "cai"):
            forum.submit(user)
        state = forum.ok("anna", "state")
        assert {m["name"] for m in state["group"]["members"]} == {"Osallistuja 1", "Osallistuja 2", "Osallistuja 3"}
        assert state["group"]["name"].startswith("Ryhmä")
        status, payload = forum.call("anna", "comment", {"reflection_id": "nope", "text": "x", "request_id": "r"})
        assert status == 404 and payload["error"] == "Ryhmässäsi ei ole tällaista pohdintaa."
    if isinstance(forum.block("anna").runtime.service(forum.block("anna"), "i18n")._translator, type(translation)):
        with translation.override("en"):  # the platform's service follows Django's language
            assert forum.ok("anna", "state")["group"]["name"].startswith("Group")


def test_the_page_its_templates_and_its_js_strings_are_finnish(forum):
    with translation.override("fi"):
        fragment = forum.block("staff_maija").student_view()
    assert "henkilökunta" in fragment.content  # a {% trans %} string of the template
    data = json.loads(fragment.json_init_args["json"])
    assert data["lang"] == "fi"
    # The JS strings come in the Finnish catalog files, by URL; inline only what the service
    # translates otherwise than the file (Foorumi's catalog: nothing; Django's has a few words).
    assert data["catalog"] == "fi"
    urls = [resource.data for resource in fragment.resources if resource.kind == "url"]
    assert "/resource/static/js/i18n/foorumi_i18n_fi.js" in urls and "/resource/static/js/i18n/foorumi_i18n_staff_fi.js" in urls
    table = shipped_js_catalog("foorumi_i18n", "fi")[2]
    assert table["Flagged for staff"] == "Ilmoitettu kurssin henkilökunnalle"
    service = forum.block("staff_maija").runtime.service(forum.block("staff_maija"), "i18n")
    with translation.override("fi"):
        differs = {english: service.gettext(english) for english in JS_STRINGS
                   if service.gettext(english) not in (english, table.get(english))}
    assert data["i18n"] == differs and len(differs) <= 3
    assert "Flagged for staff" not in data["i18n"]


def test_every_view_names_its_language_on_its_root_element(forum):
    with translation.override("fi"):
        block = forum.block("staff_maija")
        for view in (block.student_view, block.author_view, block.studio_view):
            root = view().content.split("<div", 1)[1].split(">", 1)[0]
            assert 'lang="fi"' in root
