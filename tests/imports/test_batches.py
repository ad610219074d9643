"""Re-importing creates nothing new; a batch is cancelled within 30 days, removing exactly what it created."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from casework.models import Assessment, FollowUp, FollowUpReferral, Intervention, Orientation, Person
from imports import services
from imports.exporting import post_tables, workbook_bytes
from imports.models import ImportBatch, ImportedRecord
from referrals.models import Referral, ReferralNumberSequence, ReferralPerson
from tests.casework.factories import AssessmentFactory, InterventionFactory
from tests.imports.conftest import import_file, preview


def _counts(post) -> dict:
    return {
        "persons": Person.objects.filter(post=post).count(),
        "followups": FollowUp.objects.filter(post=post).count(),
        "interventions": Intervention.objects.filter(followup__post=post).count(),
        "orientations": Orientation.objects.filter(followup__post=post).count(),
        "assessments": Assessment.objects.filter(followup__post=post).count(),
        "violence_forms": Assessment.violence_forms.through.objects.filter(assessment__followup__post=post).count(),
        "referrals": Referral.objects.filter(unit__posts=post).count(),
        "referral_persons": ReferralPerson.objects.filter(referral__unit__posts=post).count(),
        "links": FollowUpReferral.objects.filter(followup__post=post).count(),
    }


@pytest.fixture
def history_file(source):
    return workbook_bytes(post_tables(source.post))


def test_re_importing_the_same_file_creates_nothing_new(target, history_file):
    import_file(target.post, target.iscg, history_file)
    after_first = _counts(target.post)
    second = import_file(target.post, target.iscg, history_file)

    assert _counts(target.post) == after_first
    assert {key: (sheet["new"], sheet["existing"], sheet["created"]) for key, sheet in second.counts.items()} == {
        "person": (0, 4, 0),
        "followup": (0, 4, 0),
        "referral": (0, 6, 0),
        "intervention": (0, 9, 0),
        "orientation": (0, 2, 0),
        "transmission": (0, 2, 0),
        "assessment": (0, 3, 0),
    }
    assert ImportedRecord.objects.filter(batch=second).count() == 0


def test_referral_numbers_come_from_the_department_sequence(target, history_file):
    import_file(target.post, target.iscg, history_file)
    numbers = sorted(Referral.objects.filter(unit__posts=target.post).values_list("number", flat=True))
    assert numbers == [
        "2024-42-000001",
        "2025-42-000001",
        "2025-42-000002",
        "2025-42-000003",
        "2025-42-000004",
        "2025-42-000005",
    ]
    assert ReferralNumberSequence.objects.get(department=target.department, year=2025).last_value == 5


def test_a_later_file_may_refer_to_records_imported_earlier(target, history_file, source):
    import_file(target.post, target.iscg, history_file)
    tables = post_tables(source.post)
    headers, rows = tables["interventions"]
    only_interventions = {
        "interventions": (
            headers,
            [["I-NEW", rows[0][1], "01/06/2025", "10:00", "30", "Écrit", "À distance", "Réalisé"]],
        )
    }
    batch = import_file(target.post, target.iscg, workbook_bytes(only_interventions, with_help=False))
    assert batch.counts["intervention"]["created"] == 1


def test_a_batch_is_cancelled_removing_exactly_what_it_created(target, history_file, source):
    before = _counts(target.post)
    source_before = _counts(source.post)
    batch = import_file(target.post, target.iscg, history_file)
    assert not batch.file  # the stored upload is removed once imported
    # Its own assessments are no work recorded on top of it.
    assert _counts(target.post)["assessments"] == 3 and _counts(target.post)["violence_forms"] == 3

    services.batch_cancel(batch=batch, by=target.iscg)

    batch.refresh_from_db()
    assert (batch.status, batch.cancelled_by) == ("cancelled", target.iscg)
    assert _counts(target.post) == before
    assert _counts(source.post) == source_before
    assert not ImportedRecord.objects.filter(post=target.post).exists()
    # Once cancelled, the same file imports again.
    assert import_file(target.post, target.iscg, history_file).counts["person"]["created"] == 4


def test_a_batch_cannot_be_cancelled_after_30_days_or_twice(target, history_file):
    batch = import_file(target.post, target.iscg, history_file)
    ImportBatch.objects.filter(pk=batch.pk).update(imported_at=timezone.now() - datetime.timedelta(days=31))
    with pytest.raises(services.ImportRefused):
        services.batch_cancel(batch=batch, by=target.iscg)
    ImportBatch.objects.filter(pk=batch.pk).update(imported_at=timezone.now())
    services.batch_cancel(batch=batch, by=target.iscg)
    with pytest.raises(services.ImportRefused):
        services.batch_cancel(batch=batch, by=target.iscg)


def test_a_batch_with_work_recorded_on_top_of_it_is_not_cancelled(target, history_file):
    batch = import_file(target.post, target.iscg, history_file)
    followup = FollowUp.objects.filter(post=target.post).first()
    InterventionFactory(followup=followup, author=target.iscg)
    before = _counts(target.post)
    with pytest.raises(services.ImportRefused):
        services.batch_cancel(batch=batch, by=target.iscg)
    assert _counts(target.post) == before


def test_an_assessment_recorded_since_on_an_imported_follow_up_prevents_the_cancellation(target, history_file):
    batch = import_file(target.post, target.iscg, history_file)
    AssessmentFactory(followup=FollowUp.objects.filter(post=target.post).first(), author=target.iscg)
    with pytest.raises(services.ImportRefused, match="évaluations sociales enregistrées depuis"):
        services.batch_cancel(batch=batch, by=target.iscg)
    assert _counts(target.post)["assessments"] == 4


def test_a_batch_is_confirmed_once_only(target, history_file):
    batch = preview(target.post, target.iscg, history_file)
    services.batch_confirm(batch=batch, by=target.iscg)
    with pytest.raises(services.ImportRefused):
        services.batch_confirm(batch=batch, by=target.iscg)


def test_a_stored_file_changed_since_the_preview_is_refused(target, history_file):
    batch = preview(target.post, target.iscg, history_file)
    with open(batch.file.path, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(services.ImportRefused):
        services.batch_confirm(batch=batch, by=target.iscg)
    assert _counts(target.post)["persons"] == 0


def test_the_command_checks_with_dry_run_then_imports(target, history_file, tmp_path):
    path = tmp_path / "historique.xlsx"
    path.write_bytes(history_file)
    out = io.StringIO()
    call_command("import_activity", str(path), "--post", str(target.post.public_id), "--dry-run", stdout=out)
    assert _counts(target.post)["persons"] == 0 and not ImportBatch.objects.exists()
    call_command("import_activity", str(path), "--post", str(target.post.public_id), stdout=out)
    assert _counts(target.post)["persons"] == 4
    assert ImportBatch.objects.get().created_by == target.iscg


def test_the_command_refuses_bad_input_with_a_command_error(target, tmp_path):
    bad = tmp_path / "suivis.csv"
    bad.write_text("identifiant;personne;ouvert le\nS1;P9;31/02/2025\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "import_activity",
            str(bad),
            "--post",
            str(target.post.public_id),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    with pytest.raises(CommandError):
        call_command("import_activity", str(bad), "--post", "not-a-uuid")
    with pytest.raises(CommandError):
        call_command("import_activity", str(tmp_path / "missing.xlsx"), "--post", str(target.post.public_id))
    assert _counts(target.post)["followups"] == 0 and not ImportBatch.objects.filter(status="imported").exists()
