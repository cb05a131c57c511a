"""The workbench's WSGI application, with its scenarios loaded before any request.

The xblock-sdk loads scenarios lazily on the first request, and concurrent first requests
race to create the same scenario rows (500 "Already have a scenario"). Loading them here,
once, at start-up (and before ``gunicorn --preload`` forks its workers) removes the race.
``runserver`` uses this module through ``WSGI_APPLICATION``.
"""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foorumi_xblock.workbench.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402  (after the settings and sys.path it needs)
from django.db import connections  # noqa: E402  (after the settings and sys.path it needs)

application = get_wsgi_application()

from workbench.scenarios import get_scenarios  # noqa: E402  (after the settings and sys.path it needs)

get_scenarios()
connections.close_all()
