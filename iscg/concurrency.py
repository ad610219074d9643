"""The one optimistic-locking mechanism: a shared record carries a ``version``; a save names the
version the user loaded and writes only if nobody saved since. Otherwise nothing is written and
``EditConflict`` names the fields whose saved value differs from the user's input.

One behaviour on every page (casework, partners, conventions): the form comes back (status 409)
with the posted input untouched, the conflict message naming what the other person changed, and
the current version in its hidden field, so that saving again knowingly replaces their version.
"""

from collections.abc import Mapping

from django.db import models
from django.db.models import F
from django.http import QueryDict
from django.utils.translation import gettext as _

CONFLICT_STATUS = 409


class EditConflict(Exception):
    """Someone saved the record after it was loaded: nothing was written."""

    def __init__(self, changed_fields: list[str] | None = None):
        self.changed_fields = changed_fields or []
        super().__init__(_("This record was changed by someone else while you were editing it."))


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def changed_fields(current: models.Model, values: Mapping, many: Mapping | None = None) -> list[str]:
    """The labels of the fields whose saved value (``current``) differs from ``values`` and, for the
    many-to-many fields of ``many``, from the given objects."""
    model = type(current)
    changed = [_label(model, name) for name, value in values.items() if getattr(current, name) != value]
    changed += [
        _label(model, name)
        for name, value in (many or {}).items()
        if set(getattr(current, name).values_list("pk", flat=True)) != {item.pk for item in value}
    ]
    return changed


def save_with_version(
    instance: models.Model,
    *,
    version: int,
    values: Mapping,
    many: Mapping | None = None,
    also: Mapping | None = None,
) -> None:
    """Write ``values`` (and ``also``, not compared: timestamps) and the many-to-many sets of ``many``
    only if the row still has ``version``, bumping it; then reload ``instance``. Otherwise raise
    EditConflict. Call inside a transaction."""
    model = type(instance)
    updated = model.objects.filter(pk=instance.pk, version=version).update(
        **values, **(also or {}), version=F("version") + 1
    )
    if not updated:
        raise EditConflict(changed_fields(model.objects.get(pk=instance.pk), values, many))
    for name, value in (many or {}).items():
        getattr(instance, name).set(value)
    instance.refresh_from_db()


def claim_version(instance: models.Model, *, version: int, values: Mapping | None = None) -> None:
    """For a record whose content spans several tables (a convention, its parties, posts, costs and
    rules): take the next version if the row still has ``version``, before writing the rest; otherwise
    raise EditConflict naming the fields of ``values`` the other person changed."""
    model = type(instance)
    if not model.objects.filter(pk=instance.pk, version=version).update(version=F("version") + 1):
        raise EditConflict(changed_fields(model.objects.get(pk=instance.pk), values or {}))
    instance.version = version + 1


def conflict_message(conflict: EditConflict) -> str:
    return _(
        "Someone else saved this record while you were editing it. Fields that differ from the version saved "
        "meanwhile: %(fields)s. Your input is kept below: check it, then save again to replace their version."
    ) % {"fields": ", ".join(conflict.changed_fields) or "—"}


def with_current_version(data: QueryDict, version: int) -> QueryDict:
    """A copy of the posted data carrying the current version (``version`` and any formset's
    ``*-version``): the form comes back with everything typed, and saving again replaces their version."""
    data = data.copy()
    for key in list(data):
        if key == "version" or key.endswith("-version"):
            data[key] = str(version)
    return data


def form_after_conflict(form, instance: models.Model, conflict: EditConflict) -> None:
    """The one view behaviour after a conflict: ``form`` keeps what was typed, carries the record's
    current version (saving again knowingly replaces the other person's) and says what they changed.
    The view answers ``CONFLICT_STATUS``."""
    version = type(instance).objects.values_list("version", flat=True).get(pk=instance.pk)
    form.data = with_current_version(form.data, version)
    form.add_error(None, conflict_message(conflict))
