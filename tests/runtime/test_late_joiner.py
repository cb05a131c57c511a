"""Nobody is left without a response (issue 10, "honest waiting"): a learner who joins a
group late, when everyone there is already done, is suggested to those members until they
have the feedback they need, and the pool's deadline is kept whoever asks."""
from datetime import datetime

from tests.runtime.harness import ForumHarness

SETTINGS = {"group_size": 4, "min_group_size": 3, "max_group_size": 5, "comments_required": 2,
            "agreement_required": False, "feedback_min_words": 0}


def comment_on(forum, user, reflection_id, n):
    forum.ok(user, "comment", {"reflection_id": reflection_id, "text": f"Ajatuksia {n} sinulle", "request_id": f"c-{user}-{n}"})


def test_a_late_joiner_is_suggested_to_members_who_are_done_until_they_have_their_feedback():
    forum = ForumHarness(**SETTINGS)
    first = ("anna", "ben", "cai")
    for user in first:
        forum.submit(user)
    for user in first:  # everyone comments on both peers: the three are done
        state = forum.ok(user, "state")
        for n, thread in enumerate(t for t in state["threads"] if not t["author"]["is_me"]):
            comment_on(forum, user, thread["id"], n)
    assert all(forum.ok(u, "state")["progress"]["complete"] for u in first)

    joined = forum.submit("dora")  # the group has room: the late joiner lands in it
    assert joined["stage"] == "group"
    doras = joined["reflection"]["id"]
    for user in first:
        state = forum.ok(user, "state")
        assert state["progress"]["complete"], "a completion once given is not taken back"
        assert state["suggested"][:1] == [doras], (user, state["suggested"])
    comment_on(forum, "anna", doras, 9)
    # One comment short: still first for Cai, who has not commented on her.
    assert forum.ok("cai", "state")["suggested"][:1] == [doras]
    # And she is asked to comment on her new peers like anyone else.
    assert len(forum.ok("dora", "state")["suggested"]) == 3


def test_the_pool_deadline_is_kept_when_the_waiter_never_returns():
    forum = ForumHarness(**SETTINGS)
    forum.submit("anna")
    forum.submit("ben")
    waiting = forum.ok("anna", "state")
    assert waiting["stage"] == "pool"
    deadline = datetime.fromisoformat(waiting["pool"]["deadline"]).timestamp()
    assert deadline == forum.now + 24 * 3600
    forum.now = deadline + 1
    forum.ok("staff_someone", "state")  # anyone's request to the forum applies the timeout
    anna = forum.records()["participants"][0]
    assert anna["waiting_since"] is None, "placed at the deadline, without coming back"
