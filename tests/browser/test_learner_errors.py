"""Errors are shown in words, next to what caused them (role=alert), and nothing is sent twice.

Pseudonymous forum ``foorumi.2`` on this module's own workbench: the two learners here form
one group (groups form from 2 submitters).
"""
import json

import pytest
from playwright.sync_api import expect

from tests.browser.pages import ACTION_WAIT_MS, PSEUDO, Forum, learner_id

pytestmark = pytest.mark.browser


def alert_next_to(container, message):
    """The role=alert box inside ``container`` shows ``message``."""
    alert = container.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_have_text(message, timeout=ACTION_WAIT_MS)
    return alert


def test_comment_and_flag_errors_are_shown_next_to_them(workbench, learner_page):
    erkki = Forum(learner_page(), workbench, PSEUDO, learner_id("erkki"))
    fanni = Forum(learner_page(), workbench, PSEUDO, learner_id("fanni"))
    for forum, text in ((erkki, "Too many meetings every week."), (fanni, "Hiring the right people quickly.")):
        forum.open()
        forum.fill_answers([text])
        forum.submit()
    fanni.expect_group(2)
    erkki.reload()
    erkki.expect_group(2)

    thread = erkki.peer_threads
    box = erkki.comment_box(thread)
    commentbox = thread.locator(".foorumi-commentbox")
    requests = []
    erkki.page.on("request", lambda r: requests.append(r.url) if "/handler/" in r.url else None)

    # An empty comment: said next to the box, focus back in it, nothing sent.
    erkki.post_button(thread).click()
    alert = alert_next_to(commentbox, "Write a comment first.")
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-describedby", f"{box.get_attribute('id')}-count {alert.get_attribute('id')}")
    assert not [url for url in requests if "/comment/" in url], requests

    # Over the limit: the box stops typing at 4000 characters (maxlength) ...
    expect(box).to_have_attribute("maxlength", "4000")
    box.fill("x" * 4001)
    expect(box).to_have_value("x" * 4000)
    expect(commentbox.locator(".foorumi-count")).to_have_text("4000 / 4000 characters")
    # ... and text that still gets past it (set by a script) is refused before sending.
    box.evaluate("el => { el.value = 'y'.repeat(4001); el.dispatchEvent(new Event('input', {bubbles: true})); }")
    expect(commentbox.locator(".foorumi-count")).to_have_text("4001 / 4000 characters")
    expect(commentbox.locator(".foorumi-count")).to_have_class("foorumi-count is-over")
    erkki.post_button(thread).click()
    alert_next_to(commentbox, "A comment can be at most 4000 characters.")
    assert not [url for url in requests if "/comment/" in url], requests

    # The server's own refusal is shown in its words too: the request is made too long on the way.
    def lengthen(route):
        body = json.loads(route.request.post_data)
        body["text"] = "z" * 4500
        route.continue_(post_data=json.dumps(body))

    erkki.page.route("**/handler/**/comment/**", lengthen)
    box.fill("A short and friendly comment.")
    erkki.post_button(thread).click()
    alert_next_to(commentbox, "This text has 4500 characters; at most 4000 are allowed.")
    expect(erkki.comments(thread)).to_have_count(0)
    expect(box).to_have_value("A short and friendly comment.")  # nothing typed is lost
    erkki.page.unroute("**/handler/**/comment/**")
    # Posting again works and clears the error.
    erkki.post_button(thread).click()
    expect(erkki.comments(thread)).to_have_count(1, timeout=ACTION_WAIT_MS)
    expect(commentbox.locator(".foorumi-error[role=alert]")).to_be_empty()

    # A flag without a reason: the reason is asked for next to the field.
    flag = thread.locator(".foorumi-thread-body").get_by_role("button", name="Flag")
    expect(flag).to_have_attribute("aria-expanded", "false")
    flag.click()
    expect(flag).to_have_attribute("aria-expanded", "true")
    form = thread.locator(".foorumi-flagform")
    reason = form.get_by_label("Why should course staff look at this? (required)")
    expect(reason).to_be_focused()
    form.get_by_role("button", name="Send to staff").click()
    alert = alert_next_to(form, "Please tell course staff why you are flagging this.")
    expect(reason).to_be_focused()
    # The field is described by the message (a screen reader reads it with the field).
    expect(reason).to_have_attribute("aria-describedby", f"{reason.get_attribute('id')}-count {alert.get_attribute('id')}")
    assert not [url for url in requests if "/flag/" in url], requests
    # With a reason, it goes to staff.
    reason.fill("Mentions a colleague by name.")
    form.get_by_role("button", name="Send to staff").click()
    expect(thread.locator(".foorumi-flagged")).to_have_text("Flagged for staff", timeout=ACTION_WAIT_MS)
    expect(thread.locator(".foorumi-flagged")).to_be_focused()
    expect(erkki.live).to_contain_text("Thank you. Course staff will look at it.", timeout=ACTION_WAIT_MS)
