"""Runtime-level tests of the learner's handlers: several learners over shared field data.

Read as a specification of the learner handler API in docs/design.md: each stage, each error
code, each visibility rule, idempotent retries, completion and grades, and what is stored
in Foorumi's tables.
"""
import json

import pytest

from tests.runtime.harness import AUTHOR, ForumHarness

# Any comment on a peer's reflection counts here (feedback_min_words 0): these tests are about
# the other rules; the word minimum has tests of its own below.
THREE = {"group_size": 3, "min_group_size": 3, "max_group_size": 4, "comments_required": 2, "feedback_min_words": 0}


def snapshot(harness, *users):
    """Everything stored: to prove that a refused request changed nothing."""
    return json.dumps([harness.records()] + [harness.private(u) for u in users], sort_keys=True)


@pytest.fixture
def forum():
    return ForumHarness(**THREE)


def grouped(forum, users=("anna", "ben", "cai")):
    for user in users:
        forum.submit(user)
    return {user: forum.ok(user, "state") for user in users}


# -- agreement and drafts --------------------------------------------------------------------

def test_a_new_learner_starts_at_the_agreement(forum):
    state = forum.ok("anna", "state")
    assert state["stage"] == "agreement"
    assert state["agreement"]["required"] is True and state["agreement"]["accepted"] is False
    assert state["agreement"]["items"]
    assert state["group"] is None and state["threads"] == []


def test_drafts_need_the_agreement_first_and_change_nothing_when_refused(forum):
    before = snapshot(forum, "anna")
    status, payload = forum.call("anna", "save_draft", {"answers": {"origin": "hei"}})
    assert status == 409 and payload["error"]
    assert snapshot(forum, "anna") == before


def test_accepting_moves_to_reflect_and_drafts_survive_a_reload(forum):
    assert forum.ok("anna", "accept_agreement")["stage"] == "reflect"
    forum.ok("anna", "save_draft", {"answers": {"origin": "Tulin esimieheksi sattumalta."}})
    state = forum.ok("anna", "state")
    assert state["draft"] == {"origin": "Tulin esimieheksi sattumalta."}
    assert state["stage"] == "reflect"


@pytest.mark.parametrize("answers, status", [
    ("not an object", 400),
    ({"nope": "text"}, 400),
    ({"origin": 42}, 400),
    ({"origin": "x" * 10001}, 413),
])
def test_a_bad_draft_is_refused_with_the_right_status(forum, answers, status):
    forum.ok("anna", "accept_agreement")
    before = snapshot(forum, "anna")
    code, payload = forum.call("anna", "save_draft", {"answers": answers})
    assert code == status and isinstance(payload["error"], str)
    assert snapshot(forum, "anna") == before


def test_a_draft_may_run_over_the_word_limit_but_a_submit_may_not(forum):
    forum.ok("anna", "accept_agreement")
    long_text = "sana " * 501
    assert forum.ok("anna", "save_draft", {"answers": {"origin": long_text}})["draft"] == {"origin": long_text}
    status, payload = forum.call("anna", "submit_reflection", {"answers": {"origin": long_text}, "request_id": "long"})
    assert status == 413 and payload["prompt_id"] == "origin"
    assert forum.records()["reflections"] == []


# -- submitting --------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    {"answers": {"origin": "sana " * 12}},  # no request id
    {"answers": {"origin": "sana " * 12}, "request_id": "has spaces"},
    {"answers": {"origin": "liian lyhyt"}, "request_id": "r1"},  # under min_words? only if min > 2
    {"answers": {}, "request_id": "r1"},
])
def test_an_invalid_submit_is_a_400_and_stores_nothing(data):
    forum = ForumHarness(**THREE, prompts=[{"id": "origin", "text": "Miten?", "min_words": 5, "max_words": 100}])
    forum.ok("anna", "accept_agreement")
    before = snapshot(forum, "anna")
    status, payload = forum.call("anna", "submit_reflection", data)
    assert status == 400, payload
    assert snapshot(forum, "anna") == before


def test_the_first_submitter_waits_in_the_pool(forum):
    state = forum.submit("anna")
    assert state["stage"] == "pool"
    assert state["pool"]["waiting"] == 1 and state["pool"]["needed"] == 3
    assert state["reflection"]["answers"]["origin"].startswith("sana")
    assert state["draft"] == {}
    assert forum.events_named("foorumi.reflection.submitted", "anna") == [{"reflection_id": state["reflection"]["id"]}]


