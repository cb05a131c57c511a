"""Runtime-level tests of the staff handlers: the role check, the report, moderation,
groups, export and the Studio identity guard (docs/design.md "Staff" and "Handler API")."""
import csv
import io
import json

import pytest
from webob import Request

from tests.runtime.harness import ForumHarness

STAFF = "staff_anna"
THREE = {"group_size": 3, "min_group_size": 3, "max_group_size": 4, "comments_required": 2, "agreement_required": False,
         "feedback_min_words": 0}
STAFF_HANDLERS = {
    "staff_report": {},
    "staff_group": {"group_id": "whatever"},
    "moderate": {"item_id": "r1", "action": "hide", "reason": "x"},
    "form_groups": {},
    "move_learner": {"learner_id": "m1", "group_id": "g1"},
    "merge_groups": {"group_id": "g1", "into_group_id": "g2"},
}


def two_groups():
    """Six learners in two groups of three (a1..a3, b1..b3), each of a1, b1 commented once."""
    forum = ForumHarness(**THREE)
    for user in ("a1", "a2", "a3", "b1", "b2", "b3"):
        answers = {pid: f"kirjoittaja-{user} {text}" for pid, text in forum.answers().items()}
        forum.ok(user, "submit_reflection", {"answers": answers, "request_id": f"s-{user}"})
    for user in ("a1", "b1"):
        state = forum.ok(user, "state")
        forum.ok(user, "comment", {"reflection_id": state["suggested"][0], "text": f"Palaute {user}", "request_id": "c1"})
    return forum


def get_csv(forum, user, query=""):
    block = forum.block(user)
    request = Request.blank("/" + query, method="GET")
    response = block.runtime.handle(block, "export_csv", request)
    return response


# -- who may ask -------------------------------------------------------------------------------


@pytest.mark.parametrize("handler", sorted(STAFF_HANDLERS))
@pytest.mark.parametrize("who", ["a1", "b2", None])  # a learner, a learner of another group, anonymous
def test_every_staff_handler_refuses_everyone_but_staff_and_changes_nothing(handler, who):
    forum = two_groups()
    before = json.dumps(forum.records(), sort_keys=True)
    status, payload = forum.call(who, handler, STAFF_HANDLERS[handler])
    assert status == 403 and payload["error"]
    # The role is checked before the input: a body that is not even JSON is still a 403.
    assert forum.call(who, handler, body=b"{not json")[0] == 403
    assert json.dumps(forum.records(), sort_keys=True) == before
    assert get_csv(forum, who).status_code == 403


def test_staff_reach_every_staff_handler():
    forum = two_groups()
    report = forum.ok(STAFF, "staff_report")
    group = report["groups"][0]
    assert forum.ok(STAFF, "staff_group", {"group_id": group["id"]})["id"] == group["id"]
    assert forum.call(STAFF, "staff_group", {"group_id": "nope"})[0] == 404
    assert forum.call(STAFF, "moderate", {"item_id": "nope", "action": "hide", "reason": "x"})[0] == 404
    assert forum.call(STAFF, "moderate", {"item_id": group["needs_feedback"][0], "action": "delete", "reason": "x"})[0] == 400
    assert get_csv(forum, STAFF).status_code == 200


# -- the report ---------------------------------------------------------------------------------


def test_the_report_counts_what_the_learners_did():
    forum = two_groups()
    state = forum.ok("a2", "state")
    comment_on_a2 = next(c for t in state["threads"] if t["author"]["is_me"] for c in t["comments"])
    forum.ok("a2", "mark_helpful", {"comment_id": comment_on_a2["id"], "helpful": True})
    forum.ok("late", "state")  # visited, did not submit
    report = forum.ok(STAFF, "staff_report")
    totals = report["totals"]
    assert totals["learners"] == 7 and totals["submitted"] == 6 and totals["in_groups"] == 6
    assert totals["groups"] == 2 and totals["comments"] == 2 and totals["waiting"] == 0 and totals["complete"] == 0
    learners = {learner["username"]: learner for learner in report["learners"]}
    assert set(learners) == {"a1", "a2", "a3", "b1", "b2", "b3", "late"}
    assert learners["a1"]["comments_given"] == 1 and learners["a2"]["comments_received"] == 1
    assert learners["a2"]["helpful_received"] == 0 and learners["a1"]["helpful_received"] == 1
    assert learners["late"]["submitted"] is False and learners["late"]["group_id"] is None
    assert learners["a1"]["name"] == "A1" and learners["a1"]["last_activity"]
    groups = {g["id"]: g for g in report["groups"]}
    assert sorted(len(g["members"]) for g in groups.values()) == [3, 3]
    assert all(g["reflections"] == 3 and g["comments"] == 1 for g in groups.values())
    assert all(len(g["needs_feedback"]) == 3 for g in groups.values())  # nobody has 2 comments yet
    assert {learners[u]["group_id"] for u in ("a1", "a2", "a3")} != {learners[u]["group_id"] for u in ("b1", "b2", "b3")}


