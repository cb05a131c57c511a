"""Requests without a logged-in user (the workbench's ``/unauth_handler/`` route, like the
LMS's no-auth handler route) are refused by every handler and change nothing."""
import pytest
import requests

from tests.workbench.client import Learner

pytestmark = pytest.mark.workbench

SCENARIO = "foorumi.2"  # pseudonymous, groups from 2, no agreement
HANDLERS = {
    "state": {},
    "accept_agreement": {},
    "save_draft": {"answers": {"challenge": "luonnos"}},
    "submit_reflection": {"answers": {"challenge": "Aikataulut ovat tiukkoja."}, "request_id": "anon-1"},
    "comment": {"reflection_id": "r1", "text": "hei", "request_id": "anon-2"},
    "flag": {"item_id": "r1", "reason": "syy"},
    "staff_report": {},
    "form_groups": {},
    "merge_groups": {"group_id": "g1", "into_group_id": "g2"},
    "earlier_session": {"session": 1},
    "older_comments": {"reflection_id": "r1", "before": "c1"},
    "studio_submit": {"values": {"display_name": "Hijacked"}},
}


@pytest.mark.parametrize("handler", sorted(HANDLERS))
def test_every_handler_refuses_a_request_without_a_user(workbench, handler):
    learner = Learner(workbench, SCENARIO, "anna_anon")
    before = learner.state()
    url = f"{learner.base_url}/unauth_handler/{learner.usage_id}/{handler}/"
    response = requests.post(url, json=HANDLERS[handler], timeout=30, cookies={"csrftoken": learner.csrf_token},
                             headers={"X-CSRFToken": learner.csrf_token, "Referer": learner.page_url})
    assert response.status_code == 403, (handler, response.status_code, response.text[:300])
    assert "error" in response.json()
    after = learner.state()
    assert after["stage"] == before["stage"] and after["pool"] == before["pool"]
    staff = Learner(workbench, SCENARIO, "staff_check")
    report = staff.ok("staff_report")
    assert all(entry["username"] != "none" for entry in report["learners"])
    assert "Hijacked" not in learner.load_page().block_html


def test_the_page_without_a_user_asks_to_sign_in(workbench):
    response = requests.get(f"{workbench}/scenario/{SCENARIO}/?student=none", timeout=30)
    assert response.status_code == 200
    assert "sign in" in response.text.lower()
