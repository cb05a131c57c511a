"""Foorumi as a Django plugin app: its tables in the LMS (and Studio) database.

``setup.py`` registers this config under the ``lms.djangoapp`` and ``cms.djangoapp`` entry
points, so the platform adds the app to ``INSTALLED_APPS`` and its migrations run with
``tutor local do init`` or ``./manage.py lms migrate``. See ``docs/storage.md``.
"""
from django.apps import AppConfig


class FoorumiConfig(AppConfig):
    """The ``foorumi`` app: forums, groups, reflections, comments, flags and decisions."""

    name = "foorumi_xblock"
    label = "foorumi"
    verbose_name = "Foorumi peer forums"
    default_auto_field = "django.db.models.BigAutoField"

    # Open edX's plugin framework (edx-django-utils): the app needs no URLs and no settings
    # of its own; declaring an empty config keeps the platform from guessing.
    plugin_app = {}

    def ready(self):
        """Blank a retired user's names and texts when the LMS retires them (where it can)."""
        from . import retirement

        retirement.connect_lms_signal()
