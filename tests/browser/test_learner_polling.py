"""The learner page's polling (static/js/foorumi_sync.js) and older comments, in Chromium.

* Polling is cheap: a poll sends ``{"since": state.version}``; an ``{"unchanged": true}``
  answer keeps the page as it is (a comment being typed stays, nothing is rebuilt), a change
  brings the new state. Time is Playwright's fake clock, so the pauses are exact: every 15 s
  while the learner is active; after a minute without input 30 s, 60 s, then at most 120 s;
  input brings back 15 s (polling at once when that is due); nothing while the tab is
  hidden, and a poll at once when it is shown again or the window gets the focus.
* Older comments: a thread's state carries its newest 20 comments; "Show older comments"
  pages back (``older_comments``), and what was loaded stays across polls, also when new
  comments push some out of the state's window.

``foorumi.1`` (groups of 3-4) and ``foorumi.2`` (groups of 2-3) on this module's own
workbench; learners are set up over HTTP (tests/workbench/client.py).
"""
import json
import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.pages import ACTION_WAIT_MS, EN, POLL_WAIT_MS, PSEUDO, Forum, display_name, learner_id, words
from tests.workbench.client import Learner

pytestmark = pytest.mark.browser


def submitted(base_url, scenario, student, marker):
    """A learner who has accepted the ground rules and submitted (over HTTP)."""
    learner = Learner(base_url, scenario, student)
    state = learner.state()
    if state["stage"] == "agreement":
        state = learner.ok("accept_agreement")
    answers = {p["id"]: words(max(p["min_words"], 3) + 1, marker) for p in state["prompts"]}
    learner.ok("submit_reflection", {"answers": answers, "request_id": uuid.uuid4().hex[:12]})
    return learner


def comment(learner, reflection_id, text):
    learner.ok("comment", {"reflection_id": reflection_id, "text": text, "request_id": uuid.uuid4().hex[:12]})


class Polls:
    """The page's ``state`` requests on Playwright's paused fake clock, by fake second."""

    def __init__(self, page):
        self.page = page
        self.now = 0
        self.sent = []       # (second, request body)
        self.answers = []    # decoded answers, in order
        page.on("request", self._request)
        page.on("response", self._response)

    def _request(self, request):
        if "/state/" in request.url:
            self.sent.append((self.now, json.loads(request.post_data or "{}")))

    def _response(self, response):
        if "/state/" in response.url:
            self.answers.append(response.json())

    def settle(self):
        """Wait (in real time) until every poll sent has its answer taken by the page."""
        for _ in range(200):
            self.page.wait_for_timeout(25)
            if len(self.answers) >= len(self.sent):
                self.page.wait_for_timeout(25)  # the page's own handler runs after the event
                return
        raise AssertionError(f"a poll got no answer: {self.sent[-1]}")

    def run(self, seconds):
        """Let ``seconds`` of fake time pass, one second at a time."""
        for _ in range(seconds):
            self.now += 1
            self.page.clock.run_for(1000)
            self.settle()

    def times(self, since=0):
        return [second for second, _body in self.sent if second >= since]


