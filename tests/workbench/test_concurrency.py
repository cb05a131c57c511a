"""Fifty learners at once against the real workbench: nothing is lost, nothing is doubled.

This module has its own workbench (fresh database); every submitter in the English
scenario is one of the test's learners, so the roster can be checked exactly. Requests go
from 8 threads in a random order (the seed is printed), including retries sent twice at
the same moment with the same ``request_id`` and two different comments of one learner
sent at the same moment (two tabs).
"""
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.workbench.client import Learner

pytestmark = pytest.mark.workbench

SCENARIO = "foorumi.1"  # group_size 4, min_group_size 3, max_group_size 6, comments_required 2
GROUP_SIZE, MIN_GROUP_SIZE, COMMENTS_REQUIRED = 4, 3, 2
LEARNERS = 50
THREADS = 8
BUDGET_SECONDS = 90
DUPLICATE_SHARE = 0.25
TWO_TABS_SHARE = 0.3


class Clock:
    """The test's time budget."""

    def __init__(self, seconds):
        self.deadline = time.monotonic() + seconds
        self.started = time.monotonic()

    def left(self):
        left = self.deadline - time.monotonic()
        assert left > 0, f"over the {BUDGET_SECONDS}s budget"
        return left


def run_all(pool, tasks, clock):
    """Run ``tasks`` (callables) on the pool in the given order; their results, in order."""
    futures = [pool.submit(task) for task in tasks]
    return [future.result(timeout=clock.left()) for future in futures]


def answers_for(prompts, marker):
    return {p["id"]: " ".join([marker] + [f"sana{i}" for i in range(max(p["min_words"] or 0, 1) + 2)]) for p in prompts}


def pairs_at_once(first, second, timeout=30):
    """Two tasks that send their request at the same moment (a retry racing the original)."""
    barrier = threading.Barrier(2, timeout=timeout)

    def wrap(task):
        def run():
            barrier.wait()
            return task()
        return run

    return [wrap(first), wrap(second)]


