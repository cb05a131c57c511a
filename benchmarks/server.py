"""The server part: the workbench under ``gunicorn --preload -w 4`` on a server database,
measured over HTTP on 127.0.0.1 from one client, beside xblock-poll on the same server.

``serve`` starts gunicorn (``server_wsgi.py``) in a process group of its own on a free
loopback port (``foorumi_xblock/workbench/servers.py``, as the multi-process tests do),
over the server database into which the seeded forums were copied, and stops that group
afterwards. ``measure`` then times, from the client, one request at a time:

- per forum (the forums taking turns, as at the runtime level): ``state``, the no-change
  poll ``state {"since": version}`` (must answer ``unchanged``), ``comment`` and a
  newcomer's ``submit_reflection``;
- xblock-poll's ``get_results`` (in the rounds of ``state``) and ``vote`` (in the rounds
  of ``comment``; a new learner per vote, as each learner votes once);
- the staff report and the CSV export of the largest forum, taking turns;
- with profiling, the same requests again under pyinstrument in the workers.

A request's time is what the client waits: connect, send, the worker's whole request
(Django, the workbench runtime, the handler, its transaction), receive the whole body.
Before timing, every forum is visited until each of the ``WORKERS`` workers has served it
(their per-process caches warm); the first ``WARMUP`` rounds of each measure are not
counted either. Every loop is bounded.
"""
import contextlib
import json
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import quote

import requests

from foorumi_xblock.workbench import servers

from .measure import VISITORS, WARMUP, Result, StaffResult, Timing, pick_visitors
from .seed import SETTINGS

WORKERS = servers.WORKERS
WSGI = "benchmarks.server_wsgi:application"
START_TIMEOUT = 180
REQUEST_TIMEOUT = 120
#: At most this many extra state requests per forum to reach every worker before timing.
WARM_LIMIT = 200
STAFF = "staff_bench"
COMMENT = "Lisää ajatuksia tästä aiheesta."
POLL_XML = '<poll display_name="{title}" question="Which colour do you like best?"/>'
FORUM_XML = ('<foorumi display_name="{title}" group_size="{group_size}" min_group_size="{min_group_size}" '
             'max_group_size="{max_group_size}" comments_required="{comments_required}" '
             'agreement_required="{agreement}" identity="named" pool_timeout_hours="24"/>')


# ------------------------------------------------------------------------ scenarios


@dataclass(frozen=True)
class Scenario:
    """A workbench scenario the server adds before it forks."""

    scenario_id: str
    description: str
    block_type: str
    xml: str

    @property
    def usage_id(self):
        """The usage id the workbench gives the scenario's root block (its id generator:
        ``{slug of the description}.{block type}.d0.u0``); ``server_wsgi`` checks it."""
        from django.template.defaultfilters import slugify

        return f"{slugify(self.description)}.{self.block_type}.d0.u0"

    def entry(self):
        return [self.scenario_id, self.description, self.usage_id, self.xml]


def forum_scenario(size):
    """The scenario of the forum of ``size`` learners (the settings of ``seed.SETTINGS``)."""
    title = f"Bench forum of {size} learners"
    values = {name: value for name, value in SETTINGS.items() if name != "agreement_required"}
    xml = FORUM_XML.format(title=title, agreement=str(SETTINGS["agreement_required"]).lower(), **values)
    return Scenario(f"bench.forum.{size}", title, "foorumi", xml)


POLL = Scenario("bench.poll", "Bench poll", "poll", POLL_XML.format(title="Bench poll"))


def poll_installed():
    """xblock-poll's version when it is installed (a bench-only dependency), else None."""
    from .database import package_version

    return package_version("xblock-poll")


# --------------------------------------------------------------------------- gunicorn


@contextlib.contextmanager
def serve(databases, scenarios, learners, profile_dir=None):
    """``gunicorn --preload -w WORKERS`` serving ``server_wsgi`` over ``databases`` on a free
    loopback port, with ``scenarios`` added before the fork; yields a ``servers.Served``."""
    with tempfile.TemporaryDirectory(prefix="foorumi-bench-server-") as var_dir:
        env = servers.workbench_env(databases, var_dir, BENCH_SCENARIOS=json.dumps([s.entry() for s in scenarios]),
                                    BENCH_LEARNERS=str(learners))
        env.pop("BENCH_PROFILE_DIR", None)
        if profile_dir:
            env["BENCH_PROFILE_DIR"] = str(profile_dir)
        with servers.gunicorn(WSGI, env, var_dir, seconds=START_TIMEOUT, request_timeout=REQUEST_TIMEOUT) as served:
            yield served


# ----------------------------------------------------------------------------- client


