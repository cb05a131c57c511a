"""Honest waiting and clear completion (issue 10) at 375 and 1280 px, in English and Finnish.

The learners are set up over HTTP once for the module (tests/workbench/client.py); each test
then opens their pages in Chromium, in a context with the page's language (``Accept-Language``)
and the Helsinki time zone, so that the deadline's clock time can be checked:

* ``foorumi.2`` (pseudonymous, groups from 2, a 1 h wait): Solo alone in the pool. Nobody else
  submits there (others only open the reflect stage).
* ``foorumi.0`` (groups from 3, 24 h): two learners waiting, the second one's deadline shown.
* ``foorumi.1`` (scored, groups from 3 of up to 4): Dora, Pekka and Pia in a group; Dora has
  commented on both others (done), Pekka on Dora only (one more to go). The first-click
  tests submit here too: they join that group or wait, which changes nothing checked here.

Axe-core (``axe-playwright-python``) checks every stage in both languages.
"""
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.pages import ACTION_WAIT_MS, EN, FI, PSEUDO, Forum, expect_no_axe_violations, learner_id, words
from tests.workbench.client import Learner

pytestmark = pytest.mark.browser

TZ = "Europe/Helsinki"
COMBOS = [("en", 375), ("en", 1280), ("fi", 375), ("fi", 1280)]
LOCALE = {"en": "en-US", "fi": "fi-FI"}
AXE_CONTEXT = {"include": [[".foorumi-app"], [".foorumi-status"]]}

#: What the page says, in each language (conf/locale/fi/LC_MESSAGES/text.po).
TEXT = {
    "en": {
        "alone": "Nobody else has submitted a reflection yet, so for now you are alone in this forum.",
        "alone_when": "If no group has formed by {when}, the next person who submits will be placed in a group with you.",
        "latest": "You will be placed in a group by {when} at the latest.",
        "today": "{time} today", "tomorrow": "{time} tomorrow",
        "named": "Your group will read your reflection under your name. Course staff can read it too.",
        "pseudo": "Your group will read your reflection as \u201cParticipant N\u201d, not under your name "
                  "(you get your number when the group forms). Course staff can read it too.",
        "scored": "This forum is scored: your grade is the share of the requirements you meet, submitting your "
                  "reflection and commenting on 2 peers' reflections, each counting the same.",
        "under": "Write at least 10 words.",
        "done": "Your part is done",
        "done_text": "You have submitted your reflection and commented on 2 peers' reflections.",
        "next": "What next: you can keep reading and commenting, and your group may still reply to you. "
                "New comments appear here by themselves.",
        "full": "You have met every requirement, so your grade is full.",
        "grade": "Your grade so far: 3 of 3 requirements met.",
        "todo": "Still to do: comment on 1 more peer's reflection. A comment counts when it has at least 5 words.",
        "rules": "Ground rules", "rule": "Confidentiality: what is said in the group stays in the group.",
    },
    "fi": {
        "alone": "Kukaan muu ei ole vielä lähettänyt pohdintaansa, joten olet toistaiseksi foorumilla yksin.",
        "alone_when": "Jos ryhmää ei ole muodostunut {when} mennessä, seuraava pohdintansa lähettävä sijoitetaan "
                      "kanssasi samaan ryhmään.",
        "latest": "Sinut sijoitetaan ryhmään viimeistään {when}.",
        "today": "tänään klo {time}", "tomorrow": "huomenna klo {time}",
        "named": "Ryhmäsi lukee pohdintasi, ja se näkyy heille nimelläsi. Myös kurssin henkilökunta voi lukea sen.",
        "pseudo": "Ryhmäsi lukee pohdintasi nimellä \u201dOsallistuja N\u201d eikä näe oikeaa nimeäsi (numerosi "
                  "selviää, kun ryhmä muodostuu). Myös kurssin henkilökunta voi lukea sen.",
        "scored": "Tästä foorumista saa arvosanan: se on täyttämiesi vaatimusten osuus. Vaatimukset ovat pohdintasi "
                  "lähettäminen ja kommentit 2 muun osallistujan pohdintoihin, ja kukin painaa yhtä paljon.",
        "under": "Kirjoita vähintään 10 sanaa.",
        "done": "Osuutesi on tehty",
        "done_text": "Olet lähettänyt pohdintasi ja kommentoinut 2 muun osallistujan pohdintoja.",
        "next": "Mitä seuraavaksi: voit edelleen lukea ja kommentoida, ja ryhmäsi voi vielä vastata sinulle. "
                "Uudet kommentit tulevat näkyviin tähän itsestään.",
        "full": "Olet täyttänyt kaikki vaatimukset, joten saat täydet pisteet.",
        "grade": "Arvosanasi tähän mennessä: 3/3 vaatimuksesta täytetty.",
        "todo": "Tehtävää jäljellä: kommentoi vielä 1 muun osallistujan pohdintaa. Kommentti lasketaan, kun siinä "
                "on vähintään 5 sanaa.",
        "rules": "Ryhmän pelisäännöt", "rule": "Luottamuksellisuus: ryhmässä kerrottu jää ryhmään.",
    },
}


