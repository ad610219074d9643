"""Side effects of reporting: the export journal line, and the bilan kept with a steering committee."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from conventions.models import SteeringCommittee
from organisation.services import EditConflict
from reporting import pdf
from reporting.bilan import BilanScope, Period, ScopeKind
from reporting.indicators import civil_year, compute_bilan
from reporting.masking import DEFAULT_THRESHOLD, mask_bilan
from reporting.models import BilanCommentary
from reporting.overview import page_one_extras

logger = logging.getLogger(__name__)


def bilan_export_logged(*, bilan, fmt: str, by) -> None:
    """One log line per downloaded bilan: who (user id), what scope and period, which format. No figures."""
    logger.info(
        "Bilan exported: user=%s scope=%s period=%s/%s format=%s masked=%s",
        by.pk,
        bilan.scope.as_argument(),
        bilan.period.start.isoformat(),
        bilan.period.end.isoformat(),
        fmt,
        bilan.is_masked,
    )


def committee_default_period(committee: SteeringCommittee) -> Period:
    """A committee presents the last complete civil year before it is held."""
    return civil_year(committee.held_on.year - 1)


def committee_scope(committee: SteeringCommittee) -> BilanScope:
    """The convention's department: masked figures are published for departments only (a post's bilan
    beside its department's would let small counts be recomputed; reporting.masking.masked_request_error)."""
    department = committee.convention.department
    return BilanScope(ScopeKind.DEPARTMENT, department.code, f"{department.name} ({department.code})")


@transaction.atomic
def committee_attach_bilan(*, committee: SteeringCommittee, period: Period, by) -> None:
    """Generate the diffusion (masked) bilan PDF and keep it with the committee, as generated."""
    bilan = mask_bilan(compute_bilan(scope=committee_scope(committee), period=period), threshold=DEFAULT_THRESHOLD)
    content = pdf.bilan_pdf(bilan, **page_one_extras(bilan))
    old = committee.bilan.name if committee.bilan else None
    name = f"bilan-copil-{committee.held_on:%Y%m%d}.pdf"
    committee.bilan.save(name, ContentFile(content), save=False)
    committee.save(update_fields=["bilan"])
    if old:
        transaction.on_commit(lambda: committee.bilan.storage.delete(old))
    logger.info(
        "Bilan attached to steering committee %s by user %s (%s to %s)",
        committee.public_id,
        by.pk,
        period.start.isoformat(),
        period.end.isoformat(),
    )


# ---- The coordinator's commentary ---------------------------------------------------------------


@transaction.atomic
def bilan_commentary_save(*, scope: BilanScope, period: Period, text: str, version: int, by) -> BilanCommentary:
    """Write the commentary of a scope and period if nobody saved it since ``version`` was loaded
    (0: there was none), else raise EditConflict and write nothing. Logs carry no text."""
    changed = [str(BilanCommentary._meta.get_field("text").verbose_name)]
    if version == 0:
        key = {
            "scope_kind": scope.kind,
            "scope_key": scope.key,
            "period_start": period.start,
            "period_end": period.end,
        }
        commentary, created = BilanCommentary.objects.get_or_create(**key, defaults={"text": text, "updated_by": by})
        if not created:
            raise EditConflict(changed)
    else:
        current = BilanCommentary.objects.of_bilan(scope, period)
        updated = current.filter(version=version).update(
            text=text, updated_by=by, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise EditConflict(changed)
        commentary = current.get()
    logger.info(
        "Bilan commentary saved: user=%s scope=%s period=%s/%s version=%s",
        by.pk,
        scope.as_argument(),
        period.start.isoformat(),
        period.end.isoformat(),
        commentary.version,
    )
    return commentary
