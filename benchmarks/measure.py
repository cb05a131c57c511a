"""Server time of requests through the real block handlers at the runtime level (``ForumHarness``).

A request's time is the whole handler call as the runtime makes it: a fresh block for
the user, the JSON body parsed, the operation run as one transaction, the learner state
(or the staff report, or the CSV) rendered.

The forums are measured interleaved, one request per forum in turn, so whatever else
the machine is doing (and the warming of caches) falls on every size alike; the first
``WARMUP`` rounds of each measure are not counted. Every loop runs a fixed number of
times; nothing here asserts a time (only that each answer is the one meant: a no-change
poll must be answered ``unchanged``).
"""
import statistics
import time
from dataclasses import dataclass, field

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from webob import Request

from .seed import AUTHOR

#: Rounds run first and not counted.
WARMUP = 3
#: Distinct seeded learners whose requests are timed (spread over the forum).
VISITORS = 20
COMMENT = "Lisää ajatuksia tästä aiheesta."


@dataclass(frozen=True)
class Timing:
    """Milliseconds of ``count`` requests: the median, the 95th percentile, the slowest."""

    median: float
    p95: float
    count: int
    maximum: float

    @classmethod
    def of(cls, milliseconds):
        ordered = sorted(milliseconds)
        if len(ordered) == 1:
            return cls(median=ordered[0], p95=ordered[0], count=1, maximum=ordered[0])
        p95 = statistics.quantiles(ordered, n=20, method="inclusive")[-1]  # interpolated
        return cls(median=statistics.median(ordered), p95=p95, count=len(ordered), maximum=ordered[-1])


@dataclass(frozen=True)
class Result:
    """One forum's figures (see ``report.py``); ``queries`` maps a measure's name to the SQL
    queries one such request makes (where counted)."""

    learners: int
    state: Timing
    poll: Timing
    submit: Timing
    comment: Timing
    queries: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StaffResult:
    """The staff report and the CSV export of one forum: times, rows, bytes."""

    learners: int
    report: Timing
    csv: Timing
    report_learners: int
    csv_rows: int
    csv_bytes: int


def measure_forums(forums, samples):
    """The figures of each seeded forum (``samples`` timed requests per measure), in order;
    submits, which grow the forums, come last."""
    visitors = [pick_visitors(forum) for forum in forums]
    versions = [{} for _ in forums]  # per forum: visitor -> the version of their last state
    for forum, users, seen in zip(forums, visitors, versions, strict=True):
        for user in users:  # a learner's first visit records their placement: not what we time
            seen[user] = forum.harness.ok(user, "state")["version"]
    state = _interleaved(forums, samples, lambda i, n: request_state(forums[i], visitors[i], n, versions[i]))
    poll = _interleaved(forums, samples, lambda i, n: request_poll(forums[i], visitors[i], n, versions[i]))
    queries = [{
        "state": count_queries(lambda f=forum, u=users, s=seen: request_state(f, u, 0, s)),
        "poll": count_queries(lambda f=forum, u=users, s=seen: request_poll(f, u, 0, s)),
    } for forum, users, seen in zip(forums, visitors, versions, strict=True)]
    comment = _interleaved(forums, samples, lambda i, n: request_comment(forums[i], visitors[i], n))
    for counted, forum, users in zip(queries, forums, visitors, strict=True):
        counted["comment"] = count_queries(lambda f=forum, u=users: request_comment(f, u, WARMUP + samples))
    answers = [forum.harness.answers() for forum in forums]
    submit = _interleaved(forums, samples, lambda i, n: request_submit(forums[i], answers[i], n))
    for counted, forum, answer in zip(queries, forums, answers, strict=True):
        counted["submit"] = count_queries(lambda f=forum, a=answer: request_submit(f, a, WARMUP + samples))
    return [
        Result(learners=len(forum.learners), state=state[i], poll=poll[i], submit=submit[i], comment=comment[i],
               queries=queries[i])
        for i, forum in enumerate(forums)
    ]


def pick_visitors(forum, count=VISITORS):
    """Up to ``count`` learners who commented while seeding, evenly spread over the forum."""
    grouped = [name for name in forum.learners if name in forum.threads]
    step = max(1, len(grouped) // count)
    return grouped[::step][:count]


def request_state(forum, visitors, n, versions):
    """A full poll: the learner's state, from the visitors in turn (their version kept)."""
    user = visitors[n % len(visitors)]
    state = forum.harness.ok(user, "state")
    assert state["stage"] == "group", state["stage"]  # a grouped learner's full view
    versions[user] = state["version"]


def request_poll(forum, visitors, n, versions):
    """The page's poll when nothing changed: ``state {"since": version}`` → ``unchanged``."""
    user = visitors[n % len(visitors)]
    answer = forum.harness.ok(user, "state", {"since": versions[user]})
    assert answer.get("unchanged") is True, answer  # else this was not the no-change poll


def request_comment(forum, visitors, n):
    """A new comment (new request id) in the thread the visitor commented on when seeded."""
    user = visitors[n % len(visitors)]
    data = {"reflection_id": forum.threads[user], "text": COMMENT, "request_id": f"bench-comment-{n}"}
    return forum.harness.ok(user, "comment", data)


def request_submit(forum, answers, n):
    """A newcomer's first request: submitting a reflection (joins a group or the pool)."""
    data = {"answers": answers, "request_id": f"bench-submit-{n}"}
    return forum.harness.ok(f"newcomer{n}", "submit_reflection", data)


def count_queries(request):
    """SQL queries of one request (``request()``)."""
    reset_queries()  # DEBUG keeps a capped query log; an index past the cap would miscount
    with CaptureQueriesContext(connection) as captured:
        request()
    return len(captured.captured_queries)


def staff_report(forum):
    """The staff report, as course staff ask for it; returns its number of learners."""
    return len(forum.harness.ok(AUTHOR, "staff_report")["learners"])


def export_csv(forum):
    """The CSV export (GET, no texts); returns ``(rows, bytes)``."""
    block = forum.harness.block(AUTHOR)
    response = block.runtime.handle(block, "export_csv", Request.blank("/", method="GET"))
    assert response.status_code == 200, response.status_code
    return response.body.count(b"\n") - 1, len(response.body)


def measure_staff(forum, samples):
    """The staff report and the CSV export of ``forum``, taking turns; one warm-up each."""
    report_ms, csv_ms = [], []
    learners = rows = size = 0
    for n in range(1 + samples):
        start = time.perf_counter()
        learners = staff_report(forum)
        middle = time.perf_counter()
        rows, size = export_csv(forum)
        end = time.perf_counter()
        if n:
            report_ms.append((middle - start) * 1000)
            csv_ms.append((end - middle) * 1000)
    return StaffResult(learners=len(forum.learners), report=Timing.of(report_ms), csv=Timing.of(csv_ms),
                       report_learners=learners, csv_rows=rows, csv_bytes=size)


def _interleaved(forums, samples, request):
    """``request(i, n)`` for every forum ``i`` in each round ``n``; a ``Timing`` per forum."""
    times = [[] for _ in forums]
    for n in range(WARMUP + samples):
        for i, series in enumerate(times):
            milliseconds = _ms(request, i, n)
            if n >= WARMUP:
                series.append(milliseconds)
    return [Timing.of(series) for series in times]


def _ms(call, *args):
    start = time.perf_counter()
    call(*args)
    return (time.perf_counter() - start) * 1000
