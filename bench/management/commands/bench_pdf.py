"""``manage.py bench_pdf``: time to produce a department-year bilan PDF (figures, then rendering)."""

import statistics

from django.core.management.base import BaseCommand
from django.utils import timezone

from bench.measure import bench_post, timed
from reporting.indicators import civil_year, compute_bilan, resolve_scope
from reporting.overview import page_one_extras
from reporting.pdf import bilan_pdf


class Command(BaseCommand):
    help = "Time a department-year bilan PDF on the generated volume (prints figures)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, runs, year, **options):
        year = year or timezone.localdate().year - 1
        department = bench_post().department
        scope = resolve_scope(f"department:{department.code}")
        computing, rendering, size = [], [], 0
        for _ in range(runs):
            with timed() as figures:
                bilan = compute_bilan(scope=scope, period=civil_year(year))
            with timed() as render:
                content = bilan_pdf(bilan, **page_one_extras(bilan))  # page 1: trend and commentary
            computing.append(figures.seconds)
            rendering.append(render.seconds)
            size = len(content)
        total = [c + r for c, r in zip(computing, rendering, strict=True)]
        self.stdout.write(f"PDF bilan department {department.code} {year}, {runs} runs (median):")
        self.stdout.write(
            f"  figures {statistics.median(computing) * 1000:.0f} ms, "
            f"rendering {statistics.median(rendering) * 1000:.0f} ms, "
            f"total {statistics.median(total) * 1000:.0f} ms, {size / 1024:.0f} KiB"
        )
