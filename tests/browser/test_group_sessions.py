"""Groups that last (issue 13) in Chromium, in English and Finnish: the continuity part of the
learner's group view (static/js/foorumi_sessions.js) and the staff console's groups across
sessions (static/js/foorumi_staff_sessions.js).

The workbench scenario with two forums of one group set on one page (its first forum is
session 1, its second session 2; ``group_size`` 4, ``min_group_size`` 3, ``max_group_size``
6) is found among ``workbench_scenarios()``. Learners are set up once for the module over
HTTP (tests/workbench/client.py), each call aimed at the block of its session:

* session 1: Aino, Bert and Cleo form Group 1; Bert comments on Aino's reflection, Aino
  replies to him, Cleo comments on Bert's;
* session 2: Aino submits first and lands straight in Group 1 (no pool); Nina, new to the
  set, joins it (the smallest group below four); then Group 1 is full, so Carl, Cecilia and
  Cid form Group 2, Cora joins it, and Dan, Dora and Dag form Group 3; staff move Cora into
  Group 1 (five members), so Groups 2 and 3 have three each and can be merged (six at most).

Aino's session 2 says "Your group meets again": Nina and Cora are new, two members (Bert,
Cleo) have not written yet, session 1 is readable and opens read-only below (Escape and
"Close" give the focus back to its button; a poll keeps it open). Nina sees why she cannot
read it. Staff see who took part in which session, the warning in session 1's console
(Groups 2 and 3 had nobody there) and merge Group 3 into Group 2 after a confirmation.
axe-core finds no violations in the continuity view (the earlier session open) nor in the
consoles, in both languages.
"""
import html
import re
import uuid

import pytest
from playwright.sync_api import expect

from foorumi_xblock.block import FoorumiXBlock
from tests.browser.pages import ACTION_WAIT_MS, display_name, expect_no_axe_violations, learner_id, words
from tests.workbench.client import Learner

pytestmark = pytest.mark.browser

LOCALES = {"en": "en-US", "fi": "fi-FI"}
SESSION_1 = "Miten olet tullut esimieheksi?"
TEXT = {
    "en": {
        "meets": "Your group meets again", "new": "New",
        "not_yet": "2 members of your group have not written in this session yet. "
                   "They are still in the group and may write later.",
        "session": f"Session 1: {SESSION_1}, 3 people took part", "read": "Read session 1",
        "earlier": "Earlier session (read only)", "close": "Close", "yours": "Your reflection",
        "closed": "Only those who were in the group then can read it: the ground rules promised "
                  "confidentiality to the group as it was.",
        "sessions_h": "Groups across sessions", "this": "(this session)",
        "few": "Fewer than 3 members took part in this session or the one before",
        "merge": "Merge", "merge_label": "Merge Group 3 into", "choose": "Choose the group to merge Group 3 into first.",
        "yes": "Yes, merge", "merged": "Group 3 was merged into Group 2.", "group2": "Group 2 (members: 3)",
    },
    "fi": {
        "meets": "Ryhmäsi kokoontuu taas", "new": "Uusi",
        "not_yet": "2 ryhmäsi jäsentä ei ole vielä kirjoittanut tässä istunnossa. "
                   "He ovat yhä ryhmässä ja voivat kirjoittaa myöhemmin.",
        "session": f"Istunto 1: {SESSION_1}, 3 osallistujaa", "read": "Lue istunto 1",
        "earlier": "Aiempi istunto (vain luettavana)", "close": "Sulje", "yours": "Oma pohdintasi",
        "closed": "Sen voivat lukea vain ne, jotka olivat silloin ryhmässä: pelisäännöt lupasivat "
                  "luottamuksellisuuden ryhmälle sellaisena kuin se silloin oli.",
        "sessions_h": "Ryhmät istunnoittain", "this": "(tämä istunto)",
        "few": "Alle 3 jäsentä osallistui tähän tai edelliseen istuntoon",
    },
}
_BLOCK = re.compile(r"<div\b[^>]*\bdata-block-type=(['\"])foorumi\1[^>]*>")
_USAGE = re.compile(r"""\bdata-usage=(['"])(.*?)\1""")


