"""The course staff's console (docs/design.md "Staff") in real browsers, in English and Finnish.

Learners are set up over HTTP (tests/workbench/client.py), which is quick; what staff and the
flagging learner see and do happens in Chromium. On this module's own workbench, the English
test alone submits in ``foorumi.1``, the Finnish one in ``foorumi.0`` and the pool test in
``foorumi.2``, so each forms exactly the groups it expects.

Axe-core (the ``axe-playwright-python`` package bundles it) checks the tab switch and the
console panel. The block's title (h3) is left out: on the workbench page it follows the
page's h1 directly, where the LMS puts its h2 between; the console's own headings (h4, h5,
h6 below the title) are checked.

Also here: the console's sources follow the learner view's rules (tests/runtime/test_ui_strings.py),
and only a staff page carries the console's scripts and data (HTTP).
"""
import html
import re
import uuid
from pathlib import Path

import pytest
import requests
import rjsmin
from playwright.sync_api import expect

from foorumi_xblock import resources
from foorumi_xblock.ui_strings import JS_PLURALS, JS_STRINGS, STAFF_JS_PLURALS, STAFF_JS_STRINGS, read_js_catalog
from tests.browser.pages import (
    ACTION_WAIT_MS,
    EN,
    FI,
    POLL_WAIT_MS,
    PSEUDO,
    Forum,
    display_name,
    expect_no_axe_violations,
    learner_id,
    words,
)
from tests.runtime.test_ui_strings import (
    N_CALL,
    N_LITERAL,
    PLACEHOLDER,
    T_CALL,
    T_LITERAL,
    code_of,
    finnish,
    plural_pairs,
    t_strings,
)
from tests.workbench.client import Learner

#: The console: its entry (foorumi_staff.js) and its parts (foorumi_staff_*.js).
STAFF_JS = sorted((Path(__file__).resolve().parents[2] / "static" / "js").glob("foorumi_staff*.js"))
AXE_CONTEXT = {"include": [[".foorumi-staff-tabs"], [".foorumi-staff-console"]]}

#: What the pages say, in each language (conf/locale/fi/LC_MESSAGES/text.po).
TEXT = {
    "en": {
        "console": "Staff console", "as_learner": "View as learner", "flag": "Flag",
        "flag_reason": "Why should course staff look at this? (required)", "send": "Send to staff",
        "flagged": "Flagged for staff", "flags_h": "Flagged items", "reflection_by": "Reflection by {}",
        "count": "Flags: 1", "reason": "Reason for hiding (required)", "hide": "Hide", "restore": "Restore",
        "need_reason": "Write the reason for hiding first: it goes into the log.",
        "hidden": "Hidden from the group", "visible": "Visible to the group",
        "hidden_live": "Hidden. The group now sees “Removed by a moderator” in its place.",
        "log_hidden": "Hidden", "read": "Read Group 1", "reading": "Reading Group 1",
        "reader_hidden": "Hidden from the group. Reason: {}", "removed": "Removed by a moderator.",
        "totals": "Participation", "submitted": "Submitted",
    },
    "fi": {
        "console": "Henkilökunnan näkymä", "as_learner": "Näytä osallistujana", "flag": "Ilmoita",
        "flag_reason": "Miksi kurssin henkilökunnan pitäisi katsoa tätä? (pakollinen)",
        "send": "Lähetä henkilökunnalle", "flagged": "Ilmoitettu kurssin henkilökunnalle",
        "flags_h": "Ilmoitetut kohteet", "reflection_by": "{}: pohdinta", "count": "Ilmoituksia: 1",
        "reason": "Piilottamisen syy (pakollinen)", "hide": "Piilota", "restore": "Palauta",
        "need_reason": "Kirjoita ensin piilottamisen syy: se kirjataan lokiin.",
        "hidden": "Piilotettu ryhmältä", "visible": "Näkyy ryhmälle",
        "hidden_live": "Piilotettu. Ryhmä näkee nyt sen paikalla tekstin ”Valvoja on poistanut tämän.”",
        "log_hidden": "Piilotettu", "read": "Lue: Ryhmä 1", "reading": "Luettavana: Ryhmä 1",
        "reader_hidden": "Piilotettu ryhmältä. Syy: {}", "removed": "Valvoja on poistanut tämän.",
        "totals": "Osallistuminen", "submitted": "Pohdinta lähetetty",
    },
}
LANGUAGES = {"en": ("en-US", EN), "fi": ("fi-FI", FI)}


