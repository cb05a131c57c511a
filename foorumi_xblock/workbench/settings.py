"""Workbench settings for developing Foorumi: ``DJANGO_SETTINGS_MODULE=foorumi_xblock.workbench.settings``.

Extends the xblock-sdk's own settings with: Foorumi's plugin app (its tables), a sqlite
database under ``var/`` (or ``WORKBENCH_DATABASES``, JSON, e.g. MariaDB or PostgreSQL), the
request's language (``Accept-Language: fi`` gives Finnish), the workbench user and i18n
services, and no sample XBlocks.
"""
import json
import os

os.environ.setdefault("EXCLUDE_SAMPLE_XBLOCKS", "yes")

from workbench.settings import *  # noqa: E402,F401,F403  (after the settings and sys.path it needs)
from workbench import settings as _base  # noqa: E402  (after the settings and sys.path it needs)

VAR_DIR = os.path.abspath(os.environ.get("FOORUMI_VAR_DIR", "var"))
os.makedirs(VAR_DIR, exist_ok=True)

if "WORKBENCH_DATABASES" in os.environ:
    DATABASES = json.loads(os.environ["WORKBENCH_DATABASES"])
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(VAR_DIR, "workbench.db"),
            # Concurrent writers take the write lock when their transaction starts and wait
            # for it (up to ``timeout`` seconds) instead of failing half-way; with a
            # write-ahead log, readers never wait for a writer.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

if any(db.get("ENGINE") == "django.db.backends.mysql" for db in DATABASES.values()):
    import pymysql  # pure-Python driver for MariaDB/MySQL: nothing to compile

    pymysql.install_as_MySQLdb()

INSTALLED_APPS = [*_base.INSTALLED_APPS, "foorumi_xblock.apps.FoorumiConfig"]

LOGGING = dict(_base.LOGGING)
LOGGING["handlers"] = dict(_base.LOGGING["handlers"])
LOGGING["handlers"]["logfile"] = dict(_base.LOGGING["handlers"]["logfile"], filename=os.path.join(VAR_DIR, "workbench.log"))
# Every SQL statement at DEBUG, formatted and written to a 50 KB rotating file, costs more
# than the statement itself: log it only when asked (FOORUMI_SQL_LOG=1).
LOGGING["loggers"] = dict(_base.LOGGING["loggers"])
LOGGING["loggers"]["django.db.backends"] = {
    "level": "DEBUG" if os.environ.get("FOORUMI_SQL_LOG") == "1" else "INFO",
    "handlers": ["logfile"],
    "propagate": False,
}

MIDDLEWARE = list(_base.MIDDLEWARE)
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "django.middleware.locale.LocaleMiddleware")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fi", "Suomi")]
TIME_ZONE = "Europe/Helsinki"

WORKBENCH = dict(_base.WORKBENCH)
WORKBENCH["services"] = dict(
    _base.WORKBENCH["services"],
    user="foorumi_xblock.workbench.services.WorkbenchUserService",
    i18n="foorumi_xblock.workbench.services.WorkbenchI18nService",
)

# Scenarios load once at start-up, not racing on the first requests (see wsgi.py).
WSGI_APPLICATION = "foorumi_xblock.workbench.wsgi.application"
