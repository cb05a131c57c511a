"""Shared fixtures: ``workbench`` serves the real xblock-sdk workbench for one test module.

Each module that asks for ``workbench`` gets its own server on a free loopback port, over a
fresh sqlite database in a temporary var dir, so groups formed in one module never leak
into another. The fixture yields the base URL (``http://127.0.0.1:PORT``).
"""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SETTINGS = "foorumi_xblock.workbench.settings"
START_TIMEOUT = 60


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(*paths, limit=8000):
    text = []
    for path in paths:
        if Path(path).exists():
            text.append(f"--- {path} ---\n" + Path(path).read_text(errors="replace")[-limit:])
    return "\n".join(text)


def _wait_until_up(proc, base_url, log_path, var_dir, http=True):
    """Wait until ``GET /`` answers 200 (or, with ``http=False``, until the port accepts)."""
    import requests

    deadline = time.monotonic() + START_TIMEOUT
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"the workbench exited with {proc.returncode}\n" + _log_tail(log_path, Path(var_dir) / "workbench.log")
            )
        if not http:
            try:
                socket.create_connection(("127.0.0.1", int(base_url.rsplit(":", 1)[1])), timeout=1).close()
                return
            except OSError as error:
                last = repr(error)
                time.sleep(0.1)
                continue
        try:
            response = requests.get(base_url + "/", timeout=10)
            if response.status_code == 200:
                return
            last = f"GET / answered {response.status_code}"
        except requests.RequestException as error:
            last = repr(error)
        time.sleep(0.3)
    raise RuntimeError(
        f"the workbench did not answer within {START_TIMEOUT}s ({last})\n" + _log_tail(log_path, Path(var_dir) / "workbench.log")
    )


@pytest.fixture(scope="module")
def workbench(tmp_path_factory):
    """Start the real workbench (fresh database) for this module; yield its base URL."""
    yield from _serve(tmp_path_factory, http=True)


@pytest.fixture(scope="module")
def untouched_workbench(tmp_path_factory):
    """Like ``workbench``, but yielded as soon as its port accepts: no request made yet."""
    yield from _serve(tmp_path_factory, http=False)


def _serve(tmp_path_factory, http):
    var_dir = tmp_path_factory.mktemp("workbench-var")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS, FOORUMI_VAR_DIR=str(var_dir), EXCLUDE_SAMPLE_XBLOCKS="yes")
    env.pop("WORKBENCH_DATABASES", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)

    migrate = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v0"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    if migrate.returncode != 0:
        pytest.fail(f"migrate failed ({migrate.returncode}):\n{migrate.stdout}\n{migrate.stderr}", pytrace=False)

    log_path = var_dir / "server.log"
    proc = None
    for attempt in range(3):
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        try:
            _wait_until_up(proc, base_url, log_path, var_dir, http=http)
            break
        except RuntimeError as error:
            _stop(proc)
            if attempt == 2 or "already in use" not in str(error):
                pytest.fail(str(error), pytrace=False)
    try:
        yield base_url
    finally:
        _stop(proc)


def _stop(proc):
    """Stop the server we started (only that process)."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


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