def submitted_learner(base_url, scenario_id, student_id, marker):
    """A learner who has accepted the ground rules and submitted (over HTTP); answers start with ``marker``."""
    learner = Learner(base_url, scenario_id, student_id)
    state = learner.state()
    if state["stage"] == "agreement":
        state = learner.ok("accept_agreement")
    answers = {p["id"]: words(max(p["min_words"], 3) + 1, marker) for p in state["prompts"]}
    learner.ok("submit_reflection", {"answers": answers, "request_id": uuid.uuid4().hex[:12]})
    return learner


class Console:
    """A staff member's page with the console (static/js/foorumi_staff*.js)."""

    def __init__(self, page, base_url, scenario_id, text=None):
        self.page = page
        self.url = f"{base_url}/scenario/{scenario_id}/?student={learner_id('staff')}"
        self.text = text or TEXT["en"]
        self.block = page.locator(".foorumi")
        self.panel = page.locator(".foorumi-staff-console")
        self.learner_panel = page.locator(".foorumi-staff-learner")
        self.live = page.locator(".foorumi-staff-status")

    def open(self):
        self.page.goto(self.url)
        expect(self.panel).to_have_attribute("aria-busy", "false", timeout=ACTION_WAIT_MS)
        return self

    def tab(self, name):
        return self.page.get_by_role("tab", name=name, exact=True)

    def section(self, key):
        return self.panel.locator(f"section.foorumi-staff-section-{key}")

    def flag_card(self, title):
        heading = self.page.get_by_role("heading", name=title, exact=True)
        return self.section("flags").locator("li.foorumi-staff-flag", has=heading)

    def learner_rows(self):
        return self.section("learners").locator("tbody tr")

    def row_of(self, name):
        header = self.page.get_by_role("rowheader", name=name, exact=True)
        return self.section("learners").locator("tbody tr", has=header)

    def expect_no_axe_violations(self):
        expect_no_axe_violations(self.page, AXE_CONTEXT)


