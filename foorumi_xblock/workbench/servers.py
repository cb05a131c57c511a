"""Start the servers the workbench's HTTP tests, multi-process tests and benchmarks run on.

Development and tests only (run from a checkout of the repository), like the rest of this
folder. Free of pytest: failures are exceptions, which each caller turns into what it needs
(``tests/multiprocess/conftest.py``: a skip, or a failure with ``FOORUMI_MP_REQUIRE=1``).

* Database servers: ``start("mariadb" | "postgresql", install=...)`` makes sure Debian's
  MariaDB or PostgreSQL runs on 127.0.0.1 (installed with apt-get when missing and asked
  to, started with ``service mariadb start`` / ``pg_ctlcluster``; left running afterwards),
  and returns an admin; ``fresh_database(admin, prefix)`` yields a new database with a
  password user reached over TCP on loopback (Django connection settings), dropped
  afterwards. Root only: the admin logs in as root / ``postgres`` on the local socket.
* The workbench: ``workbench_env`` (its environment over a var dir and a ``DATABASES``
  dict), ``migrate``, and ``serving`` / ``gunicorn``: a server started in a process group of
  its own on a free loopback port (a new port, up to 3 times, while the port turns out to be
  taken), waited for until ``GET /`` answers 200 (or only its port accepts), and stopped,
  group and all, afterwards.
  It yields a ``Served``; a failure carries the tail of the server's and the workbench's logs.
* Inside gunicorn: ``preforked_workbench`` builds the WSGI application of
  ``tests/multiprocess/race_wsgi.py`` and ``benchmarks/server_wsgi.py``, as the LMS runs.

``ServerUnavailable``: the server cannot be had here (not root; not installed and not
installable). ``ServerFailed``: it is there but would not start or be administered, or the
workbench would not migrate or answer.
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

REPO = Path(__file__).resolve().parents[2]
SETTINGS = "foorumi_xblock.workbench.settings"
LOOPBACK = "127.0.0.1"
#: What a server may report it listens on (MariaDB's bind_address, PostgreSQL's listen_addresses).
LOOPBACK_NAMES = (LOOPBACK, "localhost", "::1", "127.0.0.1,::1", "::1,127.0.0.1", "localhost,127.0.0.1")
WORKERS = 4
ADMIN_TIMEOUT = 120
INSTALL_TIMEOUT = 600
DATABASE_START_TIMEOUT = 60
#: Default seconds for the workbench to answer ``GET /`` once started.
START_TIMEOUT = 120
MIGRATE_TIMEOUT = 300
PORT_ATTEMPTS = 3
LOG_TAIL = 6000
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


class ServerUnavailable(Exception):
    """The server cannot be had on this machine (not root; not installed and not installable)."""


class ServerFailed(RuntimeError):
    """The server is there but would not start or answer; the message carries its output and logs."""


def _run(args, *, stdin=None, timeout=ADMIN_TIMEOUT, check=True):
    """Run an admin command; returns the CompletedProcess (raises with its output on failure)."""
    try:
        done = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise ServerFailed(f"{' '.join(args)} did not finish within {timeout}s") from error
    if check and done.returncode != 0:
        raise ServerFailed(f"{' '.join(args)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def tail(path, limit=LOG_TAIL):
    """The end of a log file under a header naming it (or saying it is missing)."""
    path = Path(path)
    if not path.exists():
        return f"--- {path}: (missing) ---"
    return f"--- {path} ---\n" + path.read_text(errors="replace")[-limit:]


def _installed(binary):
    return shutil.which(binary) or any(os.access(f"{d}/{binary}", os.X_OK) for d in ("/usr/sbin", "/sbin"))


def _apt_install(package, binary, install):
    """Install a Debian package when its binary is missing (if ``install``); else unavailable."""
    if _installed(binary):
        return
    if not install:
        raise ServerUnavailable(f"{binary} is not installed: apt-get install {package}")
    if not shutil.which("apt-get"):
        raise ServerUnavailable(f"{binary} is not installed and there is no apt-get: install {package}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for update_first in (False, True):
        if update_first:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=INSTALL_TIMEOUT, check=False)
        done = subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env, capture_output=True, text=True,
                              timeout=INSTALL_TIMEOUT, check=False)
        if done.returncode == 0 and _installed(binary):
            return
    raise ServerUnavailable(f"{package} could not be installed (apt-get install {package}):\n{done.stderr[-2000:]}")


def _wait_for(probe, what, log, started, seconds=DATABASE_START_TIMEOUT):
    """Wait until ``probe()``; else fail with the start command's output and the server's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(0.5)
    raise ServerFailed(f"{what} did not come up within {seconds}s\n{started.stdout}\n{started.stderr}\n" + tail(log))


