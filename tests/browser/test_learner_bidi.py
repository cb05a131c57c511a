"""A name that starts with a right-to-left override cannot reverse the text around it.

Two learners submit over HTTP, one of them named "\u202eEve ..." (the workbench names a
learner after their id); a third opens the English forum in Chromium and joins them. The
override stays inside the name: each name is shown isolated (U+2068 ... U+2069, and
``unicode-bidi: isolate`` on the elements that hold names).
"""
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.pages import EN, Forum, learner_id, words
from tests.workbench.client import Learner

pytestmark = pytest.mark.browser

RLO = "\u202e"


def submit_over_http(base_url, student_id):
    learner = Learner(base_url, EN, student_id)
    state = learner.ok("accept_agreement")
    answers = {p["id"]: words(max(p["min_words"], 3) + 1, "bidi") for p in state["prompts"]}
    learner.ok("submit_reflection", {"answers": answers, "request_id": uuid.uuid4().hex[:12]})


def test_an_override_in_a_name_stays_inside_the_name(workbench, learner_page):
    tricky = f"{RLO}eve_{uuid.uuid4().hex[:4]}"
    submit_over_http(workbench, tricky)
    submit_over_http(workbench, learner_id("olli"))
    me = Forum(learner_page(), workbench, EN, learner_id("reader"))
    me.open()
    me.accept_agreement()
    me.fill_answers([words(12, "minun"), words(6, "tuki")])
    me.submit()
    expect(me.threads).to_have_count(3, timeout=10_000)
    authors = me.app.locator(".foorumi-author")
    texts = authors.all_text_contents()
    tricky_names = [text for text in texts if RLO in text]
    assert tricky_names, texts
    for text in tricky_names:  # isolated: FSI, the name with its override, PDI
        assert text.startswith("\u2068") and text.endswith("\u2069"), repr(text)
    styles = authors.evaluate_all("els => els.map(el => getComputedStyle(el).unicodeBidi)")
    assert set(styles) == {"isolate"}, styles
    members = me.app.locator(".foorumi-members li")
    assert set(members.evaluate_all("els => els.map(el => getComputedStyle(el).unicodeBidi)")) == {"isolate"}
    # Sentences that name a peer keep the override inside the name too.
    labels = me.app.locator(f"[aria-label*='{RLO}']").evaluate_all("els => els.map(el => el.getAttribute('aria-label'))")
    for label in labels:
        start = label.index(RLO)
        assert label[start - 1] == "\u2068" and "\u2069" in label[start:], repr(label)
