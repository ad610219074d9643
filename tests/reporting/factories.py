"""Adopted bilans for tests that need one without computing and rendering it (the access matrix, the
crawl): the figures of the hand-made sample bilan, for the given department, and a small PDF."""

import dataclasses
import datetime
import hashlib

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from reporting import adoption
from reporting.bilan import BilanScope, Period, ScopeKind
from reporting.models import AdoptedBilan
from tests.conventions.factories import PDF_BYTES
from tests.reporting.samples import sample_bilan

TWO_YEARS_AGO = timezone.localdate().year - 2  # not the bilan page's default year


def _figures(adopted) -> str:
    department = adopted.department
    bilan = dataclasses.replace(
        sample_bilan(with_previous=True),
        scope=BilanScope(ScopeKind.DEPARTMENT, department.code, f"{department.name} ({department.code})"),
        period=Period(adopted.period_start, adopted.period_end),
    )
    return adoption.bilan_text(bilan)


class AdoptedBilanFactory(DjangoModelFactory):
    """A department's adopted bilan with its diffusion version (as a department and a past civil year have)."""

    class Meta:
        model = AdoptedBilan

    department = None  # required: pass the department
    scope_kind = ScopeKind.DEPARTMENT.value
    scope_key = factory.LazyAttribute(lambda adopted: adopted.department.code)
    scope_label = factory.LazyAttribute(lambda adopted: f"{adopted.department.name} ({adopted.department.code})")
    period_start = datetime.date(TWO_YEARS_AGO, 1, 1)
    period_end = datetime.date(TWO_YEARS_AGO, 12, 31)
    version = factory.Sequence(lambda n: n + 1)
    figures = factory.LazyAttribute(_figures)
    pdf = factory.django.FileField(data=PDF_BYTES, filename="bilan-adopte.pdf")
    pdf_sha256 = hashlib.sha256(PDF_BYTES).hexdigest()
    diffusion_pdf = factory.django.FileField(data=PDF_BYTES + b"%diffusion\n", filename="bilan-adopte-diffusion.pdf")
    diffusion_pdf_sha256 = hashlib.sha256(PDF_BYTES + b"%diffusion\n").hexdigest()
    diffusion_threshold = 11
    adopted_by = None  # required: pass the coordinator
    adopted_at = factory.LazyFunction(timezone.now)
