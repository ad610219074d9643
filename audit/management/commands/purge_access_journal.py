from django.conf import settings
from django.core.management.base import BaseCommand

from audit.services import journal_purge


class Command(BaseCommand):
    help = "Delete access-journal and change-history entries older than ACCESS_JOURNAL_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted, delete nothing.")

    def handle(self, *args, dry_run=False, **options):
        counts = journal_purge(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {counts['access_entries']} access entries and {counts['history_entries']} history entries "
            f"older than {settings.ACCESS_JOURNAL_RETENTION_DAYS} days"
        )