def test_polls_send_the_version_keep_an_unchanged_page_and_back_off_when_idle(workbench, learner_page):
    ids = {who: learner_id(who) for who in ("paula", "risto", "saara")}
    learners = {who: submitted(workbench, EN, student, f"{who}-marker") for who, student in ids.items()}

    page = learner_page()
    start = int(time.time() * 1000)
    page.clock.install(time=start)
    page.clock.pause_at(start + 1000)  # from here on, time moves only when told
    forum = Forum(page, workbench, EN, ids["paula"])
    polls = Polls(page)
    forum.open()
    forum.expect_group(3)
    version = page.evaluate("JSON.parse(JSON.parse(document.querySelector('.xblock_json_init_args').textContent)"
                            ".json).state.version")
    assert version

    # Paula starts a comment on Risto's reflection: an unchanged answer leaves it alone.
    rist = forum.thread_of(display_name(ids["risto"]))
    box = forum.comment_box(rist)
    box.fill("Half-written thought")
    box.evaluate("el => { el.foorumiMarker = 'same element'; }")
    polls.run(15)
    assert polls.sent[-1] == (15, {"since": version}), polls.sent
    assert polls.answers[-1] == {"unchanged": True, "version": version}
    expect(box).to_have_value("Half-written thought")
    assert box.evaluate("el => el.foorumiMarker") == "same element"
    assert forum.app.get_attribute("aria-busy") == "false"

    # Saara comments on Paula's reflection: the next poll brings it.
    comment(learners["saara"], learners["paula"].state()["reflection"]["id"], "Saara was here")
    polls.run(15)
    assert polls.times(16) == [30], polls.sent
    assert "threads" in polls.answers[-1]
    expect(forum.comments(forum.thread_of(None))).to_have_count(1)
    polls.run(1)  # the live region speaks after a short pause
    expect(forum.live).to_contain_text("New comments: 1")
    expect(box).to_have_value("Half-written thought")
    new_version = polls.answers[-1]["version"]
    assert new_version != version

    # No input since the page opened: after a minute, the pauses double up to two minutes.
    polls.run(400 - polls.now)
    times = [0] + polls.times()
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert gaps == [15, 15, 15, 15, 30, 60, 120, 120], times
    assert all(body == {"since": new_version} for second, body in polls.sent if second > 30), polls.sent

    # A key press brings back 15 s; the last poll was at 390 s, so the next is due at 405 s.
    page.keyboard.press("Shift")
    polls.run(30)
    assert polls.times(391) == [405, 420], polls.sent

    # A hidden tab is never polled; shown again, it polls at once.
    page.evaluate("""() => {
        Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    polls.run(300)
    assert polls.times(421) == [], polls.sent
    page.evaluate("""() => {
        Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    polls.settle()
    assert polls.times(421) == [polls.now], polls.sent
    # The window getting the focus back polls at once too.
    polls.run(5)
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    polls.settle()
    assert polls.times(421)[-1] == polls.now, polls.sent
    expect(box).to_have_value("Half-written thought")


def comment_texts(forum, thread):
    return [text.strip() for text in forum.comments(thread).locator(".foorumi-text").all_text_contents()]


def test_show_older_comments_pages_back_and_keeps_them_across_polls(workbench, learner_page):
    ids = {who: learner_id(who) for who in ("tuuli", "ukko")}
    tuuli = submitted(workbench, PSEUDO, ids["tuuli"], "tuuli-marker")
    ukko = submitted(workbench, PSEUDO, ids["ukko"], "ukko-marker")
    reflection = tuuli.state()["reflection"]["id"]
    for number in range(1, 46):
        comment(ukko, reflection, f"Comment number {number}")

    forum = Forum(learner_page(), workbench, PSEUDO, ids["tuuli"]).open()
    forum.expect_group(2)
    mine = forum.thread_of(None)
    older = mine.get_by_role("button", name="Show older comments")
    expect(forum.comments(mine)).to_have_count(20)
    expect(mine.locator(".foorumi-comments-title")).to_have_text("Comments (45)")
    assert comment_texts(forum, mine) == [f"Comment number {n}" for n in range(26, 46)]

    # A page back: 20 more, the button keeps the focus (there are more still).
    older.click()
    expect(forum.comments(mine)).to_have_count(40, timeout=ACTION_WAIT_MS)
    expect(older).to_be_focused()
    expect(forum.live).to_have_text("20 older comments shown.", timeout=ACTION_WAIT_MS)
    # By keyboard: the last page; the button goes and the oldest comment gets the focus.
    page = forum.page
    page.keyboard.press("Enter")
    expect(forum.comments(mine)).to_have_count(45, timeout=ACTION_WAIT_MS)
    expect(older).to_have_count(0)
    expect(forum.comments(mine).first).to_be_focused()
    expect(forum.live).to_have_text("5 older comments shown.", timeout=ACTION_WAIT_MS)
    assert comment_texts(forum, mine) == [f"Comment number {n}" for n in range(1, 46)]

    # A new comment pushes number 26 out of the state's window: the page still shows it.
    comment(ukko, reflection, "Comment number 46")
    expect(forum.comments(mine)).to_have_count(46, timeout=POLL_WAIT_MS)
    assert comment_texts(forum, mine) == [f"Comment number {n}" for n in range(1, 47)]
    expect(mine.locator(".foorumi-comments-title")).to_have_text("Comments (46)")

    # The others' view, in Finnish: the same thread with its button in Finnish.
    other = Forum(learner_page(locale="fi-FI"), workbench, PSEUDO, ids["ukko"]).open()
    theirs = other.peer_threads
    expect(theirs.get_by_role("button", name="Näytä vanhemmat kommentit")).to_be_visible()
    expect(other.comments(theirs)).to_have_count(20)
    theirs.get_by_role("button", name="Näytä vanhemmat kommentit").click()
    expect(other.comments(theirs)).to_have_count(40, timeout=ACTION_WAIT_MS)
    expect(other.live).to_have_text("20 vanhempaa kommenttia näytetään.", timeout=ACTION_WAIT_MS)
    assert re.match(r"^Comment number 7$", comment_texts(other, theirs)[0])