def test_a_retried_submit_creates_nothing_twice(forum):
    first = forum.submit("anna", request_id="same-id")
    again = forum.ok("anna", "submit_reflection", {"answers": forum.answers(), "request_id": "same-id"})
    assert again["reflection"]["id"] == first["reflection"]["id"]
    assert len(forum.events_named("foorumi.reflection.submitted")) == 1
    assert [r["uid"] for r in forum.records()["reflections"]] == [first["reflection"]["id"]]


def test_a_second_submit_with_a_new_request_id_is_a_conflict(forum):
    forum.submit("anna")
    status, payload = forum.call("anna", "submit_reflection", {"answers": forum.answers(), "request_id": "other"})
    assert status == 409 and payload["error"]


def test_the_third_submitter_forms_a_group_and_everyone_sees_it(forum):
    states = grouped(forum)
    group_ids = {s["group"]["id"] for s in states.values()}
    assert len(group_ids) == 1
    for state in states.values():
        assert state["stage"] == "group"
        assert len(state["group"]["members"]) == 3
        assert [m["is_me"] for m in state["group"]["members"]].count(True) == 1
        assert len(state["threads"]) == 3
        assert state["suggested"] and all(t in {th["id"] for th in state["threads"]} for t in state["suggested"])
    assert len(forum.events_named("foorumi.group.joined")) == 3


# -- comments, visibility, idempotency ---------------------------------------------------------

def thread_of(state, author_is_me=False, name=None):
    for thread in state["threads"]:
        if thread["author"]["is_me"] == author_is_me and (name is None or thread["author"]["name"] == name):
            return thread
    raise AssertionError("no such thread")


def test_a_comment_appears_for_every_member_and_counts_toward_progress(forum):
    states = grouped(forum)
    target = thread_of(states["anna"], name="Ben")
    state = forum.ok(
        "anna", "comment", {"reflection_id": target["id"], "text": "Kiitos <b>jakamisesta</b>!\nToinen rivi.", "request_id": "c1"}
    )
    assert state["progress"] == {"submitted": True, "comments_given": 1, "comments_required": 2, "complete": False}
    for user in ("anna", "ben", "cai"):
        thread = next(t for t in forum.ok(user, "state")["threads"] if t["id"] == target["id"])
        assert [c["text"] for c in thread["comments"]] == ["Kiitos <b>jakamisesta</b>!\nToinen rivi."]


def test_a_retried_comment_is_stored_once(forum):
    states = grouped(forum)
    target = thread_of(states["anna"], name="Ben")
    body = {"reflection_id": target["id"], "text": "Sama kommentti", "request_id": "retry-1"}
    forum.ok("anna", "comment", body)
    state = forum.ok("anna", "comment", body)
    thread = next(t for t in state["threads"] if t["id"] == target["id"])
    assert len(thread["comments"]) == 1
    assert [c["text"] for c in forum.records()["comments"]] == ["Sama kommentti"]


def test_replies_in_my_own_thread_do_not_count_toward_progress(forum):
    states = grouped(forum)
    mine = thread_of(states["anna"], author_is_me=True)
    state = forum.ok("anna", "comment", {"reflection_id": mine["id"], "text": "Lisään vielä", "request_id": "own"})
    assert state["progress"]["comments_given"] == 0


def test_a_reply_sits_under_its_comment_and_never_counts_toward_progress(forum):
    states = grouped(forum)
    bens = thread_of(states["anna"], name="Ben")
    cais = thread_of(states["anna"], name="Cai")
    state = forum.ok("cai", "comment", {"reflection_id": bens["id"], "text": "Cain palaute", "request_id": "c1"})
    first = thread_of(state, name="Ben")["comments"][0]
    state = forum.ok(
        "anna", "comment", {"reflection_id": bens["id"], "text": "Vastaus Cailie", "request_id": "r1", "reply_to": first["id"]}
    )
    replies = [c for c in thread_of(state, name="Ben")["comments"] if c["reply_to"] == first["id"]]
    assert [c["text"] for c in replies] == ["Vastaus Cailie"]
    assert state["progress"]["comments_given"] == 0  # a reply is not feedback
    assert bens["id"] in state["suggested"]  # Ben's reflection still needs Anna's feedback
    for bad in ("c-nope", first["id"] + "x"):
        reply = {"reflection_id": bens["id"], "text": "x", "request_id": "r2", "reply_to": bad}
        assert forum.call("anna", "comment", reply)[0] == 404
    # A comment of another thread is not something to reply to here.
    reply = {"reflection_id": cais["id"], "text": "x", "request_id": "r3", "reply_to": first["id"]}
    assert forum.call("anna", "comment", reply)[0] == 404
    assert forum.call("anna", "comment", {"reflection_id": bens["id"], "text": "x", "request_id": "r4", "reply_to": 7})[0] == 400


