"""Races across worker processes, as the LMS runs Foorumi: ``gunicorn --preload -w 4`` on
MariaDB and on PostgreSQL (``race_workbench``, see conftest.py).

Every racing pair of requests is released together by a ``threading.Barrier``; each race is
repeated ``TRIALS`` times and every trial is checked, then the test fails with how many trials
broke which rule (so one run measures how often a race is lost, not just whether it can be).

* (a) two submitters while others wait: two in the pool, then two more submit at once.
* (b) two tabs: one learner sends two different comments on one reflection at once.
* (c) a retry racing the original: the same comment (same ``request_id``) twice at once.
* (d) 100 learners from 16 client threads: submit, comment on suggested peers, mark helpful.
* (e) staff's "form groups now" racing two submitters, while two others wait.
* (f), (g): groups that last, in ``test_group_set_races.py``.
"""
import collections
import functools
import random
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout

import pytest
import requests

from tests.workbench.client import Learner, scenarios

pytestmark = pytest.mark.multiprocess

TRIALS = 20
RACE_FORUMS = 25  # race.0 … race.24 in race_wsgi.py
GROUP_SIZE, MIN_GROUP_SIZE = 5, 3  # every race forum (max_group_size 7 only matters after a timeout)
# Time budgets, per test and database: guards against a hang, not performance targets. On the
# 2-core development machine the whole module took about 2 minutes (MariaDB 70 s, PostgreSQL
# 55 s), and under 3 minutes while other test runs shared the machine.
RACE_BUDGET = 150
LOAD_LEARNERS, LOAD_CLIENTS, LOAD_BUDGET = 100, 16, 300
HELPFUL_SHARE = 0.5  # of the comments, marked helpful by the reflection's author
BARRIER_TIMEOUT = 30


class Clock:
    """A test's time budget: a guard against hanging, generous for a busy machine."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.started = time.monotonic()

    def left(self):
        return self.seconds - (time.monotonic() - self.started)

    def elapsed(self):
        return time.monotonic() - self.started

    def results(self, pool, futures, what):
        """``future.result()`` of each of ``futures`` (a dict) within the budget; past it, the
        pool's queued work is cancelled and the test fails saying where it stood."""
        results = {}
        try:
            for key, future in futures.items():
                results[key] = future.result(timeout=max(self.left(), 0.01))
        except FutureTimeout:
            pool.shutdown(wait=False, cancel_futures=True)
            pytest.fail(f"{what}: over the {self.seconds}s budget after {self.elapsed():.0f}s "
                        f"({len(results)} of {len(futures)} done)", pytrace=False)
        return results


def at_once(*tasks):
    """Run ``tasks`` in threads of their own, released together by a barrier; their results.

    New threads mean new ``requests`` sessions (``Learner`` keeps one per thread): two tabs.
    """
    barrier = threading.Barrier(len(tasks), timeout=BARRIER_TIMEOUT)

    def released(task):
        barrier.wait()
        return task()

    with ThreadPoolExecutor(len(tasks)) as pool:
        futures = [pool.submit(released, task) for task in tasks]
        return [future.result(timeout=BARRIER_TIMEOUT + 120) for future in futures]


class Problems:
    """What broke, by rule: ``add(rule, detail)``; ``report()`` counts them."""

    def __init__(self, what):
        self.what = what
        self.by_rule = collections.defaultdict(list)
        self._lock = threading.Lock()

    def add(self, rule, detail):
        with self._lock:
            self.by_rule[rule].append(detail)

    def count(self):
        with self._lock:
            return sum(map(len, self.by_rule.values()))

    def __bool__(self):
        return bool(self.by_rule)

    def report(self, examples=3):
        lines = [self.what]
        for rule, details in sorted(self.by_rule.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"  {len(details)}× {rule}")
            lines.extend(f"      e.g. {detail}" for detail in details[:examples])
        return "\n".join(lines)


def tag():
    return uuid.uuid4().hex[:8]


