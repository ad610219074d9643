from django.conf import settings
from django.core.management.base import BaseCommand

from dataprotection.retention import apply_retention


class Command(BaseCommand):
    help = "Anonymise follow-ups closed or inactive for RETENTION_YEARS (and their persons and referrals)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be anonymised, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        report = apply_retention(dry_run=dry_run)
        counts = ", ".join(f"{name}: {count}" for name, count in sorted(report.counts.items())) or "nothing due"
        prefix = "dry run, would anonymise" if dry_run else "anonymised"
        self.stdout.write(f"{prefix} ({settings.RETENTION_YEARS} years): {counts}")