def test_two_comments_complete_the_forum_and_publish_completion_once(forum):
    states = grouped(forum)
    others = [t for t in states["anna"]["threads"] if not t["author"]["is_me"]]
    for number, thread in enumerate(others):
        state = forum.ok("anna", "comment", {"reflection_id": thread["id"], "text": "Hyvä", "request_id": f"c{number}"})
    assert state["progress"]["complete"] is True
    forum.ok("anna", "state")
    assert forum.events_named("completion", "anna") == [{"completion": 1.0}]
    assert forum.events_named("grade", "anna") == []  # not scored


def test_a_scored_forum_publishes_the_fraction_of_requirements_met():
    forum = ForumHarness(**THREE, scored=True)
    states = grouped(forum)
    assert forum.events_named("grade", "anna") == [{"value": pytest.approx(1 / 3), "max_value": 1}]
    other = thread_of(states["anna"], name="Ben")
    forum.ok("anna", "comment", {"reflection_id": other["id"], "text": "Hyvä", "request_id": "g1"})
    assert forum.events_named("grade", "anna")[-1] == {"value": pytest.approx(2 / 3), "max_value": 1}


def test_a_learner_of_another_group_cannot_reach_this_groups_items(forum):
    states = grouped(forum)
    grouped(forum, ("dan", "eve", "fay"))
    foreign = thread_of(states["anna"], name="Ben")
    comment_state = forum.ok("anna", "comment", {"reflection_id": foreign["id"], "text": "vain ryhmälle", "request_id": "x1"})
    comment_id = next(t for t in comment_state["threads"] if t["id"] == foreign["id"])["comments"][0]["id"]
    before = snapshot(forum, "dan")
    assert forum.call("dan", "comment", {"reflection_id": foreign["id"], "text": "hei", "request_id": "x2"})[0] == 404
    assert forum.call("dan", "flag", {"item_id": foreign["id"], "reason": "spam"})[0] == 404
    assert forum.call("dan", "flag", {"item_id": comment_id, "reason": "spam"})[0] == 404
    assert forum.call("dan", "mark_helpful", {"comment_id": comment_id, "helpful": True})[0] == 404
    assert forum.call("dan", "edit_comment", {"comment_id": comment_id, "text": "muutettu"})[0] == 404
    assert snapshot(forum, "dan") == before
    dan = json.dumps(forum.ok("dan", "state"))
    assert "vain ryhmälle" not in dan and foreign["id"] not in dan


def test_a_learner_in_the_pool_sees_no_one_elses_text(forum):
    grouped(forum)
    state = forum.submit("dan")
    assert state["stage"] == "pool" and state["threads"] == [] and state["group"] is None
    assert forum.call("dan", "comment", {"reflection_id": "anything", "text": "hei", "request_id": "p1"})[0] == 409


def test_only_the_reflections_author_marks_comments_helpful(forum):
    states = grouped(forum)
    bens = thread_of(states["anna"], name="Ben")
    state = forum.ok("anna", "comment", {"reflection_id": bens["id"], "text": "Hyvä pointti", "request_id": "h1"})
    comment_id = next(t for t in state["threads"] if t["id"] == bens["id"])["comments"][0]["id"]
    assert forum.call("cai", "mark_helpful", {"comment_id": comment_id, "helpful": True})[0] == 404
    assert forum.call("anna", "mark_helpful", {"comment_id": comment_id, "helpful": True})[0] == 404
    assert forum.call("ben", "mark_helpful", {"comment_id": comment_id, "helpful": "yes"})[0] == 400
    state = forum.ok("ben", "mark_helpful", {"comment_id": comment_id, "helpful": True})
    assert next(t for t in state["threads"] if t["id"] == bens["id"])["comments"][0]["helpful"] is True
    cai = forum.ok("cai", "state")
    assert next(t for t in cai["threads"] if t["id"] == bens["id"])["comments"][0]["helpful"] is True
    state = forum.ok("ben", "mark_helpful", {"comment_id": comment_id, "helpful": False})
    assert next(t for t in state["threads"] if t["id"] == bens["id"])["comments"][0]["helpful"] is False


