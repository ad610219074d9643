"""generate_volume at a tiny scale: what it writes, that it is consistent, and that a seed gives the same rows."""

import datetime
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from accounts.enums import Role
from accounts.models import User
from bench.volume import check_references, generate_volume
from casework.enums import InterventionStatus
from casework.models import FollowUp, FollowUpReferral, Intervention, Orientation, Person
from conventions.models import Convention, FundingRule, Payment, SteeringCommittee
from organisation.models import Post
from referrals.enums import ReferralStatus
from referrals.models import DangerAssessment, Referral, ReferralNumberSequence
from reporting.indicators import civil_year, compute_bilan, resolve_scope

END = datetime.date(2025, 12, 31)

pytestmark = pytest.mark.django_db


def _generate(seed=7, posts=2, years=1):
    return generate_volume(posts=posts, years=years, seed=seed, end=END, log=lambda line: None)


def _snapshot():
    return {
        "referrals": list(
            Referral.objects.order_by("number").values_list("number", "public_id", "status", "unit__name")
        ),
        "persons": list(Person.objects.order_by("public_id").values_list("public_id", "name_key", "birth_date")),
        "interventions": list(
            Intervention.objects.order_by("public_id").values_list("public_id", "starts_at", "status", "kind")
        ),
        "orientations": list(Orientation.objects.order_by("public_id").values_list("public_id", "status")),
        "payments": list(Payment.objects.order_by("public_id").values_list("public_id", "amount_cents")),
    }


def test_generate_volume_writes_a_consistent_tiny_volume():
    counts = _generate()

    assert Post.objects.filter(name__startswith="Poste ISCG banc").count() == 2
    assert User.objects.filter(role=Role.ISCG, email__endswith="@bench.iscg.test").count() == 2
    assert User.objects.filter(role=Role.COORDINATOR, email__endswith="@bench.iscg.test").count() == 2
    referrals = Referral.objects.count()
    persons = Person.objects.count()
    interventions = Intervention.objects.count()
    assert 300 <= referrals <= 700  # about 220 per post-year (docs/benchmarks.md)
    assert 180 <= persons <= 450  # about 165
    assert 700 <= interventions <= 1600  # about 620
    assert 140 <= Orientation.objects.count() <= 500  # about 170
    assert counts["referrals.Referral"] == referrals
    # Every workflow state, every kind of person and follow-up.
    assert {
        ReferralStatus.SUBMITTED,
        ReferralStatus.RECEIVED,
        ReferralStatus.TAKEN_UP,
        ReferralStatus.CLOSED,
        ReferralStatus.WITHDRAWN,
    } <= set(Referral.objects.values_list("status", flat=True))
    assert Person.objects.filter(is_anonymous=True).exists()
    duplicates = Person.objects.exclude(name_key="").values("post", "name_key", "birth_date").distinct().count()
    assert duplicates < Person.objects.exclude(name_key="").count()  # same name and birth date twice
    assert Intervention.objects.filter(status=InterventionStatus.NO_SHOW).exists()
    assert Intervention.objects.filter(status=InterventionStatus.PLANNED, starts_at__date__gt=END).exists()
    assert FollowUp.objects.open().exists() and FollowUp.objects.closed().exists()
    assert DangerAssessment.objects.filter(is_danger=True).exists()
    # Referral numbers come from the department's yearly sequence.
    assert all(re.fullmatch(r"2025-\d{2}-\d{6}", n) for n in Referral.objects.values_list("number", flat=True))
    assert sum(ReferralNumberSequence.objects.filter(year=2025).values_list("last_value", flat=True)) == referrals
    # A taken-up referral is linked to exactly one follow-up.
    assert FollowUpReferral.objects.count() == Referral.objects.filter(status=ReferralStatus.TAKEN_UP).count()
    # Conventions went through the services: commitments cover the cost.
    assert Convention.objects.count() == 2
    assert FundingRule.objects.count() == 2 * 3
    assert Payment.objects.exists() and SteeringCommittee.objects.count() == 2
    for convention in Convention.objects.with_list_data():
        assert convention.committed_cents == convention.total_cost_cents > 0


def _figures(tmp_path, name) -> str:
    target = tmp_path / name
    call_command("bench_bilans", "--year", "2025", "--runs", "1", "--scopes", "post,national", "--figures", target)
    return target.read_text()


