from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordType(models.TextChoices):
    """One sheet of the import format = one record type (docs/import.md)."""

    PERSON = "person", _("Person")
    REFERRAL = "referral", _("Referral")
    FOLLOWUP = "followup", _("Follow-up")
    INTERVENTION = "intervention", _("Intervention")
    ORIENTATION = "orientation", _("Orientation")
    TRANSMISSION = "transmission", _("Child-protection transmission")
    ASSESSMENT = "assessment", _("Social assessment")


# The casework object each record type points to (ImportedRecord has one nullable FK per target).
TARGET_FIELD = {
    RecordType.PERSON: "person",
    RecordType.REFERRAL: "referral",
    RecordType.FOLLOWUP: "followup",
    RecordType.INTERVENTION: "intervention",
    RecordType.ORIENTATION: "orientation",
    RecordType.TRANSMISSION: "orientation",
    RecordType.ASSESSMENT: "assessment",
}


class BatchStatus(models.TextChoices):
    CHECKING = "checking", _("Being checked")
    PREVIEWED = "previewed", _("Checked, waiting for confirmation")
    IMPORTING = "importing", _("Being imported")
    IMPORTED = "imported", _("Imported")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


# The worker is on it: the batch page shows the progress and polls its state.
PENDING_STATUSES = (BatchStatus.CHECKING, BatchStatus.IMPORTING)
