"""Side effects of reporting: the export journal line, the bilan kept with a steering committee, adoption."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from conventions.models import SteeringCommittee
from iscg.concurrency import EditConflict
from organisation.models import Department, Post, Unit
from reporting import adoption, pdf
from reporting.bilan import BilanScope, Period, ScopeKind
from reporting.indicators import civil_year, compute_bilan
from reporting.masking import DEFAULT_THRESHOLD, mask_bilan, masked_request_error
from reporting.models import AdoptedBilan, BilanCommentary
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
    committee.bilan_generated = True
    committee.save(update_fields=["bilan", "bilan_generated"])
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


# ---- Adoption (docs/reporting.md, "Adoption") ---------------------------------------------------


def _scope_rows(scope: BilanScope) -> dict:
    """The department, post or unit an adopted bilan belongs to (who may see it: access.adopted_bilan_q)."""
    match scope.kind:
        case ScopeKind.POST:
            post = Post.objects.get(public_id=scope.key)
            return {"department_id": post.department_id, "post": post}
        case ScopeKind.UNIT:
            unit = Unit.objects.get(public_id=scope.key)
            return {"department_id": unit.department_id, "unit": unit}
        case ScopeKind.DEPARTMENT:
            return {"department": Department.objects.get(code=scope.key)}
    return {}


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def bilan_adopt(*, scope: BilanScope, period: Period, by, committee: SteeringCommittee | None = None) -> AdoptedBilan:
    """Freeze the bilan of a scope and period as its next version: figures computed now (never from the
    cache), the exact PDF and, where masked figures may be published, the diffusion PDF, with their SHA-256."""
    text = adoption.bilan_text(compute_bilan(scope=scope, period=period))
    frozen = adoption.bilan_from_text(text)  # the PDFs print exactly the stored figures
    masked = None
    if not masked_request_error(scope, period, today=timezone.localdate()):
        masked = mask_bilan(frozen, threshold=DEFAULT_THRESHOLD)
    rows = _scope_rows(scope)
    adopted_on = date_format(timezone.localdate(), "j F Y")
    # The next number; two adoptions at once meet the unique constraint and the second takes the next one.
    versions = AdoptedBilan.objects.of(scope_kind=scope.kind, scope_key=scope.key, start=period.start, end=period.end)
    for _attempt in range(3):
        version = (versions.aggregate(last=Max("version"))["last"] or 0) + 1
        label = _("adopted on %(date)s (version %(version)s)") % {"date": adopted_on, "version": version}
        exact_pdf = pdf.bilan_pdf(frozen, version_label=label, **page_one_extras(frozen))
        diffusion_pdf = None
        if masked is not None:
            diffusion_pdf = pdf.bilan_pdf(masked, version_label=label, **page_one_extras(masked))
        name = f"bilan-{scope.kind}-{scope.key[:8]}-{period.start:%Y%m%d}-{period.end:%Y%m%d}-v{version}"
        adopted = AdoptedBilan(
            scope_kind=scope.kind,
            scope_key=scope.key,
            scope_label=str(scope.label),
            period_start=period.start,
            period_end=period.end,
            version=version,
            figures=text,
            pdf_sha256=_sha256(exact_pdf),
            adopted_by=by,
            adopted_at=timezone.now(),
            committee=committee,
            **rows,
        )
        adopted.pdf.save(f"{name}.pdf", ContentFile(exact_pdf), save=False)
        if diffusion_pdf is not None:
            adopted.diffusion_pdf.save(f"{name}-diffusion.pdf", ContentFile(diffusion_pdf), save=False)
            adopted.diffusion_pdf_sha256 = _sha256(diffusion_pdf)
            adopted.diffusion_threshold = DEFAULT_THRESHOLD
        try:
            with transaction.atomic():
                adopted.save()
        except IntegrityError:
            # Another adoption of the same scope and period took this number first: take the next one.
            for field in (adopted.pdf, adopted.diffusion_pdf):
                if field:
                    field.storage.delete(field.name)
            continue
        logger.info(
            "Bilan adopted: user=%s scope=%s period=%s/%s version=%s",
            by.pk,
            scope.as_argument(),
            period.start.isoformat(),
            period.end.isoformat(),
            version,
        )
        return adopted
    raise IntegrityError("Could not number the adopted bilan: too many adoptions at once.")