def answers(marker):
    return {"p": f"{marker}: koska vertaistuki auttaa jaksamaan 🙂"}


def my_handle(state):
    if not state or not state.get("group"):
        return None
    mine = [m["id"] for m in state["group"]["members"] if m["is_me"]]
    return mine[0] if len(mine) == 1 else None


def thread_comments(state, reflection_id):
    """The comments of one thread in a learner state (``None`` when the thread is not there)."""
    for thread in (state or {}).get("threads") or []:
        if thread["id"] == reflection_id:
            return thread["comments"]
    return None


def with_text(state, reflection_id, text):
    """Ids of the comments with this text in that thread of a state."""
    return [c["id"] for c in thread_comments(state, reflection_id) or [] if c["text"] == text]


def in_parallel(calls):
    """Results of independent calls (callables), one thread each, in order."""
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result(timeout=180) for future in futures]


def formed_group(url, scenario, prefix, size=3):
    """``size`` learners submit one after another in a fresh forum: one group (setup, no race)."""
    learners = in_parallel([lambda n=n: Learner(url, scenario, f"{prefix}{n}") for n in range(size)])
    reflections = {}
    for n, learner in enumerate(learners):
        state = learner.ok("submit_reflection", {"answers": answers(f"{prefix}{n}"), "request_id": f"s-{prefix}{n}"})
        reflections[learner.student_id] = state["reflection"]["id"]
    states = in_parallel([learner.state for learner in learners])
    assert [s["stage"] for s in states] == ["group"] * size, [s["stage"] for s in states]
    assert len({s["group"]["id"] for s in states}) == 1, "setup: the sequential submitters are not in one group"
    return learners, reflections


def check_everyone_sees(problems, trial, learners, expected):
    """Every learner's state shows each of ``expected`` ({(reflection_id, text): comment_id or
    None}) exactly once, with that id. Returns the texts missing from someone's state."""
    missing = set()
    states = in_parallel([lambda learner=learner: learner.call("state") for learner in learners])
    for learner, (status, state) in zip(learners, states, strict=True):
        if status != 200:
            problems.add("state not 200 afterwards", (trial, learner.student_id, status))
            continue
        for (reflection_id, text), comment_id in expected.items():
            ids = with_text(state, reflection_id, text)
            if not ids:
                missing.add(text)
                problems.add("a comment answered 200 is missing from a member's state", (trial, learner.student_id, text))
            elif len(ids) > 1:
                problems.add("a comment appears more than once", (trial, learner.student_id, text, ids))
            elif comment_id is not None and ids != [comment_id]:
                problems.add("a member sees another id for the comment", (trial, learner.student_id, ids, comment_id))
    return missing


# -- the servers --------------------------------------------------------------------------------

def test_every_worker_serves_every_forum(race_workbench):
    """Several worker processes answer, and each has every scenario (loaded before the fork)."""
    url = race_workbench.url
    listed = scenarios(url)
    expected = {f"race.{n}" for n in range(RACE_FORUMS)} | {"race.tabs", "race.retry", "race.load"}
    assert expected <= set(listed), sorted(expected - set(listed))
    assert any(sid.startswith("foorumi.") for sid in listed), "the product's demo forums are missing"

    seen = {}
    clock = Clock(30)
    with ThreadPoolExecutor(12) as pool:
        while len(seen) < 4 and clock.left() > 0:
            probes = [pool.submit(requests.get, f"{url}/__mp__/worker?sleep=0.2", timeout=30) for _ in range(24)]
            for probe in probes:
                body = probe.result(timeout=60).json()
                seen[body["pid"]] = set(body["scenarios"])
    print(f"[{race_workbench.database}] workers answering: {sorted(seen)}")
    assert len(seen) == 4, f"only {len(seen)} of 4 gunicorn workers answered: {sorted(seen)}"
    for pid, names in seen.items():
        assert set(listed) <= names, (pid, sorted(set(listed) - names))