def test_fifty_learners_at_once_lose_nothing(workbench):
    seed = random.randrange(2**32)
    print(f"random seed {seed}")
    rng = random.Random(seed)
    clock = Clock(BUDGET_SECONDS)
    t = uuid.uuid4().hex[:8]
    jitter = [rng.random() * 0.02 for _ in range(4 * LEARNERS)]

    with ThreadPoolExecutor(THREADS) as pool:
        # -- everyone opens the forum and accepts the ground rules, in a random order --------
        def arrive(number):
            def run():
                time.sleep(jitter[number])
                learner = Learner(workbench, SCENARIO, f"load{number}_{t}")
                state = learner.ok("accept_agreement")
                return learner, state["prompts"]
            return run

        order = list(range(LEARNERS))
        rng.shuffle(order)
        arrived = dict(zip(order, run_all(pool, [arrive(n) for n in order], clock), strict=True))
        learners = [arrived[n][0] for n in range(LEARNERS)]
        prompts = arrived[0][1]
        answers = [answers_for(prompts, f"reflection-{t}-{n}") for n in range(LEARNERS)]

        # -- everyone submits; some submits are retried at the same moment ------------------
        def submit(number):
            def run():
                time.sleep(jitter[LEARNERS + number])
                return number, learners[number].call(
                    "submit_reflection", {"answers": answers[number], "request_id": f"submit-{t}-{number}"})
            return run

        tasks = []
        for number in order:
            if rng.random() < DUPLICATE_SHARE:
                tasks.extend(pairs_at_once(submit(number), submit(number)))
            else:
                tasks.append(submit(number))
        reflection_ids = {}
        for number, (status, payload) in run_all(pool, tasks, clock):
            assert status == 200, (learners[number], status, payload)
            rid = payload["reflection"]["id"]
            assert reflection_ids.setdefault(number, rid) == rid, "a retried submit created a second reflection"

        # -- everyone's view: one group or the pool, and every reflection visible -------------
        states = run_all(pool, [learner.state for learner in learners], clock)
        groups, pool_members = {}, []
        handle = {}
        for number, state in enumerate(states):
            assert state["reflection"]["id"] == reflection_ids[number]
            assert state["reflection"]["answers"] == answers[number]
            if state["stage"] == "pool":
                pool_members.append(number)
                assert state["group"] is None and state["threads"] == []
                continue
            assert state["stage"] == "group", (number, state["stage"])
            mine = [m["id"] for m in state["group"]["members"] if m["is_me"]]
            assert len(mine) == 1, state["group"]
            handle[number] = mine[0]
            groups.setdefault(state["group"]["id"], []).append(number)

        assert len(pool_members) < MIN_GROUP_SIZE, f"{len(pool_members)} left waiting in the pool"
        for number in pool_members:
            assert states[number]["pool"]["waiting"] == len(pool_members)
        assert sum(len(m) for m in groups.values()) + len(pool_members) == LEARNERS
        for group_id, numbers in groups.items():
            assert MIN_GROUP_SIZE <= len(numbers) <= GROUP_SIZE, (group_id, numbers)
            if pool_members:
                assert len(numbers) == GROUP_SIZE, "someone waits in the pool while a group has room"
            member_handles = {handle[n] for n in numbers}
            for number in numbers:
                state = states[number]
                assert {m["id"] for m in state["group"]["members"]} == member_handles, (group_id, number)
                seen = {th["id"]: th for th in state["threads"]}
                assert set(seen) == {reflection_ids[n] for n in numbers}, (group_id, number)
                for other in numbers:
                    assert seen[reflection_ids[other]]["answers"] == answers[other]
                    assert seen[reflection_ids[other]]["author"]["id"] == handle[other]

        # -- everyone comments on every peer; a quarter of the comments are retried at once --
        def comment(number, target):
            text = f"Kiitos paljon tästä pohdinnasta, comment-{t}-{number}-on-{target}"  # 5 words: it counts
            request_id = f"c-{t}-{number}-{target}"

            def run():
                time.sleep(jitter[2 * LEARNERS + number])
                status, payload = learners[number].call(
                    "comment", {"reflection_id": reflection_ids[target], "text": text, "request_id": request_id})
                found = None
                if status == 200:
                    th = next(th for th in payload["threads"] if th["id"] == reflection_ids[target])
                    found = [c["id"] for c in th["comments"] if c["text"] == text]
                return ("comment", number, target, text, status, payload if status != 200 else found)
            return run

        def look(number):
            def run():
                return ("state", number, None, None, *learners[number].call("state"))
            return run

        # Units of work in a random order: one comment; the same comment twice at once (a
        # retry racing the original); or two different comments of one learner at once (two tabs).
        units = []
        for numbers in groups.values():
            for number in numbers:
                targets = [n for n in numbers if n != number]
                rng.shuffle(targets)
                if rng.random() < TWO_TABS_SHARE:
                    units.append(pairs_at_once(comment(number, targets[0]), comment(number, targets[1])))
                    targets = targets[2:]
                for target in targets:
                    if rng.random() < DUPLICATE_SHARE:
                        units.append(pairs_at_once(comment(number, target), comment(number, target)))
                    else:
                        units.append([comment(number, target)])
        rng.shuffle(units)
        tasks = []
        for unit in units:
            tasks.extend(unit)
            if rng.random() < 0.2:
                tasks.append(look(rng.randrange(LEARNERS)))

        made = {}  # (number, target) -> (text, comment id)
        for kind, number, target, text, status, detail in run_all(pool, tasks, clock):
            if kind == "state":
                assert status == 200, (learners[number], status)
                continue
            assert status == 200, (learners[number], "comment", status, detail)
            assert len(detail) == 1, f"the comment {text!r} appears {len(detail)} times to its author"
            previous = made.setdefault((number, target), (text, detail[0]))
            assert previous == (text, detail[0]), "a retried comment was stored twice"

        # -- afterwards, every member sees every comment exactly once ------------------------
        final = run_all(pool, [learner.state for learner in learners], clock)

    for group_id, numbers in groups.items():
        for viewer in numbers:
            state = final[viewer]
            assert state["group"]["id"] == group_id
            threads = {th["id"]: th for th in state["threads"]}
            assert set(threads) == {reflection_ids[n] for n in numbers}
            for target in numbers:
                comments = threads[reflection_ids[target]]["comments"]
                expected = {made[(n, target)] for n in numbers if (n, target) in made}
                got = [(c["text"], c["id"]) for c in comments]
                assert sorted(got) == sorted(expected), (group_id, viewer, target)
                authors = {c["id"]: c["author"]["id"] for c in comments}
                for n in numbers:
                    if (n, target) in made:
                        assert authors[made[(n, target)][1]] == handle[n]
            given = sum(1 for (n, _target) in made if n == viewer)
            assert given == len(numbers) - 1
            assert state["progress"] == {
                "submitted": True, "comments_given": given, "comments_required": COMMENTS_REQUIRED,
                "complete": given >= COMMENTS_REQUIRED,
            }, (viewer, state["progress"])
    for number in pool_members:
        assert final[number]["stage"] == "pool" and final[number]["threads"] == []
    elapsed = time.monotonic() - clock.started
    print(f"{LEARNERS} learners, {len(made)} comments, {len(groups)} groups, pool {len(pool_members)}: {elapsed:.1f}s")
    assert elapsed < BUDGET_SECONDS