class Client:
    """One HTTP client: posts JSON to the workbench's handler URLs as any student.

    The workbench picks the user from ``?student=``; a CSRF cookie from one page view
    (the product's first demo forum) serves every student.
    """

    def __init__(self, url):
        self.url = url
        self.session = requests.Session()
        page = self.session.get(f"{url}/scenario/foorumi.0/?student=bench_client", timeout=REQUEST_TIMEOUT)
        assert page.status_code == 200, page.status_code
        self.csrf = self.session.cookies.get("csrftoken")
        assert self.csrf, "the scenario page set no csrftoken cookie"

    def call(self, usage_id, handler, student, data=None, method="POST", profile=None):
        """One request; returns ``(milliseconds, response)``, the time as the client waits."""
        url = f"{self.url}/handler/{usage_id}/{handler}/?student={quote(student)}"
        headers = {"X-CSRFToken": self.csrf, "Referer": f"{self.url}/"}
        if profile:
            headers["X-Bench-Profile"] = profile
        body = None
        if method == "POST":
            headers["Content-Type"] = "application/json"
            body = json.dumps({} if data is None else data).encode()
        start = time.perf_counter()
        response = self.session.request(method, url, data=body, headers=headers, timeout=REQUEST_TIMEOUT)
        milliseconds = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{handler} as {student} answered {response.status_code}: {response.text[:500]}")
        return milliseconds, response

    def json(self, *args, **kwargs):
        """``(milliseconds, decoded JSON, response)`` of one request."""
        milliseconds, response = self.call(*args, **kwargs)
        return milliseconds, response.json(), response


# --------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class PollResult:
    """xblock-poll's two handlers on the same server."""

    version: str
    vote: Timing
    results: Timing
    queries: dict  # "vote" / "results": SQL statements of one such request


@dataclass(frozen=True)
class ServerResults:
    """Everything measured over HTTP."""

    forums: list  # measure.Result per forum (no query counts)
    poll: PollResult | None
    staff: StaffResult | None
    workers: int  # distinct worker pids that answered timed requests


class Bench:
    """The client's view of the seeded forums on the server (same learners as seeded)."""

    def __init__(self, client, forums, poll):
        self.client = client
        self.forums = forums
        self.usage = [forum_scenario(len(f.learners)).usage_id for f in forums]
        self.poll = poll
        self.visitors = [pick_visitors(forum, VISITORS) for forum in forums]
        self.versions = [{} for _ in forums]
        self.workers = set()
        self.queries = {}  # (measure, forum index or None): statements of the latest such request
        self.answers = forums[0].harness.answers() if forums else {}

    def _json(self, kind, index, *args, **kwargs):
        milliseconds, payload, response = self.client.json(*args, **kwargs)
        self._seen(kind, index, response)
        return milliseconds, payload

    def _seen(self, kind, index, response):
        self.workers.add(response.headers.get("X-Bench-Worker"))
        counted = response.headers.get("X-Bench-Queries")
        if counted is not None:
            self.queries[kind, index] = int(counted)

    # -- one request of each kind -----------------------------------------------------
    def state(self, i, n, profile=None):
        user = self.visitors[i][n % len(self.visitors[i])]
        milliseconds, payload = self._json("state", i, self.usage[i], "state", user, profile=profile)
        self.versions[i][user] = payload["version"]
        return milliseconds

    def no_change(self, i, n):
        user = self.visitors[i][n % len(self.visitors[i])]
        milliseconds, payload = self._json("poll", i, self.usage[i], "state", user, {"since": self.versions[i][user]})
        if payload.get("unchanged") is not True:
            raise RuntimeError(f"the no-change poll of {user} was answered with a full state")
        return milliseconds

    def comment(self, i, n, profile=None):
        user = self.visitors[i][n % len(self.visitors[i])]
        data = {"reflection_id": self.forums[i].threads[user], "text": COMMENT, "request_id": f"http-comment-{n}"}
        return self._json("comment", i, self.usage[i], "comment", user, data, profile=profile)[0]

    def submit(self, i, n):
        data = {"answers": self.answers, "request_id": f"http-submit-{n}"}
        return self._json("submit", i, self.usage[i], "submit_reflection", f"http_newcomer{n}", data)[0]

    def vote(self, n):
        milliseconds, payload = self._json("vote", None, self.poll.usage_id, "vote", f"pollvoter{n}", {"choice": "B"})
        if payload.get("success") is not True:
            raise RuntimeError(f"the poll refused a vote: {payload}")
        return milliseconds

    def results(self, n):
        return self._json("results", None, self.poll.usage_id, "get_results", f"pollvoter{n % VISITORS}")[0]

    def staff_report(self, i, profile=None):
        milliseconds, payload = self._json("staff_report", i, self.usage[i], "staff_report", STAFF, profile=profile)
        return milliseconds, len(payload["learners"])

    def export_csv(self, i):
        milliseconds, response = self.client.call(self.usage[i], "export_csv", STAFF, method="GET")
        self._seen("export_csv", i, response)
        return milliseconds, response.content.count(b"\n") - 1, len(response.content)

    # -- preparing ----------------------------------------------------------------------
    def first_visits(self):
        """Each visitor's first state (records their placement: not timed), then state
        requests until every worker has served every forum (bounded)."""
        served = [set() for _ in self.forums]
        for i, users in enumerate(self.visitors):
            for n in range(len(users)):
                self.state(i, n)
        for i in range(len(self.forums)):
            for n in range(WARM_LIMIT):
                if len(served[i]) >= WORKERS:
                    break
                user = self.visitors[i][n % len(self.visitors[i])]
                _ms, payload, response = self.client.json(self.usage[i], "state", user)
                self.versions[i][user] = payload["version"]
                served[i].add(response.headers.get("X-Bench-Worker"))
        if self.poll:
            for n in range(WARM_LIMIT):  # the poll's tally row exists before any timed vote
                self.client.json(self.poll.usage_id, "get_results", f"pollvoter{n % VISITORS}")
                if n >= 2 * WORKERS:
                    break