# -- (a) two submitters while others wait ---------------------------------------------------------

def test_two_submitters_while_two_wait(race_workbench):
    """A and B wait in the pool (2 < min 3); C and D submit at the same moment. Afterwards the
    four are one group of four: same group id, the members exactly them, nobody in the pool.

    One fresh forum per trial. The trials' forums are prepared in parallel (four learners open
    the page, A then B submit); then the races run one at a time, with nothing else going on.
    """
    url, db = race_workbench.url, race_workbench.database
    clock = Clock(RACE_BUDGET)
    problems = Problems(f"[{db}] two submitters while two wait")
    t = tag()

    def submit(learner):
        return lambda: learner.call(
            "submit_reflection", {"answers": answers(learner.student_id), "request_id": f"s-{learner.student_id}"}
        )

    def prepare(trial):
        four = [Learner(url, f"race.{trial}", f"a{trial}_{who}_{t}") for who in "abcd"]
        for learner in four[:2]:
            status, state = submit(learner)()
            assert status == 200 and state["stage"] == "pool", (
                f"setup: {learner.student_id} answered {status}, {(state or {}).get('stage')!r}"
            )
        return four

    with ThreadPoolExecutor(8) as pool:
        futures = {trial: pool.submit(prepare, trial) for trial in range(TRIALS)}
        prepared = list(clock.results(pool, futures, "preparing the forums").values())
    prepare_seconds = clock.elapsed()

    failed, done = set(), 0
    for trial, four in enumerate(prepared):
        if clock.left() <= 0:
            break
        before = problems.count()
        for learner, (status, payload) in zip(four[2:], at_once(submit(four[2]), submit(four[3])), strict=True):
            if status != 200:
                problems.add("a racing submit did not answer 200", (trial, learner.student_id, status, payload))

        states = {}
        after = in_parallel([lambda learner=learner: learner.call("state") for learner in four])
        for learner, (status, state) in zip(four, after, strict=True):
            if status != 200:
                problems.add("state not 200 afterwards", (trial, learner.student_id, status))
            states[learner.student_id] = state if status == 200 else None
        stages = {sid: (s or {}).get("stage") for sid, s in states.items()}
        waiting = [sid for sid, stage in stages.items() if stage == "pool"]
        if waiting:
            problems.add("someone is left in the pool", (trial, waiting))
        if any(stage not in ("group", "pool") for stage in stages.values()):
            problems.add("a submitter is neither grouped nor waiting", (trial, stages))
        grouped = {sid: s for sid, s in states.items() if s and s.get("stage") == "group"}
        group_ids = {s["group"]["id"] for s in grouped.values()}
        if len(group_ids) > 1:
            problems.add("the four are split over several groups", (trial, {sid: s["group"]["id"] for sid, s in grouped.items()}))
        handles = {sid: my_handle(s) for sid, s in grouped.items()}
        if len(grouped) == 4 and None not in handles.values():
            for sid, state in grouped.items():
                members = {m["id"] for m in state["group"]["members"]}
                if members != set(handles.values()):
                    problems.add("a member's group is not exactly the four", (trial, sid, len(members)))
        for sid, state in grouped.items():
            if len(state["group"]["members"]) < MIN_GROUP_SIZE:
                problems.add("a group below min_group_size", (trial, sid, len(state["group"]["members"])))
        if problems.count() > before:
            failed.add(trial)
        done += 1
    print(f"[{db}] (a) {done} trials, {len(failed)} failed; prepared in {prepare_seconds:.1f}s, total {clock.elapsed():.1f}s")
    assert not problems, f"{len(failed)} of {done} trials failed\n" + problems.report()
    assert done == TRIALS, f"only {done} of {TRIALS} trials within {RACE_BUDGET}s"


# -- (b) two tabs ----------------------------------------------------------------------------------

