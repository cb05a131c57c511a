"""The Finnish forum (``foorumi.0``) in a Finnish browser, and the learner page by keyboard only.

The Finnish strings are those of conf/locale/fi/LC_MESSAGES/text.po. Only the keyboard test
submits in ``foorumi.0`` here (it waits in the pool: ``min_group_size`` is 3).
"""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import ACTION_WAIT_MS, FI, Forum, learner_id, words

pytestmark = pytest.mark.browser

MAX_TABS = 25


def tab_to(forum, target):
    """Press Tab until ``target`` has the focus (at most MAX_TABS times); returns the presses."""
    for presses in range(1, MAX_TABS + 1):
        forum.page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"Tab never reached {target}; focus is on {forum.active_element_description()}")


def test_a_finnish_browser_gets_the_finnish_forum(workbench, learner_page):
    forum = Forum(learner_page(locale="fi-FI"), workbench, FI, learner_id("aino")).open()
    assert forum.page.evaluate("navigator.language") == "fi-FI"

    expect(forum.stage_heading).to_have_text("Ryhmän pelisäännöt")
    expect(forum.app).to_contain_text("Luottamuksellisuus: ryhmässä kerrottu jää ryhmään.")
    expect(forum.accept_button).to_have_text("Hyväksyn")
    forum.accept_agreement("click")
    expect(forum.stage_heading).to_have_text("Oma pohdintasi")
    expect(forum.live).to_have_text("Kiitos. Voit nyt kirjoittaa pohdintasi.", timeout=ACTION_WAIT_MS)

    # The authored prompts, as labels of their text boxes.
    origin = forum.page.get_by_label("Miten olet tullut esimieheksi?", exact=True)
    expect(origin).to_be_visible()
    expect(forum.answer_fields).to_have_count(2)
    expect(forum.submit_button).to_have_text("Lähetä pohdinta")

    # The live word count, in Finnish.
    origin.press_sequentially("Olen ollut esimiehenä kolme vuotta")
    expect(forum.count_line(0)).to_have_text("5 sanaa (20\u2013400)")
    origin.press("Backspace")
    expect(forum.count_line(0)).to_have_text("5 sanaa (20–400)")  # "... kolme vuott"
    origin.fill("Esimiehenä")
    expect(forum.count_line(0)).to_have_text("1 sana (20\u2013400)")
    origin.fill("Olen ollut esimiehenä kolme vuotta")
    forum.answer(1).fill(words(5, "tuki"))
    expect(forum.count_line(1)).to_have_text("5 sanaa (5\u2013300)")

    # Submitting under the minimum: the reason next to the prompt and next to the button.
    expect(forum.submit_button).to_have_attribute("aria-disabled", "true")
    expect(forum.submit_why).to_have_text("Voit lähettää pohdinnan, kun jokainen vastaus on sanarajojen sisällä.")
    # aria-disabled keeps the button clickable (Playwright counts it as disabled: force).
    forum.submit_button.click(force=True)
    expect(forum.field_error(0)).to_have_text("Kirjoita vähintään 20 sanaa.")
    expect(origin).to_have_attribute("aria-invalid", "true")
    expect(origin).to_have_attribute("aria-describedby", re.compile(r"-count .*-err$"))
    expect(origin).to_be_focused()
    expect(forum.field_error(1)).to_have_text("")
    expect(forum.answer(1)).not_to_have_attribute("aria-invalid", "true")
    # Nothing was submitted: the page (and the server, after a reload) is still at the reflection.
    expect(forum.stage_heading).to_have_text("Oma pohdintasi")
    forum.reload()
    expect(forum.stage_heading).to_have_text("Oma pohdintasi")
    expect(forum.save_state).to_have_text("Tallennettu")
    expect(forum.answer(0)).to_have_value("Olen ollut esimiehenä kolme vuotta")


def test_agreement_and_submit_by_keyboard_only(workbench, learner_page):
    forum = Forum(learner_page(), workbench, FI, learner_id("kari")).open()
    page = forum.page

    # Accept the ground rules: Tab to the button, Enter.
    tab_to(forum, forum.accept_button)
    expect(forum.accept_button).to_have_text("I accept")
    page.keyboard.press("Enter")
    expect(forum.stage_heading).to_have_text("Your reflection", timeout=ACTION_WAIT_MS)
    # Focus moves to the new stage's heading, so the next Tab goes on from there.
    expect(forum.stage_heading).to_be_focused()

    # Write both answers by keyboard; the submit button is the next stop after them.
    page.keyboard.press("Tab")
    expect(forum.answer(0)).to_be_focused()
    page.keyboard.type(words(21, "Keyboard"))
    page.keyboard.press("Tab")
    expect(forum.answer(1)).to_be_focused()
    page.keyboard.type("Kun päätökset tulevat ylhäältä ja tiimi kysyy miksi.")
    expect(forum.count_line(0)).to_have_text("21 words (20\u2013400)")
    expect(forum.submit_button).not_to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Tab")
    expect(forum.submit_button).to_be_focused()

    # Space on the button submits.
    page.keyboard.press("Space")
    expect(forum.stage_heading).to_have_text("Waiting for your group", timeout=ACTION_WAIT_MS)
    expect(forum.pool).to_contain_text("Keyboard sana0 sana1")
    expect(forum.live).to_contain_text("Your reflection has been submitted.", timeout=ACTION_WAIT_MS)
    # Focus did not fall to the body: it is on the new stage's heading, inside the block.
    expect(forum.stage_heading).to_be_focused()
    assert forum.active_element_inside_block(), forum.active_element_description()
