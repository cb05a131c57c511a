"""``manage.py foorumi_retire_user <anonymous user id>...``: blank a learner's names and texts."""
from django.core.management.base import BaseCommand

from foorumi_xblock import store


class Command(BaseCommand):
    """Blank the display names, answers, comments and flag reasons of the given learners."""

    help = "Blank a retired learner's names and texts in every Foorumi forum (by anonymous user id)."

    def add_arguments(self, parser):
        parser.add_argument("anonymous_user_ids", nargs="+", help="course-specific anonymous user ids")

    def handle(self, *args, **options):
        counts = store.retire_user(options["anonymous_user_ids"])
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
