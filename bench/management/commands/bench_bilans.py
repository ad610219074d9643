"""``manage.py bench_bilans``: a post-year, a department-year and the national-year bilan, timed.

For each scope: the median of ``--runs`` runs of compute_bilan (one period, no previous period),
its query count, and the ratio to the floor — one hand-written scan of the interventions of the same
period and scope (count(*), count(distinct person)), the least any bilan must cost. Prints figures;
asserts nothing about time. ``--figures FILE`` also writes every figure of each scope's bilan as JSON:
run it on two versions of the code and compare the files to know that a change kept every figure.
"""

import json
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from bench.measure import bench_post, timed
from casework.enums import InterventionStatus
from casework.models import FollowUp, Intervention
from iscg.planner_statistics import never_analyzed, tables_of
from organisation.models import Post
from reporting.exports import bilan_json
from reporting.indicators import Bounds, civil_year, compute_bilan, resolve_scope


def floor_sql(kind: str) -> str:
    intervention, followup = Intervention._meta.db_table, FollowUp._meta.db_table
    post = Post._meta.db_table
    where = {
        "post": "AND f.post_id = %(key)s",
        "department": f"AND f.post_id IN (SELECT id FROM {post} WHERE department_id = %(key)s)",  # noqa: S608  # nosec B608 - table names from the models, values bound
        "national": "",
    }[kind]
    return (
        f"SELECT count(*), count(DISTINCT f.person_id) FROM {intervention} i "  # noqa: S608  # nosec B608 - table names only
        f"JOIN {followup} f ON f.id = i.followup_id "
        f"WHERE i.status = %(status)s AND i.starts_at >= %(start)s AND i.starts_at < %(end)s {where}"
    )


def bilan_figures(bilan) -> dict:
    """Every figure of a bilan: its JSON export (which says nothing of when it was computed) and months."""
    months = [[month.month, month.held, month.persons] for month in bilan.monthly]
    return {**bilan_json(bilan), "monthly": months, "warnings": list(bilan.warnings)}


class Command(BaseCommand):
    help = "Time the bilans of a post, a department and the country over a civil year (prints figures)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="Civil year (default: last complete year).")
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--scopes", default="post,department,national")
        parser.add_argument(
            "--slowest",
            type=int,
            default=0,
            metavar="N",
            help="Also print the N slowest queries of each scope's last run, with their SQL (for EXPLAIN).",
        )
        parser.add_argument(
            "--figures",
            default="",
            metavar="FILE",
            help="Write every figure of each scope's bilan to FILE (JSON), to compare two versions of the code.",
        )

    def handle(self, *args, year, runs, scopes, slowest, figures, **options):
        year = year or timezone.localdate().year - 1
        period = civil_year(year)
        bounds = Bounds(period)
        post = bench_post()
        subjects = {
            "post": (f"post:{post.public_id}", post.pk),
            "department": (f"department:{post.department.code}", post.department_id),
            "national": ("national", None),
        }
        self.stdout.write(f"Bilans {year}, {runs} runs each, database {connection.vendor}")
        if unanalyzed := never_analyzed(tables_of(["organisation", "referrals", "casework", "conventions"])):
            self.stderr.write(
                "Never analysed (the planner guesses, figures not comparable; run ANALYZE first): "
                + ", ".join(unanalyzed)
            )
        self.stdout.write(
            f"{'scope':12} {'median ms':>10} {'min ms':>9} {'queries':>8} {'floor ms':>9} "
            f"{'ratio':>7} {'held':>9} {'persons':>8}"
        )
        written = {}
        for kind in scopes.split(","):
            argument, key = subjects[kind]
            scope = resolve_scope(argument)
            times, queries, captured = [], 0, []
            for _ in range(runs):
                with timed() as result:
                    bilan = compute_bilan(scope=scope, period=period, with_previous=False)
                times.append(result.seconds)
                queries, captured = result.queries, result.captured
            floor_times, floor = [], None
            params = {"status": InterventionStatus.HELD, "start": bounds.start_at, "end": bounds.end_at, "key": key}
            for _ in range(runs):
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(floor_sql(kind), params)
                    floor = cursor.fetchone()
                floor_times.append(time.perf_counter() - started)
            median, floor_median = statistics.median(times), statistics.median(floor_times)
            if floor[1] != bilan.indicators["B1"].total:
                self.stderr.write(f"{kind}: the floor counts {floor[1]} persons, B1 {bilan.indicators['B1'].total}")
            self.stdout.write(
                f"{kind:12} {median * 1000:10.1f} {min(times) * 1000:9.1f} {queries:8d} {floor_median * 1000:9.1f} "
                f"{median / floor_median:7.1f} {floor[0]:9,d} {floor[1]:8,d}"
            )
            for query in sorted(captured, key=lambda query: -float(query["time"]))[:slowest]:
                self.stdout.write(f"  {float(query['time']) * 1000:9.1f} ms  {query['sql']}")
            written[kind] = bilan_figures(bilan)
        if figures:
            with open(figures, "w", encoding="utf-8") as file:
                json.dump(written, file, indent=1, sort_keys=True, default=str)
            self.stdout.write(f"Figures written to {figures}.")