# -- the flag queue, in both languages ---------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "fi"])
def test_staff_hide_a_flagged_reflection_and_the_group_sees_it_removed(workbench, learner_page, language):
    locale, scenario = LANGUAGES[language]
    text = TEXT[language]
    # Three learners submit: a group of three forms.
    ids = {who: learner_id(who) for who in ("anna", "ben", "cleo")}
    for who, student in ids.items():
        submitted_learner(workbench, scenario, student, f"{who}-{language}-marker")
    ben_name = display_name(ids["ben"])

    # Anna, in her own browser, flags Ben's reflection; her page stays open.
    anna = Forum(learner_page(locale=locale), workbench, scenario, ids["anna"]).open()
    anna.expect_group(3)
    bens = anna.thread_of(ben_name)
    bens.locator(".foorumi-thread-body").get_by_role("button", name=text["flag"], exact=True).click()
    bens.get_by_label(text["flag_reason"]).fill("Names a colleague and her illness.")
    bens.get_by_role("button", name=text["send"]).click()
    expect(bens.locator(".foorumi-flagged")).to_have_text(text["flagged"], timeout=ACTION_WAIT_MS)

    # Staff open the console: it is what they see first.
    staff = Console(learner_page(locale=locale), workbench, scenario, text).open()
    expect(staff.tab(text["console"])).to_have_attribute("aria-selected", "true")
    expect(staff.tab(text["as_learner"])).to_have_attribute("aria-selected", "false")
    expect(staff.learner_panel).to_be_hidden()
    expect(staff.section("totals").get_by_role("heading")).to_have_text(text["totals"])
    expect(staff.section("flags").get_by_role("heading", level=4)).to_have_text(text["flags_h"])

    # The flag queue: the flagged text, whose it is, every reason, the count, its state.
    card = staff.flag_card(text["reflection_by"].format(ben_name))
    expect(card).to_have_count(1)
    expect(card).to_contain_text(f"ben-{language}-marker")
    expect(card.locator(".foorumi-staff-reasons li")).to_have_text(["Names a colleague and her illness."])
    expect(card).to_contain_text(text["count"])
    expect(card.locator(".foorumi-staff-badge")).to_have_text(text["visible"])

    # Hiding needs a reason: asked for next to the field, nothing sent.
    reason = card.get_by_label(text["reason"])
    card.get_by_role("button", name=text["hide"], exact=True).click()
    alert = card.get_by_role("alert")
    expect(alert).to_have_text(text["need_reason"])
    expect(reason).to_be_focused()
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_attribute("aria-describedby", alert.get_attribute("id"))

    # With a reason it is hidden; the console re-renders from the fresh report.
    reason.fill("Health details of a named colleague")
    card.get_by_role("button", name=text["hide"], exact=True).click()
    expect(card.locator(".foorumi-staff-badge")).to_have_text(text["hidden"], timeout=ACTION_WAIT_MS)
    restore = card.get_by_role("button", name=text["restore"], exact=True)
    expect(restore).to_be_focused()
    expect(staff.live).to_have_text(text["hidden_live"], timeout=ACTION_WAIT_MS)
    log_row = staff.section("decisions").locator("tbody tr").first
    expect(log_row).to_contain_text(text["log_hidden"])
    expect(log_row).to_contain_text("Health details of a named colleague")
    expect(log_row).to_contain_text(text["reflection_by"].format(ben_name))

    # Reading the group: the hidden reflection is there for staff, clearly marked.
    staff.section("groups").get_by_role("button", name=text["read"]).click()
    reader = staff.panel.locator(".foorumi-staff-reader")
    expect(reader.get_by_role("heading", level=5)).to_have_text(text["reading"], timeout=ACTION_WAIT_MS)
    expect(reader.get_by_role("heading", level=5)).to_be_focused()
    hidden = reader.locator("article.foorumi-staff-thread.is-hidden")
    expect(hidden).to_have_count(1)
    expect(hidden).to_contain_text(f"ben-{language}-marker")
    expect(hidden.locator(".foorumi-staff-hidden-note")).to_have_text(
        text["reader_hidden"].format("Health details of a named colleague"))
    expect(reader.locator("article.foorumi-staff-thread")).to_have_count(3)

    # The console has no accessibility violations (flag queue, log, reader open).
    staff.expect_no_axe_violations()

    # Anna's open page learns of it at its next poll: Ben's reflection is removed.
    expect(bens.locator(".foorumi-moderated")).to_have_text(text["removed"], timeout=POLL_WAIT_MS)
    expect(bens).not_to_contain_text(f"ben-{language}-marker")


# -- the pool, moving, sorting and filtering; by keyboard --------------------------------------


