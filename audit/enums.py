from django.db import models
from django.utils.translation import gettext_lazy as _


class JournalAction(models.TextChoices):
    READ = "read", _("Read")
    EXPORT = "export", _("Export")
    CHANGE = "change", _("Change")
    REFUSED = "refused", _("Refused")
    REQUEST = "request", _("Request (awaiting confirmation)")
    CONFIRM = "confirm", _("Confirmation")


class RecordType(models.TextChoices):
    PERSON = "person", _("Person")
    FOLLOWUP = "followup", _("Follow-up")
    INTERVENTION = "intervention", _("Intervention")
    ORIENTATION = "orientation", _("Orientation")
    REFERRAL = "referral", _("Referral")
    IMPORT_BATCH = "import_batch", _("Import batch")
    AGENDA = "agenda", _("Agenda")
    ASSIGNMENT = "assignment", _("Post assignment")
    ADOPTED_BILAN = "adopted_bilan", _("Adopted bilan")


class AccessRequestChannel(models.TextChoices):
    """How a person asked the post for their data (right of access, docs/domain.md §9)."""

    IN_PERSON = "in_person", _("In person, at the post")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone, then identity checked")
    OTHER = "other", _("Other")


class RetainedKind(models.TextChoices):
    """What the retention command anonymised (one row per record, so a second run changes nothing)."""

    FOLLOWUP = "followup", _("Follow-up")
    PERSON = "person", _("Person")
    REFERRAL = "referral", _("Referral")
