"""Writes on organisation data. Keyword-only, atomic; edits of shared records use optimistic locking."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from organisation.models import Partner

PARTNER_FIELDS = [
    "department",
    "partner_type",
    "name",
    "address",
    "commune",
    "phone",
    "email",
    "website",
    "opening_hours",
    "accepts",
    "is_active",
]


class EditConflict(Exception):
    """Someone saved the record after it was loaded: nothing was written."""

    def __init__(self, changed_fields: list[str]):
        self.changed_fields = changed_fields
        super().__init__(_("This record was changed by someone else while you were editing it."))


@transaction.atomic
def partner_create(*, by: User, **data) -> Partner:
    return Partner.objects.create(**{field: data[field] for field in PARTNER_FIELDS if field in data})


@transaction.atomic
def partner_update(*, partner: Partner, version: int, by: User, **data) -> Partner:
    """Save the edit only if nobody saved the partner since `version` was loaded."""
    values = {field: data[field] for field in PARTNER_FIELDS if field in data}
    updated = Partner.objects.filter(pk=partner.pk, version=version).update(**values, version=F("version") + 1)
    if not updated:
        current = Partner.objects.get(pk=partner.pk)
        changed = [
            str(Partner._meta.get_field(field).verbose_name)
            for field, value in values.items()
            if getattr(current, field) != value
        ]
        raise EditConflict(changed)
    partner.refresh_from_db()
    return partner
