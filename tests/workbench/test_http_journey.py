"""The learner's way through a forum over HTTP, against the real xblock-sdk workbench.

One workbench serves this module (fresh database). Scenario use is kept apart so that
grouping assertions stay exact: the journey alone submits in ``foorumi.1``, the
pseudonymous test alone in ``foorumi.2``; tests in ``foorumi.0`` submit until they have the
groups they need (bounded), whoever else is already there.
"""
import html
import json
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests
import rjsmin

from tests.workbench.client import TIMEOUT, Learner, scenarios
from foorumi_xblock.ui_strings import JS_STRINGS, read_js_catalog
from foorumi_xblock.workbench.services import anonymous_id_for, display_name_for

pytestmark = pytest.mark.workbench

REPO = Path(__file__).resolve().parents[2]
FI_CATALOGS = [
    REPO / "foorumi_xblock" / "translations" / "fi" / "LC_MESSAGES" / "text.mo",
    REPO / "conf" / "locale" / "fi" / "LC_MESSAGES" / "text.mo",
]
needs_finnish = pytest.mark.skipif(
    not any(path.exists() for path in FI_CATALOGS),
    reason="no compiled Finnish catalog yet (conf/locale/fi/LC_MESSAGES/text.mo or foorumi_xblock/translations/fi/...)",
)

FI, EN, PSEUDO = "foorumi.0", "foorumi.1", "foorumi.2"
SCENARIO_DIR = REPO / "foorumi_xblock" / "workbench" / "scenarios"
#: What these tests assume of each demo forum (checked against the scenario files below).
ASSUMED = {
    FI: {"identity": "named", "agreement_required": "true", "group_size": "5", "min_group_size": "3"},
    EN: {"identity": "named", "agreement_required": "true", "group_size": "4", "min_group_size": "3",
         "comments_required": "2", "scored": "true"},
    PSEUDO: {"identity": "pseudonymous", "agreement_required": "false", "group_size": "3", "min_group_size": "2",
             "comments_required": "1"},
}


def scenario_files():
    """``{scenario_id: root element}`` in the workbench's order (sorted file names)."""
    files = sorted(p for p in SCENARIO_DIR.iterdir() if p.suffix == ".xml")
    return {f"foorumi.{number}": ET.parse(path).getroot() for number, path in enumerate(files)}


def tag():
    return uuid.uuid4().hex[:8]


def answers_for(prompts, marker):
    """Answers that meet every prompt's word limits; each carries ``marker`` to be found later."""
    result = {}
    for prompt in prompts:
        count = max(prompt.get("min_words") or 0, 1) + 3
        words = [marker] + [f"sana{i}" for i in range(count)]
        result[prompt["id"]] = " ".join(words)
    return result


def me(state):
    """The viewer's own forum handle (from the group's member list)."""
    return next(m["id"] for m in state["group"]["members"] if m["is_me"])


def thread(state, reflection_id):
    found = [t for t in state["threads"] if t["id"] == reflection_id]
    assert len(found) == 1, (reflection_id, [t["id"] for t in state["threads"]])
    return found[0]


def comments_with(state, reflection_id, text):
    return [c for c in thread(state, reflection_id)["comments"] if c["text"] == text]


def submit(learner, marker):
    """Accept the agreement when needed and submit a valid reflection; returns the state."""
    state = learner.state()
    if state["agreement"]["required"] and not state["agreement"]["accepted"]:
        state = learner.ok("accept_agreement")
    answers = answers_for(state["prompts"], marker)
    return learner.ok("submit_reflection", {"answers": answers, "request_id": f"submit-{marker}"})


def assert_error(status, payload, expected):
    assert status == expected, (status, payload)
    # {"error": ...}, plus the prompt it concerns when it concerns one (extra fields are welcome)
    assert isinstance(payload, dict) and "error" in payload and set(payload) <= {"error", "prompt_id"}, payload
    assert isinstance(payload["error"], str) and payload["error"].strip(), payload


# -- pages ----------------------------------------------------------------------------------------

