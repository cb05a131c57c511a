"""Server databases and a multi-process workbench, as the LMS runs Foorumi.

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
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

SETTINGS = "foorumi_xblock.workbench.settings"
WSGI = "race_wsgi:application"
WORKERS = 4
START_TIMEOUT = 120
ADMIN_TIMEOUT = 120
INSTALL_TIMEOUT = 600
LOOPBACK = "127.0.0.1"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _unavailable(reason):
    """Skip (or, under ``FOORUMI_MP_REQUIRE=1``, fail) because a server cannot be had."""
    if os.environ.get("FOORUMI_MP_REQUIRE") == "1":
        pytest.fail(f"{reason} (FOORUMI_MP_REQUIRE=1)", pytrace=False)
    pytest.skip(reason)


def _run(args, *, stdin=None, timeout=ADMIN_TIMEOUT, check=True):
    """Run an admin command; returns the CompletedProcess (raises with its output on failure)."""
    try:
        done = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"{' '.join(args)} did not finish within {timeout}s") from error
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def _tail(path, limit=6000):
    path = Path(path)
    if not path.exists():
        return f"--- {path}: (missing) ---"
    return f"--- {path} ---\n" + path.read_text(errors="replace")[-limit:]


def _installed(binary):
    return shutil.which(binary) or any(os.access(f"{d}/{binary}", os.X_OK) for d in ("/usr/sbin", "/sbin"))


def _apt_install(package, binary):
    """Install a Debian package when its binary is missing (root only); a skip when impossible."""
    if _installed(binary):
        return
    if not shutil.which("apt-get"):
        _unavailable(f"{binary} is not installed and there is no apt-get: install {package} to run the multi-process tests")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for update_first in (False, True):
        if update_first:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=INSTALL_TIMEOUT, check=False)
        done = subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env, capture_output=True, text=True,
                              timeout=INSTALL_TIMEOUT, check=False)
        if done.returncode == 0 and _installed(binary):
            return
    _unavailable(f"{package} could not be installed (apt-get install {package}):\n{done.stderr[-2000:]}")


def _wait_for(probe, seconds, what, log, started):
    """Wait until ``probe()``; else fail with the start command's output and the server's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not come up within {seconds}s\n{started.stdout}\n{started.stderr}\n" + _tail(log))


def _new_name():
    return f"foorumi_mp_{secrets.token_hex(5)}"


# -- MariaDB ----------------------------------------------------------------------------------

class MariaDB:
    """Debian's MariaDB, administered as root over the unix socket; clients use TCP on loopback."""

    engine = "django.db.backends.mysql"
    log = "/var/log/mysql/error.log"

    def __init__(self):
        self.port = 3306

    @staticmethod
    def sql(statements):
        return _run(["mariadb", "-uroot", "--batch", "--skip-column-names"], stdin=statements).stdout

    @staticmethod
    def alive():
        return _run(["mariadb-admin", "-uroot", "--connect-timeout=2", "ping"], check=False, timeout=20).returncode == 0

    def ensure_running(self):
        _apt_install("mariadb-server", "mariadbd")
        if not self.alive():
            started = _run(["service", "mariadb", "start"], check=False)
            _wait_for(self.alive, 60, "MariaDB (service mariadb start)", self.log, started)
        bind, port = self.sql("SELECT @@bind_address, @@port;").rstrip("\n").split("\t")
        self.port = int(port)
        assert bind in (LOOPBACK, "localhost", "::1"), (
            f"MariaDB listens on {bind!r}, not only on loopback: set bind-address = 127.0.0.1"
        )

    def create(self):
        name, password = _new_name(), secrets.token_hex(16)
        users = [f"'{name}'@'{host}'" for host in (LOOPBACK, "localhost")]
        _created(self, name, lambda: self.sql(
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
            + "".join(f"CREATE USER {user} IDENTIFIED BY '{password}';\n"
                      f"GRANT ALL PRIVILEGES ON `{name}`.* TO {user};\n" for user in users)
        ))
        return {"default": {
            "ENGINE": self.engine, "NAME": name, "USER": name, "PASSWORD": password,
            "HOST": LOOPBACK, "PORT": str(self.port), "OPTIONS": {"charset": "utf8mb4"},
        }}

    def drop(self, name):
        self.sql(f"DROP DATABASE IF EXISTS `{name}`;\n"
                 + "".join(f"DROP USER IF EXISTS '{name}'@'{host}';\n" for host in (LOOPBACK, "localhost")))


