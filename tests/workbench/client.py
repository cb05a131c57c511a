"""A learner's HTTP client for the running workbench.

``Learner(base_url, scenario_id, student_id)`` opens the scenario page as that learner
(``/scenario/<id>/?student=<sid>``: sets the ``csrftoken`` cookie and names the block's usage
id), then ``call(handler, data)`` posts JSON to ``/handler/<usage_id>/<handler>/?student=<sid>``
with the CSRF header and a Referer, and returns ``(status, decoded JSON or None)``.

Calls are thread-safe: each thread gets its own ``requests.Session`` carrying the same
cookies, so one learner may send concurrent requests (retries, two tabs).
"""
import html
import json
import re
import threading
from dataclasses import dataclass
from urllib.parse import quote

import requests

TIMEOUT = 60

_TAG = re.compile(r"<div\b[^>]*>")
_ATTR = re.compile(r"""data-([\w-]+)=(['"])(.*?)\2""", re.S)
_INIT_ARGS = re.compile(r"""<script type="json/xblock-args" class="xblock_json_init_args">(.*?)</script>""", re.S)
_SCENARIO_LINK = re.compile(r"""<a href="/scenario/([^/"]+)/">(.*?)</a>""", re.S)


def scenarios(base_url):
    """The index page's scenarios: ``{scenario_id: description}``."""
    response = requests.get(base_url.rstrip("/") + "/", timeout=TIMEOUT)
    assert response.status_code == 200, response.status_code
    return {sid: html.unescape(desc.strip()) for sid, desc in _SCENARIO_LINK.findall(response.text)}


@dataclass
class Page:
    """A rendered scenario page."""

    status: int
    html: str
    usage_id: str | None
    init_args: dict | None

    @property
    def block_html(self):
        """The page without the workbench's debug section (which prints the scenario's OLX)."""
        return self.html.split('<section class="debug">', 1)[0]


def parse_page(status, text, block_type="foorumi"):
    """Find the block's usage id and its JSON init args in a workbench page."""
    usage_id = None
    for tag in _TAG.findall(text):
        attrs = {name: value for name, _q, value in _ATTR.findall(tag)}
        if attrs.get("block-type") == block_type and "usage" in attrs:
            usage_id = html.unescape(attrs["usage"])
            break
    init_args = None
    if usage_id is not None:
        after = text.split(f"data-usage='{usage_id}'", 1)[-1]
        match = _INIT_ARGS.search(after)
        if match:
            try:
                init_args = json.loads(match.group(1))
                if isinstance(init_args, dict) and isinstance(init_args.get("json"), str):
                    init_args = json.loads(init_args["json"])  # the block's escaped init data
            except ValueError:
                init_args = None
    return Page(status=status, html=text, usage_id=usage_id, init_args=init_args)


class Learner:
    """One workbench learner (``?student=<id>``) on one scenario."""

    def __init__(self, base_url, scenario_id, student_id, language=None):
        self.base_url = base_url.rstrip("/")
        self.scenario_id = scenario_id
        self.student_id = student_id
        self.headers = {"Accept-Language": language} if language else {}
        self._local = threading.local()
        self.cookies = requests.cookies.RequestsCookieJar()
        self.page = self.load_page()
        assert self.page.status == 200, (self.page.status, self.page.html[-2000:])
        assert self.page.usage_id, "no foorumi block (data-usage) on the scenario page"
        self.usage_id = self.page.usage_id
        self.csrf_token = self.cookies.get("csrftoken")
        assert self.csrf_token, "the scenario page set no csrftoken cookie"

    # -- sessions ----------------------------------------------------------------------------
    @property
    def session(self):
        """This thread's session, carrying this learner's cookies."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.cookies.update(self.cookies)
            self._local.session = session
        return session

    @property
    def page_url(self):
        return f"{self.base_url}/scenario/{self.scenario_id}/?student={quote(self.student_id)}"

    def load_page(self, headers=None):
        """GET the scenario page as this learner (a reload); returns a ``Page``."""
        response = self.session.get(self.page_url, headers={**self.headers, **(headers or {})}, timeout=TIMEOUT)
        self.cookies.update(response.cookies)
        self.session.cookies.update(response.cookies)
        return parse_page(response.status_code, response.text)

    def handler_url(self, handler):
        return f"{self.base_url}/handler/{self.usage_id}/{handler}/?student={quote(self.student_id)}"

    # -- handlers ----------------------------------------------------------------------------
    def request(self, handler, data=None, *, body=None, method="POST", headers=None):
        """Send one handler request; returns the ``requests.Response``."""
        all_headers = {"X-CSRFToken": self.csrf_token, "Referer": self.page_url, **self.headers, **(headers or {})}
        if method == "POST":
            if body is None:
                body = json.dumps({} if data is None else data)
            if isinstance(body, str):
                body = body.encode("utf-8")
            all_headers.setdefault("Content-Type", "application/json")
            return self.session.post(self.handler_url(handler), data=body, headers=all_headers, timeout=TIMEOUT)
        return self.session.request(method, self.handler_url(handler), headers=all_headers, timeout=TIMEOUT)

    def call(self, handler, data=None, **kwargs):
        """``(status, decoded JSON or None)`` of one handler request."""
        response = self.request(handler, data, **kwargs)
        try:
            payload = response.json()
        except ValueError:
            payload = None
        return response.status_code, payload

    def ok(self, handler, data=None, **kwargs):
        """Call a handler that must succeed; returns the decoded learner state."""
        status, payload = self.call(handler, data, **kwargs)
        assert status == 200, (self.student_id, handler, status, payload)
        return payload

    def state(self):
        """The learner state."""
        return self.ok("state")

    def __repr__(self):
        return f"Learner({self.scenario_id!r}, {self.student_id!r})"