def test_the_index_lists_the_demo_forums(workbench):
    files = scenario_files()
    for scenario_id, assumed in ASSUMED.items():
        attrs = files[scenario_id].attrib
        assert {k: attrs.get(k) for k in assumed} == assumed, f"{scenario_id} is not the forum these tests expect"
    listed = {sid: desc for sid, desc in scenarios(workbench).items() if sid.startswith("foorumi.")}
    assert listed == {sid: root.get("display_name") for sid, root in files.items()}
    assert files[FI].find("prompt").text == "Miten olet tullut esimieheksi?"


@pytest.mark.parametrize("language", [None, "fi"])
@pytest.mark.parametrize("student", ["learner_page_view", "staff1"])
@pytest.mark.parametrize("scenario_id", [FI, EN, PSEUDO])
def test_each_scenario_page_renders(workbench, scenario_id, student, language):
    learner = Learner(workbench, scenario_id, f"{student}", language=language)
    page = learner.page
    assert page.status == 200
    assert page.init_args is not None, "the block's JSON init args are missing from the page"
    state = page.init_args["state"]
    assert state["is_staff"] is (student == "staff1")
    assert state["stage"] in ("agreement", "reflect")
    assert page.init_args["lang"] == (language or "en")
    if scenario_id == FI:
        # The authored Finnish content, in the block itself (not only in the debug section's OLX).
        assert [p["text"] for p in state["prompts"]][0] == "Miten olet tullut esimieheksi?"
        assert "Tervetuloa esimiesfoorumiin." in page.block_html
    assert learner.state() == state


def paragraph(page, css_class):
    """The text of the block's ``<p class="css_class">``."""
    match = re.search(rf'<p class="{css_class}">(.*?)</p>', page.block_html, re.S)
    assert match, f"no <p class={css_class!r}> in the block's markup"
    return html.unescape(match.group(1)).strip()


@needs_finnish
@pytest.mark.parametrize("scenario_id", [FI, EN])
def test_the_ui_follows_accept_language_fi(workbench, scenario_id):
    english = Learner(workbench, scenario_id, "staff_lang").page
    finnish = Learner(workbench, scenario_id, "staff_lang", language="fi").page
    # The server-rendered markup is in Finnish.
    for css_class in ("foorumi-staff-note", "foorumi-noscript"):
        assert paragraph(finnish, css_class) != paragraph(english, css_class), css_class
    # So are the JavaScript's strings (the agreement's button, the pseudonyms of docs/design.md "Identity").
    # Only translations that differ from the English source are sent: in English, none. In
    # Finnish, the page names its strings' file (cached), and inline goes only what differs
    # from the file (nothing: the workbench's service reads the same catalog).
    en_strings, fi_strings = english.init_args["i18n"], finnish.init_args["i18n"]
    assert en_strings == {} and "catalog" not in english.init_args
    assert fi_strings == {} and finnish.init_args["catalog"] == "fi"
    assert "/resource/foorumi/static/js/i18n/foorumi_i18n_fi.js" in finnish.block_html
    catalog = requests.get(f"{workbench}/resource/foorumi/static/js/i18n/foorumi_i18n_fi.js", timeout=TIMEOUT)
    assert catalog.status_code == 200
    on_disk = (REPO / "static" / "js" / "i18n" / "foorumi_i18n_fi.js").read_text(encoding="utf-8")
    assert catalog.text == rjsmin.jsmin(on_disk)  # served minified (foorumi_xblock/resources.py)
    fi_strings = read_js_catalog(on_disk)
    untranslated = sorted(set(JS_STRINGS) - set(fi_strings))
    assert len(untranslated) <= len(JS_STRINGS) // 10, f"not in Finnish: {untranslated}"
    assert fi_strings["I accept"] == "Hyväksyn" and fi_strings["Participant"] == "Osallistuja"
    assert "Olet kurssin henkilökuntaa" in paragraph(finnish, "foorumi-staff-note")


# -- the handler contract over HTTP -----------------------------------------------------------------