def submitted(base_url, scenario, student):
    """A learner who accepted the ground rules and submitted (over HTTP); returns (client, state)."""
    learner = Learner(base_url, scenario, student)
    state = learner.state()
    if state["stage"] == "agreement":
        state = learner.ok("accept_agreement")
    answers = {p["id"]: words(max(p["min_words"], 3) + 1, student) for p in state["prompts"]}
    return learner, learner.ok("submit_reflection", {"answers": answers, "request_id": uuid.uuid4().hex[:12]})


@pytest.fixture(scope="module")
def forums(workbench):
    """Everyone this module's tests look at, set up once."""
    ids = {who: learner_id(who) for who in ("solo", "odotus", "odottaja", "dora", "pekka", "pia")}
    _, solo = submitted(workbench, PSEUDO, ids["solo"])
    assert solo["pool"]["alone"] is True
    submitted(workbench, FI, ids["odotus"])
    _, waiter = submitted(workbench, FI, ids["odottaja"])
    assert waiter["pool"]["waiting"] == 2 and waiter["pool"]["alone"] is False
    group = {who: submitted(workbench, EN, ids[who])[0] for who in ("dora", "pekka", "pia")}
    state = group["dora"].state()
    assert state["stage"] == "group" and len(state["group"]["members"]) == 3
    for who, on in (("dora", "pekka"), ("dora", "pia"), ("pekka", "dora")):
        thread = next(t for t in group[who].state()["threads"] if t["author"]["name"].lower().startswith(on))
        group[who].ok("comment", {"reflection_id": thread["id"], "request_id": uuid.uuid4().hex[:12],
                                  "text": "Thank you, this is a thoughtful and honest reflection."})
    assert group["dora"].state()["progress"]["complete"] is True
    return {"ids": ids, "solo_deadline": solo["pool"]["deadline"], "waiter_deadline": waiter["pool"]["deadline"]}


@pytest.fixture
def open_forum(browser, workbench):
    """``open_forum(language, width, scenario, student)``: the learner's page, in a context of its own."""
    contexts = []

    def open_(language, width, scenario, student):
        context = browser.new_context(locale=LOCALE[language], timezone_id=TZ, viewport={"width": width, "height": 900})
        context.set_default_timeout(ACTION_WAIT_MS)
        contexts.append(context)
        return Forum(context.new_page(), workbench, scenario, student).open()

    yield open_
    for context in contexts:
        context.close()


def when_text(language, deadline_iso):
    """The deadline as the page words it: a clock time in Helsinki, "today" or "tomorrow"."""
    deadline = datetime.fromisoformat(deadline_iso).astimezone(ZoneInfo(TZ))
    today = datetime.now(ZoneInfo(TZ)).date()
    if language == "fi":
        time = f"{deadline.hour}.{deadline.minute:02d}"
    else:
        time = f"{(deadline.hour % 12) or 12}:{deadline.minute:02d} {'AM' if deadline.hour < 12 else 'PM'}"
    day = {today: "today", today + timedelta(days=1): "tomorrow"}.get(deadline.date())
    return TEXT[language][day].format(time=time) if day else time


def plain(text):
    """Text with Intl's narrow and no-break spaces as plain ones."""
    return re.sub(r"[\u202f\u00a0]", " ", text)


@pytest.mark.parametrize("language, width", COMBOS)
def test_the_pool_says_by_when_and_that_a_learner_is_alone(forums, open_forum, language, width):
    text = TEXT[language]
    solo = open_forum(language, width, PSEUDO, forums["ids"]["solo"])
    expect(solo.pool.locator(".foorumi-alone")).to_contain_text(text["alone"])
    note = solo.pool.locator(".foorumi-waiting")
    deadline = note.locator("time.foorumi-deadline")
    iso = datetime.fromisoformat(forums["solo_deadline"]).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    expect(deadline).to_have_attribute("datetime", iso)
    assert plain(note.inner_text()) == text["alone_when"].format(when=when_text(language, forums["solo_deadline"]))
    expect_no_axe_violations(solo.page, AXE_CONTEXT)

    waiter = open_forum(language, width, FI, forums["ids"]["odottaja"])
    note = waiter.pool.locator(".foorumi-waiting")
    expect(note).to_be_visible()
    assert plain(note.inner_text()) == text["latest"].format(when=when_text(language, forums["waiter_deadline"]))
    expect(waiter.pool.locator(".foorumi-alone")).to_have_count(0)