def test_edits_are_shown_as_edited(forum):
    states = grouped(forum)
    bens = thread_of(states["anna"], name="Ben")
    state = forum.ok("anna", "comment", {"reflection_id": bens["id"], "text": "Ensimmäinen", "request_id": "e1"})
    comment_id = next(t for t in state["threads"] if t["id"] == bens["id"])["comments"][0]["id"]
    forum.ok("anna", "edit_comment", {"comment_id": comment_id, "text": "Korjattu"})
    answers = {"origin": "Uusi vastaus " + "sana " * 10}
    forum.ok("ben", "edit_reflection", {"answers": answers})
    cai = forum.ok("cai", "state")
    thread = next(t for t in cai["threads"] if t["id"] == bens["id"])
    assert thread["edited"] is True and thread["answers"]["origin"] == answers["origin"].strip()
    assert thread["comments"][0]["text"] == "Korjattu" and thread["comments"][0]["edited"] is True
    assert forum.call("cai", "edit_comment", {"comment_id": comment_id, "text": "minun"})[0] == 404


def test_a_flag_is_recorded_for_staff_and_shown_to_the_flagger(forum):
    states = grouped(forum)
    bens = thread_of(states["anna"], name="Ben")
    mine = thread_of(states["anna"], author_is_me=True)
    assert forum.call("anna", "flag", {"item_id": mine["id"], "reason": "oma"})[0] == 409
    assert forum.call("anna", "flag", {"item_id": bens["id"], "reason": ""})[0] == 400
    assert forum.call("anna", "flag", {"item_id": bens["id"], "reason": "x" * 501})[0] == 413
    state = forum.ok("anna", "flag", {"item_id": bens["id"], "reason": "Loukkaava"})
    assert next(t for t in state["threads"] if t["id"] == bens["id"])["flagged"] is True
    flags = forum.records()["flags"]
    assert [(f["item_uid"], f["flagger"], f["reason"]) for f in flags] == [(bens["id"], forum.anonymous_id("anna"), "Loukkaava")]
    again = forum.ok("anna", "flag", {"item_id": bens["id"], "reason": "Toinen syy"})  # flagging again: a new reason
    assert [f["reason"] for f in forum.records()["flags"]] == ["Toinen syy"]
    assert "Loukkaava" not in json.dumps(again) and "Toinen syy" not in json.dumps(forum.ok("ben", "state"))
    assert forum.events_named("foorumi.flagged") == [{"item_id": bens["id"]}] * 2


def test_hidden_items_are_removed_for_peers_but_shown_to_their_author(forum):
    states = grouped(forum)
    bens = thread_of(states["anna"], name="Ben")
    forum.hide(bens["id"])
    anna = forum.ok("anna", "state")
    thread = next(t for t in anna["threads"] if t["id"] == bens["id"])
    assert thread["hidden"] is True and thread["answers"] == {}
    assert bens["id"] not in anna["suggested"]
    ben = forum.ok("ben", "state")
    own = next(t for t in ben["threads"] if t["id"] == bens["id"])
    assert own["hidden"] is True and own["answers"]["origin"]
    assert forum.call("anna", "comment", {"reflection_id": bens["id"], "text": "hei", "request_id": "hid"})[0] == 409


# -- identity ------------------------------------------------------------------------------------

def test_pseudonymous_json_carries_no_usernames_or_ids():
    forum = ForumHarness(**THREE, identity="pseudonymous")
    states = grouped(forum, ("anna_user", "ben_user", "cai_user"))
    from foorumi_xblock.workbench.services import anonymous_id_for
    for state in states.values():
        text = json.dumps(state)
        for user in ("anna_user", "ben_user", "cai_user"):
            assert user not in text and anonymous_id_for(user) not in text
            assert user.replace("_", " ").title() not in text
        names = sorted(m["name"] for m in state["group"]["members"])
        assert names == ["Participant 1", "Participant 2", "Participant 3"]


