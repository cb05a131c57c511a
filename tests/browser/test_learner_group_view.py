"""The group view in Chromium (static/js/foorumi_group.js, foorumi_comments.js,
foorumi_compose.js, foorumi_links.js), at 375 px and 1280 px, in English and Finnish.

* Feedback that counts: the comment box opens behind "Comment" (and takes the focus); while
  a learner writes on a peer's reflection it says, before posting, that a comment shorter
  than the forum's ``feedback_min_words`` (5 in ``foorumi.1``) will not count.
* Replies sit under the comment they answer; "Reply" opens a reply box; a reply to a comment
  that is paged out is shown as a reply to an earlier comment, and moves under it once the
  older comments are loaded.
* Links: an http(s) address is an ``<a>`` with ``rel="nofollow noopener ugc"``; a
  ``javascript:`` one stays text.
* The helpful toggle's ``aria-pressed`` and label; Escape closes the comment box, the flag
  form and the edit forms, and the focus goes back to the button that opened them.
* Touch targets: every visible button of the group view is at least 44 x 44 px at 375 px.
* A long reflection folds ("Show all" / "Show less", aria-expanded).
* The page height of a six-member group at 375 px, printed (``-s`` shows it) and bounded.
* axe-core finds no violations in the group view with the new controls open, in both
  languages (the block's title, outside ``.foorumi-app``, is left out as in
  test_staff_console.py).

Learners are set up over HTTP (tests/workbench/client.py) on this module's own workbench:
each run of the parametrised test submits four learners in ``foorumi.1`` (groups fill up to
four, so each run has a group of its own), the paging test two in ``foorumi.2`` and the
height test six in ``foorumi.0``.
"""
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.pages import ACTION_WAIT_MS, EN, FI, PSEUDO, Forum, display_name, learner_id
from tests.workbench.client import Learner

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
REL = "nofollow noopener ugc"
#: The bound on the block's height for the six-member group below at 375 px: the issue's
#: "no longer a 7,000 px scroll". With these texts (about 215 words per reflection, comments
#: of two sentences, in Finnish) the page before the group view folded was about 16,200 px;
#: now about 6,250 px: the block's title and intro (about 300 px), progress, group, ground
#: rules, done panel and suggestions (about 950 px), and six threads of about 750 px each:
#: a reflection's preview with its buttons (about 270 px), the newest comment (a comment of
#: two sentences is seven lines, about 300 px, on a phone), "Show all N comments" and
#: "Comment". 4,000 px would leave no comment of a peer's thread in view.
MAX_SIX_MEMBER_HEIGHT = 7000

TEXT = {
    "en": {
        "comment": "Comment", "post": "Post comment", "reply": "Reply", "post_reply": "Post reply",
        "too_short": "Too short to count toward your feedback: a comment counts with at least 5 words.",
        "mark": "Mark as helpful", "unmark": "Unmark as helpful", "flag": "Flag", "edit": "Edit",
        "edit_reflection": "Edit reflection", "show_all": "Show all", "show_less": "Show less",
        "earlier": "In reply to an earlier comment", "older": "Show older comments",
        "replies_dont_count": "Replies do not count toward your feedback.", "all_3": "Show all 3 comments",
    },
    "fi": {
        "comment": "Kommentoi", "post": "Lähetä kommentti", "reply": "Vastaa", "post_reply": "Lähetä vastaus",
        "too_short": "Liian lyhyt laskettavaksi annetuksi kommentiksi: kommentti lasketaan, kun siinä on "
                     "vähintään 5 sanaa.",
        "mark": "Merkitse hyödylliseksi", "unmark": "Poista hyödyllinen-merkintä", "flag": "Ilmoita",
        "edit": "Muokkaa", "edit_reflection": "Muokkaa pohdintaa", "show_all": "Näytä kaikki",
        "show_less": "Näytä vähemmän", "earlier": "Vastaus aiempaan kommenttiin",
        "older": "Näytä vanhemmat kommentit",
        "replies_dont_count": "Vastauksia ei lasketa annetuiksi kommenteiksi.", "all_3": "Näytä kaikki 3 kommenttia",
    },
}
LOCALES = {"en": "en-US", "fi": "fi-FI"}

LONG = ("When I started, I tried to keep every promise my predecessor had made, and I said yes to "
        "every request from above because I wanted to show that I could handle the job. ") * 6