def test_generate_volume_is_deterministic_for_a_seed(tmp_path, monkeypatch):
    monkeypatch.setattr("iscg.db_routers.replica_enabled", lambda: False)  # read in the test's transaction
    with transaction.atomic():
        _generate(seed=11)
        first, first_figures = _snapshot(), _figures(tmp_path, "first.json")
        transaction.set_rollback(True)
    assert not Referral.objects.exists()
    _generate(seed=11)
    assert _snapshot() == first
    assert _figures(tmp_path, "second.json") == first_figures  # the same bilans, figure for figure
    assert first["referrals"]


def test_the_volume_is_planned_by_the_demo_planner(monkeypatch):
    # One simulator (issue 21): every post's activity comes from demo.activity's PostPlanner.
    from demo.activity import PostPlanner

    planned = []
    original = PostPlanner.plan
    monkeypatch.setattr(PostPlanner, "plan", lambda self: planned.append(self.post) or original(self))
    _generate(posts=2)
    assert len(planned) == 2
    keys = set(Referral.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == Referral.objects.count()  # the planner's keys, unique across posts


def test_generate_volume_command_refuses_a_seed_already_generated(capsys):
    call_command("generate_volume", posts=1, years=1, seed=3, end=END)
    assert "Generated in" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already exists"):
        call_command("generate_volume", posts=1, years=1, seed=3, end=END)


def test_bench_bilans_writes_every_figure_to_compare_two_versions_of_the_code(tmp_path, monkeypatch):
    # Read where the test writes (in its transaction), even with DATABASE_REPLICA_URL set as in CI:
    # sending bilans to the replica has its own tests (test_db_router.py).
    monkeypatch.setattr("iscg.db_routers.replica_enabled", lambda: False)
    _generate()
    target = tmp_path / "figures.json"
    call_command(
        "bench_bilans", "--year", "2025", "--runs", "1", "--scopes", "post,national", "--figures", str(target)
    )
    figures = json.loads(target.read_text())
    assert set(figures) == {"post", "national"}
    national = compute_bilan(scope=resolve_scope("national"), period=civil_year(2025), with_previous=False)
    assert figures["national"]["indicators"]["B1"]["total"] == national.indicators["B1"].total > 0
    assert figures["national"]["indicators"].keys() == national.indicators.keys()
    b3 = figures["national"]["indicators"]["B3"]["breakdown"]
    assert {key: cell["value"] for key, cell in b3.items()} == {
        cell.key: cell.value for cell in national.indicators["B3"].breakdown
    }
    assert len(figures["national"]["monthly"]) == 12
    assert "generated_at" not in target.read_text()  # the same figures give the same file


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row triggers are skipped on PostgreSQL only")
def test_the_references_are_checked_once_the_volume_is_written():
    # generate_volume skips the foreign-key triggers while it writes (as a superuser, as CI's is),
    # then checks every reference: a row pointing at no row is caught there.
    counts = _generate()
    assert counts["casework.Intervention"] > 0
    check_references()  # the generated volume is consistent
    post = Post.objects.first()
    link = Post.units.through
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role TO replica")
        cursor.execute(
            f"INSERT INTO {link._meta.db_table} (post_id, unit_id) VALUES (%s, %s)",  # noqa: S608  # nosec B608 - a model's table
            [post.pk, 999_999_999],
        )
        cursor.execute("RESET session_replication_role")
    with pytest.raises(ValueError, match=r"unit: 1 rows point at no row"):
        check_references()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {link._meta.db_table} WHERE unit_id = 999999999")  # noqa: S608  # nosec B608


def test_the_volume_ends_with_statistics_of_every_table_it_wrote(monkeypatch):
    # Without them the planner guesses until autovacuum comes: a post-year bilan took 11.4 s instead of 74 ms.
    from bench import volume
    from iscg import planner_statistics

    analysed = []
    monkeypatch.setattr(
        volume, "analyze", lambda tables: analysed.extend(tables) or planner_statistics.analyze(tables)
    )
    _generate(posts=1)
    large = [DangerAssessment.answers.rel.related_model, Referral.persons.rel.related_model]
    large += [Referral.problems.through, FollowUp.problems.through, Intervention, Person, FollowUpReferral]
    assert {model._meta.db_table for model in large} <= set(analysed)
