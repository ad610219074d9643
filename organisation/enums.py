from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    COMMISSARIAT = "commissariat", _("Police station (commissariat)")
    BRIGADE = "brigade", _("Gendarmerie brigade")
    COMPANY = "company", _("Gendarmerie company or group")
    TOWN_HALL = "town_hall", _("Town hall")
    CCAS = "ccas", _("Municipal social action centre (CCAS)")
    FRANCE_SERVICES = "france_services", _("France services centre")
    OTHER = "other", _("Other reception site")


class Force(models.TextChoices):
    POLICE = "police", _("Police")
    GENDARMERIE = "gendarmerie", _("Gendarmerie")
    OTHER = "other", _("Other")


UNIT_KIND_FORCE = {
    UnitKind.COMMISSARIAT: Force.POLICE,
    UnitKind.BRIGADE: Force.GENDARMERIE,
    UnitKind.COMPANY: Force.GENDARMERIE,
}


class Zone(models.TextChoices):
    POLICE = "police", _("Police zone")
    GENDARMERIE = "gendarmerie", _("Gendarmerie zone")
    MIXED = "mixed", _("Mixed zone")


GENDARMERIE_KINDS = frozenset(kind for kind, force in UNIT_KIND_FORCE.items() if force == Force.GENDARMERIE)


class CoverageRule(models.TextChoices):
    """Which units a post covers besides those listed: units created later are covered from their creation."""

    LISTED = "listed", _("Only the units listed")
    DEPARTMENT_GENDARMERIE = "department_gendarmerie", _("Every gendarmerie unit of the department")
    GROUP = "group", _("Every unit of a company or circonscription")


class SplitForce(models.TextChoices):
    """The zone of a post's share when it is not tied to one unit."""

    POLICE = "police", _("Police zone")
    GENDARMERIE = "gendarmerie", _("Gendarmerie zone")