def rid():
    return uuid.uuid4().hex[:12]


def submitted(base_url, scenario, student, answers):
    """A learner who accepted the ground rules and submitted ``answers`` (over HTTP)."""
    learner = Learner(base_url, scenario, student)
    state = learner.state()
    if state["stage"] == "agreement":
        state = learner.ok("accept_agreement")
    texts = {p["id"]: answers[i % len(answers)] for i, p in enumerate(state["prompts"])}
    learner.ok("submit_reflection", {"answers": texts, "request_id": rid()})
    return learner


def comment(learner, reflection_id, text, reply_to=None):
    body = {"reflection_id": reflection_id, "text": text, "request_id": rid()}
    if reply_to:
        body["reply_to"] = reply_to
    return learner.ok("comment", body)


def thread_comments(state, reflection_id):
    return next(th for th in state["threads"] if th["reflection_id"] == reflection_id)["comments"]


def top_comment(forum, thread, name):
    """``name``'s comment in ``thread`` (not a reply)."""
    author = forum.page.locator("> .foorumi-meta > .foorumi-author", has_text=re.compile("^" + re.escape(name)))
    return thread.locator("ol.foorumi-comments > li.foorumi-comment", has=author)


def button_sizes(forum):
    """Every visible button (and summary) in the group view: ``[(label, width, height)]``."""
    return forum.app.evaluate("""(app) => Array.from(app.querySelectorAll('button, summary, [role=button]'))
        .filter((el) => el.offsetParent !== null && el.getClientRects().length)
        .map((el) => { const r = el.getBoundingClientRect();
                       return [el.textContent.trim().slice(0, 40), Math.round(r.width * 10) / 10,
                               Math.round(r.height * 10) / 10]; })""")


