"""The Studio editor (templates/studio.html + static/js/foorumi_studio.js) in a real browser.

``/scenario/foorumi.1/studio_view/?student=<id>``: ids starting with ``staff`` are course staff.
This module's workbench is its own, so the settings saved here change no other test's forum.
"""
import pytest
from playwright.sync_api import expect

from tests.browser.pages import ACTION_WAIT_MS, EN, Forum, learner_id

pytestmark = pytest.mark.browser

NEW_PROMPT = "What surprised you most in your first month as a manager?"


class Studio:
    """The editor page of one forum, as one user."""

    def __init__(self, page, base_url, scenario_id, student_id):
        self.page = page
        self.url = f"{base_url.rstrip('/')}/scenario/{scenario_id}/studio_view/?student={student_id}"
        self.root = page.locator(".foorumi-studio")
        self.summary = self.root.locator(".foorumi-studio-summary")
        self.status = self.root.locator(".foorumi-studio-status")
        self.live = self.root.locator(".foorumi-studio-live")
        self.save_button = self.root.get_by_role("button", name="Save", exact=True)
        self.prompts = self.root.locator("section[data-field='prompts'] ol.foorumi-studio-items > li")

    def open(self):
        self.page.goto(self.url)
        expect(self.root.locator("section[data-field='prompts']")).to_be_visible(timeout=ACTION_WAIT_MS)
        expect(self.root.locator(".foorumi-studio-loading")).to_have_count(0)
        return self

    def field(self, label):
        return self.root.get_by_label(label, exact=True)

    def prompt_text(self, index):
        return self.prompts.nth(index).get_by_label("Text", exact=True)


def test_add_move_validate_and_save_a_prompt(workbench, learner_page):
    studio = Studio(learner_page(), workbench, EN, "staff_editor").open()
    page = studio.page
    expect(studio.prompts).to_have_count(2)
    expect(studio.prompt_text(0)).to_have_value("How did you become a manager?")
    expect(studio.field("Group size")).to_have_value("4")
    expect(studio.field("Smallest group")).to_have_value("3")

    # Add a prompt: it comes last, focus in its text box, the change is announced.
    studio.root.get_by_role("button", name="Add prompt").click()
    expect(studio.prompts).to_have_count(3)
    third = studio.prompts.nth(2)
    expect(third.locator("legend")).to_have_text("Prompt 3")
    expect(studio.prompt_text(2)).to_be_focused()
    expect(studio.live).to_have_text("Prompt 3 added.", timeout=ACTION_WAIT_MS)
    page.keyboard.type(NEW_PROMPT)
    expect(third.get_by_label("Id", exact=True)).to_have_value("prompt-3")
    third.get_by_label("Minimum words", exact=True).fill("3")

    # Move it up with the keyboard: Tab to "Move up", Enter, then Space.
    for _ in range(6):
        page.keyboard.press("Tab")
        if third.get_by_role("button", name="Move up").evaluate("el => el === document.activeElement"):
            break
    moved = studio.prompts.nth(2).get_by_role("button", name="Move up")
    expect(moved).to_be_focused()
    page.keyboard.press("Enter")
    expect(studio.prompt_text(1)).to_have_value(NEW_PROMPT)
    expect(studio.live).to_have_text("Prompt moved to position 2.", timeout=ACTION_WAIT_MS)
    expect(studio.prompts.nth(1).get_by_role("button", name="Move up")).to_be_focused()
    page.keyboard.press("Space")
    expect(studio.prompt_text(0)).to_have_value(NEW_PROMPT)
    expect(studio.prompts.nth(0).locator("legend")).to_have_text("Prompt 1")
    expect(studio.prompt_text(1)).to_have_value("How did you become a manager?")
    expect(studio.live).to_have_text("Prompt moved to position 1.", timeout=ACTION_WAIT_MS)
    # At the top "Move up" is disabled, so focus stays with the item on "Move down".
    expect(studio.prompts.nth(0).get_by_role("button", name="Move up")).to_be_disabled()
    expect(studio.prompts.nth(0).get_by_role("button", name="Move down")).to_be_focused()

    # The smallest group above the group size: the server's problem shows next to the field.
    smallest = studio.field("Smallest group")
    size = studio.field("Group size")
    smallest.fill("5")
    studio.save_button.click()
    message = "The group size must not be smaller than the minimum group size (5)."
    error = size.locator("xpath=following-sibling::p[contains(@class, 'foorumi-studio-error')]")
    expect(error).to_have_text(f"Error: {message}", timeout=ACTION_WAIT_MS)
    expect(size).to_have_attribute("aria-invalid", "true")
    error_id = error.get_attribute("id")
    assert error_id and error_id in size.get_attribute("aria-describedby").split(), size.get_attribute("aria-describedby")
    expect(studio.summary).to_be_visible()
    expect(studio.summary).to_have_attribute("role", "alert")
    expect(studio.summary).to_contain_text("The forum was not saved: please correct the marked fields.")
    expect(studio.summary.get_by_role("link", name=message)).to_be_visible()
    expect(studio.summary).to_be_focused()
    expect(studio.status).not_to_have_text("Saved.")
    # The summary's link takes the focus to the field.
    studio.summary.get_by_role("link", name=message).click()
    expect(size).to_be_focused()

    # Fixed, it saves; the marks go away.
    smallest.fill("3")
    studio.save_button.click()
    expect(studio.status).to_have_text("Saved.", timeout=ACTION_WAIT_MS)
    expect(studio.summary).to_be_hidden()
    expect(size).not_to_have_attribute("aria-invalid", "true")
    expect(studio.root.locator(".foorumi-studio-error")).to_have_count(0)

    # A reload shows what was saved.
    studio.open()
    expect(studio.prompts).to_have_count(3)
    expect(studio.prompt_text(0)).to_have_value(NEW_PROMPT)
    expect(studio.prompts.nth(0).get_by_label("Id", exact=True)).to_have_value("prompt-3")
    expect(studio.prompts.nth(0).get_by_label("Minimum words", exact=True)).to_have_value("3")
    expect(studio.prompt_text(1)).to_have_value("How did you become a manager?")
    expect(studio.field("Smallest group")).to_have_value("3")

    # Learners now get the new prompt first.
    forum = Forum(learner_page(), workbench, EN, learner_id("lotta")).open()
    forum.accept_agreement("click")
    expect(forum.answer_fields).to_have_count(3)
    expect(forum.app.locator(".foorumi-reflect label.foorumi-label").first).to_have_text(NEW_PROMPT)
    expect(forum.count_line(0)).to_have_text("0 words (3\u2013500)")


