from django.db import models
from django.utils.translation import gettext_lazy as _


class JournalAction(models.TextChoices):
    READ = "read", _("Read")
    EXPORT = "export", _("Export")
    CHANGE = "change", _("Change")
    REFUSED = "refused", _("Refused")


class RecordType(models.TextChoices):
    PERSON = "person", _("Person")
    FOLLOWUP = "followup", _("Follow-up")
    INTERVENTION = "intervention", _("Intervention")
    ORIENTATION = "orientation", _("Orientation")
    REFERRAL = "referral", _("Referral")
    IMPORT_BATCH = "import_batch", _("Import batch")
    AGENDA = "agenda", _("Agenda")


class RetainedKind(models.TextChoices):
    """What the retention command anonymised (one row per record, so a second run changes nothing)."""

    FOLLOWUP = "followup", _("Follow-up")
    PERSON = "person", _("Person")
    REFERRAL = "referral", _("Referral")
