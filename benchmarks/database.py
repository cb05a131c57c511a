"""The benchmark's databases: a fresh sqlite file (as the test suite uses) or a throwaway
PostgreSQL database and role on loopback for the runtime level; and, for the server part,
a throwaway database on PostgreSQL or MariaDB (loopback only) that the bench process
reaches as the alias ``server`` (to copy the seeded forums into) and gunicorn's workers
as their ``default``. Django is set up and migrated over each.

Nothing here touches the developer's ``var/`` database: sqlite lives in a temporary
``FOORUMI_VAR_DIR`` that is removed afterwards, and server databases and roles are
dropped at the end. Database servers already running are left running; one that is not
is started listening on 127.0.0.1 only, and one that listens anywhere else is refused.
"""
import contextlib
import importlib
import json
import logging
import os
import platform
import secrets
import subprocess
import tempfile
import time

LOOPBACK = "127.0.0.1"
LOOPBACK_NAMES = (LOOPBACK, "localhost", "::1", "127.0.0.1,::1", "::1,127.0.0.1", "localhost,127.0.0.1")
PG_VERSION, PG_CLUSTER, PG_PORT = "15", "main", 5432
ADMIN_TIMEOUT = 120
START_TIMEOUT = 60
#: The alias of the server database in the bench process.
SERVER_ALIAS = "server"


@contextlib.contextmanager
def configured(kind, server=None):
    """Set up Django over a fresh database of ``kind`` ("sqlite" or "postgresql"); with
    ``server`` ("postgresql" or "mariadb"), also over a fresh database on that server (alias
    ``server``). Yields that database as the workers' Django ``DATABASES`` dict, or None."""
    with tempfile.TemporaryDirectory(prefix="foorumi-bench-") as var_dir:
        os.environ["FOORUMI_VAR_DIR"] = var_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foorumi_xblock.workbench.settings")
        os.environ.pop("WORKBENCH_DATABASES", None)
        with contextlib.ExitStack() as stack:
            if kind == "postgresql":
                default = stack.enter_context(_postgresql())
                os.environ["WORKBENCH_DATABASES"] = json.dumps({"default": default})
            served = stack.enter_context(SERVERS[server]()) if server else None
            _setup_django(served)
            try:
                yield {"default": served} if served else None
            finally:
                from django.db import connections

                connections.close_all()  # before the databases or their directory go away


def _setup_django(server):
    """``django.setup()``, the tables (as ``tests/conftest.py`` makes them), quiet SQL logs."""
    if server is not None:
        # The settings module builds DATABASES when imported; Django reads it at setup.
        settings_module = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
        settings_module.DATABASES[SERVER_ALIAS] = server
        if server["ENGINE"] == "django.db.backends.mysql":
            import pymysql

            pymysql.install_as_MySQLdb()
    import django
    from django.core.management import call_command

    django.setup()
    # The workbench settings log every query at DEBUG (to a file): noise, and time measured.
    logging.getLogger("django.db.backends").setLevel(logging.WARNING)
    call_command("migrate", run_syncdb=True, verbosity=0)
    if server is not None:
        call_command("migrate", database=SERVER_ALIAS, run_syncdb=True, verbosity=0)


def copy_tables(source="default", target=SERVER_ALIAS, app_label="foorumi"):
    """Copy every row of an app's tables from one database to another, keys included.

    Model-agnostic: the models in dependency order (as ``dumpdata`` sorts them), each
    table read in key order and bulk-inserted in one transaction, then the target's
    sequences moved past the copied keys. Returns ``{model name: rows}``.
    """
    from django.apps import apps
    from django.core.management.color import no_style
    from django.core.serializers import sort_dependencies
    from django.db import connections, transaction

    models = sort_dependencies([(apps.get_app_config(app_label), None)], allow_cycles=True)
    counts = {}
    with transaction.atomic(using=target):
        for model in models:
            names = [f.attname for f in model._meta.concrete_fields]
            rows = model.objects.using(source).order_by("pk").values_list(*names)
            objects = [model(**dict(zip(names, row, strict=True))) for row in rows.iterator(chunk_size=2000)]
            model.objects.using(target).bulk_create(objects, batch_size=1000)
            counts[model.__name__] = len(objects)
    connection = connections[target]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    return counts


def environment():
    """One line: Python, Django, XBlock, the database engine and its version, CPUs."""
    import django
    from django.db import connection

    return (f"Python {platform.python_version()}, Django {django.get_version()}, XBlock {package_version('XBlock')}, "
            f"runtime-level database {describe(connection)}, {os.cpu_count()} CPUs")


