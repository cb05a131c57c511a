"""Browser fixtures: Debian's Chromium driven by Playwright (never a downloaded browser).

* ``browser``: one Chromium for the whole session (``/usr/bin/chromium``).
* ``learner_page``: a factory ``learner_page(locale="en-US")`` giving a fresh ``Page`` in a
  ``BrowserContext`` of its own (own cookies, own ``Accept-Language``), one per learner.
  Contexts are closed after the test; when the test failed, each page's screenshot is saved
  under ``/tmp/foorumi-browser-failures/``.

The ``workbench`` fixture (tests/conftest.py) serves each test module its own workbench.
"""
import contextlib
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

# A slower CI machine gets more than Playwright's default 5 s per expectation.
expect.set_options(timeout=10_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1000, "height": 900}
FAILURE_DIR = Path("/tmp/foorumi-browser-failures")

SKIP_REASON = f"{CHROMIUM} does not exist: install Debian's chromium (apt-get install chromium) to run the browser tests"


def pytest_collection_modifyitems(config, items):
    """Without Debian's Chromium, skip this folder's tests with the reason (never download one)."""
    del config
    if os.path.exists(CHROMIUM):
        return
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the item, so fixtures can tell that a test failed."""
    del call
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="module")
def playwright():
    """The Playwright driver, started once per module.

    Its sync API runs an asyncio loop in this thread while it lives; stopping it after the
    browser modules keeps Django's async-safety check from refusing later in-process tests.
    """
    if not os.path.exists(CHROMIUM):
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="module")
def browser(playwright):
    """Debian's Chromium, headless, once per module."""
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def learner_page(browser, request):
    """A factory: ``learner_page(locale="en-US")`` returns a new page in its own context."""
    contexts = []

    def new_page(locale="en-US", viewport=None):
        context = browser.new_context(locale=locale, viewport=viewport or VIEWPORT)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page

    failed = any(getattr(getattr(request.node, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))
    if failed:
        FAILURE_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for number, context in enumerate(contexts):
            for index, page in enumerate(context.pages):
                # A page that cannot be photographed any more must not hide the test's own failure.
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(FAILURE_DIR / f"{name}-{number}-{index}.png"), full_page=True)
    for context in contexts:
        context.close()