def test_two_tabs_comment_at_once(race_workbench):
    """One learner sends two different comments on one peer's reflection at the same moment:
    both answer 200, and every member then sees both, once each (and still does at the end)."""
    url, db = race_workbench.url, race_workbench.database
    clock = Clock(RACE_BUDGET)
    problems = Problems(f"[{db}] two tabs comment at once")
    t = tag()
    learners, reflections = formed_group(url, "race.tabs", f"tabs_{t}_")
    failed, done, made = set(), 0, {}
    for trial in range(TRIALS):
        if clock.left() <= 0:
            break
        commenter, author = learners[trial % 3], learners[(trial + 1) % 3]
        target = reflections[author.student_id]
        texts = [f"Välilehti {tab}, kierros {trial}: hyvä pointti! 👍 {t}" for tab in (1, 2)]
        before = problems.count()

        sends = [
            functools.partial(
                commenter.call, "comment", {"reflection_id": target, "text": text, "request_id": f"tab{tab}-{trial}-{t}"}
            )
            for tab, text in enumerate(texts, 1)
        ]
        expected = {}
        for tab, (text, (status, payload)) in enumerate(zip(texts, at_once(*sends), strict=True), 1):
            if status != 200:
                problems.add("a comment did not answer 200", (trial, tab, status, payload))
                continue
            ids = with_text(payload, target, text)
            if len(ids) != 1:
                problems.add("the response does not show its own comment once", (trial, tab, ids))
            expected[(target, text)] = ids[0] if len(ids) == 1 else None
        check_everyone_sees(problems, trial, learners, expected)
        made.update(expected)
        if problems.count() > before:
            failed.add(trial)
        done += 1
    lost = check_everyone_sees(problems, "at the end", learners, made)
    print(f"[{db}] (b) {done} trials, {len(failed)} failed, {len(made)} comments answered 200, "
          f"{len(lost)} of them missing at the end; {clock.elapsed():.1f}s")
    assert not problems, (f"{len(failed)} of {done} trials failed; {len(lost)} of {len(made)} comments answered 200 "
                          f"are missing from someone's state at the end\n" + problems.report())
    assert done == TRIALS, f"only {done} of {TRIALS} trials within {RACE_BUDGET}s"


# -- (c) the same request_id from two tabs ---------------------------------------------------------

def test_same_request_id_twice_at_once(race_workbench):
    """The same comment (same ``request_id``) sent twice at the same moment: both answer 200 with
    the same comment id, and every member sees the comment exactly once."""
    url, db = race_workbench.url, race_workbench.database
    clock = Clock(RACE_BUDGET)
    problems = Problems(f"[{db}] the same request_id twice at once")
    t = tag()
    learners, reflections = formed_group(url, "race.retry", f"retry_{t}_")
    failed, done, made = set(), 0, {}
    for trial in range(TRIALS):
        if clock.left() <= 0:
            break
        commenter, author = learners[trial % 3], learners[(trial + 2) % 3]
        target = reflections[author.student_id]
        text = f"Uudelleenyritys {trial}: kiitos avoimuudesta ❤️ {t}"
        body = {"reflection_id": target, "text": text, "request_id": f"retry-{trial}-{t}"}
        before = problems.count()
        send = functools.partial(commenter.call, "comment", body)
        results = at_once(send, send)
        got = []
        for copy, (status, payload) in enumerate(results, 1):
            if status != 200:
                problems.add("a copy did not answer 200", (trial, copy, status, payload))
                continue
            ids = with_text(payload, target, text)
            if len(ids) != 1:
                problems.add("a response does not show the comment exactly once", (trial, copy, ids))
            got.append(tuple(ids))
        if len(set(got)) > 1:
            problems.add("the two responses carry different comment ids", (trial, got))
        comment_id = got[0][0] if len(set(got)) == 1 and len(got[0]) == 1 else None
        check_everyone_sees(problems, trial, learners, {(target, text): comment_id})
        made[(target, text)] = comment_id
        if problems.count() > before:
            failed.add(trial)
        done += 1
    lost = check_everyone_sees(problems, "at the end", learners, made)
    print(f"[{db}] (c) {done} trials, {len(failed)} failed, {len(lost)} comments missing at the end; {clock.elapsed():.1f}s")
    assert not problems, (f"{len(failed)} of {done} trials failed; {len(lost)} of {len(made)} comments "
                          f"are missing from someone's state at the end\n" + problems.report())
    assert done == TRIALS, f"only {done} of {TRIALS} trials within {RACE_BUDGET}s"


