from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    POLICE = "police", _("Police officer or gendarme")
    ISCG = "iscg", _("Social worker (ISCG)")
    COORDINATOR = "coordinator", _("Coordinator")
    FUNDER = "funder", _("Funder")
    ADMIN = "admin", _("Administrator")


class AccountEvent(models.TextChoices):
    """What was done to an account besides a field change (journaled in the change history)."""

    SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")
    PASSWORD_RESET_LINK_SENT = "password_reset_link_sent", _("Password reset link sent to the user's address")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    UNLOCKED = "unlocked", _("Sign-in unblocked")
    ASSIGNMENTS_CHANGED = "assignments_changed", _("Post assignments changed")
