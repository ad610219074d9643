"""A national volume of synthetic data, for the benchmarks (``manage.py generate_volume``).

Posts are spread over the 101 départements in turn (post n goes to département n mod 101); each
post's activity is planned by the demo's planner (demo.activity) and turned into rows
(bench.volume.activity); each department's rows are numbered (referral numbers from the
department's yearly ReferralNumberSequence, in filing order), written in one COPY per table
(PostgreSQL) or batched INSERTs (SQLite), and committed; then its convention goes through
conventions.services.
"""

import datetime
import random
import time
from collections import Counter, defaultdict

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.models import F

from bench.volume import activity
from bench.volume.organisation import OrganisationWriter, iscg_email, write_conventions
from bench.volume.writer import Writer
from casework.models import ViolenceForm
from demo.activity.plan import local_day
from iscg.planner_statistics import analyze, tables_of
from organisation.models import Department, PartnerType
from referrals.models import GridVersion, Problem, Referral, ReferralNumberSequence


class VolumeExistsError(Exception):
    pass


def period(*, years: int, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """``years`` years ending on ``end`` (inclusive)."""
    try:
        start = end.replace(year=end.year - years) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - years, day=28) + datetime.timedelta(days=1)
    return start, end


def generate_volume(*, posts: int, years: int, seed: int, end: datetime.date, log=print) -> dict[str, int]:
    """Write the volume; returns the rows written per model label."""
    if _user_exists(iscg_email(seed, 1)):
        raise VolumeExistsError(f"A volume with seed {seed} already exists in this database.")
    start, end = period(years=years, end=end)
    departments = list(Department.objects.order_by("code"))
    if not departments:
        raise ValueError("No departments: run the migrations first.")
    by_department = defaultdict(list)
    for number in range(1, posts + 1):
        by_department[departments[(number - 1) % len(departments)]].append(number)
    version = GridVersion.objects.filter(is_current=True).first()
    reference = activity.Reference(
        problems=dict(Problem.objects.values_list("code", "pk")),
        violence_forms=dict(ViolenceForm.objects.values_list("code", "pk")),
        partner_types=dict(PartnerType.objects.values_list("code", "pk")),
        grid_version=version,
        grid_items=list(version.items.order_by("position").values_list("pk", "is_red")) if version else [],
    )
    writer = Writer()
    organisation = OrganisationWriter(writer, seed=seed, start=start)
    activity.declare_tables(writer)
    triggers_skipped = False
    if writer.is_postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
        triggers_skipped = _skip_row_triggers()
    started = time.monotonic()
    payments = 0
    for index, (department, numbers) in enumerate(by_department.items(), start=1):
        rng = random.Random(f"iscg-bench-{seed}-department-{department.code}")  # noqa: S311 - synthetic data
        with transaction.atomic():
            bench_posts = organisation.department(department, numbers, rng)
            referrals = []
            for post in bench_posts:
                rows = activity.PostRows(writer, reference, post, seed=seed)
                rows.write(activity.plan_post(post, seed=seed, start=start, end=end))
                referrals += rows.referrals
            _number_referrals(writer, department, referrals)
            writer.flush()
            payments += write_conventions(department, bench_posts, first_year=start.year, last_year=end.year, rng=rng)
        if index % 10 == 0 or index == len(by_department):
            log(f"{index}/{len(by_department)} departments, {time.monotonic() - started:.0f} s")
    writer.reset_sequences()
    if triggers_skipped:
        with connection.cursor() as cursor:
            cursor.execute("RESET session_replication_role")
        checked = time.monotonic()
        check_references()
        log(f"Every reference checked, {time.monotonic() - checked:.0f} s")
    analyzed = time.monotonic()
    analyze(tables_of())  # every table written, the large link tables included (iscg/planner_statistics.py)
    log(f"Planner statistics gathered, {time.monotonic() - analyzed:.0f} s")
    counts = dict(writer.counts)
    counts["conventions.Payment"] = payments
    return counts


def _skip_row_triggers() -> bool:
    """PostgreSQL checks each foreign key of each written row with a trigger, at commit: a third of
    the time. As a superuser, the session skips those triggers while writing (as ``pg_restore
    --disable-triggers`` does) and every reference is checked once at the end, set-based
    (``check_references``); otherwise the triggers stay."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role TO replica")
    except DatabaseError:  # not a superuser
        return False
    return True


def check_references() -> None:
    """Every foreign key of every table points at a row: one anti-join per foreign key."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.concrete_fields:
                if not field.is_relation or not (field.many_to_one or field.one_to_one):
                    continue
                target = field.target_field
                column = f"c.{quote(field.column)}"
                cursor.execute(
                    f"SELECT count(*) FROM {quote(model._meta.db_table)} c WHERE {column} IS NOT NULL AND NOT EXISTS "  # noqa: S608  # nosec B608 - names from the models
                    f"(SELECT 1 FROM {quote(target.model._meta.db_table)} p WHERE p.{quote(target.column)} = {column})"
                )
                missing = cursor.fetchone()[0]
                if missing:
                    raise ValueError(f"{model._meta.label}.{field.name}: {missing} rows point at no row.")


def _user_exists(email: str) -> bool:
    from accounts.models import User

    return User.objects.filter(email=email).exists()


def _number_referrals(writer: Writer, department, referrals: list[tuple]) -> None:
    """2026-80-000123: each year's next values of the department's sequence, in filing order."""
    referrals.sort(key=lambda r: (r[0], str(r[1])))
    years = [local_day(referred_at).year for referred_at, _key, _pk in referrals]
    next_value = {}
    for year, count in Counter(years).items():
        sequence, _created = ReferralNumberSequence.objects.get_or_create(department=department, year=year)
        ReferralNumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + count)
        sequence.refresh_from_db(fields=["last_value"])
        next_value[year] = sequence.last_value - count + 1
    numbers = {}
    for (_at, _key, pk), year in zip(referrals, years, strict=True):
        numbers[pk] = f"{year}-{department.code}-{next_value[year]:06d}"
        next_value[year] += 1
    table = writer.tables[Referral]
    table.rows = [(row[0], row[1], numbers[row[0]], *row[3:]) for row in table.rows]