def error_cases(learner):
    """Each refused request as (description, status, payload)."""
    results = []
    response = learner.request("state", method="GET")
    results.append(("GET on a JSON handler", 405, response))
    results.append(("invalid JSON", 400, learner.request("state", body=b"{not json")))
    results.append(("a JSON array", 400, learner.request("state", body=b"[1, 2]")))
    huge = json.dumps({"answers": {"origin": "x" * 300_000}})
    results.append(("an oversized body", 413, learner.request("save_draft", body=huge)))
    results.append(("draft before the agreement", 409, learner.request("save_draft", {"answers": {"origin": "hei"}})))
    return results


def test_error_statuses_and_bodies_over_http(workbench):
    learner = Learner(workbench, EN, f"errors_{tag()}")
    for description, expected, response in error_cases(learner):
        assert response.headers["Content-Type"].startswith("application/json"), description
        assert_error(response.status_code, response.json(), expected)
    learner.ok("accept_agreement")
    status, payload = learner.call("comment", {"reflection_id": "r0", "text": "hei", "request_id": "c-early"})
    assert_error(status, payload, 409)  # comment before submitting: wrong stage
    status, payload = learner.call("save_draft", {"answers": {"no_such_prompt": "x"}})
    assert_error(status, payload, 400)
    status, payload = learner.call("submit_reflection", {"answers": {"origin": "liian lyhyt"}, "request_id": "s1"})
    assert_error(status, payload, 400)  # under min_words
    # Nothing refused changed anything.
    state = learner.state()
    assert state["stage"] == "reflect" and state["draft"] == {} and state["reflection"] is None


@needs_finnish
def test_error_messages_follow_accept_language_fi(workbench):
    student = f"errors_fi_{tag()}"
    english = error_cases(Learner(workbench, EN, student))
    finnish = error_cases(Learner(workbench, EN, student, language="fi"))
    for (description, expected, en), (_d, _e, fi) in zip(english, finnish, strict=True):
        assert fi.status_code == en.status_code == expected, description
        assert set(fi.json()) == {"error"}
        assert fi.json()["error"] != en.json()["error"], f"{description}: not translated: {fi.json()['error']!r}"


# -- the whole journey ------------------------------------------------------------------------------

