"""Learner text is shown as text in the other members' browsers, never run as markup.

Pseudonymous forum ``foorumi.2`` (no agreement, one prompt of at least 3 words, groups from
2 submitters) on this module's own workbench: the two learners here form one group.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import PSEUDO, Forum, learner_id

pytestmark = pytest.mark.browser

PAYLOAD = '</script><script>window.__x=1</script><img src=x onerror="window.__y=1">'
REFLECTION = f"My first line is plain.\n{PAYLOAD}\nAnd this is the last line."
COMMENT = f"A comment, line one.\n{PAYLOAD}\n\nline four & <b>not bold</b>"

PROBE = """(el) => ({
    x: typeof window.__x,
    y: typeof window.__y,
    imgs: document.querySelectorAll('.foorumi img, .foorumi script').length,
    bold: document.querySelectorAll('.foorumi b').length,
    text: el.textContent,
    inner: el.innerText,
})"""


def collect_page_errors(forum):
    errors = []
    forum.page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def assert_literal(forum, element, expected):
    """``element`` shows ``expected`` verbatim, line breaks kept; nothing of it ran."""
    expect(element).to_be_visible()
    expect(element).to_contain_text("<img src=x")
    forum.page.wait_for_load_state("load")
    forum.page.wait_for_timeout(300)  # an injected <img onerror> would have fired by now
    probe = element.evaluate(PROBE)
    assert probe["x"] == "undefined" and probe["y"] == "undefined", probe
    assert probe["imgs"] == 0 and probe["bold"] == 0, probe
    assert probe["text"] == expected, probe
    lines = [line for line in expected.split("\n") if line]
    assert "\n" in probe["inner"], probe
    assert [line for line in probe["inner"].split("\n") if line] == lines, probe


def test_markup_in_reflections_and_comments_is_shown_literally(workbench, learner_page):
    mallory = Forum(learner_page(), workbench, PSEUDO, learner_id("mallory"))
    reader = Forum(learner_page(), workbench, PSEUDO, learner_id("reader"))
    errors = {"mallory": collect_page_errors(mallory), "reader": collect_page_errors(reader)}

    mallory.open()
    expect(mallory.stage_heading).to_have_text("Your reflection")  # no agreement here
    mallory.fill_answers([REFLECTION])
    expect(mallory.save_state).to_have_text("Saved", timeout=10_000)
    # The draft comes back intact through the page's init data (a <script> element).
    mallory.reload()
    expect(mallory.answer(0)).to_have_value(REFLECTION)
    mallory.submit()
    expect(mallory.stage_heading).to_have_text("Waiting for your group")
    assert_literal(mallory, mallory.pool.locator(".foorumi-text"), REFLECTION)

    reader.open()
    reader.fill_answers(["Deadlines move faster than my team."])
    reader.submit()
    reader.expect_group(2)
    expect(reader.group_head).to_contain_text("Names are pseudonyms")
    peer = reader.peer_threads
    expect(peer).to_have_count(1)
    expect(peer.locator("h5.foorumi-thread-title")).to_have_text(
        re.compile(r"^Participant \d+'s reflection$"))
    # Rendered by the page script from the submit's answer.
    assert_literal(reader, peer.locator(".foorumi-text"), REFLECTION)

    # Mallory, now in the group, comments on the reader's reflection.
    mallory.reload()
    mallory.expect_group(2)
    assert_literal(mallory, mallory.thread_of(None).locator(".foorumi-text"), REFLECTION)
    mallory.post_comment(mallory.peer_threads, COMMENT)
    assert_literal(mallory, mallory.comments(mallory.peer_threads).locator(".foorumi-text"), COMMENT)

    # The reader's next action brings the comment into the open page (no reload) ...
    reader.post_comment(reader.peer_threads, "Thank you for sharing.")
    on_mine = reader.comments(reader.thread_of(None))
    expect(on_mine).to_have_count(1)
    assert_literal(reader, on_mine.locator(".foorumi-text"), COMMENT)
    # ... and a reload brings both through the page's init data.
    reader.reload()
    reader.expect_group(2)
    assert_literal(reader, reader.peer_threads.locator(".foorumi-thread-body .foorumi-text"), REFLECTION)
    assert_literal(reader, reader.comments(reader.thread_of(None)).locator(".foorumi-text"), COMMENT)

    assert errors == {"mallory": [], "reader": []}
