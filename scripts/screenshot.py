"""Renew the README's picture of a learner's group view (docs/learner-group.png).

``make screenshot`` (or ``.venv/bin/python scripts/screenshot.py``) starts a fresh workbench
on a free loopback port over a temporary database, as the tests do (tests/conftest.py), sets
up the English forum ``foorumi.1`` over HTTP (Anna, Ben and Cleo submit and form a group;
Anna comments on both others' reflections, Ben marks her comment helpful and answers her),
and photographs Ben's page in Debian's Chromium (``/usr/bin/chromium``) at 1000 x 900 px.

``--url http://127.0.0.1:8000`` uses a running ``make run`` instead: the requests carry
fixed ``request_id``s, so running it again there creates nothing twice (other learners
already in that forum may end up in the picture). ``--out`` names another file.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests

REPO = Path(__file__).resolve().parent.parent
SCENARIO = "foorumi.1"
CHROMIUM = "/usr/bin/chromium"
ANSWERS = {
    "anna_virtanen": ["I became a manager when my team lead left and nobody else wanted the job, "
                      "so I said yes before I was ready.", "When I must pass on decisions I do not agree with."],
    "ben_koskinen": ["I was the senior developer when our team doubled in size, and my manager asked me to "
                     "lead one half of it.", "When two people in my team disagree and both expect me to take their side."],
    "cleo_nieminen": ["I applied for the post of shift supervisor after ten years in customer service.",
                      "Giving difficult feedback to people who used to be my colleagues."],
}
COMMENTS = [  # (who, on whose reflection, text)
    ("anna_virtanen", "ben_koskinen", "Taking sides is the hardest part for me too. I ask each of them to "
                                      "explain the other's view first."),
    ("anna_virtanen", "cleo_nieminen", "Ten years in customer service is a strong base: you know the work "
                                       "from the inside."),
    ("ben_koskinen", "anna_virtanen", "Same here: the first months were the hardest.\nWhat helped you most?"),
]


class Learner:
    """One workbench learner posting to the forum's handlers (CSRF cookie and header)."""

    def __init__(self, base, student):
        self.session = requests.Session()
        self.page = f"{base}/scenario/{SCENARIO}/?student={quote(student)}"
        html = self.session.get(self.page, timeout=60).text
        usage = re.search(r"data-block-type=['\"]foorumi['\"][^>]*data-usage=['\"]([^'\"]+)", html) or \
            re.search(r"data-usage=['\"]([^'\"]+)['\"][^>]*data-block-type=['\"]foorumi", html)
        self.url = f"{base}/handler/{usage.group(1)}/%s/?student={quote(student)}"

    def call(self, handler, data=None):
        headers = {"X-CSRFToken": self.session.cookies.get("csrftoken", ""), "Referer": self.page,
                   "Content-Type": "application/json"}
        response = self.session.post(self.url % handler, data=json.dumps(data or {}), headers=headers, timeout=60)
        response.raise_for_status()
        return response.json()


def set_up(base):
    """The group of three and its comments (idempotent: fixed request ids)."""
    learners = {name: Learner(base, name) for name in ANSWERS}
    for name, learner in learners.items():
        state = learner.call("accept_agreement")
        answers = dict(zip([p["id"] for p in state["prompts"]], ANSWERS[name], strict=True))
        learner.call("submit_reflection", {"answers": answers, "request_id": f"shot-{name}"})
    for number, (who, whose, text) in enumerate(COMMENTS):
        state = learners[who].call("state")
        thread = next(t for t in state["threads"] if t["author"]["name"] == whose.replace("_", " ").title())
        learners[who].call("comment", {"reflection_id": thread["id"], "text": text, "request_id": f"shot-c{number}"})
    state = learners["ben_koskinen"].call("state")
    own = next(t for t in state["threads"] if t["author"]["is_me"])
    for comment in own["comments"]:
        if not comment["author"]["is_me"]:
            learners["ben_koskinen"].call("mark_helpful", {"comment_id": comment["id"], "helpful": True})


def photograph(base, out):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(locale="en-US", viewport={"width": 1000, "height": 900})
        page.goto(f"{base}/scenario/{SCENARIO}/?student=ben_koskinen")
        page.wait_for_selector(".foorumi-app[aria-busy='false'] section.foorumi-grouphead")
        page.evaluate("document.querySelector('.foorumi-progressbox, .foorumi-progress').scrollIntoView({block: 'start'})")
        page.evaluate("window.scrollBy(0, -54)")  # below the workbench's fixed header
        page.screenshot(path=str(out))
        browser.close()


def serve(var_dir):
    """A fresh workbench as tests/conftest.py starts one; returns (process, base URL)."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="foorumi_xblock.workbench.settings", FOORUMI_VAR_DIR=var_dir,
               EXCLUDE_SAMPLE_XBLOCKS="yes", PYTHONPATH=str(REPO))
    env.pop("WORKBENCH_DATABASES", None)
    subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v0"], cwd=REPO, env=env, check=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(Path(var_dir) / "server.log", "ab")  # noqa: SIM115 (open for the server's life)
    proc = subprocess.Popen([sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _attempt in range(200):
        try:
            if requests.get(base + "/", timeout=5).status_code == 200:
                return proc, base
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"the workbench did not start; see {var_dir}/server.log")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running workbench (make run), e.g. http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(REPO / "docs" / "learner-group.png"))
    args = parser.parse_args()
    proc = None
    with tempfile.TemporaryDirectory(prefix="foorumi-shot-") as var_dir:
        try:
            if args.url:
                base = args.url.rstrip("/")
            else:
                proc, base = serve(var_dir)
            set_up(base)
            photograph(base, args.out)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
