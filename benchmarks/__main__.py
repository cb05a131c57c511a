"""What a learner's request costs as a forum grows, at the runtime level and over HTTP from
several workers, beside xblock-poll; the staff report and CSV at scale; where the time goes.

Usage: ``python -m benchmarks [SIZE ...] [--database sqlite|postgresql]
[--server postgresql|mariadb|none] [--samples N] [--staff-samples N]
[--profile server|runtime|both|none] [--profile-requests N] [--profile-out DIR]``

Sizes default to 10, 1,000 and 10,000 learners in one forum each; ``--samples`` (timed
requests per measure and forum) to 60; the full default run takes 3½ to 4 minutes on the
2-core development machine (half of it seeding the 10,000 learners). Bench-only dependencies (xblock-poll,
pyinstrument): ``pip install -r benchmarks/requirements.txt``; without them the poll
comparison or the profiles are skipped, and the run says so.

**Seeding.** For each size, a forum block (groups of 5, from 3 up to 7; 2 comments
required; no agreement step) is seeded through the repository (``benchmarks/seed.py``, in
transactions of 500 learners): every learner submitted, every learner in a group commented
once. The forums are seeded once, into the runtime level's database (a fresh sqlite file,
as the test suite uses, or with ``--database postgresql`` a throwaway PostgreSQL database),
each under the usage id of a workbench scenario; with a server, their rows are then copied
into the server's fresh database (``database.copy_tables``: every Foorumi table, keys
included), so both parts measure the same forums.

**(a) Runtime level** (``benchmarks/measure.py``), through the real block handlers
(``tests/runtime/harness.py``), the forums taking turns request by request:

- ``state``: a seeded learner's full poll of their view (group, threads, progress);
- ``no-change poll``: the page's poll when nothing changed, ``state {"since": version}``
  with the version of that learner's last state (must answer ``{"unchanged": true}``);
- ``submit``: a newcomer submitting a reflection (placement under the forum lock: joins a
  group with room, or the pool); each forum gains a newcomer per request, so submits come
  last;
- ``comment``: a seeded learner's new comment in their group (a new request id each time);
- ``queries state/poll``: SQL queries of one ``state`` and one no-change poll.

Times are the server time of one handler call in milliseconds (median and 95th percentile
of ``--samples``); the first 3 rounds of each measure are not counted.

**(b) Over HTTP** (``benchmarks/server.py``, with ``--server``, default PostgreSQL): the
workbench under ``gunicorn --preload -w 4`` (``benchmarks/server_wsgi.py``: DEBUG off,
authored fields cached per process, scenarios added before the fork, as the multi-process
tests serve it) on a throwaway database of Debian's PostgreSQL 15 (or MariaDB), both on
127.0.0.1 only. One client sends one request at a time and times what it waits: connect,
send, the worker's whole request, the whole answer. The same four measures per forum, and
xblock-poll's ``get_results`` (in the rounds of ``state``) and ``vote`` (in the rounds of
``comment``; a new learner per vote, as each learner votes once) on a ``<poll>`` of the
same server. Foorumi's figures are then given over the poll's: reads over
``get_results``, writes over ``vote``. Every worker serves every forum before timing.

**Staff** (``--staff-samples``, default 3, after one warm-up): ``staff_report`` and the CSV
export (GET ``export_csv``, no texts) of the largest forum, taking turns, at the runtime
level and over HTTP.

**Profiles** (``benchmarks/profiles.py``): the largest forum's ``state`` and ``comment``
(``--profile-requests`` each, default 20) and 2 staff reports again under pyinstrument, in
the server's workers (default) or at the runtime level, summarized as top costs: Foorumi
call sites (with the SQL they cause) and kinds of work (the driver's round trips, Django's
SQL compiler, the ORM, the runtime, JSON, Foorumi's own Python). ``--profile-out DIR``
also writes pyinstrument's whole tree per label.

**Reading the figures.** A learner's request should cost what their group costs, not what
the course costs: the ``10,000/10`` rows should stay near x1 (goal: at most x1.2), and the
query counts at x1.00 exactly; a ratio that grows with the size means some request reads
the whole forum. A comment should cost at most twice a poll vote (over HTTP, where both
pay the same runtime and server). The staff report should take under 2 s and the CSV
under 5 s at 10,000 learners. p95 figures are noisier than medians; on a busy machine
(other test runs) both wander by some tens of percent, but the interleaving puts any load
on every size alike. Nothing here asserts a time: the goals are reported, met or not.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

from . import database

SIZES = (10, 1000, 10000)
SAMPLES = 60
STAFF_SAMPLES = 3
PROFILE_REQUESTS = 20
PROFILE_STAFF = 2


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n", 1)[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES), metavar="SIZE",
                        help="learners per forum (at least 3, so a group forms)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                        help="the runtime level's database (default sqlite)")
    parser.add_argument("--server", choices=("postgresql", "mariadb", "none"), default="postgresql",
                        help="the database under gunicorn -w 4 for the HTTP part, or none (default postgresql)")
    parser.add_argument("--conn-max-age", type=int, default=0, metavar="SECONDS",
                        help="the workers' CONN_MAX_AGE (default 0, as the workbench and the multi-process tests: "
                             "a new database connection per request)")
    parser.add_argument("--samples", type=int, default=SAMPLES,
                        help=f"timed requests per measure and forum (default {SAMPLES})")
    parser.add_argument("--staff-samples", type=int, default=STAFF_SAMPLES,
                        help=f"timed staff reports and CSV exports of the largest forum (default {STAFF_SAMPLES}; 0: none)")
    parser.add_argument("--profile", choices=("server", "runtime", "both", "none"), default=None,
                        help="where to profile (default: server with --server, else runtime)")
    parser.add_argument("--profile-requests", type=int, default=PROFILE_REQUESTS,
                        help=f"profiled state and comment requests each (default {PROFILE_REQUESTS})")
    parser.add_argument("--profile-out", type=Path, default=None,
                        help="also write pyinstrument's whole tree per profiled request kind into this folder")
    options = parser.parse_args(argv)
    if any(size < 3 for size in options.sizes):
        parser.error("every forum needs at least 3 learners (the smallest group)")
    if options.samples < 2:
        parser.error("--samples must be at least 2")
    if options.staff_samples < 0 or options.profile_requests < 1:
        parser.error("--staff-samples must be 0 or more, --profile-requests 1 or more")
    options.sizes = sorted(set(options.sizes))
    options.server = None if options.server == "none" else options.server
    if options.profile is None:
        options.profile = "server" if options.server else "runtime"
    if options.profile in ("server", "both") and not options.server:
        parser.error("--profile server needs --server postgresql or mariadb")
    return options


def progress(message):
    print(message, file=sys.stderr, flush=True)


class Stopwatch:
    """Progress lines with the seconds each step took."""

    def __init__(self):
        self.started = time.perf_counter()

    def step(self, message):
        now = time.perf_counter()
        progress(f"{message} in {now - self.started:.1f} s")
        self.started = now


def seed_all(sizes, usage_ids, clock):
    """Seed every forum (an hour ago, under its scenario's usage id); in the order of ``sizes``."""
    from . import seed  # needs Django set up

    now = float(int(time.time()) - 3600)
    forums = []
    for size, usage_id in zip(sizes, usage_ids, strict=True):
        forums.append(seed.seed_forum(size, usage_id=usage_id, now=now))
        clock.step(f"seeded {size:,} learners")
    return forums


def run_server(options, databases, forums, clock, poll_version, profile_dir):
    """The HTTP part; ``(ServerResults, lines describing the server)``."""
    from django.db import connections

    from . import server

    scenarios = [server.forum_scenario(size) for size in options.sizes] + ([server.POLL] if poll_version else [])
    described = database.describe(connections[database.SERVER_ALIAS])
    databases = {"default": dict(databases["default"], CONN_MAX_AGE=options.conn_max_age)}
    with server.serve(databases, scenarios, learners=max(options.sizes), profile_dir=profile_dir) as served:
        clock.step(f"gunicorn --preload -w {server.WORKERS} up on {described}")
        results, bench = server.measure(served, forums, options.samples, options.staff_samples, poll_version)
        clock.step("measured over HTTP")
        if profile_dir is not None:
            server.profile(bench, options.profile_requests, PROFILE_STAFF)
            clock.step("profiled in the workers")
    return results, described


def runtime_profiles(forum, requests_each):
    """State, comment and the staff report of ``forum`` profiled at the runtime level."""
    from . import measure, profiles

    visitors = measure.pick_visitors(forum)
    versions = {}
    sessions = {
        "state": profiles.profile_calls(lambda n: measure.request_state(forum, visitors, n, versions), requests_each),
        "comment": profiles.profile_calls(
            lambda n: forum.harness.ok(visitors[n % len(visitors)], "comment", {
                "reflection_id": forum.threads[visitors[n % len(visitors)]], "text": measure.COMMENT,
                "request_id": f"profile-comment-{n}"}), requests_each),
        "staff_report": profiles.profile_calls(lambda _n: measure.staff_report(forum), PROFILE_STAFF),
    }
    counts = {"state": requests_each, "comment": requests_each, "staff_report": PROFILE_STAFF}
    return sessions, counts


def print_profiles(where, sessions, counts, out):
    from . import profiles

    print(f"\nProfiles, {where}:")
    for label, session in sessions.items():
        if session is None:
            print(f"{label}: no profile was recorded")
            continue
        print("\n".join(profiles.render(label, where, session, counts[label])))
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            profiles.save_text(session, out / f"{where.split()[0]}-{label}.txt")


def main(argv=None):
    options = parse(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    clock = Stopwatch()
    with database.configured(options.database, options.server) as server_databases:
        from . import measure, profiles, report, server

        print(database.environment(), flush=True)
        notes = []
        poll_version = server.poll_installed() if server_databases else None
        if server_databases and not poll_version:
            notes.append("xblock-poll is not installed (pip install -r benchmarks/requirements.txt): "
                         "no poll comparison")
        profiling = profiles.available()
        if options.profile != "none" and not profiling:
            notes.append("pyinstrument is not installed (pip install -r benchmarks/requirements.txt): no profiles")
        usage_ids = [server.forum_scenario(size).usage_id for size in options.sizes]
        forums = seed_all(options.sizes, usage_ids, clock)
        if server_databases:
            counts = database.copy_tables()
            clock.step(f"copied {sum(counts.values()):,} rows into the server's database")

        server_results = described = None
        server_sessions = None
        if server_databases:
            with tempfile.TemporaryDirectory(prefix="foorumi-bench-profiles-") as profile_dir:
                wanted = profiling and options.profile in ("server", "both")
                server_results, described = run_server(options, server_databases, forums, clock, poll_version,
                                                       profile_dir if wanted else None)
                if wanted:
                    loaded = {label: profiles.load(profile_dir, label) for label in ("state", "comment", "staff_report")}
                    server_sessions = ({label: session for label, (session, _n) in loaded.items()},
                                       {label: n for label, (_session, n) in loaded.items()})

        largest = forums[-1]
        runtime_staff = measure.measure_staff(largest, options.staff_samples) if options.staff_samples else None
        runtime_sessions = None
        if profiling and options.profile in ("runtime", "both"):
            runtime_sessions = runtime_profiles(largest, options.profile_requests)
        runtime_results = measure.measure_forums(forums, options.samples)
        clock.step("measured at the runtime level")

        from django.db import connection

        print(f"\n(a) Runtime level ({database.describe(connection)}): server time of one handler call, "
              f"ms, median / p95 of {options.samples}")
        print("\n".join(report.forum_table(runtime_results)))
        if server_results is not None:
            print(f"\n(b) HTTP on 127.0.0.1: gunicorn --preload -w {server.WORKERS} ({server_results.workers} workers "
                  f"answered), {described}, CONN_MAX_AGE {options.conn_max_age}: request time as one client waits, "
                  f"ms, median / p95 of {options.samples}")
            print("\n".join(report.forum_table(server_results.forums)))
            if server_results.poll is not None:
                print("\n".join(report.poll_table(server_results.forums, server_results.poll)))
        staff_columns = [("runtime level", runtime_staff),
                         ("HTTP", server_results.staff if server_results else None)]
        if options.staff_samples:
            print()
            print("\n".join(report.staff_table(staff_columns)))
        print()
        print("\n".join(report.goals(runtime_results, server_results, staff_columns)))
        for note in notes:
            print(f"Note: {note}")
        if server_sessions:
            print_profiles(f"server workers ({described})", *server_sessions, options.profile_out)
        if runtime_sessions:
            print_profiles(f"runtime level ({database.describe(connection)})", *runtime_sessions, options.profile_out)
    progress(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