def test_the_whole_journey_over_http(workbench):
    t = tag()
    anna, ben, cai = (Learner(workbench, EN, f"{name}_{t}") for name in ("anna", "ben", "cai"))

    state = anna.state()
    assert state["stage"] == "agreement"
    assert state["agreement"]["required"] is True and state["agreement"]["accepted"] is False
    assert state["agreement"]["items"] and state["reflection"] is None and state["threads"] == []
    assert [p["id"] for p in state["prompts"]] == ["origin", "support"]

    state = anna.ok("accept_agreement")
    assert state["stage"] == "reflect" and state["agreement"]["accepted"] is True

    # A draft survives a reload (a new page load in a new session).
    draft = {"origin": f"Half a thought {t}"}
    assert anna.ok("save_draft", {"answers": draft})["draft"] == draft
    reloaded = Learner(workbench, EN, anna.student_id)
    assert reloaded.page.init_args["state"]["draft"] == draft
    assert reloaded.state()["draft"] == draft and reloaded.state()["stage"] == "reflect"

    # Submit; a retried submit (same request_id) creates nothing twice.
    anna_answers = answers_for(state["prompts"], f"annas-reflection-{t}")
    body = {"answers": anna_answers, "request_id": f"submit-anna-{t}"}
    first = anna.ok("submit_reflection", body)
    assert first["stage"] == "pool" and first["group"] is None
    assert first["reflection"]["answers"] == anna_answers and first["draft"] == {}
    assert first["pool"]["waiting"] == 1
    assert anna.ok("submit_reflection", body) == first
    assert anna.state() == first
    status, payload = anna.call("submit_reflection", {**body, "request_id": f"submit-anna-again-{t}"})
    assert_error(status, payload, 409)
    assert anna.state() == first

    # The second waits with anna; the third submitter turns the pool into a group.
    ben_answers = answers_for(state["prompts"], f"bens-reflection-{t}")
    cai_answers = answers_for(state["prompts"], f"cais-reflection-{t}")
    ben.ok("accept_agreement")
    assert ben.ok("submit_reflection", {"answers": ben_answers, "request_id": f"s-ben-{t}"})["stage"] == "pool"
    assert anna.state()["pool"]["waiting"] == 2
    cai.ok("accept_agreement")
    assert cai.ok("submit_reflection", {"answers": cai_answers, "request_id": f"s-cai-{t}"})["stage"] == "group"

    states = {who: who.state() for who in (anna, ben, cai)}
    handles = {who: me(s) for who, s in states.items()}
    reflection_of = {who: s["reflection"]["id"] for who, s in states.items()}
    by_answers = {anna: anna_answers, ben: ben_answers, cai: cai_answers}
    assert len({s["group"]["id"] for s in states.values()}) == 1
    for who, state in states.items():
        assert state["stage"] == "group"
        assert {m["id"] for m in state["group"]["members"]} == set(handles.values())
        assert {m["name"] for m in state["group"]["members"]} == {display_name_for(x.student_id) for x in states}
        # Every member sees every thread of the group, with its text.
        assert {t_["id"] for t_ in state["threads"]} == set(reflection_of.values())
        for author in states:
            seen = thread(state, reflection_of[author])
            assert seen["answers"] == by_answers[author]
            assert seen["author"]["id"] == handles[author] and seen["author"]["is_me"] is (author is who)
        assert set(state["suggested"]) <= set(reflection_of.values()) - {reflection_of[who]}

    # Comments, with request ids: a retried comment is stored once.
    text = f"Thank you for sharing, Ben ({t}). <b>Not bold</b> & \"quoted\""
    body = {"reflection_id": reflection_of[ben], "text": text, "request_id": f"c-anna-ben-{t}"}
    once = anna.ok("comment", body)
    assert once["progress"]["comments_given"] == 1 and once["progress"]["complete"] is False
    assert anna.ok("comment", body) == once
    for who in (anna, ben, cai):
        found = comments_with(who.state(), reflection_of[ben], text)
        assert len(found) == 1, (who, found)
        assert found[0]["author"]["id"] == handles[anna] and found[0]["helpful"] is False
    comment_id = comments_with(once, reflection_of[ben], text)[0]["id"]

    # The author toggles "helpful"; everyone sees it.
    for helpful in (True, False, True):
        ben.ok("mark_helpful", {"comment_id": comment_id, "helpful": helpful})
        for who in (anna, ben, cai):
            assert comments_with(who.state(), reflection_of[ben], text)[0]["helpful"] is helpful
    status, payload = cai.call("mark_helpful", {"comment_id": comment_id, "helpful": True})
    assert_error(status, payload, 404)  # not cai's reflection

    # A flag is shown to the flagger; one's own text cannot be flagged.
    flagged = cai.ok("flag", {"item_id": comment_id, "reason": "Please check this"})
    assert comments_with(flagged, reflection_of[ben], text)[0]["flagged"] is True
    assert comments_with(anna.state(), reflection_of[ben], text)[0]["flagged"] is False
    status, payload = anna.call("flag", {"item_id": comment_id, "reason": "mine"})
    assert_error(status, payload, 409)

    # Edits are shown as edited to everyone.
    edited_text = text + " (edited)"
    anna.ok("edit_comment", {"comment_id": comment_id, "text": edited_text})
    new_answers = answers_for(state["prompts"], f"bens-edited-reflection-{t}")
    ben.ok("edit_reflection", {"answers": new_answers})
    seen = cai.state()
    assert comments_with(seen, reflection_of[ben], edited_text)[0]["edited"] is True
    assert thread(seen, reflection_of[ben])["answers"] == new_answers and thread(seen, reflection_of[ben])["edited"] is True

    # Everyone gives the required two comments and completes.
    plan = [(anna, cai), (ben, anna), (ben, cai), (cai, anna), (cai, ben)]
    for number, (author, target) in enumerate(plan):
        body = {"reflection_id": reflection_of[target], "text": f"Feedback {number} {t}: thank you for this",
                "request_id": f"c{number}-{t}"}
        author.ok("comment", body)
    for who in (anna, ben, cai):
        progress = who.state()["progress"]
        assert progress == {"submitted": True, "comments_given": 2, "comments_required": 2, "complete": True}, (who, progress)

    # A late joiner fills the group (group_size 4) and sees everything, comments included.
    dan = Learner(workbench, EN, f"dan_{t}")
    joined = submit(dan, f"dans-reflection-{t}")
    assert joined["stage"] == "group" and joined["group"]["id"] == states[anna]["group"]["id"]
    assert len(joined["threads"]) == 4
    assert len(comments_with(joined, reflection_of[ben], edited_text)) == 1
    assert sum(len(t_["comments"]) for t_ in joined["threads"]) == 6

    # A reload renders the same state into the page.
    assert Learner(workbench, EN, anna.student_id).page.init_args["state"] == anna.state()


