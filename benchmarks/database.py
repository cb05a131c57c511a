"""The benchmark's database: a fresh sqlite file (as the test suite uses) or a throwaway
PostgreSQL database and role on loopback; Django set up and migrated over it.

Nothing here touches the developer's ``var/`` database: sqlite lives in a temporary
``FOORUMI_VAR_DIR`` that is removed afterwards, and the PostgreSQL database and role are
dropped at the end.
"""
import contextlib
import json
import logging
import os
import platform
import secrets
import subprocess
import tempfile

LOOPBACK = "127.0.0.1"
PG_VERSION, PG_CLUSTER, PG_PORT = "15", "main", 5432
ADMIN_TIMEOUT = 120


@contextlib.contextmanager
def configured(kind):
    """Set up Django over a fresh database of ``kind`` ("sqlite" or "postgresql")."""
    with tempfile.TemporaryDirectory(prefix="foorumi-bench-") as var_dir:
        os.environ["FOORUMI_VAR_DIR"] = var_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foorumi_xblock.workbench.settings")
        os.environ.pop("WORKBENCH_DATABASES", None)
        with (_postgresql() if kind == "postgresql" else contextlib.nullcontext()):
            _setup_django()
            try:
                yield
            finally:
                from django.db import connections  # pylint: disable=import-outside-toplevel

                connections.close_all()  # before the database or its directory goes away


def _setup_django():
    """``django.setup()``, the tables (as ``tests/conftest.py`` makes them), quiet SQL logs."""
    import django  # pylint: disable=import-outside-toplevel
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel

    django.setup()
    # The workbench settings log every query at DEBUG (to a file): noise, and time measured.
    logging.getLogger("django.db.backends").setLevel(logging.WARNING)
    call_command("migrate", run_syncdb=True, verbosity=0)


def environment():
    """One line: Python, Django, the database engine and its version."""
    import django  # pylint: disable=import-outside-toplevel
    from django.db import connection  # pylint: disable=import-outside-toplevel

    engine = connection.settings_dict["ENGINE"]
    if connection.vendor == "sqlite":
        import sqlite3  # pylint: disable=import-outside-toplevel

        server = f"SQLite {sqlite3.sqlite_version}"
    elif connection.vendor == "postgresql":
        version = connection.cursor().connection.server_version  # e.g. 150013
        server = f"PostgreSQL {version // 10000}.{version % 10000} on {LOOPBACK}"
    else:
        server = connection.vendor
    return (f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"database {engine} ({server}), {os.cpu_count()} CPUs")


# ----------------------------------------------------------------------- PostgreSQL


def _admin(*args, stdin=None):
    """Run an administration command; its stdout (raises with its output on failure)."""
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=ADMIN_TIMEOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _psql(statements):
    """Statements as the ``postgres`` superuser (peer authentication on the local socket)."""
    return _admin("runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                  "-p", str(PG_PORT), "-At", "-f", "-", stdin=statements)


def _start_cluster():
    """Start Debian's PostgreSQL 15 cluster (loopback only) unless it already runs."""
    ready = subprocess.run(["pg_isready", "-q", "-h", LOOPBACK, "-p", str(PG_PORT)], check=False, timeout=20)
    if ready.returncode == 0:
        return
    _admin("pg_ctlcluster", PG_VERSION, PG_CLUSTER, "start", "--", "-o", f"-c listen_addresses={LOOPBACK}")
    _admin("pg_isready", "-q", "-t", "60", "-h", LOOPBACK, "-p", str(PG_PORT))


@contextlib.contextmanager
def _postgresql():
    """A throwaway database and password role, reached over TCP on 127.0.0.1; dropped after."""
    _start_cluster()
    name, password = f"foorumi_bench_{secrets.token_hex(4)}", secrets.token_hex(16)
    _psql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}';\n"
          f"CREATE DATABASE {name} OWNER {name} ENCODING 'UTF8' TEMPLATE template0;\n")
    os.environ["WORKBENCH_DATABASES"] = json.dumps({"default": {
        "ENGINE": "django.db.backends.postgresql", "NAME": name, "USER": name, "PASSWORD": password,
        "HOST": LOOPBACK, "PORT": str(PG_PORT),
    }})
    try:
        yield
    finally:
        os.environ.pop("WORKBENCH_DATABASES", None)
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE);\nDROP ROLE IF EXISTS {name};\n")