def _only_loopback(what, listen):
    if listen not in LOOPBACK_NAMES:
        raise ServerFailed(f"{what} listens on {listen!r}, not only on loopback: set it to listen on {LOOPBACK}")


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

    def ensure_running(self, install):
        _apt_install("mariadb-server", "mariadbd", install)
        if not self.alive():
            started = _run(["service", "mariadb", "start"], check=False)
            _wait_for(self.alive, "MariaDB (service mariadb start)", self.log, started)
        bind, port = self.sql("SELECT @@bind_address, @@port;").rstrip("\n").split("\t")
        self.port = int(port)
        _only_loopback("MariaDB", bind)

    def create(self, name, password):
        self.sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
                 + "".join(f"CREATE USER {user} IDENTIFIED BY '{password}';\n"
                           f"GRANT ALL PRIVILEGES ON `{name}`.* TO {user};\n" for user in self._users(name)))
        return {"ENGINE": self.engine, "NAME": name, "USER": name, "PASSWORD": password,
                "HOST": LOOPBACK, "PORT": str(self.port), "OPTIONS": {"charset": "utf8mb4"}}

    def drop(self, name):
        self.sql(f"DROP DATABASE IF EXISTS `{name}`;\n" + "".join(f"DROP USER IF EXISTS {user};\n" for user in self._users(name)))

    @staticmethod
    def _users(name):
        return [f"'{name}'@'{host}'" for host in (LOOPBACK, "localhost")]


# -- PostgreSQL -------------------------------------------------------------------------------