def expect_no_axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"include": [[".foorumi-app"]]})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["en", "fi"])
def test_the_group_view_comments_replies_links_and_controls(workbench, learner_page, language, width):
    text = TEXT[language]
    ids = {who: learner_id(who) for who in ("aino", "bert", "carl", "dora")}
    names = {who: display_name(student) for who, student in ids.items()}
    answers = {
        "aino": ["My own answer about becoming a manager, in a few words.", "Support with the hard talks, please."],
        "bert": ["Read https://example.fi/guide. It helped me a lot; javascript:alert(document.cookie) did not.",
                 "When decisions come from above."],
        "carl": ["I was asked to step in when the team grew.", "When two people in my team disagree."],
        "dora": [LONG, "When I must say no to my own manager."],
    }
    learners = {who: submitted(workbench, EN, ids[who], answers[who]) for who in ("aino", "bert", "carl", "dora")}
    reflections = {who: learner.state()["reflection"]["id"] for who, learner in learners.items()}
    assert len(learners["aino"].state()["group"]["members"]) == 4
    # In Aino's thread: Bert comments (with a link), Carl comments, and Carl replies to Bert.
    state = comment(learners["bert"], reflections["aino"], "Thank you, see https://example.fi/a_(b)). Good luck!")
    bert_comment = thread_comments(state, reflections["aino"])[0]["id"]
    comment(learners["carl"], reflections["aino"], "I recognise this from my own first year as a manager.")
    state = comment(learners["carl"], reflections["aino"], "Bert, that guide is good.", reply_to=bert_comment)
    assert thread_comments(state, reflections["aino"])[-1]["reply_to"] == bert_comment

    forum = Forum(learner_page(locale=LOCALES[language], viewport={"width": width, "height": 900}),
                  workbench, EN, ids["aino"]).open()
    forum.expect_group(4)
    page = forum.page
    mine = forum.thread_of(None)
    berts = forum.thread_of(names["bert"])

    # Aino's thread is folded to its newest comment; "Show all 3 comments" shows the others and
    # the focus goes to the first of them.
    on_mine = top_comment(forum, mine, names["bert"])
    expect(on_mine).to_be_hidden()
    expect(top_comment(forum, mine, names["carl"])).to_be_visible()
    show_all = mine.locator(".foorumi-older button")
    expect(show_all).to_have_text(text["all_3"])
    expect(show_all).to_have_attribute("aria-expanded", "false")
    show_all.click()
    expect(on_mine).to_be_visible()
    expect(on_mine).to_be_focused()
    expect(show_all).to_have_count(0)

    # Links: an http(s) address is a link with rel, the sentence's "." is not part of it; a
    # javascript: address stays text; a ")" without its "(" is not part of a link either.
    link = berts.locator(".foorumi-text a")
    expect(link).to_have_count(1)
    expect(link).to_have_text("https://example.fi/guide")
    expect(link).to_have_attribute("href", "https://example.fi/guide")
    expect(link).to_have_attribute("rel", REL)
    assert link.get_attribute("target") is None
    expect(berts.locator(".foorumi-text").first).to_contain_text("javascript:alert(document.cookie) did not.")
    assert page.locator(".foorumi a[href^='javascript' i]").count() == 0
    expect(on_mine.locator("> .foorumi-longtext a")).to_have_attribute("href", "https://example.fi/a_(b)")
    expect(on_mine.locator("> .foorumi-longtext a")).to_have_attribute("rel", REL)

    # A reply sits under the comment it answers, indented, one level deep (no "Reply" on it).
    replies = on_mine.locator("ol.foorumi-replies > li.foorumi-comment.is-reply")
    expect(replies).to_have_count(1)
    expect(replies.locator(".foorumi-author")).to_have_text(names["carl"])
    expect(replies.locator(".foorumi-text")).to_have_text("Bert, that guide is good.")
    expect(replies.get_by_role("button", name=text["reply"], exact=True)).to_have_count(0)
    indent = replies.evaluate("(li) => li.getBoundingClientRect().left") - on_mine.evaluate(
        "(li) => li.getBoundingClientRect().left")
    assert indent >= 8, indent

    # Aino replies to Carl's comment: the reply box opens behind "Reply" and takes the focus.
    carls = top_comment(forum, mine, names["carl"])
    reply = carls.get_by_role("button", name=text["reply"], exact=True)
    expect(reply).to_have_attribute("aria-expanded", "false")
    reply.click()
    expect(reply).to_have_attribute("aria-expanded", "true")
    reply_box = carls.locator(".foorumi-replybox textarea")
    expect(reply_box).to_be_focused()
    reply_box.fill("Thank you, Carl.")
    carls.get_by_role("button", name=text["post_reply"]).click()
    my_reply = carls.locator("ol.foorumi-replies > li.foorumi-comment.is-mine")
    expect(my_reply).to_have_count(1, timeout=ACTION_WAIT_MS)
    expect(my_reply).to_be_focused()
    expect(my_reply.locator(".foorumi-text")).to_have_text("Thank you, Carl.")
    expect(carls.locator(".foorumi-replybox")).to_have_count(0)

    # The helpful toggle: aria-pressed and its label change together.
    helpful = on_mine.locator("> .foorumi-actions .foorumi-btn-toggle")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    expect(helpful).to_have_text(text["mark"])
    helpful.click()
    expect(helpful).to_have_attribute("aria-pressed", "true", timeout=ACTION_WAIT_MS)
    expect(helpful).to_have_text(text["unmark"])
    helpful.click()
    expect(helpful).to_have_attribute("aria-pressed", "false", timeout=ACTION_WAIT_MS)
    expect(helpful).to_have_text(text["mark"])

    # Escape closes the edit form of Aino's reply; the focus goes back to its Edit button.
    edit = my_reply.get_by_role("button", name=text["edit"], exact=True)
    edit.click()
    expect(my_reply.locator(".foorumi-editform textarea")).to_be_focused()
    page.keyboard.press("Escape")
    expect(my_reply.locator(".foorumi-editform")).to_have_count(0)
    expect(edit).to_be_focused()
    # ... and the edit form of her reflection.
    edit_reflection = mine.get_by_role("button", name=text["edit_reflection"])
    edit_reflection.click()
    expect(mine.locator("fieldset.foorumi-editform textarea").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(mine.locator("fieldset.foorumi-editform")).to_have_count(0)
    expect(edit_reflection).to_be_focused()
    # ... and the flag form (opened by keyboard here).
    flag = berts.locator(".foorumi-thread-body").get_by_role("button", name=text["flag"], exact=True)
    flag.focus()
    page.keyboard.press("Enter")
    expect(berts.locator(".foorumi-flagform textarea")).to_be_focused()
    page.keyboard.press("Escape")
    expect(berts.locator(".foorumi-flagform")).to_have_count(0)
    expect(flag).to_be_focused()
    expect(flag).to_have_attribute("aria-expanded", "false")

    # The comment box opens behind "Comment" (by keyboard: Enter, then the box has the focus).
    open_box = forum.comment_button(berts)
    open_box.focus()
    page.keyboard.press("Enter")
    box = berts.locator(".foorumi-commentbox textarea")
    expect(box).to_be_focused()
    note = berts.locator(".foorumi-feedback-note")
    expect(note).to_have_attribute("role", "status")
    expect(note).to_have_text("")
    # A short comment: said before posting, live, as the learner types.
    box.press_sequentially("Thanks!")
    expect(note).to_have_text(text["too_short"])
    box.press_sequentially(" Your guide helped")
    expect(note).to_have_text(text["too_short"])  # four words
    box.press_sequentially(" me.")
    expect(note).to_have_text("")
    box.fill("Thanks!")
    expect(note).to_have_text(text["too_short"])
    # Escape closes the box (what was typed stays for next time); the focus goes back.
    page.keyboard.press("Escape")
    expect(berts.locator(".foorumi-commentbox")).to_have_count(0)
    expect(forum.comment_button(berts)).to_be_focused()
    forum.comment_button(berts).click()
    expect(box).to_have_value("Thanks!")
    # The Cancel button sits beside the primary one.
    post = berts.locator(".foorumi-commentbox .foorumi-btn-primary")
    cancel = berts.locator(".foorumi-commentbox .foorumi-actions button:not(.foorumi-btn-primary)")
    assert post.evaluate("(b) => b.nextElementSibling") == cancel.evaluate("(b) => b")

    # A long reflection folds: "Show all" / "Show less" with aria-expanded.
    doras = forum.thread_of(names["dora"])
    more = doras.locator(".foorumi-thread-body button.foorumi-more")
    expect(more).to_have_text(text["show_all"])
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(doras.locator(".foorumi-thread-body")).not_to_contain_text(LONG.strip())
    more.click()
    expect(more).to_have_text(text["show_less"])
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(more).to_be_focused()
    expect(doras.locator(".foorumi-thread-body .foorumi-text").first).to_have_text(LONG)

    # A reply box on a peer's reflection says that replies do not count.
    comment(learners["bert"], reflections["dora"], "A long and honest answer, thank you Dora.")
    forum.reload()
    doras = forum.thread_of(names["dora"])
    doras.locator(".foorumi-comment").get_by_role("button", name=text["reply"], exact=True).click()
    expect(doras.locator(".foorumi-replybox .foorumi-feedback-note")).to_have_text(text["replies_dont_count"])
    forum.comment_button(berts).click()
    forum.comment_box(berts).fill("Ok")
    expect(berts.locator(".foorumi-feedback-note")).to_have_text(text["too_short"])
    doras.locator(".foorumi-thread-body button.foorumi-more").click()
    berts.locator(".foorumi-thread-body").get_by_role("button", name=text["flag"], exact=True).click()

    # Touch targets (phones): every visible button is at least 44 x 44 px, controls open.
    if width == 375:
        sizes = button_sizes(forum)
        assert len(sizes) >= 15, sizes
        small = [size for size in sizes if size[1] < 44 or size[2] < 44]
        assert not small, small
        assert forum.app.evaluate("(app) => app.scrollWidth <= app.clientWidth"), "the group view scrolls sideways"

    # No accessibility violations with the comment box, a reply box, a flag form and a long
    # reflection open.
    expect_no_axe_violations(page)


def test_a_reply_to_a_paged_out_comment_shows_and_moves_under_it_when_loaded(workbench, learner_page):
    ids = {who: learner_id(who) for who in ("eero", "fiia")}
    eero = submitted(workbench, PSEUDO, ids["eero"], ["Too many meetings every week."])
    fiia = submitted(workbench, PSEUDO, ids["fiia"], ["Hiring the right people quickly."])
    reflection = eero.state()["reflection"]["id"]
    first = thread_comments(comment(fiia, reflection, "The very first comment, on meetings."), reflection)[0]["id"]
    for number in range(1, 22):
        comment(fiia, reflection, f"Comment number {number}")
    comment(fiia, reflection, "A late answer to my first comment.", reply_to=first)

    forum = Forum(learner_page(viewport=DESKTOP), workbench, PSEUDO, ids["eero"]).open()
    forum.expect_group(2)
    mine = forum.thread_of(None)
    # The reply's comment is not loaded: the reply is shown, marked as a reply to an earlier one.
    orphan = mine.locator("ol.foorumi-comments > li.foorumi-comment.is-reply")
    expect(orphan).to_have_count(1)
    expect(orphan.locator(".foorumi-replyto")).to_have_text(TEXT["en"]["earlier"])
    expect(orphan).to_be_visible()  # shown even in a folded thread: it is the newest
    # Older comments loaded: the reply moves under the comment it answers.
    mine.get_by_role("button", name=TEXT["en"]["older"]).click()
    parent = mine.locator("ol.foorumi-comments > li.foorumi-comment", has_text="The very first comment, on meetings.")
    expect(parent).to_have_count(1, timeout=ACTION_WAIT_MS)
    expect(parent.locator("ol.foorumi-replies > li")).to_have_text(re.compile("A late answer to my first comment."))
    expect(mine.locator(".foorumi-replyto")).to_have_count(0)
    expect(forum.comments(mine)).to_have_count(23)


# -- the page height of a six-member group on a phone ---------------------------------------------

ANSWER = (
    "Tulin esimieheksi vähän yllättäen, kun edellinen tiimin vetäjä lähti toiseen yritykseen ja "
    "minua pyydettiin hoitamaan tehtävää väliaikaisesti. Väliaikaisuus kesti lopulta kaksi vuotta, "
    "ja sinä aikana opin enemmän kuin koskaan aiemmin. Vaikeinta oli siirtyä kollegasta esimieheksi "
    "samojen ihmisten kanssa, joiden kanssa olin aiemmin istunut kahvilla ja puhunut johdon "
    "päätöksistä. Nyt minä olin se, joka joutui kertomaan päätökset ja perustelemaan ne, vaikka en "
    "itsekään ollut aina samaa mieltä. Tuin itseäni lukemalla, kysymällä neuvoa omalta esimieheltäni "
    "ja kirjoittamalla muistiin, mikä onnistui ja mikä ei. Toivon tästä ryhmästä tukea erityisesti "
    "tilanteisiin, joissa pitää olla puun ja kuoren välissä ja silti reilu kaikille osapuolille."
)
COMMENT = (
    "Kiitos, että kerroit tämän näin avoimesti. Tunnistan saman tilanteen omasta työstäni: "
    "kollegasta esimieheksi siirtyminen oli minullekin vaikeinta, ja muistiinpanot auttoivat paljon."
)


def six_member_group(base_url):
    """Six learners of ``foorumi.0`` in one group (five fill it, staff place the sixth). Each
    reflection is about 240 words (the forum's two prompts, about 120 words each: the text
    of three answers of 80 words); every thread gets 2-3 comments of about 25 words."""
    learners = [submitted(base_url, FI, learner_id(f"kuusi{index}"), [ANSWER, ANSWER[:700]]) for index in range(6)]
    assert len(ANSWER.split()) + len(ANSWER[:700].split()) > 180
    Learner(base_url, FI, learner_id("staff")).ok("form_groups")
    states = [learner.state() for learner in learners]
    assert all(s["group"] and len(s["group"]["members"]) == 6 for s in states), [s["stage"] for s in states]
    reflections = [s["reflection"]["id"] for s in states]
    for index, learner in enumerate(learners):
        for step in (1, 2) if index % 2 else (1, 2, 3):
            comment(learner, reflections[(index + step) % 6], COMMENT)
    return learners


def test_page_height_of_a_six_member_group_on_a_phone(workbench, learner_page):
    learners = six_member_group(workbench)
    for language, locale in LOCALES.items():
        forum = Forum(learner_page(locale=locale, viewport=PHONE), workbench, FI, learners[0].student_id).open()
        forum.expect_group(6)
        expect(forum.comments(forum.app)).to_have_count(15)
        block = forum.page.evaluate("Math.round(document.querySelector('.foorumi').getBoundingClientRect().height)")
        page = forum.page.evaluate("document.documentElement.scrollHeight")
        print(f"\nsix-member group at 375 px ({language}): the block is {block} px high, the workbench page {page} px")
        assert block < MAX_SIX_MEMBER_HEIGHT, block
        assert forum.app.evaluate("(app) => app.scrollWidth <= app.clientWidth"), "the group view scrolls sideways"