# -- the pool timeout and the tables --------------------------------------------------

def test_nobody_waits_forever_the_pool_forms_a_group_after_the_timeout(forum):
    forum.submit("anna")
    forum.submit("ben")
    assert forum.ok("anna", "state")["stage"] == "pool"
    forum.now += 25 * 3600
    state = forum.ok("anna", "state")
    assert state["stage"] == "group" and len(state["group"]["members"]) == 2


def test_the_group_comes_from_the_tables_not_from_the_learners_private_state(forum):
    states = grouped(forum)
    bens = thread_of(states["anna"], name="Ben")
    forum.ok("anna", "comment", {"reflection_id": bens["id"], "text": "Hyvä", "request_id": "r1"})
    for key in [k for k in forum.kvs.db_dict if k.scope.name == "user_state"]:  # every learner's private state gone
        del forum.kvs.db_dict[key]
    assert forum.private("cai") == {}
    cai = forum.ok("cai", "state")
    assert cai["group"]["id"] == states["cai"]["group"]["id"]
    assert len(cai["threads"]) == 3
    thread = next(t for t in cai["threads"] if t["id"] == bens["id"])
    assert [c["text"] for c in thread["comments"]] == ["Hyvä"]


# -- the handler contract ---------------------------------------------------------------------------

def test_handlers_refuse_get_bad_json_non_objects_and_huge_bodies(forum):
    assert forum.call("anna", "state", method="GET")[0] == 405
    assert forum.call("anna", "state", body=b"{not json")[0] == 400
    assert forum.call("anna", "state", body=b"[1, 2]")[0] == 400
    assert forum.call("anna", "state", body=b'{"pad": "' + b"x" * 300_000 + b'"}')[0] == 413


def test_in_a_group_of_two_one_comment_is_all_that_can_be_required(forum):
    forum.submit("anna")
    forum.submit("ben")
    forum.now += 25 * 3600
    state = forum.ok("anna", "state")
    assert state["progress"]["comments_required"] == 1
    other = thread_of(state, name="Ben")
    assert state["suggested"] == [other["id"]]
    state = forum.ok("anna", "comment", {"reflection_id": other["id"], "text": "Kiitos", "request_id": "pair"})
    assert state["progress"]["complete"] is True


def test_a_blocks_repr_shows_no_learner_data(forum):
    grouped(forum)
    text = repr(forum.block("anna"))
    assert "sana" not in text and "anna" not in text and "forum_index" not in text


def test_deeply_nested_json_is_a_400_not_a_crash(forum):
    status, payload = forum.call("anna", "state", body=b"[" * 200_000)
    assert status == 400 and payload["error"]


def test_a_late_joiner_does_not_take_back_a_completion_already_given():
    forum = ForumHarness(**THREE, scored=True)
    forum.submit("anna")
    forum.submit("ben")
    forum.now += 25 * 3600
    state = forum.ok("anna", "state")
    bens = thread_of(state, name="Ben")
    state = forum.ok("anna", "comment", {"reflection_id": bens["id"], "text": "Kiitos", "request_id": "k1"})
    assert state["progress"]["complete"] is True
    forum.submit("cai")  # joins the group of two, which makes two comments possible
    state = forum.ok("anna", "state")
    assert len(state["group"]["members"]) == 3
    assert state["progress"]["complete"] is True
    grades = [event["value"] for event in forum.events_named("grade", "anna")]
    assert grades == sorted(grades) and grades[-1] == 1.0
    assert forum.events_named("completion", "anna") == [{"completion": 1.0}]
    ben = forum.ok("ben", "state")
    assert ben["progress"]["comments_required"] == 2 and ben["progress"]["complete"] is False


def test_a_bad_config_imported_from_olx_shows_a_clear_message_instead_of_failing():
    forum = ForumHarness(group_size=2, min_group_size=3)
    status, payload = forum.call("anna", "state")
    assert status == 409 and "Studio" in payload["error"]
    html = forum.block("anna").student_view().content
    assert "Studio" in html and "foorumi-app" not in html