# -- PostgreSQL -------------------------------------------------------------------------------

class PostgreSQL:
    """Debian's PostgreSQL cluster, administered as ``postgres``; clients use TCP on loopback
    with a password (Debian's pg_hba.conf: ``host all all 127.0.0.1/32 scram-sha-256``)."""

    engine = "django.db.backends.postgresql"

    def __init__(self):
        self.version = self.name = self.log = None
        self.port = 5432

    def cluster(self):
        """``(version, name, port, status, log)`` of the first cluster, or None."""
        out = _run(["pg_lsclusters", "-h"]).stdout
        for line in out.splitlines():
            fields = line.split()
            if len(fields) >= 7:
                return fields[0], fields[1], int(fields[2]), fields[3], fields[6]
        return None

    def psql(self, statements):
        return _run(["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                     "-p", str(self.port), "-At", "-f", "-"], stdin=statements).stdout

    def alive(self):
        return _run(["pg_isready", "-q", "-h", LOOPBACK, "-p", str(self.port)], check=False, timeout=20).returncode == 0

    def ensure_running(self):
        _apt_install("postgresql", "pg_lsclusters")
        cluster = self.cluster()
        if cluster is None:
            versions = sorted((p.name for p in Path("/usr/lib/postgresql").iterdir() if p.name.isdigit()), key=int)
            if not versions:
                _unavailable("PostgreSQL's server is not installed (apt-get install postgresql)")
            _run(["pg_createcluster", versions[-1], "main"])
            cluster = self.cluster()
        self.version, self.name, self.port, status, self.log = cluster
        if status != "online" or not self.alive():
            # Exit status 2: already running. Loopback only, whatever the configuration says.
            started = _run(["pg_ctlcluster", self.version, self.name, "start", "--", "-o", f"-c listen_addresses={LOOPBACK}"],
                           check=False)
            _wait_for(self.alive, 60, f"PostgreSQL {self.version}/{self.name} (pg_ctlcluster start)", self.log, started)
        listen = self.psql("SHOW listen_addresses;").strip()
        assert listen in (LOOPBACK, "localhost", "127.0.0.1,::1", "::1,127.0.0.1"), \
            f"PostgreSQL listens on {listen!r}, not only on loopback"

    def create(self):
        name, password = _new_name(), secrets.token_hex(16)
        _created(self, name, lambda: self.psql(f"CREATE ROLE {name} LOGIN CREATEDB PASSWORD '{password}';\n"
                                               f"CREATE DATABASE {name} OWNER {name} ENCODING 'UTF8' TEMPLATE template0;\n"))
        return {"default": {
            "ENGINE": self.engine, "NAME": name, "USER": name, "PASSWORD": password,
            "HOST": LOOPBACK, "PORT": str(self.port),
        }}

    def drop(self, name):
        self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE);\nDROP ROLE IF EXISTS {name};\n")


SERVERS = {"mariadb": MariaDB, "postgresql": PostgreSQL}


def _created(server, name, create):
    """Run ``create``; when it fails half-way, drop what it made (a test failure, with the reason)."""
    try:
        create()
    except RuntimeError as error:
        with contextlib.suppress(RuntimeError):
            server.drop(name)
        pytest.fail(f"could not create the database {name}: {error}", pytrace=False)


def _server(kind):
    if not IS_ROOT:
        _unavailable(f"the multi-process tests install, start and administer Debian's {kind} as root "
                     "(apt-get, service / pg_ctlcluster, root's socket login, runuser postgres): run them as root")
    server = SERVERS[kind]()
    try:
        server.ensure_running()
    except RuntimeError as error:
        pytest.fail(f"{kind}: {error}", pytrace=False)
    return server


@pytest.fixture(scope="session")
def mariadb_server():
    """Debian's MariaDB, running on 127.0.0.1 (started if needed, left running)."""
    return _server("mariadb")


@pytest.fixture(scope="session")
def postgresql_server():
    """Debian's PostgreSQL, running on 127.0.0.1 (started if needed, left running)."""
    return _server("postgresql")


@pytest.fixture(scope="session")
def mariadb_databases(mariadb_server):
    """A fresh MariaDB database and user for this session: a Django ``DATABASES`` dict."""
    yield from _fresh_database(mariadb_server)


@pytest.fixture(scope="session")
def postgresql_databases(postgresql_server):
    """A fresh PostgreSQL database and role for this session: a Django ``DATABASES`` dict."""
    yield from _fresh_database(postgresql_server)


def _fresh_database(server):
    databases = server.create()
    try:
        yield databases
    finally:
        if os.environ.get("FOORUMI_MP_KEEP_DB") != "1":
            server.drop(databases["default"]["NAME"])


# -- gunicorn ---------------------------------------------------------------------------------

@dataclass
class Served:
    """A running multi-process workbench."""

    url: str
    database: str  # "mariadb" | "postgresql"
    log: Path
    var_dir: Path
    pid: int

    def logs(self):
        return _tail(self.log) + "\n" + _tail(self.var_dir / "workbench.log")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _env(databases, var_dir):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS, FOORUMI_VAR_DIR=str(var_dir),
               EXCLUDE_SAMPLE_XBLOCKS="yes", WORKBENCH_DATABASES=json.dumps(databases))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), str(HERE), env.get("PYTHONPATH")) if p)
    return env