# -- (d) 100 learners from 16 clients ------------------------------------------------------------

def test_hundred_learners_sixteen_clients(race_workbench):
    """100 learners open the forum and submit; then each comments on two suggested peers while
    reflection authors mark half of the comments on their reflection helpful; all from 16
    client threads in a random order (the seed is printed). Afterwards the groups partition the
    100 within the size rules, and every member sees their group's reflections, every comment
    answered 200 (once, unchanged) and every helpful mark answered 200."""
    url, db = race_workbench.url, race_workbench.database
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    print(f"\n[{db}] (d) random seed {seed}")
    clock = Clock(LOAD_BUDGET)
    problems = Problems(f"[{db}] {LOAD_LEARNERS} learners × {LOAD_CLIENTS} clients (seed {seed})")
    t = tag()
    everyone = range(LOAD_LEARNERS)
    will_mark = {(n, k): rng.random() < HELPFUL_SHARE for n in everyone for k in range(2)}
    phases = {}
    lock = threading.Lock()
    reflection = {}      # learner -> their reflection id
    seen_group = {}      # learner -> group id when they started giving feedback
    made = {}            # comment id -> (commenter, reflection author, text)
    helpful = set()      # comment ids marked helpful (answered 200)
    given = {}           # learner -> [(reflection id, comment id)] they commented

    with ThreadPoolExecutor(LOAD_CLIENTS) as pool:
        def run_all(name, calls):
            """``{key: result}`` of ``calls`` ({key: callable}), submitted in a random order."""
            started = time.monotonic()
            order = list(calls)
            rng.shuffle(order)
            futures = {key: pool.submit(calls[key]) for key in order}
            results = clock.results(pool, futures, f"phase {name!r}")
            phases[name] = time.monotonic() - started
            return results

        learners = run_all("open", {n: (lambda n=n: Learner(url, "race.load", f"load{n}_{t}")) for n in everyone})

        submits = run_all("submit", {n: (lambda n=n: learners[n].call(
            "submit_reflection", {"answers": answers(f"load{n}"), "request_id": f"s-{n}-{t}"})) for n in everyone})
        for n, (status, payload) in submits.items():
            if status == 200:
                reflection[n] = payload["reflection"]["id"]
            else:
                problems.add("a submit did not answer 200", (n, status, payload))
        author_of = {rid: n for n, rid in reflection.items()}

        def mark(author, comment_id):
            status, payload = learners[author].call("mark_helpful", {"comment_id": comment_id, "helpful": True})
            if status == 200:
                with lock:
                    helpful.add(comment_id)
            else:
                problems.add("mark_helpful did not answer 200", (author, comment_id, status, payload))
            return []

        def comment(n, k, state):
            """Learner ``n``'s ``k``-th comment, on the first suggested peer not yet commented on;
            follow-ups: the next comment, and maybe the author marking this one helpful."""
            if k == 0:
                status, state = learners[n].call("state")
                if status != 200:
                    problems.add("state not 200", (n, status))
                    return []
                if state["stage"] != "group":
                    problems.add(f"after everyone submitted, stage {state['stage']!r}, not 'group'", n)
                    return []
                seen_group[n] = state["group"]["id"]
            commented = {rid for rid, _ in given.get(n, ())}
            choices = [rid for rid in state.get("suggested") or [] if rid not in commented and rid != reflection.get(n)]
            if not choices:
                problems.add("nothing suggested to comment on", (n, k, len(state["group"]["members"])))
                return []
            target = choices[0]
            text = f"Palaute {n}→{author_of.get(target)} #{k}: tunnistan tämän. ✨ {t}"
            status, payload = learners[n].call("comment", {"reflection_id": target, "text": text, "request_id": f"c{k}-{n}-{t}"})
            if status != 200:
                problems.add("a comment did not answer 200", (n, target, status, payload))
                return []
            ids = with_text(payload, target, text)
            if len(ids) != 1:
                problems.add("a comment's response does not show it once", (n, target, ids))
                return []
            with lock:
                made[ids[0]] = (n, author_of.get(target), text)
                given.setdefault(n, []).append((target, ids[0]))
            follow = [lambda: comment(n, k + 1, payload)] if k + 1 < 2 else []
            if will_mark[(n, k)] and target in author_of:
                follow.append(lambda: mark(author_of[target], ids[0]))
            return follow

        # Comments and helpful marks interleave: 16 requests in flight, the next one drawn at
        # random from everything that may go now (a learner's second comment and the marks on a
        # comment become possible once that comment is answered).
        started = time.monotonic()
        ready = [lambda n=n: comment(n, 0, None) for n in everyone]
        in_flight = set()
        while ready or in_flight:
            while ready and len(in_flight) < LOAD_CLIENTS:
                in_flight.add(pool.submit(ready.pop(rng.randrange(len(ready)))))
            finished, in_flight = wait(in_flight, timeout=max(clock.left(), 0.01), return_when=FIRST_COMPLETED)
            if not finished:
                pool.shutdown(wait=False, cancel_futures=True)
                pytest.fail(f"comments and helpful marks: over the {LOAD_BUDGET}s budget ({len(made)} comments made)",
                            pytrace=False)
            for future in finished:
                ready.extend(future.result())
        phases["feedback"] = time.monotonic() - started

        final = run_all("final state", {n: (lambda n=n: learners[n].call("state")) for n in everyone})

    # -- the groups partition the 100 within the size rules, and nobody moved ---------------------
    states = {}
    members, handle = collections.defaultdict(set), {}
    for n in everyone:
        status, state = final[n]
        if status != 200:
            problems.add("state not 200 at the end", (n, status))
            continue
        states[n] = state
        if state["stage"] != "group":
            problems.add(f"at the end, stage {state['stage']!r}, not 'group'", n)
            continue
        members[state["group"]["id"]].add(n)
        handle[n] = my_handle(state)
        if n in seen_group and seen_group[n] != state["group"]["id"]:
            problems.add("a learner's group changed", (n, seen_group[n], state["group"]["id"]))
    if sum(map(len, members.values())) != LOAD_LEARNERS:
        problems.add(f"the groups hold {sum(map(len, members.values()))} of {LOAD_LEARNERS}", sorted(set(everyone) - set(handle)))
    for group_id, numbers in members.items():
        # No pool timeout (24 h) and no staff action: every group formed at min_group_size and
        # filled up to group_size, and with 100 = 20 × 5 nobody is left waiting.
        if not MIN_GROUP_SIZE <= len(numbers) <= GROUP_SIZE:
            problems.add(f"a group outside {MIN_GROUP_SIZE}–{GROUP_SIZE} members", (group_id, len(numbers)))
        handles = {handle[n] for n in numbers}
        for n in numbers:
            roster = {m["id"] for m in states[n]["group"]["members"]}
            if roster != handles:
                problems.add("a member's roster is not who is in the group",
                             (n, group_id, f"roster of {len(roster)}, {len(handles)} say they are in it"))

    # -- every member sees their group's reflections, comments and helpful marks ----------------
    on_reflection = collections.defaultdict(dict)  # author -> {comment id: text}
    for comment_id, (_n, author, text) in made.items():
        on_reflection[author][comment_id] = text
    for numbers in members.values():
        for n in numbers:
            threads = {th["id"]: th for th in states[n]["threads"]}
            expected = {reflection[m] for m in numbers if m in reflection}
            if set(threads) != expected:
                problems.add("a member does not see exactly the group's reflections",
                             (n, f"{len(set(threads) & expected)} of {len(expected)}, {len(set(threads) - expected)} others"))
            for m in numbers:
                thread = threads.get(reflection.get(m))
                if thread is None:
                    continue
                shown = collections.Counter(c["id"] for c in thread["comments"])
                for comment_id in on_reflection[m]:
                    if shown[comment_id] == 0:
                        problems.add("a comment answered 200 is missing from a member's state", (n, comment_id))
                    elif shown[comment_id] > 1:
                        problems.add("a comment appears more than once", (n, comment_id))
                extra = set(shown) - set(on_reflection[m])
                if extra:
                    problems.add("a member sees comments nobody made", (n, sorted(extra)))
                for c in thread["comments"]:
                    if c["id"] in made and c["text"] != made[c["id"]][2]:
                        problems.add("a comment's text changed", (n, c["id"]))
                    if c["id"] in helpful and not c.get("helpful"):
                        problems.add("a helpful mark answered 200 is missing", (n, c["id"]))

    timing = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in phases.items())
    print(f"[{db}] (d) {len(handle)} grouped in {len(members)} groups, {len(made)} comments, "
          f"{len(helpful)} helpful marks; {timing}; total {clock.elapsed():.1f}s")
    assert not problems, problems.report()


