"""The benchmark's databases: a fresh sqlite file (as the test suite uses) or a throwaway
PostgreSQL database and role on loopback for the runtime level; and, for the server part,
a throwaway database on PostgreSQL or MariaDB (loopback only) that the bench process
reaches as the alias ``server`` (to copy the seeded forums into) and gunicorn's workers
as their ``default``. Django is set up and migrated over each.

Nothing here touches the developer's ``var/`` database: sqlite lives in a temporary
``FOORUMI_VAR_DIR`` that is removed afterwards, and server databases and roles are
dropped at the end. The database servers are Debian's, started and administered (as root)
by ``foorumi_xblock/workbench/servers.py``, as for the multi-process tests: one already
running is left running; one that is not is started listening on 127.0.0.1 only, and one
that listens anywhere else is refused.
"""
import contextlib
import importlib
import json
import logging
import os
import platform
import tempfile

from foorumi_xblock.workbench import servers
from foorumi_xblock.workbench.servers import LOOPBACK

PREFIX = "foorumi_bench"
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
                default = stack.enter_context(servers.fresh_database(servers.start("postgresql"), PREFIX))
                os.environ["WORKBENCH_DATABASES"] = json.dumps({"default": default})
            served = stack.enter_context(servers.fresh_database(servers.start(server), PREFIX)) if server else None
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