def describe(connection):
    """A database connection's engine and server version, e.g. ``PostgreSQL 15.13 on 127.0.0.1``."""
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        version = connection.connection.server_version  # e.g. 150013
        return f"PostgreSQL {version // 10000}.{version % 10000} on {LOOPBACK}"
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT VERSION()")
            return f"MariaDB {cursor.fetchone()[0].split('-')[0]} on {LOOPBACK}"
    return connection.vendor


def package_version(name):
    """An installed distribution's version, or None."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


# --------------------------------------------------------------------------- helpers


def _admin(*args, stdin=None, check=True, timeout=ADMIN_TIMEOUT):
    """Run an administration command; its stdout (raises with its output on failure)."""
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=timeout, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout if check else done


def _wait(probe, what):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not come up within {START_TIMEOUT} s")


def _new_name():
    return f"foorumi_bench_{secrets.token_hex(4)}"


# ----------------------------------------------------------------------- PostgreSQL


def _psql(statements):
    """Statements as the ``postgres`` superuser (peer authentication on the local socket)."""
    return _admin("runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                  "-p", str(PG_PORT), "-At", "-f", "-", stdin=statements)


def _pg_alive():
    return _admin("pg_isready", "-q", "-h", LOOPBACK, "-p", str(PG_PORT), check=False, timeout=20).returncode == 0


def _start_cluster():
    """Start Debian's PostgreSQL 15 cluster (loopback only) unless it already runs; refuse
    one that listens beyond loopback."""
    if not _pg_alive():
        _admin("pg_ctlcluster", PG_VERSION, PG_CLUSTER, "start", "--", "-o", f"-c listen_addresses={LOOPBACK}",
               check=False)
        _wait(_pg_alive, f"PostgreSQL {PG_VERSION}/{PG_CLUSTER}")
    listen = _psql("SHOW listen_addresses;").strip()
    if listen not in LOOPBACK_NAMES:
        raise RuntimeError(f"PostgreSQL listens on {listen!r}, not only on loopback: not benchmarking on it")


@contextlib.contextmanager
def _postgresql():
    """A throwaway database and password role, reached over TCP on 127.0.0.1; dropped after."""
    _start_cluster()
    name, password = _new_name(), secrets.token_hex(16)
    _psql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}';\n"
          f"CREATE DATABASE {name} OWNER {name} ENCODING 'UTF8' TEMPLATE template0;\n")
    try:
        yield {"ENGINE": "django.db.backends.postgresql", "NAME": name, "USER": name, "PASSWORD": password,
               "HOST": LOOPBACK, "PORT": str(PG_PORT)}
    finally:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE);\nDROP ROLE IF EXISTS {name};\n")


# -------------------------------------------------------------------------- MariaDB


def _mariadb_sql(statements):
    """Statements as MariaDB's root (unix socket authentication)."""
    return _admin("mariadb", "-uroot", "--batch", "--skip-column-names", stdin=statements)


def _mariadb_alive():
    return _admin("mariadb-admin", "-uroot", "--connect-timeout=2", "ping", check=False, timeout=20).returncode == 0


@contextlib.contextmanager
def _mariadb():
    """A throwaway MariaDB database and user, reached over TCP on 127.0.0.1; dropped after."""
    if not _mariadb_alive():
        _admin("service", "mariadb", "start", check=False)
        _wait(_mariadb_alive, "MariaDB (service mariadb start)")
    bind, port = _mariadb_sql("SELECT @@bind_address, @@port;").rstrip("\n").split("\t")
    if bind not in LOOPBACK_NAMES:
        raise RuntimeError(f"MariaDB listens on {bind!r}, not only on loopback: not benchmarking on it")
    name, password = _new_name(), secrets.token_hex(16)
    users = [f"'{name}'@'{host}'" for host in (LOOPBACK, "localhost")]
    _mariadb_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
                 + "".join(f"CREATE USER {user} IDENTIFIED BY '{password}';\n"
                           f"GRANT ALL PRIVILEGES ON `{name}`.* TO {user};\n" for user in users))
    try:
        yield {"ENGINE": "django.db.backends.mysql", "NAME": name, "USER": name, "PASSWORD": password,
               "HOST": LOOPBACK, "PORT": port, "OPTIONS": {"charset": "utf8mb4"}}
    finally:
        _mariadb_sql(f"DROP DATABASE IF EXISTS `{name}`;\n" + "".join(f"DROP USER IF EXISTS {user};\n" for user in users))


SERVERS = {"postgresql": _postgresql, "mariadb": _mariadb}