class PostgreSQL:
    """Debian's PostgreSQL cluster (the first one), administered as ``postgres``; clients use TCP
    on loopback with a password (Debian's pg_hba.conf: ``host all all 127.0.0.1/32 scram-sha-256``)."""

    engine = "django.db.backends.postgresql"

    def __init__(self):
        self.version = self.name = self.log = None
        self.port = 5432

    @staticmethod
    def cluster():
        """``(version, name, port, status, log)`` of the first cluster, or None."""
        for line in _run(["pg_lsclusters", "-h"]).stdout.splitlines():
            fields = line.split()
            if len(fields) >= 7:
                return fields[0], fields[1], int(fields[2]), fields[3], fields[6]
        return None

    def psql(self, statements):
        return _run(["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                     "-p", str(self.port), "-At", "-f", "-"], stdin=statements).stdout

    def alive(self):
        return _run(["pg_isready", "-q", "-h", LOOPBACK, "-p", str(self.port)], check=False, timeout=20).returncode == 0

    def ensure_running(self, install):
        _apt_install("postgresql", "pg_lsclusters", install)
        cluster = self.cluster()
        if cluster is None:
            versions = sorted((p.name for p in Path("/usr/lib/postgresql").iterdir() if p.name.isdigit()), key=int)
            if not versions:
                raise ServerUnavailable("PostgreSQL's server is not installed (apt-get install postgresql)")
            _run(["pg_createcluster", versions[-1], "main"])
            cluster = self.cluster()
        self.version, self.name, self.port, status, self.log = cluster
        if status != "online" or not self.alive():
            # Exit status 2: already running. Loopback only, whatever the configuration says.
            started = _run(["pg_ctlcluster", self.version, self.name, "start", "--", "-o", f"-c listen_addresses={LOOPBACK}"],
                           check=False)
            _wait_for(self.alive, f"PostgreSQL {self.version}/{self.name} (pg_ctlcluster start)", self.log, started)
        _only_loopback("PostgreSQL", self.psql("SHOW listen_addresses;").strip())

    def create(self, name, password):
        self.psql(f"CREATE ROLE {name} LOGIN CREATEDB PASSWORD '{password}';\n"
                  f"CREATE DATABASE {name} OWNER {name} ENCODING 'UTF8' TEMPLATE template0;\n")
        return {"ENGINE": self.engine, "NAME": name, "USER": name, "PASSWORD": password,
                "HOST": LOOPBACK, "PORT": str(self.port)}

    def drop(self, name):
        self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE);\nDROP ROLE IF EXISTS {name};\n")


SERVERS = {"mariadb": MariaDB, "postgresql": PostgreSQL}


def start(kind, *, install=False):
    """Debian's ``kind`` ("mariadb" or "postgresql") running on 127.0.0.1 (started if needed,
    and with ``install`` installed if missing); its admin. Needs root."""
    if not IS_ROOT:
        raise ServerUnavailable(f"Debian's {kind} is installed, started and administered as root (apt-get, "
                                "service / pg_ctlcluster, root's socket login, runuser postgres): run as root")
    server = SERVERS[kind]()
    server.ensure_running(install)
    return server


@contextlib.contextmanager
def fresh_database(server, prefix, *, keep=False):
    """A new database and password user on ``server`` (named ``{prefix}_<random>``): yields its
    Django connection settings; dropped afterwards unless ``keep``. A half-made one is dropped."""
    name, password = f"{prefix}_{secrets.token_hex(5)}", secrets.token_hex(16)
    try:
        database = server.create(name, password)
    except ServerFailed as error:
        with contextlib.suppress(ServerFailed):
            server.drop(name)
        raise ServerFailed(f"could not create the database {name}: {error}") from error
    try:
        yield database
    finally:
        if not keep:
            server.drop(name)


# -- the workbench ----------------------------------------------------------------------------

def workbench_env(databases, var_dir, *, pythonpath=(), **extra):
    """The environment of a workbench process: the workbench settings over ``var_dir``
    (``FOORUMI_VAR_DIR``, where ``workbench.log`` goes) and ``databases`` (a Django
    ``DATABASES`` dict; None: the sqlite file in ``var_dir``), the repository and
    ``pythonpath`` on ``PYTHONPATH``, and ``extra`` variables."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS, FOORUMI_VAR_DIR=str(var_dir), EXCLUDE_SAMPLE_XBLOCKS="yes",
               **extra)
    env.pop("WORKBENCH_DATABASES", None)
    if databases is not None:
        env["WORKBENCH_DATABASES"] = json.dumps(databases)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), *map(str, pythonpath), env.get("PYTHONPATH")) if p)
    return env


def migrate(env):
    """``django migrate --run-syncdb`` in a process of its own with ``env``."""
    done = subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v0"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=MIGRATE_TIMEOUT, check=False)
    if done.returncode != 0:
        raise ServerFailed(f"migrate failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-LOG_TAIL:]}")


@dataclass
class Served:
    """A running workbench: its base URL, output log, var dir (``workbench.log``) and process."""

    url: str
    log: Path
    var_dir: Path
    proc: subprocess.Popen
    database: str = ""  # what it runs on, for messages: "mariadb", "postgresql"

    def logs(self):
        """The tail of the server's output and of the workbench's own log."""
        return tail(self.log) + "\n" + tail(self.var_dir / "workbench.log")


def free_port():
    """A loopback port nobody listens on right now (another process may take it before us)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def stop_group(proc):
    """Terminate the process group we started (a server and any worker it forked)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):  # workers left behind by a master that died
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def wait_until_up(served, what, seconds=START_TIMEOUT, http=True):
    """Wait until ``GET /`` answers 200 (with ``http=False``: until the port accepts a connection)."""
    import requests

    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        if served.proc.poll() is not None:
            raise ServerFailed(f"{what} exited with {served.proc.returncode}\n{served.logs()}")
        try:
            if not http:
                socket.create_connection((LOOPBACK, int(served.url.rsplit(":", 1)[1])), timeout=1).close()
                return
            response = requests.get(served.url + "/", timeout=10)
            if response.status_code == 200:
                return
            last = f"GET / answered {response.status_code}"
        except (OSError, requests.RequestException) as error:
            last = repr(error)
        time.sleep(0.3 if http else 0.1)
    raise ServerFailed(f"{what} did not answer within {seconds}s ({last})\n{served.logs()}")


@contextlib.contextmanager
def serving(command, env, var_dir, log, *, what, seconds=START_TIMEOUT, http=True, database=""):
    """Run ``command(port)`` (an argv) with ``env`` in a process group of its own on a free
    loopback port, its output appended to ``log``; yields a ``Served`` once it is up (see
    ``wait_until_up``) and stops the group afterwards. A port taken meanwhile ("in use" in
    the log): a new port, up to ``PORT_ATTEMPTS`` times."""
    var_dir, log = Path(var_dir), Path(log)
    for attempt in range(PORT_ATTEMPTS):
        port = free_port()
        with open(log, "ab") as out:
            proc = subprocess.Popen(command(port), cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        served = Served(url=f"http://{LOOPBACK}:{port}", log=log, var_dir=var_dir, proc=proc, database=database)
        try:
            wait_until_up(served, what, seconds, http)
            break
        except ServerFailed as error:
            stop_group(proc)
            if attempt == PORT_ATTEMPTS - 1 or "in use" not in str(error):
                raise
    try:
        yield served
    finally:
        stop_group(proc)


def gunicorn(wsgi, env, var_dir, *, seconds=START_TIMEOUT, request_timeout=120, database=""):
    """``gunicorn --preload -w WORKERS`` serving ``wsgi`` ("module:application") with ``env``,
    as ``serving`` runs it (output in ``var_dir/gunicorn.log``); a context manager."""
    def command(port):
        return [sys.executable, "-m", "gunicorn", "--preload", "-w", str(WORKERS), "-b", f"{LOOPBACK}:{port}",
                "--timeout", str(request_timeout), "--graceful-timeout", "10", "--error-logfile", "-",
                "--no-control-socket", wsgi]  # no shared ~/.gunicorn/gunicorn.ctl between servers

    return serving(command, env, var_dir, Path(var_dir) / "gunicorn.log", what="gunicorn", seconds=seconds,
                   database=database)


def preforked_workbench(load_scenarios):
    """The workbench's Django WSGI application for a ``gunicorn --preload`` module, as the LMS
    runs: ``DEBUG`` off (no debug cursor, no per-request list of queries, plain error pages;
    errors are still logged to ``workbench.log``) and authored fields cached per process
    (``authored_cache.py``). ``load_scenarios()`` runs here, in the master, before the workers
    fork, so they never race to create scenarios and each has all of them; no database
    connection crosses the fork."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    application = get_wsgi_application()
    settings.DEBUG = False
    from workbench.runtime import WORKBENCH_KVS

    from foorumi_xblock.workbench.authored_cache import cache_authored_fields

    cache_authored_fields(WORKBENCH_KVS)
    load_scenarios()
    connections.close_all()
    return application
