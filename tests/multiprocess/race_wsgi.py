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
* ``race.set.N.a`` and ``race.set.N.b`` (N = 0 … 9): race (f), two sessions of one group set
  ``race-set-N`` (session a forms groups of 3, session b fills them up to 4; at most 5).
* ``race.cross.N.a``, ``.b`` and ``.c``: race (g), two later sessions of one group set placing
  a newcomer each into the set's one group at the same moment.

Unlike ``make run``, and as in the LMS, ``DEBUG`` is off and authored fields (settings,
content) are cached per process (``foorumi_xblock/workbench/servers.py``,
``preforked_workbench``). ``GET /__mp__/worker`` answers ``{"pid", "scenarios"}`` from
whichever worker took it (after ``?sleep=<s>``, at most 1 s), so a test can see that every
worker has every scenario.
"""
import json
import os
import time
from urllib.parse import parse_qs

from foorumi_xblock.workbench.servers import preforked_workbench

RACE_FORUMS = 25
STAFF_FORUMS = 10  # race (e): staff's "form groups now" racing two submits
SET_FORUMS = 10  # race (f): a group set's later session
FORUM = (
    '<foorumi display_name="{title}" group_size="{size}" min_group_size="{min}" max_group_size="{max}" '
    'comments_required="2" identity="named" agreement_required="false" pool_timeout_hours="24"{extra}>'
    '<prompt id="p" min_words="1" max_words="200">Why?</prompt></foorumi>'
)
EXTRA = {
    **{f"race.{n}": (f"Race forum {n}", 5, 3, 7) for n in range(RACE_FORUMS)},
    "race.tabs": ("Race forum two tabs", 5, 3, 7),
    "race.retry": ("Race forum same request id", 5, 3, 7),
    "race.load": ("Race forum one hundred learners", 5, 3, 7),
    **{f"race.staff.{n}": (f"Race forum staff {n}", 5, 3, 7) for n in range(STAFF_FORUMS)},
    # Session a forms groups of three; session b fills them up to four.
    **{f"race.set.{n}.{s}": (f"Race set {n} session {s}", size, 3, 5, f' group_set="race-set-{n}"')
       for n in range(SET_FORUMS) for s, size in (("a", 3), ("b", 4))},
    # Race (g): session a forms a group of three; sessions b and c each take a newcomer.
    **{f"race.cross.{n}.{s}": (f"Race cross {n} session {s}", size, 3, 5, f' group_set="race-cross-{n}"')
       for n in range(SET_FORUMS) for s, size in (("a", 3), ("b", 4), ("c", 4))},
}


def _load_scenarios():
    from workbench.scenarios import add_xml_scenario, get_scenarios

    scenarios = get_scenarios()  # the product's demo forums (foorumi.0 …)
    for scname, (title, size, low, high, *extra) in EXTRA.items():
        if scname not in scenarios:
            xml = FORUM.format(title=title, size=size, min=low, max=high, extra="".join(extra))
            add_xml_scenario(scname, title, xml)


_django = preforked_workbench(_load_scenarios)


def application(environ, start_response):
    """The workbench, plus ``/__mp__/worker`` (which worker answered, and what it has)."""
    if environ.get("PATH_INFO") == "/__mp__/worker":
        from workbench.scenarios import get_scenarios

        query = parse_qs(environ.get("QUERY_STRING", ""))
        time.sleep(min(float(query.get("sleep", ["0"])[0]), 1.0))
        body = json.dumps({"pid": os.getpid(), "scenarios": sorted(get_scenarios())}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    return _django(environ, start_response)