def tab_order_reaches(page, target, limit=40):
    """Press Tab until ``target`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


@pytest.mark.browser
def test_pool_groups_moves_and_the_table_by_keyboard(workbench, learner_page):
    # foorumi.2: groups of 2-3 (at most 4). Seven submit: two groups of three and one waiting alone.
    names = ["ulla", "veera", "wilma", "xavier", "yrjo", "zoe", "aapo"]
    ids = {who: learner_id(who) for who in names}
    for who in names:
        submitted_learner(workbench, PSEUDO, ids[who], f"{who}-marker")
    display = {who: display_name(ids[who]) for who in names}

    staff = Console(learner_page(), workbench, PSEUDO).open()
    page = staff.page
    console_tab, learner_tab = staff.tab("Staff console"), staff.tab("View as learner")

    # The switch by keyboard: Tab reaches the selected tab; arrows move between the views,
    # Enter and Space choose the focused one.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    tab_order_reaches(page, console_tab)
    page.keyboard.press("ArrowRight")
    expect(learner_tab).to_be_focused()
    expect(learner_tab).to_have_attribute("aria-selected", "true")
    expect(staff.learner_panel).to_be_visible()
    expect(staff.panel).to_be_hidden()
    expect(staff.learner_panel.locator(".foorumi-staff-note")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(console_tab).to_have_attribute("aria-selected", "true")
    expect(staff.panel).to_be_visible()
    learner_tab.focus()
    page.keyboard.press("Enter")
    expect(learner_tab).to_have_attribute("aria-selected", "true")
    expect(staff.learner_panel).to_be_visible()
    console_tab.focus()
    page.keyboard.press("Space")
    expect(console_tab).to_have_attribute("aria-selected", "true")
    expect(learner_tab).to_have_attribute("tabindex", "-1")
    expect(staff.panel).to_be_visible()
    expect(staff.panel.locator(".foorumi-staff-toolbar button")).to_be_visible(timeout=ACTION_WAIT_MS)

    # The pool: one learner waits alone, said in words.
    pool = staff.section("pool")
    expect(pool.locator(".foorumi-staff-warning")).to_contain_text("One learner waits alone.")
    expect(pool.locator(".foorumi-staff-pool li")).to_have_count(1)
    expect(pool.locator(".foorumi-staff-pool li")).to_contain_text(display["aapo"])

    # Sorting by keyboard: Enter on "Name" reverses it, Space on "Group" sorts by group.
    table = staff.section("learners").locator("table")
    name_header = table.locator("thead th").nth(0)
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    first_names = table.locator("tbody th").all_text_contents()
    # Exactly the seven learners: staff who only look at the forum are not listed.
    assert first_names == sorted(first_names, key=str.lower) and len(first_names) == 7, first_names
    name_button = table.get_by_role("button", name="Name", exact=True)
    name_button.focus()
    page.keyboard.press("Enter")
    expect(name_header).to_have_attribute("aria-sort", "descending")
    expect(name_button).to_be_focused()
    expect(table.locator("tbody th")).to_have_text(list(reversed(first_names)))
    group_button = table.get_by_role("button", name="Group", exact=True)
    group_button.focus()
    page.keyboard.press("Space")
    group_header = table.locator("thead th").nth(2)
    expect(group_header).to_have_attribute("aria-sort", "ascending")
    expect(name_header).not_to_have_attribute("aria-sort", re.compile("."))
    expect(group_button).to_be_focused()
    groups_in_order = [cell.strip() for cell in table.locator("tbody tr td:nth-child(3)").all_text_contents()]
    assert groups_in_order[:7] == ["Group 1"] * 3 + ["Group 2"] * 3 + ["Waiting"], groups_in_order

    # Filtering: by name, username or group.
    filter_box = staff.section("learners").get_by_label("Filter learners")
    filter_box.fill(display["aapo"])
    expect(staff.learner_rows()).to_have_count(1)
    expect(staff.section("learners").locator(".foorumi-staff-count")).to_have_text(
        re.compile(r"^Learners shown: 1 of \d+\.$"))
    filter_box.fill("group 2")
    expect(staff.learner_rows()).to_have_count(3)
    filter_box.fill("")
    expect(staff.learner_rows()).to_have_count(len(first_names))

    # Moving a learner: a group must be picked first; then the move is made.
    ulla = staff.row_of(display["ulla"])
    ulla.get_by_role("button", name="Move").click()
    expect(ulla.get_by_role("alert")).to_have_text(f"Choose the group to move {display['ulla']} to first.")
    picker = ulla.get_by_label(f"New group for {display['ulla']}")
    expect(picker).to_be_focused()
    picker.select_option(label="Group 2 (members: 3)")
    ulla.get_by_role("button", name="Move").click()
    expect(staff.live).to_have_text(f"{display['ulla']} is now in Group 2.", timeout=ACTION_WAIT_MS)
    expect(staff.row_of(display["ulla"]).locator("td").nth(1)).to_have_text("Group 2")

    # "Form groups now" asks first (inline, not a browser dialog); Cancel changes nothing.
    page.on("dialog", lambda dialog: pytest.fail(f"unexpected browser dialog: {dialog.message}"))
    form_now = pool.get_by_role("button", name="Form groups now")
    form_now.click()
    expect(form_now).to_have_attribute("aria-expanded", "true")
    confirm = pool.locator(".foorumi-staff-confirm")
    expect(confirm).to_contain_text("Place everyone waiting (1) in groups now?")
    expect(confirm.get_by_role("button", name="Yes, form groups")).to_be_focused()
    staff.expect_no_axe_violations()  # the pool, its warning and the confirmation
    page.set_viewport_size({"width": 375, "height": 800})  # tables scroll: by keyboard too
    expect(staff.section("learners").locator(".foorumi-staff-tablebox")).to_have_attribute("tabindex", "0")
    staff.expect_no_axe_violations()
    # On a phone every control of the console is a touch target of at least 44 x 44 px.
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.foorumi-staff-console button, .foorumi-staff-console select, .foorumi-staff-console input, '
            + '.foorumi-staff-tabs button, .foorumi-staff-console a'))
        .filter((el) => el.offsetParent !== null && !el.closest('p, li > span, td > span'))
        .map((el) => [el.textContent.trim().slice(0, 30) || el.tagName, Math.round(el.getBoundingClientRect().width),
                      Math.round(el.getBoundingClientRect().height)])""")
    assert len(sizes) >= 10, sizes
    small = [size for size in sizes if size[1] < 44 or size[2] < 44]
    assert not small, f"{len(small)} of {len(sizes)} under 44 px: {small}"
    page.set_viewport_size({"width": 1000, "height": 900})
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_have_count(0)
    expect(form_now).to_be_focused()
    expect(pool.locator(".foorumi-staff-pool li")).to_have_count(1)
    form_now.click()
    confirm.get_by_role("button", name="Yes, form groups").click()
    expect(pool).to_contain_text("Nobody is waiting for a group.", timeout=ACTION_WAIT_MS)
    expect(staff.live).to_have_text("Learners placed in groups: 1.", timeout=ACTION_WAIT_MS)
    expect(staff.row_of(display["aapo"]).locator("td").nth(1)).to_have_text(re.compile(r"^Group [12]$"))