# -- (e) staff's "form groups now" racing submitters ---------------------------------------------


STAFF_TRIALS = 10  # race.staff.0 … race.staff.9 in race_wsgi.py


def test_form_groups_now_while_two_submit(race_workbench):
    """A and B wait (2 < min 3); staff press "form groups now" at the same moment as C and D
    submit. Whichever comes first, afterwards the four are all in groups, each in exactly
    one, as the staff report and every learner's own state agree; nobody waits."""
    url, db = race_workbench.url, race_workbench.database
    clock = Clock(RACE_BUDGET)
    problems = Problems(f"[{db}] form groups now while two submit")
    t = tag()
    failed = set()
    for trial in range(STAFF_TRIALS):
        if clock.left() <= 0:
            break
        before = problems.count()
        four = [Learner(url, f"race.staff.{trial}", f"e{trial}_{who}_{t}") for who in "abcd"]
        staff = Learner(url, f"race.staff.{trial}", f"staff_e{trial}_{t}")
        for learner in four:
            learner.state()
        for learner in four[:2]:
            learner.ok("submit_reflection", {"answers": answers(learner.student_id), "request_id": "s"})
        submit = [functools.partial(learner.call, "submit_reflection",
                                    {"answers": answers(learner.student_id), "request_id": "s"}) for learner in four[2:]]
        results = at_once(functools.partial(staff.call, "form_groups", {}), *submit)
        for (status, payload), what in zip(results, ("form_groups", "submit C", "submit D"), strict=True):
            if status != 200:
                problems.add("a racing request did not answer 200", (trial, what, status, payload))
        status, report = staff.call("staff_report")
        if status != 200:
            problems.add("staff_report not 200", (trial, status))
            continue
        placed = collections.Counter(m["username"] for g in report["groups"] for m in g["members"])
        names = {learner.student_id for learner in four}
        if report["pool"]:
            problems.add("someone still waits", (trial, [m["username"] for m in report["pool"]]))
        if set(placed) != names or any(count != 1 for count in placed.values()):
            problems.add("not everyone in exactly one group", (trial, dict(placed)))
        for learner in four:
            state = learner.state()
            if state["stage"] != "group":
                problems.add("a learner is not in a group", (trial, learner.student_id, state["stage"]))
        if problems.count() > before:
            failed.add(trial)
    print(f"[{db}] (e) {STAFF_TRIALS} trials, {len(failed)} failed, {clock.elapsed():.1f}s")
    assert not problems, f"{len(failed)} of {STAFF_TRIALS} trials failed\n" + problems.report()
