"""The workbench for the multi-process tests: the product's demo forums plus the race forums.

Served by ``gunicorn --preload -w 4 race_wsgi:application`` (``tests/multiprocess`` on
``PYTHONPATH``). Every scenario is loaded here, in the master, before the workers fork, so the
workers never race to create them and each worker has all of them.

Forums (scenario id: what for):

* ``race.0`` … ``race.24``: race (a), one fresh forum per trial (groups of 3–7, agreement off).
* ``race.tabs``: race (b), two different comments of one learner at the same moment.
* ``race.retry``: race (c), the same comment (same ``request_id``) twice at the same moment.
* ``race.load``: the 100-learner run.
* ``race.staff.0`` … ``race.staff.9``: race (e), staff's "form groups now" racing submits.

Unlike ``make run``, and as in the LMS, ``DEBUG`` is off and authored fields (settings,
content) are cached per process. ``GET /__mp__/worker`` answers ``{"pid", "scenarios"}`` from
whichever worker took it (after ``?sleep=<s>``, at most 1 s), so a test can see that every
worker has every scenario.
"""
import json
import os
import time
from urllib.parse import parse_qs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foorumi_xblock.workbench.settings")

from django.conf import settings  # noqa: E402  (after the settings and sys.path it needs)
from django.core.wsgi import get_wsgi_application  # noqa: E402  (after the settings and sys.path it needs)
from django.db import connections  # noqa: E402  (after the settings and sys.path it needs)

_django = get_wsgi_application()
# As the LMS runs: DEBUG off (no debug cursor, no per-request list of queries, plain error
# pages). Errors are still logged to workbench.log, which a failed test shows.
settings.DEBUG = False

from workbench.runtime import WORKBENCH_KVS  # noqa: E402  (after the settings and sys.path it needs)
from workbench.scenarios import add_xml_scenario, get_scenarios  # noqa: E402  (after the settings and sys.path it needs)
from foorumi_xblock.workbench.authored_cache import cache_authored_fields  # noqa: E402  (after the settings)

cache_authored_fields(WORKBENCH_KVS)

RACE_FORUMS = 25
STAFF_FORUMS = 10  # race (e): staff's "form groups now" racing two submits
FORUM = (
    '<foorumi display_name="{title}" group_size="{size}" min_group_size="{min}" max_group_size="{max}" '
    'comments_required="2" identity="named" agreement_required="false" pool_timeout_hours="24">'
    '<prompt id="p" min_words="1" max_words="200">Why?</prompt></foorumi>'
)
EXTRA = {
    **{f"race.{n}": (f"Race forum {n}", 5, 3, 7) for n in range(RACE_FORUMS)},
    "race.tabs": ("Race forum two tabs", 5, 3, 7),
    "race.retry": ("Race forum same request id", 5, 3, 7),
    "race.load": ("Race forum one hundred learners", 5, 3, 7),
    **{f"race.staff.{n}": (f"Race forum staff {n}", 5, 3, 7) for n in range(STAFF_FORUMS)},
}


def _load_scenarios():
    scenarios = get_scenarios()  # the product's demo forums (foorumi.0 …)
    for scname, (title, size, low, high) in EXTRA.items():
        if scname not in scenarios:
            add_xml_scenario(scname, title, FORUM.format(title=title, size=size, min=low, max=high))
    return scenarios


SCENARIOS = _load_scenarios()
connections.close_all()  # no connection crosses the fork


def application(environ, start_response):
    """The workbench, plus ``/__mp__/worker`` (which worker answered, and what it has)."""
    if environ.get("PATH_INFO") == "/__mp__/worker":
        query = parse_qs(environ.get("QUERY_STRING", ""))
        time.sleep(min(float(query.get("sleep", ["0"])[0]), 1.0))
        body = json.dumps({"pid": os.getpid(), "scenarios": sorted(get_scenarios())}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    return _django(environ, start_response)
