"""The learner's way through the English forum in real browsers: three learners, one group.

This module alone submits in ``foorumi.1`` on its own workbench, so the three learners here
form exactly one group (``min_group_size`` 3, ``group_size`` 4).
"""
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.pages import ACTION_WAIT_MS, EN, POLL_WAIT_MS, Forum

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"

BEN_ANSWERS = [
    "I was the senior developer when our team doubled in size, and my manager asked me to "
    "lead one half of it.",
    "When two people in my team disagree and both expect me to take their side.",
]
CLEO_ANSWERS = [
    "I applied for the post of shift supervisor after ten years in customer service.",
    "Giving difficult feedback to people who used to be my colleagues.",
]


def test_three_learners_from_agreement_to_feedback(workbench, learner_page):
    # Readable names for the README screenshot: this test is the only user of this module's
    # (fresh) workbench, so the ids are unique on it.
    anna = Forum(learner_page(), workbench, EN, "anna_virtanen")
    ben = Forum(learner_page(), workbench, EN, "ben_koskinen")
    cleo = Forum(learner_page(), workbench, EN, "cleo_nieminen")
    comment_text = {
        ben.name: "Taking sides is the hardest part for me too. I ask each of them to explain "
                  "the other's view first.",
        cleo.name: "Ten years in customer service is a strong base: you know the work from the inside.",
    }

    # 1. Agreement: by keyboard (Enter, Space) and by a click.
    for forum, how in ((anna, "enter"), (ben, "click"), (cleo, "space")):
        forum.open()
        expect(forum.stage_heading).to_have_text("Ground rules")
        expect(forum.app).to_contain_text("Confidentiality: what is said in the group stays in the group.")
        forum.accept_agreement(how)
        expect(forum.stage_heading).to_have_text("Your reflection")
        expect(forum.live).to_have_text("Thank you. You can now write your reflection.", timeout=ACTION_WAIT_MS)

    # 2. Anna writes; the draft is saved as she types and survives a reload.
    expect(anna.answer_fields).to_have_count(2)
    expect(anna.app.get_by_label("How did you become a manager?")).to_be_visible()
    origin = ("I became a manager when my team lead left and nobody else wanted the job, "
              "so I said yes before I was ready.")
    support = "When I must pass on decisions I do not agree with."
    anna.answer(0).press_sequentially("I became a manager ")
    expect(anna.count_line(0)).to_have_text("4 words (10\u2013400)")
    anna.answer(0).fill(origin)
    anna.answer(1).fill(support)
    expect(anna.count_line(1)).to_have_text("11 words (5\u2013300)")
    expect(anna.save_state).to_have_text("Saved", timeout=ACTION_WAIT_MS)
    anna.reload()
    expect(anna.stage_heading).to_have_text("Your reflection")
    expect(anna.answer(0)).to_have_value(origin)
    expect(anna.answer(1)).to_have_value(support)
    expect(anna.save_state).to_have_text("Saved")

    # 3. Everyone submits; the first two wait in the pool.
    anna.submit()
    expect(anna.stage_heading).to_have_text("Waiting for your group")
    expect(anna.pool).to_contain_text(
        "You are the 1st of 3 people needed to start a group. The page updates by itself.")
    # Anna is alone so far: she is told so, and what the deadline does (issue 10, honest waiting).
    expect(anna.pool).to_contain_text("Nobody else has submitted a reflection yet, so for now you are alone in this forum.")
    expect(anna.pool).to_contain_text(re.compile(r"If no group has formed by .+ tomorrow, the next person who submits"))
    expect(anna.pool).to_contain_text(origin)
    expect(anna.live).to_contain_text("Your reflection has been submitted.", timeout=ACTION_WAIT_MS)
    expect(anna.progress).to_contain_text("0 of 2 comments given")

    ben.fill_answers(BEN_ANSWERS)
    ben.submit()
    expect(ben.stage_heading).to_have_text("Waiting for your group")
    expect(ben.pool).to_contain_text("You are the 2nd of 3 people needed to start a group.")

    cleo.fill_answers(CLEO_ANSWERS)
    cleo.submit()
    # The third submitter completes the group at once ...
    cleo.expect_group(3)
    expect(cleo.live).to_contain_text("You are now in", timeout=ACTION_WAIT_MS)
    # ... and the two who waited see it by themselves, without a reload.
    anna.expect_group(3, timeout=POLL_WAIT_MS)
    ben.expect_group(3, timeout=POLL_WAIT_MS)
    expect(anna.live).to_contain_text("You are now in", timeout=ACTION_WAIT_MS)

    for forum in (anna, ben, cleo):
        members = forum.group_head.locator(".foorumi-members li")
        expect(members).to_have_count(3)
        expect(forum.group_head.locator(".foorumi-members li.is-me")).to_have_text(f"{forum.name} (you)")
        expect(forum.thread_of(None)).to_have_count(1)
        for other in (anna, ben, cleo):
            if other is not forum:
                expect(forum.thread_of(other.name)).to_have_count(1)
        expect(forum.suggestions).to_have_count(2)
    expect(anna.thread_of(ben.name)).to_contain_text(BEN_ANSWERS[0])
    expect(anna.thread_of(None)).to_contain_text(origin)

    # 4. Anna comments where feedback is needed most: the first suggestion, twice.
    commented = []
    for number in (1, 2):
        first = anna.suggestions.first
        label = first.inner_text()
        assert label.startswith("Comment on ") and label.endswith("'s reflection"), label
        name = label[len("Comment on "):-len("'s reflection")]
        assert name in (ben.name, cleo.name) and name not in commented, (name, commented)
        first.click()
        thread = anna.thread_of(name)
        box = anna.comment_box(thread)
        expect(box).to_be_focused()
        expect(anna.app.get_by_label(f"Comment on {name}'s reflection", exact=True)).to_have_count(1)
        text = comment_text[name]
        box.press_sequentially(text[:10])
        box.fill(text)
        expect(thread.locator(".foorumi-commentbox .foorumi-count")).to_have_text(f"{len(text)} / 4000 characters")
        anna.post_button(thread).click()
        mine = anna.comment_by(thread, anna.name)
        expect(mine).to_have_count(1, timeout=ACTION_WAIT_MS)
        expect(mine.locator(".foorumi-text")).to_have_text(text)
        expect(mine).to_be_focused()
        expect(box).to_have_value("")
        commented.append(name)
        if number == 1:
            expect(anna.live).to_have_text("Comment posted", timeout=ACTION_WAIT_MS)
            expect(anna.suggestions).to_have_count(1)
            expect(anna.progress).to_have_text(
                "Your progress: Reflection submitted. 1 of 2 comments given")
    assert sorted(commented) == sorted([ben.name, cleo.name])
    expect(anna.suggestions).to_have_count(0)
    expect(anna.progress).to_have_text(
        "Your progress: Reflection submitted. 2 of 2 comments given \u2014 complete")
    expect(anna.progress).to_have_class("foorumi-progress is-complete")
    expect(anna.live).to_have_text(
        "Comment posted You have given the required comments. Your part of this forum is complete.",
        timeout=ACTION_WAIT_MS)

    # 5. Ben's page shows Anna's comment by itself (the poll); Cleo reloads.
    comment_to_ben = comment_text[ben.name]
    on_ben = ben.comment_by(ben.thread_of(None), anna.name)
    expect(on_ben.locator(".foorumi-text")).to_have_text(comment_to_ben, timeout=POLL_WAIT_MS)
    expect(on_ben.locator(".foorumi-badge-new")).to_have_text("New")
    # Anna's two comments arrive in one poll or in two.
    expect(ben.live).to_contain_text(re.compile(r"New comments: [12]"), timeout=ACTION_WAIT_MS)
    cleo.reload()
    comment_to_cleo = comment_text[cleo.name]
    expect(cleo.comment_by(cleo.thread_of(None), anna.name).locator(".foorumi-text")).to_have_text(comment_to_cleo)
    # Cleo sees Anna's comment on Ben's reflection too (one group, one conversation).
    expect(cleo.comment_by(cleo.thread_of(ben.name), anna.name).locator(".foorumi-text")).to_have_text(comment_to_ben)

    # 6. Ben marks Anna's comment helpful; Anna sees it after a refresh.
    helpful = on_ben.get_by_role("button", name="Mark as helpful")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    helpful.click()
    helpful = ben.comment_by(ben.thread_of(None), anna.name).get_by_role("button", name="Mark as helpful")
    expect(helpful).to_have_attribute("aria-pressed", "true", timeout=ACTION_WAIT_MS)
    expect(ben.live).to_contain_text("Marked as helpful.", timeout=ACTION_WAIT_MS)
    anna.reload()
    on_ben_for_anna = anna.comment_by(anna.thread_of(ben.name), anna.name)
    expect(on_ben_for_anna.locator(".foorumi-badge-helpful")).to_have_text("Helpful to the author")
    expect(on_ben_for_anna).to_have_class("foorumi-comment is-mine is-helpful")
    # After a reload the progress is still complete.
    expect(anna.progress).to_have_text(
        "Your progress: Reflection submitted. 2 of 2 comments given \u2014 complete")

    # 7. Ben answers Anna in her thread, which also fills the page for the README screenshot.
    ben.post_comment(ben.thread_of(anna.name), "Same here: the first months were the hardest.\nWhat helped you most?")
    expect(ben.progress).to_contain_text("1 of 2 comments given")
    if os.environ.get("FOORUMI_SCREENSHOTS"):  # FOORUMI_SCREENSHOTS=1 renews the README's picture
        ben.page.evaluate("document.querySelector('.foorumi-progress').scrollIntoView({block: 'start'})")
        ben.page.evaluate("window.scrollBy(0, -54)")  # below the workbench's fixed header
        ben.page.screenshot(path=str(DOCS / "learner-group.png"))