def test_a_prompt_added_later_does_not_block_those_who_already_submitted(forum):
    grouped(forum)
    block = forum.block(AUTHOR)
    block.prompts = block.prompts + [{"id": "later", "text": "Uusi kysymys?", "min_words": 3, "max_words": 100}]
    block.save()
    state = forum.ok("anna", "state")
    assert state["stage"] == "group" and state["progress"]["submitted"] is True
    edited = dict(state["reflection"]["answers"], origin="Muokattu vastaus " + "sana " * 20)
    state = forum.ok("anna", "edit_reflection", {"answers": edited})  # the new prompt may stay unanswered
    assert state["reflection"]["answers"]["origin"].startswith("Muokattu")
    status, payload = forum.call("anna", "edit_reflection", {"answers": dict(edited, later="liian")})
    assert status == 400 and payload["prompt_id"] == "later"  # answered, it obeys its limits
    assert forum.call("dora", "accept_agreement")[0] == 200
    status, payload = forum.call("dora", "submit_reflection", {"answers": forum.answers() | {"later": ""}, "request_id": "d"})
    assert status == 400 and payload["prompt_id"] == "later"  # a new submitter answers every prompt


def test_a_pseudonymous_forum_sends_times_to_the_minute():
    forum = ForumHarness(**THREE, identity="pseudonymous")
    forum.now = 1_800_000_000.123456 + 17
    states = grouped(forum, ("anna_user", "ben_user", "cai_user"))
    bens = next(t for t in states["anna_user"]["threads"] if not t["author"]["is_me"])
    state = forum.ok("anna_user", "comment", {"reflection_id": bens["id"], "text": "Kiitos", "request_id": "c"})
    times = [state["reflection"]["submitted_at"]] + [t["created_at"] for t in state["threads"]]
    times += [c["created_at"] for t in state["threads"] for c in t["comments"]]
    assert times and all(value % 60 == 0 for value in times)
    named = ForumHarness(**THREE)
    named.now = 1_800_000_000.5
    assert grouped(named)["anna"]["reflection"]["submitted_at"] == 1_800_000_000.5


def test_the_block_says_it_works_on_phones():
    from foorumi_xblock.block import FoorumiXBlock

    assert FoorumiXBlock.supports("multi_device")


@pytest.mark.parametrize("text", ["\u200b", "\u200b\u200c\u200d", "\u2060\ufeff", "\u2800 \u2800", "\u3164 \u3164 \u3164",
                                  "\u115f\u1160", " \u202e ", "\U000e0041\U000e0042"])
def test_text_that_only_looks_like_text_is_refused_like_empty_text(forum, text):
    states = grouped(forum)
    bens = thread_of(states["anna"], name="Ben")
    before = snapshot(forum, "anna")
    assert forum.call("anna", "comment", {"reflection_id": bens["id"], "text": text, "request_id": "inv"})[0] == 400
    assert forum.call("anna", "flag", {"item_id": bens["id"], "reason": text})[0] == 400
    assert snapshot(forum, "anna") == before


def test_invisible_characters_are_no_words_in_an_answer(forum):
    forum.ok("anna", "accept_agreement")
    answers = dict.fromkeys(forum.answers(), "\u3164 " * 30)
    status, payload = forum.call("anna", "submit_reflection", {"answers": answers, "request_id": "x"})
    assert status == 400 and payload["prompt_id"]
    answers = dict.fromkeys(forum.answers(), "sana\u200b " * 25)
    assert forum.call("anna", "submit_reflection", {"answers": answers, "request_id": "y"})[0] == 200


def test_a_long_thread_is_paged_and_the_state_stays_bounded(forum):
    from foorumi_xblock.store import COMMENTS_PER_THREAD

    states = grouped(forum)
    bens = thread_of(states["anna"], name="Ben")
    long_text = "pitkä " * 600  # 3,600 characters
    for number in range(COMMENTS_PER_THREAD + 5):
        forum.now += 1
        forum.ok("anna", "comment", {"reflection_id": bens["id"], "text": f"{number} {long_text}", "request_id": f"long{number}"})
    state = forum.ok("cai", "state")
    thread = thread_of(state, name="Ben")
    assert len(thread["comments"]) == COMMENTS_PER_THREAD and thread["comments_total"] == COMMENTS_PER_THREAD + 5
    assert thread["older"] is True and thread["comments"][0]["text"].startswith("5 ")
    # The bound: members x (answers + the newest comments of one thread), whatever anyone writes.
    assert len(json.dumps(state)) < 3 * (10 * 10_000 + COMMENTS_PER_THREAD * 4_000 + 2_000)
    page = forum.ok("cai", "older_comments", {"reflection_id": bens["id"], "before": thread["comments"][0]["id"]})
    assert [c["text"].split()[0] for c in page["comments"]] == ["0", "1", "2", "3", "4"] and page["more"] is False
    assert forum.call("cai", "older_comments", {"reflection_id": bens["id"], "before": "c-none"})[0] == 404
    assert forum.call("cai", "older_comments", {"reflection_id": bens["id"], "before": 3})[0] == 400
    # Feedback from comments older than those shown still counts in the suggestions.
    assert bens["id"] not in forum.ok("anna", "state")["suggested"]
    outsider = ForumHarness(**THREE)
    older = {"reflection_id": bens["id"], "before": thread["comments"][0]["id"]}
    assert outsider.call("anna", "older_comments", older)[0] in (404, 409)


