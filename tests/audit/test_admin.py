from django.contrib import admin

from audit.models import AccessEntry
from casework.models import Assessment, FollowUp, FollowUpReferral, Intervention, Orientation, Person
from imports.models import ImportBatch, ImportedRecord
from referrals.models import DangerAnswer, DangerAssessment, Referral, ReferralAddendum, ReferralPerson

PERSON_LEVEL = {
    Person, FollowUp, FollowUpReferral, Intervention, Assessment, Orientation, Referral, ReferralPerson,
    ReferralAddendum, DangerAssessment, DangerAnswer, ImportBatch, ImportedRecord, AccessEntry,
}  # fmt: skip


def test_no_person_level_model_is_in_the_django_admin():
    registered = set(admin.site._registry)
    assert not registered & PERSON_LEVEL, sorted(model._meta.label for model in registered & PERSON_LEVEL)
    labels = {model._meta.label for model in registered}
    assert not any(label.startswith("auditlog.") for label in labels)  # the history holds record ids