def test_the_report_warns_of_a_learner_waiting_alone_and_of_silent_groups():
    forum = two_groups()  # two full groups of three (group_size 3, max 4)
    forum.submit("c1")
    report = forum.ok(STAFF, "staff_report")
    assert [learner["username"] for learner in report["pool"]] == ["c1"] and report["pool"][0]["waiting_since"]
    assert report["pool_warnings"] == ["alone"]
    assert not any(g["warnings"] for g in report["groups"])
    forum.now += 25 * 3600  # past the pool deadline: the staff report applies it too
    report = forum.ok(STAFF, "staff_report")
    assert report["pool"] == [] and report["pool_warnings"] == []
    assert sorted(len(g["members"]) for g in report["groups"]) == [3, 4]
    forum.now += 3 * 24 * 3600
    report = forum.ok(STAFF, "staff_report")
    assert all("silent" in g["warnings"] for g in report["groups"])


# -- moderation -------------------------------------------------------------------------------


def test_hide_and_restore_as_peers_and_the_author_see_them():
    forum = two_groups()
    state = forum.ok("a1", "state")
    a2 = next(t for t in state["threads"] if t["author"]["name"] == "A2")
    secret = a2["answers"]["origin"]
    report = forum.ok(STAFF, "moderate", {"item_id": a2["id"], "action": "hide", "reason": "Henkilötietoja"})
    assert report["decisions"][0]["action"] == "hide" and report["decisions"][0]["reason"] == "Henkilötietoja"
    for peer in ("a1", "a3"):
        raw = json.dumps(forum.ok(peer, "state"))
        assert secret not in raw and "Henkilötietoja" not in raw
        thread = next(t for t in json.loads(raw)["threads"] if t["id"] == a2["id"])
        assert thread["hidden"] is True and thread["answers"] == {}
    author = forum.ok("a2", "state")
    assert author["reflection"]["hidden"] is True and author["reflection"]["hidden_reason"] == "Henkilötietoja"
    own = next(t for t in author["threads"] if t["id"] == a2["id"])
    assert own["answers"]["origin"] == secret and own["hidden_reason"] == "Henkilötietoja"
    staff_view = forum.ok(STAFF, "staff_group", {"group_id": author["group"]["id"]})
    marked = next(t for t in staff_view["threads"] if t["id"] == a2["id"])
    assert marked["hidden"] is True and marked["answers"]["origin"] == secret
    report = forum.ok(STAFF, "moderate", {"item_id": a2["id"], "action": "restore", "reason": ""})
    assert [d["action"] for d in report["decisions"]] == ["restore", "hide"]  # append-only, newest first
    assert next(t for t in forum.ok("a1", "state")["threads"] if t["id"] == a2["id"])["answers"]["origin"] == secret


def test_a_hidden_comment_loses_its_text_for_peers_only():
    forum = two_groups()
    state = forum.ok("a1", "state")
    comment = next(c for t in state["threads"] for c in t["comments"] if c["author"]["is_me"])
    forum.ok(STAFF, "moderate", {"item_id": comment["id"], "action": "hide", "reason": "Loukkaava"})
    peer = json.dumps(forum.ok("a2", "state"))
    assert "Palaute a1" not in peer
    mine = next(c for t in forum.ok("a1", "state")["threads"] for c in t["comments"] if c["id"] == comment["id"])
    assert mine["text"] == "Palaute a1" and mine["hidden"] is True and mine["hidden_reason"] == "Loukkaava"


def test_the_flag_queue_shows_the_text_every_reason_and_the_count():
    forum = two_groups()
    state = forum.ok("a1", "state")
    a3 = next(t for t in state["threads"] if t["author"]["name"] == "A3")
    forum.ok("a1", "flag", {"item_id": a3["id"], "reason": "Loukkaava"})
    forum.ok("a2", "flag", {"item_id": a3["id"], "reason": "Ei kuulu tänne"})
    flags = forum.ok(STAFF, "staff_report")["flags"]
    assert len(flags) == 1
    flag = flags[0]
    assert flag["item_id"] == a3["id"] and flag["kind"] == "reflection" and flag["count"] == 2
    assert sorted(flag["reasons"]) == ["Ei kuulu tänne", "Loukkaava"]
    assert a3["answers"]["origin"] in flag["text"] and flag["hidden"] is False