def test_a_comment_counts_as_feedback_only_with_enough_words():
    forum = ForumHarness(**{**THREE, "feedback_min_words": 5})
    states = grouped(forum)
    bens, cais = thread_of(states["anna"], name="Ben"), thread_of(states["anna"], name="Cai")
    state = forum.ok("anna", "comment", {"reflection_id": bens["id"], "text": "Kiitos!", "request_id": "short"})
    short = thread_of(state, name="Ben")["comments"][0]
    assert short["text"] == "Kiitos!" and short["counts"] is False  # posted and shown, but not counted
    assert state["progress"]["comments_given"] == 0 and bens["id"] in state["suggested"]
    text = "Kiitos, tunnistan tämän omasta työstäni hyvin."
    state = forum.ok("anna", "comment", {"reflection_id": bens["id"], "text": text, "request_id": "long"})
    assert state["progress"]["comments_given"] == 1 and bens["id"] not in state["suggested"]
    assert [c["counts"] for c in thread_of(state, name="Ben")["comments"]] == [False, True]
    # Editing a short comment up to the minimum makes it count; a reply never counts.
    state = forum.ok("anna", "comment", {"reflection_id": cais["id"], "text": "Hyvä", "request_id": "c2"})
    comment_id = thread_of(state, name="Cai")["comments"][0]["id"]
    state = forum.ok("anna", "edit_comment", {"comment_id": comment_id, "text": "Hyvä huomio, sama kokemus minulla."})
    assert state["progress"]["comments_given"] == 2 and state["progress"]["complete"] is True
    staff = forum.ok("staff_x", "staff_report")
    anna = next(learner for learner in staff["learners"] if learner["username"] == "anna")
    assert anna["comments_given"] == 2


def test_the_pool_says_when_the_learner_is_placed_at_the_latest_and_whether_they_are_alone(forum):
    state = forum.submit("anna")
    assert state["pool"]["alone"] is True
    deadline = state["pool"]["deadline"]
    assert deadline.endswith("+00:00")
    from datetime import datetime

    assert datetime.fromisoformat(deadline).timestamp() == forum.now + 24 * 3600
    state = forum.submit("ben")
    assert state["pool"]["alone"] is False and state["pool"]["waiting"] == 2


def test_the_state_says_what_the_page_explains_word_minimum_and_scoring():
    # The page's progress line ("a comment counts with at least N words") and its note on
    # how a scored forum is graded come from these two keys.
    plain = ForumHarness(**{**THREE, "feedback_min_words": 7})
    state = plain.ok("anna", "state")
    assert state["feedback_min_words"] == 7 and state["scored"] is False
    scored = ForumHarness(**{**THREE, "scored": True})
    assert scored.ok("anna", "state")["scored"] is True


def test_a_learner_alone_at_the_deadline_waits_for_the_next_submitter_and_is_placed_with_them(forum):
    # What the pool page promises a learner who is alone (static/js/foorumi_stages.js
    # ``waitingNote``): the deadline places nobody who has nobody to be grouped with; the next
    # person who submits is placed with them.
    forum.submit("anna")
    forum.now += 25 * 3600
    state = forum.ok("anna", "state")
    assert state["stage"] == "pool" and state["pool"]["alone"] is True
    assert forum.submit("ben")["stage"] == "pool"
    state = forum.ok("anna", "state")
    assert state["stage"] == "group" and len(state["group"]["members"]) == 2