def _stop_group(proc):
    """Terminate the process group we started (gunicorn's master and its workers)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):  # workers left behind by a master that died
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _wait_until_up(proc, url, served):
    import requests

    deadline = time.monotonic() + START_TIMEOUT
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}\n{served.logs()}")
        try:
            response = requests.get(url + "/", timeout=10)
            if response.status_code == 200:
                return
            last = f"GET / answered {response.status_code}"
        except requests.RequestException as error:
            last = repr(error)
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT}s ({last})\n{served.logs()}")


@pytest.fixture(scope="module", params=[
    pytest.param("mariadb", marks=pytest.mark.mariadb),
    pytest.param("postgresql", marks=pytest.mark.postgres),
])
def race_workbench(request, tmp_path_factory):
    """The workbench under ``gunicorn --preload -w 4`` on a fresh server database; a ``Served``."""
    kind = request.param
    server = request.getfixturevalue(f"{kind}_server")
    databases = server.create()
    var_dir = tmp_path_factory.mktemp(f"mp-{kind}")
    env = _env(databases, var_dir)
    proc = None
    try:
        started = time.monotonic()
        migrate = subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v0"],
                                 cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
        if migrate.returncode != 0:
            pytest.fail(f"migrate on {kind} failed ({migrate.returncode}):\n{migrate.stdout}\n{migrate.stderr[-6000:]}",
                        pytrace=False)
        log = var_dir / "gunicorn.log"
        for attempt in range(3):
            port = _free_port()
            url = f"http://{LOOPBACK}:{port}"
            with open(log, "ab") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "--preload", "-w", str(WORKERS), "-b", f"{LOOPBACK}:{port}",
                     "--timeout", "120", "--graceful-timeout", "10", "--error-logfile", "-",
                     "--no-control-socket", WSGI],  # no shared ~/.gunicorn/gunicorn.ctl between servers
                    cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                )
            served = Served(url=url, database=kind, log=log, var_dir=var_dir, pid=proc.pid)
            try:
                _wait_until_up(proc, url, served)
                break
            except RuntimeError as error:
                _stop_group(proc)
                if attempt == 2 or "in use" not in str(error):
                    pytest.fail(f"{kind}: {error}", pytrace=False)
        print(f"\n[{kind}] migrate + gunicorn -w {WORKERS} up in {time.monotonic() - started:.1f}s at {url}")
        yield served
    finally:
        if proc is not None:
            _stop_group(proc)
        if os.environ.get("FOORUMI_MP_KEEP_DB") != "1":
            server.drop(databases["default"]["NAME"])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test on ``race_workbench`` shows the tail of gunicorn's and the workbench's logs."""
    outcome = yield
    report = outcome.get_result()
    served = getattr(item, "funcargs", {}).get("race_workbench")
    if report.failed and call.when == "call" and isinstance(served, Served):
        report.sections.append((f"{served.database}: gunicorn and workbench logs", served.logs()))