def set_scenario():
    """The workbench scenario with two or more forums of one group set: its id."""
    for index, (_title, xml) in enumerate(FoorumiXBlock.workbench_scenarios()):
        if "group_set=" in xml and xml.count("<foorumi ") >= 2:
            return f"foorumi.{index}"
    pytest.fail("no workbench scenario with two forums of one group set")


def rid():
    return uuid.uuid4().hex[:12]


def in_session(base_url, scenario, student, number):
    """``student`` as a ``Learner`` of session ``number`` (the page's ``number``-th forum)."""
    learner = Learner(base_url, scenario, student)
    tags = [match.group(0) for match in _BLOCK.finditer(learner.page.html)]
    usages = [html.unescape(_USAGE.search(tag).group(2)) for tag in tags if _USAGE.search(tag)]
    learner.usage_id = usages[number - 1]
    return learner


def submit(base_url, scenario, student, number, marker):
    """``student`` accepts the ground rules and submits in session ``number``; their state."""
    learner = in_session(base_url, scenario, student, number)
    state = learner.state()
    if state["stage"] == "agreement":
        state = learner.ok("accept_agreement")
    answers = {p["id"]: words(max(p["min_words"], 3) + 2, marker) for p in state["prompts"]}
    return learner, learner.ok("submit_reflection", {"answers": answers, "request_id": rid()})


@pytest.fixture(scope="module")
def group_set(workbench):
    """The learners of both sessions (see the module's docstring): ``{"scenario", "ids", "names"}``."""
    scenario = set_scenario()
    who = ("aino", "bert", "cleo", "nina", "carl", "cecilia", "cid", "cora", "dan", "dora", "dag")
    ids = {name: learner_id(name) for name in who}
    first = {}
    for name in ("aino", "bert", "cleo"):
        first[name], state = submit(workbench, scenario, ids[name], 1, f"{name}-first")
    group_1 = state["group"]["id"]
    assert state["stage"] == "group" and len(state["group"]["members"]) == 3
    reflection = {name: learner.state()["reflection"]["id"] for name, learner in first.items()}
    state = first["bert"].ok("comment", {"reflection_id": reflection["aino"], "text": "Bert on Aino: familiar to me.",
                                         "request_id": rid()})
    bert_comment = next(th for th in state["threads"] if th["id"] == reflection["aino"])["comments"][0]["id"]
    first["aino"].ok("comment", {"reflection_id": reflection["aino"], "text": "Aino replies: thank you, Bert.",
                                 "request_id": rid(), "reply_to": bert_comment})
    first["cleo"].ok("comment", {"reflection_id": reflection["bert"], "text": "Cleo on Bert: well put.",
                                 "request_id": rid()})

    _aino, state = submit(workbench, scenario, ids["aino"], 2, "aino-second")
    assert state["stage"] == "group" and state["group"]["id"] == group_1, "Aino lands straight in her group"
    _nina, state = submit(workbench, scenario, ids["nina"], 2, "nina-second")
    assert state["group"]["id"] == group_1
    placed = {}
    for name in ("carl", "cecilia", "cid", "cora", "dan", "dora", "dag"):
        _learner, state = submit(workbench, scenario, ids[name], 2, f"{name}-second")
        placed[name] = state["group"]["id"] if state["group"] else None
    # Group 1 is full (four): the others wait until three can form a group; Cora joins Group 2.
    assert placed["carl"] is None and placed["dan"] is None
    assert group_1 != placed["cid"] == placed["cora"] != placed["dag"] != group_1, placed
    staff = in_session(workbench, scenario, learner_id("staff"), 2)
    report = staff.ok("staff_report")
    cora = next(learner for learner in report["learners"] if learner["name"] == display_name(ids["cora"]))
    report = staff.ok("move_learner", {"learner_id": cora["id"], "group_id": group_1})
    sizes = sorted(len(g["members"]) for g in report["sessions"]["groups"])
    assert sizes == [3, 3, 5], sizes
    return {"scenario": scenario, "ids": ids, "names": {name: display_name(i) for name, i in ids.items()}}


def open_block(page, base_url, scenario, student):
    """Open the scenario page as ``student``; the second forum's block (session 2), once shown."""
    page.goto(f"{base_url}/scenario/{scenario}/?student={student}")
    blocks = page.locator(".foorumi")
    expect(blocks).to_have_count(2)
    for index in range(2):
        expect(blocks.nth(index).locator(".foorumi-app")).to_have_attribute("aria-busy", "false", timeout=ACTION_WAIT_MS)
    return blocks.nth(1)


