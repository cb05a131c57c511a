"""Text that only looks like text, and text XML cannot carry, against the real workbench."""
import json
import uuid

import pytest

from tests.workbench.client import Learner

pytestmark = pytest.mark.workbench

SCENARIO = "foorumi.2"  # pseudonymous, groups from 2, no agreement, one prompt of at least 3 words


def grouped_pair(base_url):
    t = uuid.uuid4().hex[:6]
    first, second = Learner(base_url, SCENARIO, f"inv_a_{t}"), Learner(base_url, SCENARIO, f"inv_b_{t}")
    for learner in (first, second):
        learner.ok("submit_reflection", {"answers": {"challenge": f"Aikataulut ovat tiukkoja {t}"}, "request_id": "s"})
    return first, first.state()


@pytest.mark.parametrize("text", ["\u200b", "\u2060\ufeff", "\u2800 \u2800", "\u3164 \u3164 \u3164", "\u115f\u1160"])
def test_invisible_text_is_refused_like_empty_text(workbench, text):
    learner, state = grouped_pair(workbench)
    peer = next(t for t in state["threads"] if not t["author"]["is_me"])
    status, payload = learner.call("comment", {"reflection_id": peer["id"], "text": text, "request_id": "inv"})
    assert status == 400 and payload["error"]
    fresh = Learner(workbench, SCENARIO, f"inv_c_{uuid.uuid4().hex[:6]}")
    status, payload = fresh.call("submit_reflection", {"answers": {"challenge": text}, "request_id": "s"})
    assert status == 400 and payload["prompt_id"] == "challenge"
    assert all(not t["comments"] for t in learner.state()["threads"])


@pytest.mark.parametrize("bad", ["\x00", "\x1b[2J", "\ud800"])
def test_studio_refuses_text_xml_cannot_carry_and_the_preview_still_renders(workbench, bad):
    staff = Learner(workbench, SCENARIO, f"staff_xml_{uuid.uuid4().hex[:6]}")
    # As JSON escapes (a lone surrogate cannot even be encoded as UTF-8), as a browser sends them.
    body = json.dumps({"values": {"display_name": f"Foorumi {bad}"}})
    response = staff.request("studio_submit", body=body)
    assert response.status_code == 400, response.text
    problems = response.json()["problems"]
    assert [p["field"] for p in problems] == ["display_name"]
    page = staff.load_page()
    assert page.status == 200 and "Foorumi \x00" not in page.html
