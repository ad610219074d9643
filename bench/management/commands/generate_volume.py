"""``manage.py generate_volume --posts 600 --years 5 --seed 1``: the benchmarks' national volume."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bench.volume import VolumeExistsError, generate_volume
from iscg.environment import refuse_in_production


class Command(BaseCommand):
    help = "Write a deterministic synthetic volume (posts across the 101 départements, years of activity)."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=600, help="Number of posts (default 600).")
        parser.add_argument("--years", type=int, default=5, help="Years of activity (default 5).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random draws (default 1).")
        parser.add_argument(
            "--end", type=datetime.date.fromisoformat, default=None, help="Last day of activity (default yesterday)."
        )

    def handle(self, *args, posts, years, seed, end, **options):
        refuse_in_production("generate_volume")
        if posts < 1 or years < 1:
            raise CommandError("--posts and --years must be at least 1.")
        end = end or timezone.localdate() - datetime.timedelta(days=1)
        started = time.monotonic()
        try:
            counts = generate_volume(
                posts=posts, years=years, seed=seed, end=end, log=lambda line: self.stdout.write(line)
            )
        except VolumeExistsError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        total = 0
        for label, count in sorted(counts.items()):
            total += count
            self.stdout.write(f"{label:40} {count:>12,}")
        self.stdout.write(f"{'rows':40} {total:>12,}")
        self.stdout.write(self.style.SUCCESS(f"Generated in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s)."))
