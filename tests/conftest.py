"""Shared fixtures: ``workbench`` serves the real xblock-sdk workbench for one test module.

Each module that asks for ``workbench`` gets its own server on a free loopback port, over a
fresh sqlite database in a temporary var dir, so groups formed in one module never leak
into another. The fixture yields the base URL (``http://127.0.0.1:PORT``).
"""
import os
import sys

import pytest

from foorumi_xblock.workbench import servers

SETTINGS = servers.SETTINGS
START_TIMEOUT = 60


@pytest.fixture(scope="module")
def workbench(tmp_path_factory):
    """Start the real workbench (fresh database) for this module; yield its base URL."""
    yield from _serve(tmp_path_factory, http=True)


@pytest.fixture(scope="module")
def untouched_workbench(tmp_path_factory):
    """Like ``workbench``, but yielded as soon as its port accepts: no request made yet."""
    yield from _serve(tmp_path_factory, http=False)


def _serve(tmp_path_factory, http):
    """``runserver`` over a fresh sqlite database, started as ``foorumi_xblock/workbench/servers.py``
    starts every test server (free loopback port, process group, logs on failure)."""
    var_dir = tmp_path_factory.mktemp("workbench-var")
    env = servers.workbench_env(None, var_dir)

    def runserver(port):
        return [sys.executable, "-m", "django", "runserver", f"{servers.LOOPBACK}:{port}", "--noreload"]

    try:
        servers.migrate(env)
        with servers.serving(runserver, env, var_dir, var_dir / "server.log", what="the workbench",
                             seconds=START_TIMEOUT, http=http) as served:
            yield served.url
    except servers.ServerFailed as error:
        pytest.fail(str(error), pytrace=False)


def pytest_configure(config):
    """Configure Django once for this test process: the workbench settings over a temp var dir.

    Template rendering (``ResourceLoader.render_django_template``), the repository's tables
    and the in-process workbench runtime tests need it; servers started by ``workbench``
    get their own database.
    """
    import tempfile

    import django

    from django.core.management import call_command

    os.environ.setdefault("FOORUMI_VAR_DIR", tempfile.mkdtemp(prefix="foorumi-tests-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    os.environ.pop("WORKBENCH_DATABASES", None)
    django.setup()
    # The in-process tests (runtime, store) share one sqlite database with Foorumi's tables;
    # each forum they make has a usage key of its own, so nothing leaks between tests.
    call_command("migrate", run_syncdb=True, verbosity=0)