# -- groups -------------------------------------------------------------------------------------


def test_form_groups_now_places_everyone_waiting():
    forum = ForumHarness(**THREE)
    forum.submit("w1")
    forum.submit("w2")
    assert forum.ok(STAFF, "staff_report")["totals"]["waiting"] == 2
    report = forum.ok(STAFF, "form_groups")
    assert report["totals"]["waiting"] == 0 and report["totals"]["groups"] == 1
    assert {m["username"] for m in report["groups"][0]["members"]} == {"w1", "w2"}
    assert forum.ok("w1", "state")["stage"] == "group"


def test_a_moved_learner_takes_their_reflection_and_comments_along():
    forum = ForumHarness(group_size=3, min_group_size=2, max_group_size=5, comments_required=1, agreement_required=False)
    for user in ("a1", "a2", "a3", "b1", "b2", "b3"):
        forum.submit(user)
    report = forum.ok(STAFF, "staff_report")
    learners = {learner["username"]: learner for learner in report["learners"]}
    source, target = learners["a1"]["group_id"], learners["b1"]["group_id"]
    assert source != target
    state = forum.ok("a1", "state")
    forum.ok("a1", "comment", {"reflection_id": state["suggested"][0], "text": "Muuttaja kommentoi", "request_id": "m1"})
    report = forum.ok(STAFF, "move_learner", {"learner_id": learners["a1"]["id"], "group_id": target})
    moved = {learner["username"]: learner for learner in report["learners"]}
    assert moved["a1"]["group_id"] == target
    sizes = sorted(len(g["members"]) for g in report["groups"])
    assert sizes == [2, 4] and sum(sizes) == 6
    b2 = forum.ok("b2", "state")
    a1_thread = next(t for t in b2["threads"] if t["author"]["name"] == "A1")
    assert a1_thread["answers"]["origin"].startswith("sana")
    a2 = json.dumps(forum.ok("a2", "state"))
    assert "A1" not in [m["name"] for m in json.loads(a2)["group"]["members"]]
    assert forum.call(STAFF, "move_learner", {"learner_id": learners["a1"]["id"], "group_id": "nope"})[0] == 404
    assert forum.call(STAFF, "move_learner", {"learner_id": "nobody", "group_id": target})[0] == 404
    assert forum.call(STAFF, "move_learner", {"learner_id": learners["a1"]["id"], "group_id": target})[0] == 409


# -- export -----------------------------------------------------------------------------------


def test_the_csv_has_a_bom_one_row_per_learner_and_neutralised_formulas():
    forum = ForumHarness(**THREE)
    for number, user in enumerate(("=cmd", "+plus", "normal")):
        forum.submit(user, request_id=f"s{number}")
    response = get_csv(forum, STAFF)
    assert response.status_code == 200 and response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.body.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:3] == ["username", "name", "group"] and not any(h.startswith("answer:") for h in rows[0])
    assert sorted(r[0] for r in rows[1:]) == ["'+plus", "'=cmd", "normal"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert "sana" not in body
    with_text = get_csv(forum, STAFF, "?include_text=1").body.decode("utf-8")
    rows = list(csv.reader(io.StringIO(with_text[1:])))
    assert "answer:origin" in rows[0] and "sana" in with_text


# -- Studio guard -------------------------------------------------------------------------------


def test_a_pseudonymous_forum_cannot_reveal_names_once_anyone_wrote():
    forum = ForumHarness(**THREE, identity="pseudonymous")
    assert forum.ok(STAFF, "studio_submit", {"values": {"identity": "named"}})  # nobody wrote yet
    forum.ok(STAFF, "studio_submit", {"values": {"identity": "pseudonymous"}})
    forum.submit("a1")
    status, payload = forum.call(STAFF, "studio_submit", {"values": {"identity": "named"}})
    assert status == 400 and [p["field"] for p in payload["problems"]] == ["identity"]
    assert forum.block(STAFF).identity == "pseudonymous"
    assert forum.ok(STAFF, "studio_submit", {"values": {"identity": "pseudonymous", "group_size": 4}})


def test_staff_who_only_look_at_the_learner_view_are_not_counted_as_learners():
    forum = two_groups()
    forum.ok(STAFF, "state")  # staff open the forum (and see the learner view too)
    report = forum.ok(STAFF, "staff_report")
    assert STAFF not in {learner["username"] for learner in report["learners"]} and report["totals"]["learners"] == 6