# -- confidentiality between groups -----------------------------------------------------------------

def two_groups(workbench, t, limit=20):
    """Submit learners in ``foorumi.0`` until one group holds two of them and another one."""
    mine = []
    for number in range(limit):
        learner = Learner(workbench, FI, f"iso{number}_{t}")
        submit(learner, f"secret-{t}-{number}")
        mine.append(learner)
        by_group = {}
        for each in mine:
            state = each.state()
            if state["stage"] == "group":
                by_group.setdefault(state["group"]["id"], []).append(each)
        full = [g for g, members in by_group.items() if len(members) >= 2]
        others = [g for g in by_group if full and g != full[0]]
        if full and others:
            return by_group[full[0]], by_group[others[0]][0]
    raise AssertionError(f"{limit} submitters never made two groups")


def test_a_learner_of_another_group_reaches_nothing_of_this_group(workbench):
    t = tag()
    (author, commenter, *_rest), outsider = two_groups(workbench, t)
    reflection_id = author.state()["reflection"]["id"]
    secret_comment = f"kommentti-vain-ryhmalle-{t}"
    state = commenter.ok("comment", {"reflection_id": reflection_id, "text": secret_comment, "request_id": f"in-{t}"})
    comment_id = comments_with(state, reflection_id, secret_comment)[0]["id"]
    before = {who.student_id: who.state() for who in (author, commenter)}

    attempts = [
        ("comment", {"reflection_id": reflection_id, "text": "hei", "request_id": f"x1-{t}"}),
        ("comment", {"reflection_id": comment_id, "text": "hei", "request_id": f"x2-{t}"}),
        ("flag", {"item_id": reflection_id, "reason": "spam"}),
        ("flag", {"item_id": comment_id, "reason": "spam"}),
        ("mark_helpful", {"comment_id": comment_id, "helpful": True}),
        ("edit_comment", {"comment_id": comment_id, "text": "muutettu"}),
        ("edit_comment", {"comment_id": reflection_id, "text": "muutettu"}),
    ]
    for handler, data in attempts:
        response = outsider.request(handler, data)
        assert_error(response.status_code, response.json(), 404)
        assert f"secret-{t}-" not in response.text and secret_comment not in response.text

    # edit_reflection takes no id: whatever id is sent, only the sender's own reflection changes.
    own_edit = answers_for(outsider.state()["prompts"], f"outsider-edit-{t}")
    response = outsider.request("edit_reflection", {"answers": own_edit, "reflection_id": reflection_id})
    assert response.status_code == 200, response.text
    assert response.json()["reflection"]["answers"] == own_edit

    after = {who.student_id: who.state() for who in (author, commenter)}
    assert after == before, "another group's requests changed this group's state"
    outsider_state = outsider.state()
    group_texts = [secret_comment] + [
        answer for t_ in before[author.student_id]["threads"] for answer in t_["answers"].values()
    ]
    dumped = json.dumps(outsider_state, ensure_ascii=False)
    for text in group_texts:
        assert text not in dumped
    assert reflection_id not in dumped and comment_id not in dumped
    page = outsider.load_page().html
    assert secret_comment not in page and all(text not in page for text in group_texts)