def test_a_learner_cannot_save_the_editor(workbench, learner_page):
    learner = Studio(learner_page(), workbench, EN, learner_id("learner")).open()
    learner.field("Display name").fill("Taken over")
    learner.save_button.click()
    expect(learner.summary).to_be_visible(timeout=ACTION_WAIT_MS)
    expect(learner.summary).to_have_attribute("role", "alert")
    expect(learner.summary).to_have_text("Only course staff may do this.")
    expect(learner.summary).to_be_focused()
    expect(learner.status).not_to_have_text("Saved.")

    staff = Studio(learner_page(), workbench, EN, learner_id("staff")).open()
    expect(staff.field("Display name")).to_have_value("Manager forum: becoming a manager")


def test_the_group_set_in_the_editor(workbench, learner_page):
    """The group set (issue 13): a bad id is marked next to its field; a good one saves with
    the newcomers' setting; once a learner has submitted, changing it is refused there."""
    from tests.browser.pages import PSEUDO

    studio = Studio(learner_page(), workbench, PSEUDO, "staff_sets").open()
    group_set = studio.field("Group set")
    newcomers = studio.field("Newcomers may read earlier sessions")
    expect(group_set).to_have_value("")
    expect(newcomers).not_to_be_checked()
    group_set.fill("Esimiehet 2026")
    studio.save_button.click()
    error = group_set.locator("xpath=following-sibling::p[contains(@class, 'foorumi-studio-error')]")
    expect(error).to_contain_text("The group set must be empty or 1 to 40 characters", timeout=ACTION_WAIT_MS)
    expect(group_set).to_have_attribute("aria-invalid", "true")

    group_set.fill("esimiehet-2026")
    newcomers.check()
    studio.save_button.click()
    expect(studio.status).to_have_text("Saved.", timeout=ACTION_WAIT_MS)
    studio.open()
    expect(studio.field("Group set")).to_have_value("esimiehet-2026")
    expect(studio.field("Newcomers may read earlier sessions")).to_be_checked()

    forum = Forum(learner_page(), workbench, PSEUDO, learner_id("sanni")).open()
    forum.fill_answers(["Vertaistuki auttaa minua jaksamaan esimiehenä."])
    forum.submit()
    expect(forum.app.locator(".foorumi-pool, .foorumi-group").first).to_be_visible(timeout=ACTION_WAIT_MS)

    studio.open()
    expect(studio.root.get_by_role("note")).to_contain_text("The group set cannot be changed any more")
    studio.field("Group set").fill("toinen-sarja")
    studio.save_button.click()
    expect(studio.summary).to_contain_text("it can no longer be changed", timeout=ACTION_WAIT_MS)
    studio.open()
    expect(studio.field("Group set")).to_have_value("esimiehet-2026")