# -- the console's sources and who gets them -------------------------------------------------


def test_every_console_string_is_a_literal_in_the_catalogue_with_finnish():
    for path in STAFF_JS:
        code = code_of(path)
        assert len(T_CALL.findall(code)) == len(T_LITERAL.findall(code)), f"{path.name}: t() only with a string literal"
        assert len(N_CALL.findall(code)) == len(N_LITERAL.findall(code)), f"{path.name}: ngettext() only with literals"
    used = set(t_strings(*STAFF_JS))
    assert not used - set(JS_STRINGS) - set(STAFF_JS_STRINGS), "add to ui_strings.py STAFF_JS_STRINGS"
    assert not set(STAFF_JS_STRINGS) - used, "STAFF_JS_STRINGS entries the console does not use"
    assert len(STAFF_JS_STRINGS) == len(set(STAFF_JS_STRINGS)) and not set(STAFF_JS_STRINGS) & set(JS_STRINGS)
    plurals = set(plural_pairs(*STAFF_JS))
    assert plurals == set(STAFF_JS_PLURALS) and not set(STAFF_JS_PLURALS) & set(JS_PLURALS)
    rows = finnish()
    for english in used | {form for pair in plurals for form in pair}:
        assert english in rows, f"no Finnish for {english!r}"
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(rows[english])), english