# -- escaping ---------------------------------------------------------------------------------------

def test_learner_text_is_never_markup_in_a_page(workbench):
    """Text as typed comes back in JSON; a page embedding it cannot end its <script> element."""
    t = tag()
    payload = f"</script><script>window.pwned_{t}=1</script><img src=x onerror=alert(1)>"
    learner = Learner(workbench, EN, f"xss_{t}")
    learner.ok("accept_agreement")
    state = learner.ok("save_draft", {"answers": {"origin": payload}})
    assert state["draft"]["origin"] == payload  # stored as typed
    page = learner.load_page()
    assert page.status == 200
    assert re.search(r"</script>\s*<script>window\.pwned_", page.html) is None, \
        "learner text ends the page's <script> element (stored XSS through the block's JSON init args)"
    assert page.init_args is not None and page.init_args["state"]["draft"]["origin"] == payload


# -- pseudonyms -------------------------------------------------------------------------------------

def test_pseudonymous_json_never_names_a_learner(workbench):
    t = tag()
    names = [("anna", "k"), ("ben", "l"), ("cai", "m")]
    learners = [Learner(workbench, PSEUDO, f"{first}_{initial}_{t}") for first, initial in names]
    sent = []  # every JSON text a learner received

    def call(learner, handler, data=None):
        response = learner.request(handler, data)
        assert response.status_code == 200, (handler, response.text)
        sent.append(response.text)
        return response.json()

    states = []
    for number, learner in enumerate(learners):
        state = call(learner, "state")
        assert state["agreement"]["required"] is False and state["stage"] == "reflect"
        states.append(call(learner, "submit_reflection", {
            "answers": answers_for(state["prompts"], f"pseudo-{t}-{number}"), "request_id": f"ps-{t}-{number}"}))
    assert states[0]["stage"] == "pool" and states[1]["stage"] == "group" and states[2]["stage"] == "group"

    final = [call(learner, "state") for learner in learners]
    assert len({s["group"]["id"] for s in final}) == 1
    for number, learner in enumerate(learners):
        state = final[number]
        target = next(th for th in state["threads"] if not th["author"]["is_me"])
        body = {"reflection_id": target["id"], "text": f"Good point {t} {number}, thank you", "request_id": f"pc-{t}-{number}"}
        after = call(learner, "comment", body)
        assert after["progress"]["complete"] is True
    for learner in learners:
        state = call(learner, "state")
        assert sorted(m["name"] for m in state["group"]["members"]) == ["Participant 1", "Participant 2", "Participant 3"]
        mine = next(th for th in state["threads"] if th["author"]["is_me"])
        for comment in mine["comments"]:
            call(learner, "mark_helpful", {"comment_id": comment["id"], "helpful": True})
        other = next(th for th in state["threads"] if not th["author"]["is_me"])
        call(learner, "flag", {"item_id": other["id"], "reason": "Just checking"})
        for language in (None, "fi"):
            page = learner.load_page(headers={"Accept-Language": language} if language else None)
            assert page.status == 200 and page.init_args is not None
            sent.append(json.dumps(page.init_args, ensure_ascii=False))
            sent.append(json.dumps(page.init_args))

    everything = "\n".join(sent).lower()
    for learner in learners:
        uid = learner.student_id
        for secret in (uid, display_name_for(uid), anonymous_id_for(uid)):
            assert secret.lower() not in everything, f"learner JSON carries {secret!r}"


@needs_finnish
def test_pseudonyms_are_finnish_in_finnish(workbench):
    t = tag()
    learners = []
    for number in range(6):
        learner = Learner(workbench, PSEUDO, f"pseudo_fi{number}_{t}", language="fi")
        submit(learner, f"pseudo-fi-{t}-{number}")
        learners.append(learner)
        state = learners[0].state()
        if state["stage"] == "group":
            break
    assert state["stage"] == "group"
    assert all(re.fullmatch(r"Osallistuja \d+", m["name"]) for m in state["group"]["members"]), state["group"]