def app_of(block, *selectors):
    """An axe context of ``block``'s ``selectors`` alone (its learner view by default): the other
    forum on the page has landmarks of the same names ("Group 1" is the same group in both)."""
    usage = block.evaluate("(el) => el.closest('[data-usage]').getAttribute('data-usage')")
    return {"include": [[f'[data-usage="{usage}"] {selector}'] for selector in selectors or (".foorumi-app",)]}


@pytest.mark.parametrize("language", ["en", "fi"])
def test_the_group_meets_again_and_reads_its_earlier_session(workbench, learner_page, group_set, language):
    text, names, ids = TEXT[language], group_set["names"], group_set["ids"]
    page = learner_page(locale=LOCALES[language])
    block = open_block(page, workbench, group_set["scenario"], ids["aino"])
    section = block.locator("section.foorumi-continuity")
    expect(section.get_by_role("heading", level=4)).to_have_text(text["meets"])
    # The first session's block has no earlier session: nothing of this there.
    expect(page.locator(".foorumi").first.locator("section.foorumi-continuity")).to_have_count(0)

    # New to the group: Nina and Cora, each with a "new" badge; two not written yet.
    newcomers = section.locator(".foorumi-newcomers li")
    expect(newcomers).to_have_count(2)
    for name, item in ((names["nina"], newcomers.nth(0)), (names["cora"], newcomers.nth(1))):
        expect(item.locator(".foorumi-member-name")).to_have_text(name)
        expect(item.locator(".foorumi-badge-new")).to_have_text(text["new"])
    expect(section.locator(".foorumi-notyet")).to_have_text(text["not_yet"])
    expect(section.locator(".foorumi-session")).to_have_count(1)
    expect(section.locator(".foorumi-session span").first).to_have_text(text["session"])

    # Session 1 opens read-only below; its heading takes the focus.
    opener = section.get_by_role("button", name=text["read"])
    expect(opener).to_have_attribute("aria-expanded", "false")
    opener.click()
    earlier = block.locator("section.foorumi-earlier")
    heading = earlier.get_by_role("heading", name=text["earlier"])
    expect(heading).to_be_focused(timeout=ACTION_WAIT_MS)
    expect(opener).to_have_attribute("aria-expanded", "true")
    threads = earlier.locator("article.foorumi-thread")
    expect(threads).to_have_count(3)
    expect(earlier).to_contain_text(SESSION_1)
    aino = threads.filter(has=page.get_by_role("heading", name=text["yours"], exact=True))
    expect(aino.locator(".foorumi-text").first).to_contain_text("aino-first")
    expect(aino.locator("ol.foorumi-comments > li.foorumi-comment")).to_have_count(1)
    expect(aino.locator("ol.foorumi-comments > li .foorumi-author").first).to_have_text(names["bert"])
    reply = aino.locator("ol.foorumi-replies > li.foorumi-comment.is-reply")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("Aino replies: thank you, Bert.")
    expect(earlier).to_contain_text("Cleo on Bert: well put.")
    # Nothing to edit, comment on or flag: the one control is "Close".
    expect(earlier.locator("textarea, input, select, [contenteditable]")).to_have_count(0)
    expect(earlier.locator("button")).to_have_text([text["close"]])

    # A poll does not close it (the page polls at once when focused, unless its state is
    # younger than two seconds).
    page.wait_for_timeout(2100)
    with page.expect_response(lambda r: "/state/" in r.url, timeout=ACTION_WAIT_MS):
        page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    page.wait_for_timeout(300)
    expect(earlier).to_be_visible()
    expect_no_axe_violations(page, app_of(block))
    # Both sessions' forums on the one page, each showing its "Group 1": every landmark is
    # named by its heading and its forum's title, so no two share a name, and no id repeats.
    # (The page's heading outline is the workbench's, so only these rules run page-wide.)
    from axe_playwright_python.sync_playwright import Axe

    page_wide = Axe().run(page, context={"include": [[".foorumi"]]}, options={
        "runOnly": {"type": "rule", "values": ["landmark-unique", "duplicate-id", "duplicate-id-aria"]},
    })
    assert page_wide.violations_count == 0, page_wide.generate_report()

    # Escape closes it and gives the focus back to its button; so does "Close".
    page.keyboard.press("Escape")
    expect(earlier).to_have_count(0)
    expect(opener).to_be_focused()
    expect(opener).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(heading).to_be_focused(timeout=ACTION_WAIT_MS)
    earlier.get_by_role("button", name=text["close"]).click()
    expect(earlier).to_have_count(0)
    expect(opener).to_be_focused()

    # Nina, new to the group, sees session 1 listed, and why she cannot read it.
    nina = open_block(learner_page(locale=LOCALES[language]), workbench, group_set["scenario"], ids["nina"])
    section = nina.locator("section.foorumi-continuity")
    expect(section.locator(".foorumi-session-closed")).to_have_text(text["closed"])
    expect(section.get_by_role("button")).to_have_count(0)
    expect(section.locator(".foorumi-newcomers li.is-me .foorumi-badge-new")).to_have_text(text["new"])
    expect_no_axe_violations(nina.page, app_of(nina))


