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
