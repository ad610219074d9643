from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    POLICE = "police", _("Police officer or gendarme")
    ISCG = "iscg", _("Social worker (ISCG)")
    COORDINATOR = "coordinator", _("Coordinator")
    FUNDER = "funder", _("Funder")
    ADMIN = "admin", _("Administrator")
