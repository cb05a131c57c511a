"""Page helpers for the browser tests: one ``Forum`` per learner's page of one scenario.

The locators follow static/js/foorumi.js (the learner page) and templates/student.html:
the app renders into ``.foorumi-app`` (``aria-busy="false"`` once the state is shown), the
polite live region is ``.foorumi-status``, the current stage has one heading whose id ends
in ``-stage``, and the group's threads are ``article.foorumi-thread`` elements.
"""
import re
import uuid
from urllib.parse import quote

from playwright.sync_api import expect

#: The learner page polls every ``init.poll_seconds`` (15 s): wait a little longer than that.
POLL_WAIT_MS = 25_000
#: An answer from the server after a click (a handler call, a render).
ACTION_WAIT_MS = 10_000

FI, EN, PSEUDO = "foorumi.0", "foorumi.1", "foorumi.2"


def learner_id(first_name):
    """A unique workbench learner id (tests share one server per module)."""
    return f"{first_name}_{uuid.uuid4().hex[:6]}"


def display_name(user_id):
    """The name the workbench gives ``user_id`` (workbench/services.py display_name_for)."""
    words = str(user_id).replace("_", " ").replace("-", " ").split()
    return " ".join(word[:1].upper() + word[1:] for word in words)


def words(count, marker="word"):
    """``count`` distinct words, the first being ``marker``."""
    return " ".join([marker] + [f"sana{i}" for i in range(count - 1)])


class Forum:
    """One learner's forum page (``/scenario/<id>/?student=<learner>``)."""

    def __init__(self, page, base_url, scenario_id, student_id):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.scenario_id = scenario_id
        self.student_id = student_id
        self.name = display_name(student_id)
        self.app = page.locator(".foorumi-app")
        self.live = page.locator(".foorumi-status")
        self.stage_heading = self.app.locator("[id$='-stage']")
        self.accept_button = self.app.locator(".foorumi-agreement .foorumi-actions button")
        self.answer_fields = self.app.locator(".foorumi-reflect textarea.foorumi-textarea")
        self.save_state = self.app.locator(".foorumi-savestate")
        self.submit_button = self.app.locator(".foorumi-reflect .foorumi-actions button.foorumi-btn-primary")
        self.submit_error = self.app.locator(".foorumi-reflect > .foorumi-error")
        self.submit_why = self.app.locator(".foorumi-reflect .foorumi-why")
        self.pool = self.app.locator("section.foorumi-pool")
        self.group_head = self.app.locator("section.foorumi-grouphead")
        self.threads = self.app.locator("article.foorumi-thread")
        self.suggestions = self.app.locator(".foorumi-suggest-list button")
        self.progress = self.app.locator(".foorumi-progress")

    @property
    def url(self):
        return f"{self.base_url}/scenario/{self.scenario_id}/?student={quote(self.student_id)}"

    # -- loading ------------------------------------------------------------------------------
    def open(self):
        """Load (or reload) the page and wait until the forum's state is rendered."""
        self.page.goto(self.url)
        self.wait_ready()
        return self

    def reload(self):
        self.page.reload()
        self.wait_ready()
        return self

    def wait_ready(self):
        expect(self.app).to_have_attribute("aria-busy", "false", timeout=ACTION_WAIT_MS)
        expect(self.stage_heading).to_be_visible(timeout=ACTION_WAIT_MS)

    # -- stages -------------------------------------------------------------------------------
    def accept_agreement(self, how="click"):
        """Accept the ground rules by ``click``, ``enter`` or ``space`` (keyboard: focus + key)."""
        expect(self.accept_button).to_be_visible()
        if how == "click":
            self.accept_button.click()
        else:
            self.accept_button.focus()
            self.page.keyboard.press("Enter" if how == "enter" else "Space")
        expect(self.app.locator("section.foorumi-reflect")).to_be_visible(timeout=ACTION_WAIT_MS)

    def answer(self, index):
        return self.answer_fields.nth(index)

    def count_line(self, index):
        return self.app.locator(".foorumi-reflect .foorumi-count").nth(index)

    def field_error(self, index):
        return self.app.locator(".foorumi-reflect .foorumi-field-error").nth(index)

    def fill_answers(self, texts):
        for index, text in enumerate(texts):
            self.answer(index).fill(text)

    def submit(self):
        """Click "Submit reflection" and wait until the reflect stage is gone."""
        self.submit_button.click()
        expect(self.app.locator("section.foorumi-reflect")).to_have_count(0, timeout=ACTION_WAIT_MS)

    def expect_group(self, members, timeout=ACTION_WAIT_MS):
        """Wait for the group view with ``members`` threads."""
        expect(self.group_head).to_be_visible(timeout=timeout)
        expect(self.threads).to_have_count(members, timeout=timeout)

    # -- the group ----------------------------------------------------------------------------
    def thread_of(self, name=None):
        """The thread of ``name``'s reflection (``None``: one's own)."""
        if name is None:
            return self.app.locator("article.foorumi-thread.is-mine")
        author = self.page.locator(".foorumi-thread-body > .foorumi-meta > .foorumi-author",
                                   has_text=re.compile("^" + re.escape(name) + "$"))
        return self.app.locator("article.foorumi-thread", has=author)

    @property
    def peer_threads(self):
        """The threads of the others' reflections (in the page's order)."""
        return self.app.locator("article.foorumi-thread:not(.is-mine)")

    def comment_button(self, thread):
        """The thread's "Comment" button (the comment box opens behind it)."""
        return thread.locator(".foorumi-compose button")

    def comment_box(self, thread):
        """The thread's comment box, opened by its "Comment" button first when it is closed."""
        box = thread.locator(".foorumi-commentbox textarea")
        if not box.count():
            self.comment_button(thread).click()
            expect(box).to_be_focused(timeout=ACTION_WAIT_MS)
        return box

    def post_button(self, thread):
        """The comment box's "Post comment" button (the box opened first when it is closed)."""
        self.comment_box(thread)
        return thread.locator(".foorumi-commentbox button.foorumi-btn-primary")

    def comments(self, thread):
        return thread.locator("li.foorumi-comment")

    def comment_by(self, thread, name):
        author = self.page.locator(".foorumi-author", has_text=re.compile("^" + re.escape(name)))
        return thread.locator("li.foorumi-comment", has=author)

    def post_comment(self, thread, text):
        """Type ``text`` into ``thread``'s comment box and post it; wait until it is shown."""
        before = self.comments(thread).count()
        box = self.comment_box(thread)
        box.fill(text)
        self.post_button(thread).click()
        expect(self.comments(thread)).to_have_count(before + 1, timeout=ACTION_WAIT_MS)
        expect(box).to_have_value("")

    def active_element_inside_block(self):
        """Whether the focused element is inside this forum block (and not the body)."""
        return self.page.evaluate(
            """() => {
                const el = document.activeElement;
                const block = document.querySelector('.foorumi');
                return !!el && el !== document.body && !!block && block.contains(el);
            }"""
        )

    def active_element_description(self):
        return self.page.evaluate(
            "() => { const el = document.activeElement; return el ? "
            "`${el.tagName}#${el.id}.${el.className} ${(el.textContent || '').slice(0, 60)}` : null; }"
        )


def expect_no_axe_violations(page, context):
    """Axe-core (bundled by ``axe-playwright-python``) finds no violations in ``context``
    (axe's ``{"include": [[selector], ...]}``) of ``page``; the report says which otherwise."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    assert results.violations_count == 0, results.generate_report()