@pytest.mark.parametrize("pattern", [
    r"\.innerHTML\b", r"\.outerHTML\b", r"insertAdjacentHTML", r"document\.write", r"\beval\(",
    r"new Function\(", r"\$\(", r"jQuery", r"document\.querySelector", r"document\.getElementsBy",
])
@pytest.mark.parametrize("path", STAFF_JS, ids=lambda p: p.name)
def test_the_console_never_builds_html_nor_queries_outside_its_element(path, pattern):
    assert not re.search(pattern, code_of(path)), pattern


#: A page's script URLs, in order: ``<script src='...'>``.
SCRIPT_SRC = re.compile(r"""<script src=['"]([^'"]+)['"]""")


@pytest.mark.workbench
def test_only_staff_pages_carry_the_console_its_script_and_the_report(workbench):
    staff_only = ("FoorumiStaff", "foorumi_staff", "foorumi-staff-console", "staff_report", "Staff console")
    for language in (None, "fi"):
        learner = Learner(workbench, EN, learner_id("lea"), language=language)
        page = learner.page
        assert "data-init='FoorumiXBlock'" in page.block_html
        assert "staff" not in page.init_args and "report" not in page.init_args
        assert not set(page.init_args["i18n"]) & (set(STAFF_JS_STRINGS) | {one for one, _many in STAFF_JS_PLURALS})
        for marker in staff_only:
            assert marker not in page.block_html, marker
        learner_scripts = [url for url in SCRIPT_SRC.findall(page.block_html) if "/foorumi/" in url]
        assert learner_scripts and re.search(r"/static/js/bundle/learner\.[0-9a-f]{12}\.js$", learner_scripts[-1])

        staff = Learner(workbench, EN, learner_id("staff"), language=language).page
        assert "data-init='FoorumiStaff'" in staff.block_html
        scripts = [url for url in SCRIPT_SRC.findall(staff.block_html) if "/foorumi/" in url]
        # The learner view's files first (FoorumiXBlock, started by the console), the console's last.
        assert scripts[:len(learner_scripts)] == learner_scripts
        # The console's: its strings' file (static/js/i18n/) in Finnish, and its parts as one
        # minified file (foorumi_xblock/resources.py), all of static/js/foorumi_staff*.js.
        assert re.search(r"/static/js/bundle/staff\.[0-9a-f]{12}\.js$", scripts[-1]), scripts
        strings_file = ["foorumi_i18n_staff_fi.js"] if language == "fi" else []
        assert [url.rsplit("/", 1)[1] for url in scripts[len(learner_scripts):-1]] == strings_file
        assert {f"{name}.js" for name in resources.BUNDLES["staff"]} == {path.name for path in STAFF_JS}
        assert 'class="foorumi-staff-console"' in staff.block_html
        report = staff.init_args["staff"]["report"]
        assert set(report) >= {"totals", "pool", "groups", "learners", "flags", "decisions"}
        assert staff.init_args["state"]["is_staff"] is True  # the learner half's own init is there too
        if language == "fi":
            # The console's Finnish comes in its strings' file (staff pages only); inline only what differs.
            assert staff.init_args["staff"]["i18n"] == {} and staff.init_args["catalog"] == "fi"
            assert not [url for url in learner_scripts if "foorumi_i18n_staff_fi.js" in url]
            assert scripts[-2].endswith("/static/js/i18n/foorumi_i18n_staff_fi.js")
            on_disk = (Path(__file__).resolve().parents[2] / "static" / "js" / "i18n" / "foorumi_i18n_staff_fi.js").read_text(
                encoding="utf-8")
            served = requests.get(workbench + html.unescape(scripts[-2]), timeout=30)
            assert served.status_code == 200 and served.text == rjsmin.jsmin(on_disk)  # minified (resources.py)
            table = read_js_catalog(on_disk)
            assert table["Staff console"] == "Henkilökunnan näkymä"
            assert table["Small: fewer than %(min)s member"] == ["Pieni: alle %(min)s jäsen", "Pieni: alle %(min)s jäsentä"]