def sessions_section(block):
    return block.locator("section.foorumi-staff-section-sessions")


def expect_sessions_table(block, text, names):
    """Session 2's console: three groups by two sessions, who took part, the current one marked."""
    section = sessions_section(block)
    expect(section.get_by_role("heading", level=4)).to_have_text(text["sessions_h"])
    table = section.locator("table")
    expect(table.locator("thead th.is-current")).to_contain_text(text["this"])
    expect(table.locator("tbody tr")).to_have_count(3)
    first = table.locator("tbody tr").first
    session_1 = first.locator("td").nth(1)
    expect(session_1.locator("li")).to_have_text([names["aino"], names["bert"], names["cleo"]])
    expect(first.locator("td.is-current li")).to_have_text([names["aino"], names["nina"], names["cora"]])
    expect(first.locator("td.is-num")).to_have_text("5")
    return section


def test_staff_see_groups_across_sessions_and_merge_two(workbench, learner_page, group_set):
    names = group_set["names"]
    staff = learner_id("staff")
    for language in ("fi", "en"):
        text = TEXT[language]
        page = learner_page(locale=LOCALES[language])
        block = open_block(page, workbench, group_set["scenario"], staff)
        section = expect_sessions_table(block, text, names)
        # Session 1's console: Groups 2 and 3 had nobody there, so they are warned about.
        earlier = sessions_section(page.locator(".foorumi").first)
        expect(earlier.locator(".foorumi-staff-warning-text")).to_have_text([text["few"], text["few"]])
        expect(section.locator(".foorumi-staff-warning-text")).to_have_count(0)
        for console in (page.locator(".foorumi").first, block):
            expect_no_axe_violations(page, app_of(console, ".foorumi-staff-tabs", ".foorumi-staff-console"))

    # Merging Group 3 into Group 2, by keyboard: the group is asked for first, then a confirmation.
    row = section.locator("tbody tr").nth(2)
    merge = row.get_by_role("button", name=text["merge"], exact=True)
    merge.focus()
    page.keyboard.press("Enter")
    picker = row.get_by_label(text["merge_label"])
    expect(row.get_by_role("alert")).to_have_text(text["choose"])
    expect(picker).to_be_focused()
    expect(picker).to_have_attribute("aria-invalid", "true")
    picker.select_option(label=text["group2"])
    merge.focus()
    page.keyboard.press("Enter")
    confirm = section.locator(".foorumi-staff-confirm")
    yes = confirm.get_by_role("button", name=text["yes"])
    expect(yes).to_be_focused()
    expect(confirm).to_contain_text("Merge Group 3 into Group 2? Its 3 members join Group 2")
    expect(merge).to_have_attribute("aria-expanded", "true")
    expect_no_axe_violations(page, app_of(block, ".foorumi-staff-section-sessions"))
    page.keyboard.press("Escape")
    expect(confirm).to_have_count(0)
    expect(row.get_by_role("button", name=text["merge"], exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(yes).to_be_focused()
    page.keyboard.press("Enter")

    live = block.locator(".foorumi-staff-status")
    expect(live).to_have_text(text["merged"], timeout=ACTION_WAIT_MS)
    rows = section.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator("th")).to_have_text("Group 2")
    expect(rows.nth(1).locator("td").first.locator("li")).to_have_count(6)
    expect(section.get_by_role("heading", level=4)).to_be_focused()
