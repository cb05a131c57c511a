"""Server databases and a multi-process workbench, as the LMS runs Foorumi.

The servers are started by ``foorumi_xblock/workbench/servers.py`` (shared with the
benchmarks); these fixtures turn what it raises into skips and failures.

* ``mariadb_server`` / ``postgresql_server`` (session): make sure Debian's MariaDB or
  PostgreSQL runs on loopback (installed with apt-get when missing and we are root, started
  with ``service mariadb start`` / ``pg_ctlcluster``), and yield an admin that creates and
  drops a fresh database with a password user reached over TCP on 127.0.0.1. Servers are left
  running afterwards. The tests are skipped, with the reason, only when the server cannot be
  installed, started or administered (not root, or apt-get could not install it); with
  ``FOORUMI_MP_REQUIRE=1`` (set by ``.ci/run``) that is a failure instead. A server that is
  installed but fails to start fails the tests, with its log.
* ``race_workbench`` (module, parametrized ``mariadb`` / ``postgresql``): a fresh database,
  ``migrate``, then ``gunicorn --preload -w 4`` serving ``race_wsgi`` (the product's demo
  forums plus this folder's race forums) on a free loopback port. Yields a ``Served``
  (``.url``, ``.database``); the process group is terminated afterwards. On failure the
  error carries the tail of gunicorn's and the workbench's logs.

``FOORUMI_MP_KEEP_DB=1`` keeps the databases for a look afterwards (they are dropped otherwise).
"""
import contextlib
import os
import time
from pathlib import Path

import pytest

from foorumi_xblock.workbench import servers

HERE = Path(__file__).resolve().parent
WSGI = "race_wsgi:application"
PREFIX = "foorumi_mp"


def _keep():
    return os.environ.get("FOORUMI_MP_KEEP_DB") == "1"


@contextlib.contextmanager
def _failing(kind):
    """A server that cannot be had: a skip (a failure under ``FOORUMI_MP_REQUIRE=1``); one that
    is there but misbehaves: a failure, with the reason."""
    try:
        yield
    except servers.ServerUnavailable as error:
        if os.environ.get("FOORUMI_MP_REQUIRE") == "1":
            pytest.fail(f"{error} (FOORUMI_MP_REQUIRE=1)", pytrace=False)
        pytest.skip(str(error))
    except servers.ServerFailed as error:
        pytest.fail(f"{kind}: {error}", pytrace=False)


@pytest.fixture(scope="session")
def mariadb_server():
    """Debian's MariaDB, running on 127.0.0.1 (started if needed, left running)."""
    with _failing("mariadb"):
        return servers.start("mariadb", install=True)


@pytest.fixture(scope="session")
def postgresql_server():
    """Debian's PostgreSQL, running on 127.0.0.1 (started if needed, left running)."""
    with _failing("postgresql"):
        return servers.start("postgresql", install=True)


@pytest.fixture(scope="session")
def mariadb_databases(mariadb_server):
    """A fresh MariaDB database and user for this session: a Django ``DATABASES`` dict."""
    with _failing("mariadb"), servers.fresh_database(mariadb_server, PREFIX, keep=_keep()) as database:
        yield {"default": database}


@pytest.fixture(scope="session")
def postgresql_databases(postgresql_server):
    """A fresh PostgreSQL database and role for this session: a Django ``DATABASES`` dict."""
    with _failing("postgresql"), servers.fresh_database(postgresql_server, PREFIX, keep=_keep()) as database:
        yield {"default": database}


@pytest.fixture(scope="module", params=[
    pytest.param("mariadb", marks=pytest.mark.mariadb),
    pytest.param("postgresql", marks=pytest.mark.postgres),
])
def race_workbench(request, tmp_path_factory):
    """The workbench under ``gunicorn --preload -w 4`` on a fresh server database; a ``Served``."""
    kind = request.param
    server = request.getfixturevalue(f"{kind}_server")
    var_dir = tmp_path_factory.mktemp(f"mp-{kind}")
    with _failing(kind), servers.fresh_database(server, PREFIX, keep=_keep()) as database:
        env = servers.workbench_env({"default": database}, var_dir, pythonpath=[HERE])
        started = time.monotonic()
        servers.migrate(env)
        with servers.gunicorn(WSGI, env, var_dir, database=kind) as served:
            print(f"\n[{kind}] migrate + gunicorn -w {servers.WORKERS} up in {time.monotonic() - started:.1f}s "
                  f"at {served.url}")
            yield served


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test on ``race_workbench`` shows the tail of gunicorn's and the workbench's logs."""
    outcome = yield
    report = outcome.get_result()
    served = getattr(item, "funcargs", {}).get("race_workbench")
    if report.failed and call.when == "call" and isinstance(served, servers.Served):
        report.sections.append((f"{served.database}: gunicorn and workbench logs", served.logs()))
