"""The workbench as the benchmark serves it: ``gunicorn --preload -w 4 benchmarks.server_wsgi:application``.

Like ``tests/multiprocess/race_wsgi.py`` (and as the LMS runs): ``DEBUG`` off, authored
fields (settings, content) cached per process, every scenario loaded in the master
before the workers fork (``foorumi_xblock/workbench/servers.py``, ``preforked_workbench``).
Configured by the environment that ``server.py`` sets:

* ``BENCH_SCENARIOS``: JSON ``[[scenario id, description, expected usage id, OLX], ...]``:
  one Foorumi scenario per forum size (the benchmark's settings, ``seed.SETTINGS``) and
  the xblock-poll ``<poll>`` (``server.py`` writes them). The usage id the workbench gives
  each forum must be the one it was seeded under (the learners' handles hash it), else
  start-up fails.
* ``BENCH_LEARNERS``: how many seeded learners (``learner0`` …) the workbench's user
  service should know by anonymous id. The LMS finds usernames for the staff report in
  one query (``retirement.usernames_by_anonymous_id``); the workbench's stand-in asks its
  user service per id, and for an id it has not seen rescans its state table. Seeded
  learners never made a request, so without this the report at 10,000 learners would
  measure 10,000 table scans of the workbench, not Foorumi.
* ``BENCH_PROFILE_DIR``: where a request carrying ``X-Bench-Profile: <label>`` leaves its
  pyinstrument session (``<label>.<pid>.<n>.json``), for ``profiles.py`` to combine.

Every response carries ``X-Bench-Worker: <pid>``, so the client can see which worker
answered (and warm every worker up before it measures), and ``X-Bench-Queries``: how many
SQL statements the request ran (Foorumi's, the workbench's key-value store's, the poll's).
"""
import itertools
import json
import os
from pathlib import Path

from django.db import connections

from foorumi_xblock.workbench.servers import preforked_workbench


def _add(scenario_id, description, expected, xml):
    from workbench.scenarios import add_xml_scenario, get_scenarios

    scenarios = get_scenarios()
    if scenario_id not in scenarios:
        add_xml_scenario(scenario_id, description, xml)
    usage_id = scenarios[scenario_id].usage_id
    if usage_id != expected:
        raise RuntimeError(f"scenario {scenario_id} got usage id {usage_id!r}, the forum was seeded as {expected!r}")


def _load():
    from workbench.scenarios import get_scenarios

    from foorumi_xblock.workbench import services

    get_scenarios()  # the product's demo forums (and any installed XBlock's), as the workbench has them
    for scenario_id, description, expected, xml in json.loads(os.environ.get("BENCH_SCENARIOS", "[]")):
        _add(scenario_id, description, expected, xml)
    for number in range(int(os.environ.get("BENCH_LEARNERS", "0"))):
        name = f"learner{number}"
        services._KNOWN_USERS[services.anonymous_id_for(name)] = name


_django = preforked_workbench(_load)
PROFILE_DIR = os.environ.get("BENCH_PROFILE_DIR")
_profiled = itertools.count()


def application(environ, start_response):
    """The workbench, with ``X-Bench-Worker`` and ``X-Bench-Queries`` (SQL statements the
    request ran on its database connection) on every response, and profiling on request."""
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    def respond(status, headers, exc_info=None):
        extra = [("X-Bench-Worker", str(os.getpid())), ("X-Bench-Queries", str(statements[0]))]
        return start_response(status, [*headers, *extra], exc_info)

    label = environ.get("HTTP_X_BENCH_PROFILE")
    with connections["default"].execute_wrapper(count):
        if not (label and PROFILE_DIR):
            return _whole(environ, respond)
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        try:
            return _whole(environ, respond)
        finally:
            session = profiler.stop()
            safe = "".join(c for c in label if c.isalnum() or c in "-_")
            session.save(Path(PROFILE_DIR) / f"{safe}.{os.getpid()}.{next(_profiled)}.json")


def _whole(environ, respond):
    """Django's whole answer, its ``close()`` called (Django then ends the request: signals,
    and the database connection closed unless ``CONN_MAX_AGE`` keeps it)."""
    response = _django(environ, respond)
    try:
        return [b"".join(response)]
    finally:
        close = getattr(response, "close", None)
        if close is not None:
            close()