@pytest.mark.parametrize("language, width", COMBOS)
def test_before_submitting_who_reads_and_scoring_and_the_first_click_on_submit(forums, open_forum, language, width):
    text = TEXT[language]
    # Pseudonymous: "as Participant N" (the number comes with the group).
    pseudo = open_forum(language, width, PSEUDO, learner_id("nimeton"))
    expect(pseudo.app.locator(".foorumi-readers")).to_have_text(text["pseudo"])
    expect(pseudo.app.locator(".foorumi-reflect .foorumi-scored")).to_have_count(0)

    # Named and scored: the agreement, then the reflect stage's notes.
    forum = open_forum(language, width, EN, learner_id("klikki"))
    expect_no_axe_violations(forum.page, AXE_CONTEXT)  # the agreement
    forum.accept_agreement("click")
    expect(forum.app.locator(".foorumi-readers")).to_have_text(text["named"])
    expect(forum.app.locator(".foorumi-reflect .foorumi-scored")).to_have_text(text["scored"])
    expect(forum.submit_button).to_have_attribute("aria-describedby", re.compile(r"-readers$"))

    # An answer under its minimum, the caret in it: one press of the mouse on Submit shows why
    # it cannot be sent (the press's blur shows nothing that would move the button away).
    forum.answer(1).fill(words(6, "support"))
    forum.answer(0).fill("Too short")
    forum.answer(0).focus()
    expect(forum.field_error(0)).to_have_text("")

    def click_submit_once():
        forum.submit_button.scroll_into_view_if_needed()
        box = forum.submit_button.bounding_box()
        forum.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        forum.page.mouse.down()
        forum.page.mouse.up()

    click_submit_once()
    expect(forum.field_error(0)).to_have_text(text["under"])
    expect(forum.answer(0)).to_be_focused()
    expect_no_axe_violations(forum.page, AXE_CONTEXT)  # the reflect stage, with its errors

    # Fixed, the caret still in the answer: one press submits.
    forum.answer(0).fill(words(12, "Clicked"))
    expect(forum.field_error(0)).to_have_text("")
    click_submit_once()
    expect(forum.app.locator("section.foorumi-reflect")).to_have_count(0, timeout=ACTION_WAIT_MS)


@pytest.mark.parametrize("language, width", COMBOS)
def test_the_done_panel_the_ground_rules_and_what_is_still_needed(forums, open_forum, language, width):
    text = TEXT[language]
    dora = open_forum(language, width, EN, forums["ids"]["dora"])
    done = dora.app.locator("section.foorumi-done")
    expect(done).to_be_visible()
    expect(done.get_by_role("heading", name=text["done"], exact=True)).to_be_visible()
    expect(done).to_contain_text(text["done_text"])
    expect(done).to_contain_text(text["next"])
    expect(done).to_contain_text(text["full"])
    expect(dora.app.locator(".foorumi-progressbox .foorumi-scored")).to_have_text(text["grade"])
    expect(dora.app.locator(".foorumi-progress-todo")).to_have_count(0)
    # It is seen without hunting for it: it starts within the first screen and a half.
    assert done.bounding_box()["y"] < 1.5 * 900, done.bounding_box()

    # The ground rules stay at hand, behind a button.
    rules = dora.app.get_by_role("button", name=text["rules"], exact=True)
    expect(rules).to_have_attribute("aria-expanded", "false")
    rule = dora.app.locator(".foorumi-rules li").first
    expect(rule).to_be_hidden()
    rules.click()
    expect(rules).to_have_attribute("aria-expanded", "true")
    expect(rule).to_have_text(text["rule"])
    expect(rules).to_be_focused()
    expect_no_axe_violations(dora.page, AXE_CONTEXT)  # the group stage, done, rules open

    pekka = open_forum(language, width, EN, forums["ids"]["pekka"])
    expect(pekka.app.locator(".foorumi-progress-todo")).to_have_text(text["todo"])
    expect(pekka.app.locator("section.foorumi-done")).to_have_count(0)
    expect_no_axe_violations(pekka.page, AXE_CONTEXT)  # the group stage, not done yet