def _rounds(samples, series):
    """Run ``series`` (a list of ``call(n)`` returning milliseconds) in turn, ``WARMUP +
    samples`` rounds; a ``Timing`` per series (warm-up rounds left out)."""
    times = [[] for _ in series]
    for n in range(WARMUP + samples):
        for call, kept in zip(series, times, strict=True):
            milliseconds = call(n)
            if n >= WARMUP:
                kept.append(milliseconds)
    return [Timing.of(kept) for kept in times]


def measure(served, forums, samples, staff_samples, poll_version=None):
    """Every figure of the server part (see the module docstring); ``ServerResults``."""
    bench = Bench(Client(served.url), forums, POLL if poll_version else None)
    bench.first_visits()
    bench.workers.clear()
    count = len(forums)
    poll_reads = [lambda n: bench.results(n)] if poll_version else []
    poll_votes = [lambda n: bench.vote(n)] if poll_version else []
    reads = _rounds(samples, [lambda n, i=i: bench.state(i, n) for i in range(count)] + poll_reads)
    no_change = _rounds(samples, [lambda n, i=i: bench.no_change(i, n) for i in range(count)])
    writes = _rounds(samples, [lambda n, i=i: bench.comment(i, n) for i in range(count)] + poll_votes)
    staff = measure_staff(bench, count - 1, staff_samples) if staff_samples else None
    submits = _rounds(samples, [lambda n, i=i: bench.submit(i, n) for i in range(count)])
    results = [
        Result(learners=len(forum.learners), state=reads[i], poll=no_change[i], submit=submits[i], comment=writes[i],
               queries={name: bench.queries.get((name, i)) for name in ("state", "poll", "submit", "comment")})
        for i, forum in enumerate(forums)
    ]
    poll = PollResult(version=poll_version, vote=writes[-1], results=reads[-1],
                      queries={name: bench.queries.get((name, None)) for name in ("vote", "results")}) \
        if poll_version else None
    return ServerResults(forums=results, poll=poll, staff=staff, workers=len(bench.workers - {None})), bench


def measure_staff(bench, index, samples):
    """The staff report and the CSV export of forum ``index``, taking turns; one warm-up."""
    report_ms, csv_ms = [], []
    learners = rows = size = 0
    for n in range(1 + samples):
        milliseconds, learners = bench.staff_report(index)
        csv_milliseconds, rows, size = bench.export_csv(index)
        if n:
            report_ms.append(milliseconds)
            csv_ms.append(csv_milliseconds)
    return StaffResult(learners=len(bench.forums[index].learners), report=Timing.of(report_ms),
                       csv=Timing.of(csv_ms), report_learners=learners, csv_rows=rows, csv_bytes=size)


def profile(bench, requests_each, staff_requests):
    """The largest forum's ``state``, ``comment`` and staff report again, each request
    profiled in its worker (``X-Bench-Profile``); labels in the order asked."""
    largest = len(bench.forums) - 1
    offset = 10_000  # request ids and rotation apart from the timed rounds
    for n in range(requests_each):
        bench.state(largest, offset + n, profile="state")
    for n in range(requests_each):
        bench.comment(largest, offset + n, profile="comment")
    for _n in range(staff_requests):
        bench.staff_report(largest, profile="staff_report")
    return ["state", "comment", "staff_report"]
