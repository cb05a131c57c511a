"""Server time of learner requests through the real block handlers (``ForumHarness``).

A request's time is the whole handler call as the runtime makes it: a fresh block for
the user, the JSON body parsed, the operation run as one transaction, the learner state
rendered to JSON.

The forums are measured interleaved, one request per forum in turn, so whatever else
the machine is doing (and the warming of caches) falls on every size alike; the first
``WARMUP`` rounds of each measure are not counted. Every loop runs a fixed number of
times; nothing here asserts a time.
"""
import statistics
import time
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

#: Rounds run first and not counted.
WARMUP = 3
#: Distinct seeded learners whose requests are timed (spread over the forum).
VISITORS = 20
COMMENT = "Lisää ajatuksia tästä aiheesta."


@dataclass(frozen=True)
class Timing:
    """Milliseconds of ``count`` requests: the median and the 95th percentile."""

    median: float
    p95: float
    count: int


@dataclass(frozen=True)
class Result:
    """One forum's figures (see ``report.py``)."""

    learners: int
    state: Timing
    submit: Timing
    comment: Timing
    state_queries: int


def measure_forums(forums, samples):
    """The figures of each seeded forum (``samples`` timed requests per measure), in order;
    submits, which grow the forums, come last."""
    visitors = [pick_visitors(forum) for forum in forums]
    for forum, users in zip(forums, visitors, strict=True):
        for user in users:  # a learner's first visit records their placement: not what we time
            forum.harness.ok(user, "state")
    state = _interleaved(forums, samples, lambda i, n: request_state(forums[i], visitors[i], n))
    comment = _interleaved(forums, samples, lambda i, n: request_comment(forums[i], visitors[i], n))
    queries = [count_state_queries(forum, users[0]) for forum, users in zip(forums, visitors, strict=True)]
    answers = [forum.harness.answers() for forum in forums]
    submit = _interleaved(forums, samples, lambda i, n: request_submit(forums[i], answers[i], n))
    return [
        Result(learners=len(forum.learners), state=state[i], submit=submit[i], comment=comment[i],
               state_queries=queries[i])
        for i, forum in enumerate(forums)
    ]


def pick_visitors(forum, count=VISITORS):
    """Up to ``count`` learners who commented while seeding, evenly spread over the forum."""
    grouped = [name for name in forum.learners if name in forum.threads]
    step = max(1, len(grouped) // count)
    return grouped[::step][:count]


def request_state(forum, visitors, n):
    """A poll: the learner's state, from the visitors in turn."""
    return forum.harness.ok(visitors[n % len(visitors)], "state")


def request_comment(forum, visitors, n):
    """A new comment (new request id) in the thread the visitor commented on when seeded."""
    user = visitors[n % len(visitors)]
    data = {"reflection_id": forum.threads[user], "text": COMMENT, "request_id": f"bench-comment-{n}"}
    return forum.harness.ok(user, "comment", data)


def request_submit(forum, answers, n):
    """A newcomer's first request: submitting a reflection (joins a group or the pool)."""
    data = {"answers": answers, "request_id": f"bench-submit-{n}"}
    return forum.harness.ok(f"newcomer{n}", "submit_reflection", data)


def count_state_queries(forum, user):
    """SQL queries of one ``state`` request of a learner in a group."""
    reset_queries()  # DEBUG keeps a capped query log; an index past the cap would miscount
    with CaptureQueriesContext(connection) as captured:
        state = forum.harness.ok(user, "state")
    assert state["stage"] == "group", state["stage"]  # a grouped learner's full view, not a timing
    return len(captured.captured_queries)


def _interleaved(forums, samples, request):
    """``request(i, n)`` for every forum ``i`` in each round ``n``; a ``Timing`` per forum."""
    times = [[] for _ in forums]
    for n in range(WARMUP + samples):
        for i, series in enumerate(times):
            milliseconds = _ms(request, i, n)
            if n >= WARMUP:
                series.append(milliseconds)
    return [_timing(series) for series in times]


def _ms(call, *args):
    start = time.perf_counter()
    call(*args)
    return (time.perf_counter() - start) * 1000


def _timing(milliseconds):
    p95 = statistics.quantiles(milliseconds, n=20, method="inclusive")[-1]  # interpolated
    return Timing(median=statistics.median(milliseconds), p95=p95, count=len(milliseconds))
